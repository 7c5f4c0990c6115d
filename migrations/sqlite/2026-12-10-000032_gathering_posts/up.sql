-- Gatherings coops organise are posts in Mastodon apps: an account's
-- statuses read them by organiser, and the streaming API hears of them
-- through the journal (matching skips them). Only what a post shows is
-- journalled on update, not every turn of a live call.
CREATE INDEX gatherings_by_organiser ON gatherings (organiser_coop_id, id);

CREATE TRIGGER match_journal_gatherings_insert AFTER INSERT ON gatherings BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('gathering', NEW.id);
END;

CREATE TRIGGER match_journal_gatherings_update
    AFTER UPDATE OF title, description, starts_at, ends_at, time_zone, call_url, languages
    ON gatherings BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('gathering', NEW.id);
END;

CREATE TRIGGER match_journal_gatherings_delete AFTER DELETE ON gatherings BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('gathering', OLD.id);
END;
