-- Kept in step with migrations/sqlite/2026-12-06-000017_reciprocal.
-- What a received FEP-0837 proposal asks or gives in return (its
-- `reciprocal` Intent: action, resource, quantity), as JSON; NULL when none.
ALTER TABLE remote_proposals ADD COLUMN reciprocal TEXT;
