-- What a coop is told, as Mastodon apps list notifications: follows,
-- follow requests, new matches and introductions. Ids are UUIDv7, so they
-- sort by time and page by id. Dismissing one deletes it.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    coop_id TEXT NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    -- follow, follow_request, match, introduction_request, introduction_answer
    kind TEXT NOT NULL,
    -- The remote actor who followed or asked, when it was one.
    actor_id TEXT REFERENCES remote_actors(id) ON DELETE CASCADE,
    -- The match notice or the introduction it is about.
    subject_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_coop_id ON notifications (coop_id, id);
