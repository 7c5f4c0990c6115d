ALTER TABLE remote_proposals DROP COLUMN remote;
ALTER TABLE remote_actors DROP COLUMN stage;
