//! Monitoring: what a list update changes for the user's own records.
//!
//! The input is screened against the new lists and compared, row by row,
//! with a baseline: either the same input screened against the old lists,
//! or the stored results of an earlier `yalu screen` run. Only differences
//! are kept: new hits, hits gone, and hits whose score moved. Each carries
//! its cause when the old list is known: the entry was added, delisted, or
//! changed (with the property-level diff of the entry).

use crate::batch::Screener;
use crate::error::ScreenError;
use crate::input::{
    ColumnMap, InputFormat, InputReader, LeftOutValue, QueryRow, RejectedRow, RowOutcome,
};
use crate::output::{checkpoint_path, read_checkpoint};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use yalu_lists::{PropertyChange, entity_changes};
use yalu_match::{Hit, Index, score_entities};
use yalu_model::Schema;

/// A hit as the baseline knew it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownHit {
    /// The list entry's id.
    pub entity_id: String,
    /// The list entry's display name.
    pub caption: String,
    /// The score the baseline gave it, 0 to 1.
    pub score: f64,
}

/// What happened to a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A list entry now reaches the threshold for this row.
    New,
    /// A list entry that reached the threshold no longer does, or is gone.
    Gone,
    /// Still a hit, with another score.
    ScoreChanged,
}

/// Why it happened, as far as the lists tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The entry is new on the list.
    Listed,
    /// The entry was removed from the list (delisted).
    Delisted,
    /// The entry's facts changed (see `entry_changes`).
    EntryChanged,
    /// The entry is the same in both versions: the change comes from the
    /// rest of the list (candidate ranking) or from other settings.
    EntryUnchanged,
    /// No old list to compare with (baseline from stored results) and the
    /// entry is on the new list.
    Unknown,
}

/// One change for one input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitChange {
    /// The input row's number, from 1.
    pub row: u64,
    /// The customer's id, from the column mapped to `id`.
    pub query_id: Option<String>,
    /// The name the row was screened under (its query's caption).
    pub query_name: String,
    /// New, gone, or another score.
    pub kind: ChangeKind,
    /// What in the lists made it happen.
    pub cause: Cause,
    /// The list entry's id.
    pub entity_id: String,
    /// The list entry's display name (the baseline's for a gone hit).
    pub caption: String,
    /// The score before; `None` for a new hit.
    pub old_score: Option<f64>,
    /// The score now; `None` for a gone hit.
    pub new_score: Option<f64>,
    /// Property changes of the entry between the list versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_changes: Vec<PropertyChange>,
    /// Schema change of the entry (old, new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_change: Option<(String, String)>,
}

/// A value left out of one row's query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowLeftOut {
    /// The input row's number, from 1.
    pub row: u64,
    /// The file line; 0, and left out of JSON, for a row from no file.
    #[serde(skip_serializing_if = "crate::input::no_line")]
    pub line: u64,
    /// The value, its column and why (flattened into the row's JSON).
    #[serde(flatten)]
    pub value: LeftOutValue,
}

/// Everything a monitoring run found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonitorReport {
    /// Data rows consumed (screened or rejected).
    pub rows_read: u64,
    /// Rows that could not be screened, in input order.
    pub rejected: Vec<RejectedRow>,
    /// Values left out of row queries (unreadable dates, unknown
    /// countries); their rows were screened without them.
    pub left_out: Vec<RowLeftOut>,
    /// In input order; within a row: new, gone, then score changes.
    pub changes: Vec<HitChange>,
}

impl MonitorReport {
    /// How many changes are of this kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// True when anything changed for the user's records.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// What the new results are compared with.
pub enum Baseline<'a> {
    /// The input screened against the old lists.
    Lists(&'a Screener<'a>),
    /// Stored results of an earlier run (see [`read_results`]), by row.
    Previous(BTreeMap<u64, Vec<KnownHit>>),
}

