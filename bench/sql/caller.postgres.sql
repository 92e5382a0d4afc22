-- What the service asks the database to learn who the caller is (db::access): the user, its
-- groups from the token and those it was added to, their ancestors, and what those are granted.
-- Included by the workload scripts where they say `-- include: caller`.
-- The caller's variables, as the service binds them (db::access): :subject, :groups (the token's
-- groups), :group_ids (its direct groups) and :ancestor_ids (those and their ancestors), as arrays,
-- each padded to ten elements by repeating its last (db::plan_stable).
SELECT id, subject, name, email, groups_seen, active, deactivated_at, deactivation_reason, first_seen_at, last_seen_at, version, updated_at, roles_seen FROM users WHERE subject = :subject LIMIT 1;
SELECT id, manages_subtree FROM access_groups WHERE external_id = ANY(:groups);
SELECT g.id, g.manages_subtree FROM access_groups g JOIN group_members m ON m.group_id = g.id WHERE m.subject = :subject;
SELECT ancestor_id FROM access_group_ancestors WHERE group_id = ANY(:group_ids);
SELECT committee_id, role FROM committee_grants WHERE group_id = ANY(:ancestor_ids);
SELECT committee_kind, role FROM kind_grants WHERE group_id = ANY(:ancestor_ids);
