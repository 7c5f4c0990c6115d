ALTER TABLE node_follows DROP COLUMN backfill_stop;
ALTER TABLE node_follows DROP COLUMN backfill_started_at;
ALTER TABLE node_follows DROP COLUMN backfill_pages;
