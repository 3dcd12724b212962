//! `yalu screen`: batch screening of a customer file. The engine is
//! `yalu-screen`; this file parses, builds the index, shows progress and
//! renders the summary.

use super::load_lists;
use crate::cli::{FileFormat, InputArgs, ScreenArgs};
use crate::config::Config;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use yalu_match::{Index, MatchConfig};
use yalu_model::Schema;
use yalu_screen::{
    BatchJob, ColumnMap, InputFormat, LeftOutValue, Observer, Progress, QueryRow, RejectedRow,
    Screener, Summary, results_left_incomplete, run_batch,
};

impl From<FileFormat> for InputFormat {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Csv => InputFormat::Csv,
            FileFormat::Jsonl => InputFormat::JsonLines,
        }
    }
}

pub(crate) struct Prepared {
    pub map: ColumnMap,
    pub schema: Schema,
    pub format: InputFormat,
    pub config: MatchConfig,
    pub limit: usize,
}

pub(crate) fn prepare(args: &InputArgs, config: &Config) -> anyhow::Result<Prepared> {
    let threshold = args.threshold.unwrap_or(config.screening.threshold);
    if !(0.0..=1.0).contains(&threshold) {
        anyhow::bail!("--threshold must be within 0..1, got {threshold}");
    }
    let limit = args.limit.unwrap_or(config.screening.limit);
    if limit == 0 {
        anyhow::bail!("--limit must be at least 1");
    }
    let schema: Schema = args.schema.parse().unwrap_or(Schema::LegalEntity);
    if !schema.is_screenable() {
        anyhow::bail!(
            "--schema {schema} is not a screening schema (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity)"
        );
    }
    let map = match &args.map {
        Some(spec) => ColumnMap::parse(spec)?,
        None => ColumnMap::by_name(),
    };
    let format = match args.input_format {
        Some(f) => f.into(),
        None => InputFormat::from_path(&args.input).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: cannot tell CSV from JSON lines by the name; give --input-format",
                args.input.display()
            )
        })?,
    };
    Ok(Prepared {
        map,
        schema,
        format,
        config: MatchConfig {
            threshold,
            ..MatchConfig::default()
        },
        limit,
    })
}

/// Loads lists into one index and describes them (for the checkpoint's
/// settings, so that a resume against other lists is refused).
pub(crate) fn build_index(paths: &[PathBuf], strict: bool) -> anyhow::Result<(Index, String)> {
    let lists = load_lists(paths, strict)?;
    let described: Vec<String> = lists
        .iter()
        .map(|l| {
            format!(
                "{}({}, {} entities)",
                l.path.display(),
                l.dataset,
                l.entities.len()
            )
        })
        .collect();
    let index = Index::build(lists.into_iter().flat_map(|l| l.entities));
    Ok((index, described.join(";")))
}

/// How many rejected rows are printed before only counting them.
const SHOWN_REJECTED: u64 = 20;

/// Progress bar on a terminal (hidden in pipes and CI), and the report
/// of rejected rows on stderr.
struct Console {
    bar: ProgressBar,
    input: String,
    shown: u64,
    shown_left_out: u64,
    start: Instant,
}

impl Observer for Console {
    fn rejected(&mut self, row: &RejectedRow) {
        self.shown += 1;
        if self.shown <= SHOWN_REJECTED {
            let text = format!(
                "rejected: {} line {} (row {}): {}",
                self.input, row.line, row.row, row.reason
            );
            self.bar.suspend(|| eprintln!("{text}"));
        } else if self.shown == SHOWN_REJECTED + 1 {
            self.bar.suspend(|| {
                eprintln!("rejected: more rows; the summary counts them (use --strict to stop at the first)")
            });
        }
    }

