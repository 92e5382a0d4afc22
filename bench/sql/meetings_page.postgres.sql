-- What the service asks the database for one page of a committee's meetings: the caller, then the
-- page (keyset pagination; the first page stands for all, they cost the same). Variables:
-- :committee_id, the committees the caller reads by id and by kind (:read_ids, :read_kinds, as
-- the service binds them) and the caller's.
-- include: caller
SELECT m.id, m.committee_id, m.title, m.starts_at, m.ends_at, m.location, m.online_link, m.status, m.version, m.created_at, m.updated_at, m.cancellation_reason FROM meetings m JOIN committees c ON m.committee_id = c.id WHERE (m.committee_id = ANY(:read_ids) OR c.kind = ANY(:read_kinds)) AND m.committee_id = :committee_id ORDER BY m.starts_at, m.id LIMIT 21;
