//! The analyst workbench: cases, their review, the audit log, the
//! dashboard, and `/me`. Every store call runs on the blocking pool (the
//! PostgreSQL client blocks); the store writes each change and its audit
//! entry in one transaction. The contract is `docs/workbench-api.md`.

use super::json_body;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;
use yalu_model::{Alert, Evidence, Hit};
use yalu_store::cases::{CaseDetail, MAX_PAGE};
use yalu_store::{
    AuditEntry, BulkAction, Case, CaseFilter, CaseKind, CaseSort, CaseStatus, CaseStore, Comment,
    Dashboard, ImportReport, Resolution, Store, StoreError, cases::entry_fingerprint,
};

/// A workbench answer: `T` as JSON with the keys of every object in
/// alphabetical order (serialised through [`serde_json::Value`]), the order
/// the workbench has always answered in, whatever the field order of the
/// types.
pub struct Answer<T>(pub T);

impl<T: Serialize> IntoResponse for Answer<T> {
    fn into_response(self) -> Response {
        Json(sorted(&self.0)).into_response()
    }
}

/// `value` as JSON with every object's keys in alphabetical order.
fn sorted<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("workbench answers serialise")
}

/// `GET /me`: who the key is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The key's id.
    pub key_id: String,
    /// The key's display name (`yalu keys create --name`), if it has one.
    pub label: Option<String>,
    /// `screener`, `analyst` or `admin`.
    pub role: String,
}

/// `GET /cases`: one page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    /// The cases of the page.
    pub cases: Vec<Case>,
    /// Cases matching the filter, over all pages: exact up to 1,000;
    /// beyond, 1,000 and `total_relation` is `gte`.
    pub total: u64,
    /// `eq` when `total` is exact, `gte` when more cases match (as in
    /// yente's `total.relation`).
    #[schema(example = "eq")]
    pub total_relation: &'static str,
    /// Key id → display name, for the assignees and closers shown.
    pub people: BTreeMap<String, String>,
}

/// `GET /cases/{id}`: a case with everything its page shows. Exactly one
/// of `alert`, `hit` and `investigation` is present: the object the case
/// was raised from, as imported (fields beyond the record are kept).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailAnswer {
    /// The case.
    pub case: Case,
    /// An alert case's alert.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Alert>)]
    pub alert: Option<Value>,
    /// A hit case's hit (a `yalu screen` line, or a hit as the API answers
    /// it, with `id` for `entity_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Hit>)]
    pub hit: Option<Value>,
    /// An investigation's `{"label", "keys"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub investigation: Option<Value>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// The case's audit entries, oldest first.
    pub history: Vec<AuditEntry>,
    /// The timeline and network the page draws.
    pub evidence: Evidence,
    /// Key id → display name of everyone who acted on the case.
    pub people: BTreeMap<String, String>,
    /// An investigation's alerts and hits (empty for the others).
    pub members: Vec<Case>,
}

/// `POST /cases/bulk`: what happened to each case.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    /// Cases changed.
    pub done: usize,
    /// Cases refused.
    pub refused: usize,
    /// One result per id, in request order.
    pub results: Vec<BulkResult>,
}

/// One case of a bulk action: the changed case, or why it was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// The case id.
    pub id: i64,
    /// The action was applied.
    pub ok: bool,
    /// The changed case (when `ok`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
    /// The refusal's stable error code (when not `ok`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The refusal, readable (when not `ok`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One entry of `GET /audit`: the entry as stored, with the actor's
/// display name beside the key id.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLine {
    /// The entry.
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The actor key's display name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
}

/// The body of `POST /cases/import`: exactly one of `alerts` and `hits`.
/// Each object is checked field by field (a bad one fails the import,
/// naming it and its field) and kept as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// Alerts as `yalu detect` writes them.
    #[schema(value_type = Option<Vec<Alert>>)]
    alerts: Option<Vec<Value>>,
    /// Hits as `yalu screen` writes them (or as the API answers them).
    #[schema(value_type = Option<Vec<Hit>>)]
    hits: Option<Vec<Value>>,
}

