//! The one table of stable error codes.
//!
//! Every failure the API can answer with is an [`ErrorCode`]. Handlers and
//! middleware return [`ApiError`] (a code plus a human-readable detail);
//! only [`ErrorCode::status`] maps codes to HTTP status, at the edge. The
//! JSON body is `{"status": 400, "code": "too_many_queries", "detail": "..."}`
//! (`detail` is also what yente clients read). Codes never change meaning;
//! new failures get new codes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_SECS: u64 = 1;

macro_rules! error_codes {
    ($($variant:ident = ($code:literal, $status:ident, $doc:literal)),+ $(,)?) => {
        /// Stable error codes, one per kind of failure.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)+
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as sent in the JSON body.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status for this code: the only place codes meet HTTP.
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)+ }
            }

            /// What the code means.
            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => $doc,)+ }
            }
        }
    };
}

error_codes! {
    MissingApiKey = ("missing_api_key", UNAUTHORIZED, "No `Authorization: Bearer KEY` or `Authorization: ApiKey KEY` header."),
    InvalidApiKey = ("invalid_api_key", UNAUTHORIZED, "The key is malformed, unknown or revoked."),
    InsufficientRole = ("insufficient_role", FORBIDDEN, "The key's role may not use this endpoint."),
    MalformedJson = ("malformed_json", BAD_REQUEST, "The request body is not valid JSON."),
    InvalidRequest = ("invalid_request", BAD_REQUEST, "The JSON body does not have the expected shape."),
    NoQueries = ("no_queries", BAD_REQUEST, "The match request has no queries."),
    TooManyQueries = ("too_many_queries", BAD_REQUEST, "More queries in one match request than allowed."),
    UnknownSchema = ("unknown_schema", BAD_REQUEST, "The schema is not one Yalu screens (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity, Thing)."),
    InvalidPropertyValue = ("invalid_property_value", BAD_REQUEST, "A property value is not a string or number."),
    InvalidDate = ("invalid_date", BAD_REQUEST, "A date (property or parameter) cannot be read."),
    InvalidCountry = ("invalid_country", BAD_REQUEST, "A country property holds neither a country code nor a country name Yalu knows."),
    InvalidParameter = ("invalid_parameter", BAD_REQUEST, "A query-string parameter is unknown, repeated where it may not be, or out of range."),
    UnknownAlgorithm = ("unknown_algorithm", BAD_REQUEST, "The `algorithm` parameter names no algorithm of this server (see /algorithms)."),
    InvalidConfig = ("invalid_config", BAD_REQUEST, "A `weights` or `config` value has the wrong type (unknown keys are per-query warnings, `ignored_weight` / `ignored_config`)."),
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE, "The request body is larger than the server accepts."),
    UnknownDataset = ("unknown_dataset", NOT_FOUND, "No loaded dataset has this name (see /catalog)."),
    EntityNotFound = ("entity_not_found", NOT_FOUND, "No entity has this id."),
    RouteNotFound = ("route_not_found", NOT_FOUND, "No endpoint at this path."),
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, "The endpoint exists but not for this HTTP method."),
    ReloadInProgress = ("reload_in_progress", CONFLICT, "Another reload is running."),
    Overloaded = ("overloaded", SERVICE_UNAVAILABLE, "As many screening requests as the limits allow are running or waiting; retry after `Retry-After` seconds."),
    RequestTimeout = ("request_timeout", SERVICE_UNAVAILABLE, "The request took longer than the server's time limit."),
    IndexNotReady = ("index_not_ready", SERVICE_UNAVAILABLE, "The index is still loading."),
    ReloadFailed = ("reload_failed", INTERNAL_SERVER_ERROR, "Reading the lists failed; the previous index is still served."),
    CaseNotFound = ("case_not_found", NOT_FOUND, "No case has this id."),
    InvalidImport = ("invalid_import", UNPROCESSABLE_ENTITY, "An imported alert or hit lacks a required field or has one of the wrong type; nothing was imported."),
    RationaleRequired = ("rationale_required", UNPROCESSABLE_ENTITY, "Closing a case needs a non-empty `rationale`."),
    InvalidCaseInput = ("invalid_case_input", UNPROCESSABLE_ENTITY, "A case action's input is empty or names an unknown status or resolution."),
    FourEyesViolation = ("four_eyes_violation", FORBIDDEN, "A true-match closing must be approved by a different analyst than the one who requested it."),
    InvalidTransition = ("invalid_transition", CONFLICT, "The case's current state does not allow this action."),
    VersionConflict = ("version_conflict", CONFLICT, "The case changed since the `version` the request was decided on (another analyst or replica came first); nothing was changed. Reload the case and decide again."),
    KeyNotFound = ("key_not_found", NOT_FOUND, "No active API key has this id."),
    KeysUnavailable = ("keys_unavailable", SERVICE_UNAVAILABLE, "This server runs without API keys (`--no-auth`)."),
    CasesUnavailable = ("cases_unavailable", SERVICE_UNAVAILABLE, "This server runs without a case store."),
    StoreUnavailable = ("store_unavailable", INTERNAL_SERVER_ERROR, "The key or case store could not be read or written."),
    Internal = ("internal_error", INTERNAL_SERVER_ERROR, "An unexpected failure (a bug); the request id is in the logs."),
}

/// A failed request: a stable code and a detail for humans.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// What kind of failure it is; decides the HTTP status.
    pub code: ErrorCode,
    /// What went wrong and where, for humans (the body's `detail`).
    pub detail: String,
}

impl ApiError {
    /// An error with its code and detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
        }
    }

    /// An `invalid_parameter` error: a query parameter the server cannot
    /// read.
    pub fn parameter(detail: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidParameter, detail)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// HTTP status, repeated for clients that only see the body.
    #[schema(example = 400)]
    pub status: u16,
    /// Stable error code (see the error table in the crate docs).
    #[schema(example = "too_many_queries")]
    pub code: &'static str,
    /// What went wrong, for humans.
    #[schema(example = "101 queries in one request; at most 100 are allowed")]
    pub detail: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            status: status.as_u16(),
            code: self.code.as_str(),
            detail: self.detail,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"yalu\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_and_statuses_are_errors() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn unavailable_answers_carry_retry_after() {
        let r = ApiError::new(ErrorCode::Overloaded, "busy").into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let r = ApiError::new(ErrorCode::UnknownSchema, "x").into_response();
        assert!(r.headers().get(header::RETRY_AFTER).is_none());
    }
}
