-- The protocol, continued. A committee's roster for its election term (the denominator of its
-- quorum, § 11, and where a new meeting's participants come from); a participant's roster seat and
-- the items they arrived at and left after; an item's quorum override with the secretary's reason;
-- an exclusion (inhabilitet, § 14) as a protocol entry; and § 23 declarations (standsningsret).
CREATE TABLE committee_members (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    party        TEXT,
    user_subject TEXT,
    from_date    TEXT    NOT NULL,
    to_date      TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX committee_members_committee ON committee_members (committee_id, from_date);

ALTER TABLE meeting_participants ADD COLUMN roster_member_id INTEGER REFERENCES committee_members (id) ON DELETE SET NULL;
ALTER TABLE meeting_participants ADD COLUMN arrived_at_item INTEGER REFERENCES agenda_items (id) ON DELETE SET NULL;
ALTER TABLE meeting_participants ADD COLUMN left_after_item INTEGER REFERENCES agenda_items (id) ON DELETE SET NULL;

ALTER TABLE agenda_items ADD COLUMN quorum_override TEXT;

-- An exclusion may name a participant without a user account, so its subject becomes optional;
-- SQLite changes a column's constraints only by copying the table.
CREATE TABLE item_exclusions_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    subject        TEXT,
    reason         TEXT,
    created_by     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    participant_id INTEGER REFERENCES meeting_participants (id) ON DELETE CASCADE,
    raised_by      TEXT    CHECK (raised_by IN ('member', 'committee')),
    ruling         TEXT,
    left_room      INTEGER CHECK (left_room IN (0, 1)),
    substitute_id  INTEGER REFERENCES meeting_participants (id) ON DELETE SET NULL,
    CHECK (subject IS NOT NULL OR participant_id IS NOT NULL),
    UNIQUE (item_id, subject),
    UNIQUE (item_id, participant_id)
);
INSERT INTO item_exclusions_new (id, item_id, subject, reason, created_by, version, created_at)
    SELECT id, item_id, subject, reason, created_by, version, created_at FROM item_exclusions;
DROP TABLE item_exclusions;
ALTER TABLE item_exclusions_new RENAME TO item_exclusions;
CREATE INDEX item_exclusions_subject_idx ON item_exclusions (subject, item_id);

CREATE TABLE item_referrals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES meeting_participants (id) ON DELETE CASCADE,
    note           TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (item_id, participant_id)
);
