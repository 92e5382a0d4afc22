ALTER TABLE users DROP COLUMN roles_seen;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
