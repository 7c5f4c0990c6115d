-- Tell a coop about new matches scoring at least this much (NULL: off).
ALTER TABLE match_settings ADD COLUMN notify_min_score REAL;

-- New matches of a coop's open proposals, once per pair.
CREATE TABLE match_notifications (
    id TEXT PRIMARY KEY,
    coop_id TEXT NOT NULL REFERENCES coops (id) ON DELETE CASCADE,
    -- The coop's own proposal.
    proposal_id TEXT NOT NULL,
    -- The proposal that answers it: l:<id> local, r:<id> remote.
    other_key TEXT NOT NULL,
    score REAL NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (coop_id, proposal_id, other_key)
);
CREATE INDEX match_notifications_by_coop ON match_notifications (coop_id, created_at);
