-- Closed items under the law (kommunestyrelsesloven § 10, § 8 stk. 7): each closed item names its
-- legal basis (free-text grounds beside it are closed content), may withhold even its title from
-- those who do not read it in full, and may carry a decision text the public reads in the minutes,
-- held back until a day. Items closed before bases were recorded are marked 'not_recorded'.
ALTER TABLE agenda_items
    ADD COLUMN legal_basis TEXT CHECK (legal_basis IN ('offentlighedsloven_30_1', 'offentlighedsloven_30_2', 'offentlighedsloven_33_3', 'offentlighedsloven_33_5', 'forvaltningsloven_27_1_3', 'forvaltningsloven_27_1_4', 'forvaltningsloven_27_1_5', 'forvaltningsloven_27_1_6', 'forvaltningsloven_27_1_7', 'straffeloven_152', 'other', 'not_recorded')),
    ADD COLUMN closed_grounds TEXT,
    ADD COLUMN title_withheld BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN public_decision_text TEXT,
    ADD COLUMN public_decision_from DATE;
UPDATE agenda_items SET legal_basis = 'not_recorded' WHERE closed;

ALTER TABLE standing_items
    ADD COLUMN legal_basis TEXT CHECK (legal_basis IN ('offentlighedsloven_30_1', 'offentlighedsloven_30_2', 'offentlighedsloven_33_3', 'offentlighedsloven_33_5', 'forvaltningsloven_27_1_3', 'forvaltningsloven_27_1_4', 'forvaltningsloven_27_1_5', 'forvaltningsloven_27_1_6', 'forvaltningsloven_27_1_7', 'straffeloven_152', 'other', 'not_recorded')),
    ADD COLUMN closed_grounds TEXT;
UPDATE standing_items SET legal_basis = 'not_recorded' WHERE closed;

-- A withheld title is closed content: it leaves the index everyone searches.
DROP INDEX agenda_items_open_search_idx;
ALTER TABLE agenda_items DROP COLUMN open_search;
ALTER TABLE agenda_items
    ADD COLUMN open_search tsvector GENERATED ALWAYS AS (CASE WHEN closed AND title_withheld THEN ''::tsvector
        WHEN closed THEN to_tsvector('danish', title)
        ELSE to_tsvector('danish', title || ' ' || coalesce(summary, '') || ' ' || coalesce(recommendation, '')
            || ' ' || coalesce(handled_by, '') || ' ' || coalesce(presentation, '') || ' ' ||
            coalesce(financial_consequences, '') || ' ' || coalesce(decision_text, '')) END) STORED;
CREATE INDEX agenda_items_open_search_idx ON agenda_items USING GIN (open_search);
