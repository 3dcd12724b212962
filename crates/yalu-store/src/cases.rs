//! Cases and their review: alerts and screening hits become cases; analysts
//! assign, comment, move and close them; every action is written to the
//! append-only audit log in the same transaction as the change itself.
//!
//! ## The review flow
//!
//! ```text
//!            set_status                      close(true_match)
//!   open ⇄ in_review ⇄ escalated ──────────────────────────────► pending_approval
//!     │         │          │                                       │         │
//!     └─────────┴──────────┴─ close(false_positive |               │ approve │ reject_approval
//!                               not_actionable) ──► closed ◄───────┘ (other  └──► in_review
//!                                                                     analyst)
//! ```
//!
//! - Closing needs a non-empty rationale ([`StoreError::RationaleRequired`]).
//! - A true match needs a second analyst: whoever requested it cannot approve
//!   it ([`StoreError::FourEyes`]).
//! - A screening hit closed as a false positive suppresses its (record, list
//!   entry) pair for that version of the entry (a hash of its properties):
//!   importing the same hit again is counted as `suppressed` and raises no
//!   case, until the entry's properties change.
//! - Importing the same alert (same `alert_id`) or the same hit (same record,
//!   entry and entry version) again finds the existing case.
//!
//! ```
//! use yalu_store::{CaseStatus, Resolution, Store};
//! use serde_json::json;
//!
//! let store = Store::open_in_memory()?;
//! let cases = store.cases();
//! let alert = json!({
//!     "alert_id": "YA-00000000000000a1", "rule": "VISA_RUN_CYCLE", "severity": "high",
//!     "subject_ids": ["p1"], "evidence_ids": ["v1", "b1"], "period_start": "2024-01-05",
//!     "period_end": "2024-03-01", "summary": "3 visa runs", "estimated_revenue_usd": 1200.0
//! });
//! let report = cases.import_alerts("ana", &[alert.clone()])?;
//! assert_eq!((report.created, report.existing), (1, 0));
//! assert_eq!(cases.import_alerts("ana", &[alert])?.existing, 1); // no second case
//!
//! let id = report.items[0].case_id.unwrap();
//! cases.set_status("ana", id, CaseStatus::InReview)?;
//! let pending = cases.close("ana", id, Resolution::TrueMatch, "passport and employer agree")?;
//! assert_eq!(pending.status, CaseStatus::PendingApproval);
//! assert!(cases.approve("ana", id, None).is_err()); // four eyes
//! let closed = cases.approve("ben", id, Some("checked"))?;
//! assert_eq!(closed.resolution, Some(Resolution::TrueMatch));
//! // The alert opened an investigation: its creation is logged too.
//! assert!(report.items[0].investigation_id.is_some());
//! assert_eq!(cases.audit(None)?.len(), 5); // create ×2, status, close, approve
//! # Ok::<(), yalu_store::StoreError>(())
//! ```

use crate::db::{Row, Sql, Value};
use crate::{Store, StoreError, format_timestamp_millis, unix_now_millis};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The rule name of cases raised from screening hits.
pub const SCREENING_HIT_RULE: &str = "SCREENING_HIT";

/// The rule name of investigations (cases that group alerts and hits).
pub const INVESTIGATION_RULE: &str = "INVESTIGATION";

/// Most cases one list call returns.
pub const MAX_PAGE: u64 = 1000;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = StoreError;
            fn from_str(s: &str) -> Result<Self, StoreError> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let known: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    StoreError::InvalidInput(format!(
                        "unknown {} `{s}` (expected one of: {})",
                        stringify!($name), known.join(", ")
                    ))
                })
            }
        }
    };
}

string_enum! {
    /// Where a case is in its review.
    CaseStatus {
        Open = "open",
        InReview = "in_review",
        Escalated = "escalated",
        PendingApproval = "pending_approval",
        Closed = "closed",
    }
}

string_enum! {
    /// How a case was closed.
    Resolution {
        TrueMatch = "true_match",
        FalsePositive = "false_positive",
        NotActionable = "not_actionable",
    }
}

string_enum! {
    /// What a case was raised from.
    CaseKind {
        Alert = "alert",
        Hit = "hit",
        Investigation = "investigation",
    }
}

impl CaseStatus {
    /// States an analyst may move a case between with [`CaseStore::set_status`].
    pub fn is_working(self) -> bool {
        matches!(
            self,
            CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated
        )
    }
}

/// A requested true-match closing and who approved it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approval {
    pub requested_by: String,
    pub resolution: Resolution,
    pub rationale: Option<String>,
    pub approved_by: Option<String>,
}

/// One case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: i64,
    pub kind: CaseKind,
    /// The alert's rule id, or `SCREENING_HIT`.
    pub rule: String,
    pub severity: String,
    pub status: CaseStatus,
    pub resolution: Option<Resolution>,
    pub title: String,
    pub subject_ids: Vec<String>,
    pub evidence_ids: Vec<String>,
    /// Hits: the list entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// Hits: the screened record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_revenue_usd: Option<f64>,
    pub assignee: Option<String>,
    /// The closing rationale.
    pub rationale: Option<String>,
    pub closed_by: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// 1 when imported, raised by one with every review action (not by
    /// comments). Send it back with an action ([`CaseStore::at_version`])
    /// to have the action refused if someone changed the case meanwhile.
    /// An investigation's is also raised when new alerts join it.
    pub version: i64,
    /// Alerts and hits: the investigation they belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investigation_id: Option<i64>,
    /// Rank in the queue, higher first ([`priority`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// Distinct workers concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<i64>,
    /// Investigations: how many of its alerts and hits each rule raised.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, u64>,
}

impl Case {
    /// The part of a case that review actions change, as recorded in the
    /// audit log's `before` and `after`.
    pub fn state(&self) -> Json {
        let mut s = json!({
            "status": self.status,
            "resolution": self.resolution,
            "assignee": self.assignee,
        });
        if let Some(a) = &self.approval {
            s["approval"] = json!({
                "requested_by": a.requested_by,
                "resolution": a.resolution,
                "approved_by": a.approved_by,
            });
        }
        s
    }
}

/// A comment on a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub case_id: i64,
    pub author: String,
    pub text: String,
    pub created_at: String,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: i64,
    /// RFC 3339 UTC with milliseconds.
    pub at: String,
    /// The key id of whoever acted.
    pub actor: String,
    pub action: String,
    pub case_id: Option<i64>,
    /// [`Case::state`] before the action (`null` when the case was created).
    pub before: Option<Json>,
    /// [`Case::state`] after the action.
    pub after: Option<Json>,
    pub detail: Option<String>,
}

/// A case with everything shown on its page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    /// The alert or hit as imported.
    pub payload: Json,
    pub comments: Vec<Comment>,
    /// This case's audit entries, oldest first.
    pub history: Vec<AuditEntry>,
    /// Investigations: their alerts and hits, highest priority first.
    pub members: Vec<Case>,
    /// The alerts and hits as imported, in the order of `members`.
    #[serde(skip)]
    pub member_payloads: Vec<Json>,
}

/// What happened to one imported alert or hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Created,
    Existing,
    Suppressed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportItem {
    pub outcome: ImportOutcome,
    /// The new or existing case; for a suppressed hit, the case whose
    /// false-positive closing suppressed it.
    pub case_id: Option<i64>,
    /// The investigation the new or existing case belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investigation_id: Option<i64>,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub existing: usize,
    pub suppressed: usize,
    /// Investigations opened by this import.
    pub investigations_opened: usize,
    /// Existing investigations that new alerts or hits joined.
    pub investigations_extended: usize,
    /// One per imported object, in input order.
    pub items: Vec<ImportItem>,
}

/// Filters of [`CaseStore::list`]; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub rule: Option<String>,
    pub assignee: Option<String>,
    pub kind: Option<CaseKind>,
    /// Case-insensitive substring of the title, subject ids, record or entity id.
    pub q: Option<String>,
    /// Only units of work: investigations, and cases in none (imported
    /// before investigations existed). With `rule`, the investigations
    /// that hold an alert of that rule.
    pub units_only: bool,
    /// Only the alerts and hits of this investigation.
    pub investigation: Option<i64>,
    pub sort: CaseSort,
    pub limit: u64,
    pub offset: u64,
}

/// The order of [`CaseStore::list`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseSort {
    /// Newest first.
    #[default]
    Newest,
    /// Highest [`priority`] first, then newest.
    Priority,
}

/// An investigation's (or a case's) priority: its severity's weight (low 1,
/// medium 2, high 3, critical 4, other 1) times `1 + log2(1 + workers)`
/// times `1 + log10(1 + revenue in USD)`. Doubling the workers or
/// multiplying the revenue by ten adds about one step each; a high-severity
/// scheme outranks a low one of the same size.
pub fn priority(severity: &str, workers: i64, revenue_usd: f64) -> f64 {
    let weight = severity_rank(severity) as f64;
    let workers = workers.max(0) as f64;
    let revenue = revenue_usd.max(0.0);
    let p = weight * (1.0 + (1.0 + workers).log2()) * (1.0 + (1.0 + revenue).log10());
    (p * 1000.0).round() / 1000.0
}

