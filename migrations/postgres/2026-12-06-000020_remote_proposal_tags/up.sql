-- The tags of received proposals, one row each, so a hashtag timeline
-- finds a rare tag through an index instead of reading every proposal's
-- JSON list. Kept by a trigger from remote_proposals.tags: no write path
-- can forget it.
CREATE TABLE remote_proposal_tags (
    proposal_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (proposal_id, tag)
);
CREATE INDEX remote_proposal_tags_tag ON remote_proposal_tags (tag, proposal_id);

INSERT INTO remote_proposal_tags (proposal_id, tag)
    SELECT rp.id, lower(t) FROM remote_proposals rp, jsonb_array_elements_text(rp.tags::jsonb) t
    ON CONFLICT DO NOTHING;

CREATE FUNCTION remote_proposal_tags_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM remote_proposal_tags WHERE proposal_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO remote_proposal_tags (proposal_id, tag)
            SELECT NEW.id, lower(t) FROM jsonb_array_elements_text(NEW.tags::jsonb) t
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER remote_proposal_tags_sync AFTER INSERT OR DELETE OR UPDATE OF tags ON remote_proposals
    FOR EACH ROW EXECUTE FUNCTION remote_proposal_tags_sync();
