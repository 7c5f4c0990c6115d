DROP TABLE match_settings;
DROP TRIGGER match_journal_proposals ON proposals;
DROP TRIGGER match_journal_remote_proposals ON remote_proposals;
DROP TRIGGER match_journal_coops ON coops;
DROP TRIGGER match_journal_remote_actors ON remote_actors;
DROP FUNCTION match_journal_note();
DROP TABLE match_journal;