/// Cases per page when `limit` is absent.
pub const DEFAULT_PAGE: u64 = 50;

/// What a workbench request does with the store, which decides the slots
/// it waits for ([`AppState::store_reads`] or [`AppState::store_writes`]).
#[derive(Debug, Clone, Copy)]
enum StoreUse {
    Read,
    Write,
}

/// Runs `work` against the case store on the blocking pool, once a read or
/// write slot (as `use_` says) is free.
async fn with_store<T, F>(state: &AppState, use_: StoreUse, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let store = state.cases.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::CasesUnavailable,
            "this server runs without a case store",
        )
    })?;
    // Wait (without a thread) for a store slot, so workbench requests never
    // hold more blocking threads than their slots.
    let slots = match use_ {
        StoreUse::Read => &state.store_reads,
        StoreUse::Write => &state.store_writes,
    };
    let slot = slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal, "the store slots were closed"))?;
    tokio::task::spawn_blocking(move || {
        let out = work(&store);
        drop(slot);
        out
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "case store task failed");
        ApiError::new(
            ErrorCode::Internal,
            "the case store task failed unexpectedly",
        )
    })?
    .map_err(store_error)
}

/// One review action on one case, the shape every `POST /cases/{id}/...`
/// shares: `act` runs on the blocking pool with the case store (made
/// conditional on the case's `version` when the request names one), the
/// caller's key id and the case id (the store writes the change and its
/// audit entry in one transaction), and what it returns is the answer.
async fn act_on_case<T, F>(
    state: &AppState,
    caller: Caller,
    case: i64,
    version: Option<i64>,
    act: F,
) -> Result<Answer<T>, ApiError>
where
    F: FnOnce(CaseStore<'_>, &str, i64) -> Result<T, StoreError> + Send + 'static,
    T: serde::Serialize + Send + 'static,
{
    let value = with_store(state, StoreUse::Write, move |s| {
        act(s.cases().at_version(version), &caller.key_id, case)
    })
    .await?;
    Ok(Answer(value))
}

/// Maps a store refusal to its stable code; database failures are logged.
pub fn store_error(e: StoreError) -> ApiError {
    let code = match &e {
        StoreError::CaseNotFound(_) => ErrorCode::CaseNotFound,
        StoreError::InvalidImport { .. } => ErrorCode::InvalidImport,
        StoreError::InvalidInput(_) => ErrorCode::InvalidCaseInput,
        StoreError::RationaleRequired(_) => ErrorCode::RationaleRequired,
        StoreError::FourEyes { .. } => ErrorCode::FourEyesViolation,
        StoreError::InvalidTransition { .. } => ErrorCode::InvalidTransition,
        StoreError::VersionConflict { .. } => ErrorCode::VersionConflict,
        _ => {
            tracing::error!(error = %e, "case store failed");
            return ApiError::new(
                ErrorCode::StoreUnavailable,
                "the case store could not be read or written",
            );
        }
    };
    ApiError::new(code, e.to_string())
}

fn case_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::parameter(format!("case id `{text}` is not a positive integer")))
}

/// A query parameter naming a status or kind: an unknown one is 400
/// `invalid_parameter`, like every other parameter.
fn parameter<T: std::str::FromStr<Err = StoreError>>(
    name: &str,
    text: &str,
) -> Result<T, ApiError> {
    text.parse()
        .map_err(|e: StoreError| ApiError::parameter(format!("`{name}`: {e}")))
}

fn parse_input<T: std::str::FromStr<Err = StoreError>>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(store_error)
}

