//! API-key checks: `Authorization: Bearer KEY` or `Authorization: ApiKey KEY`.
//!
//! The key store is read on every request (one indexed row), so a key
//! created or revoked while the server runs takes effect at once.

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
    pub role: Role,
    /// The key's label, if it has one.
    pub label: Option<String>,
}

pub async fn require_screener(
    state: State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    authorize(state, Role::Screener, req, next).await
}

pub async fn require_analyst(
    state: State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    authorize(state, Role::Analyst, req, next).await
}

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
            let key = presented_key(&req)?.to_string();
            let store = store.clone();
            // Off the async workers: the PostgreSQL client blocks.
            let verified = tokio::task::spawn_blocking(move || store.keys().verify(&key))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()))
                .map_err(|e| {
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
