DROP TRIGGER remote_proposal_tags_sync ON remote_proposals;
DROP FUNCTION remote_proposal_tags_sync();
DROP TABLE remote_proposal_tags;
