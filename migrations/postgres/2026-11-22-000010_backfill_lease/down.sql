ALTER TABLE node_follows DROP COLUMN backfill_lease_until;
