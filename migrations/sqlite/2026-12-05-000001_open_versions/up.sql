-- What a meeting shows to those who do not read closed items changes only when that changes.
--
-- `version` and `updated_at` change with every change to a meeting or its parts; `open_version` and
-- `open_updated_at` only with a change those who do not read closed items can see: the meeting, its
-- participants, its agenda's numbers and titles, its open items' content. Readers (and members
-- excluded from an item) are shown the open pair, so that an edit of a closed item's hidden text
-- moves nothing they see. Publications and sign-offs keep the open version they were made at too,
-- and the change feed marks a meeting's update that only its closed content caused as closed.
--
-- Meetings start with both pairs equal; no feed entry is written for that.
DROP TRIGGER meetings_changed_update;
ALTER TABLE meetings ADD COLUMN open_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meetings ADD COLUMN open_updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE meetings SET open_version = version, open_updated_at = updated_at;
CREATE INDEX meetings_open_updated_idx ON meetings (open_updated_at);

ALTER TABLE published_documents ADD COLUMN open_meeting_version BIGINT NOT NULL DEFAULT 0;
UPDATE published_documents SET open_meeting_version = meeting_version;
ALTER TABLE sign_offs ADD COLUMN open_meeting_version BIGINT NOT NULL DEFAULT 0;
UPDATE sign_offs SET open_meeting_version = meeting_version;

CREATE TRIGGER meetings_changed_update AFTER UPDATE ON meetings BEGIN
    INSERT INTO changes (occurred_at, resource, resource_id, committee_id, meeting_id, action, event, closed,
                         open_change)
    VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'meeting', NEW.id, NEW.committee_id, NEW.id, 'update',
            CASE WHEN NEW.status = OLD.status THEN 'meeting.updated'
                 WHEN NEW.status = 'cancelled' THEN 'meeting.cancelled'
                 WHEN NEW.status = 'held' THEN 'meeting.held'
                 ELSE 'meeting.updated' END,
            NEW.open_version = OLD.open_version, NEW.open_version <> OLD.open_version);
END;
