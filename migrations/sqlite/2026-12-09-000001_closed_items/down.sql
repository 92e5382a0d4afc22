DROP TRIGGER agenda_items_search_insert;
DROP TRIGGER agenda_items_search_update;
DROP VIEW item_search_text;
CREATE VIEW item_search_text AS
SELECT id, closed, title,
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
AFTER UPDATE OF title, closed, summary, recommendation, handled_by, presentation, financial_consequences,
                decision_text
ON agenda_items BEGIN
    DELETE FROM item_search WHERE rowid = OLD.id;
    DELETE FROM closed_item_search WHERE rowid = OLD.id;
    INSERT INTO item_search (rowid, title, body)
    SELECT id, dagsorden_stems(title), CASE WHEN closed THEN '' ELSE dagsorden_stems(text) END
    FROM item_search_text WHERE id = NEW.id;
    INSERT INTO closed_item_search (rowid, body)
    SELECT id, dagsorden_stems(text) FROM item_search_text WHERE id = NEW.id AND closed;
END;
ALTER TABLE standing_items DROP COLUMN closed_grounds;
ALTER TABLE standing_items DROP COLUMN legal_basis;
ALTER TABLE agenda_items DROP COLUMN public_decision_from;
ALTER TABLE agenda_items DROP COLUMN public_decision_text;
ALTER TABLE agenda_items DROP COLUMN title_withheld;
ALTER TABLE agenda_items DROP COLUMN closed_grounds;
ALTER TABLE agenda_items DROP COLUMN legal_basis;