fn severity_rank(severity: &str) -> u8 {
    match severity.to_ascii_lowercase().as_str() {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        _ => 1,
    }
}

/// What one alert or hit says about its network, for grouping: `keys`
/// (first the anchor, then the others; `org:ID`, `person:ID`), a `label`
/// for the investigation opened on it, and the `workers` (resolved person
/// ids) it concerns. Importers that know the data set attach it as the
/// `investigation` field (`yalu_detect::evidence::EvidenceBuilder::scheme`);
/// without it, the subject ids (alerts) or the record id (hits) are the keys.
#[derive(Debug, Clone, PartialEq)]
struct Scheme {
    keys: Vec<String>,
    label: String,
    workers: Vec<String>,
}

/// Counts for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dashboard {
    /// Alerts and hits per rule.
    pub by_rule: BTreeMap<String, u64>,
    /// Units of work per status.
    pub by_status: BTreeMap<String, u64>,
    /// Sum over units of work not closed as false positive or not actionable.
    pub estimated_revenue_usd: f64,
    /// Units of work (investigations, and cases in none) not closed.
    pub open_cases: u64,
}

/// One case of a [`CaseStore::bulk`] action: its id and the changed case,
/// or why it was refused.
pub type BulkOutcome = (i64, Result<Case, StoreError>);

/// A change [`CaseStore::bulk`] applies to each selected case.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkAction {
    /// Assign to this analyst (`None` unassigns).
    Assign(Option<String>),
    /// Move between open, in review and escalated.
    Status(CaseStatus),
}

/// A fingerprint of one version of a list entry: SHA-256 over its schema
/// and properties (values sorted), hex. A change to any property changes it.
pub fn entry_fingerprint(entity: &yalu_model::Entity) -> String {
    let mut props: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, vs) in &entity.properties {
        let mut vs: Vec<&str> = vs.iter().map(String::as_str).collect();
        vs.sort_unstable();
        props.insert(k, vs);
    }
    let text = serde_json::to_string(&json!({
        "schema": entity.schema.name(),
        "properties": props,
    }))
    .expect("strings serialise");
    hex_digest(text.as_bytes())
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Cases in a [`Store`].
pub struct CaseStore<'s> {
    store: &'s Store,
    /// The version review actions require the case to be at.
    expected_version: Option<i64>,
}

const CASE_COLUMNS: &str = "id, kind, rule, severity, status, resolution, title, subject_ids, \
     evidence_ids, record_id, entity_id, score, estimated_revenue_usd, assignee, \
     requested_resolution, requested_by, requested_rationale, approved_by, rationale, \
     closed_by, created_at, updated_at, version, investigation_id, priority, workers";
/// The column after [`CASE_COLUMNS`].
const PAYLOAD_COLUMN: usize = 26;

/// A validated alert or hit, ready to insert.
struct NewCase {
    kind: CaseKind,
    dedupe_key: String,
    rule: String,
    severity: String,
    title: String,
    subject_ids: Vec<String>,
    evidence_ids: Vec<String>,
    record_id: Option<String>,
    entity_id: Option<String>,
    entry_hash: Option<String>,
    score: Option<f64>,
    estimated_revenue_usd: Option<f64>,
    workers: Option<i64>,
    scheme: Scheme,
    payload: String,
}

impl<'s> CaseStore<'s> {
    pub(crate) fn new(store: &'s Store) -> Self {
        CaseStore {
            store,
            expected_version: None,
        }
    }

    /// Makes the review actions of this handle conditional on the case
    /// being at `version` (`None`: no condition). An action on a case that
    /// has moved on is refused with [`StoreError::VersionConflict`] and
    /// changes nothing; a comment checks the version but does not raise it.
    pub fn at_version(mut self, version: Option<i64>) -> Self {
        self.expected_version = version;
        self
    }

    /// Imports alerts as written by `yalu detect` (one JSON object each).
    /// Every alert is checked before anything is written: one bad alert
    /// fails the whole import, naming it and its field.
    pub fn import_alerts(&self, actor: &str, alerts: &[Json]) -> Result<ImportReport, StoreError> {
        let new: Vec<NewCase> = alerts
            .iter()
            .enumerate()
            .map(|(i, a)| parse_alert(&format!("alerts[{i}]"), a))
            .collect::<Result<_, _>>()?;
        self.import(actor, new)
    }

    /// Imports screening hits as written by `yalu screen` (JSON lines) or
    /// answered by the API. `fingerprint` gives the current version of a
    /// list entry by id (see [`entry_fingerprint`]); when it has none, the
    /// hit's own entry fields (caption, schema, datasets, and `properties`
    /// if present) are hashed instead.
    pub fn import_hits(
        &self,
        actor: &str,
        hits: &[Json],
        fingerprint: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ImportReport, StoreError> {
        let new: Vec<NewCase> = hits
            .iter()
            .enumerate()
            .map(|(i, h)| parse_hit(&format!("hits[{i}]"), h, fingerprint))
            .collect::<Result<_, _>>()?;
        self.import(actor, new)
    }

    fn import(&self, actor: &str, new: Vec<NewCase>) -> Result<ImportReport, StoreError> {
        check_actor(actor)?;
        let actor = actor.to_string();
        // SQLite's search table is a trigram index (migration 7) whose rowid
        // is the case id: a search then reads ids from the index alone.
        let insert_search = match self.store.db().kind() {
            crate::BackendKind::Sqlite => {
                "INSERT INTO case_search (rowid, case_id, text) VALUES (?1, ?1, ?2)"
            }
            crate::BackendKind::Postgres => "INSERT INTO case_search (case_id, text) VALUES (?, ?)",
        };
        self.store.db().write(move |db| {
            let actor = actor.as_str();
            let mut report = ImportReport::default();
            // The new cases, to be grouped once all are written.
            let mut joining: Vec<(usize, i64, Scheme)> = Vec::new();
            for n in new {
                let now = unix_now_millis();
                if let (Some(record), Some(entity), Some(hash)) =
                    (&n.record_id, &n.entity_id, &n.entry_hash)
                {
                    let suppressed = db.query_opt(
                        "SELECT case_id FROM suppressions
                         WHERE record_id = ? AND entity_id = ? AND entry_hash = ?",
                        &[record.as_str().into(), entity.as_str().into(), hash.as_str().into()],
                    )?;
                    if let Some(row) = suppressed {
                        let case_id = row[0].int()?;
                        append_audit(
                            db,
                            now,
                            actor,
                            "suppressed",
                            Some(case_id),
                            None,
                            None,
                            Some(&format!(
                                "hit on record {record} and list entry {entity} not raised: \
                                 closed as a false positive in case {case_id} and the entry is unchanged"
                            )),
                        )?;
                        report.suppressed += 1;
                        report.items.push(ImportItem {
                            outcome: ImportOutcome::Suppressed,
                            case_id: Some(case_id),
                            investigation_id: None,
                        });
                        continue;
                    }
                }
                let existing = db.query_opt(
                    "SELECT id, investigation_id FROM cases WHERE dedupe_key = ?",
                    &[n.dedupe_key.as_str().into()],
                )?;
                if let Some(row) = existing {
                    report.existing += 1;
                    report.items.push(ImportItem {
                        outcome: ImportOutcome::Existing,
                        case_id: Some(row[0].int()?),
                        investigation_id: row[1].opt_int()?,
                    });
                    continue;
                }
                let id = next_id(db, "cases", "id")?;
                let subject_ids = json_text(&n.subject_ids);
                let search = search_text(
                    &n.title,
                    &subject_ids,
                    n.record_id.as_deref(),
                    n.entity_id.as_deref(),
                );
                let rank = priority(
                    &n.severity,
                    n.workers.unwrap_or(0),
                    n.estimated_revenue_usd.unwrap_or(0.0),
                );
                db.exec(
                    "INSERT INTO cases (id, kind, dedupe_key, rule, severity, status, title,
                         subject_ids, evidence_ids, record_id, entity_id, entry_hash, score,
                         estimated_revenue_usd, payload, created_at, updated_at, priority, workers)
                     VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &[
                        id.into(),
                        n.kind.as_str().into(),
                        n.dedupe_key.into(),
                        n.rule.into(),
                        n.severity.into(),
                        n.title.into(),
                        subject_ids.into(),
                        json_text(&n.evidence_ids).into(),
                        n.record_id.into(),
                        n.entity_id.into(),
                        n.entry_hash.into(),
                        n.score.into(),
                        n.estimated_revenue_usd.into(),
                        n.payload.into(),
                        now.into(),
                        now.into(),
                        rank.into(),
                        n.workers.into(),
                    ],
                )?;
                db.exec(insert_search, &[id.into(), search.into()])?;
                let case = load_case(db, id)?;
                append_audit(
                    db,
                    now,
                    actor,
                    "create",
                    Some(id),
                    None,
                    Some(&case.state()),
                    Some(&format!("imported {} {}", n.kind, case.title)),
                )?;
                report.created += 1;
                joining.push((report.items.len(), id, n.scheme));
                report.items.push(ImportItem {
                    outcome: ImportOutcome::Created,
                    case_id: Some(id),
                    investigation_id: None,
                });
            }
            group_into_investigations(db, actor, insert_search, joining, &mut report)?;
            Ok(report)
        })
    }

