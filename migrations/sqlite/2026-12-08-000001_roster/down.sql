DROP TABLE item_referrals;
DELETE FROM item_exclusions WHERE subject IS NULL;
CREATE TABLE item_exclusions_old (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL,
    reason     TEXT,
    created_by TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    UNIQUE (item_id, subject)
);
INSERT INTO item_exclusions_old SELECT id, item_id, subject, reason, created_by, version, created_at FROM item_exclusions;
DROP TABLE item_exclusions;
ALTER TABLE item_exclusions_old RENAME TO item_exclusions;
CREATE INDEX item_exclusions_subject_idx ON item_exclusions (subject, item_id);
ALTER TABLE agenda_items DROP COLUMN quorum_override;
ALTER TABLE meeting_participants DROP COLUMN left_after_item;
ALTER TABLE meeting_participants DROP COLUMN arrived_at_item;
ALTER TABLE meeting_participants DROP COLUMN roster_member_id;
DROP TABLE committee_members;
