//! `POST /admin/reload` and the API keys: `GET /admin/keys`,
//! `POST /admin/keys`, `POST /admin/keys/{id}/revoke`.

use super::json_body;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::state::{AppState, Auth, ReloadReport, reload as reload_index};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::ToSchema;
use yalu_store::{Role, Store, StoreError};

/// Re-reads the configured lists, builds a new index beside the served one
/// and swaps it in atomically. Requests running during the build finish on
/// the old index; none fails. A failed build keeps the old index and says
/// why. Each server reloads its own lists: behind a load balancer, send
/// this to every replica, not to the balancer.
#[utoipa::path(
    post,
    path = "/admin/reload",
    tag = "admin",
    responses(
        (status = 200, body = ReloadReport),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "reload_in_progress"),
        (status = 500, body = ErrorBody, description = "reload_failed"),
    ),
    security(("api_key" = []))
)]
pub async fn reload(State(state): State<Arc<AppState>>) -> Result<Json<ReloadReport>, ApiError> {
    reload_index(&state).await.map(Json)
}

/// Runs `work` with the key store on the blocking pool (creating and
/// revoking write to the database).
async fn with_keys<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let Auth::Keys(store) = &state.auth else {
        return Err(ApiError::new(
            ErrorCode::KeysUnavailable,
            "this server runs without API keys (--no-auth)",
        ));
    };
    let store = store.clone();
    tokio::task::spawn_blocking(move || work(&store))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "key store task failed");
            ApiError::new(
                ErrorCode::Internal,
                "the key store task failed unexpectedly",
            )
        })?
}

fn key_store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownRole(_) => ApiError::new(ErrorCode::InvalidRequest, e.to_string()),
        e => {
            tracing::error!(error = %e, "key store failed");
            ApiError::new(
                ErrorCode::StoreUnavailable,
                "the key store could not be read or written",
            )
        }
    }
}

/// `GET /admin/keys`: every key (revoked ones too), never a secret.
#[utoipa::path(get, path = "/admin/keys", tag = "admin",
    responses((status = 200, description = "`{\"keys\": [{\"id\", \"role\", \"label\", \"created_at\", \"revoked_at\"}]}`", body = Object),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 500, body = ErrorBody, description = "store_unavailable"),
              (status = 503, body = ErrorBody, description = "keys_unavailable (`--no-auth`), request_timeout")),
    security(("api_key" = [])))]
pub async fn list_keys(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let keys = with_keys(&state, |store| store.keys().list().map_err(key_store_error)).await?;
    let keys: Vec<Value> = keys
        .into_iter()
        .map(|k| {
            json!({
                "id": k.id, "role": k.role.as_str(), "label": k.label,
                "created_at": k.created_at, "revoked_at": k.revoked_at,
            })
        })
        .collect();
    Ok(Json(json!({ "keys": keys })))
}

/// Body of `POST /admin/keys`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyBody {
    /// The key's role.
    #[schema(value_type = String, pattern = "^(screener|analyst|admin)$")]
    role: String,
    /// A label for people (blank: none).
    #[serde(default)]
    label: Option<String>,
}

/// `POST /admin/keys` `{"role", "label"?}`: a new key, shown once. It is
/// valid on this server when the answer is sent, and on every replica
/// sharing the database within a second.
#[utoipa::path(post, path = "/admin/keys", tag = "admin",
    request_body = CreateKeyBody,
    responses((status = 201, description = "`{\"id\", \"role\", \"label\", \"key\"}`: `key` is the only copy of the secret", body = Object),
              (status = 400, body = ErrorBody, description = "malformed_json, invalid_request"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 500, body = ErrorBody, description = "store_unavailable"),
              (status = 503, body = ErrorBody, description = "keys_unavailable (`--no-auth`), request_timeout")),
    security(("api_key" = [])))]
pub async fn create_key(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: CreateKeyBody = json_body(body)?;
    let role: Role = body
        .role
        .parse()
        .map_err(|e: StoreError| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let label = body
        .label
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let created = with_keys(&state, move |store| {
        store
            .keys()
            .create(role, label.as_deref())
            .map(|k| (k, label))
            .map_err(key_store_error)
    })
    .await?;
    let (key, label) = created;
    tracing::info!(key_id = %key.id, role = %key.role, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": key.id, "role": key.role.as_str(), "label": label, "key": key.key})),
    ))
}

/// `POST /admin/keys/{id}/revoke`: the key fails on this server's very next
/// request, and on every replica sharing the database within a second.
#[utoipa::path(post, path = "/admin/keys/{id}/revoke", tag = "admin",
    params(("id" = String, Path, description = "The key id (the part after `yalu_`)")),
    responses((status = 200, description = "`{\"id\", \"revoked\": true}`", body = Object),
              (status = 404, body = ErrorBody, description = "key_not_found"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 500, body = ErrorBody, description = "store_unavailable"),
              (status = 503, body = ErrorBody, description = "keys_unavailable (`--no-auth`), request_timeout")),
    security(("api_key" = [])))]
pub async fn revoke_key(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key_id = id.clone();
    let revoked = with_keys(&state, move |store| {
        store.keys().revoke(&key_id).map_err(key_store_error)
    })
    .await?;
    if !revoked {
        return Err(ApiError::new(
            ErrorCode::KeyNotFound,
            format!("no active key has the id `{id}`"),
        ));
    }
    tracing::info!(key_id = %id, "API key revoked");
    Ok(Json(json!({"id": id, "revoked": true})))
}