/// Scores that differ by less than this are the same score.
pub const SCORE_EPSILON: f64 = 0.0005;

/// A monitoring run over one input file.
pub struct MonitorJob<'a> {
    /// The customer file to screen.
    pub input: &'a Path,
    /// How the customer file is laid out.
    pub input_format: InputFormat,
    /// Which input columns feed the query's id, schema and properties.
    pub map: &'a ColumnMap,
    /// Schema of rows that do not give one.
    pub schema: Schema,
    /// Stop at the first rejected row or value left out instead of
    /// reporting it.
    pub strict: bool,
    /// Rows screened together (0 counts as 1); it bounds memory.
    pub chunk_rows: usize,
}

/// Streams the input, screening each chunk against the new lists (and the
/// old ones when the baseline is lists) on every core, and keeps only the
/// differences. `old_index` gives causes and entry diffs; with a
/// [`Baseline::Lists`] it is that screener's index.
pub fn monitor(
    job: &MonitorJob,
    baseline: &Baseline,
    new: &Screener,
    old_index: Option<&Index>,
) -> Result<MonitorReport, ScreenError> {
    let old_index = match baseline {
        Baseline::Lists(s) => Some(s.index()),
        Baseline::Previous(_) => old_index,
    };
    let mut reader = InputReader::open(job.input, job.input_format, job.map, job.schema.clone())?;
    let mut report = MonitorReport::default();
    let chunk_rows = job.chunk_rows.max(1);
    let mut chunk: Vec<QueryRow> = Vec::with_capacity(chunk_rows);
    loop {
        chunk.clear();
        let mut eof = false;
        while chunk.len() < chunk_rows {
            match reader.next_row()? {
                None => {
                    eof = true;
                    break;
                }
                Some(RowOutcome::Query(q)) if job.strict && !q.left_out.is_empty() => {
                    return Err(ScreenError::BadRow {
                        path: job.input.to_path_buf(),
                        line: q.line,
                        row: q.row,
                        reason: q.left_out[0].to_string(),
                    });
                }
                Some(RowOutcome::Query(q)) => {
                    report
                        .left_out
                        .extend(q.left_out.iter().map(|v| RowLeftOut {
                            row: q.row,
                            line: q.line,
                            value: v.clone(),
                        }));
                    chunk.push(q);
                }
                Some(RowOutcome::Rejected(r)) if job.strict => {
                    return Err(ScreenError::BadRow {
                        path: job.input.to_path_buf(),
                        line: r.line,
                        row: r.row,
                        reason: r.reason,
                    });
                }
                Some(RowOutcome::Rejected(r)) => report.rejected.push(r),
            }
        }
        let changes: Vec<Vec<HitChange>> = chunk
            .par_iter()
            .map(|q| row_changes(q, baseline, new, old_index))
            .collect();
        report.changes.extend(changes.into_iter().flatten());
        if eof {
            break;
        }
    }
    report.rows_read = reader.rows_read();
    Ok(report)
}

fn entry_diff(
    id: &str,
    old_index: Option<&Index>,
    new_index: &Index,
) -> (Cause, Vec<PropertyChange>, Option<(String, String)>) {
    let Some(old_index) = old_index else {
        // Without the old list, only a delisting can be told.
        let cause = if new_index.get(id).is_none() {
            Cause::Delisted
        } else {
            Cause::Unknown
        };
        return (cause, Vec::new(), None);
    };
    match (old_index.get(id), new_index.get(id)) {
        (None, Some(_)) => (Cause::Listed, Vec::new(), None),
        (Some(_), None) => (Cause::Delisted, Vec::new(), None),
        (Some(o), Some(n)) => {
            let changes = entity_changes(o, n);
            let schema =
                (o.schema != n.schema).then(|| (o.schema.to_string(), n.schema.to_string()));
            if changes.is_empty() && schema.is_none() {
                (Cause::EntryUnchanged, changes, schema)
            } else {
                (Cause::EntryChanged, changes, schema)
            }
        }
        (None, None) => (Cause::Unknown, Vec::new(), None),
    }
}

