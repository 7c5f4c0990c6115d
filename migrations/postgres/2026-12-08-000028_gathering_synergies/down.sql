ALTER TABLE introductions DROP COLUMN to_accepted;
ALTER TABLE introductions DROP COLUMN from_accepted;
ALTER TABLE introductions DROP COLUMN gathering_id;
DROP TABLE gathering_synergies;
