-- Every change that may change matches, in order, so each serving process
-- keeps its in-memory matching index in step (docs/matching.md). Filled by
-- triggers: no write path can forget it.
CREATE TABLE match_journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    subject_id TEXT NOT NULL
);

CREATE TRIGGER match_journal_proposals_insert AFTER INSERT ON proposals BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('proposal', NEW.id);
END;

-- Not for the title index's own key, set right after each insert
-- (000011): that is no change of the proposal.
CREATE TRIGGER match_journal_proposals_update AFTER UPDATE ON proposals
WHEN OLD.fts_key IS NOT NULL BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('proposal', NEW.id);
END;

CREATE TRIGGER match_journal_proposals_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('proposal', OLD.id);
END;

CREATE TRIGGER match_journal_remote_proposals_insert AFTER INSERT ON remote_proposals BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_proposal', NEW.id);
END;

-- Not for the title index's own key, set right after each insert
-- (000011): that is no change of the proposal.
CREATE TRIGGER match_journal_remote_proposals_update AFTER UPDATE ON remote_proposals
WHEN OLD.fts_key IS NOT NULL BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_proposal', NEW.id);
END;

CREATE TRIGGER match_journal_remote_proposals_delete AFTER DELETE ON remote_proposals BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('remote_proposal', OLD.id);
END;

CREATE TRIGGER match_journal_coops_insert AFTER INSERT ON coops BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('coop', NEW.id);
END;

CREATE TRIGGER match_journal_coops_update AFTER UPDATE ON coops BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('coop', NEW.id);
END;

CREATE TRIGGER match_journal_coops_delete AFTER DELETE ON coops BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('coop', OLD.id);
END;

CREATE TRIGGER match_journal_remote_actors_insert AFTER INSERT ON remote_actors BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('actor', NEW.id);
END;

CREATE TRIGGER match_journal_remote_actors_update AFTER UPDATE ON remote_actors BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('actor', NEW.id);
END;

CREATE TRIGGER match_journal_remote_actors_delete AFTER DELETE ON remote_actors BEGIN
    INSERT INTO match_journal (subject, subject_id) VALUES ('actor', OLD.id);
END;

-- What each coop asks of matching.
CREATE TABLE match_settings (
    coop_id TEXT PRIMARY KEY REFERENCES coops (id) ON DELETE CASCADE,
    -- Boost pairs of a start-coop and an established coop.
    prefer_stage_pairing BOOLEAN NOT NULL DEFAULT FALSE
);