    /// Cases matching `filter`, newest first, and how many match in all.
    pub fn list(&self, filter: &CaseFilter) -> Result<(Vec<Case>, u64), StoreError> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(s) = filter.status {
            clauses.push("status = ?");
            params.push(s.as_str().into());
        }
        if let Some(r) = &filter.rule {
            if filter.units_only {
                // An investigation has the rules of its alerts.
                clauses.push(
                    "(rule = ? OR id IN (SELECT investigation_id FROM cases WHERE rule = ?))",
                );
                params.push(r.as_str().into());
            } else {
                clauses.push("rule = ?");
            }
            params.push(r.as_str().into());
        }
        if let Some(a) = &filter.assignee {
            clauses.push("assignee = ?");
            params.push(a.as_str().into());
        }
        if let Some(k) = filter.kind {
            clauses.push("kind = ?");
            params.push(k.as_str().into());
        }
        if filter.units_only {
            clauses.push("investigation_id IS NULL");
        }
        if let Some(inv) = filter.investigation {
            clauses.push("investigation_id = ?");
            params.push(inv.into());
        }
        let sqlite = self.store.db().kind() == crate::BackendKind::Sqlite;
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let q = q.trim().to_lowercase();
            if sqlite && q.chars().count() >= 3 {
                // The trigram index (migration 7): a phrase of the text's
                // trigrams, i.e. the rows that contain it.
                clauses.push("id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)");
                params.push(format!("\"{}\"", q.replace('"', "\"\"")).into());
            } else {
                clauses
                    .push("id IN (SELECT case_id FROM case_search WHERE text LIKE ? ESCAPE '!')");
                let escaped: String = q
                    .chars()
                    .flat_map(|c| match c {
                        '%' | '_' | '!' => vec!['!', c],
                        c => vec![c],
                    })
                    .collect();
                params.push(format!("%{escaped}%").into());
            }
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let limit = filter.limit.clamp(1, MAX_PAGE) as i64;
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        self.store.db().read(|db| {
            let total = db.query_one(&format!("SELECT COUNT(*) FROM cases{filter_sql}"), &params)?
                [0]
            .int()? as u64;
            let mut page_params = params.clone();
            page_params.push(limit.into());
            page_params.push(offset.into());
            let order = match filter.sort {
                CaseSort::Newest => "id DESC",
                CaseSort::Priority => "priority DESC NULLS LAST, id DESC",
            };
            let rows = db.query(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM cases{filter_sql} ORDER BY {order} LIMIT ? OFFSET ?"
                ),
                &page_params,
            )?;
            let mut cases: Vec<Case> = rows.iter().map(case_from_row).collect::<Result<_, _>>()?;
            fill_rules(db, &mut cases)?;
            Ok((cases, total))
        })
    }

    /// One case, or `None`.
    pub fn get(&self, id: i64) -> Result<Option<Case>, StoreError> {
        self.store.db().read(|db| {
            let Some(row) = db.query_opt(
                &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?"),
                &[id.into()],
            )?
            else {
                return Ok(None);
            };
            let mut case = [case_from_row(&row)?];
            fill_rules(db, &mut case)?;
            let [case] = case;
            Ok(Some(case))
        })
    }

    /// A case with its payload, comments and history.
    pub fn detail(&self, id: i64) -> Result<CaseDetail, StoreError> {
        self.store.db().read(|db| {
            let row = db
                .query_opt(
                    &format!("SELECT {CASE_COLUMNS}, payload FROM cases WHERE id = ?"),
                    &[id.into()],
                )?
                .ok_or(StoreError::CaseNotFound(id))?;
            let mut case = [case_from_row(&row)?];
            fill_rules(db, &mut case)?;
            let [case] = case;
            let payload_text = row[PAYLOAD_COLUMN].text()?;
            let payload = serde_json::from_str(&payload_text)
                .map_err(|e| StoreError::Decode(format!("case {id} payload: {e}")))?;
            let comments = db
                .query(
                    "SELECT id, case_id, author, text, created_at FROM case_comments
                     WHERE case_id = ? ORDER BY id",
                    &[id.into()],
                )?
                .iter()
                .map(|r| {
                    Ok(Comment {
                        id: r[0].int()?,
                        case_id: r[1].int()?,
                        author: r[2].text()?,
                        text: r[3].text()?,
                        created_at: format_timestamp_millis(r[4].int()?),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            let history = audit_rows(
                db,
                &format!("{AUDIT_SELECT} WHERE case_id = ? ORDER BY seq"),
                &[id.into()],
            )?;
            let mut members = Vec::new();
            let mut member_payloads = Vec::new();
            if case.kind == CaseKind::Investigation {
                for r in db.query(
                    &format!(
                        "SELECT {CASE_COLUMNS}, payload FROM cases WHERE investigation_id = ?
                         ORDER BY priority DESC NULLS LAST, id"
                    ),
                    &[id.into()],
                )? {
                    let member = case_from_row(&r)?;
                    let payload =
                        serde_json::from_str(&r[PAYLOAD_COLUMN].text()?).map_err(|e| {
                            StoreError::Decode(format!("case {} payload: {e}", member.id))
                        })?;
                    members.push(member);
                    member_payloads.push(payload);
                }
            }
            Ok(CaseDetail {
                case,
                payload,
                comments,
                history,
                members,
                member_payloads,
            })
        })
    }

    /// Assigns a case (`None` unassigns). Not on closed cases.
    pub fn assign(&self, actor: &str, id: i64, assignee: Option<&str>) -> Result<Case, StoreError> {
        let assignee = match assignee.map(str::trim) {
            Some("") => {
                return Err(StoreError::InvalidInput(
                    "assignee is empty (send null to unassign)".into(),
                ));
            }
            other => other.map(str::to_string),
        };
        self.change(actor, id, "assign", move |case| {
            if case.status == CaseStatus::Closed {
                return Err(transition(case, "assigned", "the case is closed"));
            }
            Ok(Change {
                sql: "assignee = ?",
                params: vec![assignee.clone().into()],
                detail: Some(match &assignee {
                    Some(a) => format!("assigned to {a}"),
                    None => "unassigned".to_string(),
                }),
            })
        })
    }

    /// Adds a comment; any state, closed included.
    pub fn comment(&self, actor: &str, id: i64, text: &str) -> Result<Comment, StoreError> {
        check_actor(actor)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::InvalidInput("the comment is empty".into()));
        }
        let (actor, text) = (actor.to_string(), text.to_string());
        let expected = self.expected_version;
        self.store.db().write(move |db| {
            let (actor, text) = (actor.as_str(), text.as_str());
            let case = load_case(db, id)?;
            check_version(&case, expected)?;
            let now = unix_now_millis();
            let comment_id = next_id(db, "case_comments", "id")?;
            db.exec(
                "INSERT INTO case_comments (id, case_id, author, text, created_at)
                 VALUES (?, ?, ?, ?, ?)",
                &[
                    comment_id.into(),
                    id.into(),
                    actor.into(),
                    text.into(),
                    now.into(),
                ],
            )?;
            db.exec(
                "UPDATE cases SET updated_at = ? WHERE id = ?",
                &[now.into(), id.into()],
            )?;
            let state = case.state();
            append_audit(
                db,
                now,
                actor,
                "comment",
                Some(id),
                Some(&state),
                Some(&state),
                Some(text),
            )?;
            Ok(Comment {
                id: comment_id,
                case_id: id,
                author: actor.to_string(),
                text: text.to_string(),
                created_at: format_timestamp_millis(now),
            })
        })
    }

    /// Moves a case between open, in review and escalated.
    pub fn set_status(&self, actor: &str, id: i64, to: CaseStatus) -> Result<Case, StoreError> {
        self.change(actor, id, "status", move |case| {
            if !to.is_working() {
                return Err(transition(
                    case,
                    to.as_str(),
                    "use close, approve or reject-approval for that",
                ));
            }
            if !case.status.is_working() {
                return Err(transition(
                    case,
                    to.as_str(),
                    "only open, in-review and escalated cases change status",
                ));
            }
            if case.status == to {
                return Err(transition(case, to.as_str(), "the case is already there"));
            }
            Ok(Change {
                sql: "status = ?",
                params: vec![to.as_str().into()],
                detail: Some(format!("{} → {to}", case.status)),
            })
        })
    }

    /// Closes a case. A true match goes to `pending_approval` until a
    /// second analyst approves it; the others close at once. A false
    /// positive on a screening hit suppresses its (record, entry version).
    pub fn close(
        &self,
        actor: &str,
        id: i64,
        resolution: Resolution,
        rationale: &str,
    ) -> Result<Case, StoreError> {
        let rationale = rationale.trim().to_string();
        if rationale.is_empty() {
            return Err(StoreError::RationaleRequired("close a case"));
        }
        let actor_owned = actor.to_string();
        let action = if resolution == Resolution::TrueMatch {
            "request_approval"
        } else {
            "close"
        };
        self.change(actor, id, action, move |case| {
            if !case.status.is_working() {
                return Err(transition(
                    case,
                    "closed",
                    "only open, in-review and escalated cases can be closed",
                ));
            }
            let detail = Some(format!("{resolution}: {rationale}"));
            Ok(if resolution == Resolution::TrueMatch {
                Change {
                    sql: "status = 'pending_approval', requested_resolution = ?, \
                          requested_by = ?, requested_rationale = ?, approved_by = NULL",
                    params: vec![
                        resolution.as_str().into(),
                        actor_owned.as_str().into(),
                        rationale.as_str().into(),
                    ],
                    detail,
                }
            } else {
                Change {
                    sql: "status = 'closed', resolution = ?, rationale = ?, closed_by = ?",
                    params: vec![
                        resolution.as_str().into(),
                        rationale.as_str().into(),
                        actor_owned.as_str().into(),
                    ],
                    detail,
                }
            })
        })
    }

    /// Approves a requested true-match closing. The requester may not.
    pub fn approve(
        &self,
        actor: &str,
        id: i64,
        rationale: Option<&str>,
    ) -> Result<Case, StoreError> {
        let note = rationale
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let actor_owned = actor.to_string();
        self.change(actor, id, "approve", move |case| {
            let Some(approval) = case
                .approval
                .as_ref()
                .filter(|_| case.status == CaseStatus::PendingApproval)
            else {
                return Err(transition(case, "closed", "no closing awaits approval"));
            };
            if approval.requested_by == actor_owned {
                return Err(StoreError::FourEyes {
                    case: case.id,
                    requested_by: approval.requested_by.clone(),
                });
            }
            let rationale = match (&approval.rationale, &note) {
                (Some(r), Some(n)) => format!("{r} | approved: {n}"),
                (Some(r), None) => r.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            };
            Ok(Change {
                sql: "status = 'closed', resolution = requested_resolution, approved_by = ?, \
                      rationale = ?, closed_by = ?",
                params: vec![
                    actor_owned.as_str().into(),
                    rationale.into(),
                    actor_owned.as_str().into(),
                ],
                detail: Some(format!(
                    "approved {} requested by {}{}",
                    approval.resolution,
                    approval.requested_by,
                    note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
                )),
            })
        })
    }

    /// Refuses a requested true-match closing: the case goes back to review.
    pub fn reject_approval(
        &self,
        actor: &str,
        id: i64,
        rationale: Option<&str>,
    ) -> Result<Case, StoreError> {
        let note = rationale
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        self.change(actor, id, "reject_approval", move |case| {
            let Some(approval) = case
                .approval
                .as_ref()
                .filter(|_| case.status == CaseStatus::PendingApproval)
            else {
                return Err(transition(case, "in_review", "no closing awaits approval"));
            };
            Ok(Change {
                sql: "status = 'in_review', requested_resolution = NULL, requested_by = NULL, \
                      requested_rationale = NULL, approved_by = NULL",
                params: vec![],
                detail: Some(format!(
                    "rejected {} requested by {}{}",
                    approval.resolution,
                    approval.requested_by,
                    note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
                )),
            })
        })
    }

    /// Applies one assignment or status change to many cases (the queue's
    /// bulk actions), each in its own transaction with its own audit entry,
    /// so that a case refused (closed, already there, changed meanwhile)
    /// does not hold back the others. Answers one outcome per distinct id,
    /// in the order given. At most [`MAX_PAGE`] ids.
    pub fn bulk(
        &self,
        actor: &str,
        ids: &[i64],
        action: &BulkAction,
    ) -> Result<Vec<BulkOutcome>, StoreError> {
        check_actor(actor)?;
        if ids.is_empty() {
            return Err(StoreError::InvalidInput("no case ids were given".into()));
        }
        if ids.len() as u64 > MAX_PAGE {
            return Err(StoreError::InvalidInput(format!(
                "{} case ids were given; at most {MAX_PAGE} at once",
                ids.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        Ok(ids
            .iter()
            .filter(|id| seen.insert(**id))
            .map(|&id| {
                let outcome = match action {
                    BulkAction::Assign(to) => self.assign(actor, id, to.as_deref()),
                    BulkAction::Status(to) => self.set_status(actor, id, *to),
                };
                (id, outcome)
            })
            .collect())
    }

    /// Loads a case, lets `decide` check it and say what to set, applies
    /// that, records suppression, and appends the audit entry: all in one
    /// transaction.
    fn change(
        &self,
        actor: &str,
        id: i64,
        action: &'static str,
        decide: impl FnOnce(&Case) -> Result<Change, StoreError> + Send + 'static,
    ) -> Result<Case, StoreError> {
        check_actor(actor)?;
        let actor = actor.to_string();
        let expected = self.expected_version;
        self.store.db().write(move |db| {
            let actor = actor.as_str();
            let before = load_case(db, id)?;
            check_version(&before, expected)?;
            let change = decide(&before)?;
            let now = unix_now_millis();
            let mut params = change.params;
            params.push(now.into());
            params.push(id.into());
            params.push(before.version.into());
            let changed = db.exec(
                &format!(
                    "UPDATE cases SET {}, updated_at = ?, version = version + 1 \
                     WHERE id = ? AND version = ?",
                    change.sql
                ),
                &params,
            )?;
            if changed != 1 {
                // Writers are serialised, so this cannot happen; if it
                // ever did, refusing is the safe answer.
                let now_at = load_case(db, id)?;
                return Err(StoreError::VersionConflict {
                    case: id,
                    expected: before.version,
                    current: now_at.version,
                });
            }
            let after = load_case(db, id)?;
            if after.kind == CaseKind::Hit
                && after.status == CaseStatus::Closed
                && after.resolution == Some(Resolution::FalsePositive)
            {
                let row = db.query_one(
                    "SELECT record_id, entity_id, entry_hash FROM cases WHERE id = ?",
                    &[id.into()],
                )?;
                db.exec(
                    "INSERT INTO suppressions (record_id, entity_id, entry_hash, case_id, created_at)
                     VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (record_id, entity_id, entry_hash) DO NOTHING",
                    &[
                        row[0].clone(),
                        row[1].clone(),
                        row[2].clone(),
                        id.into(),
                        now.into(),
                    ],
                )?;
            }
            append_audit(
                db,
                now,
                actor,
                action,
                Some(id),
                Some(&before.state()),
                Some(&after.state()),
                change.detail.as_deref(),
            )?;
            Ok(after)
        })
    }

    /// The audit log, oldest first; with `since`, only entries after that
    /// sequence number.
    pub fn audit(&self, since: Option<i64>) -> Result<Vec<AuditEntry>, StoreError> {
        self.store.db().read(|db| {
            audit_rows(
                db,
                &format!("{AUDIT_SELECT} WHERE seq > ? ORDER BY seq"),
                &[since.unwrap_or(0).into()],
            )
        })
    }

    /// Alerts and hits by rule; units of work (investigations, and cases
    /// in none) by status, open, and their revenue estimate.
    pub fn dashboard(&self) -> Result<Dashboard, StoreError> {
        self.store.db().read(|db| {
            let mut d = Dashboard::default();
            for r in db.query(
                "SELECT rule, COUNT(*) FROM cases WHERE kind <> 'investigation' GROUP BY rule",
                &[],
            )? {
                d.by_rule.insert(r[0].text()?, r[1].int()? as u64);
            }
            for r in db.query(
                "SELECT status, COUNT(*) FROM cases WHERE investigation_id IS NULL GROUP BY status",
                &[],
            )? {
                let status = r[0].text()?;
                let n = r[1].int()? as u64;
                if status != CaseStatus::Closed.as_str() {
                    d.open_cases += n;
                }
                d.by_status.insert(status, n);
            }
            d.estimated_revenue_usd = db.query_one(
                "SELECT SUM(estimated_revenue_usd) FROM cases WHERE investigation_id IS NULL
                 AND (resolution IS NULL OR resolution = 'true_match')",
                &[],
            )?[0]
                .opt_real()?
                .unwrap_or(0.0);
            Ok(d)
        })
    }
}

/// Puts each new alert or hit case into an investigation, in input order:
/// the open investigation that holds its first key, else one that holds
/// any of its keys, else a new one opened on its keys. Its keys and
/// workers are then added to that investigation (a key held by a closed
/// investigation passes to the new one: activity after a closing is a new
/// investigation). Each investigation touched is then re-ranked from all
/// its members and gets one audit entry: `create` when this import opened
/// it, `extend` (its version raised) when it existed.
fn group_into_investigations(
    db: &mut dyn Sql,
    actor: &str,
    insert_search: &str,
    joining: Vec<(usize, i64, Scheme)>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    // Investigation id → (opened by this import, label, members added).
    let mut touched: BTreeMap<i64, (bool, String, Vec<i64>)> = BTreeMap::new();
    for (item, case_id, scheme) in joining {
        let mut found = None;
        for key in &scheme.keys {
            let row = db.query_opt(
                "SELECT k.investigation_id FROM investigation_keys k
                 JOIN cases c ON c.id = k.investigation_id
                 WHERE k.key = ? AND c.status <> 'closed'",
                &[key.as_str().into()],
            )?;
            if let Some(row) = row {
                found = Some(row[0].int()?);
                break;
            }
        }
        let inv = match found {
            Some(inv) => inv,
            None => {
                let inv = open_investigation(db, insert_search, &scheme)?;
                touched.insert(inv, (true, scheme.label.clone(), Vec::new()));
                inv
            }
        };
        for key in &scheme.keys {
            db.exec(
                "INSERT INTO investigation_keys (key, investigation_id) VALUES (?, ?)
                 ON CONFLICT (key) DO UPDATE SET investigation_id = excluded.investigation_id
                 WHERE investigation_keys.investigation_id IN
                     (SELECT id FROM cases WHERE status = 'closed')",
                &[key.as_str().into(), inv.into()],
            )?;
        }
        for worker in &scheme.workers {
            db.exec(
                "INSERT INTO investigation_workers (investigation_id, worker) VALUES (?, ?)
                 ON CONFLICT (investigation_id, worker) DO NOTHING",
                &[inv.into(), worker.as_str().into()],
            )?;
        }
        db.exec(
            "UPDATE cases SET investigation_id = ? WHERE id = ?",
            &[inv.into(), case_id.into()],
        )?;
        report.items[item].investigation_id = Some(inv);
        let label = scheme.label;
        touched
            .entry(inv)
            .or_insert_with(|| (false, label, Vec::new()))
            .2
            .push(case_id);
    }
    for (inv, (opened, label, added)) in touched {
        let now = unix_now_millis();
        let before = load_case(db, inv)?;
        let rows = db.query(
            "SELECT rule, severity, estimated_revenue_usd, workers FROM cases
             WHERE investigation_id = ?",
            &[inv.into()],
        )?;
        let mut severity = "low".to_string();
        let mut per_rule: BTreeMap<String, (u64, f64)> = BTreeMap::new();
        let mut most_workers = 0i64;
        for r in &rows {
            let sev = r[1].text()?;
            if severity_rank(&sev) > severity_rank(&severity) {
                severity = sev;
            }
            let entry = per_rule.entry(r[0].text()?).or_default();
            entry.0 += 1;
            entry.1 += r[2].opt_real()?.unwrap_or(0.0);
            most_workers = most_workers.max(r[3].opt_int()?.unwrap_or(0));
        }
        // Two rules may count the same worker-days: the largest rule's
        // total, not the sum over rules.
        let revenue = per_rule.values().map(|v| v.1).fold(0.0, f64::max);
        let named = db.query_one(
            "SELECT COUNT(*) FROM investigation_workers WHERE investigation_id = ?",
            &[inv.into()],
        )?[0]
            .int()?;
        let workers = named.max(most_workers);
        let rank = priority(&severity, workers, revenue);
        db.exec(
            &format!(
                "UPDATE cases SET severity = ?, estimated_revenue_usd = ?, workers = ?,
                 priority = ?, updated_at = ?{} WHERE id = ?",
                if opened {
                    ""
                } else {
                    ", version = version + 1"
                }
            ),
            &[
                severity.into(),
                revenue.into(),
                workers.into(),
                rank.into(),
                now.into(),
                inv.into(),
            ],
        )?;
        let after = load_case(db, inv)?;
        let rules: Vec<String> = per_rule
            .iter()
            .map(|(rule, (n, _))| format!("{rule} ×{n}"))
            .collect();
        let (action, detail) = if opened {
            report.investigations_opened += 1;
            (
                "create",
                format!(
                    "opened investigation of {label} with {} alerts or hits ({})",
                    added.len(),
                    rules.join(", ")
                ),
            )
        } else {
            report.investigations_extended += 1;
            (
                "extend",
                format!(
                    "{} new alerts or hits joined (cases {}); now {}",
                    added.len(),
                    added
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    rules.join(", ")
                ),
            )
        };
        append_audit(
            db,
            now,
            actor,
            action,
            Some(inv),
            (!opened).then(|| before.state()).as_ref(),
            Some(&after.state()),
            Some(&detail),
        )?;
    }
    Ok(())
}

/// Writes a new investigation case for `scheme` (no members yet).
fn open_investigation(
    db: &mut dyn Sql,
    insert_search: &str,
    scheme: &Scheme,
) -> Result<i64, StoreError> {
    let id = next_id(db, "cases", "id")?;
    let now = unix_now_millis();
    let keys = json_text(&scheme.keys);
    let payload = json!({"label": scheme.label, "keys": scheme.keys}).to_string();
    db.exec(
        "INSERT INTO cases (id, kind, dedupe_key, rule, severity, status, title, subject_ids,
             evidence_ids, payload, created_at, updated_at)
         VALUES (?, 'investigation', ?, ?, 'low', 'open', ?, ?, '[]', ?, ?, ?)",
        &[
            id.into(),
            format!("investigation:{id}").into(),
            INVESTIGATION_RULE.into(),
            scheme.label.as_str().into(),
            keys.as_str().into(),
            payload.into(),
            now.into(),
            now.into(),
        ],
    )?;
    db.exec(
        insert_search,
        &[
            id.into(),
            search_text(&scheme.label, &keys, None, None).into(),
        ],
    )?;
    Ok(id)
}

/// Fills [`Case::rules`] of the investigations among `cases`.
fn fill_rules(db: &mut dyn Sql, cases: &mut [Case]) -> Result<(), StoreError> {
    let ids: Vec<i64> = cases
        .iter()
        .filter(|c| c.kind == CaseKind::Investigation)
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let params: Vec<Value> = ids.iter().map(|&i| i.into()).collect();
    let rows = db.query(
        &format!(
            "SELECT investigation_id, rule, COUNT(*) FROM cases
             WHERE investigation_id IN ({marks}) GROUP BY investigation_id, rule"
        ),
        &params,
    )?;
    let mut by_case: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
    for r in rows {
        by_case
            .entry(r[0].int()?)
            .or_default()
            .insert(r[1].text()?, r[2].int()? as u64);
    }
    for c in cases {
        if let Some(rules) = by_case.remove(&c.id) {
            c.rules = rules;
        }
    }
    Ok(())
}

/// What a review action sets (`sql` is a `SET` list with `?` for `params`).
struct Change {
    sql: &'static str,
    params: Vec<Value>,
    detail: Option<String>,
}

fn transition(case: &Case, to: &str, why: &'static str) -> StoreError {
    StoreError::InvalidTransition {
        case: case.id,
        from: case.status.to_string(),
        to: to.to_string(),
        why,
    }
}

/// Refuses an action decided on another version of the case.
fn check_version(case: &Case, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != case.version => Err(StoreError::VersionConflict {
            case: case.id,
            expected: v,
            current: case.version,
        }),
        _ => Ok(()),
    }
}

fn check_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::InvalidInput(
            "the acting analyst is unnamed".into(),
        ));
    }
    Ok(())
}

