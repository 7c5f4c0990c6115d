-- Every change that may change matches, in order, so each serving process
-- keeps its in-memory matching index in step (docs/matching.md). Filled by
-- triggers: no write path can forget it.
CREATE TABLE match_journal (
    seq BIGSERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_id TEXT NOT NULL
);

CREATE FUNCTION match_journal_note() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO match_journal (subject, subject_id) VALUES (TG_ARGV[0], OLD.id);
    ELSE
        INSERT INTO match_journal (subject, subject_id) VALUES (TG_ARGV[0], NEW.id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER match_journal_proposals AFTER INSERT OR UPDATE OR DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION match_journal_note('proposal');

CREATE TRIGGER match_journal_remote_proposals AFTER INSERT OR UPDATE OR DELETE ON remote_proposals
    FOR EACH ROW EXECUTE FUNCTION match_journal_note('remote_proposal');

CREATE TRIGGER match_journal_coops AFTER INSERT OR UPDATE OR DELETE ON coops
    FOR EACH ROW EXECUTE FUNCTION match_journal_note('coop');

CREATE TRIGGER match_journal_remote_actors AFTER INSERT OR UPDATE OR DELETE ON remote_actors
    FOR EACH ROW EXECUTE FUNCTION match_journal_note('actor');

-- What each coop asks of matching.
CREATE TABLE match_settings (
    coop_id TEXT PRIMARY KEY REFERENCES coops (id) ON DELETE CASCADE,
    -- Boost pairs of a start-coop and an established coop.
    prefer_stage_pairing BOOLEAN NOT NULL DEFAULT FALSE
);
