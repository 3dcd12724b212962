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

mod import;
mod parse;
mod read;
mod review;
mod rows;
#[cfg(test)]
mod tests;

use parse::*;
use rows::*;

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
}
