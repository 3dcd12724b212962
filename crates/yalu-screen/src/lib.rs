//! # yalu-screen
//!
//! Batch screening of whole customer files against the sanctions lists, and
//! monitoring of what a list update changes for them.
//!
//! ## Tutorial
//!
//! Build an [`yalu_match::Index`] over the lists, wrap it in a
//! [`Screener`] with the threshold and the number of results per row, map
//! the input's columns to FtM properties with a [`ColumnMap`], and run a
//! [`BatchJob`]:
//!
//! ```
//! use yalu_screen::{BatchJob, ColumnMap, InputFormat, Screener, Silent, run_batch};
//! use yalu_match::{Index, MatchConfig};
//! use yalu_model::{Entity, Schema, prop};
//!
//! let mut listed = Entity::new("ofac-1", Schema::Person);
//! listed.add(prop::NAME, "KIM, Jong Un");
//! listed.add(prop::BIRTH_DATE, "1984-01-08");
//! let index = Index::build([listed]);
//! let screener = Screener::new(&index, MatchConfig::default(), 5);
//!
//! let dir = tempfile::tempdir()?;
//! let input = dir.path().join("customers.csv");
//! std::fs::write(&input, "cust,full_name,dob\nC-1,Kim Jeong-eun,1984\nC-2,Anna Schmidt,1990\n")?;
//! let output = dir.path().join("hits.csv");
//! let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob")?;
//! let job = BatchJob {
//!     input: &input,
//!     input_format: InputFormat::Csv,
//!     map: &map,
//!     schema: Schema::Person,
//!     output: &output,
//!     output_format: InputFormat::Csv,
//!     resume: false,
//!     strict: false,
//!     chunk_rows: 1024,
//!     settings: "lists=demo".into(),
//! };
//! let summary = run_batch(&job, &screener, &mut Silent)?;
//! assert_eq!((summary.rows_read, summary.rows_with_hits), (2, 1));
//! let text = std::fs::read_to_string(&output)?;
//! assert!(text.lines().nth(1).unwrap().starts_with("1,C-1,Kim Jeong-eun,ofac-1,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Guarantees of a batch run
//!
//! - **Order and streaming.** Rows are read in chunks ([`DEFAULT_CHUNK_ROWS`]);
//!   each chunk is screened on every core (rayon) and its hits are appended
//!   in input order. Memory holds one chunk, whatever the input size.
//! - **Bad rows** (no name, the wrong number of fields, bytes that are not
//!   UTF-8, a JSON line that is not an object) are reported to the
//!   [`Observer`] with their line and reason, counted, and skipped; with
//!   `strict` the first one ends the run with [`ScreenError::BadRow`] (after
//!   the rows before it are written).
//! - **Bad values** (a date that does not parse, an unknown country) are
//!   left out of their row's query only: the row is screened with the rest,
//!   the value is reported to the [`Observer`] and counted in
//!   `Summary::values_left_out`. With `strict` a bad value is a bad row.
//! - **Resume.** After each chunk, the results file is flushed and synced,
//!   then a [`Checkpoint`] (`<output>.progress.json`: rows consumed, results
//!   length in bytes, counters, the settings) replaces the previous one by an
//!   atomic rename. A run killed at any moment leaves a checkpoint that
//!   matches a prefix of the results file. `resume` cuts the file back to the
//!   checkpoint's length (dropping a torn last line, or whole lines of a chunk
//!   that was never checkpointed), skips the rows already consumed (rows
//!   without hits included, since the checkpoint counts rows, not lines) and
//!   goes on. The resumed file is byte for byte the file an uninterrupted run
//!   writes. Resuming with other settings (input, map, lists, threshold,
//!   limit, formats) is refused.
//!
//! ## A file read line by line
//!
//! [`CsvLines`] reads a CSV file that a line reader (Spark's text source) has
//! cut into lines, run by run and in any order, with the rows, row numbers
//! and reasons of the reader above; only a row with a line break inside
//! quotes is rejected instead ([`SPANS_LINES`]).
//!
//! ## Monitoring
//!
//! [`monitor()`] screens the same input against new lists and
//! compares with a [`Baseline`] (the old lists, or stored results
//! read by [`read_results`]); it reports new hits, gone hits and
//! changed scores, each with its cause (listed, delisted, entry changed,
//! with the entry's property diff).

mod batch;
mod error;
mod input;
mod lines;
mod monitor;
mod output;

pub use batch::results_left_incomplete;
pub use batch::{
    BatchJob, DEFAULT_CHUNK_ROWS, Observer, Progress, Screener, Silent, Summary, run_batch,
};
pub use error::ScreenError;
pub use input::{
    ColumnMap, InputFormat, InputReader, LeftOutValue, MAPPABLE_PROPERTIES, QueryRow, RecordMapper,
    RejectedRow, RowOutcome,
};
pub use lines::{CsvLines, LinePosition, LineRun, RunEnd, SPANS_LINES, positions};
pub use monitor::{
    Baseline, Cause, ChangeKind, HitChange, KnownHit, MonitorJob, MonitorReport, RowLeftOut,
    SCORE_EPSILON, monitor, read_results, row_changes,
};
pub use output::{
    CSV_HEADER, Checkpoint, OutputFormat, checkpoint_path, csv_fields, hit_record, read_checkpoint,
};
