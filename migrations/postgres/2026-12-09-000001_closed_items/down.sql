DROP INDEX agenda_items_open_search_idx;
ALTER TABLE agenda_items DROP COLUMN open_search;
ALTER TABLE agenda_items
    ADD COLUMN open_search tsvector GENERATED ALWAYS AS (CASE WHEN closed THEN to_tsvector('danish', title)
        ELSE to_tsvector('danish', title || ' ' || coalesce(summary, '') || ' ' || coalesce(recommendation, '')
            || ' ' || coalesce(handled_by, '') || ' ' || coalesce(presentation, '') || ' ' ||
            coalesce(financial_consequences, '') || ' ' || coalesce(decision_text, '')) END) STORED;
CREATE INDEX agenda_items_open_search_idx ON agenda_items USING GIN (open_search);
ALTER TABLE standing_items DROP COLUMN legal_basis, DROP COLUMN closed_grounds;
ALTER TABLE agenda_items DROP COLUMN legal_basis, DROP COLUMN closed_grounds, DROP COLUMN title_withheld,
    DROP COLUMN public_decision_text, DROP COLUMN public_decision_from;
