-- What the service asks the database for a paying unit's allocation report: the caller, the
-- allocations its units pay into, those of the year, their payers, the items they are linked to
-- and the payers' names. Variables: :year, :statuses ({approved,ended}), the ids the service
-- binds from the rows before (:allocation_ids, :shown_ids, :item_ids, :payer_group_ids; read
-- from the data set by bench/run) and the caller's.
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
SELECT allocation_id FROM allocation_payers WHERE group_id IN (SELECT value FROM json_each(:ancestor_ids));
SELECT id, title, description, total_ore, currency, kind, first_year, last_year, price_year, item_id, item_amount_id, status, method, counted_at, version, created_at, updated_at FROM allocations WHERE id > 0 AND status IN (SELECT value FROM json_each(:statuses)) AND ((kind = 'one_off' AND first_year = :year) OR (kind = 'annual' AND first_year <= :year AND (last_year IS NULL OR last_year >= :year))) AND id IN (SELECT value FROM json_each(:allocation_ids)) ORDER BY id LIMIT 500;
SELECT allocation_id, group_id, weight, amount_ore, active_users, share_ore FROM allocation_payers WHERE allocation_id IN (SELECT value FROM json_each(:shown_ids)) ORDER BY allocation_id, group_id;
SELECT i.id, i.closed, c.id, c.kind FROM agenda_items i JOIN meetings m ON i.meeting_id = m.id JOIN committees c ON m.committee_id = c.id WHERE i.id IN (SELECT value FROM json_each(:item_ids));
SELECT id, name, external_id, tier, parent_id, description, version, created_at, updated_at, manages_subtree FROM access_groups WHERE id IN (SELECT value FROM json_each(:payer_group_ids)) ORDER BY id;
