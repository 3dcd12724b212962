//! Every route of the API, in one place, with the role each needs.
//!
//! | route | method | role |
//! |---|---|---|
//! | `/healthz`, `/readyz` | GET | none |
//! | `/`, `/ui/...` (the workbench pages; see `ui.rs`) | GET | none |
//! | `/match/{dataset}` | POST | screener (admitted first: a screening slot) |
//! | `/search/{dataset}` | GET | screener (admitted first: a screening slot) |
//! | `/entities/{id}` | GET | screener |
//! | `/catalog`, `/algorithms`, `/openapi.json` | GET | screener |
//! | `/me` | GET | screener |
//! | `/cases`, `/cases/{id}`, `/audit`, `/dashboard` | GET | analyst |
//! | `/cases/import`, `/cases/bulk`, `/cases/{id}/{assign,comment,status,close,approve,reject-approval}` | POST | analyst |
//! | `/metrics` | GET | analyst |
//! | `/admin/reload` | POST | admin |
//! | `/admin/keys` | GET, POST | admin |
//! | `/admin/keys/{id}/revoke` | POST | admin |
//!
//! Layers, outermost first: panic catcher (JSON 500), request id
//! (`x-request-id`, generated unless the client sent one), tracing span
//! with that id, id propagation to the response, metrics, request time
//! limit, body size limit. On `/match` and `/search` the admission layer
//! (`admit_screening` in `middleware.rs`) runs before the key check, so an overload is
//! answered 503 `overloaded` with `Retry-After` without touching the key
//! store.

use crate::auth;
use crate::handlers::{admin, cases, entities, matching, search, system};
use crate::middleware::{
    admit_screening, method_not_allowed, panic_response, record_metrics, route_not_found,
    time_limit,
};
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Every route of the server over `state`, each behind the key layer of
/// its role, with the layers every request goes through (both in the
/// module's tables above).
pub fn router(state: Arc<AppState>) -> Router {
    let public = Router::new()
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz));
    // Route layers run outermost-last-added: admission, then the key check.
    let screening = Router::new()
        .route("/match/{dataset}", post(matching::match_entities))
        .route("/search/{dataset}", get(search::search))
        .route_layer(from_fn_with_state(state.clone(), auth::require_screener))
        .route_layer(from_fn_with_state(state.clone(), admit_screening));
    let screener = Router::new()
        .route("/entities/{id}", get(entities::entity))
        .route("/catalog", get(system::catalog))
        .route("/algorithms", get(system::algorithms))
        .route("/openapi.json", get(system::openapi))
        .route("/me", get(cases::me))
        .route_layer(from_fn_with_state(state.clone(), auth::require_screener));
    let analyst = Router::new()
        .route("/metrics", get(system::metrics))
        .route_layer(from_fn_with_state(state.clone(), auth::require_analyst));
    // The analyst workbench: cases, review, audit log, dashboard.
    let workbench = Router::new()
        .route("/cases", get(cases::list))
        .route("/cases/import", post(cases::import))
        .route("/cases/bulk", post(cases::bulk))
        .route("/cases/{id}", get(cases::detail))
        .route("/cases/{id}/assign", post(cases::assign))
        .route("/cases/{id}/comment", post(cases::comment))
        .route("/cases/{id}/status", post(cases::status))
        .route("/cases/{id}/close", post(cases::close))
        .route("/cases/{id}/approve", post(cases::approve))
        .route("/cases/{id}/reject-approval", post(cases::reject_approval))
        .route("/audit", get(cases::audit))
        .route("/dashboard", get(cases::dashboard))
        .route_layer(from_fn_with_state(state.clone(), auth::require_analyst));
    let admin = Router::new()
        .route("/admin/reload", post(admin::reload))
        .route("/admin/keys", get(admin::list_keys).post(admin::create_key))
        .route("/admin/keys/{id}/revoke", post(admin::revoke_key))
        .route_layer(from_fn_with_state(state.clone(), auth::require_admin));
    Router::new()
        .merge(public)
        .merge(crate::ui::routes())
        .merge(screening)
        .merge(screener)
        .merge(analyst)
        .merge(workbench)
        .merge(admin)
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), time_limit))
        .layer(from_fn_with_state(state.clone(), record_metrics))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %req.method(),
                        path = %req.uri().path()
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// Request ids: a per-process random-ish prefix and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0);
        RequestIds {
            prefix: nanos ^ std::process::id().rotate_left(16),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loaded::IndexSource;
    use crate::state::{Auth, Limits, MatchDefaults};
    use axum::http::StatusCode;
    use tower::ServiceExt;
    use yalu_store::{Role, Store};

    fn state_with_one_slot() -> (Arc<AppState>, String) {
        let store = Arc::new(Store::open_in_memory().unwrap());
        let key = store.keys().create(Role::Screener, None).unwrap().key;
        let limits = Limits {
            max_concurrent: 1,
            max_queued: 0,
            ..Limits::default()
        };
        let source = IndexSource {
            lists: Vec::new(),
            strict: false,
        };
        let state = AppState::new(source, Auth::Keys(store), limits, MatchDefaults::default());
        (Arc::new(state), key)
    }

    async fn post_match(state: &Arc<AppState>, key: &str) -> (StatusCode, Option<String>, String) {
        let req = Request::post("/match/default")
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"queries":{"q":{"schema":"Person","properties":{"name":["Kim"]}}}}"#,
            ))
            .unwrap();
        let resp = router(state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let retry = resp
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, retry, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn screening_is_admitted_before_the_key_is_checked() {
        let (state, key) = state_with_one_slot();
        let held = state.admission.clone().try_acquire_owned().unwrap();
        // Admission full: even an unknown key is turned away at the door
        // (no key-store lookup), with Retry-After.
        let (status, retry, body) = post_match(&state, "not-a-key").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains("\"overloaded\""), "{body}");
        assert_eq!(retry.as_deref(), Some("1"));
        let (status, _, body) = post_match(&state, &key).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains("\"overloaded\""), "{body}");
        drop(held);
        // A free slot: the key check runs and refuses the unknown key.
        let (status, _, body) = post_match(&state, "not-a-key").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        // A good key reaches the handler (no index is loaded yet).
        let (status, _, body) = post_match(&state, &key).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains("\"index_not_ready\""), "{body}");
        // Every refused or finished request gave its permits back.
        assert_eq!(state.admission.available_permits(), 1);
        assert_eq!(state.screening.available_permits(), 1);
    }

    #[tokio::test]
    async fn other_routes_do_not_take_screening_slots() {
        let (state, key) = state_with_one_slot();
        let _held = state.admission.clone().try_acquire_owned().unwrap();
        let req = Request::get("/me")
            .header("authorization", format!("Bearer {key}"))
            .body(Body::empty())
            .unwrap();
        let resp = router(state.clone()).oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let req = Request::get("/healthz").body(Body::empty()).unwrap();
        let resp = router(state).oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
}
