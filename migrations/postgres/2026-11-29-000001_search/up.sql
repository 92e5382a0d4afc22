-- Full-text search with PostgreSQL's `danish` configuration: stored vectors beside the text, kept by
-- PostgreSQL itself, and GIN indexes on them.
--
-- Closed content has indexes of its own: an item's `open_search` holds what everyone who reads its
-- committee may search (an open item's text, a closed item's title), `closed_search` a closed item's
-- text; attachments of closed items have their own partial index. A search by someone who is a
-- member of no committee never reads the closed indexes, so nothing in its answer, nor the work done
-- to find it, depends on closed text.
ALTER TABLE agenda_items
    ADD COLUMN open_search tsvector GENERATED ALWAYS AS (CASE WHEN closed THEN to_tsvector('danish', title)
        ELSE to_tsvector('danish', title || ' ' || coalesce(summary, '') || ' ' || coalesce(recommendation, '')
            || ' ' || coalesce(handled_by, '') || ' ' || coalesce(presentation, '') || ' ' ||
            coalesce(financial_consequences, '') || ' ' || coalesce(decision_text, '')) END) STORED,
    ADD COLUMN closed_search tsvector GENERATED ALWAYS AS (CASE WHEN closed THEN
        to_tsvector('danish', title || ' ' || coalesce(summary, '') || ' ' || coalesce(recommendation, '')
            || ' ' || coalesce(handled_by, '') || ' ' || coalesce(presentation, '') || ' ' ||
            coalesce(financial_consequences, '') || ' ' || coalesce(decision_text, '')) END) STORED;
CREATE INDEX agenda_items_open_search_idx ON agenda_items USING GIN (open_search);
CREATE INDEX agenda_items_closed_search_idx ON agenda_items USING GIN (closed_search) WHERE closed;

ALTER TABLE meetings
    ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('danish',
        title || ' ' || coalesce(location, ''))) STORED;
CREATE INDEX meetings_title_search_idx ON meetings USING GIN (title_search);

ALTER TABLE attachments
    ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('danish', title || ' ' || filename)) STORED;
CREATE INDEX attachments_open_search_idx ON attachments USING GIN (title_search) WHERE NOT closed;
CREATE INDEX attachments_closed_search_idx ON attachments USING GIN (title_search) WHERE closed;
