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

use crate::alert::Alert;
use crate::error::DetectError;
use crate::ruleset::RULE_IDS;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TruthLine {
    Pattern {
        pattern_id: String,
        rule: String,
        key_ids: Vec<String>,
        #[serde(default)]
        note: String,
    },
    Negative {
        id: String,
        #[serde(default)]
        note: String,
    },
    SamePerson {
        ids: Vec<String>,
    },
}

/// A ground-truth file, read.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    pub lines: Vec<TruthLine>,
}

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

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleScore {
    pub rule: String,
    pub planted: usize,
    pub found: usize,
    pub alerts: usize,
    pub correct: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    /// Planted patterns no alert found (first 20).
    pub missed: Vec<String>,
    /// Alerts that found nothing planted (first 20 ids).
    pub unexpected: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    pub rules: Vec<RuleScore>,
    pub negatives: usize,
    /// `negative id: alert id (rule)`.
    pub negatives_alerted: Vec<String>,
}

pub fn evaluate(alerts: &[Alert], truth: &Truth) -> EvalReport {
    let mut by_rule: HashMap<&str, Vec<(&str, BTreeSet<&str>)>> = HashMap::new();
    let mut negatives: BTreeSet<&str> = BTreeSet::new();
    for l in &truth.lines {
        match l {
            TruthLine::Pattern {
                pattern_id,
                rule,
                key_ids,
                ..
            } => by_rule.entry(rule.as_str()).or_default().push((
                pattern_id.as_str(),
                key_ids.iter().map(String::as_str).collect(),
            )),
            TruthLine::Negative { id, .. } => {
                negatives.insert(id.as_str());
            }
            TruthLine::SamePerson { .. } => {}
        }
    }
    let mut report = EvalReport {
        negatives: negatives.len(),
        ..Default::default()
    };
    for rule in RULE_IDS {
        let patterns = by_rule.get(rule).map(Vec::as_slice).unwrap_or(&[]);
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
        for (i, (_, keys)) in patterns.iter().enumerate() {
            if let Some(k) = keys.iter().next() {
                by_key.entry(k).or_default().push(i);
            }
        }
        for a in &rule_alerts {
            let subjects: BTreeSet<&str> = a.subject_ids.iter().map(String::as_str).collect();
            let mut hit = false;
            for s in &subjects {
                for &i in by_key.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                    if patterns[i].1.is_subset(&subjects) {
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
            .map(|(p, _)| p.0.to_string())
            .collect();
        score.precision = (score.alerts > 0).then(|| score.correct as f64 / score.alerts as f64);
        score.recall = (score.planted > 0).then(|| score.found as f64 / score.planted as f64);
        report.rules.push(score);
    }
    for a in alerts {
        for s in &a.subject_ids {
            if negatives.contains(s.as_str()) {
                report
                    .negatives_alerted
                    .push(format!("{s}: {} ({})", a.alert_id, a.rule));
            }
        }
    }
    report
}
