-- What the service asks the database to read one meeting with its items: the caller (user, groups,
-- grants), then the meeting, its participants, items, versions and the caller's exclusions.
-- Variables: :meeting_id and the caller's.
-- include: caller
SELECT m.id, m.committee_id, m.title, m.starts_at, m.ends_at, m.location, m.online_link, m.status, m.version, m.created_at, m.updated_at, m.cancellation_reason, c.kind FROM meetings m JOIN committees c ON m.committee_id = c.id WHERE m.id = :meeting_id LIMIT 1;
SELECT id, meeting_id, name, user_subject, role, attendance, version, created_at, updated_at, approver FROM meeting_participants WHERE meeting_id = :meeting_id ORDER BY id;
SELECT id, meeting_id, position, title, closed, case_number, journal_number, document_number, case_type, summary, recommendation, handled_by, presentation, financial_consequences, decision_outcome, decision_text, version, created_at, updated_at, decided_at FROM agenda_items WHERE meeting_id = :meeting_id ORDER BY position;
SELECT meeting_id, kind, number, reason, meeting_version, published_at, title, starts_at, ends_at, location FROM published_documents WHERE meeting_id = :meeting_id ORDER BY kind, number;
SELECT e.item_id FROM item_exclusions e JOIN agenda_items i ON e.item_id = i.id WHERE i.meeting_id = :meeting_id AND e.subject = :subject;
