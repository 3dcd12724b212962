//! The application state: ONE struct shared by every handler.

use crate::error::{ApiError, ErrorCode};
use crate::loaded::{IndexSource, LoadedIndex};
use crate::metrics::Metrics;
use arc_swap::ArcSwapOption;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use yalu_match::MatchConfig;
use yalu_store::Store;

/// Limits that protect the server from oversized or too many requests.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Most queries in one `/match` request.
    pub max_batch: usize,
    /// Longest a request may take before it is answered with
    /// `request_timeout`.
    pub request_timeout: Duration,
    /// Screening requests (match, search) whose CPU work runs at once.
    pub max_concurrent: usize,
    /// Screening requests that may wait for one of those slots. One more
    /// (beyond `max_concurrent + max_queued` admitted) is answered 503
    /// `overloaded` with `Retry-After` at once, before its API key is
    /// checked, so an overload is shed at the door instead of queueing.
    pub max_queued: usize,
    /// Workbench reads (lists, case pages, audit, dashboard) that hold a
    /// blocking thread for the store at once; more wait, without a thread,
    /// for one of these. A few suffice: a SQLite store reads on three
    /// connections, a PostgreSQL one on one.
    pub max_store_reads: usize,
    /// Workbench writes (imports, review actions) that hold a blocking
    /// thread for the store at once. They have slots of their own, so they
    /// never queue behind slow reads, and enough of them that writes
    /// arriving together reach the store's writer together and share a
    /// commit. The blocking pool has room for every read, write and
    /// screening slot, so workbench requests waiting on the store's
    /// commits never take the threads screening runs on.
    pub max_store_writes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1 << 20,
            max_batch: 100,
            request_timeout: Duration::from_secs(30),
            max_concurrent: 64,
            max_queued: 128,
            max_store_reads: 4,
            max_store_writes: 16,
        }
    }
}

/// Scorer defaults applied when a request does not set them.
#[derive(Debug, Clone)]
pub struct MatchDefaults {
    /// The scorer configuration (its `threshold` is the default threshold).
    pub config: MatchConfig,
    /// Results per query when `limit` is absent.
    pub limit: usize,
}

impl Default for MatchDefaults {
    fn default() -> Self {
        MatchDefaults {
            config: MatchConfig::default(),
            limit: 5,
        }
    }
}

/// Who may call the API.
#[derive(Clone)]
pub enum Auth {
    /// Every endpoint but `/healthz` and `/readyz` needs a key from the store.
    Keys(Arc<Store>),
    /// No checks at all (`--no-auth`, local demos only).
    Disabled,
}

/// Everything the handlers share. Built once by [`crate::start`].
pub struct AppState {
    /// The index being served; `None` until the first load succeeds. A
    /// reload stores a new `Arc` atomically; requests that loaded the old
    /// one finish on it.
    pub index: ArcSwapOption<LoadedIndex>,
    /// Where the index is (re)built from.
    pub source: IndexSource,
    /// API keys, or no checks.
    pub auth: Auth,
    /// Body, batch, time and concurrency limits.
    pub limits: Limits,
    /// Scorer defaults.
    pub defaults: MatchDefaults,
    /// Permits for screening requests admitted at once, running or waiting
    /// (`limits.max_concurrent + limits.max_queued`).
    pub admission: Arc<Semaphore>,
    /// Permits for concurrent screening work (`limits.max_concurrent`).
    pub screening: Arc<Semaphore>,
    /// Permits for workbench reads using the store at once
    /// (`limits.max_store_reads`).
    pub store_reads: Arc<Semaphore>,
    /// Permits for workbench writes using the store at once
    /// (`limits.max_store_writes`).
    pub store_writes: Arc<Semaphore>,
    /// Held while a reload runs, so reloads never overlap.
    pub reloading: Mutex<()>,
    /// The one thread that builds every index.
    pub index_thread: IndexThread,
    /// Prometheus counters and histograms.
    pub metrics: Metrics,
    /// Cases and the audit log (the key store unless set apart); `None`
    /// answers the case routes with `cases_unavailable`.
    pub cases: Option<Arc<Store>>,
}

impl AppState {
    /// The state of a server that has loaded no index yet, its semaphores
    /// sized from `limits`; the case store is the key store with
    /// `Auth::Keys`, none with `Auth::Disabled` (`start` may set another).
    pub fn new(source: IndexSource, auth: Auth, limits: Limits, defaults: MatchDefaults) -> Self {
        AppState {
            index: ArcSwapOption::const_empty(),
            source,
            admission: Arc::new(Semaphore::new(
                limits.max_concurrent.max(1) + limits.max_queued,
            )),
            screening: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            store_reads: Arc::new(Semaphore::new(limits.max_store_reads.max(1))),
            store_writes: Arc::new(Semaphore::new(limits.max_store_writes.max(1))),
            limits,
            defaults,
            reloading: Mutex::new(()),
            index_thread: IndexThread::default(),
            metrics: Metrics::default(),
            cases: match &auth {
                Auth::Keys(store) => Some(store.clone()),
                Auth::Disabled => None,
            },
            auth,
        }
    }

