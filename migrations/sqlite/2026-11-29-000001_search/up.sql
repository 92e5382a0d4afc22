-- Full-text search. Each index holds the Danish stems of the text (`dagsorden_stems`, a function the
-- service registers on every connection: see `domain::search`), kept by triggers in the transaction
-- that changes the text.
--
-- Closed content has indexes of its own: `item_search` holds what everyone who reads a committee may
-- search (open items' text, closed items' titles), `closed_item_search` the text of closed items,
-- and attachments' names are split the same way. A search by someone who is a member of no
-- committee never reads the closed indexes, so nothing in its answer, nor the work done to find it,
-- depends on closed text.
CREATE VIRTUAL TABLE item_search USING fts5 (
    title, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE closed_item_search USING fts5 (
    body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE meeting_search USING fts5 (
    title, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE attachment_search USING fts5 (
    title, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE closed_attachment_search USING fts5 (
    title, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);

-- An item's searchable text: its title, every text section and the decision.
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
CREATE TRIGGER agenda_items_search_delete AFTER DELETE ON agenda_items BEGIN
    DELETE FROM item_search WHERE rowid = OLD.id;
    DELETE FROM closed_item_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER meetings_search_insert AFTER INSERT ON meetings BEGIN
    INSERT INTO meeting_search (rowid, title)
    VALUES (NEW.id, dagsorden_stems(NEW.title || ' ' || coalesce(NEW.location, '')));
END;
CREATE TRIGGER meetings_search_update AFTER UPDATE OF title, location ON meetings BEGIN
    DELETE FROM meeting_search WHERE rowid = OLD.id;
    INSERT INTO meeting_search (rowid, title)
    VALUES (NEW.id, dagsorden_stems(NEW.title || ' ' || coalesce(NEW.location, '')));
END;
CREATE TRIGGER meetings_search_delete AFTER DELETE ON meetings BEGIN
    DELETE FROM meeting_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER attachments_search_insert AFTER INSERT ON attachments BEGIN
    INSERT INTO attachment_search (rowid, title)
    SELECT NEW.id, dagsorden_stems(NEW.title || ' ' || NEW.filename) WHERE NOT NEW.closed;
    INSERT INTO closed_attachment_search (rowid, title)
    SELECT NEW.id, dagsorden_stems(NEW.title || ' ' || NEW.filename) WHERE NEW.closed;
END;
CREATE TRIGGER attachments_search_update AFTER UPDATE OF title, filename, closed ON attachments BEGIN
    DELETE FROM attachment_search WHERE rowid = OLD.id;
    DELETE FROM closed_attachment_search WHERE rowid = OLD.id;
    INSERT INTO attachment_search (rowid, title)
    SELECT NEW.id, dagsorden_stems(NEW.title || ' ' || NEW.filename) WHERE NOT NEW.closed;
    INSERT INTO closed_attachment_search (rowid, title)
    SELECT NEW.id, dagsorden_stems(NEW.title || ' ' || NEW.filename) WHERE NEW.closed;
END;
CREATE TRIGGER attachments_search_delete AFTER DELETE ON attachments BEGIN
    DELETE FROM attachment_search WHERE rowid = OLD.id;
    DELETE FROM closed_attachment_search WHERE rowid = OLD.id;
END;

INSERT INTO item_search (rowid, title, body)
SELECT id, dagsorden_stems(title), CASE WHEN closed THEN '' ELSE dagsorden_stems(text) END FROM item_search_text;
INSERT INTO closed_item_search (rowid, body) SELECT id, dagsorden_stems(text) FROM item_search_text WHERE closed;
INSERT INTO meeting_search (rowid, title) SELECT id, dagsorden_stems(title || ' ' || coalesce(location, '')) FROM meetings;
INSERT INTO attachment_search (rowid, title)
SELECT id, dagsorden_stems(title || ' ' || filename) FROM attachments WHERE NOT closed;
INSERT INTO closed_attachment_search (rowid, title)
SELECT id, dagsorden_stems(title || ' ' || filename) FROM attachments WHERE closed;