/// `GET /me`: who the key belongs to (screener role and up).
#[utoipa::path(get, path = "/me", tag = "cases",
    responses((status = 200, description = "Who the key is", body = Me),
              (status = 401, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn me(Extension(caller): Extension<Caller>) -> Answer<Me> {
    Answer(Me {
        key_id: caller.key_id,
        label: caller.label,
        role: caller.role.as_str().to_string(),
    })
}

/// `GET /cases`: the case queue, newest first, filtered.
#[utoipa::path(get, path = "/cases", tag = "cases",
    params(
        ("status" = Option<CaseStatus>, Query, description = "open, in_review, escalated, pending_approval or closed"),
        ("rule" = Option<String>, Query, description = "An alert rule id or SCREENING_HIT"),
        ("assignee" = Option<String>, Query, description = "Assigned to"),
        ("kind" = Option<CaseKind>, Query, description = "alert, hit or investigation"),
        ("q" = Option<String>, Query, description = "Case-insensitive text in the title, subject, record or entity id"),
        ("scope" = Option<String>, Query, description = "all (default) or units: investigations and cases in none"),
        ("investigation" = Option<i64>, Query, minimum = 1, description = "Only the alerts and hits of this investigation"),
        ("sort" = Option<String>, Query, description = "newest (default) or priority (highest first)"),
        ("limit" = Option<u64>, Query, minimum = 1, maximum = 1000, description = "1 to 1000, default 50"),
        ("offset" = Option<u64>, Query, minimum = 0, description = "Cases to skip"),
    ),
    responses((status = 200, description = "One page of the queue", body = CaseList),
              (status = 400, body = ErrorBody, description = "invalid_parameter")),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Answer<CaseList>, ApiError> {
    let filter = case_filter(query.as_deref())?;
    let (cases, total, names) = with_store(&state, StoreUse::Read, move |s| {
        let (cases, total) = s.cases().list(&filter)?;
        Ok((cases, total, s.keys().names()?))
    })
    .await?;
    let people = people(
        &names,
        cases.iter().flat_map(|c| {
            [c.assignee.as_deref(), c.closed_by.as_deref()]
                .into_iter()
                .flatten()
        }),
    );
    Ok(Answer(CaseList {
        cases,
        total: total.value,
        total_relation: if total.exact { "eq" } else { "gte" },
        people,
    }))
}

/// The queue filter of `GET /cases`' query string: each parameter at most
/// once, none unknown.
fn case_filter(query: Option<&str>) -> Result<CaseFilter, ApiError> {
    let mut filter = CaseFilter {
        limit: DEFAULT_PAGE,
        ..CaseFilter::default()
    };
    let mut seen = std::collections::HashSet::new();
    for (k, v) in crate::params::query_pairs(query)? {
        if !seen.insert(k.to_string()) {
            return Err(ApiError::parameter(format!("`{k}` is given twice")));
        }
        set_case_parameter(&mut filter, &k, v.trim().to_string())?;
    }
    Ok(filter)
}

/// Sets the parameter `k` of the queue filter to `v` (trimmed); an empty
/// value leaves the filter as it is.
fn set_case_parameter(filter: &mut CaseFilter, k: &str, v: String) -> Result<(), ApiError> {
    let number = |v: &str| {
        v.parse::<u64>().map_err(|_| {
            ApiError::parameter(format!("`{k}` must be a non-negative integer, not `{v}`"))
        })
    };
    match k {
        "status" if !v.is_empty() => filter.status = Some(parameter::<CaseStatus>(k, &v)?),
        "kind" if !v.is_empty() => filter.kind = Some(parameter::<CaseKind>(k, &v)?),
        "rule" if !v.is_empty() => filter.rule = Some(v),
        "assignee" if !v.is_empty() => filter.assignee = Some(v),
        "q" if !v.is_empty() => filter.q = Some(v),
        "scope" => {
            filter.units_only = match v.as_str() {
                "" | "all" => false,
                "units" => true,
                other => {
                    return Err(ApiError::parameter(format!(
                        "`scope` must be all or units, not `{other}`"
                    )));
                }
            }
        }
        "sort" => {
            filter.sort = match v.as_str() {
                "" | "newest" => CaseSort::Newest,
                "priority" => CaseSort::Priority,
                other => {
                    return Err(ApiError::parameter(format!(
                        "`sort` must be newest or priority, not `{other}`"
                    )));
                }
            }
        }
        "investigation" if !v.is_empty() => filter.investigation = Some(case_id(&v)?),
        "status" | "kind" | "rule" | "assignee" | "q" | "investigation" => {}
        "limit" => {
            filter.limit = number(&v)?;
            if filter.limit == 0 || filter.limit > MAX_PAGE {
                return Err(ApiError::parameter(format!(
                    "`limit` must be between 1 and {MAX_PAGE}"
                )));
            }
        }
        "offset" => filter.offset = number(&v)?,
        other => {
            return Err(ApiError::parameter(format!(
                "unknown parameter `{other}` (status, rule, assignee, kind, q, scope, \
                 investigation, sort, limit, offset)"
            )));
        }
    }
    Ok(())
}

/// `people` of a workbench answer: the display name (`yalu keys create
/// --name`) of each key id among `ids` that has one, so that pages show
/// who acted, with the key id beside it for the record.
fn people<'a>(
    names: &BTreeMap<String, String>,
    ids: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for id in ids {
        if let Some(name) = names.get(id) {
            out.insert(id.to_string(), name.clone());
        }
    }
    out
}

/// `GET /cases/{id}`: the case, its alert or hit, comments, history, evidence.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    responses((status = 200, description = "The case and what its page shows", body = CaseDetailAnswer),
              (status = 400, body = ErrorBody, description = "invalid_parameter"), (status = 404, body = ErrorBody, description = "case_not_found")),
    security(("api_key" = [])))]
