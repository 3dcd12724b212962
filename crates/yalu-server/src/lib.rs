//! # yalu-server
//!
//! The screening API behind `yalu serve`: yente 5.5's endpoints and JSON
//! shapes (`POST /match/{dataset}`, `GET /search/{dataset}`,
//! `GET /entities/{id}`, `/catalog`, `/algorithms`), API keys with roles,
//! hardening limits, zero-downtime reloads, Prometheus metrics and an
//! OpenAPI document. Engine crates know nothing of HTTP; this crate only
//! parses requests, calls `yalu-match` and renders answers.
//!
//! ## Tutorial
//!
//! Start a server on an ephemeral port over a list, with no key checks, and
//! screen one name (a real HTTP client would do the same over the socket):
//!
//! ```
//! use yalu_server::{Auth, IndexSource, ServerOptions};
//!
//! # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/lists/ofac-sample");
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let options = ServerOptions {
//!     bind: "127.0.0.1:0".parse().unwrap(),
//!     source: IndexSource { lists: vec![demo.into()], strict: false },
//!     auth: Auth::Disabled,
//!     ..ServerOptions::default()
//! };
//! let mut server = yalu_server::start(options).await?;
//! let report = server.wait_ready().await?; // the index loads in the background
//! assert_eq!(report.entities, 10);
//! println!("POST http://{}/match/default", server.addr);
//! server.shutdown().await;
//! # Ok::<(), yalu_server::ServerError>(())
//! # }).unwrap();
//! ```
//!
//! With keys, pass `Auth::Keys(Arc::new(yalu_store::Store::open(path)?))`;
//! `yalu keys create --role screener` prints a key, sent as
//! `Authorization: Bearer KEY`.
//!
//! ## Layout
//!
//! The modules are private; what other crates use is re-exported here.
//!
//! - `router.rs`: every route and the role it needs (with `middleware.rs`,
//!   the layers every request goes through);
//! - [`AppState`] (`state.rs`): the one struct of shared state;
//! - [`ErrorCode`] (`error.rs`): the one table of stable error codes;
//! - `handlers/`: parse, call, render, one file per group of routes;
//! - `api.rs`: the wire types of the yente-compatible routes
//!   ([`MatchRequest`], [`EntityMatches`], [`ScoredEntity`] ...);
//! - `loaded.rs`: building the index from lists ([`LoadedIndex`]);
//!   [`reload`] swaps it;
//! - `openapi.rs`: the OpenAPI document ([`openapi_document`]).

mod api;
mod auth;
mod error;
mod handlers;
mod loaded;
mod metrics;
mod middleware;
mod openapi;
mod openapi_exact;
mod params;
mod router;
mod state;
mod ui;

pub use api::{
    AlgorithmModel, AlgorithmsResponse, CatalogResponse, CleanedExample, DatasetModel,
    EntityExample, EntityMatches, EntityResponse, FeatureExplanation, LinkedListed, MatchRequest,
    MatchResponse, QueryWarning, ScoredEntity, SearchFacet, SearchFacetItem, SearchResponse,
    SearchResultEntity, StatusResponse, TotalSpec,
};
pub use auth::Caller;
pub use error::{ApiError, ErrorBody, ErrorCode, RETRY_AFTER_SECS};
pub use handlers::matching::{
    DEFAULT_CUTOFF, MAX_LIMIT, ParsedMatch, parse_match_body, query_entity,
};
pub use loaded::{DEFAULT_DATASET, DatasetInfo, IndexSource, LoadError, LoadedIndex};
pub use metrics::Metrics;
pub use openapi::document as openapi_document;
pub use state::{AppState, Auth, Limits, MatchDefaults, ReloadReport, reload};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Everything `yalu serve` configures.
pub struct ServerOptions {
    /// The address and port to listen on (port 0: any free port, see
    /// [`RunningServer::addr`]); `127.0.0.1:8000` by default.
    pub bind: SocketAddr,
    /// The lists the index is built from, at start and on each reload.
    pub source: IndexSource,
    /// API keys, or no checks.
    pub auth: Auth,
    /// Body, batch, time and concurrency limits.
    pub limits: Limits,
    /// Scorer settings and result count used when a request sets none.
    pub defaults: MatchDefaults,
    /// Re-read the lists on this schedule.
    pub refresh_every: Option<Duration>,
    /// Reload on SIGHUP (Unix).
    pub reload_on_sighup: bool,
    /// The case store; `None` uses the key store (with `Auth::Keys`), or
    /// leaves the case routes unavailable (with `Auth::Disabled`).
    pub case_store: Option<Arc<yalu_store::Store>>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            source: IndexSource {
                lists: Vec::new(),
                strict: false,
            },
            auth: Auth::Disabled,
            limits: Limits::default(),
            defaults: MatchDefaults::default(),
            refresh_every: None,
            reload_on_sighup: false,
            case_store: None,
        }
    }
}

/// Why a server could not start or stopped with a failure.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address cannot be listened on (in use, not ours, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The Tokio runtime of [`run`] could not be built.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// Serving failed after the start (an I/O error, or the serving task
    /// ended abnormally).
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    /// The first index load failed (the detail says which list and why).
    #[error("loading the index failed: {0}")]
    InitialLoad(String),
    /// The key store's keys could not be read before serving.
    #[error("cannot read the API keys: {0}")]
    Keys(String),
}

