-- Kept in step with migrations/postgres/2026-12-05-000016_backfill_budget.
-- A backfill walk is bounded: pages read and when it started (for the page
-- and time budgets), and why it stopped when it did not end complete.
ALTER TABLE node_follows ADD COLUMN backfill_pages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE node_follows ADD COLUMN backfill_started_at TIMESTAMP;
ALTER TABLE node_follows ADD COLUMN backfill_stop TEXT;
