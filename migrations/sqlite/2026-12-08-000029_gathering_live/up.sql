-- The live call, as its facilitators run it: which round, whose turn (a
-- place in the speaking order), since when, and each turn's length.
ALTER TABLE gatherings ADD COLUMN live_round TEXT;
ALTER TABLE gatherings ADD COLUMN live_turn INTEGER;
ALTER TABLE gatherings ADD COLUMN live_since TIMESTAMP;
ALTER TABLE gatherings ADD COLUMN turn_seconds INTEGER NOT NULL DEFAULT 120;
