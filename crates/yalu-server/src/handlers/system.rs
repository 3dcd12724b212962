//! Health, readiness, catalog, algorithms, metrics and the OpenAPI document.

use super::matching::ALGORITHM;
use crate::api::{
    AlgorithmModel, AlgorithmsResponse, CatalogResponse, DatasetModel, StatusResponse,
};
use crate::error::{ApiError, ErrorBody};
use crate::loaded::DEFAULT_DATASET;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::Arc;

/// Liveness: answers while the process runs. No key needed.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = StatusResponse)))]
pub async fn healthz() -> Json<StatusResponse> {
    Json(StatusResponse { status: "ok" })
}

/// Readiness: 503 `index_not_ready` until the index is loaded. No key needed.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = StatusResponse), (status = 503, body = ErrorBody)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Result<Json<StatusResponse>, ApiError> {
    state.current_index()?;
    Ok(Json(StatusResponse { status: "ok" }))
}

/// The loaded datasets, and `default`, their union.
#[utoipa::path(get, path = "/catalog", tag = "data",
    responses((status = 200, body = CatalogResponse), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody, description = "index_not_ready, request_timeout")),
    security(("api_key" = [])))]
pub async fn catalog(
    State(state): State<Arc<AppState>>,
) -> Result<Json<CatalogResponse>, ApiError> {
    let loaded = state.current_index()?;
    let model = |name: &str, title: String, count: usize, children: Vec<String>| DatasetModel {
        name: name.to_string(),
        title,
        summary: None,
        load: true,
        version: loaded.version.clone(),
        index_version: loaded.version.clone(),
        index_current: true,
        updated_at: loaded.loaded_at.clone(),
        entity_count: count,
        children,
    };
    let mut datasets = vec![model(
        DEFAULT_DATASET,
        "All loaded lists".to_string(),
        loaded.lists.index.len(),
        loaded.datasets.keys().cloned().collect(),
    )];
    datasets.extend(
        loaded
            .datasets
            .values()
            .map(|d| model(&d.name, d.title.clone(), d.entity_count, Vec::new())),
    );
    let current = datasets.iter().map(|d| d.name.clone()).collect();
    Ok(Json(CatalogResponse {
        datasets,
        current,
        outdated: Vec::new(),
        index_stale: false,
    }))
}

/// The matching algorithm and every setting `config`/`weights` may change.
#[utoipa::path(get, path = "/algorithms", tag = "matching",
    responses((status = 200, body = AlgorithmsResponse), (status = 401, body = ErrorBody), (status = 500, body = ErrorBody, description = "internal_error")),
    security(("api_key" = [])))]
pub async fn algorithms(
    State(state): State<Arc<AppState>>,
) -> Result<Json<AlgorithmsResponse>, ApiError> {
    let features = serde_json::to_value(&state.defaults.config).map_err(|e| {
        ApiError::new(
            crate::error::ErrorCode::Internal,
            format!("scorer settings: {e}"),
        )
    })?;
    Ok(Json(AlgorithmsResponse {
        algorithms: vec![AlgorithmModel {
            name: ALGORITHM.to_string(),
            description: "Yalu's explainable entity scorer: the best name similarity \
                (Korean/Chinese-aware, across scripts and romanisations), moved by birth \
                dates, countries, identifiers and gender; every movement is explained."
                .to_string(),
            features,
        }],
        default: ALGORITHM.to_string(),
        best: ALGORITHM.to_string(),
    }))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, content_type = "text/plain", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        {
            let mut text = state.metrics.render();
            if let Some(store) = &state.cases {
                text.push_str(&crate::metrics::render_store(store.write_stats()));
            }
            text
        },
    )
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "system",
    responses((status = 200, content_type = "application/json", body = Object), (status = 401, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn openapi(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let datasets: Option<Vec<String>> = state
        .current_index()
        .ok()
        .map(|loaded| loaded.datasets.keys().cloned().collect());
    Json(crate::openapi::served(
        datasets.as_deref(),
        state.limits.max_batch,
    ))
}
