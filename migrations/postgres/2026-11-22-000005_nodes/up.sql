-- Kept in step with migrations/sqlite/2026-11-22-000005_nodes.
-- Remote nodes this node follows through its node actor, and how far the
-- backfill of what they already hold has got (resumable after a restart).
CREATE TABLE node_follows (
    -- host[:port] of the followed node.
    domain TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL UNIQUE,
    accepted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- waiting (until accepted), running, done or failed.
    backfill_state TEXT NOT NULL,
    -- The next collection page to read; NULL when not started or finished.
    backfill_next TEXT,
    backfill_items BIGINT NOT NULL,
    backfill_error TEXT,
    backfill_updated_at TIMESTAMP
);

-- Remote nodes following this node. Pending until accepted.
CREATE TABLE node_followers (
    domain TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    accepted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Node-wide settings the admins change at run time (federation policy).
CREATE TABLE node_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Every admin action: who, what, on what, when.
CREATE TABLE admin_actions (
    id TEXT PRIMARY KEY NOT NULL,
    admin TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
