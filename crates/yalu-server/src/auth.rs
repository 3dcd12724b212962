//! API-key checks: `Authorization: Bearer KEY` or `Authorization: ApiKey KEY`.
//!
//! Keys are checked against the store's in-memory copy of them
//! ([`yalu_store::keys`]), on the request's own task: a check never waits
//! for the store's connection, its writes or their commits, and takes no
//! thread of the blocking pool. The copy follows the store: a key revoked
//! on this server fails on its next request; one revoked elsewhere (another
//! replica, `yalu keys revoke`) on the next request with a SQLite file and
//! within a second on PostgreSQL (`LISTEN`/`NOTIFY`).

use crate::error::{ApiError, ErrorCode};
use crate::state::{AppState, Auth};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use yalu_store::Role;

/// The caller, once authenticated (a request extension).
#[derive(Debug, Clone)]
pub struct Caller {
    /// Key id, or `anonymous` with `--no-auth`.
    pub key_id: String,
    /// What the key may do (admin with `--no-auth`).
    pub role: Role,
    /// The key's label, if it has one.
    pub label: Option<String>,
}

/// The key layer of the screening routes: a valid key of the screener
/// role or above, else 401 (no or unknown key) or 403 (a lower role).
pub async fn require_screener(
    state: State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    authorize(state, Role::Screener, req, next).await
}

/// The key layer of the workbench routes: a valid key of the analyst role
/// or above, else 401 (no or unknown key) or 403 (a lower role).
pub async fn require_analyst(
    state: State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    authorize(state, Role::Analyst, req, next).await
}

/// The key layer of the admin routes (reloads): a valid admin key, else 401
/// (no or unknown key) or 403 (a lower role).
pub async fn require_admin(
    state: State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    authorize(state, Role::Admin, req, next).await
}

async fn authorize(
    State(state): State<Arc<AppState>>,
    required: Role,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = match &state.auth {
        Auth::Disabled => Caller {
            key_id: "anonymous".to_string(),
            role: Role::Admin,
            label: None,
        },
        Auth::Keys(store) => {
            let key = presented_key(&req)?;
            // Memory only (a SQLite file adds one `PRAGMA data_version` on
            // a connection that never writes): no blocking pool needed.
            let verified = store.keys().verify(key).map_err(|e| {
                tracing::error!(error = %e, "key store unavailable");
                ApiError::new(
                    ErrorCode::StoreUnavailable,
                    "the key store could not be read",
                )
            })?;
            let Some(v) = verified else {
                return Err(ApiError::new(
                    ErrorCode::InvalidApiKey,
                    "the API key is malformed, unknown or revoked",
                ));
            };
            Caller {
                key_id: v.id,
                role: v.role,
                label: v.label,
            }
        }
    };
    if !caller.role.allows(required) {
        return Err(ApiError::new(
            ErrorCode::InsufficientRole,
            format!(
                "this endpoint needs the {required} role; key {} has {}",
                caller.key_id, caller.role
            ),
        ));
    }
    tracing::debug!(key_id = %caller.key_id, role = %caller.role, "authorised");
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

fn presented_key(req: &Request) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::new(
            ErrorCode::MissingApiKey,
            "send `Authorization: Bearer KEY` or `Authorization: ApiKey KEY`",
        )
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?
        .to_str()
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidApiKey,
                "the Authorization header is not ASCII",
            )
        })?;
    let (scheme, key) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !(scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey")) {
        return Err(missing());
    }
    Ok(key.trim())
}
