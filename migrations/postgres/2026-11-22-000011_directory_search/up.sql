-- Kept in step with migrations/sqlite/2026-11-22-000011_directory_search
-- (there: FTS5 trigram tables).
-- Text search over proposal titles, for the directory: trigram indexes over
-- the expression the queries filter on (`LOWER(title) LIKE '%word%'`), so
-- the planner can find rare words without reading every title. pg_trgm
-- ships with PostgreSQL (contrib) and is a trusted extension: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX proposals_title_search ON proposals
    USING GIN (LOWER(title) gin_trgm_ops);
CREATE INDEX remote_proposals_title_search ON remote_proposals
    USING GIN (LOWER(title) gin_trgm_ops);

-- The directory checks each listed row against the few `limit` blocks; a
-- long imported list of suspensions must not be scanned for it.
CREATE INDEX domain_blocks_severity ON domain_blocks (severity, domain);
