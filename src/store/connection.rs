//! One connection type for both backends, and the r2d2 pieces around it.
//!
//! diesel's derived `establish` tries each backend in turn and reports only
//! "Invalid connection url", hiding the real libpq error; so the manager below
//! dispatches on the URL scheme itself.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection};
use diesel::{PgConnection, SqliteConnection};

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

pub struct AnyConnectionManager {
    url: String,
}

impl AnyConnectionManager {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into() }
    }
}

impl ManageConnection for AnyConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        let conn = match Backend::of_url(&self.url) {
            Backend::Postgres => PgConnection::establish(&self.url).map(AnyConnection::Postgresql),
            Backend::Sqlite => SqliteConnection::establish(&self.url).map(AnyConnection::Sqlite),
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// SQLite settings applied to every new connection. `busy_timeout` must come
/// before `journal_mode = WAL`: in the other order, connections opened in
/// parallel on a new file fail with "database is locked".
#[derive(Debug)]
pub struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Runs `f` in a write transaction. On SQLite the transaction starts with
/// `BEGIN IMMEDIATE` so it takes the write lock up front: a deferred
/// transaction that reads first and writes later cannot wait for the lock
/// (SQLite answers "database is locked" at once instead of honouring
/// busy_timeout), which is what made concurrent writers fail.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Postgresql(_) => conn.transaction(f),
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    if let Err(commit_error) =
                        <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)
                    {
                        // Leave the connection usable; the commit error is what matters.
                        let _ =
                            <AnyConnection as Connection>::TransactionManager::rollback_transaction(
                                conn,
                            );
                        return Err(commit_error.into());
                    }
                    Ok(value)
                }
                Err(error) => {
                    <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
                    Err(error)
                }
            }
        }
    }
}
