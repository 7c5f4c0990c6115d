-- Whether the new matches of a proposal's change have been looked for and
-- notified (docs/matching.md, "Notifications"). The journal is the queue of
-- that work: it survives restarts and bursts, and no change is skipped.
-- What was in the journal before is taken as done.
ALTER TABLE match_journal ADD COLUMN notified BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE match_journal SET notified = TRUE;
CREATE INDEX match_journal_to_notify ON match_journal (seq)
    WHERE notified = FALSE AND subject IN ('proposal', 'remote_proposal');
