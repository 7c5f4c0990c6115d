ALTER TABLE remote_proposals DROP COLUMN reciprocal;
