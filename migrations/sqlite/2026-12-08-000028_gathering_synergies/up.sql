-- A facilitator's decisions on a gathering's board. Confirming a synergy
-- point opens an introduction between the two coops that both accept
-- (services/gatherings.rs); dismissing one keeps it off the board.
CREATE TABLE gathering_synergies (
    gathering_id TEXT NOT NULL REFERENCES gatherings(id) ON DELETE CASCADE,
    need_id TEXT NOT NULL,
    offer_id TEXT NOT NULL,
    -- confirmed or dismissed
    state TEXT NOT NULL,
    introduction_id TEXT,
    decided_by_coop_id TEXT,
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (gathering_id, need_id, offer_id)
);

-- An introduction a facilitator opened names its gathering, and then
-- waits for both coops: an asking coop's acceptance is its asking.
ALTER TABLE introductions ADD COLUMN gathering_id TEXT;
ALTER TABLE introductions ADD COLUMN from_accepted BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE introductions ADD COLUMN to_accepted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE introductions SET to_accepted = (state = 'accepted');
