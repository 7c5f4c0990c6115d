-- Kept in step with migrations/sqlite/2026-11-22-000010_backfill_lease.
-- Several serve processes on one database: the one holding the lease reads
-- a node's backfill; the lease runs out if that process dies.
ALTER TABLE node_follows ADD COLUMN backfill_lease_until TIMESTAMP;
