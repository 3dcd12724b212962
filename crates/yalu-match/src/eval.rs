//! Labelled pairs: reading them, scoring them, and precision / recall / F1
//! overall and per kind. This is what `yalu score` and `yalu eval pairs`
//! run, and what users run on their own labelled data to set thresholds.
//!
//! Two layouts are read:
//! - JSON lines, one pair a line:
//!   `{"id", "kind", "query": {"schema", "properties"}, "candidate": {...}, "match": bool}`;
//! - the `name-bench` CSV layout:
//!   `case_group,schema,name1,name2,is_match,...` (the kind is `case_group`).

use crate::config::MatchConfig;
use crate::score::{Scored, score_entities};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use yalu_model::{Entity, Schema, prop};

/// A labelled pair.
#[derive(Debug, Clone)]
pub struct LabelledPair {
    /// The pair's id: the file's `id`, else `line-<n>` (JSON lines) or
    /// `row-<n>` (CSV), `n` counted from 1 with the CSV header as line 1.
    pub id: String,
    /// The group the pair is measured in (`kind`, or name-bench's
    /// `case_group`; `all` when a JSON line has none).
    pub kind: String,
    /// The entity screened (id `<pair id>-query`).
    pub query: Entity,
    /// The entity it is compared with (id `<pair id>-candidate`).
    pub candidate: Entity,
    /// The label: whether the two are the same person or organisation.
    pub expected: bool,
}

/// Why a pairs file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The pairs file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A line is not a valid pair (bad JSON, a missing column, a label that
    /// is not a boolean, a date that is not a date, text not in UTF-8).
    #[error("{path}: line {line}: {reason}")]
    Line {
        /// The pairs file.
        path: PathBuf,
        /// The line, counted from 1 (the CSV header is line 1).
        line: usize,
        /// What is wrong with it, for the user.
        reason: String,
    },
}

