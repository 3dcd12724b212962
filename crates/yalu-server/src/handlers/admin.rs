//! `POST /admin/reload`.

use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, ReloadReport, reload as reload_index};
use axum::Json;
use axum::extract::State;
use std::sync::Arc;

/// Re-reads the configured lists, builds a new index beside the served one
/// and swaps it in atomically. Requests running during the build finish on
/// the old index; none fails. A failed build keeps the old index and says
/// why.
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
