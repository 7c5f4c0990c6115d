-- Kept in step with migrations/postgres/2026-11-22-000008_directory_filters.
-- Profile facts of remote coops that the directory filters on, from the
-- actor's schema.org addressCountry and knowsLanguage.
ALTER TABLE remote_actors ADD COLUMN country TEXT;
ALTER TABLE remote_actors ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
-- The coop directory reads each side by name and stops at the page's end.
CREATE INDEX coops_name ON coops (LOWER(display_name), id);
CREATE INDEX remote_actors_name ON remote_actors (LOWER(display_name), id);
