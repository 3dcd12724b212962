//! "Why (not)?": each rule's evaluation for one person or organisation.
//!
//! [`explain`] takes a record id (any of a resolved person's records, or an
//! organisation) and returns, per rule of the catalogue, whether the rule
//! named the subject in an alert of this run, and the conditions the rule
//! checks, each measured on the subject's records: which held, which failed
//! and by how much ("stay of 47 days > 45"). The conditions are computed
//! by the rules themselves (`rules::explain_rule`), from the same
//! parameters; the verdict comes from the alerts, so the two cannot
//! disagree about whether the subject was flagged.
//!
//! ```
//! use yalu_detect::{ReadOptions, RuleSet, explain_in, read_dir};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("persons.csv"),
//!     "person_id,full_name,birth_date,nationality\np1,Kim Chol Su,1990-04-02,KP\n").unwrap();
//! std::fs::write(dir.path().join("documents.csv"),
//!     "document_id,person_id,kind,category,valid_from,valid_until\n\
//!      d1,p1,visa,official,2019-01-01,2021-01-31\n").unwrap();
//! std::fs::write(dir.path().join("crossings.csv"),
//!     "crossing_id,person_id,direction,country,crossed_at\n\
//!      x1,p1,exit,CN,2019-12-15\nx2,p1,entry,CN,2020-01-20\n").unwrap();
//! let data = read_dir(dir.path(), &ReadOptions::default()).unwrap().data;
//! let why = explain_in(&data, None, &RuleSet::default(), "p1").unwrap();
//! let churn = why.rules.iter().find(|r| r.rule == "DEADLINE_CHURN").unwrap();
//! assert!(!churn.fired);
//! // the travel fits the rule's window, but nothing shows work
//! assert!(churn.conditions.iter().any(|c| c.held && c.text.contains("7 days before")));
//! assert!(churn.conditions.iter().any(|c| !c.held && c.text.starts_with("evidence of work")));
//! ```

use crate::alert::Alert;
use crate::records::DataSet;
use crate::rules::{Context, Subject};
use crate::ruleset::{RuleSet, Severity};
use serde::Serialize;
use yalu_links::Lists;

/// One condition a rule checks, measured on the subject, or a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The condition held. Always true for a note (`info`), so that the
    /// failed conditions are exactly those with `held == false`.
    pub held: bool,
    /// A note, not a condition ("3 more placements not shown", "the rule
    /// is about organisations"): printed as `[info]`, neither held nor failed.
    pub info: bool,
    /// What was measured and against which limit, e.g. `stay of 47 days > 45`.
    pub text: String,
}

impl Condition {
    /// A condition of the rule, held or not, with what was measured
    /// against which limit.
    pub fn new(held: bool, text: impl Into<String>) -> Condition {
        Condition {
            held,
            info: false,
            text: text.into(),
        }
    }

    /// A note that is neither held nor failed.
    pub fn info(text: impl Into<String>) -> Condition {
        Condition {
            held: true,
            info: true,
            text: text.into(),
        }
    }

    /// The label the command line prints: `held`, `FAILED` or `info`.
    pub fn label(&self) -> &'static str {
        match (self.info, self.held) {
            (true, _) => "info",
            (false, true) => "held",
            (false, false) => "FAILED",
        }
    }
}

/// One rule's evaluation for the subject.
#[derive(Debug, Clone, Serialize)]
pub struct RuleExplanation {
    /// The rule id.
    pub rule: &'static str,
    /// The rule's severity in the rule file.
    pub severity: Severity,
    /// Whether the rule file enables the rule (a disabled rule is still
    /// explained, but gives no alerts).
    pub enabled: bool,
    /// The rule named the subject in at least one alert of this run.
    pub fired: bool,
    /// The ids of those alerts.
    pub alert_ids: Vec<String>,
    /// The rule's conditions for this subject, in the rule's order, each
    /// held or failed, with notes among them.
    pub conditions: Vec<Condition>,
}

