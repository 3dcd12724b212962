//! Cross-cutting layers: metrics, request time limit, JSON fallbacks.

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

/// Counts every request by route template, method and status.
pub async fn record_metrics(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let response = next.run(req).await;
    state.metrics.record_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Admission for the screening routes: admits the request (running or
/// waiting for a slot, within `max_concurrent + max_queued`) or answers 503
/// `overloaded` with `Retry-After` at once. It runs before the API-key
/// check, so shed requests cost no key-store lookup and the queue in front
/// of the screening work stays bounded.
pub async fn admit_screening(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    match state.admit_screening() {
        Ok(slot) => {
            req.extensions_mut().insert(slot);
            next.run(req).await
        }
        Err(refusal) => {
            // Read the unread body (within the body limit) before answering:
            // with a request body left on the wire the connection cannot
            // carry the next request, and a keep-alive client that sends
            // one on it meets a closed socket. A body that cannot be read
            // gets `Connection: close`, so the client opens a new one.
            let limit = state.limits.max_body_bytes;
            let drained = axum::body::to_bytes(req.into_body(), limit).await.is_ok();
            let mut response = refusal.into_response();
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            response
        }
    }
}

/// Answers `request_timeout` when a request runs past the limit.
pub async fn time_limit(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            ErrorCode::RequestTimeout,
            format!("the request took longer than {} ms", limit.as_millis()),
        )
        .into_response(),
    }
}

/// The answer to a path no route serves: 404 `route_not_found`.
pub async fn route_not_found() -> ApiError {
    ApiError::new(ErrorCode::RouteNotFound, "no endpoint at this path")
}

/// The answer to a route called with a method it does not take: 405
/// `method_not_allowed`.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not accept this method",
    )
}

/// The answer when a handler panics (a bug): JSON, never a dropped
/// connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(ErrorCode::Internal, "internal error").into_response()
}
