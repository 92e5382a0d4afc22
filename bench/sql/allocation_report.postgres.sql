-- What the service asks the database for a paying unit's allocation report: the caller, the
-- allocations its units pay into, those of the year, their payers, the items they are linked to
-- and the payers' names. Variables: :year, :statuses ({approved,ended}), the ids the service
-- binds from the rows before (:allocation_ids, :shown_ids, :item_ids, :payer_group_ids; read
-- from the data set by bench/run) and the caller's.
-- include: caller
SELECT allocation_id FROM allocation_payers WHERE group_id = ANY(:ancestor_ids);
SELECT id, title, description, total_ore, currency, kind, first_year, last_year, price_year, item_id, item_amount_id, status, method, counted_at, version, created_at, updated_at FROM allocations WHERE id > 0 AND status = ANY(:statuses) AND ((kind = 'one_off' AND first_year = :year) OR (kind = 'annual' AND first_year <= :year AND (last_year IS NULL OR last_year >= :year))) AND id = ANY(:allocation_ids) ORDER BY id LIMIT 500;
SELECT allocation_id, group_id, weight, amount_ore, active_users, share_ore FROM allocation_payers WHERE allocation_id = ANY(:shown_ids) ORDER BY allocation_id, group_id;
SELECT i.id, i.closed, c.id, c.kind FROM agenda_items i JOIN meetings m ON i.meeting_id = m.id JOIN committees c ON m.committee_id = c.id WHERE i.id = ANY(:item_ids);
SELECT id, name, external_id, tier, parent_id, description, version, created_at, updated_at, manages_subtree FROM access_groups WHERE id = ANY(:payer_group_ids) ORDER BY id;
