-- An extraordinary meeting (ekstraordinært møde) is marked as such in its agenda and minutes.
ALTER TABLE meetings ADD COLUMN extraordinary BOOLEAN NOT NULL DEFAULT false;
