-- Kept in step with migrations/postgres/2026-12-07-000026_home_feed.
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
) WITHOUT ROWID;
CREATE INDEX home_feed_actor ON home_feed (actor_id, entry_id);

INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
    SELECT f.coop_id, rp.id, rp.actor_id, FALSE
    FROM following f JOIN remote_proposals rp ON rp.actor_id = f.actor_id WHERE f.accepted;
INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
    SELECT f.coop_id, p.id, p.actor_id, TRUE
    FROM following f JOIN remote_posts p ON p.actor_id = f.actor_id WHERE f.accepted;

-- What arrives goes to the feeds of the coops following its author; what
-- is deleted leaves them. (An upsert never changes an entry's author.)
CREATE TRIGGER home_feed_proposal_in AFTER INSERT ON remote_proposals BEGIN
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT f.coop_id, NEW.id, NEW.actor_id, FALSE FROM following f
        WHERE f.actor_id = NEW.actor_id AND f.accepted;
END;
CREATE TRIGGER home_feed_proposal_out AFTER DELETE ON remote_proposals BEGIN
    DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND entry_id = OLD.id;
END;
CREATE TRIGGER home_feed_post_in AFTER INSERT ON remote_posts BEGIN
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT f.coop_id, NEW.id, NEW.actor_id, TRUE FROM following f
        WHERE f.actor_id = NEW.actor_id AND f.accepted;
END;
CREATE TRIGGER home_feed_post_out AFTER DELETE ON remote_posts BEGIN
    DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND entry_id = OLD.id;
END;

-- A follow once accepted brings what its actor already published here; a
-- follow ended (or back to pending) takes it away.
CREATE TRIGGER home_feed_follow_in AFTER INSERT ON following WHEN NEW.accepted BEGIN
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT NEW.coop_id, rp.id, rp.actor_id, FALSE FROM remote_proposals rp
        WHERE rp.actor_id = NEW.actor_id;
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT NEW.coop_id, p.id, p.actor_id, TRUE FROM remote_posts p
        WHERE p.actor_id = NEW.actor_id;
END;
CREATE TRIGGER home_feed_follow_accepted AFTER UPDATE OF accepted ON following
    WHEN NEW.accepted AND NOT OLD.accepted BEGIN
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT NEW.coop_id, rp.id, rp.actor_id, FALSE FROM remote_proposals rp
        WHERE rp.actor_id = NEW.actor_id;
    INSERT OR IGNORE INTO home_feed (coop_id, entry_id, actor_id, post)
        SELECT NEW.coop_id, p.id, p.actor_id, TRUE FROM remote_posts p
        WHERE p.actor_id = NEW.actor_id;
END;
CREATE TRIGGER home_feed_follow_pending AFTER UPDATE OF accepted ON following
    WHEN OLD.accepted AND NOT NEW.accepted BEGIN
    DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND coop_id = OLD.coop_id;
END;
CREATE TRIGGER home_feed_follow_out AFTER DELETE ON following WHEN OLD.accepted BEGIN
    DELETE FROM home_feed WHERE actor_id = OLD.actor_id AND coop_id = OLD.coop_id;
END;
