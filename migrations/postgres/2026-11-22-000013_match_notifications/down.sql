DROP TABLE match_notifications;
ALTER TABLE match_settings DROP COLUMN notify_min_score;
