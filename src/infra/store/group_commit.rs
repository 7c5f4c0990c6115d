//! Group commit: short write transactions submitted at the same moment
//! (inbox deliveries under load) share one transaction, so one commit
//! serves many. Each runs in a savepoint of its own: one that fails is
//! rolled back alone and the others commit. A caller hears its outcome
//! only after the shared commit.
//!
//! The savepoints are set here rather than by nested diesel transactions,
//! so that releasing one and setting the next is one round trip to
//! PostgreSQL instead of two; a received activity's own work is only two
//! statements, so this saves a quarter of them.
//!
//! What a commit costs: on PostgreSQL a WAL flush and wake-ups; on SQLite
//! the single writer's turn, and the full-text index writing a segment per
//! transaction (a received proposal's title goes into it), which made one
//! activity per transaction half as fast as four.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;

use super::connection::{write_transaction_opening, AnyConnectionManager};
use super::{AnyConnection, StoreError};

/// Called with the shared commit's outcome.
pub(super) type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;
/// Runs one caller's work on the shared connection and says how to answer
/// it: `Ok` to keep the work, `Err` to roll it back.
pub(super) type Job = Box<dyn FnOnce(&mut AnyConnection) -> Result<Completion, Completion> + Send>;

/// The savepoint around each job. After a job, releasing it and setting
/// the next one is one round trip; after a rollback the savepoint stays,
/// ready for the next job.
const SAVEPOINT: &str = "SAVEPOINT grouped_job";
const RELEASE_AND_NEXT: &str = "RELEASE SAVEPOINT grouped_job; SAVEPOINT grouped_job";
const RELEASE: &str = "RELEASE SAVEPOINT grouped_job";
const ROLLBACK_JOB: &str = "ROLLBACK TO SAVEPOINT grouped_job";

/// Jobs one transaction takes at most.
const BATCH_MAX: usize = 64;
/// Transactions in flight at once: one collects while another commits.
const WORKERS: usize = 2;

pub(super) struct GroupCommit {
    queue: Mutex<Sender<Job>>,
}

impl GroupCommit {
    /// Starts the workers; they stop when this is dropped. `writer` is
    /// SQLite's one-writer-at-a-time lock, held for each shared transaction.
    pub(super) fn start(
        pool: Pool<AnyConnectionManager>,
        writer: Option<Arc<Mutex<()>>>,
    ) -> GroupCommit {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..WORKERS {
            let (pool, rx, writer) = (pool.clone(), rx.clone(), writer.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("group-commit-{n}"))
                .spawn(move || work(&pool, &rx, writer.as_deref()));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a group-commit worker");
            }
        }
        GroupCommit {
            queue: Mutex::new(tx),
        }
    }

    pub(super) fn submit(&self, job: Job) -> Result<(), StoreError> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .send(job)
            .map_err(|_| StoreError::Unavailable("the group-commit workers stopped".into()))
    }
}

fn work(pool: &Pool<AnyConnectionManager>, rx: &Mutex<Receiver<Job>>, writer: Option<&Mutex<()>>) {
    loop {
        let batch = {
            let rx = rx.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let Ok(first) = rx.recv() else {
                return; // every sender is gone: the Db was dropped
            };
            let mut batch = vec![first];
            while batch.len() < BATCH_MAX {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        // A poisoned lock only means another writer panicked; its
        // transaction was rolled back, so the database is fine.
        let _turn = writer.map(|w| w.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        run(pool, batch);
    }
}

/// One transaction for the batch; every job in its own savepoint. A job
/// that panics fails the whole batch (its callers hear an error) but not
/// the worker.
fn run(pool: &Pool<AnyConnectionManager>, batch: Vec<Job>) {
    // Each caller's answer, and the error that undid its job alone if any.
    let mut answers: Vec<(Completion, Option<String>)> = Vec::with_capacity(batch.len());
    let outcome = match pool.get() {
        Ok(mut conn) => {
            let conn: &mut AnyConnection = &mut conn;
            let last = batch.len().saturating_sub(1);
            // The first savepoint goes with the BEGIN.
            write_transaction_opening::<(), StoreError, _>(conn, Some(SAVEPOINT), |c| {
                for (i, job) in batch.into_iter().enumerate() {
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(c)));
                    let Ok(ran) = ran else {
                        return Err(StoreError::Database("a job panicked".into()));
                    };
                    match ran {
                        Ok(done) => {
                            // Releasing fails when the job ignored an error
                            // PostgreSQL aborted on: then it is undone alone
                            // (a commit would silently roll back everything).
                            let release = if i == last { RELEASE } else { RELEASE_AND_NEXT };
                            match c.batch_execute(release) {
                                Ok(()) => answers.push((done, None)),
                                Err(e) => {
                                    c.batch_execute(ROLLBACK_JOB)?;
                                    answers.push((done, Some(e.to_string())));
                                }
                            }
                        }
                        Err(done) => {
                            // Also clears PostgreSQL's aborted state after a
                            // refused statement.
                            c.batch_execute(ROLLBACK_JOB)?;
                            answers.push((done, None));
                        }
                    }
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
        }
        // The jobs never ran; dropping them tells their callers.
        Err(e) => Err(e.to_string()),
    };
    for (done, undone) in answers {
        done(match undone {
            Some(e) => Err(e),
            None => outcome.clone(),
        });
    }
}