fn next_id(db: &mut dyn Sql, table: &str, column: &str) -> Result<i64, StoreError> {
    db.query_one(
        &format!("SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"),
        &[],
    )?[0]
        .int()
}

#[allow(clippy::too_many_arguments)]
fn append_audit(
    db: &mut dyn Sql,
    at: i64,
    actor: &str,
    action: &str,
    case_id: Option<i64>,
    before: Option<&Json>,
    after: Option<&Json>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let seq = next_id(db, "audit_log", "seq")?;
    db.exec(
        "INSERT INTO audit_log (seq, at, actor, action, case_id, before_state, after_state, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            seq.into(),
            at.into(),
            actor.into(),
            action.into(),
            case_id.into(),
            before.map(Json::to_string).into(),
            after.map(Json::to_string).into(),
            detail.into(),
        ],
    )?;
    Ok(())
}

const AUDIT_SELECT: &str = "SELECT seq, at, actor, action, case_id, before_state, after_state, \
                            detail FROM audit_log";

fn audit_rows(
    db: &mut dyn Sql,
    sql: &str,
    params: &[Value],
) -> Result<Vec<AuditEntry>, StoreError> {
    let parse = |v: &Value, seq: i64| -> Result<Option<Json>, StoreError> {
        v.opt_text()?
            .map(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| StoreError::Decode(format!("audit entry {seq}: {e}")))
            })
            .transpose()
    };
    db.query(sql, params)?
        .iter()
        .map(|r| {
            let seq = r[0].int()?;
            Ok(AuditEntry {
                seq,
                at: format_timestamp_millis(r[1].int()?),
                actor: r[2].text()?,
                action: r[3].text()?,
                case_id: r[4].opt_int()?,
                before: parse(&r[5], seq)?,
                after: parse(&r[6], seq)?,
                detail: r[7].opt_text()?,
            })
        })
        .collect()
}

