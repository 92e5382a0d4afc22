ALTER TABLE sign_offs DROP COLUMN open_meeting_version;
ALTER TABLE published_documents DROP COLUMN open_meeting_version;
DROP INDEX meetings_open_updated_idx;
ALTER TABLE meetings DROP COLUMN open_updated_at;
ALTER TABLE meetings DROP COLUMN open_version;

CREATE OR REPLACE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
