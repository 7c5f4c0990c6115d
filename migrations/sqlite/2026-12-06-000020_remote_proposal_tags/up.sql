-- The tags of received proposals, one row each, so a hashtag timeline
-- finds a rare tag through an index instead of reading every proposal's
-- JSON list. Kept by triggers from remote_proposals.tags: no write path can
-- forget it.
CREATE TABLE remote_proposal_tags (
    proposal_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (proposal_id, tag)
);
CREATE INDEX remote_proposal_tags_tag ON remote_proposal_tags (tag, proposal_id);

INSERT OR IGNORE INTO remote_proposal_tags (proposal_id, tag)
    SELECT rp.id, lower(j.value) FROM remote_proposals rp, json_each(rp.tags) j;

CREATE TRIGGER remote_proposal_tags_insert AFTER INSERT ON remote_proposals BEGIN
    INSERT OR IGNORE INTO remote_proposal_tags (proposal_id, tag)
        SELECT NEW.id, lower(value) FROM json_each(NEW.tags);
END;

CREATE TRIGGER remote_proposal_tags_update AFTER UPDATE OF tags ON remote_proposals BEGIN
    DELETE FROM remote_proposal_tags WHERE proposal_id = OLD.id;
    INSERT OR IGNORE INTO remote_proposal_tags (proposal_id, tag)
        SELECT NEW.id, lower(value) FROM json_each(NEW.tags);
END;

CREATE TRIGGER remote_proposal_tags_delete AFTER DELETE ON remote_proposals BEGIN
    DELETE FROM remote_proposal_tags WHERE proposal_id = OLD.id;
END;