/// A server running on the current Tokio runtime.
pub struct RunningServer {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    /// The state its handlers share (the index, metrics, limits).
    pub state: Arc<AppState>,
    initial_load: JoinHandle<Result<ReloadReport, ApiError>>,
    shutdown: oneshot::Sender<()>,
    serving: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Waits for the first index load. The server answers (503 on
    /// `/readyz`) while it runs.
    pub async fn wait_ready(&mut self) -> Result<ReloadReport, ServerError> {
        match (&mut self.initial_load).await {
            Ok(Ok(report)) => Ok(report),
            Ok(Err(e)) => Err(ServerError::InitialLoad(e.detail)),
            Err(e) => Err(ServerError::InitialLoad(e.to_string())),
        }
    }

    /// Stops accepting connections, lets running requests finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.serving.await;
    }

    /// Serves until `stop` resolves, then shuts down gracefully.
    pub async fn serve_until(
        self,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), ServerError> {
        tokio::select! {
            _ = stop => {
                let _ = self.shutdown.send(());
                match self.serving.await {
                    Ok(r) => r.map_err(ServerError::Serve),
                    Err(e) => Err(ServerError::Serve(std::io::Error::other(e))),
                }
            }
        }
    }
}

/// Binds, starts serving at once, and loads the index in the background
/// (`/readyz` answers 503 until it is in).
pub async fn start(options: ServerOptions) -> Result<RunningServer, ServerError> {
    let (listener, addr) = listen(options.bind).await?;
    let mut state = AppState::new(
        options.source,
        options.auth,
        options.limits,
        options.defaults,
    );
    if let Some(store) = options.case_store {
        state.cases = Some(store);
    }
    prepare_keys(&state.auth).await?;
    let state = Arc::new(state);
    let initial_load = tokio::spawn({
        let state = state.clone();
        async move { reload(&state).await }
    });
    if let Some(every) = options.refresh_every {
        reload_on_schedule(state.clone(), every);
    }
    #[cfg(unix)]
    if options.reload_on_sighup {
        reload_on_hangup(state.clone());
    }
    let (shutdown, serving) = serve(listener, router::router(state.clone()));
    Ok(RunningServer {
        addr,
        state,
        initial_load,
        shutdown,
        serving,
    })
}

/// Binds `bind`; the listener and the address actually bound.
async fn listen(bind: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), ServerError> {
    let failed = |source| ServerError::Bind { addr: bind, source };
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(failed)?;
    let addr = listener.local_addr().map_err(failed)?;
    Ok((listener, addr))
}

/// Loads the in-memory copy of the keys and starts following the store
/// before the first request, off the async workers (nothing to do without
/// keys).
async fn prepare_keys(auth: &Auth) -> Result<(), ServerError> {
    if let Auth::Keys(store) = auth {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.keys().prepare())
            .await
            .map_err(|e| ServerError::Keys(e.to_string()))?
            .map_err(|e| ServerError::Keys(e.to_string()))?;
    }
    Ok(())
}

/// Re-reads the lists every `every` (the first time one period after the
/// start); a failed refresh is logged and the served index kept.
fn reload_on_schedule(state: Arc<AppState>, every: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is immediate
        loop {
            ticks.tick().await;
            tracing::info!("scheduled refresh");
            if let Err(e) = reload(&state).await {
                tracing::warn!(error = %e, "scheduled refresh failed");
            }
        }
    });
}

/// Re-reads the lists on each SIGHUP; a failed reload is logged and the
/// served index kept.
#[cfg(unix)]
fn reload_on_hangup(state: Arc<AppState>) {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::hangup()) {
        Ok(mut hup) => {
            tokio::spawn(async move {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading");
                    if let Err(e) = reload(&state).await {
                        tracing::warn!(error = %e, "reload on SIGHUP failed");
                    }
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "cannot listen for SIGHUP"),
    }
}

/// Serves `app` on `listener` until the returned sender is used (or
/// dropped), then lets running requests finish.
fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
) -> (oneshot::Sender<()>, JoinHandle<std::io::Result<()>>) {
    let (tx, rx) = oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    (tx, serving)
}

/// Runs a server to completion on its own runtime: binds, reports the
/// address through `on_listening`, fails if the first load fails, and stops
/// gracefully on Ctrl-C or SIGTERM.
pub fn run(
    options: ServerOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    // Room for every screening slot, every workbench read and write slot,
    // and a few more (reloads, releasing an old index).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(
            options.limits.max_concurrent.max(1)
                + options.limits.max_store_reads.max(1)
                + options.limits.max_store_writes.max(1)
                + 4,
        )
        .build()
        .map_err(ServerError::Runtime)?;
    runtime.block_on(async move {
        let mut server = start(options).await?;
        on_listening(server.addr);
        if let Err(e) = server.wait_ready().await {
            server.shutdown().await;
            return Err(e);
        }
        server.serve_until(stop_signal()).await
    })
}

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}