impl KnownHit {
    /// A hit of a screening, as a baseline keeps it.
    fn from_hit(h: &Hit) -> KnownHit {
        KnownHit {
            entity_id: h.entity.id.clone(),
            caption: h.entity.caption().to_string(),
            score: h.scored.score,
        }
    }
}

impl Baseline<'_> {
    /// The hits this baseline knows for one row: the row screened against
    /// the old lists, or the stored results of its row.
    fn known_hits(&self, q: &QueryRow) -> Vec<KnownHit> {
        match self {
            Baseline::Lists(s) => s.screen(&q.entity).iter().map(KnownHit::from_hit).collect(),
            Baseline::Previous(map) => map.get(&q.row).cloned().unwrap_or_default(),
        }
    }
}

/// One row's changes as they are reported: the row, and the cause of each
/// change told from the two list versions.
struct RowChangeReporter<'a> {
    q: &'a QueryRow,
    old_index: Option<&'a Index>,
    new_index: &'a Index,
}

impl RowChangeReporter<'_> {
    /// A change of the hit on `entity_id`, with its cause and entry diff.
    fn change(
        &self,
        kind: ChangeKind,
        entity_id: &str,
        caption: &str,
        old_score: Option<f64>,
        new_score: Option<f64>,
    ) -> HitChange {
        let (cause, entry_changes, schema_change) =
            entry_diff(entity_id, self.old_index, self.new_index);
        HitChange {
            row: self.q.row,
            query_id: self.q.query_id.clone(),
            query_name: self.q.entity.caption().to_string(),
            kind,
            cause,
            entity_id: entity_id.to_string(),
            caption: caption.to_string(),
            old_score,
            new_score,
            entry_changes,
            schema_change,
        }
    }
}

/// The changes for one row: its hits against the new lists compared with
/// the baseline's (what [`monitor`] does for each row of a file).
pub fn row_changes(
    q: &QueryRow,
    baseline: &Baseline,
    new: &Screener,
    old_index: Option<&Index>,
) -> Vec<HitChange> {
    let old = baseline.known_hits(q);
    let new_hits = new.screen(&q.entity);
    if old.is_empty() && new_hits.is_empty() {
        return Vec::new();
    }
    let reporter = RowChangeReporter {
        q,
        old_index,
        new_index: new.index(),
    };
    let mut out = new_hit_changes(&reporter, &old, &new_hits);
    out.extend(gone_hit_changes(&reporter, &old, &new_hits, new));
    out.extend(score_changes(&reporter, &old, &new_hits));
    out
}

/// Hits of the new lists the baseline did not have.
fn new_hit_changes(
    reporter: &RowChangeReporter,
    old: &[KnownHit],
    new_hits: &[Hit],
) -> Vec<HitChange> {
    new_hits
        .iter()
        .filter(|h| !old.iter().any(|o| o.entity_id == h.entity.id))
        .map(|h| {
            reporter.change(
                ChangeKind::New,
                &h.entity.id,
                h.entity.caption(),
                None,
                Some(h.scored.score),
            )
        })
        .collect()
}

/// Hits of the baseline the new lists no longer give, with the score the
/// entry gets now when it is still listed (below the threshold).
fn gone_hit_changes(
    reporter: &RowChangeReporter,
    old: &[KnownHit],
    new_hits: &[Hit],
    new: &Screener,
) -> Vec<HitChange> {
    old.iter()
        .filter(|o| !new_hits.iter().any(|h| h.entity.id == o.entity_id))
        .map(|o| {
            let now = reporter
                .new_index
                .get(&o.entity_id)
                .map(|e| score_entities(&reporter.q.entity, e, new.config()).score);
            reporter.change(
                ChangeKind::Gone,
                &o.entity_id,
                &o.caption,
                Some(o.score),
                now,
            )
        })
        .collect()
}

