-- What the service asks the database for one page of a committee's meetings: the caller, then the
-- page (keyset pagination; the first page stands for all, they cost the same). Variables:
-- :committee_id, the committees the caller reads by id and by kind (:read_ids, :read_kinds, as
-- the service binds them) and the caller's.
-- The caller's variables, as the service binds them (db::access): :subject, :groups (the token's
-- groups), :group_ids (its direct groups) and :ancestor_ids (those and their ancestors), as JSON
-- arrays (the service binds their elements to an IN list), each padded to ten elements by repeating
-- its last (db::plan_stable).
SELECT id, subject, name, email, groups_seen, active, deactivated_at, deactivation_reason, first_seen_at, last_seen_at, version, updated_at, roles_seen FROM users WHERE subject = :subject LIMIT 1;
SELECT id, manages_subtree FROM access_groups WHERE external_id IN (SELECT value FROM json_each(:groups));
SELECT g.id, g.manages_subtree FROM access_groups g JOIN group_members m ON m.group_id = g.id WHERE m.subject = :subject;
SELECT ancestor_id FROM access_group_ancestors WHERE group_id IN (SELECT value FROM json_each(:group_ids));
SELECT committee_id, role FROM committee_grants WHERE group_id IN (SELECT value FROM json_each(:ancestor_ids));
SELECT committee_kind, role FROM kind_grants WHERE group_id IN (SELECT value FROM json_each(:ancestor_ids));
SELECT m.id, m.committee_id, m.title, m.starts_at, m.ends_at, m.location, m.online_link, m.status, m.version, m.created_at, m.updated_at, m.cancellation_reason FROM meetings m JOIN committees c ON m.committee_id = c.id WHERE (m.committee_id IN (SELECT value FROM json_each(:read_ids)) OR c.kind IN (SELECT value FROM json_each(:read_kinds))) AND m.committee_id = :committee_id ORDER BY m.starts_at, m.id LIMIT 21;
