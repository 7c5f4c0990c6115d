-- Kept in step with migrations/sqlite/2026-12-07-000026_home_feed.
-- Each coop's home feed, written when things arrive rather than worked out
-- when the home timeline is read (as Mastodon keeps one per account): the
-- received needs, offers and other posts of the actors the coop follows
-- (accepted), by id. A page of the home timeline is then one walk down
-- this table's key, however many accounts the coop follows. Kept by
-- triggers, so no write path can forget it.
CREATE TABLE home_feed (
    coop_id TEXT NOT NULL,
    -- The id of a remote proposal or of a remote post (UUIDv7).
    entry_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    -- A remote post (remote_posts) rather than a need or offer.
    post BOOLEAN NOT NULL,
    PRIMARY KEY (coop_id, entry_id)
);
CREATE INDEX home_feed_actor ON home_feed (actor_id, entry_id);

INSERT INTO home_feed (coop_id, entry_id, actor_id, post)
    SELECT f.coop_id, rp.id, rp.actor_id, FALSE
    FROM following f JOIN remote_proposals rp ON rp.actor_id = f.actor_id WHERE f.accepted
    ON CONFLICT DO NOTHING;
INSERT INTO home_feed (coop_id, entry_id, actor_id, post)
    SELECT f.coop_id, p.id, p.actor_id, TRUE
    FROM following f JOIN remote_posts p ON p.actor_id = f.actor_id WHERE f.accepted
    ON CONFLICT DO NOTHING;

-- What arrives goes to the feeds of the coops following its author; what
-- is deleted leaves them. (An upsert never changes an entry's author.)
-- The argument says whether the table holds posts.
CREATE FUNCTION home_feed_entry() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND entry_id = OLD.id;
    ELSE
        INSERT INTO home_feed (coop_id, entry_id, actor_id, post)
            SELECT f.coop_id, NEW.id, NEW.actor_id, TG_ARGV[0]::boolean FROM following f
            WHERE f.actor_id = NEW.actor_id AND f.accepted
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER home_feed_remote_proposals AFTER INSERT OR DELETE ON remote_proposals
    FOR EACH ROW EXECUTE FUNCTION home_feed_entry('false');
CREATE TRIGGER home_feed_remote_posts AFTER INSERT OR DELETE ON remote_posts
    FOR EACH ROW EXECUTE FUNCTION home_feed_entry('true');

-- A follow once accepted brings what its actor already published here; a
-- follow ended (or back to pending) takes it away.
CREATE FUNCTION home_feed_follow() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.accepted AND (TG_OP = 'DELETE' OR NOT NEW.accepted) THEN
            DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND coop_id = OLD.coop_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.accepted AND (TG_OP = 'INSERT' OR NOT OLD.accepted) THEN
            INSERT INTO home_feed (coop_id, entry_id, actor_id, post)
                SELECT NEW.coop_id, rp.id, rp.actor_id, FALSE FROM remote_proposals rp
                WHERE rp.actor_id = NEW.actor_id
                ON CONFLICT DO NOTHING;
            INSERT INTO home_feed (coop_id, entry_id, actor_id, post)
                SELECT NEW.coop_id, p.id, p.actor_id, TRUE FROM remote_posts p
                WHERE p.actor_id = NEW.actor_id
                ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER home_feed_following AFTER INSERT OR DELETE OR UPDATE OF accepted ON following
    FOR EACH ROW EXECUTE FUNCTION home_feed_follow();
