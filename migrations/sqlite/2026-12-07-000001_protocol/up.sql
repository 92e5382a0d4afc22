-- The protocol: how the meeting decided. A participant's party letter ("A", "V"); the votes taken
-- on an item, in order, with their positions (per participant or per party group, kept as JSON:
-- a vote is written and read whole); and the dissents of members in a vote's minority.
ALTER TABLE meeting_participants ADD COLUMN party TEXT;
-- A substitute (stedfortræder) names the member of the meeting they stand in for.
ALTER TABLE meeting_participants ADD COLUMN substitute_for INTEGER REFERENCES meeting_participants (id) ON DELETE SET NULL;

CREATE TABLE item_votes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    subject     TEXT    NOT NULL CHECK (subject IN ('recommendation', 'alternative', 'amendment', 'proposal')),
    motion      TEXT    NOT NULL,
    method      TEXT    NOT NULL CHECK (method IN ('roll_call', 'by_group')),
    positions   TEXT    NOT NULL,
    result      TEXT    NOT NULL CHECK (result IN ('adopted', 'rejected')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE item_dissents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    vote_id        INTEGER NOT NULL REFERENCES item_votes (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES meeting_participants (id) ON DELETE CASCADE,
    text           TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (vote_id, participant_id)
);
CREATE INDEX item_dissents_item ON item_dissents (item_id);
