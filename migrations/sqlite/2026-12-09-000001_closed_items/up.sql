-- Closed items under the law (kommunestyrelsesloven § 10, § 8 stk. 7): each closed item names its
-- legal basis (free-text grounds beside it are closed content), may withhold even its title from
-- those who do not read it in full, and may carry a decision text the public reads in the minutes,
-- held back until a day. Items closed before bases were recorded are marked 'not_recorded'.
ALTER TABLE agenda_items ADD COLUMN legal_basis TEXT CHECK (legal_basis IN ('offentlighedsloven_30_1', 'offentlighedsloven_30_2', 'offentlighedsloven_33_3', 'offentlighedsloven_33_5', 'forvaltningsloven_27_1_3', 'forvaltningsloven_27_1_4', 'forvaltningsloven_27_1_5', 'forvaltningsloven_27_1_6', 'forvaltningsloven_27_1_7', 'straffeloven_152', 'other', 'not_recorded'));
ALTER TABLE agenda_items ADD COLUMN closed_grounds TEXT;
ALTER TABLE agenda_items ADD COLUMN title_withheld BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE agenda_items ADD COLUMN public_decision_text TEXT;
ALTER TABLE agenda_items ADD COLUMN public_decision_from DATE;
UPDATE agenda_items SET legal_basis = 'not_recorded' WHERE closed;

ALTER TABLE standing_items ADD COLUMN legal_basis TEXT CHECK (legal_basis IN ('offentlighedsloven_30_1', 'offentlighedsloven_30_2', 'offentlighedsloven_33_3', 'offentlighedsloven_33_5', 'forvaltningsloven_27_1_3', 'forvaltningsloven_27_1_4', 'forvaltningsloven_27_1_5', 'forvaltningsloven_27_1_6', 'forvaltningsloven_27_1_7', 'straffeloven_152', 'other', 'not_recorded'));
ALTER TABLE standing_items ADD COLUMN closed_grounds TEXT;
UPDATE standing_items SET legal_basis = 'not_recorded' WHERE closed;

-- A withheld title is closed content: it leaves the index everyone searches (the closed index
-- holds it with the rest of the item's text).
DROP TRIGGER agenda_items_search_insert;
DROP TRIGGER agenda_items_search_update;
DROP VIEW item_search_text;
CREATE VIEW item_search_text AS
SELECT id, closed, CASE WHEN closed AND title_withheld THEN '' ELSE title END AS title,
       title || ' ' || coalesce(summary, '') || ' ' || coalesce(recommendation, '') || ' ' ||
       coalesce(handled_by, '') || ' ' || coalesce(presentation, '') || ' ' ||
       coalesce(financial_consequences, '') || ' ' || coalesce(decision_text, '') AS text
FROM agenda_items;
CREATE TRIGGER agenda_items_search_insert AFTER INSERT ON agenda_items BEGIN
    INSERT INTO item_search (rowid, title, body)
    SELECT id, dagsorden_stems(title), CASE WHEN closed THEN '' ELSE dagsorden_stems(text) END
    FROM item_search_text WHERE id = NEW.id;
    INSERT INTO closed_item_search (rowid, body)
    SELECT id, dagsorden_stems(text) FROM item_search_text WHERE id = NEW.id AND closed;
END;
CREATE TRIGGER agenda_items_search_update
AFTER UPDATE OF title, closed, title_withheld, summary, recommendation, handled_by, presentation,
                financial_consequences, decision_text
ON agenda_items BEGIN
    DELETE FROM item_search WHERE rowid = OLD.id;
    DELETE FROM closed_item_search WHERE rowid = OLD.id;
    INSERT INTO item_search (rowid, title, body)
    SELECT id, dagsorden_stems(title), CASE WHEN closed THEN '' ELSE dagsorden_stems(text) END
    FROM item_search_text WHERE id = NEW.id;
    INSERT INTO closed_item_search (rowid, body)
    SELECT id, dagsorden_stems(text) FROM item_search_text WHERE id = NEW.id AND closed;
END;
