//! Storage: diesel over SQLite or PostgreSQL through one connection type.
//! Rows live here and are converted to domain types here, nowhere else.
//!
//! Single-row lookups use `get_result` on a unique key, not `first`: diesel
//! binds `LIMIT 1` as a parameter, and SQLite (3.47+) then re-plans the
//! cached statement on every run because the plan may depend on the bound
//! limit. That re-planning was a tenth of the inbox's CPU time.
//!
//! Hand-written SQL with a constant text goes through `fixed_sql`, which
//! stays prepared; `diesel::sql_query` is only for text built at run time
//! (it is never cached, so PostgreSQL plans it on every run).

pub mod account_pictures;
pub mod admin_actions;
pub mod connection;
pub mod coops;
pub mod deleted_coops;
pub mod deliveries;
pub mod directory;
mod fixed_sql;
pub mod follows;
pub mod gatherings;
mod group_commit;
pub mod introductions;
mod json;
pub mod markers;
pub mod matching;
mod migrations;
pub mod network;
pub mod node_actor;
pub mod nodes;
pub mod notifications;
pub mod oauth;
pub mod policy;
pub mod proposals;
pub mod received;
pub mod remote_actors;
pub mod remote_gatherings;
pub mod remote_posts;
pub mod remote_proposals;
pub mod schema;
pub mod settings;
pub mod timeline;
pub mod tokens;
pub mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::r2d2::Pool;

use connection::{write_transaction, AnyConnectionManager, SessionSettings};
pub use connection::{AnyConnection, Backend};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    Conflict,
    #[error("database error: {0}")]
    Database(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database refused a value (PostgreSQL and a NUL in text). The
    /// services check text before it gets here; this keeps a miss a client
    /// error instead of an outage answer.
    #[error("the database refused a value: {0}")]
    Refused(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => StoreError::Conflict,
            Error::DatabaseError(_, info) if info.message().contains("invalid byte sequence") => {
                StoreError::Refused(info.message().to_string())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A stored value that does not decode (a damaged row, or one written by a
/// newer version): logged with its row's id and refused, never replaced by
/// a default that would hide it.
pub(crate) fn corrupt(column: &str, id: &str, value: impl std::fmt::Display) -> StoreError {
    tracing::error!(column, id, %value, "a stored value does not decode");
    StoreError::Corrupt(format!("{column} of {id}: {value}"))
}

/// The database handle shared by the server, the CLI and background tasks.
#[derive(Clone)]
pub struct Db {
    pool: Pool<AnyConnectionManager>,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process queue here
    /// instead of on the database lock, whose busy handler sleeps in
    /// millisecond steps; other processes still meet `busy_timeout`.
    sqlite_writer: Arc<Mutex<()>>,
    /// Shared transactions for `write_grouped`.
    group: Arc<group_commit::GroupCommit>,
}

impl Db {
    /// Opens a pool on a `postgres://` URL or a SQLite path (a missing
    /// parent folder is created). Fails fast with the driver's own message.
    pub fn connect(url: &str, pool_size: u32) -> StoreResult<Db> {
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if path != ":memory:" && !path.starts_with("file:") {
                    if let Some(parent) = Path::new(path).parent() {
                        if !parent.as_os_str().is_empty() {
                            std::fs::create_dir_all(parent).map_err(|e| {
                                StoreError::Unavailable(format!(
                                    "cannot create folder {}: {e}",
                                    parent.display()
                                ))
                            })?;
                        }
                    }
                }
                path.to_string()
            }
            Backend::Postgres => url.to_string(),
        };
        // One direct attempt first: a wrong password or a server that is down
        // fails at once with the driver's message instead of pool retries.
        let manager = AnyConnectionManager::new(url);
        diesel::r2d2::ManageConnection::connect(&manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pool = Pool::builder()
            .max_size(pool_size)
            // No background top-ups: a process exiting while r2d2 opens a libpq
            // connection on its own thread can crash (seen as SIGSEGV at exit).
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .connection_customizer(Box::new(SessionSettings))
            .build(manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let sqlite_writer = Arc::new(Mutex::new(()));
        let group = Arc::new(group_commit::GroupCommit::start(
            pool.clone(),
            (backend == Backend::Sqlite).then(|| sqlite_writer.clone()),
        ));
        Ok(Db {
            pool,
            backend,
            sqlite_writer,
            group,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> StoreResult<usize> {
        let mut conn = self.conn()?;
        migrations::run(&mut conn)
    }

    /// Reverts the migrations newer than `version` (see
    /// [`migrations::revert_to`]); `migrate` applies them again.
    pub fn revert_to(&self, version: &str) -> StoreResult<usize> {
        let mut conn = self.conn()?;
        migrations::revert_to(&mut conn, version)
    }

    fn conn(&self) -> StoreResult<diesel::r2d2::PooledConnection<AnyConnectionManager>> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Runs blocking diesel code off the async threads.
    /// The closure may return any error that a `StoreError` converts into,
    /// so services can refuse from inside a transaction.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Database(format!("database task failed: {e}")))?
    }

    /// Like `read`, inside a write transaction (see `write_transaction`);
    /// an `Err` from the closure rolls everything back.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            // A poisoned lock only means another writer panicked; its
            // transaction was rolled back, so the database is fine.
            let _turn = match db.backend {
                Backend::Sqlite => Some(
                    db.sqlite_writer
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()),
                ),
                Backend::Postgres => None,
            };
            let mut conn = db.conn()?;
            write_transaction(&mut conn, f)
        })
        .await
        .map_err(|e| StoreError::Database(format!("database task failed: {e}")))?
    }

    /// Like `write`, for short transactions that arrive in bursts (the
    /// inbox): several callers share one transaction and one commit, each
    /// in a savepoint of its own (`group_commit`); an `Err` rolls back only
    /// this caller's work.
    pub async fn write_grouped<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: group_commit::Job = Box::new(move |conn| {
            // In a savepoint that group_commit sets around it.
            let result = f(conn);
            let keep = result.is_ok();
            let answer: group_commit::Completion = Box::new(move |committed| {
                let out = match (result, committed) {
                    (Ok(v), Ok(())) => Ok(v),
                    (Ok(_), Err(m)) => Err(E::from(StoreError::Database(m))),
                    (Err(e), _) => Err(e),
                };
                let _ = tx.send(out);
            });
            if keep {
                Ok(answer)
            } else {
                Err(answer)
            }
        });
        self.group.submit(job)?;
        rx.await.map_err(|_| {
            StoreError::Unavailable("the shared transaction failed before this write ran".into())
        })?
    }
}

/// Checks that the database answers.
pub fn ping(conn: &mut AnyConnection) -> StoreResult<()> {
    use diesel::connection::SimpleConnection;
    Ok(conn.batch_execute("SELECT 1")?)
}
