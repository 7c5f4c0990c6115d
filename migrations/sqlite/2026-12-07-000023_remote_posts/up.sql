-- Posts of followed accounts that are not needs or offers: kept only for
-- the home timelines of the coops that follow their authors, and only for
-- `home_posts_days` (the hourly upkeep forgets older ones).
CREATE TABLE remote_posts (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL REFERENCES remote_actors(id) ON DELETE CASCADE,
    -- Sanitised HTML.
    content_html TEXT NOT NULL,
    -- The content warning, if any.
    summary TEXT,
    sensitive BOOLEAN NOT NULL,
    url TEXT,
    -- public, unlisted or private (to the author's followers)
    visibility TEXT NOT NULL,
    language TEXT,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_posts_actor ON remote_posts (actor_id, id);
CREATE INDEX remote_posts_received ON remote_posts (received_at);

-- In the journal too, so the streaming API tells apps about new posts
-- (matching skips them).
CREATE TRIGGER match_journal_remote_posts_insert AFTER INSERT ON remote_posts BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_post', NEW.id);
END;

CREATE TRIGGER match_journal_remote_posts_update AFTER UPDATE ON remote_posts BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_post', NEW.id);
END;

CREATE TRIGGER match_journal_remote_posts_delete AFTER DELETE ON remote_posts BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_post', OLD.id);
END;
