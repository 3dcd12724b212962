//! Handlers: each parses its input, calls the engine and renders the answer.

pub mod admin;
pub mod cases;
pub mod entities;
pub mod matching;
pub mod search;
pub mod system;

use crate::error::{ApiError, ErrorCode};
use crate::state::ScreeningSlot;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use serde::de::DeserializeOwned;

/// Reads a JSON body, mapping each failure to its stable code.
pub(crate) fn json_body<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body_bytes(body)?;
    json_from_slice(&bytes)
}

/// The bytes of a body, or the error for a body that could not be read.
fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                "the request body is larger than the server accepts",
            )
        } else {
            ApiError::new(ErrorCode::InvalidRequest, rejection.body_text())
        }
    })
}

/// Parses JSON bytes, mapping a syntax error to `malformed_json` and a
/// shape error to `invalid_request`.
pub(crate) fn json_from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let code = if e.is_syntax() || e.is_eof() {
            ErrorCode::MalformedJson
        } else {
            ErrorCode::InvalidRequest
        };
        ApiError::new(code, format!("request body: {e}"))
    })
}

/// Runs CPU-bound screening work on the blocking pool once a running slot
/// is free, holding it (and the request's admission) for as long as the
/// work runs.
pub(crate) async fn screen<T, F>(slot: &ScreeningSlot, work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let permit = slot.run().await?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "screening task failed");
        ApiError::new(ErrorCode::Internal, "screening failed unexpectedly")
    })?
}