fn load_case(db: &mut dyn Sql, id: i64) -> Result<Case, StoreError> {
    let row = db
        .query_opt(
            &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?"),
            &[id.into()],
        )?
        .ok_or(StoreError::CaseNotFound(id))?;
    case_from_row(&row)
}

fn case_from_row(r: &Row) -> Result<Case, StoreError> {
    let id = r[0].int()?;
    let list = |v: &Value| -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&v.text()?)
            .map_err(|e| StoreError::Decode(format!("case {id}: id list: {e}")))
    };
    let approval = match (r[14].opt_text()?, r[15].opt_text()?) {
        (Some(resolution), Some(requested_by)) => Some(Approval {
            requested_by,
            resolution: resolution.parse()?,
            rationale: r[16].opt_text()?,
            approved_by: r[17].opt_text()?,
        }),
        _ => None,
    };
    Ok(Case {
        id,
        kind: r[1].text()?.parse()?,
        rule: r[2].text()?,
        severity: r[3].text()?,
        status: r[4].text()?.parse()?,
        resolution: r[5].opt_text()?.map(|s| s.parse()).transpose()?,
        title: r[6].text()?,
        subject_ids: list(&r[7])?,
        evidence_ids: list(&r[8])?,
        record_id: r[9].opt_text()?,
        entity_id: r[10].opt_text()?,
        score: r[11].opt_real()?,
        estimated_revenue_usd: r[12].opt_real()?,
        assignee: r[13].opt_text()?,
        approval,
        rationale: r[18].opt_text()?,
        closed_by: r[19].opt_text()?,
        created_at: format_timestamp_millis(r[20].int()?),
        updated_at: format_timestamp_millis(r[21].int()?),
        version: r[22].int()?,
        investigation_id: r[23].opt_int()?,
        priority: r[24].opt_real()?,
        workers: r[25].opt_int()?,
        rules: BTreeMap::new(),
    })
}

