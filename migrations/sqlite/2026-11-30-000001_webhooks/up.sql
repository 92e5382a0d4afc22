-- Webhooks. A subscription sends a URL the entries of the change feed (the `changes` table, written
-- in the transaction of each change: the outbox) that its owner may see. Its owner is the admin or
-- service client that made it; `last_change_id` is how far the feed has been queued for it.
CREATE TABLE webhook_subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_subject   TEXT    NOT NULL,
    owner_is_client BOOLEAN NOT NULL,
    url             TEXT    NOT NULL,
    -- Comma-separated event names; empty for every event.
    events          TEXT    NOT NULL DEFAULT '',
    description     TEXT,
    -- The signing secret: the receiver holds it too, so it is kept, not hashed.
    secret          TEXT    NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    last_change_id  INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX webhook_subscriptions_owner_idx ON webhook_subscriptions (owner_subject, owner_is_client);

-- One row per change queued for a subscription: its attempts and how they went. The body is made
-- when it is sent, as the owner may see the resource then; nothing of the content is kept here.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    change_id       INTEGER NOT NULL,
    event           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    -- An instance is sending it until then; after a crash another (or the same, restarted) takes over.
    leased_until    TEXT,
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (subscription_id, change_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';

-- A subscription made by an admin acts as that admin: the service roles of the user's last token.
ALTER TABLE users ADD COLUMN roles_seen TEXT NOT NULL DEFAULT '[]';
