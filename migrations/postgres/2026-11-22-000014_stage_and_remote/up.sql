-- What matching reads from other servers: a coop's stage (start-coop or
-- established) and whether a proposal can be given or taken remotely.
ALTER TABLE remote_actors ADD COLUMN stage TEXT;
ALTER TABLE remote_proposals ADD COLUMN remote BOOLEAN;
