-- Kept in step with migrations/postgres/2026-11-22-000003_delivery_queue.
-- The durable outgoing queue: an activity is stored once, with one delivery
-- row per destination inbox. Delivered (or abandoned) rows are deleted.
CREATE TABLE outgoing_activities (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    -- Who signs: 'node', or a local coop's handle.
    signer TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    activity_id TEXT NOT NULL REFERENCES outgoing_activities(id) ON DELETE CASCADE,
    inbox TEXT NOT NULL,
    host TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker that claimed the row owns it until then (several processes may share the queue).
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at);
CREATE INDEX deliveries_host ON deliveries (host);

-- Per destination host: how it has been answering.
CREATE TABLE delivery_hosts (
    host TEXT PRIMARY KEY NOT NULL,
    failing_since TIMESTAMP,
    last_success_at TIMESTAMP,
    last_error TEXT
);
