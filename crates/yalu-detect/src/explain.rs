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
use std::collections::HashMap;
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

/// The alerts of a run by subject id, built once from the alert list so
/// that explaining a subject reads only the alerts that name it:
/// [`explain`], [`explain_subjects`] and [`crate::alert_evidence`] take it
/// instead of the list, and their cost per subject does not grow with the
/// number of alerts.
///
/// ```
/// use yalu_detect::{AlertsBySubject, ReadOptions, RuleSet, Context, detect, read_dir, resolve};
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("persons.csv"),
/// #     "person_id,full_name,birth_date,nationality\np1,Kim Chol Su,1990-04-02,KP\n").unwrap();
/// let data = read_dir(dir.path(), &ReadOptions::default()).unwrap().data;
/// let set = RuleSet::default();
/// let res = resolve(&data, &set.resolution);
/// let ctx = Context::new(&data, &res, &set, None);
/// let alerts = detect(&ctx);
/// let by_subject = AlertsBySubject::new(&alerts);
/// assert_eq!(by_subject.alerts().len(), alerts.len());
/// // every alert naming p1, in the order of `alerts`
/// assert!(by_subject.naming(&["p1"]).iter().all(|a| a.subject_ids.iter().any(|s| s == "p1")));
/// ```
#[derive(Debug, Clone)]
pub struct AlertsBySubject<'a> {
    alerts: &'a [Alert],
    /// Subject id → indices into `alerts`, ascending, each once.
    by_subject: HashMap<&'a str, Vec<u32>>,
}

impl<'a> AlertsBySubject<'a> {
    /// Indexes `alerts` by every id of their `subject_ids`.
    pub fn new(alerts: &'a [Alert]) -> Self {
        let mut by_subject: HashMap<&'a str, Vec<u32>> = HashMap::new();
        for (i, a) in alerts.iter().enumerate() {
            let i = i as u32;
            for s in &a.subject_ids {
                let of = by_subject.entry(s.as_str()).or_default();
                if of.last() != Some(&i) {
                    of.push(i);
                }
            }
        }
        AlertsBySubject { alerts, by_subject }
    }

    /// The alerts indexed, in their input order.
    pub fn alerts(&self) -> &'a [Alert] {
        self.alerts
    }

    /// The alerts that name any of `ids` among their subjects, each once,
    /// in their input order.
    pub fn naming<S: AsRef<str>>(&self, ids: &[S]) -> Vec<&'a Alert> {
        let mut found: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.by_subject.get(id.as_ref()))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|i| &self.alerts[i as usize])
            .collect()
    }
}

