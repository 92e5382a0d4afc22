-- Safe retries and the audit trail.

-- A POST with an Idempotency-Key: reserved while the first request runs, then its answer, replayed
-- to retries with the same key and body.
CREATE TABLE idempotency_keys (
    subject     TEXT    NOT NULL,
    request_key TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER,
    headers     TEXT,
    body        BLOB,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    PRIMARY KEY (subject, request_key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- Append-only. `seq`, `prev_hash` and `hash` are set once, when a record is sealed into the hash
-- chain; nothing else is ever updated.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('user', 'client', 'anonymous')),
    action       TEXT    NOT NULL,
    object_type  TEXT    NOT NULL,
    object_id    TEXT,
    committee_id INTEGER,
    closed       INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    old_value    TEXT,
    new_value    TEXT,
    request_id   TEXT,
    seq          INTEGER UNIQUE,
    prev_hash    TEXT,
    hash         TEXT
);
CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE seq IS NULL;
CREATE INDEX audit_events_actor_idx ON audit_events (actor, id);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, id);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at);

-- Where the chain starts after old records have been removed under the retention policy.
CREATE TABLE audit_anchor (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
