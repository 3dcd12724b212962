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
    /// Screening requests (match, search) running at once; one more is
    /// answered 503 `overloaded` with `Retry-After`.
    pub max_concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1 << 20,
            max_batch: 100,
            request_timeout: Duration::from_secs(30),
            max_concurrent: 64,
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
    /// Permits for concurrent screening work (`limits.max_concurrent`).
    pub screening: Arc<Semaphore>,
    /// Held while a reload runs, so reloads never overlap.
    pub reloading: Mutex<()>,
    /// Prometheus counters and histograms.
    pub metrics: Metrics,
    /// Cases and the audit log (the key store unless set apart); `None`
    /// answers the case routes with `cases_unavailable`.
    pub cases: Option<Arc<Store>>,
}

impl AppState {
    pub fn new(source: IndexSource, auth: Auth, limits: Limits, defaults: MatchDefaults) -> Self {
        AppState {
            index: ArcSwapOption::const_empty(),
            source,
            screening: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            limits,
            defaults,
            reloading: Mutex::new(()),
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

    /// A screening slot, or `overloaded` when all are taken. The permit is
    /// moved into the blocking task so the slot stays taken until the CPU
    /// work ends, even if the client has gone.
    pub fn screening_permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.screening.clone().try_acquire_owned().map_err(|_| {
            ApiError::new(
                ErrorCode::Overloaded,
                format!(
                    "all {} screening slots are busy; retry later",
                    self.limits.max_concurrent
                ),
            )
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
    let source = state.source.clone();
    let outcome = tokio::task::spawn_blocking(move || source.load()).await;
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
        Err(join) => {
            state.metrics.record_reload(false, 0.0, None);
            tracing::error!(error = %join, "reload task failed");
            return Err(ApiError::new(
                ErrorCode::ReloadFailed,
                "reload failed unexpectedly, the previous index is still served",
            ));
        }
    };
    let report = ReloadReport {
        status: "ok",
        entities: loaded.index.len(),
        datasets: loaded.datasets.keys().cloned().collect(),
        version: loaded.version.clone(),
        seconds: loaded.build_seconds,
    };
    state
        .metrics
        .record_reload(true, loaded.build_seconds, Some(loaded.index.len()));
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

/// Drops a replaced index once the requests still using it are done (at
/// most `wait`), then hands the freed memory back to the system.
///
/// Each reload builds its index on whichever blocking thread runs it, so in
/// glibc's allocator it lands in that thread's arena; the freed old index
/// leaves holes in another arena that glibc keeps. Without the trim the
/// server's RSS grew by 30-50 MiB per reload under traffic (the soak test,
/// `crates/yalu/tests/soak.rs`); with it, by about 2 MiB (docs/reliability.md).
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
