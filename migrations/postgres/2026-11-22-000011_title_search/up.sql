-- Kept in step with migrations/sqlite/2026-11-22-000011_title_search
-- (there: FTS5 tables).
-- Word search over proposal titles, for the directory. The queries use the
-- same expression, so the planner can use these indexes.
CREATE INDEX proposals_title_search ON proposals
    USING GIN (to_tsvector('simple', title));
CREATE INDEX remote_proposals_title_search ON remote_proposals
    USING GIN (to_tsvector('simple', title));
