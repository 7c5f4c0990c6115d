//! One migrations folder per backend, kept in step by hand (a test checks
//! that both folders hold the same versions).

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{AnyConnection, StoreError, StoreResult};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

pub fn run(conn: &mut AnyConnection) -> StoreResult<usize> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
    };
    applied.map_err(|e| StoreError::Database(format!("migration failed: {e}")))
}

/// Reverts the applied migrations newer than `version` (its leading
/// digits, as in `2026-12-07-000025`), newest first, through their
/// `down.sql`: for rolling a database back to an earlier release, and for
/// tests that check a migration against data written before it.
pub fn revert_to(conn: &mut AnyConnection, version: &str) -> StoreResult<usize> {
    fn digits(v: &str) -> String {
        v.chars()
            .take_while(|c| *c != '_')
            .filter(char::is_ascii_digit)
            .collect()
    }
    fn newest<H: MigrationHarness<B>, B: diesel::backend::Backend>(
        h: &mut H,
    ) -> StoreResult<Option<String>> {
        let applied = h
            .applied_migrations()
            .map_err(|e| StoreError::Database(format!("reading the migrations: {e}")))?;
        Ok(applied.iter().map(|v| digits(&v.to_string())).max())
    }
    let target = digits(version);
    let mut reverted = 0;
    loop {
        let newest = match conn {
            AnyConnection::Sqlite(c) => newest(c)?,
            AnyConnection::Postgresql(c) => newest(c)?,
        };
        if newest.is_none_or(|v| v <= target) {
            return Ok(reverted);
        }
        let done = match conn {
            AnyConnection::Sqlite(c) => c.revert_last_migration(SQLITE).map(|_| ()),
            AnyConnection::Postgresql(c) => c.revert_last_migration(POSTGRES).map(|_| ()),
        };
        done.map_err(|e| StoreError::Database(format!("reverting a migration failed: {e}")))?;
        reverted += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn versions(backend: &str) -> BTreeSet<String> {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let sqlite = versions("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, versions("postgres"));
    }
}
