DROP TRIGGER published_documents_changed ON published_documents;
DROP TRIGGER attachments_changed ON attachments;
DROP TRIGGER meeting_participants_changed ON meeting_participants;
DROP TRIGGER agenda_items_changed ON agenda_items;
DROP TRIGGER meetings_changed ON meetings;
DROP TRIGGER committees_changed ON committees;
DROP FUNCTION record_change();
DROP TABLE changes;