    /// The current index, or `index_not_ready`.
    pub fn current_index(&self) -> Result<Arc<LoadedIndex>, ApiError> {
        self.index.load_full().ok_or_else(|| {
            ApiError::new(
                ErrorCode::IndexNotReady,
                "the index is still loading; retry shortly",
            )
        })
    }

    /// Admission of one screening request, or `overloaded` when as many
    /// as the limits allow are already running or waiting.
    pub fn admit_screening(&self) -> Result<ScreeningSlot, ApiError> {
        let admitted = self.admission.clone().try_acquire_owned().map_err(|_| {
            ApiError::new(
                ErrorCode::Overloaded,
                format!(
                    "{} screening requests are running and {} waiting; retry later",
                    self.limits.max_concurrent, self.limits.max_queued
                ),
            )
        })?;
        Ok(ScreeningSlot {
            admitted: Arc::new(std::sync::Mutex::new(Some(admitted))),
            running: self.screening.clone(),
        })
    }
}

/// A screening request's admission, taken by the admission layer
/// (`admit_screening` in `middleware.rs`) before the API key is checked
/// and carried to the handler as a request extension.
///
/// The handler waits for one of the `max_concurrent` running slots
/// ([`ScreeningSlot::run`]) and moves both permits into its blocking task,
/// so they stay taken until the CPU work ends even if the client has gone;
/// a request that never gets that far gives its admission back when it
/// ends.
#[derive(Clone)]
pub struct ScreeningSlot {
    admitted: Arc<std::sync::Mutex<Option<OwnedSemaphorePermit>>>,
    running: Arc<Semaphore>,
}

/// The permits a running screening task holds (dropped when it ends).
pub struct RunningSlot {
    _admitted: Option<OwnedSemaphorePermit>,
    _running: OwnedSemaphorePermit,
}

impl ScreeningSlot {
    /// Waits for a running slot (bounded by the request time limit).
    pub async fn run(&self) -> Result<RunningSlot, ApiError> {
        let running =
            self.running.clone().acquire_owned().await.map_err(|_| {
                ApiError::new(ErrorCode::Internal, "the screening slots were closed")
            })?;
        let admitted = self
            .admitted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        Ok(RunningSlot {
            _admitted: admitted,
            _running: running,
        })
    }
}

/// What a successful reload did.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReloadReport {
    /// Always `ok`.
    pub status: &'static str,
    /// Entities in the new index.
    pub entities: usize,
    /// Datasets in the new index.
    pub datasets: Vec<String>,
    /// The new catalog version.
    pub version: String,
    /// Seconds the build took.
    pub seconds: f64,
}

/// Builds a new index from the source beside the current one and swaps it
/// in. On failure the current index stays and the error says why.
pub async fn reload(state: &Arc<AppState>) -> Result<ReloadReport, ApiError> {
    let _guard = state
        .reloading
        .try_lock()
        .map_err(|_| ApiError::new(ErrorCode::ReloadInProgress, "a reload is already running"))?;
    let outcome = state.index_thread.build(state.source.clone()).await;
    let loaded = match outcome {
        Ok(Ok(loaded)) => loaded,
        Ok(Err(e)) => {
            state.metrics.record_reload(false, 0.0, None);
            tracing::error!(error = %e, "reload failed; still serving the previous index");
            return Err(ApiError::new(
                ErrorCode::ReloadFailed,
                format!("reload failed, the previous index is still served: {e}"),
            ));
        }
        Err(gone) => {
            state.metrics.record_reload(false, 0.0, None);
            tracing::error!(error = %gone, "reload task failed");
            return Err(ApiError::new(
                ErrorCode::ReloadFailed,
                "reload failed unexpectedly, the previous index is still served",
            ));
        }
    };
    let report = ReloadReport {
        status: "ok",
        entities: loaded.lists.index.len(),
        datasets: loaded.datasets.keys().cloned().collect(),
        version: loaded.version.clone(),
        seconds: loaded.build_seconds,
    };
    state
        .metrics
        .record_reload(true, loaded.build_seconds, Some(loaded.lists.index.len()));
    let old = state.index.swap(Some(Arc::new(loaded)));
    if let Some(old) = old {
        let wait = state.limits.request_timeout;
        tokio::task::spawn_blocking(move || release_index(old, wait));
    }
    tracing::info!(
        entities = report.entities,
        seconds = report.seconds,
        version = %report.version,
        "index loaded"
    );
    Ok(report)
}