/// What a case-list search (`q`) looks in (table `case_search`): the
/// title, subject ids (as stored, JSON), record id and list entry id,
/// lower-cased, one per line so a search never spans two of them.
fn search_text(
    title: &str,
    subject_ids: &str,
    record_id: Option<&str>,
    entity_id: Option<&str>,
) -> String {
    [
        title,
        subject_ids,
        record_id.unwrap_or(""),
        entity_id.unwrap_or(""),
    ]
    .join("\n")
    .to_lowercase()
}

fn json_text(ids: &[String]) -> String {
    serde_json::to_string(ids).expect("strings serialise")
}

// ------------------------------------------------------------ validation

fn invalid(item: &str, field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::InvalidImport {
        item: item.to_string(),
        field,
        reason: reason.into(),
    }
}

fn object<'a>(item: &str, v: &'a Json) -> Result<&'a Map<String, Json>, StoreError> {
    v.as_object()
        .ok_or_else(|| invalid(item, "(object)", "is not a JSON object"))
}

fn req_str(item: &str, o: &Map<String, Json>, field: &'static str) -> Result<String, StoreError> {
    match o.get(field) {
        Some(Json::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Json::String(_)) => Err(invalid(item, field, "is empty")),
        Some(other) => Err(invalid(item, field, format!("is not a string but {other}"))),
        None => Err(invalid(item, field, "is missing")),
    }
}

fn opt_str(
    item: &str,
    o: &Map<String, Json>,
    field: &'static str,
) -> Result<Option<String>, StoreError> {
    match o.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.trim().to_string())),
        Some(other) => Err(invalid(item, field, format!("is not a string but {other}"))),
    }
}

fn req_number(item: &str, o: &Map<String, Json>, field: &'static str) -> Result<f64, StoreError> {
    match o.get(field) {
        Some(Json::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| invalid(item, field, "is not a finite number")),
        Some(other) => Err(invalid(item, field, format!("is not a number but {other}"))),
        None => Err(invalid(item, field, "is missing")),
    }
}

fn str_list(
    item: &str,
    o: &Map<String, Json>,
    field: &'static str,
) -> Result<Vec<String>, StoreError> {
    let Some(v) = o.get(field) else {
        return Err(invalid(item, field, "is missing"));
    };
    let Some(items) = v.as_array() else {
        return Err(invalid(item, field, "is not a list of strings"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| invalid(item, field, format!("element {i} is not a string")))
        })
        .collect()
}

/// The optional `investigation` field of an alert or hit: `{"keys":
/// [...], "label": "...", "workers": [...]}` (see [`Scheme`]).
fn scheme(item: &str, o: &Map<String, Json>) -> Result<Option<Scheme>, StoreError> {
    let Some(v) = o.get("investigation").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let Some(s) = v.as_object() else {
        return Err(invalid(item, "investigation", "is not a JSON object"));
    };
    let list = |field: &str| -> Result<Vec<String>, StoreError> {
        match s.get(field) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, x)| match x.as_str().map(str::trim) {
                    Some(t) if !t.is_empty() => Ok(t.to_string()),
                    _ => Err(invalid(
                        item,
                        "investigation",
                        format!("{field}[{i}] is not a non-empty string"),
                    )),
                })
                .collect(),
            Some(_) => Err(invalid(
                item,
                "investigation",
                format!("{field} is not a list of strings"),
            )),
        }
    };
    let keys = list("keys")?;
    if keys.is_empty() {
        return Err(invalid(item, "investigation", "keys is missing or empty"));
    }
    let label = match s.get("label") {
        Some(Json::String(l)) if !l.trim().is_empty() => l.trim().to_string(),
        _ => {
            return Err(invalid(
                item,
                "investigation",
                "label is not a non-empty string",
            ));
        }
    };
    Ok(Some(Scheme {
        keys,
        label,
        workers: list("workers")?,
    }))
}

fn parse_alert(item: &str, v: &Json) -> Result<NewCase, StoreError> {
    let o = object(item, v)?;
    let alert_id = req_str(item, o, "alert_id")?;
    let rule = req_str(item, o, "rule")?;
    let severity = req_str(item, o, "severity")?;
    let subject_ids = str_list(item, o, "subject_ids")?;
    let evidence_ids = str_list(item, o, "evidence_ids")?;
    let summary = req_str(item, o, "summary")?;
    let revenue = req_number(item, o, "estimated_revenue_usd")?;
    if revenue < 0.0 {
        return Err(invalid(
            item,
            "estimated_revenue_usd",
            format!("is negative ({revenue})"),
        ));
    }
    for field in ["period_start", "period_end"] {
        if let Some(date) = opt_str(item, o, field)?
            && let Err(e) = date.parse::<yalu_model::FuzzyDate>()
        {
            return Err(invalid(item, field, format!("is not a date: {e}")));
        }
    }
    if subject_ids.is_empty() {
        return Err(invalid(
            item,
            "subject_ids",
            "is empty: an alert concerns someone",
        ));
    }
    let workers = match o.get("workers") {
        None | Some(Json::Null) => None,
        Some(w) => Some(
            w.as_u64()
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(|| invalid(item, "workers", format!("is not a count but {w}")))?,
        ),
    };
    let scheme = scheme(item, o)?.unwrap_or_else(|| Scheme {
        keys: subject_ids.clone(),
        label: summary.clone(),
        workers: Vec::new(),
    });
    Ok(NewCase {
        kind: CaseKind::Alert,
        dedupe_key: format!("alert:{alert_id}"),
        rule,
        severity,
        title: summary,
        subject_ids,
        evidence_ids,
        record_id: None,
        entity_id: None,
        entry_hash: None,
        score: None,
        estimated_revenue_usd: Some(revenue),
        workers,
        scheme,
        payload: v.to_string(),
    })
}

