ALTER TABLE gatherings DROP COLUMN turn_seconds;
ALTER TABLE gatherings DROP COLUMN live_since;
ALTER TABLE gatherings DROP COLUMN live_turn;
ALTER TABLE gatherings DROP COLUMN live_round;
