-- The part of the agenda an item stands in (Til behandling, Til efterretning og orientering,
-- Meddelelser, Eventuelt); none: by its case type.
ALTER TABLE agenda_items ADD COLUMN section TEXT CHECK (section IN ('for_decision', 'for_information', 'announcements', 'any_other_business'));
ALTER TABLE standing_items ADD COLUMN section TEXT CHECK (section IN ('for_decision', 'for_information', 'announcements', 'any_other_business'));