/// Hits in both whose score moved by at least [`SCORE_EPSILON`].
fn score_changes(
    reporter: &RowChangeReporter,
    old: &[KnownHit],
    new_hits: &[Hit],
) -> Vec<HitChange> {
    new_hits
        .iter()
        .filter_map(|h| {
            let o = old.iter().find(|o| o.entity_id == h.entity.id)?;
            ((o.score - h.scored.score).abs() >= SCORE_EPSILON).then(|| {
                reporter.change(
                    ChangeKind::ScoreChanged,
                    &h.entity.id,
                    h.entity.caption(),
                    Some(o.score),
                    Some(h.scored.score),
                )
            })
        })
        .collect()
}

/// An error about the stored results file at `path`.
fn results_error(path: &Path, reason: String) -> ScreenError {
    ScreenError::Results {
        path: path.to_path_buf(),
        reason,
    }
}

/// Reads the results file of an earlier `yalu screen` run (CSV or JSON
/// lines, by extension) into hits by input row. A run whose checkpoint
/// says it is unfinished is refused: its missing rows would read as
/// "no hits".
pub fn read_results(path: &Path) -> Result<BTreeMap<u64, Vec<KnownHit>>, ScreenError> {
    let sidecar = checkpoint_path(path);
    if sidecar.exists() && !read_checkpoint(&sidecar)?.complete {
        return Err(results_error(
            path,
            format!(
                "the run that wrote it did not finish ({}); finish it with `yalu screen --resume` first",
                sidecar.display()
            ),
        ));
    }
    let format = InputFormat::from_path(path).ok_or_else(|| ScreenError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    match format {
        InputFormat::Csv => read_csv_results(path),
        InputFormat::JsonLines => read_json_results(path),
    }
}

/// The hits of a CSV results file, by input row.
fn read_csv_results(path: &Path) -> Result<BTreeMap<u64, Vec<KnownHit>>, ScreenError> {
    let err = |reason: String| results_error(path, reason);
    let mut reader = csv::Reader::from_path(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| err(format!("cannot read the header: {e}")))?
        .clone();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            err(format!(
                "no `{name}` column; is it a `yalu screen` results file?"
            ))
        })
    };
    let (row_c, id_c, cap_c, score_c) = (
        col("row")?,
        col("entity_id")?,
        col("caption")?,
        col("score")?,
    );
    let mut out: BTreeMap<u64, Vec<KnownHit>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| err(format!("{e}")))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize| record.get(i).unwrap_or("");
        let row: u64 = field(row_c).parse().map_err(|_| {
            err(format!(
                "line {line}: row `{}` is not a number",
                field(row_c)
            ))
        })?;
        let score: f64 = field(score_c).parse().map_err(|_| {
            err(format!(
                "line {line}: score `{}` is not a number",
                field(score_c)
            ))
        })?;
        out.entry(row).or_default().push(KnownHit {
            entity_id: field(id_c).to_string(),
            caption: field(cap_c).to_string(),
            score,
        });
    }
    Ok(out)
}

/// The hits of a JSON-lines results file, by input row.
fn read_json_results(path: &Path) -> Result<BTreeMap<u64, Vec<KnownHit>>, ScreenError> {
    #[derive(serde::Deserialize)]
    struct Line {
        row: u64,
        entity_id: String,
        #[serde(default)]
        caption: String,
        score: f64,
    }
    let text = std::fs::read_to_string(path).map_err(|e| ScreenError::io(path, e))?;
    let mut out: BTreeMap<u64, Vec<KnownHit>> = BTreeMap::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(l)
            .map_err(|e| results_error(path, format!("line {}: {e}", i + 1)))?;
        out.entry(line.row).or_default().push(KnownHit {
            entity_id: line.entity_id,
            caption: line.caption,
            score: line.score,
        });
    }
    Ok(out)
}
