//! # yalu-detect
//!
//! Detection of DPRK overseas-worker sanctions evasion in visa, border,
//! placement and payment records (UNSCR 2375 para 17, UNSCR 2397 para 8).
//!
//! ## Tutorial
//!
//! A data set is a folder in the event data format (`docs/events.md` in the repository):
//! `persons`, `documents`, `crossings`, `placements`, `organizations`,
//! `relations`, `payments`, each as CSV or JSON lines. Detection has four
//! steps, each usable alone:
//!
//! 1. [`read_dir`] reads the folder; rows that break the contract are
//!    returned as [`Rejection`]s (file, line, reason), never dropped.
//! 2. [`resolve()`] joins person records into
//!    [`ResolvedPerson`]s (same passport; same birth date,
//!    nationality and a Korean-aware name match).
//! 3. [`Context::new`] indexes records per person (and screens
//!    against sanctions lists, and their network of links, when given
//!    [`yalu_links::Lists`]).
//! 4. [`detect()`] runs the rules of a [`RuleSet`] and returns
//!    [`Alert`]s in a deterministic order with deterministic ids.
//!
//! [`run`] does all four.
//!
//! ```
//! use yalu_detect::{ReadOptions, RuleSet, run};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("persons.csv"),
//!     "person_id,full_name,birth_date,nationality\n\
//!      p1,Kim Chol Su,1990-04-02,KP\n\
//!      p2,김철수,1990-04-02,North Korea\n").unwrap();
//! std::fs::write(dir.path().join("organizations.csv"),
//!     "org_id,name\nc1,Dalian Seafood Processing\n").unwrap();
//! std::fs::write(dir.path().join("documents.csv"),
//!     "document_id,person_id,kind,category,valid_from,valid_until\n\
//!      d1,p2,visa,intern,2019-01-01,2019-01-31\n").unwrap();
//! std::fs::write(dir.path().join("placements.csv"),
//!     "placement_id,person_id,client_org_id,start_on,end_on\n\
//!      w1,p1,c1,2019-01-10,2019-06-30\n").unwrap();
//! let out = run(dir.path(), None, &RuleSet::default(), &ReadOptions::default()).unwrap();
//! assert!(out.rejected.is_empty());
//! // the two records are one person, so the intern visa of p2 meets the placement of p1
//! assert_eq!(out.resolution.persons.len(), 1);
//! let alert = out.alerts.iter().find(|a| a.rule == "NONWORK_VISA_EMPLOYMENT").unwrap();
//! assert_eq!(alert.subject_ids, ["c1", "p1", "p2"]);
//! assert_eq!(alert.period_start.unwrap().to_string(), "2019-01-10");
//! ```
//!
//! Every parameter lives in the rule file (`rules/default.toml`, embedded;
//! see [`ruleset`]); `docs/detection.md` documents the rules, the rule file
//! and the alert format.

mod alert;
mod day;
mod error;
pub mod eval;
mod evidence;
mod explain;
mod labour;
mod read;
pub mod records;
mod resolve;
mod rules;
pub mod ruleset;
pub mod sim;
mod sim_names;

pub use alert::{Alert, Finding, fnv1a};
pub use day::{Day, DaySet};
pub use error::DetectError;
pub use evidence::{AlertEvidence, EXPLAINED_SUBJECTS, EvidenceBuilder, alert_evidence};
pub use explain::{
    AlertsBySubject, Condition, Explanation, RuleExplanation, explain, explain_in, explain_subjects,
};
pub use labour::{LabourEvidence, LabourSign};
pub use read::{FILE_KINDS, FileCount, Loaded, ReadOptions, Rejection, file_path, read_dir};
pub use resolve::{LinkReason, Resolution, ResolvedPerson, resolve};
pub use rules::{Context, LinkedTo, ListMatch, Subject, detect};
pub use ruleset::{RuleSet, Severity};

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use yalu_links::Lists;

