-- The service foundation: access groups (with their ancestor closure), committees, grants,
-- meetings, participants and agenda items. Enumerations are TEXT with CHECK constraints so that
-- both backends store the same values; timestamps are UTC, written by the application.

CREATE TABLE access_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    external_id TEXT    UNIQUE,
    tier        TEXT    NOT NULL CHECK (tier IN ('political', 'staff', 'unit', 'institution')),
    parent_id   INTEGER REFERENCES access_groups (id),
    description TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX access_groups_parent_idx ON access_groups (parent_id);

-- Every (group, ancestor) pair including (group, group) at depth 0, so that "the caller's groups and
-- all their ancestors" is one indexed join, whatever the depth of the hierarchy.
CREATE TABLE access_group_ancestors (
    group_id    INTEGER NOT NULL REFERENCES access_groups (id) ON DELETE CASCADE,
    ancestor_id INTEGER NOT NULL REFERENCES access_groups (id) ON DELETE CASCADE,
    depth       INTEGER NOT NULL,
    PRIMARY KEY (group_id, ancestor_id)
);
CREATE INDEX access_group_ancestors_ancestor_idx ON access_group_ancestors (ancestor_id);

CREATE TABLE committees (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('executive_board', 'political_committee', 'city_council',
                       'cross_organisational', 'school_board', 'daycare_board', 'med', 'network',
                       'external_collaboration', 'other')),
    owner_group_id INTEGER NOT NULL REFERENCES access_groups (id),
    publication    TEXT    NOT NULL CHECK (publication IN ('public', 'internal', 'none')),
    description    TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX committees_owner_group_idx ON committees (owner_group_id);

CREATE TABLE committee_grants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    group_id     INTEGER NOT NULL REFERENCES access_groups (id),
    role         TEXT    NOT NULL CHECK (role IN ('reader', 'member', 'secretary')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (committee_id, group_id)
);
CREATE INDEX committee_grants_group_idx ON committee_grants (group_id);

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES committees (id),
    title        TEXT    NOT NULL,
    starts_at    TEXT    NOT NULL,
    ends_at      TEXT,
    location     TEXT,
    online_link  TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'agenda_published', 'held', 'minutes_published', 'cancelled')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX meetings_committee_starts_idx ON meetings (committee_id, starts_at, id);
CREATE INDEX meetings_starts_idx ON meetings (starts_at, id);
CREATE INDEX meetings_updated_idx ON meetings (updated_at);

CREATE TABLE meeting_participants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    user_subject TEXT,
    role         TEXT    NOT NULL CHECK (role IN ('chair', 'member', 'secretary', 'guest', 'observer')),
    attendance   TEXT    NOT NULL CHECK (attendance IN ('present', 'absent', 'apologies')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX meeting_participants_meeting_idx ON meeting_participants (meeting_id, id);

CREATE TABLE agenda_items (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id             INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position               INTEGER NOT NULL,
    title                  TEXT    NOT NULL,
    closed                 INTEGER NOT NULL CHECK (closed IN (0, 1)),
    case_number            TEXT,
    journal_number         TEXT,
    document_number        TEXT,
    case_type              TEXT CHECK (case_type IN ('decision', 'discussion', 'information')),
    summary                TEXT,
    recommendation         TEXT,
    handled_by             TEXT,
    presentation           TEXT,
    financial_consequences TEXT,
    decision_outcome       TEXT CHECK (decision_outcome IN ('approved', 'approved_with_conditions', 'noted',
                               'discussed', 'rejected', 'postponed', 'withdrawn')),
    decision_text          TEXT,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    UNIQUE (meeting_id, position)
);
CREATE INDEX agenda_items_case_number_idx ON agenda_items (case_number);
