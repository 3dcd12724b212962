//! Precision and recall of the rules against a ground-truth file.
//!
//! The truth file (written by the simulator, `truth.jsonl`) holds one JSON
//! object a line:
//!
//! * `{"kind": "pattern", "pattern_id", "rule", "key_ids": [...], "note"}`:
//!   a planted pattern. An alert of that rule *finds* it when the alert's
//!   `subject_ids` contain every id of `key_ids` (the agency, the client,
//!   the worker's first record...).
//! * `{"kind": "negative", "id", "note"}`: a person or organisation that
//!   no alert may name.
//! * `{"kind": "same_person", "ids": [...]}`: records of one person
//!   (for resolution checks).
//!
//! Per rule: recall = planted patterns found / planted; precision = alerts
//! that find at least one planted pattern of their rule / alerts.
//!
//! Person resolution ([`evaluate_resolution`]) is scored against the
//! `same_person` lines: every record they do not join to another is a
//! person of its own. Pairwise precision = record pairs resolved into one
//! person that are truly one / pairs resolved into one; recall = truly-one
//! pairs resolved into one / truly-one pairs. A true person is *split*
//! when its records end up in more than one resolved person, and *merged*
//! when its resolved person also holds records of another true person.

use crate::alert::Alert;
use crate::error::DetectError;
use crate::ruleset::RULE_IDS;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One line of a truth file, told apart by its `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TruthLine {
    /// `pattern`: a planted pattern that an alert of `rule` should find.
    Pattern {
        /// The pattern's id in the truth file.
        pattern_id: String,
        /// The rule id expected to find it.
        rule: String,
        /// Input ids an alert's `subject_ids` must all contain to find it.
        key_ids: Vec<String>,
        /// What was planted, in words (empty when absent).
        #[serde(default)]
        note: String,
    },
    /// `negative`: a person or organisation no alert may name.
    Negative {
        /// Its input id.
        id: String,
        /// What it is (a lawful worker, a legacy crew ...), to count false
        /// alerts by kind; empty when absent.
        #[serde(default)]
        note: String,
    },
    /// `same_person`: person records that are one person.
    SamePerson {
        /// Their input ids.
        ids: Vec<String>,
    },
}

/// A ground-truth file, read.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    /// Its lines in file order, blank lines left out.
    pub lines: Vec<TruthLine>,
}

/// Reads a truth file (JSON Lines). Fails with [`DetectError::Io`] when the
/// file cannot be read and [`DetectError::File`] (naming the line) at the
/// first line that is not a valid truth line.
pub fn read_truth(path: &Path) -> Result<Truth, DetectError> {
    let text = std::fs::read_to_string(path).map_err(|e| DetectError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut lines = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let line: TruthLine = serde_json::from_str(l).map_err(|e| DetectError::File {
            path: path.to_path_buf(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        lines.push(line);
    }
    Ok(Truth { lines })
}

/// One rule's score against the planted patterns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleScore {
    /// The rule id.
    pub rule: String,
    /// Patterns planted for the rule.
    pub planted: usize,
    /// Planted patterns that at least one of its alerts found.
    pub found: usize,
    /// Alerts the rule gave.
    pub alerts: usize,
    /// Its alerts that found at least one planted pattern.
    pub correct: usize,
    /// `correct / alerts`; `None` without alerts.
    pub precision: Option<f64>,
    /// `found / planted`; `None` when nothing was planted.
    pub recall: Option<f64>,
    /// Planted patterns no alert found (first 20), `id: note`.
    pub missed: Vec<String>,
    /// Alerts that found nothing planted (first 20 ids).
    pub unexpected: Vec<String>,
}

/// Person resolution against the `same_person` lines.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResolutionScore {
    /// Person records in the resolution.
    pub records: usize,
    /// Persons according to the truth (a record in no `same_person` line
    /// is a person of its own).
    pub true_persons: usize,
    /// True persons of two or more records.
    pub multi_record_persons: usize,
    /// Persons the resolution made.
    pub resolved_persons: usize,
    /// Record pairs that are one person, resolved into one, and both.
    pub true_pairs: usize,
    /// Record pairs resolved into one person.
    pub resolved_pairs: usize,
    /// Record pairs both truly one person and resolved into one.
    pub correct_pairs: usize,
    /// Pairwise precision, `correct_pairs / resolved_pairs`; `None` when no
    /// pair was resolved.
    pub precision: Option<f64>,
    /// Pairwise recall, `correct_pairs / true_pairs`; `None` when no pair
    /// is truly one person.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall; `None` when either is.
    pub f1: Option<f64>,
    /// True persons split over several resolved persons, and their share
    /// of the true persons of two or more records.
    pub split: usize,
    /// `split / multi_record_persons`; `None` when there are none.
    pub split_share: Option<f64>,
    /// True persons resolved together with another true person, and their
    /// share of all true persons.
    pub merged: usize,
    /// `merged / true_persons`; `None` when there are none.
    pub merged_share: Option<f64>,
    /// First 20 split true persons, each as its record ids joined by `+`.
    pub split_examples: Vec<String>,
    /// First 20 resolved persons holding a merge, each as its record ids
    /// joined by `+`.
    pub merged_examples: Vec<String>,
    /// Ids in `same_person` lines that no record of the data set has.
    pub unknown_ids: usize,
}

/// Scores a resolution against the `same_person` lines of `truth`.
pub fn evaluate_resolution(res: &crate::resolve::Resolution, truth: &Truth) -> ResolutionScore {
    // every record id -> its index; per index, its resolved person
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut resolved: Vec<usize> = Vec::new();
    for (pi, p) in res.persons.iter().enumerate() {
        for id in &p.record_ids {
            index.insert(id.as_str(), resolved.len());
            resolved.push(pi);
        }
    }
    let (true_of, unknown) = true_persons(truth, &index, resolved.len());
    let mut score = pair_scores(&true_of, &resolved);
    score.unknown_ids = unknown;
    split_and_merged(&mut score, res, &index, &true_of, &resolved);
    score
}

/// The true person of each of the `n` records (by index): the union of
/// the `same_person` lines, as the smallest index of its records; and how
/// many ids of those lines name no record.
fn true_persons(truth: &Truth, index: &HashMap<&str, usize>, n: usize) -> (Vec<usize>, usize) {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut unknown = 0;
    for l in &truth.lines {
        if let TruthLine::SamePerson { ids } = l {
            let known: Vec<usize> = ids
                .iter()
                .filter_map(|i| {
                    let r = index.get(i.as_str()).copied();
                    unknown += usize::from(r.is_none());
                    r
                })
                .collect();
            for w in known.windows(2) {
                let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let true_of = (0..n).map(|i| find(&mut parent, i)).collect();
    (true_of, unknown)
}

/// Counts of persons and pairs, and pairwise precision, recall and F1.
fn pair_scores(true_of: &[usize], resolved: &[usize]) -> ResolutionScore {
    let pairs = |k: usize| k * k.saturating_sub(1) / 2;
    let mut true_size: HashMap<usize, usize> = HashMap::new();
    let mut res_size: HashMap<usize, usize> = HashMap::new();
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    for (&t, &r) in true_of.iter().zip(resolved) {
        *true_size.entry(t).or_default() += 1;
        *res_size.entry(r).or_default() += 1;
        *both.entry((t, r)).or_default() += 1;
    }
    let mut score = ResolutionScore {
        records: true_of.len(),
        true_persons: true_size.len(),
        multi_record_persons: true_size.values().filter(|k| **k > 1).count(),
        resolved_persons: res_size.len(),
        true_pairs: true_size.values().map(|k| pairs(*k)).sum(),
        resolved_pairs: res_size.values().map(|k| pairs(*k)).sum(),
        correct_pairs: both.values().map(|k| pairs(*k)).sum(),
        ..Default::default()
    };
    score.precision = ratio(score.correct_pairs, score.resolved_pairs);
    score.recall = ratio(score.correct_pairs, score.true_pairs);
    score.f1 = match (score.precision, score.recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        _ => None,
    };
    score
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The true persons split over several resolved persons, and those merged
/// with another in one, with up to 20 examples of each.
fn split_and_merged(
    score: &mut ResolutionScore,
    res: &crate::resolve::Resolution,
    index: &HashMap<&str, usize>,
    true_of: &[usize],
    resolved: &[usize],
) {
    // per true person: resolved persons it spans; per resolved person: true persons
    let mut spans: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    let mut holds: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for (&t, &r) in true_of.iter().zip(resolved) {
        spans.entry(t).or_default().insert(r);
        holds.entry(r).or_default().insert(t);
    }
    let mut members: HashMap<usize, Vec<&str>> = HashMap::new();
    for (id, &i) in index {
        members.entry(true_of[i]).or_default().push(id);
    }
    let ids_of = |t: usize| -> String {
        let mut ids = members[&t].clone();
        ids.sort_unstable();
        ids.join("+")
    };
    let mut split: Vec<usize> = spans
        .iter()
        .filter(|(_, r)| r.len() > 1)
        .map(|(t, _)| *t)
        .collect();
    split.sort_unstable();
    let mut merged: Vec<usize> = spans
        .iter()
        .filter(|(_, rs)| rs.iter().any(|r| holds[r].len() > 1))
        .map(|(t, _)| *t)
        .collect();
    merged.sort_unstable();
    score.split = split.len();
    score.merged = merged.len();
    score.split_share = ratio(score.split, score.multi_record_persons);
    score.merged_share = ratio(score.merged, score.true_persons);
    score.split_examples = split.iter().take(20).map(|t| ids_of(*t)).collect();
    // a merge is shown once per resolved person, with every record in it
    let mut shown: BTreeSet<usize> = BTreeSet::new();
    for t in &merged {
        for r in &spans[t] {
            if holds[r].len() > 1 && shown.len() < 20 && shown.insert(*r) {
                score
                    .merged_examples
                    .push(res.persons[*r].record_ids.join("+"));
            }
        }
    }
}

/// The rules' scores against a truth file (see the module docs).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    /// One score per rule, in catalogue order.
    pub rules: Vec<RuleScore>,
    /// Person resolution, when scored (see [`evaluate_resolution`]).
    pub resolution: Option<ResolutionScore>,
    /// Distinct negatives in the truth file.
    pub negatives: usize,
    /// `negative id: alert id (rule)`, one per negative and alert.
    pub negatives_alerted: Vec<String>,
    /// Distinct negatives named by at least one alert.
    pub negatives_alerted_distinct: usize,
    /// Those negatives counted by their truth note (what they are).
    pub negatives_alerted_by_note: std::collections::BTreeMap<String, usize>,
}

/// Scores `alerts` against the `pattern` and `negative` lines of `truth`:
/// per rule, planted patterns found and alerts that found one; and the
/// negatives that alerts named. Person resolution is not scored here (see
/// [`evaluate_resolution`]); `resolution` is left `None`.
pub fn evaluate(alerts: &[Alert], truth: &Truth) -> EvalReport {
    let mut by_rule: HashMap<&str, Vec<Planted>> = HashMap::new();
    let mut notes: BTreeMap<&str, &str> = BTreeMap::new(); // negative id -> note
    for l in &truth.lines {
        match l {
            TruthLine::Pattern {
                pattern_id,
                rule,
                key_ids,
                note,
            } => by_rule.entry(rule.as_str()).or_default().push(Planted {
                id: pattern_id.as_str(),
                keys: key_ids.iter().map(String::as_str).collect(),
                note: note.as_str(),
            }),
            TruthLine::Negative { id, note } => {
                notes.insert(id.as_str(), note.as_str());
            }
            TruthLine::SamePerson { .. } => {}
        }
    }
    let mut report = EvalReport {
        negatives: notes.len(),
        ..Default::default()
    };
    for rule in RULE_IDS {
        let patterns = by_rule.get(rule).map(Vec::as_slice).unwrap_or(&[]);
        report.rules.push(score_rule(rule, patterns, alerts));
    }
    negatives_alerted(&mut report, alerts, &notes);
    report
}

/// A planted pattern of the truth file.
struct Planted<'t> {
    id: &'t str,
    /// The ids an alert must all name to find it.
    keys: BTreeSet<&'t str>,
    note: &'t str,
}

/// One rule's alerts against its planted patterns.
fn score_rule(rule: &str, patterns: &[Planted], alerts: &[Alert]) -> RuleScore {
    let rule_alerts: Vec<&Alert> = alerts.iter().filter(|a| a.rule == rule).collect();
    let mut found = vec![false; patterns.len()];
    let mut score = RuleScore {
        rule: rule.to_string(),
        planted: patterns.len(),
        alerts: rule_alerts.len(),
        ..Default::default()
    };
    // patterns by key id, so each alert only looks at its candidates
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in patterns.iter().enumerate() {
        if let Some(k) = p.keys.iter().next() {
            by_key.entry(k).or_default().push(i);
        }
    }
    for a in &rule_alerts {
        let subjects: BTreeSet<&str> = a.subject_ids.iter().map(String::as_str).collect();
        let mut hit = false;
        for s in &subjects {
            for &i in by_key.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                if patterns[i].keys.is_subset(&subjects) {
                    found[i] = true;
                    hit = true;
                }
            }
        }
        if hit {
            score.correct += 1;
        } else if score.unexpected.len() < 20 {
            score
                .unexpected
                .push(format!("{}: {}", a.alert_id, a.summary));
        }
    }
    score.found = found.iter().filter(|f| **f).count();
    score.missed = patterns
        .iter()
        .zip(&found)
        .filter(|(_, f)| !**f)
        .take(20)
        .map(|(p, _)| format!("{}: {}", p.id, p.note))
        .collect();
    score.precision = ratio(score.correct, score.alerts);
    score.recall = ratio(score.found, score.planted);
    score
}

/// The negatives (`notes`: id -> note) that alerts name, one line per
/// negative and alert, and counted by note.
fn negatives_alerted(report: &mut EvalReport, alerts: &[Alert], notes: &BTreeMap<&str, &str>) {
    let mut distinct: BTreeSet<&str> = BTreeSet::new();
    for a in alerts {
        for s in &a.subject_ids {
            if notes.contains_key(s.as_str()) {
                distinct.insert(s.as_str());
                report
                    .negatives_alerted
                    .push(format!("{s}: {} ({})", a.alert_id, a.rule));
            }
        }
    }
    report.negatives_alerted_distinct = distinct.len();
    for n in distinct {
        *report
            .negatives_alerted_by_note
            .entry(notes[n].to_string())
            .or_default() += 1;
    }
}
