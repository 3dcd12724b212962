//! The batch run: read a chunk of rows, screen it on every core, append its
//! hits to the results file in input order, make them durable, then move
//! the checkpoint forward. Memory holds one chunk at a time.

use crate::error::ScreenError;
use crate::input::{
    ColumnMap, InputFormat, InputReader, LeftOutValue, QueryRow, RejectedRow, RowOutcome,
};
use crate::output::{
    CHECKPOINT_VERSION, Checkpoint, OutputFormat, checkpoint_path, commit_checkpoint, header,
    read_checkpoint, render_hits,
};
use rayon::prelude::*;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use yalu_match::{Hit, Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, Schema};

/// Screens one query against an index with fixed settings: the results
/// are the list entries scoring at or above the threshold, best first, at
/// most `limit`. `Sync`, so one screener serves every thread.
pub struct Screener<'i> {
    index: &'i Index,
    config: MatchConfig,
    limit: usize,
}

impl<'i> Screener<'i> {
    /// A screener over `index`; hits score at least `config.threshold`, at
    /// most `limit` of them per query (a limit of 0 counts as 1).
    pub fn new(index: &'i Index, config: MatchConfig, limit: usize) -> Self {
        Screener {
            index,
            config,
            limit: limit.max(1),
        }
    }

    /// The index of list entries this screener searches.
    pub fn index(&self) -> &'i Index {
        self.index
    }

    /// The scoring settings, threshold included.
    pub fn config(&self) -> &MatchConfig {
        &self.config
    }

    /// The most hits kept per query (at least 1).
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The hits of one query.
    pub fn screen(&self, query: &Entity) -> Vec<Hit<'i>> {
        let opts = SearchOptions {
            limit: self.limit,
            cutoff: self.config.threshold,
            filter: None,
        };
        self.index.search(query, &self.config, &opts)
    }
}

/// Rows per chunk when the caller does not say.
pub const DEFAULT_CHUNK_ROWS: usize = 2048;

/// One batch run.
#[derive(Debug, Clone)]
pub struct BatchJob<'a> {
    /// The customer file to screen.
    pub input: &'a Path,
    /// How the customer file is laid out (CSV with a header, or JSON lines).
    pub input_format: InputFormat,
    /// Which input columns feed the query's id, schema and properties.
    pub map: &'a ColumnMap,
    /// Schema of rows that do not give one.
    pub schema: Schema,
    /// The results file, one line per hit; its checkpoint is written beside
    /// it ([`checkpoint_path`]).
    pub output: &'a Path,
    /// The layout of the results file (see [`CSV_HEADER`](crate::CSV_HEADER) and [`hit_record`](crate::hit_record)).
    pub output_format: OutputFormat,
    /// Continue from the checkpoint beside `output` instead of starting over.
    pub resume: bool,
    /// Stop at the first bad row instead of skipping it.
    pub strict: bool,
    /// Rows screened together between two checkpoints (0 counts as 1); it
    /// bounds memory and the work a resume repeats.
    pub chunk_rows: usize,
    /// What else the results depend on (lists, threshold, limit), as text;
    /// a resume with different settings is refused.
    pub settings: String,
}

impl BatchJob<'_> {
    fn fingerprint(&self, screener: &Screener) -> String {
        format!(
            "input={};input_format={:?};map={};schema={};output_format={:?};threshold={};limit={};{}",
            self.input.display(),
            self.input_format,
            self.map.describe(),
            self.schema,
            self.output_format,
            screener.config.threshold,
            screener.limit,
            self.settings
        )
    }
}

/// Where a run stands, after each chunk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Data rows consumed, including earlier runs when resuming.
    pub rows: u64,
    /// Data rows consumed by this run.
    pub rows_this_run: u64,
    /// Rows with at least one hit, including earlier runs.
    pub rows_with_hits: u64,
    /// Rows rejected and skipped, including earlier runs.
    pub rejected: u64,
    /// Bytes of the input file consumed so far, the rows a resume skips
    /// included (they are read again); with `total_bytes`, a fraction done.
    pub bytes_read: u64,
    /// Size of the input file in bytes (0 if it could not be told).
    pub total_bytes: u64,
}

