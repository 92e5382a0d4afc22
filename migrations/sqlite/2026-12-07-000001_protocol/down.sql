DROP TABLE item_dissents;
DROP TABLE item_votes;
ALTER TABLE meeting_participants DROP COLUMN substitute_for;
ALTER TABLE meeting_participants DROP COLUMN party;
