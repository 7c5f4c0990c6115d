-- Kept in step with migrations/postgres/2026-11-22-000011_directory_search
-- (there: pg_trgm GIN indexes).
-- Text search over proposal titles, for the directory: FTS5 trigram indexes
-- (substring matches, as the directory's LIKE) keyed by `fts_key`, a stable
-- integer of each row (the implicit rowid may change in a VACUUM; a column
-- does not). Triggers keep them in step; contentless tables store no second
-- copy of the titles.
ALTER TABLE proposals ADD COLUMN fts_key INTEGER;
ALTER TABLE remote_proposals ADD COLUMN fts_key INTEGER;
UPDATE proposals SET fts_key = rowid;
UPDATE remote_proposals SET fts_key = rowid;
CREATE UNIQUE INDEX proposals_fts_key ON proposals (fts_key);
CREATE UNIQUE INDEX remote_proposals_fts_key ON remote_proposals (fts_key);

CREATE VIRTUAL TABLE proposals_fts USING fts5(
    title, content='', contentless_delete=1, tokenize='trigram'
);
CREATE VIRTUAL TABLE remote_proposals_fts USING fts5(
    title, content='', contentless_delete=1, tokenize='trigram'
);
INSERT INTO proposals_fts (rowid, title) SELECT fts_key, title FROM proposals;
INSERT INTO remote_proposals_fts (rowid, title) SELECT fts_key, title FROM remote_proposals;

CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN
    UPDATE proposals SET fts_key = (SELECT IFNULL(MAX(fts_key), 0) + 1 FROM proposals)
        WHERE rowid = new.rowid;
    INSERT INTO proposals_fts (rowid, title)
        SELECT fts_key, title FROM proposals WHERE rowid = new.rowid;
END;
CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN
    DELETE FROM proposals_fts WHERE rowid = old.fts_key;
END;
CREATE TRIGGER proposals_fts_title AFTER UPDATE OF title ON proposals BEGIN
    DELETE FROM proposals_fts WHERE rowid = old.fts_key;
    INSERT INTO proposals_fts (rowid, title) VALUES (new.fts_key, new.title);
END;

CREATE TRIGGER remote_proposals_fts_insert AFTER INSERT ON remote_proposals BEGIN
    UPDATE remote_proposals
        SET fts_key = (SELECT IFNULL(MAX(fts_key), 0) + 1 FROM remote_proposals)
        WHERE rowid = new.rowid;
    INSERT INTO remote_proposals_fts (rowid, title)
        SELECT fts_key, title FROM remote_proposals WHERE rowid = new.rowid;
END;
CREATE TRIGGER remote_proposals_fts_delete AFTER DELETE ON remote_proposals BEGIN
    DELETE FROM remote_proposals_fts WHERE rowid = old.fts_key;
END;
CREATE TRIGGER remote_proposals_fts_title AFTER UPDATE OF title ON remote_proposals BEGIN
    DELETE FROM remote_proposals_fts WHERE rowid = old.fts_key;
    INSERT INTO remote_proposals_fts (rowid, title) VALUES (new.fts_key, new.title);
END;

-- The directory checks each listed row against the few `limit` blocks; a
-- long imported list of suspensions must not be scanned for it.
CREATE INDEX domain_blocks_severity ON domain_blocks (severity, domain);
