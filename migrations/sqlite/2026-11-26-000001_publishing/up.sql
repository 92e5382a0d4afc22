-- From agenda to published minutes: the lifecycle's extra facts, fixed published versions, sign-off,
-- attendance per item and standing items.

ALTER TABLE committees ADD COLUMN requires_sign_off INTEGER NOT NULL DEFAULT 0 CHECK (requires_sign_off IN (0, 1));
ALTER TABLE meetings ADD COLUMN cancellation_reason TEXT;
ALTER TABLE meeting_participants ADD COLUMN approver INTEGER NOT NULL DEFAULT 0 CHECK (approver IN (0, 1));
ALTER TABLE agenda_items ADD COLUMN decided_at TEXT;

-- A published agenda or minutes: the meeting as it was published, as JSON, never changed afterwards.
-- Version 1 is the publication, n+1 a correction with its reason.
CREATE TABLE published_documents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER   NOT NULL REFERENCES meetings (id),
    kind            TEXT      NOT NULL CHECK (kind IN ('agenda', 'minutes')),
    number          INTEGER   NOT NULL CHECK (number >= 1),
    reason          TEXT,
    meeting_version INTEGER   NOT NULL,
    published_at    TEXT      NOT NULL,
    published_by    TEXT      NOT NULL,
    -- What lists and calendars show of the version, without reading its content.
    title           TEXT      NOT NULL,
    starts_at       TEXT      NOT NULL,
    ends_at         TEXT     ,
    location        TEXT,
    content         TEXT      NOT NULL,
    UNIQUE (meeting_id, kind, number)
);

-- An approver's signature on the minutes as they stood at `meeting_version`.
CREATE TABLE sign_offs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER   NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    participant_id  INTEGER   NOT NULL UNIQUE REFERENCES meeting_participants (id) ON DELETE CASCADE,
    subject         TEXT      NOT NULL,
    meeting_version INTEGER   NOT NULL,
    signed_at       TEXT      NOT NULL,
    version         INTEGER   NOT NULL DEFAULT 1
);
CREATE INDEX sign_offs_meeting_idx ON sign_offs (meeting_id);

-- Guests for one item and participants who did not take part in it.
CREATE TABLE item_attendance (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER   NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    kind           TEXT      NOT NULL CHECK (kind IN ('guest', 'absent')),
    participant_id INTEGER   REFERENCES meeting_participants (id) ON DELETE CASCADE,
    name           TEXT,
    note           TEXT,
    version        INTEGER   NOT NULL DEFAULT 1,
    created_at     TEXT      NOT NULL,
    updated_at     TEXT      NOT NULL,
    CHECK ((kind = 'guest' AND name IS NOT NULL AND participant_id IS NULL)
        OR (kind = 'absent' AND participant_id IS NOT NULL AND name IS NULL)),
    UNIQUE (item_id, participant_id)
);

-- Faste punkter: the items every meeting of a committee starts with.
CREATE TABLE standing_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id   INTEGER   NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    position       INTEGER   NOT NULL,
    title          TEXT      NOT NULL,
    closed         INTEGER   NOT NULL CHECK (closed IN (0, 1)),
    case_type      TEXT CHECK (case_type IN ('decision', 'discussion', 'information')),
    summary        TEXT,
    recommendation TEXT,
    handled_by     TEXT,
    presentation   TEXT,
    version        INTEGER   NOT NULL DEFAULT 1,
    created_at     TEXT      NOT NULL,
    updated_at     TEXT      NOT NULL
);
CREATE INDEX standing_items_committee_idx ON standing_items (committee_id, position, id);

-- Attachments (bilag). The row outlives its item once a published version names it (`published`),
-- so that every published version's attachments stay downloadable; `removed_at` takes it off the
-- working copy.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    item_id      INTEGER REFERENCES agenda_items (id) ON DELETE SET NULL,
    title        TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    published    INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    removed_at   TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE INDEX attachments_item_idx ON attachments (item_id);
CREATE INDEX attachments_meeting_idx ON attachments (meeting_id);

-- The bytes, apart from the metadata that lists read, in the same database and transaction.
CREATE TABLE attachment_contents (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
    content       BLOB    NOT NULL
);

-- Personal calendar feeds: a secret URL per feed (calendar clients send no bearer token), stored as
-- its SHA-256; deleting the row revokes it.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    subject      TEXT      NOT NULL,
    name         TEXT,
    token_hash   TEXT      NOT NULL UNIQUE,
    created_at   TEXT      NOT NULL,
    last_used_at TEXT     ,
    version      INTEGER   NOT NULL DEFAULT 1
);
CREATE INDEX calendar_feeds_subject_idx ON calendar_feeds (subject);
