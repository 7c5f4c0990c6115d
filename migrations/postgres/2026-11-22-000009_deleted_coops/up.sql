-- Kept in step with migrations/sqlite/2026-11-22-000009_deleted_coops.
-- Coops that were deleted. The handle stays taken (other servers remember
-- the actor by it, as Mastodon never frees a deleted username), the actor
-- URL answers 410 Gone, and the keys sign the Delete still being delivered.
CREATE TABLE deleted_coops (
    handle TEXT PRIMARY KEY NOT NULL,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    deleted_at TIMESTAMP NOT NULL
);
