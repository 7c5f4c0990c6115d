-- Gatherings of other servers that coops of this node joined: the Event as
-- fetched from its origin (services/remote_gatherings.rs), and each coop's
-- registration, its Join's answer and what it contributes to the rounds.
CREATE TABLE remote_gatherings (
    id TEXT PRIMARY KEY NOT NULL,
    -- the Event's id, on its organiser's origin
    ap_id TEXT NOT NULL UNIQUE,
    organiser_actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- sanitised HTML
    content_html TEXT NOT NULL,
    url TEXT,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT,
    call_url TEXT,
    -- the conclusions the organiser published, sanitised HTML
    notes_html TEXT,
    notes_at TIMESTAMP,
    fetched_at TIMESTAMP NOT NULL
);

CREATE TABLE remote_gathering_joins (
    remote_gathering_id TEXT NOT NULL REFERENCES remote_gatherings(id) ON DELETE CASCADE,
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    join_ap_id TEXT NOT NULL UNIQUE,
    delegate TEXT NOT NULL,
    -- pending until the organiser answers: accepted or rejected
    state TEXT NOT NULL,
    about TEXT NOT NULL,
    -- JSON list of the coop's proposal ids
    proposals TEXT NOT NULL,
    contributed_at TIMESTAMP,
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (remote_gathering_id, coop_id)
);
CREATE INDEX remote_gathering_joins_by_coop ON remote_gathering_joins (coop_id);

-- On the organiser's side, what a remote participant contributed: its
-- about (sanitised HTML) and the needs and offers it brought (remote
-- proposal ids, kept while it participates).
ALTER TABLE gathering_remote_participants ADD COLUMN about_html TEXT NOT NULL DEFAULT '';
ALTER TABLE gathering_remote_participants ADD COLUMN proposals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE gathering_remote_participants ADD COLUMN contributed_at TIMESTAMP;
