DROP TRIGGER match_journal_gatherings_update ON gatherings;
DROP TRIGGER match_journal_gatherings ON gatherings;
DROP INDEX gatherings_by_organiser;
