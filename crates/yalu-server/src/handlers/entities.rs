//! `GET /entities/{id}`.

use crate::api::EntityResponse;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// One entity by id. An id that another entity lists among its referents
/// redirects (308) to that entity.
#[utoipa::path(
    get,
    path = "/entities/{id}",
    tag = "data",
    params(("id" = String, Path, description = "Entity id, e.g. `ofac-20157`")),
    responses(
        (status = 200, body = EntityResponse),
        (status = 308, description = "The id is a referent of another entity"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "entity_not_found"),
        (status = 503, body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn entity(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = state.current_index()?;
    if let Some(e) = loaded.index.get(&id) {
        return Ok(Json(EntityResponse::from_entity(e)).into_response());
    }
    if let Some(canonical) = loaded.referents.get(&id) {
        let location: String = format!("/entities/{}", encode_segment(canonical));
        return Ok((
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response());
    }
    Err(ApiError::new(
        ErrorCode::EntityNotFound,
        format!("no entity `{id}`"),
    ))
}

fn encode_segment(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
