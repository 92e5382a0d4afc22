ALTER TABLE attachments DROP COLUMN title_search;
ALTER TABLE meetings DROP COLUMN title_search;
ALTER TABLE agenda_items DROP COLUMN closed_search, DROP COLUMN open_search;