#[derive(Deserialize)]
struct RawSide {
    schema: Schema,
    #[serde(default)]
    properties: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct RawPair {
    id: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    query: RawSide,
    candidate: RawSide,
    #[serde(rename = "match")]
    expected: bool,
}

fn side(id: String, raw: RawSide) -> Entity {
    let mut e = Entity::new(id, raw.schema);
    for (p, values) in raw.properties {
        e.add_all(&p, values);
    }
    e
}

/// A date property that is not a date (`1984-13-45`) would be dropped by the
/// scorer without a word: refuse it, naming the property.
fn check_dates(raw: &RawSide) -> Result<(), String> {
    for (p, values) in &raw.properties {
        if prop::property_type(p) != prop::PropertyType::Date {
            continue;
        }
        for v in values {
            yalu_model::expand_date_expression(v)
                .map_err(|e| format!("property `{p}`: `{v}` is not a date ({e})"))?;
        }
    }
    Ok(())
}

/// Reads pairs in the JSON lines layout. Blank lines are ignored; any other
/// bad line is an error naming it.
pub fn read_jsonl(path: &Path) -> Result<Vec<LabelledPair>, EvalError> {
    let file = std::fs::File::open(path).map_err(|source| EvalError::Io {
        path: path.into(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| match source.kind() {
            // `lines()` fails on a line that is not UTF-8: name it.
            std::io::ErrorKind::InvalidData => EvalError::Line {
                path: path.into(),
                line: i + 1,
                reason: "not UTF-8 text".into(),
            },
            _ => EvalError::Io {
                path: path.into(),
                source,
            },
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawPair = serde_json::from_str(&line).map_err(|e| EvalError::Line {
            path: path.into(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        for (side_name, raw_side) in [("query", &raw.query), ("candidate", &raw.candidate)] {
            check_dates(raw_side).map_err(|reason| EvalError::Line {
                path: path.into(),
                line: i + 1,
                reason: format!("{side_name} {reason}"),
            })?;
        }
        let id = raw.id.unwrap_or_else(|| format!("line-{}", i + 1));
        out.push(LabelledPair {
            query: side(format!("{id}-query"), raw.query),
            candidate: side(format!("{id}-candidate"), raw.candidate),
            kind: raw.kind.unwrap_or_else(|| "all".into()),
            expected: raw.expected,
            id,
        });
    }
    Ok(out)
}

/// Reads pairs in the name-bench CSV layout.
pub fn read_name_bench(path: &Path) -> Result<Vec<LabelledPair>, EvalError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| EvalError::Line {
            path: path.into(),
            line: 1,
            reason: e.to_string(),
        })?;
    let headers = reader
        .headers()
        .map_err(|e| EvalError::Line {
            path: path.into(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    let col = |name: &str| -> Result<usize, EvalError> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| EvalError::Line {
                path: path.into(),
                line: 1,
                reason: format!("missing column `{name}`"),
            })
    };
    let (group, schema, n1, n2, is_match) = (
        col("case_group")?,
        col("schema")?,
        col("name1")?,
        col("name2")?,
        col("is_match")?,
    );
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let bad = |reason: String| EvalError::Line {
            path: path.into(),
            line,
            reason,
        };
        let r = record.map_err(|e| bad(e.to_string()))?;
        let get = |c: usize| {
            r.get(c)
                .ok_or_else(|| bad(format!("missing field {}", c + 1)))
        };
        let expected = match get(is_match)?.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => {
                return Err(bad(format!(
                    "is_match must be true or false, got `{other}`"
                )));
            }
        };
        let schema: Schema = get(schema)?.parse().unwrap_or(Schema::LegalEntity);
        let id = format!("row-{line}");
        let mut q = Entity::new(format!("{id}-query"), schema.clone());
        q.add(prop::NAME, get(n1)?);
        let mut c = Entity::new(format!("{id}-candidate"), schema);
        c.add(prop::NAME, get(n2)?);
        out.push(LabelledPair {
            id,
            kind: get(group)?.to_string(),
            query: q,
            candidate: c,
            expected,
        });
    }
    Ok(out)
}

/// One pair's result.
#[derive(Debug, Clone, Serialize)]
pub struct PairScore {
    /// The pair's id ([`LabelledPair::id`]).
    pub id: String,
    /// The scorer's score in [0, 1].
    pub score: f64,
    /// Whether the score reaches the threshold; `match` on the wire.
    #[serde(rename = "match")]
    pub is_match: bool,
}

/// Scores every pair (in parallel, output in input order).
pub fn score_pairs(pairs: &[LabelledPair], cfg: &MatchConfig) -> Vec<Scored> {
    pairs
        .par_iter()
        .map(|p| score_entities(&p.query, &p.candidate, cfg))
        .collect()
}

/// Confusion counts and the measures derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Pairs counted; the sum of the four counts below.
    pub pairs: usize,
    /// Same-entity pairs scored as matches.
    pub true_positives: usize,
    /// Different-entity pairs scored as matches (needless alerts).
    pub false_positives: usize,
    /// Same-entity pairs scored below the threshold (missed hits).
    pub false_negatives: usize,
    /// Different-entity pairs scored below the threshold.
    pub true_negatives: usize,
}

impl Metrics {
    /// Counts one pair by its label (`expected`) and the scorer's verdict
    /// (`predicted`).
    pub fn add(&mut self, expected: bool, predicted: bool) {
        self.pairs += 1;
        match (expected, predicted) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => self.true_negatives += 1,
        }
    }
    /// Pairs labelled as the same entity.
    pub fn positives(&self) -> usize {
        self.true_positives + self.false_negatives
    }
    /// Pairs labelled as different entities.
    pub fn negatives(&self) -> usize {
        self.false_positives + self.true_negatives
    }
    /// `None` when nothing was predicted positive.
    pub fn precision(&self) -> Option<f64> {
        let d = self.true_positives + self.false_positives;
        (d > 0).then(|| self.true_positives as f64 / d as f64)
    }
    /// `None` when there are no positive pairs.
    pub fn recall(&self) -> Option<f64> {
        let d = self.positives();
        (d > 0).then(|| self.true_positives as f64 / d as f64)
    }
    /// `None` when precision or recall is undefined.
    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        Some(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }
    /// Share of negative pairs wrongly let through. `None` without negatives.
    pub fn false_positive_rate(&self) -> Option<f64> {
        let d = self.negatives();
        (d > 0).then(|| self.false_positives as f64 / d as f64)
    }
}

/// An evaluation: overall and per kind, with the pairs that went wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The match threshold the verdicts were taken at (`cfg.threshold`).
    pub threshold: f64,
    /// Counts over every pair.
    pub overall: Metrics,
    /// Counts per [`LabelledPair::kind`].
    pub by_kind: BTreeMap<String, Metrics>,
    /// Misclassified pairs: (id, kind, expected, score).
    pub errors: Vec<(String, String, bool, f64)>,
}

/// Scores pairs and measures the result at `cfg.threshold`.
pub fn evaluate(pairs: &[LabelledPair], cfg: &MatchConfig) -> Evaluation {
    let scores = score_pairs(pairs, cfg);
    let mut overall = Metrics::default();
    let mut by_kind: BTreeMap<String, Metrics> = BTreeMap::new();
    let mut errors = Vec::new();
    for (p, s) in pairs.iter().zip(&scores) {
        overall.add(p.expected, s.is_match);
        by_kind
            .entry(p.kind.clone())
            .or_default()
            .add(p.expected, s.is_match);
        if p.expected != s.is_match {
            errors.push((p.id.clone(), p.kind.clone(), p.expected, s.score));
        }
    }
    Evaluation {
        threshold: cfg.threshold,
        overall,
        by_kind,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_arithmetic() {
        let mut m = Metrics::default();
        for (e, p) in [
            (true, true),
            (true, true),
            (true, false),
            (false, true),
            (false, false),
        ] {
            m.add(e, p);
        }
        assert_eq!(m.precision(), Some(2.0 / 3.0));
        assert_eq!(m.recall(), Some(2.0 / 3.0));
        assert!((m.f1().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.false_positive_rate(), Some(0.5));
        let empty = Metrics::default();
        assert_eq!(empty.precision(), None);
        assert_eq!(empty.f1(), None);
    }

    #[test]
    fn bad_jsonl_line_is_named() {
        let dir = std::env::temp_dir().join(format!("yalu-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("pairs.jsonl");
        std::fs::write(&p, "{\"id\":\"a\",\"query\":{\"schema\":\"Person\"},\"candidate\":{\"schema\":\"Person\"},\"match\":true}\n\n{oops\n").unwrap();
        let err = read_jsonl(&p).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_dates_and_bad_bytes_are_named_with_their_line() {
        let dir = std::env::temp_dir().join(format!("yalu-eval-dates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("pairs.jsonl");
        let good = r#"{"query":{"schema":"Person","properties":{"name":["Kim"],"birthDate":["circa 1962"]}},"candidate":{"schema":"Person","properties":{"name":["Kim"]}},"match":true}"#;
        let bad = good.replace("circa 1962", "1984-13-45");
        std::fs::write(&p, format!("{good}\n{bad}\n")).unwrap();
        let err = read_jsonl(&p).unwrap_err().to_string();
        assert!(
            err.contains("line 2: query property `birthDate`: `1984-13-45`"),
            "{err}"
        );
        let mut latin1 = format!("{good}\n").into_bytes();
        latin1.extend_from_slice(b"{\"id\":\"J\xf6rg\"}\n");
        std::fs::write(&p, latin1).unwrap();
        let err = read_jsonl(&p).unwrap_err().to_string();
        assert!(err.contains("line 2: not UTF-8"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
