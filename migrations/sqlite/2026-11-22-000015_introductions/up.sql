-- Introductions between two coops, from a match: one coop asks, the other
-- accepts or declines; contact details are shown only after an accept.
-- Exactly one of from_coop_id / from_actor_id is set, and the same for to_.
CREATE TABLE introductions (
    id TEXT PRIMARY KEY,
    -- The FEP-0837 Offer's id: ours when a local coop asked, theirs otherwise.
    ap_id TEXT NOT NULL UNIQUE,
    from_coop_id TEXT REFERENCES coops (id) ON DELETE CASCADE,
    from_actor_id TEXT REFERENCES remote_actors (id) ON DELETE CASCADE,
    to_coop_id TEXT REFERENCES coops (id) ON DELETE CASCADE,
    to_actor_id TEXT REFERENCES remote_actors (id) ON DELETE CASCADE,
    -- The need or offer it is about (the introduced coop's), as it was then.
    proposal_ap_id TEXT NOT NULL,
    proposal_id TEXT,
    proposal_kind TEXT NOT NULL,
    proposal_title TEXT NOT NULL,
    message TEXT NOT NULL,
    -- pending, accepted or declined.
    state TEXT NOT NULL,
    -- The remote party's contact details as received (JSON); shown only
    -- once accepted, forgotten when declined.
    contacts TEXT,
    created_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
-- One open (pending or accepted) introduction per asker and proposal.
CREATE UNIQUE INDEX introductions_open ON introductions
    (COALESCE(from_coop_id, from_actor_id), proposal_ap_id) WHERE state <> 'declined';
CREATE INDEX introductions_from ON introductions (from_coop_id, id);
CREATE INDEX introductions_to ON introductions (to_coop_id, id);