/// Told about what happens during a run (for progress bars and reports).
pub trait Observer {
    /// A bad row was skipped (never called under `strict`).
    fn rejected(&mut self, _row: &RejectedRow) {}
    /// A value was left out of a row's query (never called under
    /// `strict`, where it stops the run).
    fn value_left_out(&mut self, _row: &QueryRow, _value: &LeftOutValue) {}
    /// A chunk is durably written.
    fn progress(&mut self, _progress: &Progress) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// The outcome of a run, counting earlier interrupted runs it resumed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Data rows consumed (screened or rejected); the header is not a row.
    pub rows_read: u64,
    /// Rows with at least one hit.
    pub rows_with_hits: u64,
    /// Hits written, one results line each.
    pub hits: u64,
    /// Rows rejected and skipped (see [`Observer::rejected`]).
    pub rejected: u64,
    /// Values left out of queries (unreadable dates, unknown countries);
    /// their rows were screened without them.
    pub values_left_out: u64,
    /// Rows already done by an earlier run when this one resumed.
    pub resumed_after_rows: Option<u64>,
    /// The results were already complete; nothing was screened.
    pub already_complete: bool,
    /// Time this run took (not the earlier runs').
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn summary(ck: &Checkpoint, resumed: Option<u64>, complete: bool, start: Instant) -> Summary {
    Summary {
        rows_read: ck.rows_done,
        rows_with_hits: ck.rows_with_hits,
        hits: ck.hits,
        rejected: ck.rejected,
        values_left_out: ck.values_left_out,
        resumed_after_rows: resumed,
        already_complete: complete,
        elapsed: start.elapsed(),
    }
}

/// Opens the results file: fresh (header written and checkpointed) or, when
/// resuming, cut back to the length its checkpoint vouches for.
fn open_output(
    job: &BatchJob,
    fingerprint: &str,
) -> Result<(File, Checkpoint, Option<u64>), ScreenError> {
    let sidecar = checkpoint_path(job.output);
    let resume_error = |reason: String| ScreenError::Resume {
        output: job.output.to_path_buf(),
        reason,
    };
    if job.resume && sidecar.exists() {
        let ck = read_checkpoint(&sidecar)?;
        if ck.version != CHECKPOINT_VERSION {
            return Err(resume_error(format!(
                "checkpoint version {} (this build writes {CHECKPOINT_VERSION})",
                ck.version
            )));
        }
        if ck.settings != fingerprint {
            return Err(resume_error(format!(
                "it was started with other settings:\n  then: {}\n  now:  {fingerprint}",
                ck.settings
            )));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(job.output)
            .map_err(|e| ScreenError::io(job.output, e))?;
        let len = file
            .metadata()
            .map_err(|e| ScreenError::io(job.output, e))?
            .len();
        if len < ck.output_bytes {
            return Err(resume_error(format!(
                "the file has {len} bytes but its checkpoint vouches for {}; it was changed by something else",
                ck.output_bytes
            )));
        }
        file.set_len(ck.output_bytes)
            .map_err(|e| ScreenError::io(job.output, e))?;
        file.seek(SeekFrom::End(0))
            .map_err(|e| ScreenError::io(job.output, e))?;
        let done = ck.rows_done;
        return Ok((file, ck, Some(done)));
    }
    if job.resume && job.output.exists() {
        return Err(resume_error(format!(
            "it has no checkpoint ({}), so which rows it holds is unknown; remove it or run without --resume",
            sidecar.display()
        )));
    }
    let mut file = File::create(job.output).map_err(|e| ScreenError::io(job.output, e))?;
    let head = header(job.output_format);
    file.write_all(&head)
        .and_then(|_| file.sync_data())
        .map_err(|e| ScreenError::io(job.output, e))?;
    let ck = Checkpoint {
        version: CHECKPOINT_VERSION,
        settings: fingerprint.to_string(),
        rows_done: 0,
        output_bytes: head.len() as u64,
        rows_with_hits: 0,
        hits: 0,
        rejected: 0,
        values_left_out: 0,
        complete: false,
    };
    commit_checkpoint(&sidecar, &ck)?;
    Ok((file, ck, None))
}

/// The rows of one chunk as the reader gave them: the queries to screen
/// (in the caller's buffer) and the counts the checkpoint adds up.
#[derive(Default)]
struct ChunkRead {
    /// Data rows consumed, rejected ones included.
    consumed: u64,
    /// Rows rejected and skipped.
    rejected: u64,
    /// Values left out of the chunk's queries.
    left_out: u64,
    /// The input ended within this chunk.
    eof: bool,
    /// Under `strict`, the bad row that ends the run once the rows before
    /// it are written.
    fatal: Option<ScreenError>,
}

/// The hits of one chunk, rendered in input order.
struct ScreenedChunk {
    /// The results lines, ready to append.
    block: Vec<u8>,
    /// Rows with at least one hit.
    rows_with_hits: u64,
    /// Hits rendered.
    hits: u64,
}

/// Skips the rows an earlier run already consumed; an input with fewer
/// rows than that is not the file the run started on.
fn skip_done_rows(
    reader: &mut InputReader,
    job: &BatchJob,
    rows_done: u64,
) -> Result<(), ScreenError> {
    for _ in 0..rows_done {
        if reader.next_row()?.is_none() {
            return Err(ScreenError::Resume {
                output: job.output.to_path_buf(),
                reason: format!(
                    "the input has only {} rows, fewer than the {} already done; is it the same file?",
                    reader.rows_read(),
                    rows_done
                ),
            });
        }
    }
    Ok(())
}

/// Reads up to `chunk_rows` rows into `chunk` (cleared first), telling the
/// observer about rejected rows and values left out; under `strict` the
/// first bad row or value stops the chunk and is kept as its `fatal` error.
fn read_chunk(
    reader: &mut InputReader,
    job: &BatchJob,
    observer: &mut dyn Observer,
    chunk: &mut Vec<QueryRow>,
    chunk_rows: usize,
) -> Result<ChunkRead, ScreenError> {
    chunk.clear();
    let mut read = ChunkRead::default();
    while (read.consumed as usize) < chunk_rows {
        match reader.next_row()? {
            None => {
                read.eof = true;
                break;
            }
            Some(RowOutcome::Query(q)) if job.strict && !q.left_out.is_empty() => {
                read.fatal = Some(ScreenError::BadRow {
                    path: job.input.to_path_buf(),
                    line: q.line,
                    row: q.row,
                    reason: q.left_out[0].to_string(),
                });
                break;
            }
            Some(RowOutcome::Query(q)) => {
                for v in &q.left_out {
                    observer.value_left_out(&q, v);
                }
                read.left_out += q.left_out.len() as u64;
                chunk.push(q);
            }
            Some(RowOutcome::Rejected(r)) if job.strict => {
                read.fatal = Some(ScreenError::BadRow {
                    path: job.input.to_path_buf(),
                    line: r.line,
                    row: r.row,
                    reason: r.reason,
                });
                break;
            }
            Some(RowOutcome::Rejected(r)) => {
                observer.rejected(&r);
                read.rejected += 1;
            }
        }
        read.consumed += 1;
    }
    Ok(read)
}

/// Screens a chunk on every core and renders its hits in input order.
fn screen_chunk(screener: &Screener, format: OutputFormat, chunk: &[QueryRow]) -> ScreenedChunk {
    let rendered: Vec<(usize, Vec<u8>)> = chunk
        .par_iter()
        .map(|q| {
            let hits = screener.screen(&q.entity);
            let mut bytes = Vec::new();
            render_hits(format, q, &hits, &mut bytes);
            (hits.len(), bytes)
        })
        .collect();
    let mut screened = ScreenedChunk {
        block: Vec::with_capacity(rendered.iter().map(|(_, b)| b.len()).sum()),
        rows_with_hits: 0,
        hits: 0,
    };
    for (n, bytes) in &rendered {
        if *n > 0 {
            screened.rows_with_hits += 1;
            screened.hits += *n as u64;
        }
        screened.block.extend_from_slice(bytes);
    }
    screened
}

/// Appends a chunk's results to the results file and makes them durable.
fn append_durably(file: &mut File, output: &Path, block: &[u8]) -> Result<(), ScreenError> {
    file.write_all(block)
        .and_then(|_| file.sync_data())
        .map_err(|e| ScreenError::io(output, e))
}

/// Counts a written chunk into the checkpoint (not yet committed).
fn count_chunk(ck: &mut Checkpoint, read: &ChunkRead, screened: &ScreenedChunk) {
    ck.rows_with_hits += screened.rows_with_hits;
    ck.hits += screened.hits;
    ck.rows_done += read.consumed;
    ck.rejected += read.rejected;
    ck.values_left_out += read.left_out;
    ck.output_bytes += screened.block.len() as u64;
}

/// Runs a batch: see the crate documentation for the guarantees.
pub fn run_batch(
    job: &BatchJob,
    screener: &Screener,
    observer: &mut dyn Observer,
) -> Result<Summary, ScreenError> {
    let start = Instant::now();
    let fingerprint = job.fingerprint(screener);
    let sidecar = checkpoint_path(job.output);
    let (mut file, mut ck, resumed) = open_output(job, &fingerprint)?;
    if ck.complete {
        return Ok(summary(&ck, resumed, true, start));
    }
    let mut reader = InputReader::open(job.input, job.input_format, job.map, job.schema.clone())?;
    skip_done_rows(&mut reader, job, ck.rows_done)?;
    let chunk_rows = job.chunk_rows.max(1);
    let mut chunk: Vec<QueryRow> = Vec::with_capacity(chunk_rows);
    loop {
        let mut read = read_chunk(&mut reader, job, observer, &mut chunk, chunk_rows)?;
        let screened = screen_chunk(screener, job.output_format, &chunk);
        append_durably(&mut file, job.output, &screened.block)?;
        count_chunk(&mut ck, &read, &screened);
        if let Some(e) = read.fatal.take() {
            commit_checkpoint(&sidecar, &ck)?;
            return Err(e);
        }
        ck.complete = read.eof;
        commit_checkpoint(&sidecar, &ck)?;
        observer.progress(&Progress {
            rows: ck.rows_done,
            rows_this_run: ck.rows_done - resumed.unwrap_or(0),
            rows_with_hits: ck.rows_with_hits,
            rejected: ck.rejected,
            bytes_read: reader.bytes_read(),
            total_bytes: reader.total_bytes(),
        });
        if read.eof {
            break;
        }
    }
    Ok(summary(&ck, resumed, false, start))
}

/// Whether a run that stopped (on an error or a bad row under `strict`)
/// left a partial results file at `output`: the file exists and its
/// checkpoint says `"complete": false`, so it holds only the rows before
/// the stop and a resume can finish it.
pub fn results_left_incomplete(output: &Path) -> bool {
    let incomplete = std::fs::read(checkpoint_path(output))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|c| c["complete"] == false);
    output.exists() && incomplete
}