/// The one thread that builds every index: the first load and each reload.
///
/// glibc's allocator gives each thread an arena. When reloads ran on
/// whichever blocking thread was free, the entities read from the lists
/// (which the index keeps) landed in an arena that also served requests;
/// freed with the old index, they left holes that request allocations
/// pinned, and the server's RSS grew by about 2 MiB per reload under
/// traffic without levelling off (docs/reliability.md, "Load and soak").
/// This thread serves no request, so each index reuses the space of the one
/// before it. (The index's own tables are built on rayon's pool, whose
/// threads also serve no request.)
#[derive(Default)]
pub struct IndexThread {
    jobs: std::sync::Mutex<Option<std::sync::mpsc::Sender<IndexJob>>>,
}

type IndexJob = (
    IndexSource,
    tokio::sync::oneshot::Sender<Result<LoadedIndex, crate::loaded::LoadError>>,
);

/// The index thread could not run a build (it could not be started, or the
/// build panicked).
#[derive(Debug, thiserror::Error)]
#[error("the index thread {0}")]
pub struct IndexThreadGone(&'static str);

impl IndexThread {
    /// Builds the index from `source` on the index thread (started on first
    /// use) and waits for it without blocking an async worker.
    pub async fn build(
        &self,
        source: IndexSource,
    ) -> Result<Result<LoadedIndex, crate::loaded::LoadError>, IndexThreadGone> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
            let sender = match jobs.as_ref() {
                Some(sender) => sender.clone(),
                None => {
                    let sender = Self::spawn().map_err(|_| IndexThreadGone("could not start"))?;
                    *jobs = Some(sender.clone());
                    sender
                }
            };
            sender
                .send((source, reply))
                .map_err(|_| IndexThreadGone("has stopped"))?;
        }
        answer
            .await
            .map_err(|_| IndexThreadGone("panicked while building the index"))
    }

    fn spawn() -> std::io::Result<std::sync::mpsc::Sender<IndexJob>> {
        let (tx, rx) = std::sync::mpsc::channel::<IndexJob>();
        // The build's parallel parts run on a pool of their own, at the
        // same low priority as this thread: a reload is background work and
        // must not take the cores from the requests it serves beside
        // (docs/reliability.md, "Load and soak").
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("yalu-index-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .map_err(std::io::Error::other)?;
        std::thread::Builder::new()
            .name("yalu-index".into())
            .spawn(move || {
                lower_priority();
                // Ends when the state (the last sender) is dropped.
                for (source, reply) in rx {
                    // A panicking build drops `reply` (the caller reports
                    // it) and leaves the thread serving the next job.
                    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        pool.install(|| source.load())
                    }));
                    if let Ok(built) = built {
                        let _ = reply.send(built);
                    }
                }
            })?;
        Ok(tx)
    }
}

/// The nice value of the threads that build indexes: they yield the CPU to
/// request threads (nice 0) when both want it, and run at full speed when
/// the server is idle.
const INDEX_BUILD_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority to
/// [`INDEX_BUILD_NICE`]. On Linux the nice value belongs to the thread, so
/// request threads keep theirs. Failure (a sandbox that forbids it) leaves
/// the thread at its priority, which is safe.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: setpriority with `who = 0` changes only the calling thread's
    // nice value on Linux; it touches no memory of ours.
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, INDEX_BUILD_NICE) };
    if rc != 0 {
        tracing::debug!(
            error = %std::io::Error::last_os_error(),
            "could not lower the index build's priority"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Drops a replaced index once the requests still using it are done (at
/// most `wait`), then hands the freed memory back to the system.
///
/// glibc keeps freed pages inside its arenas; without the trim the server's
/// RSS grew by 30-50 MiB per reload under traffic (the soak test,
/// `crates/yalu/tests/soak.rs`, docs/reliability.md). The trim matters
/// where the process allocates with glibc (the Python module); the `yalu`
/// binary allocates with mimalloc, which returns freed pages itself, and
/// there the trim finds little to do.
fn release_index(old: Arc<LoadedIndex>, wait: Duration) {
    let start = std::time::Instant::now();
    while Arc::strong_count(&old) > 1 && start.elapsed() < wait {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(old);
    trim_allocator();
}

/// Returns free heap pages of every malloc arena to the system (glibc).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_allocator() {
    // SAFETY: malloc_trim only releases memory that is already free; it
    // takes the arena locks itself and may be called from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_allocator() {}
