ALTER TABLE gathering_remote_participants DROP COLUMN contributed_at;
ALTER TABLE gathering_remote_participants DROP COLUMN proposals;
ALTER TABLE gathering_remote_participants DROP COLUMN about_html;
DROP TABLE remote_gathering_joins;
DROP TABLE remote_gatherings;
