-- Kept in step with migrations/sqlite/2026-11-22-000004_follows.
-- Actors on other servers that we know of (fetched, signature-verified).
CREATE TABLE remote_actors (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    -- host[:port] of ap_id: the origin that owns this actor's objects.
    host TEXT NOT NULL,
    display_name TEXT NOT NULL,
    summary_html TEXT NOT NULL,
    url TEXT,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    public_key_pem TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_actors_address ON remote_actors (username, host);

-- Remote actors following our coops. Pending until accepted.
CREATE TABLE followers (
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL,
    accepted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (coop_id, actor_id)
);
CREATE INDEX followers_actor ON followers (actor_id);

-- Our coops following remote actors. Pending until the other side accepts.
CREATE TABLE following (
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    follow_ap_id TEXT NOT NULL UNIQUE,
    accepted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (coop_id, actor_id)
);
CREATE INDEX following_actor ON following (actor_id);

-- Needs and offers published by remote coops that one of ours follows.
CREATE TABLE remote_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    content_html TEXT NOT NULL,
    tags TEXT NOT NULL,
    quantity_value TEXT,
    quantity_unit TEXT,
    place TEXT,
    deadline TIMESTAMP,
    url TEXT,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_proposals_actor ON remote_proposals (actor_id, id);

-- Ids of activities already processed: a redelivery changes nothing.
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_activities_at ON received_activities (received_at);
