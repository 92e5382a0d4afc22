-- The service itself writes audit records too: the retention record that says which records it
-- removed from the start of the chain (see `db::audit::prune`).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_check
    CHECK (actor_kind IN ('user', 'client', 'anonymous', 'service'));
