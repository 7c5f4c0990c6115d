DROP INDEX match_journal_to_notify;
ALTER TABLE match_journal DROP COLUMN notified;
