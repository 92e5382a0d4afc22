ALTER TABLE standing_items DROP COLUMN section;
ALTER TABLE agenda_items DROP COLUMN section;
