-- How a committee numbers its items: 1..n per meeting (the position), or running through the
-- calendar year or the election term; a running number is fixed when the agenda is first published
-- with the item and kept through reordering, re-publication and corrections.
ALTER TABLE committees ADD COLUMN numbering TEXT NOT NULL DEFAULT 'meeting' CHECK (numbering IN ('meeting', 'year', 'term'));
ALTER TABLE agenda_items ADD COLUMN number INTEGER;
