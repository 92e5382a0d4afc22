ALTER TABLE meetings DROP COLUMN extraordinary;
