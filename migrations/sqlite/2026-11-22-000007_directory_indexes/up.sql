-- Kept in step with migrations/postgres/2026-11-22-000007_directory_indexes.
-- The directory reads newest first and stops at the page's end.
CREATE INDEX remote_proposals_published ON remote_proposals (published_at, id);
CREATE INDEX proposals_open_created ON proposals (status, created_at, id);
-- One node's proposals (directory filter by node), and purges by host.
CREATE INDEX remote_proposals_actor_published ON remote_proposals (actor_id, published_at);
CREATE INDEX remote_actors_host ON remote_actors (host);
