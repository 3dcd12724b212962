//! The results file of a batch run and its checkpoint.
//!
//! One line per hit (a list entry scoring at or above the threshold for an
//! input row), in input order. CSV columns:
//!
//! `row,query_id,query_name,entity_id,caption,schema,score,match,datasets,lookalikes`
//!
//! (`datasets` joined by `;`; `lookalikes` empty unless the query name matched only once
//! letters imitating Latin letters were read as Latin, then it lists them: a red flag). JSON lines carry the same fields, `datasets`
//! as a list, plus `explanations` (feature → how it counted): each line is a
//! [`yalu_model::Hit`] ([`hit_record`]).

use crate::error::ScreenError;
use crate::input::{InputFormat, QueryRow};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use yalu_match::Hit;
use yalu_model::Entity;

/// Output layouts are the input layouts.
pub type OutputFormat = InputFormat;

/// The CSV header of a results file.
pub const CSV_HEADER: [&str; 10] = [
    "row",
    "query_id",
    "query_name",
    "entity_id",
    "caption",
    "schema",
    "score",
    "match",
    "datasets",
    "lookalikes",
];

/// The JSON-lines record of one hit ([`yalu_model::Hit`], the format the
/// case store and `yalu demo` share), with no evidence attached: `query`
/// is the screened entity of data row `row` (1-based), with the caller's id.
pub fn hit_record(
    row: u64,
    query_id: Option<String>,
    query: &Entity,
    hit: &Hit<'_>,
) -> yalu_model::Hit {
    yalu_model::Hit {
        row,
        query_id,
        query_name: query.caption().to_string(),
        entity_id: hit.entity.id.clone(),
        caption: hit.entity.caption().to_string(),
        schema: hit.entity.schema.name().to_string(),
        score: hit.scored.score,
        is_match: hit.scored.is_match,
        datasets: hit.entity.datasets.clone(),
        explanations: hit.scored.explanations.clone(),
        context: yalu_model::CaseContext::default(),
    }
}

/// The header bytes a results file starts with (empty for JSON lines).
pub(crate) fn header(format: OutputFormat) -> Vec<u8> {
    match format {
        InputFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(CSV_HEADER).expect("writing to memory");
            w.into_inner().expect("writing to memory")
        }
        InputFormat::JsonLines => Vec::new(),
    }
}

/// The CSV fields of one hit, in [`CSV_HEADER`] order, exactly as the
/// results file writes them (score with 4 decimals, datasets joined by `;`,
/// empty `query_id` and `lookalikes` when there are none).
pub fn csv_fields(query: &QueryRow, hit: &Hit<'_>) -> [String; 10] {
    [
        query.row.to_string(),
        query.query_id.clone().unwrap_or_default(),
        query.entity.caption().to_string(),
        hit.entity.id.clone(),
        hit.entity.caption().to_string(),
        hit.entity.schema.name().to_string(),
        format!("{:.4}", hit.scored.score),
        hit.scored.is_match.to_string(),
        hit.entity.datasets.join(";"),
        yalu_match::lookalikes_of(&hit.scored)
            .map_or("", |e| e.detail.as_str())
            .to_string(),
    ]
}

/// Appends the lines of one row's hits to `out`.
pub(crate) fn render_hits(
    format: OutputFormat,
    query: &QueryRow,
    hits: &[Hit<'_>],
    out: &mut Vec<u8>,
) {
    if hits.is_empty() {
        return;
    }
    match format {
        InputFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(std::mem::take(out));
            for h in hits {
                w.write_record(csv_fields(query, h))
                    .expect("writing to memory");
            }
            *out = w.into_inner().expect("writing to memory");
        }
        InputFormat::JsonLines => {
            for h in hits {
                let line = hit_record(query.row, query.query_id.clone(), &query.entity, h);
                serde_json::to_writer(&mut *out, &line).expect("writing to memory");
                out.push(b'\n');
            }
        }
    }
}

/// What a batch run has durably done, stored beside the results file
/// (`<output>.progress.json`) and replaced atomically after each chunk's
/// results are on disk.
///
/// `output_bytes` is the length of the results file when the checkpoint was
/// taken; anything beyond it (a torn line from a killed run, or whole lines
/// of a chunk whose checkpoint was never written) is cut off on resume and
/// those rows are screened again. `rows_done` counts every input data row
/// consumed, with or without hits, rejected or not, so rows without hits
/// are accounted for although they leave no line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The checkpoint format; a resume refuses any other than this build's.
    pub version: u32,
    /// Settings the run depends on; resuming with other settings is refused.
    pub settings: String,
    /// Input data rows consumed so far (screened or rejected, with or
    /// without hits); a resume skips this many.
    pub rows_done: u64,
    /// Length of the results file in bytes (header included) that holds
    /// exactly the hits of those rows.
    pub output_bytes: u64,
    /// Rows with at least one hit so far.
    pub rows_with_hits: u64,
    /// Hit lines written so far.
    pub hits: u64,
    /// Rows rejected and skipped so far.
    pub rejected: u64,
    /// Values left out of queries (unreadable dates, unknown countries).
    #[serde(default)]
    pub values_left_out: u64,
    /// The whole input was screened; a resume has nothing left to do.
    pub complete: bool,
}

/// The checkpoint format this build writes and resumes from.
pub(crate) const CHECKPOINT_VERSION: u32 = 1;

/// Where the checkpoint of a results file lives.
pub fn checkpoint_path(output: &Path) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".progress.json");
    output.with_file_name(name)
}

/// Reads a checkpoint.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint, ScreenError> {
    let bytes = std::fs::read(path).map_err(|e| ScreenError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| ScreenError::Resume {
        output: path.to_path_buf(),
        reason: format!("the checkpoint is not readable: {e}"),
    })
}

/// Writes a checkpoint durably: to a temporary file, synced, then renamed
/// over the previous one, so a reader sees the old or the new, never half.
pub(crate) fn commit_checkpoint(path: &Path, checkpoint: &Checkpoint) -> Result<(), ScreenError> {
    let mut tmp_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    {
        let mut f = File::create(&tmp).map_err(|e| ScreenError::io(&tmp, e))?;
        let bytes = serde_json::to_vec_pretty(checkpoint).expect("a checkpoint serialises");
        f.write_all(&bytes).map_err(|e| ScreenError::io(&tmp, e))?;
        f.sync_all().map_err(|e| ScreenError::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| ScreenError::io(path, e))?;
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        // Makes the rename itself durable; not every platform allows it.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
