-- The change feed and the webhooks' outbox: one row for every create, update and delete of the
-- resources the feed serves, written by triggers in the transaction that makes the change, so that a
-- committed change always has its row and nothing can change without one. Every write transaction
-- of the service first takes one advisory lock (see `db::write_transaction`), so ids are in commit
-- order.
--
-- `closed`: the change touched a closed item (or an attachment of one). `open_change`: it changed
-- what a non-member sees of the item (title, position, closed). A non-member is shown a closed item's
-- change only when `open_change` is set. A meeting's tombstone stands for its items, participants,
-- attachments and publications, whose deletion by cascade records nothing.

-- An attachment of a closed item is closed content. The attachment carries that itself, so that the
-- feed and the search index can tell without its item: set when it is made, and below whenever its
-- item is closed or opened (which is also a change of the attachment, shown to non-members: it
-- appears in or leaves their copy).
ALTER TABLE attachments ADD COLUMN closed BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE attachments a SET closed = i.closed FROM agenda_items i WHERE i.id = a.item_id;
CREATE FUNCTION close_attachments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE attachments SET closed = NEW.closed WHERE item_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER agenda_items_closed_attachments AFTER UPDATE OF closed ON agenda_items
    FOR EACH ROW WHEN (OLD.closed IS DISTINCT FROM NEW.closed) EXECUTE FUNCTION close_attachments();

CREATE TABLE changes (
    id           BIGSERIAL PRIMARY KEY,
    occurred_at  TIMESTAMP NOT NULL,
    resource     TEXT      NOT NULL,
    resource_id  BIGINT    NOT NULL,
    committee_id BIGINT,
    meeting_id   BIGINT,
    item_id      BIGINT,
    action       TEXT      NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    event        TEXT      NOT NULL,
    closed       BOOLEAN   NOT NULL DEFAULT FALSE,
    open_change  BOOLEAN   NOT NULL DEFAULT TRUE
);
CREATE INDEX changes_committee_idx ON changes (committee_id, id);

CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_row         RECORD;
    v_resource    TEXT;
    v_action      TEXT := CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END;
    v_event       TEXT;
    v_committee   BIGINT;
    v_meeting     BIGINT;
    v_item        BIGINT;
    v_closed      BOOLEAN := FALSE;
    v_open_change BOOLEAN := TRUE;
BEGIN
    IF TG_OP = 'DELETE' THEN v_row := OLD; ELSE v_row := NEW; END IF;
    CASE TG_TABLE_NAME
    WHEN 'committees' THEN
        v_resource := 'committee';
        v_committee := v_row.id;
    WHEN 'meetings' THEN
        v_resource := 'meeting';
        v_committee := v_row.committee_id;
        v_meeting := v_row.id;
        IF TG_OP = 'UPDATE' THEN
            IF NEW.status <> OLD.status AND NEW.status IN ('cancelled', 'held') THEN
                v_event := 'meeting.' || NEW.status;
            END IF;
        END IF;
    ELSE
        v_meeting := v_row.meeting_id;
        SELECT m.committee_id INTO v_committee FROM meetings m WHERE m.id = v_meeting;
        -- Deleted with its meeting: the meeting's tombstone stands for it.
        IF NOT FOUND THEN RETURN NULL; END IF;
        CASE TG_TABLE_NAME
        WHEN 'agenda_items' THEN
            v_resource := 'item';
            v_item := v_row.id;
            v_closed := v_row.closed;
            IF TG_OP = 'UPDATE' THEN
                v_closed := OLD.closed OR NEW.closed;
                v_open_change := OLD.title IS DISTINCT FROM NEW.title
                    OR OLD.position IS DISTINCT FROM NEW.position OR OLD.closed IS DISTINCT FROM NEW.closed;
            END IF;
        WHEN 'meeting_participants' THEN
            v_resource := 'participant';
        WHEN 'attachments' THEN
            v_resource := 'attachment';
            v_item := v_row.item_id;
            -- An attachment of a closed item is closed content as a whole.
            v_closed := v_row.closed;
            v_open_change := FALSE;
            IF TG_OP = 'UPDATE' THEN
                -- Attachments are removed by setting removed_at: that is their deletion, and what
                -- happens to one after it (its item is deleted) is not a change of the working copy.
                IF OLD.removed_at IS NOT NULL THEN RETURN NULL; END IF;
                IF NEW.removed_at IS NOT NULL THEN v_action := 'delete'; END IF;
                v_item := coalesce(NEW.item_id, OLD.item_id);
                v_closed := OLD.closed OR NEW.closed;
                -- Its item was closed or opened: it appears in or leaves a non-member's copy.
                v_open_change := OLD.closed IS DISTINCT FROM NEW.closed;
            END IF;
        WHEN 'published_documents' THEN
            v_resource := 'publication';
            v_event := v_row.kind || '.published';
        END CASE;
    END CASE;
    -- The event, unless named above: meeting.created, item.updated, attachment.deleted, ...
    v_event := coalesce(v_event, v_resource || '.' || v_action || 'd');
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event,
                         closed, open_change)
    VALUES (now() AT TIME ZONE 'UTC', v_resource, v_row.id, v_committee, v_meeting, v_item, v_action, v_event,
            v_closed, v_open_change);
    RETURN NULL;
END;
$$;

CREATE TRIGGER committees_changed AFTER INSERT OR UPDATE OR DELETE ON committees
    FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER meetings_changed AFTER INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER agenda_items_changed AFTER INSERT OR UPDATE OR DELETE ON agenda_items
    FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER meeting_participants_changed AFTER INSERT OR UPDATE OR DELETE ON meeting_participants
    FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER attachments_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER published_documents_changed AFTER INSERT ON published_documents
    FOR EACH ROW EXECUTE FUNCTION record_change();

-- What the database held before the feed began is its first page: one create per resource.
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, action, event)
SELECT now() AT TIME ZONE 'UTC', 'committee', id, id, 'create', 'committee.created'
FROM committees ORDER BY id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT now() AT TIME ZONE 'UTC', 'meeting', id, committee_id, id, 'create', 'meeting.created'
FROM meetings ORDER BY id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event, closed)
SELECT now() AT TIME ZONE 'UTC', 'item', i.id, m.committee_id, i.meeting_id, i.id, 'create', 'item.created', i.closed
FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id ORDER BY i.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT now() AT TIME ZONE 'UTC', 'participant', p.id, m.committee_id, p.meeting_id, 'create', 'participant.created'
FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id ORDER BY p.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, item_id, action, event, closed,
                     open_change)
SELECT now() AT TIME ZONE 'UTC', 'attachment', a.id, m.committee_id, a.meeting_id, a.item_id, 'create',
       'attachment.created', a.closed, FALSE
FROM attachments a JOIN meetings m ON m.id = a.meeting_id
WHERE a.removed_at IS NULL ORDER BY a.id;
INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
SELECT now() AT TIME ZONE 'UTC', 'publication', d.id, m.committee_id, d.meeting_id, 'create', d.kind || '.published'
FROM published_documents d JOIN meetings m ON m.id = d.meeting_id ORDER BY d.id;