/// Everything one detection run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The alerts, in catalogue order, then period start, then id.
    pub alerts: Vec<Alert>,
    /// Rows refused while reading, in file then line order (empty under
    /// `strict`, which fails instead).
    pub rejected: Vec<Rejection>,
    /// Rows read and kept per file.
    pub files: Vec<read::FileCount>,
    /// The person records joined into persons.
    pub resolution: Resolution,
    /// Records kept, per kind.
    pub records: RecordCounts,
    /// Wall time of each step.
    pub timings: Timings,
}

/// Records kept, per kind.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RecordCounts {
    /// Person records (not resolved persons).
    pub persons: usize,
    /// Documents.
    pub documents: usize,
    /// Border crossings.
    pub crossings: usize,
    /// Placements.
    pub placements: usize,
    /// Organisations.
    pub organizations: usize,
    /// Relations.
    pub relations: usize,
    /// Payments.
    pub payments: usize,
}

/// Wall time per step.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading and checking the files ([`read_dir`]); zero from
    /// [`detect_in`].
    pub read: Duration,
    /// Person resolution ([`resolve()`]).
    pub resolve: Duration,
    /// Indexing records and screening against the lists
    /// ([`Context::new`]).
    pub index: Duration,
    /// Running the rules ([`detect()`]).
    pub rules: Duration,
}

/// Reads, resolves and checks a data set folder.
pub fn run(
    dir: &Path,
    lists: Option<&Lists>,
    set: &RuleSet,
    opts: &ReadOptions,
) -> Result<Outcome, DetectError> {
    let t = Instant::now();
    let Loaded {
        data,
        rejected,
        files,
    } = read::read_dir(dir, opts)?;
    let read_time = t.elapsed();
    let (alerts, resolution, mut timings) = detect_in(&data, lists, set);
    timings.read = read_time;
    let records = RecordCounts {
        persons: data.persons.len(),
        documents: data.documents.len(),
        crossings: data.crossings.len(),
        placements: data.placements.len(),
        organizations: data.organizations.len(),
        relations: data.relations.len(),
        payments: data.payments.len(),
    };
    Ok(Outcome {
        alerts,
        rejected,
        files,
        resolution,
        records,
        timings,
    })
}

/// Resolves and checks records already read.
pub fn detect_in(
    data: &records::DataSet,
    lists: Option<&Lists>,
    set: &RuleSet,
) -> (Vec<Alert>, Resolution, Timings) {
    let mut timings = Timings::default();
    let t = Instant::now();
    let resolution = resolve::resolve(data, &set.resolution);
    timings.resolve = t.elapsed();
    let t = Instant::now();
    let ctx = rules::Context::new(data, &resolution, set, lists);
    timings.index = t.elapsed();
    let t = Instant::now();
    let alerts = rules::detect(&ctx);
    timings.rules = t.elapsed();
    drop(ctx);
    (alerts, resolution, timings)
}

/// One row of the summary table.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RuleSummary {
    /// The rule id.
    pub rule: String,
    /// Alerts per severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Alerts of the rule.
    pub alerts: usize,
    /// Sum of the alerts' worker counts (a worker in two alerts counts twice).
    pub workers: usize,
    /// Sum of the alerts' revenue estimates, USD.
    pub estimated_revenue_usd: f64,
}

/// Alerts by rule (catalogue order) and severity, workers concerned and
/// estimated revenue. `workers` sums the alerts' worker counts, so a worker
/// in two alerts of a rule counts twice there.
pub fn summarize(alerts: &[Alert]) -> Vec<RuleSummary> {
    let mut rows: Vec<RuleSummary> = ruleset::RULE_IDS
        .iter()
        .map(|id| RuleSummary {
            rule: id.to_string(),
            ..Default::default()
        })
        .collect();
    for a in alerts {
        if let Some(row) = rows.iter_mut().find(|r| r.rule == a.rule) {
            row.alerts += 1;
            *row.by_severity
                .entry(a.severity.as_str().to_string())
                .or_default() += 1;
            row.workers += a.workers;
            row.estimated_revenue_usd += a.estimated_revenue_usd;
        }
    }
    rows
}
