ALTER TABLE access_groups DROP COLUMN manages_subtree;
DROP TABLE service_clients;
DROP TABLE item_exclusions;
DROP TABLE kind_grants;
DROP TABLE group_members;
DROP TABLE users;
