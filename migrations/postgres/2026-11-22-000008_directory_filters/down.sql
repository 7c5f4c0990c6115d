DROP INDEX remote_actors_name;
DROP INDEX coops_name;
ALTER TABLE remote_actors DROP COLUMN languages;
ALTER TABLE remote_actors DROP COLUMN country;
