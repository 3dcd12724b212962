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
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use yalu_store::cases::{CaseDetail, MAX_PAGE};
use yalu_store::{
    BulkAction, CaseFilter, CaseKind, CaseSort, CaseStatus, CaseStore, Resolution, Store,
    StoreError, cases::entry_fingerprint,
};

/// Cases per page when `limit` is absent.
pub const DEFAULT_PAGE: u64 = 50;

/// Runs `work` against the case store on the blocking pool.
async fn with_store<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
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
    // hold more blocking threads than `limits.max_store_concurrent`.
    let slot = state
        .store_slots
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
) -> Result<Json<Value>, ApiError>
where
    F: FnOnce(CaseStore<'_>, &str, i64) -> Result<T, StoreError> + Send + 'static,
    T: serde::Serialize + Send + 'static,
{
    let value = with_store(state, move |s| {
        act(s.cases().at_version(version), &caller.key_id, case)
    })
    .await?;
    Ok(Json(json!(value)))
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

fn parse_input<T: std::str::FromStr<Err = StoreError>>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(store_error)
}

/// `GET /me`: who the key belongs to (screener role and up).
#[utoipa::path(get, path = "/me", tag = "cases",
    responses((status = 200, description = "`{\"key_id\", \"label\", \"role\"}`", body = Object),
              (status = 401, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn me(Extension(caller): Extension<Caller>) -> Json<Value> {
    Json(json!({
        "key_id": caller.key_id,
        "label": caller.label,
        "role": caller.role.as_str(),
    }))
}

/// `GET /cases`: the case queue, newest first, filtered.
#[utoipa::path(get, path = "/cases", tag = "cases",
    params(
        ("status" = Option<String>, Query, description = "open, in_review, escalated, pending_approval or closed"),
        ("rule" = Option<String>, Query, description = "An alert rule id or SCREENING_HIT"),
        ("assignee" = Option<String>, Query, description = "Assigned to"),
        ("kind" = Option<String>, Query, description = "alert or hit"),
        ("q" = Option<String>, Query, description = "Case-insensitive text in the title, subject, record or entity id"),
        ("scope" = Option<String>, Query, description = "all (default) or units: investigations and cases in none"),
        ("investigation" = Option<i64>, Query, description = "Only the alerts and hits of this investigation"),
        ("sort" = Option<String>, Query, description = "newest (default) or priority (highest first)"),
        ("limit" = Option<u64>, Query, description = "1 to 1000, default 50"),
        ("offset" = Option<u64>, Query, description = "Cases to skip"),
    ),
    responses((status = 200, description = "`{\"cases\": [Case], \"total\": n, \"people\": {key id: display name}}`", body = Object),
              (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut filter = CaseFilter {
        limit: DEFAULT_PAGE,
        ..CaseFilter::default()
    };
    let mut seen = std::collections::HashSet::new();
    for (k, v) in crate::params::query_pairs(query.as_deref())? {
        if !seen.insert(k.to_string()) {
            return Err(ApiError::parameter(format!("`{k}` is given twice")));
        }
        let v = v.trim().to_string();
        let number = |v: &str| {
            v.parse::<u64>().map_err(|_| {
                ApiError::parameter(format!("`{k}` must be a non-negative integer, not `{v}`"))
            })
        };
        match k.as_ref() {
            "status" if !v.is_empty() => filter.status = Some(parse_input::<CaseStatus>(&v)?),
            "kind" if !v.is_empty() => filter.kind = Some(parse_input::<CaseKind>(&v)?),
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
    }
    let (cases, total, names) = with_store(&state, move |s| {
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
    Ok(Json(
        json!({ "cases": cases, "total": total, "people": people }),
    ))
}

/// `people` of a workbench answer: the display name (`yalu keys create
/// --name`) of each key id among `ids` that has one, so that pages show
/// who acted, with the key id beside it for the record.
fn people<'a>(
    names: &std::collections::BTreeMap<String, String>,
    ids: impl Iterator<Item = &'a str>,
) -> Value {
    let mut out = serde_json::Map::new();
    for id in ids {
        if let Some(name) = names.get(id) {
            out.insert(id.to_string(), Value::String(name.clone()));
        }
    }
    Value::Object(out)
}

/// `GET /cases/{id}`: the case, its alert or hit, comments, history, evidence.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "`{\"case\", \"alert\"|\"hit\", \"comments\", \"history\", \"evidence\", \"people\": {key id: display name}}`", body = Object),
              (status = 404, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn detail(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let (d, names) = with_store(&state, move |s| {
        Ok((s.cases().detail(id)?, s.keys().names()?))
    })
    .await?;
    Ok(Json(render_detail(d, &names)))
}

fn render_detail(d: CaseDetail, names: &std::collections::BTreeMap<String, String>) -> Value {
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
    let payload_key = match d.case.kind {
        CaseKind::Alert => "alert",
        CaseKind::Hit => "hit",
        CaseKind::Investigation => "investigation",
    };
    let evidence = match d.case.kind {
        CaseKind::Investigation => merged_evidence(&d.members, &d.member_payloads),
        kind => evidence(kind, &d.payload),
    };
    let mut out = json!({
        "case": d.case,
        "comments": d.comments,
        "history": d.history,
        "evidence": evidence,
        "people": people,
        "members": d.members,
    });
    out[payload_key] = d.payload;
    out
}

/// Most persons on an investigation's timeline.
const TIMELINE_PERSONS: usize = 25;
/// Most subjects whose rule evaluation an investigation shows.
const EXPLAINED_SUBJECTS: usize = 12;

/// An investigation's evidence: the union of its members' evidence
/// (timeline events by record and person, network nodes by id, edges by
/// ends and kind), and each member's rule explanations.
fn merged_evidence(members: &[yalu_store::Case], payloads: &[Value]) -> Value {
    let mut timeline: Vec<Value> = Vec::new();
    let mut seen_events = std::collections::HashSet::new();
    let mut nodes: Vec<Value> = Vec::new();
    let mut node_ids = std::collections::HashSet::new();
    let mut edges: Vec<Value> = Vec::new();
    let mut seen_edges = std::collections::HashSet::new();
    let mut explanations: Vec<Value> = Vec::new();
    let mut seen_explained = std::collections::HashSet::new();
    let mut persons = 0u64;
    for (case, payload) in members.iter().zip(payloads) {
        let e = evidence(case.kind, payload);
        persons = persons.max(e["timeline_persons"].as_u64().unwrap_or(0));
        for ev in e["timeline"].as_array().into_iter().flatten() {
            let key = (
                ev["person_id"].to_string(),
                ev["record_id"].to_string(),
                ev["date"].to_string(),
                ev["kind"].to_string(),
            );
            if seen_events.insert(key) {
                timeline.push(ev.clone());
            } else if ev["evidence"] == true {
                // Cited by one member: cited in the investigation.
                if let Some(t) = timeline.iter_mut().find(|t| {
                    t["person_id"] == ev["person_id"]
                        && t["record_id"] == ev["record_id"]
                        && t["date"] == ev["date"]
                        && t["kind"] == ev["kind"]
                }) {
                    t["evidence"] = Value::Bool(true);
                }
            }
        }
        for n in e["network"]["nodes"].as_array().into_iter().flatten() {
            if node_ids.insert(n["id"].to_string()) {
                nodes.push(n.clone());
            }
        }
        for ed in e["network"]["edges"].as_array().into_iter().flatten() {
            if seen_edges.insert((
                ed["from"].to_string(),
                ed["to"].to_string(),
                ed["kind"].to_string(),
            )) {
                edges.push(ed.clone());
            }
        }
        for x in e["explanations"].as_array().into_iter().flatten() {
            if seen_explained.insert(x["label"].to_string()) {
                explanations.push(x.clone());
            }
        }
    }
    // The drawing and its table stay readable: the persons of the
    // highest-priority members first, at most TIMELINE_PERSONS of them
    // (`timeline_persons` says how many there are).
    let mut shown: Vec<&str> = Vec::new();
    for ev in &timeline {
        if let Some(p) = ev["person_id"].as_str()
            && !shown.contains(&p)
        {
            shown.push(p);
        }
    }
    persons = persons.max(shown.len() as u64);
    let keep: std::collections::HashSet<String> = shown
        .iter()
        .take(TIMELINE_PERSONS)
        .map(|p| p.to_string())
        .collect();
    timeline.retain(|ev| ev["person_id"].as_str().is_none_or(|p| keep.contains(p)));
    explanations.truncate(EXPLAINED_SUBJECTS);
    timeline.sort_by(|a, b| {
        (a["person_id"].as_str(), a["date"].as_str())
            .cmp(&(b["person_id"].as_str(), b["date"].as_str()))
    });
    json!({
        "timeline": timeline,
        "timeline_persons": persons,
        "network": {"nodes": nodes, "edges": edges},
        "explanations": explanations,
    })
}

/// The evidence view. When the importer attached one built from the
/// detection data set (an `evidence` object with `timeline` and `network`,
/// as `yalu demo` does), that one; otherwise one built from the alert or
/// hit itself: an alert's period on a timeline and its subjects linked to
/// its evidence records; a hit's record linked to the list entry.
fn evidence(kind: CaseKind, p: &Value) -> Value {
    if let Some(attached) = p
        .get("evidence")
        .filter(|e| e["timeline"].is_array() && e["network"]["nodes"].is_array())
    {
        return attached.clone();
    }
    let strings = |field: &str| -> Vec<String> {
        p[field]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    match kind {
        CaseKind::Alert => {
            let subjects = strings("subject_ids");
            let records = strings("evidence_ids");
            let person = subjects.first().cloned();
            let mut timeline = Vec::new();
            for (field, what) in [
                ("period_start", "period_start"),
                ("period_end", "period_end"),
            ] {
                if let Some(date) = p[field].as_str() {
                    timeline.push(json!({
                        "person_id": person, "date": date, "kind": what,
                        "detail": p["summary"], "record_id": null,
                    }));
                }
            }
            let mut nodes: Vec<Value> = subjects
                .iter()
                .map(|s| json!({"id": s, "label": s, "kind": "subject"}))
                .collect();
            nodes.extend(
                records
                    .iter()
                    .filter(|r| !subjects.contains(r))
                    .map(|r| json!({"id": r, "label": r, "kind": "record"})),
            );
            let edges: Vec<Value> = subjects
                .iter()
                .flat_map(|s| {
                    records
                        .iter()
                        .filter(move |r| *r != s)
                        .map(move |r| json!({"from": s, "to": r, "kind": "evidence"}))
                })
                .collect();
            json!({"timeline": timeline, "network": {"nodes": nodes, "edges": edges}})
        }
        CaseKind::Hit => {
            let record = p["query_id"]
                .as_str()
                .or(p["record_id"].as_str())
                .or(p["query_name"].as_str());
            let entity = p["entity_id"].as_str().or(p["id"].as_str());
            let (nodes, edges) = match (record, entity) {
                (Some(r), Some(e)) => (
                    vec![
                        json!({"id": r, "label": p["query_name"].as_str().unwrap_or(r), "kind": "record"}),
                        json!({"id": e, "label": p["caption"].as_str().unwrap_or(e), "kind": "list_entry"}),
                    ],
                    vec![json!({"from": r, "to": e, "kind": "match"})],
                ),
                _ => (vec![], vec![]),
            };
            json!({"timeline": [], "network": {"nodes": nodes, "edges": edges}})
        }
        CaseKind::Investigation => {
            json!({"timeline": [], "network": {"nodes": [], "edges": []}})
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    alerts: Option<Vec<Value>>,
    hits: Option<Vec<Value>>,
}

/// `POST /cases/import`: alerts (`yalu detect`) or hits (`yalu screen`, the
/// API) become cases; the same finding twice is one case.
#[utoipa::path(post, path = "/cases/import", tag = "cases",
    request_body(content = Object, description = "`{\"alerts\": [...]}` or `{\"hits\": [...]}`"),
    responses((status = 200, description = "`{\"created\", \"existing\", \"suppressed\", \"items\"}`", body = Object),
              (status = 422, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn import(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body: ImportBody = json_body(body)?;
    let report = match (body.alerts, body.hits) {
        (Some(alerts), None) => {
            with_store(&state, move |s| {
                s.cases().import_alerts(&caller.key_id, &alerts)
            })
            .await?
        }
        (None, Some(hits)) => {
            // The list entries as currently loaded fingerprint each hit's
            // entry, so a changed entry is raised again after a
            // false-positive closing.
            let loaded = state.index.load_full();
            with_store(&state, move |s| {
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
    Ok(Json(
        serde_json::to_value(report).expect("reports serialise"),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    /// `null` (or absent) unassigns.
    #[serde(default)]
    assignee: Option<String>,
    /// The case version the change was decided on (optional).
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    text: String,
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    resolution: String,
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

/// A body that may be empty (then `{}`).
fn optional_body<T: serde::de::DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    match &body {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
        _ => json_body(body),
    }
}

/// `POST /cases/{id}/assign` `{"assignee"}`.
#[utoipa::path(post, path = "/cases/{id}/assign", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"assignee\": \"key id or name\", \"version\": n}` (null unassigns; `version`, optional: the case version decided on, else 409 version_conflict)"),
    responses((status = 200, description = "The case", body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn assign(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let body: AssignBody = json_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.assign(by, id, body.assignee.as_deref())
    })
    .await
}

/// `POST /cases/{id}/comment` `{"text"}`.
#[utoipa::path(post, path = "/cases/{id}/comment", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"text\": \"...\", \"version\": n}` (`version` optional, checked, not raised)"),
    responses((status = 200, description = "The comment", body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn comment(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let body: CommentBody = json_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.comment(by, id, &body.text)
    })
    .await
}

/// `POST /cases/{id}/status` `{"status": "open"|"in_review"|"escalated"}`.
#[utoipa::path(post, path = "/cases/{id}/status", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"status\": \"open\"|\"in_review\"|\"escalated\", \"version\": n}` (`version` optional)"),
    responses((status = 200, description = "The case", body = Object), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let body: StatusBody = json_body(body)?;
    let to: CaseStatus = parse_input(&body.status)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.set_status(by, id, to)
    })
    .await
}

/// `POST /cases/{id}/close` `{"resolution", "rationale"}`: a true match
/// waits for a second analyst's approval.
#[utoipa::path(post, path = "/cases/{id}/close", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"resolution\": \"true_match\"|\"false_positive\"|\"not_actionable\", \"rationale\": \"...\", \"version\": n}` (`version` optional)"),
    responses((status = 200, description = "The case (closed, or pending_approval for a true match)", body = Object),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let body: CloseBody = json_body(body)?;
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
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"rationale\": \"...\", \"version\": n}` (both optional)"),
    responses((status = 200, description = "The closed case", body = Object),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn approve(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let body: NoteBody = optional_body(body)?;
    act_on_case(&state, caller, id, body.version, move |cases, by, id| {
        cases.approve(by, id, body.rationale.as_deref())
    })
    .await
}

/// `POST /cases/{id}/reject-approval` `{"rationale"?}`: back to in_review.
#[utoipa::path(post, path = "/cases/{id}/reject-approval", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = Object, description = "`{\"rationale\": \"...\", \"version\": n}` (both optional)"),
    responses((status = 200, description = "The case, in review again", body = Object), (status = 409, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn reject_approval(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
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
    responses((status = 200, description = "`{\"done\": n, \"refused\": n, \"results\": [{\"id\", \"ok\", \"case\"?, \"code\"?, \"detail\"?}]}`", body = Object),
              (status = 422, body = ErrorBody)),
    security(("api_key" = [])))]
pub async fn bulk(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body: BulkBody = json_body(body)?;
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
    let outcomes = with_store(&state, move |s| {
        s.cases().bulk(&caller.key_id, &ids, &action)
    })
    .await?;
    let mut done = 0;
    let results: Vec<Value> = outcomes
        .into_iter()
        .map(|(id, outcome)| match outcome {
            Ok(case) => {
                done += 1;
                json!({"id": id, "ok": true, "case": case})
            }
            Err(e) => {
                let err = store_error(e);
                json!({"id": id, "ok": false, "code": err.code.as_str(), "detail": err.detail})
            }
        })
        .collect();
    let refused = results.len() - done;
    Ok(Json(
        json!({"done": done, "refused": refused, "results": results}),
    ))
}

/// `GET /audit?format=json|jsonl&since=SEQ`: the append-only audit log,
/// oldest first (entries after `since`). Read-only: no route changes it.
#[utoipa::path(get, path = "/audit", tag = "cases",
    params(
        ("format" = Option<String>, Query, description = "json (an array, default) or jsonl (one entry per line)"),
        ("since" = Option<i64>, Query, description = "Only entries with a larger `seq`"),
    ),
    responses((status = 200, description = "`[{\"seq\", \"at\", \"actor\", \"actor_name\"?, \"action\", \"case_id\", \"before\", \"after\", \"detail\"}]` (`actor_name`: the key's display name, when it has one)", body = Object),
              (status = 400, body = ErrorBody)),
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
    let (entries, names) = with_store(&state, move |s| {
        Ok((s.cases().audit(since)?, s.keys().names()?))
    })
    .await?;
    // Each entry as stored, with the actor's display name beside the key id.
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let mut v = json!(e);
            if let Some(name) = names.get(&e.actor) {
                v["actor_name"] = Value::String(name.clone());
            }
            v
        })
        .collect();
    if lines {
        let mut text = String::new();
        for e in &entries {
            text.push_str(&serde_json::to_string(e).expect("entries serialise"));
            text.push('\n');
        }
        Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], text).into_response())
    } else {
        Ok(Json(entries).into_response())
    }
}

/// `GET /dashboard`: cases by rule and status, open cases, revenue estimate.
#[utoipa::path(get, path = "/dashboard", tag = "cases",
    responses((status = 200, description = "`{\"by_rule\", \"by_status\", \"estimated_revenue_usd\", \"open_cases\"}`", body = Object)),
    security(("api_key" = [])))]
pub async fn dashboard(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let d = with_store(&state, |s| s.cases().dashboard()).await?;
    Ok(Json(json!(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_investigation_shows_the_union_of_its_members_evidence() {
        let store = Store::open_in_memory().unwrap();
        let member = |id: &str, cited: bool, persons: usize| {
            let timeline: Vec<Value> = (0..persons)
                .map(|p| json!({"person_id": format!("P{p}"), "date": "2024-01-01",
                    "kind": "entry", "detail": "in", "record_id": format!("c{p}"), "evidence": cited}))
                .collect();
            json!({"alert_id": id, "rule": "R", "severity": "high", "subject_ids": ["s"],
                "evidence_ids": [], "summary": id, "estimated_revenue_usd": 1.0,
                "evidence": {"timeline": timeline, "network": {
                    "nodes": [{"id": "A", "label": "Agency", "kind": "agency"}, {"id": id, "label": id, "kind": "worker"}],
                    "edges": [{"from": "A", "to": id, "kind": "sent"}]}}})
        };
        let r = store
            .cases()
            .import_alerts("a", &[member("m1", false, 30), member("m2", true, 2)])
            .unwrap();
        let inv = r.items[0].investigation_id.unwrap();
        let d = store.cases().detail(inv).unwrap();
        let e = merged_evidence(&d.members, &d.member_payloads);
        let timeline = e["timeline"].as_array().unwrap();
        assert_eq!(e["timeline_persons"], 30);
        let persons: std::collections::HashSet<&str> = timeline
            .iter()
            .map(|t| t["person_id"].as_str().unwrap())
            .collect();
        assert_eq!(persons.len(), TIMELINE_PERSONS);
        // P0's entry is in both members, once, cited by m2.
        let p0: Vec<&Value> = timeline.iter().filter(|t| t["person_id"] == "P0").collect();
        assert_eq!(p0.len(), 1);
        assert_eq!(p0[0]["evidence"], true);
        let nodes = e["network"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 3, "the agency once, both workers");
        assert_eq!(e["network"]["edges"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn attached_evidence_wins_else_it_is_derived_from_the_alert() {
        let mut alert = json!({
            "subject_ids": ["p1"], "evidence_ids": ["v1", "p1"],
            "period_start": "2024-01-02", "period_end": null, "summary": "s"
        });
        let derived = evidence(CaseKind::Alert, &alert);
        assert_eq!(derived["network"]["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(
            derived["network"]["edges"],
            json!([{"from": "p1", "to": "v1", "kind": "evidence"}])
        );
        assert_eq!(derived["timeline"].as_array().unwrap().len(), 1);
        let attached = json!({"timeline": [{"person_id": "p1", "date": "2023-05-01",
            "kind": "visa", "detail": "work visa", "record_id": "v1"}],
            "network": {"nodes": [], "edges": []}});
        alert["evidence"] = attached.clone();
        assert_eq!(evidence(CaseKind::Alert, &alert), attached);
        // A malformed attachment is ignored.
        alert["evidence"] = json!({"timeline": "no"});
        assert_eq!(evidence(CaseKind::Alert, &alert), derived);
    }
}