/// Explains every rule for the record or organisation `id`, given the
/// context and the alerts detected in it (indexed by subject); `None` when
/// no person record or organisation has that id.
pub fn explain(ctx: &Context, alerts: &AlertsBySubject, id: &str) -> Option<Explanation> {
    let data = ctx.data;
    let subject = if let Some(r) = ctx.record_by_id(id) {
        Subject::Person(ctx.person_of(r))
    } else {
        Subject::Org(ctx.org_by_id(id)?)
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
    // the subject's alerts, in input order; each rule takes its own below
    let naming = alerts.naming(&ids);
    // the registry's settings, not `catalogue()`, which also renders every
    // rule's parameters as TOML text that an explanation does not show
    let rules = crate::rules::registry::REGISTRY
        .iter()
        .map(|entry| {
            let rule = entry.id;
            let info = (entry.settings)(&ctx.set.rules);
            let alert_ids: Vec<String> = naming
                .iter()
                .filter(|a| a.rule == rule)
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
    explain(&ctx, &AlertsBySubject::new(&alerts), id)
        .ok_or_else(|| crate::DetectError::UnknownSubject { id: id.into() })
}

/// The explanations of the subjects of a case (person record and
/// organisation ids), one per resolved person or organisation, at most
/// `max`, organisations first: what the workbench's case page shows under
/// "Why (not)?". `alerts` are the alerts detected in `ctx`, indexed once
/// for all the cases.
pub fn explain_subjects(
    ctx: &Context,
    alerts: &AlertsBySubject,
    subjects: &[String],
    max: usize,
) -> Vec<Explanation> {
    let is_org = |s: &String| ctx.org_by_id(s).is_some();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{ReadOptions, read_dir};

    /// One worker under two records (romanised and Hangul), and a firm.
    fn worker_and_firm(dir: &std::path::Path) {
        let files = [
            (
                "persons.csv",
                "person_id,full_name,birth_date,nationality\n\
                 p1,Kim Chol Su,1990-04-02,KP\n\
                 p2,김철수,1990-04-02,North Korea\n\
                 p3,Ri Yong Ho,1975-11-20,KP\n",
            ),
            (
                "organizations.csv",
                "org_id,name\nc1,Dalian Seafood Processing\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    fn alert(id: &str, rule: &'static str, subjects: &[&str]) -> Alert {
        Alert {
            alert_id: id.to_string(),
            rule,
            severity: Severity::High,
            subject_ids: subjects.iter().map(|s| s.to_string()).collect(),
            evidence_ids: Vec::new(),
            period_start: None,
            period_end: None,
            summary: String::new(),
            estimated_revenue_usd: 0.0,
            workers: 1,
            worker_days: 0,
        }
    }

    #[test]
    fn the_index_finds_a_subjects_alerts_per_rule_in_input_order() {
        let tmp = tempfile::tempdir().unwrap();
        worker_and_firm(tmp.path());
        let data = read_dir(tmp.path(), &ReadOptions::default()).unwrap().data;
        let set = RuleSet::default();
        let res = crate::resolve::resolve(&data, &set.resolution);
        let ctx = Context::new(&data, &res, &set, None);
        assert_eq!(
            ctx.person_of(0),
            ctx.person_of(1),
            "p1 and p2 are one person"
        );
        // Two VISA_RUN_CYCLE alerts name the person, through either record;
        // one names someone else, one names the firm alone.
        let alerts = [
            alert("YA-4", "VISA_RUN_CYCLE", &["p2"]),
            alert("YA-1", "NONWORK_VISA_EMPLOYMENT", &["c1"]),
            alert("YA-3", "VISA_RUN_CYCLE", &["p3"]),
            alert("YA-2", "VISA_RUN_CYCLE", &["c1", "p1", "p2"]),
        ];
        let by_subject = AlertsBySubject::new(&alerts);
        let why = explain_subjects(&ctx, &by_subject, &["p1".into(), "c1".into()], 4);
        let subjects: Vec<&str> = why.iter().map(|e| e.subject_id.as_str()).collect();
        assert_eq!(subjects, ["c1", "p1"]);
        let ids = |e: &Explanation, rule: &str| -> Vec<String> {
            let r = e.rules.iter().find(|r| r.rule == rule).unwrap();
            assert_eq!(r.fired, !r.alert_ids.is_empty());
            r.alert_ids.clone()
        };
        // input order, each alert once though it names both records
        assert_eq!(ids(&why[1], "VISA_RUN_CYCLE"), ["YA-4", "YA-2"]);
        assert!(ids(&why[1], "NONWORK_VISA_EMPLOYMENT").is_empty());
        assert_eq!(ids(&why[0], "VISA_RUN_CYCLE"), ["YA-2"]);
        assert_eq!(ids(&why[0], "NONWORK_VISA_EMPLOYMENT"), ["YA-1"]);
        // every rule agrees with a scan of all the alerts
        for e in &why {
            let own: Vec<&String> = match e.kind {
                "person" => e.record_ids.iter().collect(),
                _ => vec![&e.subject_id],
            };
            for r in &e.rules {
                let scanned: Vec<&str> = alerts
                    .iter()
                    .filter(|a| a.rule == r.rule && a.subject_ids.iter().any(|s| own.contains(&s)))
                    .map(|a| a.alert_id.as_str())
                    .collect();
                assert_eq!(r.alert_ids, scanned, "{} {}", e.subject_id, r.rule);
            }
        }
        assert!(explain(&ctx, &by_subject, "nobody").is_none());
    }
}
