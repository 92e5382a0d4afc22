-- The change feed and the webhooks' outbox: one row for every create, update and delete of the
-- resources the feed serves, written by triggers in the transaction that makes the change, so that a
-- committed change always has its row and nothing can change without one. Writers are serialised
-- (BEGIN IMMEDIATE), so ids are in commit order.
--
-- `closed`: the change touched a closed item (or an attachment of one). `open_change`: it changed
-- what a non-member sees of the item (title, position, closed). A non-member is shown a closed item's
-- change only when `open_change` is set. A meeting's tombstone stands for its items, participants,
-- attachments and publications, whose deletion by cascade records nothing.

-- An attachment of a closed item is closed content. The attachment carries that itself, so that the
-- feed and the search index can tell without its item: set when it is made, and below whenever its
-- item is closed or opened (which is also a change of the attachment, shown to non-members: it
-- appears in or leaves their copy).
ALTER TABLE attachments ADD COLUMN closed BOOLEAN NOT NULL DEFAULT 0;
UPDATE attachments SET closed = coalesce((SELECT i.closed FROM agenda_items i WHERE i.id = attachments.item_id), 0);
CREATE TRIGGER agenda_items_closed_attachments AFTER UPDATE OF closed ON agenda_items
WHEN OLD.closed IS NOT NEW.closed BEGIN
    UPDATE attachments SET closed = NEW.closed WHERE item_id = NEW.id;
END;

CREATE TABLE changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    resource_id  INTEGER NOT NULL,
    committee_id INTEGER,
    meeting_id   INTEGER,
    item_id      INTEGER,
    action       TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    event        TEXT    NOT NULL,
    closed       BOOLEAN NOT NULL DEFAULT 0,
    open_change  BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX changes_committee_idx ON changes (committee_id, id);

CREATE TRIGGER committees_changed_insert AFTER INSERT ON committees BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'committee', NEW.id, NEW.id, 'create', 'committee.created');
END;
CREATE TRIGGER committees_changed_update AFTER UPDATE ON committees BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'committee', NEW.id, NEW.id, 'update', 'committee.updated');
END;
CREATE TRIGGER committees_changed_delete AFTER DELETE ON committees BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'committee', OLD.id, OLD.id, 'delete', 'committee.deleted');
END;

CREATE TRIGGER meetings_changed_insert AFTER INSERT ON meetings BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', NEW.id, NEW.committee_id, NEW.id, 'create',
            'meeting.created');
END;
CREATE TRIGGER meetings_changed_update AFTER UPDATE ON meetings BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', NEW.id, NEW.committee_id, NEW.id, 'update',
            CASE WHEN NEW.status = OLD.status THEN 'meeting.updated'
                 WHEN NEW.status = 'cancelled' THEN 'meeting.cancelled'
                 WHEN NEW.status = 'held' THEN 'meeting.held'
                 ELSE 'meeting.updated' END);
END;
CREATE TRIGGER meetings_changed_delete AFTER DELETE ON meetings BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', OLD.id, OLD.committee_id, OLD.id, 'delete',
            'meeting.deleted');
END;

CREATE TRIGGER agenda_items_changed_insert AFTER INSERT ON agenda_items BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'item', NEW.id, m.committee_id, NEW.meeting_id, NEW.id, 'create',
           'item.created', NEW.closed, 1
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER agenda_items_changed_update AFTER UPDATE ON agenda_items BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'item', NEW.id, m.committee_id, NEW.meeting_id, NEW.id, 'update',
           'item.updated', OLD.closed OR NEW.closed,
           OLD.title IS NOT NEW.title OR OLD.position IS NOT NEW.position OR OLD.closed IS NOT NEW.closed
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER agenda_items_changed_delete AFTER DELETE ON agenda_items BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'item', OLD.id, m.committee_id, OLD.meeting_id, OLD.id, 'delete',
           'item.deleted', OLD.closed, 1
    FROM meetings m WHERE m.id = OLD.meeting_id;
END;

CREATE TRIGGER meeting_participants_changed_insert AFTER INSERT ON meeting_participants BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'participant', NEW.id, m.committee_id, NEW.meeting_id, 'create',
           'participant.created'
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER meeting_participants_changed_update AFTER UPDATE ON meeting_participants BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'participant', NEW.id, m.committee_id, NEW.meeting_id, 'update',
           'participant.updated'
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER meeting_participants_changed_delete AFTER DELETE ON meeting_participants BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'participant', OLD.id, m.committee_id, OLD.meeting_id, 'delete',
           'participant.deleted'
    FROM meetings m WHERE m.id = OLD.meeting_id;
END;

-- Attachments are removed by setting removed_at: that is their deletion, and what happens to one
-- after it (its item is deleted) is not a change of the working copy.
CREATE TRIGGER attachments_changed_insert AFTER INSERT ON attachments BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'attachment', NEW.id, m.committee_id, NEW.meeting_id, NEW.item_id,
           'create', 'attachment.created', NEW.closed, 0
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER attachments_changed_update AFTER UPDATE ON attachments WHEN OLD.removed_at IS NULL BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'attachment', NEW.id, m.committee_id, NEW.meeting_id,
           coalesce(NEW.item_id, OLD.item_id),
           CASE WHEN NEW.removed_at IS NOT NULL THEN 'delete' ELSE 'update' END,
           CASE WHEN NEW.removed_at IS NOT NULL THEN 'attachment.deleted' ELSE 'attachment.updated' END,
           OLD.closed OR NEW.closed, OLD.closed IS NOT NEW.closed
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;
CREATE TRIGGER attachments_changed_delete AFTER DELETE ON attachments BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'attachment', OLD.id, m.committee_id, OLD.meeting_id, OLD.item_id,
           'delete', 'attachment.deleted', OLD.closed, 0
    FROM meetings m WHERE m.id = OLD.meeting_id;
END;

CREATE TRIGGER published_documents_changed_insert AFTER INSERT ON published_documents BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'publication', NEW.id, m.committee_id, NEW.meeting_id, 'create',
           NEW.kind || '.published'
    FROM meetings m WHERE m.id = NEW.meeting_id;
END;

-- What the database held before the feed began is its first page: one create per resource.
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, action, event)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'committee', id, id, 'create', 'committee.created'
FROM committees ORDER BY id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', id, committee_id, id, 'create', 'meeting.created'
FROM meetings ORDER BY id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event, closed)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'item', i.id, m.committee_id, i.meeting_id, i.id, 'create',
       'item.created', i.closed
FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id ORDER BY i.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'participant', p.id, m.committee_id, p.meeting_id, 'create',
       'participant.created'
FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id ORDER BY p.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event, closed,
                     open_change)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'attachment', a.id, m.committee_id, a.meeting_id, a.item_id, 'create',
       'attachment.created', a.closed, 0
FROM attachments a JOIN meetings m ON m.id = a.meeting_id
WHERE a.removed_at IS NULL ORDER BY a.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'publication', d.id, m.committee_id, d.meeting_id, 'create',
       d.kind || '.published'
FROM published_documents d JOIN meetings m ON m.id = d.meeting_id ORDER BY d.id;
