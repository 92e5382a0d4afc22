-- An extraordinary meeting (ekstraordinært møde) is marked as such in its agenda and minutes.
ALTER TABLE meetings ADD COLUMN extraordinary INTEGER NOT NULL DEFAULT 0 CHECK (extraordinary IN (0, 1));