    fn value_left_out(&mut self, row: &QueryRow, value: &LeftOutValue) {
        self.shown_left_out += 1;
        if self.shown_left_out <= SHOWN_REJECTED {
            let text = format!(
                "warning: {} line {} (row {}): {}; the row is screened without this value",
                self.input, row.line, row.row, value
            );
            self.bar.suspend(|| eprintln!("{text}"));
        } else if self.shown_left_out == SHOWN_REJECTED + 1 {
            self.bar.suspend(|| {
                eprintln!("warning: more values left out; the summary counts them (use --strict to stop at the first)")
            });
        }
    }

    fn progress(&mut self, p: &Progress) {
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_length(p.total_bytes.max(1));
        self.bar.set_position(p.bytes_read);
        self.bar.set_message(format!(
            "{} rows, {:.0} rows/s, {} with hits, {} rejected",
            p.rows,
            p.rows_this_run as f64 / secs,
            p.rows_with_hits,
            p.rejected
        ));
    }
}

impl Console {
    /// A console for screening `input`: the progress bar drawn on stderr
    /// when it is a terminal, hidden otherwise.
    fn new(input: &Path) -> Console {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(1), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% ETA {eta}  {msg}",
            )
            .expect("a valid template"),
        );
        Console {
            bar,
            input: input.display().to_string(),
            shown: 0,
            shown_left_out: 0,
            start: Instant::now(),
        }
    }
}

pub fn run(args: ScreenArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let prepared = prepare(&args.input, config)?;
    let output_format = match args.output_format {
        Some(f) => f.into(),
        None => InputFormat::from_path(&args.output).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: cannot tell CSV from JSON lines by the name; give --output-format",
                args.output.display()
            )
        })?,
    };
    let paths = super::list_paths(&args.lists, config, "screen against")?;
    let (index, lists) = build_index(paths, args.input.strict)?;
    let screener = Screener::new(&index, prepared.config.clone(), prepared.limit);
    let job = BatchJob {
        input: &args.input.input,
        input_format: prepared.format,
        map: &prepared.map,
        schema: prepared.schema.clone(),
        output: &args.output,
        output_format,
        resume: args.resume,
        strict: args.input.strict,
        chunk_rows: args.input.chunk_rows,
        settings: format!("lists={lists}"),
    };
    let mut console = Console::new(&args.input.input);
    let result = run_batch(&job, &screener, &mut console);
    console.bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            // Say so when a stopped run leaves a partial results file.
            let partial = if results_left_incomplete(&args.output) {
                format!(
                    "; {} is INCOMPLETE: it holds only the rows before the error (its checkpoint {} says \"complete\": false)",
                    args.output.display(),
                    yalu_screen::checkpoint_path(&args.output).display()
                )
            } else {
                String::new()
            };
            anyhow::bail!(
                "screening {}: {:#}{partial}",
                args.input.input.display(),
                anyhow::Error::from(e)
            );
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        render_summary(&mut out, &summary, &args.output)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The summary of a run for people: what a resume found, then one line of
/// counts, speed and where the results are.
fn render_summary(out: &mut impl Write, summary: &Summary, output: &Path) -> std::io::Result<()> {
    if summary.already_complete {
        writeln!(
            out,
            "{} is already complete; nothing to resume",
            output.display()
        )?;
    }
    if let Some(done) = summary.resumed_after_rows {
        writeln!(out, "resumed after row {done}")?;
    }
    let secs = summary.elapsed.as_secs_f64();
    let this_run = summary.rows_read - summary.resumed_after_rows.unwrap_or(0);
    writeln!(
        out,
        "rows read {}; rows with hits {} ({} hits); rejected rows {}; values left out {}; elapsed {:.1} s ({:.0} rows/s){}",
        summary.rows_read,
        summary.rows_with_hits,
        summary.hits,
        summary.rejected,
        summary.values_left_out,
        secs,
        if secs > 0.0 {
            this_run as f64 / secs
        } else {
            0.0
        },
        describe_output(output)
    )
}

fn describe_output(path: &Path) -> String {
    format!("; results in {}", path.display())
}