pub async fn detail(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Answer<CaseDetailAnswer>, ApiError> {
    let id = case_id(&id)?;
    let (d, names) = with_store(&state, StoreUse::Read, move |s| {
        Ok((s.cases().detail(id)?, s.keys().names()?))
    })
    .await?;
    Ok(Answer(render_detail(d, &names)))
}

fn render_detail(d: CaseDetail, names: &BTreeMap<String, String>) -> CaseDetailAnswer {
    let c = &d.case;
    let approval = c.approval.as_ref();
    let ids = [
        c.assignee.as_deref(),
        c.closed_by.as_deref(),
        approval.map(|a| a.requested_by.as_str()),
        approval.and_then(|a| a.approved_by.as_deref()),
    ]
    .into_iter()
    .flatten()
    .chain(d.comments.iter().map(|m| m.author.as_str()))
    .chain(d.history.iter().map(|h| h.actor.as_str()))
    .chain(d.members.iter().filter_map(|m| m.assignee.as_deref()));
    let people = people(names, ids);
    let kind = d.case.kind;
    let evidence = d.evidence();
    let payload = |of: CaseKind| (kind == of).then(|| d.payload.clone());
    CaseDetailAnswer {
        alert: payload(CaseKind::Alert),
        hit: payload(CaseKind::Hit),
        investigation: payload(CaseKind::Investigation),
        case: d.case,
        comments: d.comments,
        history: d.history,
        evidence,
        people,
        members: d.members,
    }
}

/// `POST /cases/import`: alerts (`yalu detect`) or hits (`yalu screen`, the
/// API) become cases; the same finding twice is one case.
#[utoipa::path(post, path = "/cases/import", tag = "cases",
    request_body(content = ImportBody, description = "`{\"alerts\": [...]}` or `{\"hits\": [...]}`"),
    responses((status = 200, description = "What became of each alert or hit", body = ImportReport),
              (status = 400, body = ErrorBody, description = "malformed_json, invalid_request"), (status = 422, body = ErrorBody, description = "invalid_import")),
    security(("api_key" = [])))]
