DROP TABLE audit_anchor;
DROP TABLE audit_events;
DROP TABLE idempotency_keys;