fn parse_hit(
    item: &str,
    v: &Json,
    fingerprint: &dyn Fn(&str) -> Option<String>,
) -> Result<NewCase, StoreError> {
    let o = object(item, v)?;
    let entity_id = match opt_str(item, o, "entity_id")? {
        Some(id) => id,
        None => opt_str(item, o, "id")?.ok_or_else(|| invalid(item, "entity_id", "is missing"))?,
    };
    let query_name = opt_str(item, o, "query_name")?;
    let record_id = match (
        opt_str(item, o, "query_id")?,
        opt_str(item, o, "record_id")?,
    ) {
        (Some(q), _) | (None, Some(q)) => q,
        (None, None) => query_name.clone().ok_or_else(|| {
            invalid(
                item,
                "query_id",
                "is missing (give query_id, record_id or query_name to name the screened record)",
            )
        })?,
    };
    let score = req_number(item, o, "score")?;
    let caption = opt_str(item, o, "caption")?.unwrap_or_else(|| entity_id.clone());
    let is_match = match o.get("match") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid(
                item,
                "match",
                format!("is not true/false but {other}"),
            ));
        }
    };
    let entry_hash = fingerprint(&entity_id).unwrap_or_else(|| {
        let own = json!({
            "caption": caption,
            "schema": o.get("schema"),
            "datasets": o.get("datasets"),
            "properties": o.get("properties"),
        });
        hex_digest(own.to_string().as_bytes())
    });
    let who = query_name.as_deref().unwrap_or(&record_id);
    let scheme = scheme(item, o)?.unwrap_or_else(|| Scheme {
        keys: vec![record_id.clone()],
        label: who.to_string(),
        workers: Vec::new(),
    });
    Ok(NewCase {
        kind: CaseKind::Hit,
        dedupe_key: format!("hit:{record_id}\u{1}{entity_id}\u{1}{entry_hash}"),
        rule: SCREENING_HIT_RULE.to_string(),
        severity: if is_match { "high" } else { "medium" }.to_string(),
        title: format!("{who} resembles list entry {caption} (score {score:.2})"),
        subject_ids: vec![record_id.clone()],
        evidence_ids: vec![entity_id.clone()],
        record_id: Some(record_id),
        entity_id: Some(entity_id),
        entry_hash: Some(entry_hash),
        score: Some(score),
        estimated_revenue_usd: None,
        workers: None,
        scheme,
        payload: v.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(id: &str, rule: &str) -> Json {
        json!({
            "alert_id": id, "rule": rule, "severity": "high",
            "subject_ids": ["p1", "p2"], "evidence_ids": ["e1"],
            "period_start": "2024-01-01", "period_end": null,
            "summary": format!("{rule} on p1"), "estimated_revenue_usd": 500.0,
            "workers": 1, "worker_days": 36
        })
    }

    fn hit(record: &str, entity: &str, caption: &str) -> Json {
        json!({
            "row": 3, "query_id": record, "query_name": "Kim Chol", "entity_id": entity,
            "caption": caption, "schema": "Person", "score": 0.91, "match": true,
            "datasets": ["un_sc_sanctions"], "explanations": {}
        })
    }

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn bad_imports_name_the_item_and_field_and_write_nothing() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        let mut bad = alert("YA-2", "R");
        bad.as_object_mut().unwrap().remove("rule");
        let err = cases
            .import_alerts("a", &[alert("YA-1", "R"), bad])
            .unwrap_err();
        assert_eq!(err.to_string(), "alerts[1]: field `rule` is missing");
        let mut bad = hit("r1", "e1", "X");
        bad["score"] = json!("high");
        let err = cases.import_hits("a", &[bad], &none).unwrap_err();
        assert!(
            err.to_string().starts_with("hits[0]: field `score`"),
            "{err}"
        );
        assert_eq!(
            cases
                .list(&CaseFilter {
                    limit: 10,
                    ..Default::default()
                })
                .unwrap()
                .1,
            0
        );
        assert!(cases.audit(None).unwrap().is_empty());
    }

    #[test]
    fn refused_actions_change_nothing_and_log_nothing() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        let id = cases
            .import_alerts("a", &[alert("YA-1", "R")])
            .unwrap()
            .items[0]
            .case_id
            .unwrap();
        let before = cases.get(id).unwrap().unwrap();
        let log = cases.audit(None).unwrap().len();
        assert!(matches!(
            cases.close("a", id, Resolution::NotActionable, "  "),
            Err(StoreError::RationaleRequired(_))
        ));
        assert!(matches!(
            cases.set_status("a", id, CaseStatus::Open),
            Err(StoreError::InvalidTransition { .. })
        ));
        assert!(matches!(
            cases.set_status("a", id, CaseStatus::Closed),
            Err(StoreError::InvalidTransition { .. })
        ));
        assert!(matches!(
            cases.approve("b", id, None),
            Err(StoreError::InvalidTransition { .. })
        ));
        assert!(matches!(
            cases.assign("a", 999, Some("x")),
            Err(StoreError::CaseNotFound(999))
        ));
        assert_eq!(cases.get(id).unwrap().unwrap(), before);
        assert_eq!(cases.audit(None).unwrap().len(), log);
    }

    #[test]
    fn false_positive_suppresses_until_the_entry_changes() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        let version = std::cell::Cell::new("v1");
        let fp = |_: &str| Some(version.get().to_string());
        let r = cases
            .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
            .unwrap();
        let id = r.items[0].case_id.unwrap();
        assert_eq!(
            cases
                .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
                .unwrap()
                .existing,
            1
        );
        cases
            .close("a", id, Resolution::FalsePositive, "different birth year")
            .unwrap();
        let again = cases
            .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
            .unwrap();
        assert_eq!((again.created, again.existing, again.suppressed), (0, 0, 1));
        assert_eq!(again.items[0].case_id, Some(id));
        // Another record on the same entry is not suppressed.
        assert_eq!(
            cases
                .import_hits("a", &[hit("r2", "e1", "KIM Chol")], &fp)
                .unwrap()
                .created,
            1
        );
        version.set("v2");
        let changed = cases
            .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
            .unwrap();
        assert_eq!(changed.created, 1);
        assert_ne!(changed.items[0].case_id, Some(id));
        // Without a fingerprint from the index, the hit's own entry fields count.
        let own = cases
            .import_hits("a", &[hit("r3", "e9", "A")], &none)
            .unwrap();
        let own_id = own.items[0].case_id.unwrap();
        cases
            .close("a", own_id, Resolution::FalsePositive, "no")
            .unwrap();
        assert_eq!(
            cases
                .import_hits("a", &[hit("r3", "e9", "A")], &none)
                .unwrap()
                .suppressed,
            1
        );
        assert_eq!(
            cases
                .import_hits("a", &[hit("r3", "e9", "B")], &none)
                .unwrap()
                .created,
            1
        );
    }

    #[test]
    fn reads_of_a_file_store_see_every_acknowledged_write_and_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cases.db")).unwrap();
        let cases = store.cases();
        for i in 0..20 {
            cases
                .import_alerts("a", &[alert(&format!("YA-{i}"), "R")])
                .unwrap();
            // Read on a reader connection right after the write returned:
            // the new alert (the alerts share their subject, so the first
            // opened an investigation and each later one extends it).
            let alerts = CaseFilter {
                kind: Some(CaseKind::Alert),
                ..CaseFilter::default()
            };
            let (listed, total) = cases.list(&alerts).unwrap();
            assert_eq!(total, i + 1);
            let newest = listed[0].id;
            assert_eq!(cases.detail(newest).unwrap().case.id, newest);
            assert!(
                cases
                    .audit(None)
                    .unwrap()
                    .iter()
                    .any(|e| e.case_id == Some(newest) && e.action == "create"),
                "the audit entry of case {newest} is not read back"
            );
        }
        // A write transaction held open on the writing connection (as a
        // group commit does while it runs) does not hold up a read.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, wait_started) = std::sync::mpsc::channel::<()>();
        let (read_done, wait_read) = std::sync::mpsc::channel::<u64>();
        let writer_store = &store;
        std::thread::scope(|s| {
            s.spawn(move || {
                writer_store
                    .db()
                    .run(|db| {
                        db.batch("BEGIN IMMEDIATE")?;
                        db.exec("UPDATE cases SET assignee = 'x' WHERE id = 1", &[])?;
                        started.send(()).unwrap();
                        held.recv().unwrap();
                        db.batch("ROLLBACK")
                    })
                    .unwrap();
            });
            wait_started.recv().unwrap();
            s.spawn(|| {
                let (listed, total) = cases.list(&CaseFilter::default()).unwrap();
                assert!(listed.iter().all(|c| c.assignee.as_deref() != Some("x")));
                read_done.send(total).unwrap();
            });
            let total = wait_read.recv_timeout(std::time::Duration::from_secs(10));
            release.send(()).unwrap();
            // 20 alerts and their investigation
            assert_eq!(total, Ok(21), "the read waited for the writer");
        });
    }

    #[test]
    fn the_audit_log_refuses_update_and_delete() {
        let store = Store::open_in_memory().unwrap();
        store
            .cases()
            .import_alerts("a", &[alert("YA-1", "R")])
            .unwrap();
        for sql in [
            "UPDATE audit_log SET actor = 'mallory'",
            "DELETE FROM audit_log",
        ] {
            let err = store.db().run(|db| db.exec(sql, &[])).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(store.cases().audit(None).unwrap()[0].actor, "a");
    }

    #[test]
    fn indexed_search_finds_exactly_the_cases_that_contain_the_text() {
        // The trigram index (migration 7) against a plain substring scan
        // of the same rows, for every window of 3 to 7 characters of every
        // caption: quotes, wildcards and FTS5 syntax characters included.
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        let captions = [
            "KIM \"Chol\" Su",
            "Ri*Myong OR Chol",
            "PAK 100% (Dalian)",
            "choe: kwang_il",
            "Han NEAR Song",
            "김철수 金哲洙",
            "O'Brien-Kim",
            "kim chol",
        ];
        for (i, c) in captions.iter().enumerate() {
            cases
                .import_hits("a", &[hit(&format!("r{i}"), &format!("e{i}"), c)], &none)
                .unwrap();
        }
        let mut checked = 0;
        for c in captions {
            let chars: Vec<char> = c.chars().collect();
            for len in 3..=7.min(chars.len()) {
                for start in 0..=chars.len() - len {
                    let q: String = chars[start..start + len].iter().collect();
                    let found = cases
                        .list(&CaseFilter {
                            q: Some(q.clone()),
                            limit: 50,
                            ..Default::default()
                        })
                        .unwrap()
                        .1;
                    let lower = q.trim().to_lowercase();
                    if lower.chars().count() < 3 {
                        continue;
                    }
                    let pattern: String = lower
                        .chars()
                        .flat_map(|c| match c {
                            '%' | '_' | '!' => vec!['!', c],
                            c => vec![c],
                        })
                        .collect();
                    let scanned = store
                        .db()
                        .run(|db| {
                            db.query_one(
                                "SELECT COUNT(*) FROM case_search WHERE text LIKE ? ESCAPE '!'",
                                &[format!("%{pattern}%").into()],
                            )
                        })
                        .unwrap()[0]
                        .int()
                        .unwrap() as u64;
                    assert_eq!(found, scanned, "q = {q:?}");
                    assert!(found >= 1, "q = {q:?} is in {c:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 150, "{checked}");
    }

    #[test]
    fn search_is_case_blind_in_any_script_and_never_spans_two_fields() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        cases.import_alerts("a", &[alert("YA-1", "R1")]).unwrap();
        cases
            .import_hits("a", &[hit("r1", "e1", "КИМ Чол")], &none)
            .unwrap();
        let found = |q: &str| {
            cases
                .list(&CaseFilter {
                    q: Some(q.into()),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap()
                .1
        };
        assert_eq!(found("ким чол"), 1, "Cyrillic capitals fold");
        // The alert, and its investigation that bears its summary.
        assert_eq!(found("R1 ON P1"), 2);
        assert_eq!(found("E1"), 1, "the list entry id");
        // The title ends with `p1` and the subject ids begin with `["p1"`.
        assert_eq!(found("on p1"), 2);
        assert_eq!(found("on p1 [\"p1"), 0, "no match across two fields");
    }

    #[test]
    fn the_search_migration_fills_rows_for_cases_that_already_exist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yalu.db");
        {
            let store = Store::open(&path).unwrap();
            store
                .cases()
                .import_alerts("a", &[alert("YA-1", "R1"), alert("YA-2", "R2")])
                .unwrap();
        }
        // Back to the schema before migration 4, with the two cases.
        let conn = rusqlite::Connection::open(&path).unwrap();
        // (Migrations 5 and 6 are undone too, so that 4 to 6 run again.)
        // (Migration 8's tables and columns too; its `investigation_id`
        // column stays, as SQLite cannot drop a referencing column, and is
        // ignored by the rebuild.)
        conn.execute_batch(
            "DROP TABLE investigation_keys; DROP TABLE investigation_workers;
             DROP INDEX cases_investigation; DROP INDEX cases_priority;
             ALTER TABLE cases DROP COLUMN priority; ALTER TABLE cases DROP COLUMN workers;
             DROP TABLE case_search;
             DROP TRIGGER api_keys_inserted; DROP TRIGGER api_keys_updated;
             DROP TRIGGER api_keys_deleted; DROP TABLE key_generation;
             ALTER TABLE cases DROP COLUMN version;
             DELETE FROM schema_migrations WHERE version >= 4;",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let (found, total) = store
            .cases()
            .list(&CaseFilter {
                q: Some("r2 ON".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(found[0].rule, "R2");
    }

    #[test]
    fn list_filters_and_dashboard() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        cases
            .import_alerts(
                "a",
                &[
                    alert("YA-1", "R1"),
                    alert("YA-2", "R2"),
                    alert("YA-3", "R2"),
                ],
            )
            .unwrap();
        cases
            .import_hits("a", &[hit("r1", "e1", "Pak 100%")], &none)
            .unwrap();
        let all = |f: CaseFilter| cases.list(&CaseFilter { limit: 50, ..f }).unwrap();
        // Three alerts on the same subjects (one investigation, case 4) and
        // a hit (case 5, in investigation 6).
        assert_eq!(all(CaseFilter::default()).1, 6);
        assert_eq!(
            all(CaseFilter {
                units_only: true,
                ..Default::default()
            })
            .0
            .iter()
            .map(|c| (c.id, c.kind))
            .collect::<Vec<_>>(),
            [(6, CaseKind::Investigation), (4, CaseKind::Investigation)]
        );
        assert_eq!(
            all(CaseFilter {
                rule: Some("R2".into()),
                ..Default::default()
            })
            .1,
            2
        );
        assert_eq!(
            all(CaseFilter {
                kind: Some(CaseKind::Hit),
                ..Default::default()
            })
            .1,
            1
        );
        assert_eq!(
            all(CaseFilter {
                q: Some("PAK 100%".into()),
                ..Default::default()
            })
            .1,
            1
        );
        assert_eq!(
            all(CaseFilter {
                q: Some("_".into()),
                ..Default::default()
            })
            .1,
            0
        );
        let page = cases
            .list(&CaseFilter {
                limit: 2,
                offset: 1,
                ..Default::default()
            })
            .unwrap();
        assert_eq!((page.0.len(), page.1), (2, 6));
        assert!(page.0[0].id > page.0[1].id, "newest first");
        cases
            .close("a", 1, Resolution::FalsePositive, "not them")
            .unwrap();
        cases.assign("a", 2, Some("ben")).unwrap();
        assert_eq!(
            all(CaseFilter {
                assignee: Some("ben".into()),
                ..Default::default()
            })
            .1,
            1
        );
        let d = cases.dashboard().unwrap();
        assert_eq!(d.by_rule["R2"], 2);
        assert!(!d.by_rule.contains_key(INVESTIGATION_RULE));
        // Units of work: the two investigations.
        assert_eq!(d.by_status["open"], 2);
        assert_eq!(d.open_cases, 2);
        // The largest rule's total (R2: 2 × 500), not the sum over rules.
        assert_eq!(d.estimated_revenue_usd, 1000.0);
        cases
            .close("a", 4, Resolution::NotActionable, "exited the market")
            .unwrap();
        let d = cases.dashboard().unwrap();
        assert_eq!((d.by_status["closed"], d.open_cases), (1, 1));
        assert_eq!(d.estimated_revenue_usd, 0.0);
    }

    #[test]
    fn priority_grows_with_severity_workers_and_revenue() {
        let base = priority("medium", 4, 10_000.0);
        assert!(priority("high", 4, 10_000.0) > base);
        assert!(priority("medium", 8, 10_000.0) > base);
        assert!(priority("medium", 4, 100_000.0) > base);
        assert!(priority("low", 4, 10_000.0) < base);
        // A high-severity scheme of one worker still ranks above a
        // low-severity one of the same size.
        assert!(priority("high", 1, 0.0) > priority("low", 1, 0.0));
        assert_eq!(priority("HIGH", -3, -5.0), priority("high", 0, 0.0));
    }

    #[test]
    fn a_bad_investigation_field_names_the_item_and_field() {
        let store = Store::open_in_memory().unwrap();
        let cases = store.cases();
        for (value, reason) in [
            (json!("org:A"), "is not a JSON object"),
            (
                json!({"keys": [], "label": "A"}),
                "keys is missing or empty",
            ),
            (
                json!({"keys": ["org:A", ""], "label": "A"}),
                "keys[1] is not",
            ),
            (json!({"keys": ["org:A"]}), "label is not"),
            (
                json!({"keys": ["org:A"], "label": "A", "workers": "w1"}),
                "workers is not",
            ),
        ] {
            let mut a = alert("YA-1", "R");
            a["investigation"] = value;
            let err = cases.import_alerts("a", &[a]).unwrap_err().to_string();
            assert!(
                err.starts_with("alerts[0]: field `investigation`") && err.contains(reason),
                "{err}"
            );
        }
        assert!(cases.audit(None).unwrap().is_empty());
    }
}
