-- Actors of other servers registered for a gathering (a coop on another
-- Intercoop node, a Mobilizon or Mastodon account): they join with an
-- ActivityPub `Join`, which we answer with `Accept` or `Reject`, and leave
-- with `Leave` or `Undo{Join}`. They speak in the same order as local coops,
-- by when they joined.
CREATE TABLE gathering_remote_participants (
    gathering_id TEXT NOT NULL REFERENCES gatherings(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    -- the id of the Join it sent: the Accept names it, an Undo ends it
    join_ap_id TEXT NOT NULL,
    delegate TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (gathering_id, actor_id)
);
CREATE INDEX gathering_remote_participants_by_actor ON gathering_remote_participants (actor_id);
