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
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use yalu_model::{Investigation, Severity};

mod evidence;
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

/// Matching cases a list counts exactly by default; beyond it the count is
/// a lower bound ([`CaseCount::exact`] false), so a list costs the same on
/// a store of ten thousand cases and of ten million. A thousand is more
/// than an analyst pages through; at 10,000 the count of a text search
/// read ten thousand matches for a page of ten, and case lists took a
/// fifth of the server's CPU in the soak (docs/reliability.md, run M).
pub const COUNT_LIMIT: u64 = 1_000;

/// How many cases match a [`CaseFilter`], over all pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseCount {
    /// The number of matching cases when `exact`; otherwise the count
    /// limit, and more match.
    pub value: u64,
    /// False when more than `value` cases match.
    pub exact: bool,
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value as stored, in the workbench API and on the command
            /// line (`snake_case`).
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
        /// Imported, not yet looked at.
        Open = "open",
        /// An analyst is working on it.
        InReview = "in_review",
        /// Handed up to a senior analyst or compliance officer.
        Escalated = "escalated",
        /// Closing as a true match was requested; waits for a second
        /// analyst's approval (four eyes).
        PendingApproval = "pending_approval",
        /// Decided; see its [`Resolution`]. Only comments are allowed.
        Closed = "closed",
    }
}

string_enum! {
    /// How a case was closed.
    Resolution {
        /// The subject is the listed party or the scheme is real: needs a
        /// second analyst's approval.
        TrueMatch = "true_match",
        /// Not the listed party; a closed hit suppresses the same hit on
        /// the same entry version at later imports.
        FalsePositive = "false_positive",
        /// Closed with nothing to act on, neither confirmed nor cleared;
        /// suppresses nothing.
        NotActionable = "not_actionable",
    }
}

string_enum! {
    /// What a case was raised from.
    CaseKind {
        /// A detection alert from `yalu detect`.
        Alert = "alert",
        /// A screening hit: a customer record resembling a list entry.
        Hit = "hit",
        /// A unit of work grouping alerts and hits that share a network.
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    /// The analyst who asked to close the case.
    pub requested_by: String,
    /// The resolution requested (a true match).
    pub resolution: Resolution,
    /// The requester's rationale.
    pub rationale: Option<String>,
    /// The second analyst who approved it; `None` while pending.
    pub approved_by: Option<String>,
}

/// One case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// The case number: 1, 2, 3... in order of creation (investigations included).
    pub id: i64,
    /// What the case was raised from.
    pub kind: CaseKind,
    /// The alert's rule id, or `SCREENING_HIT`.
    pub rule: String,
    /// `low`, `medium`, `high` or `critical`: the alert's; `high` for a
    /// hit the screener called a match, else `medium`; an investigation's
    /// is the highest of its members'.
    pub severity: String,
    /// Where the case is in its review.
    pub status: CaseStatus,
    /// How it was closed; `None` until closed.
    pub resolution: Option<Resolution>,
    /// One line for the queue: the alert's summary, `<record> resembles
    /// list entry <caption> (score ...)`, or the investigation's label.
    pub title: String,
    /// Who the case is about: an alert's person ids, a hit's record id, an
    /// investigation's network keys (`org:ID`, `person:ID`).
    pub subject_ids: Vec<String>,
    /// An alert's evidence record ids; a hit's list entry id.
    pub evidence_ids: Vec<String>,
    /// Hits: the list entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// Hits: the screened record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Hits: the screening score in [0, 1].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Alerts: the revenue the scheme is estimated to earn, in USD;
    /// investigations: the largest total of one rule over their alerts
    /// (two rules may count the same worker-days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_revenue_usd: Option<f64>,
    /// The analyst working on the case, if any.
    pub assignee: Option<String>,
    /// The closing rationale.
    pub rationale: Option<String>,
    /// Who closed it (for a true match, the approving analyst).
    pub closed_by: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// When the case last changed (RFC 3339 UTC).
    pub updated_at: String,
    /// A true-match closing requested (pending or approved).
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    /// The comment's number, across all cases.
    pub id: i64,
    /// The case commented on.
    pub case_id: i64,
    /// Who wrote it (the acting analyst).
    pub author: String,
    /// The text, trimmed; never empty.
    pub text: String,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: i64,
    /// RFC 3339 UTC with milliseconds.
    pub at: String,
    /// The key id of whoever acted.
    pub actor: String,
    /// What was done: `create`, `extend`, `suppressed`, `assign`, `status`,
    /// `comment`, `close`, `request_approval`, `approve`, `reject_approval`...
    pub action: String,
    /// The case acted on, if the action concerns one.
    pub case_id: Option<i64>,
    /// [`Case::state`] before the action (`null` when the case was created).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<Json>,
    /// [`Case::state`] after the action.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<Json>,
    /// Free text: the comment, the rationale, what an import did.
    pub detail: Option<String>,
}

/// A case with everything shown on its page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    /// The case itself.
    pub case: Case,
    /// The alert or hit as imported.
    pub payload: Json,
    /// Its comments, oldest first.
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ImportOutcome {
    /// A new case was opened.
    Created,
    /// The same alert or hit was imported before: its case is reused.
    Existing,
    /// A hit closed as a false positive on an unchanged list entry: no case.
    Suppressed,
}

/// One imported alert or hit and the case it landed in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportItem {
    /// What the import did with it.
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Alerts and hits that opened a new case.
    pub created: usize,
    /// Those that matched an existing case.
    pub existing: usize,
    /// Hits not raised because a false-positive closing suppresses them.
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
    /// Only cases in this state.
    pub status: Option<CaseStatus>,
    /// Only cases raised by this rule (`VISA_RUN_CYCLE`, `SCREENING_HIT`...).
    pub rule: Option<String>,
    /// Only cases assigned to this analyst.
    pub assignee: Option<String>,
    /// Only alerts, hits or investigations.
    pub kind: Option<CaseKind>,
    /// Case-insensitive substring of the title, subject ids, record or entity id.
    pub q: Option<String>,
    /// Only units of work: investigations, and cases in none (imported
    /// before investigations existed). With `rule`, the investigations
    /// that hold an alert of that rule.
    pub units_only: bool,
    /// Only the alerts and hits of this investigation.
    pub investigation: Option<i64>,
    /// The order of the page.
    pub sort: CaseSort,
    /// Page size, clamped to 1..=[`MAX_PAGE`].
    pub limit: u64,
    /// Cases skipped before the page starts.
    pub offset: u64,
    /// Count matching cases exactly up to this many, at least 1 (`None`:
    /// [`COUNT_LIMIT`]).
    pub count_limit: Option<u64>,
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

// What one alert or hit says about its network, for grouping, is its
// `investigation` field, a [`yalu_model::Investigation`]: `keys` (first the
// anchor, then the others; `org:ID`, `person:ID`), a `label` for the
// investigation opened on it, and the `workers` (resolved person ids) it
// concerns. Importers that know the data set attach it
// (`yalu_detect::EvidenceBuilder::scheme`); without it, the
// subject ids (alerts) or the record id (hits) are the keys.

/// Counts for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    severity: Severity,
    title: String,
    subject_ids: Vec<String>,
    evidence_ids: Vec<String>,
    record_id: Option<String>,
    entity_id: Option<String>,
    entry_hash: Option<String>,
    score: Option<f64>,
    estimated_revenue_usd: Option<f64>,
    workers: Option<i64>,
    scheme: Investigation,
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
