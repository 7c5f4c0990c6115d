-- Kept in step with migrations/postgres/2026-11-22-000002_actor_keys.
-- Every coop is an ActivityPub actor with an RSA key pair (PEM); rows made
-- before this migration get their keys at the next start.
ALTER TABLE coops ADD COLUMN public_key_pem TEXT;
ALTER TABLE coops ADD COLUMN private_key_pem TEXT;
ALTER TABLE coops ADD COLUMN manually_approves_followers BOOLEAN NOT NULL DEFAULT 0;

-- The node's own Application actor (one row, id 'node').
CREATE TABLE node_actor (
    id TEXT PRIMARY KEY NOT NULL,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