pub async fn import(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<ImportReport>, ApiError> {
    let body: ImportBody = object_body(body)?;
    let report = match (body.alerts, body.hits) {
        (Some(alerts), None) => {
            with_store(&state, StoreUse::Write, move |s| {
                s.cases().import_alerts(&caller.key_id, &alerts)
            })
            .await?
        }
        (None, Some(hits)) => {
            // The list entries as currently loaded fingerprint each hit's
            // entry, so a changed entry is raised again after a
            // false-positive closing.
            let loaded = state.index.load_full();
            with_store(&state, StoreUse::Write, move |s| {
                let fingerprint = |id: &str| {
                    let loaded = loaded.as_ref()?;
                    let id = loaded.referents.get(id).map(String::as_str).unwrap_or(id);
                    loaded.lists.index.get(id).map(entry_fingerprint)
                };
                s.cases().import_hits(&caller.key_id, &hits, &fingerprint)
            })
            .await?
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "send exactly one of `alerts` and `hits`",
            ));
        }
    };
    Ok(Answer(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    /// `null` (or absent) unassigns.
    #[serde(default)]
    assignee: Option<String>,
    /// The case version the change was decided on (optional).
    #[serde(default, deserialize_with = "whole_version")]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    text: String,
    #[serde(default, deserialize_with = "whole_version")]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    #[serde(default, deserialize_with = "whole_version")]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    resolution: String,
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default, deserialize_with = "whole_version")]
    version: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default, deserialize_with = "whole_version")]
    version: Option<i64>,
}

/// A body that is a JSON object: serde would also read a struct from an
/// array of its fields in order (`[null, 3]`), which no client means.
fn object_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    if let Ok(b) = &body
        && b.trim_ascii_start().first() == Some(&b'[')
    {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "request body: a JSON object, not an array",
        ));
    }
    json_body(body)
}

/// An integer of a body, also written as a whole float (`3.0`: an integer
/// to JSON Schema, as clients generated from the document may send it).
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            // Strictly inside ±2^63: -2^63 is also what a literal just
            // below i64::MIN rounds to.
            .filter(|f| f.fract() == 0.0 && f.abs() < 2f64.powi(63))
            .map(|f| f as i64)
    })
}

fn whole_version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?
        .map(|n| {
            whole(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("`version` {n} is not an integer")))
        })
        .transpose()
}

fn whole_ids<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Vec::<serde_json::Number>::deserialize(d)?
        .iter()
        .map(|n| {
            whole(n)
                .ok_or_else(|| serde::de::Error::custom(format!("case id {n} is not an integer")))
        })
        .collect()
}

/// A body that may be empty (then `{}`).
fn optional_body<T: serde::de::DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    match &body {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
        _ => object_body(body),
    }
}

/// `POST /cases/{id}/assign` `{"assignee"}`.
#[utoipa::path(post, path = "/cases/{id}/assign", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"assignee\": \"key id or name\", \"version\": n}` (null unassigns; `version`, optional: the case version decided on, else 409 version_conflict)"),
    responses((status = 200, description = "The case", body = Case),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "invalid_transition, version_conflict"), (status = 422, body = ErrorBody, description = "invalid_case_input (a blank assignee)")),
    security(("api_key" = [])))]
pub async fn assign(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Case>, ApiError> {
    let id = case_id(&id)?;
    let body: AssignBody = object_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.assign(by, id, body.assignee.as_deref())
    })
    .await
}

/// `POST /cases/{id}/comment` `{"text"}`.
#[utoipa::path(post, path = "/cases/{id}/comment", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"text\": \"...\", \"version\": n}` (`version` optional, checked, not raised)"),
    responses((status = 200, description = "The comment", body = Comment),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "version_conflict"), (status = 422, body = ErrorBody, description = "invalid_case_input (a blank text)")),
    security(("api_key" = [])))]
pub async fn comment(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Comment>, ApiError> {
    let id = case_id(&id)?;
    let body: CommentBody = object_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.comment(by, id, &body.text)
    })
    .await
}

