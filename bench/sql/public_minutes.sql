-- A published version for the public: the meeting, its committee (is it published?) and the stored document.
SELECT id, committee_id, title, starts_at, ends_at, location, online_link, status, version, created_at, updated_at, cancellation_reason FROM meetings WHERE id = :meeting_id LIMIT 1;
SELECT c.id, c.name, c.kind, c.owner_group_id, c.publication, c.description, c.version, c.created_at, c.updated_at, c.requires_sign_off FROM committees c JOIN meetings m ON m.committee_id = c.id WHERE m.id = :meeting_id LIMIT 1;
SELECT content FROM published_documents WHERE meeting_id = :meeting_id AND kind = 'minutes' AND number = 1 LIMIT 1;
