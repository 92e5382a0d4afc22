ALTER TABLE agenda_items DROP COLUMN number;
ALTER TABLE committees DROP COLUMN numbering;