/// `POST /cases/{id}/status` `{"status": "open"|"in_review"|"escalated"}`.
#[utoipa::path(post, path = "/cases/{id}/status", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"status\": \"open\"|\"in_review\"|\"escalated\", \"version\": n}` (`version` optional)"),
    responses((status = 200, description = "The case", body = Case),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "invalid_transition, version_conflict"), (status = 422, body = ErrorBody, description = "invalid_case_input (an unknown status)")),
    security(("api_key" = [])))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Case>, ApiError> {
    let id = case_id(&id)?;
    let body: StatusBody = object_body(body)?;
    let to: CaseStatus = parse_input(&body.status)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.set_status(by, id, to)
    })
    .await
}

/// `POST /cases/{id}/close` `{"resolution", "rationale"}`: a true match
/// waits for a second analyst's approval.
#[utoipa::path(post, path = "/cases/{id}/close", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"resolution\": \"true_match\"|\"false_positive\"|\"not_actionable\", \"rationale\": \"...\", \"version\": n}` (`version` optional)"),
    responses((status = 200, description = "The case (closed, or pending_approval for a true match)", body = Case),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "invalid_transition, version_conflict"), (status = 422, body = ErrorBody, description = "rationale_required, invalid_case_input (an unknown resolution)")),
    security(("api_key" = [])))]
pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Case>, ApiError> {
    let id = case_id(&id)?;
    let body: CloseBody = object_body(body)?;
    let resolution: Resolution = parse_input(&body.resolution)?;
    let rationale = body.rationale.unwrap_or_default();
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.close(by, id, resolution, &rationale)
    })
    .await
}

/// `POST /cases/{id}/approve` `{"rationale"?}`: a different analyst
/// confirms a true-match closing.
#[utoipa::path(post, path = "/cases/{id}/approve", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"rationale\": \"...\", \"version\": n}` (both optional; an empty body is `{}`)"),
    responses((status = 200, description = "The closed case", body = Case),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 403, body = ErrorBody, description = "four_eyes_violation (the requester approving), insufficient_role"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "invalid_transition, version_conflict")),
    security(("api_key" = [])))]
pub async fn approve(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Case>, ApiError> {
    let id = case_id(&id)?;
    let body: NoteBody = optional_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.approve(by, id, body.rationale.as_deref())
    })
    .await
}

/// `POST /cases/{id}/reject-approval` `{"rationale"?}`: back to in_review.
#[utoipa::path(post, path = "/cases/{id}/reject-approval", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "Case id")),
    request_body(content = Object, description = "`{\"rationale\": \"...\", \"version\": n}` (both optional; an empty body is `{}`)"),
    responses((status = 200, description = "The case, in review again", body = Case),
              (status = 400, body = ErrorBody, description = "invalid_parameter (the id); malformed_json, invalid_request (the body)"), (status = 404, body = ErrorBody, description = "case_not_found"), (status = 409, body = ErrorBody, description = "invalid_transition, version_conflict")),
    security(("api_key" = [])))]
