-- What the service asks the database for a paying unit's allocation report: the caller, the unit and
-- the groups above it, the allocations it pays into in the year, their payers and the payers' names.
-- Variables: :year, :subject, :group.
-- the caller (user, groups, grants), then the meeting, its participants, items, versions and
-- the caller's exclusions. Variables: :meeting_id, :subject and :group (the caller's one group).
SELECT id, subject, name, email, groups_seen, active, deactivated_at, deactivation_reason, first_seen_at, last_seen_at, version, updated_at, roles_seen FROM users WHERE subject = :subject LIMIT 1;
SELECT id, manages_subtree FROM access_groups WHERE external_id = :group;
SELECT g.id, g.manages_subtree FROM access_groups g JOIN group_members m ON m.group_id = g.id WHERE m.subject = :subject;
SELECT DISTINCT ancestor_id FROM access_group_ancestors WHERE group_id IN (SELECT id FROM access_groups WHERE external_id = :group);
SELECT id, title, description, total_ore, currency, kind, first_year, last_year, price_year, item_id, item_amount_id, status, method, counted_at, version, created_at, updated_at FROM allocations WHERE status IN ('approved', 'ended') AND ((kind = 'one_off' AND first_year = :year) OR (kind = 'annual' AND first_year <= :year AND (last_year IS NULL OR last_year >= :year))) AND id IN (SELECT allocation_id FROM allocation_payers WHERE group_id IN (SELECT ancestor_id FROM access_group_ancestors WHERE group_id IN (SELECT id FROM access_groups WHERE external_id = :group))) ORDER BY id LIMIT 500;
SELECT allocation_id, group_id, weight, amount_ore, active_users, share_ore FROM allocation_payers WHERE allocation_id IN (SELECT a.id FROM allocations a JOIN allocation_payers p ON p.allocation_id = a.id WHERE a.first_year = :year AND p.group_id IN (SELECT id FROM access_groups WHERE external_id = :group));
SELECT id, name, external_id, tier, parent_id, description, version, created_at, updated_at, manages_subtree FROM access_groups WHERE id IN (SELECT p.group_id FROM allocation_payers p JOIN allocations a ON p.allocation_id = a.id JOIN allocation_payers mine ON mine.allocation_id = a.id WHERE a.first_year = :year AND mine.group_id IN (SELECT id FROM access_groups WHERE external_id = :group)) ORDER BY id;
