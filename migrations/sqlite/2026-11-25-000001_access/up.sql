-- Access that follows the organisation: users as the service has seen them, local group
-- memberships, grants on every committee of a kind, conflicts of interest per item, service clients,
-- and groups that manage their own subtree.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    subject             TEXT    NOT NULL UNIQUE,
    name                TEXT,
    email               TEXT,
    -- The external group ids of the user's last token, as a JSON array.
    groups_seen         TEXT    NOT NULL DEFAULT '[]',
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    deactivated_at      TEXT,
    deactivation_reason TEXT,
    first_seen_at       TEXT    NOT NULL,
    last_seen_at        TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    updated_at          TEXT    NOT NULL
);

-- Members added here rather than by the identity provider, e.g. external collaborators. Keyed by
-- subject, so that someone can be added before they first sign in.
CREATE TABLE group_members (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   INTEGER NOT NULL REFERENCES access_groups (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL,
    added_by   TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    UNIQUE (group_id, subject)
);
CREATE INDEX group_members_subject_idx ON group_members (subject);

CREATE TABLE kind_grants (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_kind TEXT    NOT NULL CHECK (committee_kind IN ('executive_board', 'political_committee', 'city_council',
                       'cross_organisational', 'school_board', 'daycare_board', 'med', 'network',
                       'external_collaboration', 'other')),
    group_id       INTEGER NOT NULL REFERENCES access_groups (id),
    role           TEXT    NOT NULL CHECK (role IN ('reader', 'member', 'secretary')),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (committee_kind, group_id)
);
CREATE INDEX kind_grants_group_idx ON kind_grants (group_id);

-- Inhabilitet: the user sees the item as a non-member would, whatever their grants.
CREATE TABLE item_exclusions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL,
    reason     TEXT,
    created_by TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    UNIQUE (item_id, subject)
);
CREATE INDEX item_exclusions_subject_idx ON item_exclusions (subject, item_id);

CREATE TABLE service_clients (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id         TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    -- argon2id PHC string; the secret itself is shown once and never stored.
    secret_hash       TEXT    NOT NULL,
    -- Service roles, comma-separated.
    roles             TEXT    NOT NULL DEFAULT '',
    group_id          INTEGER REFERENCES access_groups (id),
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    secret_rotated_at TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX service_clients_group_idx ON service_clients (group_id);

ALTER TABLE access_groups ADD COLUMN manages_subtree INTEGER NOT NULL DEFAULT 0 CHECK (manages_subtree IN (0, 1));
