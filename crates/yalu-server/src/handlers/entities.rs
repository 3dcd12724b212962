//! `GET /entities/{id}`.

use crate::api::EntityResponse;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::params::RawParams;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// One entity by id. An id that another entity lists among its referents
/// redirects (308) to that entity.
///
/// With `nested=true`, as in yente, the entity's properties also hold the
/// relationships it is on, in both directions, under FtM's reverse property
/// names (`unknownLinkSubject`, `ownershipAsset`...): each is the
/// relationship entity whose own end is the entity's id and whose other end
/// is the linked entity in full (or its id when not loaded).
#[utoipa::path(
    get,
    path = "/entities/{id}",
    tag = "data",
    params(
        ("id" = String, Path, description = "Entity id, e.g. `ofac-20157`"),
        ("nested" = Option<bool>, Query, description = "Include linked entities (both directions)"),
    ),
    responses(
        (status = 200, body = EntityResponse),
        (status = 308, description = "The id is a referent of another entity"),
        (status = 400, body = ErrorBody, description = "invalid_parameter (`nested` not true or false, or repeated; a parameter that is not UTF-8)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "entity_not_found"),
        (status = 503, body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn entity(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let raw = RawParams::parse(query.as_deref())?;
    let nested = match raw.single("nested")?.map(str::trim) {
        None | Some("false") | Some("0") | Some("") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ApiError::parameter(format!(
                "`nested` must be true or false, got `{other}`"
            )));
        }
    };
    let loaded = state.current_index()?;
    if let Some(e) = loaded.lists.index.get(&id) {
        if !nested {
            return Ok(Json(EntityResponse::from_entity(e)).into_response());
        }
        return Ok(Json(nested_entity(&loaded, e)).into_response());
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

/// The entity with its relationships nested in its properties.
fn nested_entity(loaded: &crate::loaded::LoadedIndex, e: &yalu_model::Entity) -> Value {
    let mut out = json!(EntityResponse::from_entity(e));
    for (link, side) in loaded.lists.network.links_of(&e.id) {
        let (own_prop, own_id) = link.end(side);
        let (other_prop, other_id) = link.other_end(side);
        let other = match loaded.lists.index.get(other_id) {
            Some(o) => json!(EntityResponse::from_entity(o)),
            None => json!(other_id),
        };
        let mut properties = json!(link.properties);
        properties[own_prop.as_str()] = json!([own_id]);
        properties[other_prop.as_str()] = json!([other]);
        let rel = json!({
            "id": link.id,
            "caption": link.schema,
            "schema": link.schema,
            "properties": properties,
            "datasets": link.datasets,
            "referents": [],
            "target": false,
        });
        let slot = &mut out["properties"][link.reverse_property(side)];
        match slot.as_array_mut() {
            Some(values) => values.push(rel),
            None => *slot = json!([rel]),
        }
    }
    out
}

fn encode_segment(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
