CREATE TABLE audit_events_without_service (
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
INSERT INTO audit_events_without_service SELECT * FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_without_service RENAME TO audit_events;
CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE seq IS NULL;
CREATE INDEX audit_events_actor_idx ON audit_events (actor, id);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, id);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at);
