DROP TABLE standing_items;
DROP TABLE item_attendance;
DROP TABLE sign_offs;
DROP TABLE published_documents;
ALTER TABLE agenda_items DROP COLUMN decided_at;
ALTER TABLE meeting_participants DROP COLUMN approver;
ALTER TABLE meetings DROP COLUMN cancellation_reason;
ALTER TABLE committees DROP COLUMN requires_sign_off;