pub async fn reject_approval(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<Case>, ApiError> {
    let id = case_id(&id)?;
    let body: NoteBody = optional_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.reject_approval(by, id, body.rationale.as_deref())
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkBody {
    #[serde(deserialize_with = "whole_ids")]
    ids: Vec<i64>,
    /// `assign` or `status`.
    action: String,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// `POST /cases/bulk` `{"ids", "action": "assign"|"status", "assignee"?,
/// "status"?}`: the queue's bulk actions; each case succeeds or is refused
/// on its own.
#[utoipa::path(post, path = "/cases/bulk", tag = "cases",
    request_body(content = Object, description = "`{\"ids\": [1, 2], \"action\": \"assign\", \"assignee\": \"key id\"}` or `{\"ids\": [...], \"action\": \"status\", \"status\": \"in_review\"}`"),
    responses((status = 200, description = "Each case changed or refused", body = BulkAnswer),
              (status = 400, body = ErrorBody, description = "malformed_json, invalid_request"), (status = 422, body = ErrorBody, description = "invalid_case_input (no ids, or more than 1000)")),
    security(("api_key" = [])))]
pub async fn bulk(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Answer<BulkAnswer>, ApiError> {
    let body: BulkBody = object_body(body)?;
    let action = match (body.action.as_str(), body.assignee, body.status) {
        ("assign", assignee, None) => BulkAction::Assign(assignee),
        ("status", None, Some(status)) => BulkAction::Status(parse_input(&status)?),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "`action` is assign (with `assignee`, null unassigns) or status (with `status`)",
            ));
        }
    };
    let ids = body.ids;
    let outcomes = with_store(&state, StoreUse::Write, move |s| {
        s.cases().bulk(&caller.key_id, &ids, &action)
    })
    .await?;
    let mut done = 0;
    let results: Vec<BulkResult> = outcomes
        .into_iter()
        .map(|(id, outcome)| match outcome {
            Ok(case) => {
                done += 1;
                BulkResult {
                    id,
                    ok: true,
                    case: Some(case),
                    code: None,
                    detail: None,
                }
            }
            Err(e) => {
                let err = store_error(e);
                BulkResult {
                    id,
                    ok: false,
                    case: None,
                    code: Some(err.code.as_str().to_string()),
                    detail: Some(err.detail),
                }
            }
        })
        .collect();
    let refused = results.len() - done;
    Ok(Answer(BulkAnswer {
        done,
        refused,
        results,
    }))
}

/// `GET /audit?format=json|jsonl&since=SEQ`: the append-only audit log,
/// oldest first (entries after `since`). Read-only: no route changes it.
#[utoipa::path(get, path = "/audit", tag = "cases",
    params(
        ("format" = Option<String>, Query, description = "json (an array, default) or jsonl (one entry per line)"),
        ("since" = Option<i64>, Query, minimum = 0, description = "Only entries with a larger `seq`"),
    ),
    responses((status = 200, description = "The entries, oldest first (a JSON array, or one entry per line with format=jsonl)", body = [AuditLine]),
              (status = 400, body = ErrorBody, description = "invalid_parameter")),
    security(("api_key" = [])))]
pub async fn audit(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let mut lines = false;
    let mut since = None;
    for (k, v) in crate::params::query_pairs(query.as_deref())? {
        match (k.as_ref(), v.as_ref()) {
            ("format", "json") => lines = false,
            ("format", "jsonl") => lines = true,
            ("format", other) => {
                return Err(ApiError::parameter(format!(
                    "`format` must be json or jsonl, not `{other}`"
                )));
            }
            ("since", "") => {}
            ("since", n) => {
                since = Some(n.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                    ApiError::parameter(format!(
                        "`since` must be an audit sequence number, not `{n}`"
                    ))
                })?)
            }
            (other, _) => {
                return Err(ApiError::parameter(format!(
                    "unknown parameter `{other}` (format, since)"
                )));
            }
        }
    }
    let (entries, names) = with_store(&state, StoreUse::Read, move |s| {
        Ok((s.cases().audit(since)?, s.keys().names()?))
    })
    .await?;
    // Each entry as stored, with the actor's display name beside the key id.
    let entries: Vec<AuditLine> = entries
        .into_iter()
        .map(|entry| AuditLine {
            actor_name: names.get(&entry.actor).cloned(),
            entry,
        })
        .collect();
    if lines {
        let mut text = String::new();
        for e in &entries {
            text.push_str(&sorted(e).to_string());
            text.push('\n');
        }
        Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], text).into_response())
    } else {
        Ok(Answer(entries).into_response())
    }
}

/// `GET /dashboard`: cases by rule and status, open cases, revenue estimate.
#[utoipa::path(get, path = "/dashboard", tag = "cases",
    responses((status = 200, description = "Cases by rule and status, open cases, revenue estimate", body = Dashboard)),
    security(("api_key" = [])))]
pub async fn dashboard(State(state): State<Arc<AppState>>) -> Result<Answer<Dashboard>, ApiError> {
    let d = with_store(&state, StoreUse::Read, |s| s.cases().dashboard()).await?;
    Ok(Answer(d))
}
