DROP TRIGGER meetings_changed_update;
ALTER TABLE sign_offs DROP COLUMN open_meeting_version;
ALTER TABLE published_documents DROP COLUMN open_meeting_version;
DROP INDEX meetings_open_updated_idx;
ALTER TABLE meetings DROP COLUMN open_updated_at;
ALTER TABLE meetings DROP COLUMN open_version;
CREATE TRIGGER meetings_changed_update AFTER UPDATE ON meetings BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', NEW.id, NEW.committee_id, NEW.id, 'update',
            CASE WHEN NEW.status = OLD.status THEN 'meeting.updated'
                 WHEN NEW.status = 'cancelled' THEN 'meeting.cancelled'
                 WHEN NEW.status = 'held' THEN 'meeting.held'
                 ELSE 'meeting.updated' END);
END;
