//! Group commit: review actions that arrive while a commit is under way
//! share the next transaction and its one commit.
//!
//! A commit is the expensive part of a review action: SQLite in WAL mode
//! (`synchronous=FULL`) and PostgreSQL both flush their log to disk before
//! a commit returns, and each action used to pay that flush alone, holding
//! the store's one connection meanwhile. Here every write goes to one
//! writer thread per store. The writer takes the first waiting write and
//! every other one already queued (at most [`MAX_BATCH`]), opens one write
//! transaction, runs each in a savepoint of its own, and commits once:
//!
//! - a write that fails (a refused transition, a bad import, a database
//!   error) is rolled back to its savepoint and answered with its error;
//!   the writes before and after it in the batch are not affected;
//! - the writes of one batch run one after another on one connection, so
//!   each sees what the ones before it did, exactly as if they had been
//!   committed one by one in that order (ids and audit sequence numbers
//!   taken as `MAX + 1` stay without gaps);
//! - a caller gets its answer only after the batch's commit succeeded; if
//!   the commit fails, every write of the batch gets the error and none is
//!   acknowledged. An acknowledged write is as durable as a write committed
//!   alone.
//!
//! When writes come one at a time the batch is one write and nothing waits:
//! the writer never delays a commit to gather more.

use crate::StoreError;
use crate::db::{Conn, Sql, lock};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// Most writes in one transaction: bounds how long readers of the same
/// connection wait for a batch.
pub(crate) const MAX_BATCH: usize = 32;

/// What the writer does with one write once its batch ran: deliver the
/// outcome, given whether the batch committed.
type Deliver = Box<dyn FnOnce(Result<(), &str>) + Send>;

/// Runs a write (inside its savepoint); says whether it succeeded and how
/// to deliver its outcome once the batch's fate is known.
type Work = Box<dyn FnOnce(&mut dyn Sql) -> (bool, Deliver) + Send>;

/// One write waiting for the writer.
pub(crate) struct Job {
    work: Work,
    /// Answers the caller when the write could not even be run.
    abandon: Box<dyn FnOnce(&str) + Send>,
}

/// The writer thread of one store, started on the first write. It ends
/// when the store is dropped (its queue closes).
#[derive(Default)]
pub(crate) struct GroupWriter {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    stats: Arc<Counters>,
}

/// Writes and commits so far (see [`crate::Store::write_stats`]).
#[derive(Default)]
struct Counters {
    writes: AtomicU64,
    commits: AtomicU64,
}

/// How many writes the store's writer ran and in how many transactions
/// (commits, failed ones included): `writes / commits` is the mean batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Writes run by the writer thread since the store was opened.
    pub writes: u64,
    /// Transactions they were committed in (failed ones included).
    pub commits: u64,
}

impl GroupWriter {
    /// Queues `f` for the writer and waits for its committed outcome.
    pub(crate) fn write<T, F>(&self, conn: &Arc<Conn>, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut dyn Sql) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel::<Result<T, StoreError>>(1);
        let abandon_reply = reply.clone();
        let job = Job {
            work: Box::new(move |db| {
                let result = f(db);
                let ok = result.is_ok();
                let deliver: Deliver = Box::new(move |commit| {
                    let outcome = match (result, commit) {
                        (Err(e), _) => Err(e),
                        (Ok(v), Ok(())) => Ok(v),
                        (Ok(_), Err(why)) => Err(StoreError::NotCommitted(why.to_string())),
                    };
                    let _ = reply.send(outcome);
                });
                (ok, deliver)
            }),
            abandon: Box::new(move |why| {
                let _ = abandon_reply.send(Err(StoreError::NotCommitted(why.to_string())));
            }),
        };
        self.submit(conn, job)?;
        answer.recv().unwrap_or_else(|_| {
            Err(StoreError::NotCommitted(
                "the write failed unexpectedly (a bug); it was rolled back".to_string(),
            ))
        })
    }

    pub(crate) fn stats(&self) -> WriteStats {
        WriteStats {
            writes: self.stats.writes.load(Ordering::Relaxed),
            commits: self.stats.commits.load(Ordering::Relaxed),
        }
    }

    fn submit(&self, conn: &Arc<Conn>, job: Job) -> Result<(), StoreError> {
        let mut queue = lock(&self.queue);
        if queue.is_none() {
            *queue = Some(spawn(conn.clone(), self.stats.clone())?);
        }
        let sender = queue.as_ref().expect("just started");
        if let Err(mpsc::SendError(job)) = sender.send(job) {
            // The writer thread is gone (it cannot end while the store
            // lives, short of a bug): start a new one for this write.
            *queue = Some(spawn(conn.clone(), self.stats.clone())?);
            queue
                .as_ref()
                .expect("just started")
                .send(job)
                .map_err(|_| StoreError::NotCommitted("the store's writer stopped".into()))?;
        }
        Ok(())
    }
}

fn spawn(conn: Arc<Conn>, stats: Arc<Counters>) -> Result<mpsc::Sender<Job>, StoreError> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("yalu-store-writer".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                stats
                    .writes
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                run_batch(&conn, batch);
                stats.commits.fetch_add(1, Ordering::Relaxed);
            }
        })
        .map_err(|e| StoreError::NotCommitted(format!("cannot start the store's writer: {e}")))?;
    Ok(tx)
}

/// Runs one batch in one transaction and delivers every outcome.
fn run_batch(conn: &Conn, jobs: Vec<Job>) {
    let begin = conn.begin_write();
    let mut delivered: Vec<Deliver> = Vec::with_capacity(jobs.len());
    let mut pending = jobs.into_iter();
    // The connection stays locked from BEGIN to COMMIT, so no reader on it
    // ever sees a write that is not committed yet.
    let commit: Result<(), String> = conn
        .run(|db| {
            if let Err(e) = db.batch(begin) {
                let _ = db.batch("ROLLBACK");
                return Err(e);
            }
            let mut broken: Option<String> = None;
            for job in pending.by_ref() {
                if let Some(why) = &broken {
                    (job.abandon)(why);
                    continue;
                }
                if let Err(e) = db.batch("SAVEPOINT yalu_write") {
                    broken = Some(e.to_string());
                    (job.abandon)(&e.to_string());
                    continue;
                }
                let work = job.work;
                let db_ref: &mut dyn Sql = &mut *db;
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(db_ref)));
                let ok = match ran {
                    Ok((ok, deliver)) => {
                        delivered.push(deliver);
                        ok
                    }
                    // The caller sees its reply channel close.
                    Err(_) => false,
                };
                let end = if ok {
                    "RELEASE SAVEPOINT yalu_write"
                } else {
                    "ROLLBACK TO SAVEPOINT yalu_write; RELEASE SAVEPOINT yalu_write"
                };
                if let Err(e) = db.batch(end) {
                    broken = Some(e.to_string());
                }
            }
            match broken {
                None => db.batch("COMMIT").inspect_err(|_| {
                    let _ = db.batch("ROLLBACK");
                }),
                Some(why) => {
                    let _ = db.batch("ROLLBACK");
                    Err(StoreError::NotCommitted(why))
                }
            }
        })
        .map_err(|e| e.to_string());
    // Jobs never started (BEGIN failed, or the connection could not be had).
    if let Err(why) = &commit {
        for job in pending {
            (job.abandon)(why);
        }
    }
    for deliver in delivered {
        deliver(commit.as_ref().map(|_| ()).map_err(String::as_str));
    }
}
