//! One connection type for both backends, and the r2d2 pieces around it.
//!
//! diesel's derived `establish` tries each backend in turn and reports only
//! "Invalid connection url", hiding the real libpq error; so the manager below
//! dispatches on the URL scheme itself.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

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

/// How long a connection that answered a ping is lent without another one.
/// Pinging on every checkout cost two of the nine PostgreSQL round trips of
/// an inbox request; a connection that dies in between fails the requests
/// using it until its next ping (at most this long), as a request racing a
/// database restart would anyway.
const PING_EVERY: Duration = Duration::from_secs(1);

/// A pooled connection and when it last answered a ping. It dereferences to
/// the connection, so store code never sees the difference.
pub struct Checked {
    conn: AnyConnection,
    pinged_at: Instant,
}

impl Deref for Checked {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl ManageConnection for AnyConnectionManager {
    type Connection = Checked;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Checked, Self::Error> {
        let conn = match Backend::of_url(&self.url) {
            Backend::Postgres => PgConnection::establish(&self.url).map(AnyConnection::Postgresql),
            Backend::Sqlite => SqliteConnection::establish(&self.url).map(AnyConnection::Sqlite),
        };
        Ok(Checked {
            conn: conn.map_err(diesel::r2d2::Error::ConnectionError)?,
            pinged_at: Instant::now(),
        })
    }

    fn is_valid(&self, c: &mut Checked) -> Result<(), Self::Error> {
        if c.pinged_at.elapsed() < PING_EVERY {
            return Ok(());
        }
        c.conn
            .batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)?;
        c.pinged_at = Instant::now();
        Ok(())
    }

    fn has_broken(&self, c: &mut Checked) -> bool {
        <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(
            &mut c.conn,
        )
    }
}

/// Session settings applied to every new connection.
///
/// SQLite: `busy_timeout` must come before `journal_mode = WAL`: in the
/// other order, connections opened in parallel on a new file fail with
/// "database is locked".
///
/// PostgreSQL: JIT off. Our queries are short and indexed; when a planner
/// estimate crosses `jit_above_cost`, compiling takes 100 to 250 ms for a
/// query that runs in 15 (seen on the directory at 100,000 coops).
#[derive(Debug)]
pub struct SessionSettings;

impl CustomizeConnection<Checked, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut Checked) -> Result<(), diesel::r2d2::Error> {
        let settings = match &conn.conn {
            AnyConnection::Sqlite(_) => {
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            }
            AnyConnection::Postgresql(_) => "SET jit = off;",
        };
        conn.conn
            .batch_execute(settings)
            .map_err(diesel::r2d2::Error::QueryError)
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
    E: From<super::StoreError>,
{
    write_transaction_opening(conn, None, f)
}

/// [`write_transaction`] whose `BEGIN` is sent together with `first`, a
/// fixed statement, in one round trip.
pub(super) fn write_transaction_opening<T, E, F>(
    conn: &mut AnyConnection,
    first: Option<&str>,
    f: F,
) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<super::StoreError>,
{
    let begin = match conn {
        AnyConnection::Postgresql(_) => "BEGIN",
        AnyConnection::Sqlite(_) => "BEGIN IMMEDIATE",
    };
    let begin = match first {
        Some(first) => std::borrow::Cow::Owned(format!("{begin}; {first}")),
        None => std::borrow::Cow::Borrowed(begin),
    };
    match conn {
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(c, &begin),
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, &begin),
    }
    .map_err(|e| E::from(e.into()))?;
    match f(conn) {
        Ok(value) => {
            if let Err(commit_error) =
                <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)
            {
                // Leave the connection usable; the commit error is what matters.
                let _ =
                    <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
                return Err(E::from(commit_error.into()));
            }
            Ok(value)
        }
        Err(error) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)
                .map_err(|e| E::from(e.into()))?;
            Err(error)
        }
    }
}
