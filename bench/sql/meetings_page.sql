-- What the service asks the database for one page of a committee's meetings: the caller, then the
-- page (keyset pagination; the first page stands for all, they cost the same). Variables: :committee_id, :subject, :group.
-- the caller (user, groups, grants), then the meeting, its participants, items, versions and
-- the caller's exclusions. Variables: :meeting_id, :subject and :group (the caller's one group).
SELECT id, subject, name, email, groups_seen, active, deactivated_at, deactivation_reason, first_seen_at, last_seen_at, version, updated_at, roles_seen FROM users WHERE subject = :subject LIMIT 1;
SELECT id, manages_subtree FROM access_groups WHERE external_id = :group;
SELECT g.id, g.manages_subtree FROM access_groups g JOIN group_members m ON m.group_id = g.id WHERE m.subject = :subject;
SELECT m.id, m.committee_id, m.title, m.starts_at, m.ends_at, m.location, m.online_link, m.status, m.version, m.created_at, m.updated_at, m.cancellation_reason FROM meetings m JOIN committees c ON m.committee_id = c.id WHERE m.committee_id IN (SELECT g.committee_id FROM committee_grants g JOIN access_group_ancestors a ON a.ancestor_id = g.group_id WHERE a.group_id IN (SELECT id FROM access_groups WHERE external_id = :group)) AND m.committee_id = :committee_id ORDER BY m.starts_at, m.id LIMIT 21;