/// Every rule's evaluation for one person or organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The id asked about.
    pub subject_id: String,
    /// `person` or `organization`.
    pub kind: &'static str,
    /// Name and id (for a person: its first record's name, the resolved id).
    pub label: String,
    /// For a person: every record id resolved into it.
    pub record_ids: Vec<String>,
    /// For a person: the evidence of work found (see `labour`).
    pub labour_evidence: Option<String>,
    /// One explanation per rule, in catalogue order.
    pub rules: Vec<RuleExplanation>,
}

/// Explains every rule for the record or organisation `id`, given the
/// context and the alerts detected in it; `None` when no person record or
/// organisation has that id.
pub fn explain(ctx: &Context, alerts: &[Alert], id: &str) -> Option<Explanation> {
    let data = ctx.data;
    let subject = if let Some(r) = data.persons.iter().position(|p| p.id == id) {
        Subject::Person(ctx.person_of(r as u32))
    } else {
        let o = data.organizations.iter().position(|o| o.id == id)?;
        Subject::Org(o as u32)
    };
    let (kind, label, ids, labour) = match subject {
        Subject::Person(p) => (
            "person",
            ctx.person_label(p),
            ctx.person_ids(p).collect::<Vec<_>>(),
            Some(ctx.labour[p].describe(data)),
        ),
        Subject::Org(o) => ("organization", ctx.org_label(o), vec![id.to_string()], None),
    };
    // the registry's settings, not `catalogue()`, which also renders every
    // rule's parameters as TOML text that an explanation does not show
    let rules = crate::rules::registry::REGISTRY
        .iter()
        .map(|entry| {
            let rule = entry.id;
            let info = (entry.settings)(&ctx.set.rules);
            let alert_ids: Vec<String> = alerts
                .iter()
                .filter(|a| a.rule == rule && a.subject_ids.iter().any(|s| ids.contains(s)))
                .map(|a| a.alert_id.clone())
                .collect();
            RuleExplanation {
                rule,
                severity: info.severity(),
                enabled: info.enabled(),
                fired: !alert_ids.is_empty(),
                conditions: crate::rules::explain_rule(ctx, rule, subject, alert_ids.len()),
                alert_ids,
            }
        })
        .collect();
    Some(Explanation {
        subject_id: id.to_string(),
        kind,
        label,
        record_ids: ids,
        labour_evidence: labour,
        rules,
    })
}

/// Resolves, indexes and checks `data`, then explains `id`.
pub fn explain_in(
    data: &DataSet,
    lists: Option<&Lists>,
    set: &RuleSet,
    id: &str,
) -> Result<Explanation, crate::DetectError> {
    let resolution = crate::resolve::resolve(data, &set.resolution);
    let ctx = Context::new(data, &resolution, set, lists);
    let alerts = crate::rules::detect(&ctx);
    explain(&ctx, &alerts, id).ok_or_else(|| crate::DetectError::UnknownSubject { id: id.into() })
}

/// The explanations of the subjects of a case (person record and
/// organisation ids), one per resolved person or organisation, at most
/// `max`, organisations first: what the workbench's case page shows under
/// "Why (not)?".
pub fn explain_subjects(
    ctx: &Context,
    alerts: &[Alert],
    subjects: &[String],
    max: usize,
) -> Vec<Explanation> {
    let is_org = |s: &String| ctx.data.organizations.iter().any(|o| &o.id == s);
    let mut ordered: Vec<&String> = subjects.iter().filter(|s| is_org(s)).collect();
    ordered.extend(subjects.iter().filter(|s| !is_org(s)));
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let mut out = Vec::new();
    for s in ordered {
        if out.len() >= max {
            break;
        }
        if let Some(e) = explain(ctx, alerts, s)
            && seen.insert(e.label.clone())
        {
            out.push(e);
        }
    }
    out
}
