//! `yalu monitor`: what a list update changes for a customer file.
//!
//! Exit codes: 0 nothing changed; 3 something changed (new hits, hits gone
//! or scores moved); 1 error. A cron job can alert on 3.

use super::screen_file::{build_index, prepare};
use crate::cli::MonitorArgs;
use crate::config::Config;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use yalu_screen::Screener;
use yalu_screen::{
    Baseline, Cause, ChangeKind, HitChange, MonitorJob, MonitorReport, monitor, read_results,
};

/// Exit code when something changed for the user's records.
pub const EXIT_CHANGED: u8 = 3;

pub fn run(args: MonitorArgs, config: &Config) -> anyhow::Result<ExitCode> {
    if args.old.is_empty() && args.previous.is_none() {
        anyhow::bail!("give the baseline: --old LISTS, or --previous RESULTS of `yalu screen`");
    }
    let prepared = prepare(&args.input, config)?;
    let strict = args.input.strict;
    let (new_index, _) = build_index(&args.new, strict)?;
    let old_index = if args.old.is_empty() {
        None
    } else {
        Some(build_index(&args.old, strict)?.0)
    };
    let new = Screener::new(&new_index, prepared.config.clone(), prepared.limit);
    let old_screener = old_index
        .as_ref()
        .map(|i| Screener::new(i, prepared.config.clone(), prepared.limit));
    let baseline = match (&args.previous, &old_screener) {
        (Some(path), _) => Baseline::Previous(
            read_results(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        (None, Some(s)) => Baseline::Lists(s),
        (None, None) => unreachable!("checked above"),
    };
    let job = MonitorJob {
        input: &args.input.input,
        input_format: prepared.format,
        map: &prepared.map,
        schema: prepared.schema.clone(),
        strict,
        chunk_rows: args.input.chunk_rows,
    };
    let report = monitor(&job, &baseline, &new, old_index.as_ref())
        .with_context(|| format!("monitoring {}", args.input.input.display()))?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({
                "rows_read": report.rows_read,
                "new_hits": report.count(ChangeKind::New),
                "gone_hits": report.count(ChangeKind::Gone),
                "score_changes": report.count(ChangeKind::ScoreChanged),
                "rejected": report.rejected,
                "values_left_out": report.left_out,
                "changes": report.changes,
            }),
        )?;
        writeln!(out)?;
    } else {
        for r in &report.rejected {
            eprintln!(
                "rejected: {} line {} (row {}): {}",
                args.input.input.display(),
                r.line,
                r.row,
                r.reason
            );
        }
        for v in &report.left_out {
            eprintln!(
                "warning: {} line {} (row {}): {}; the row is screened without this value",
                args.input.input.display(),
                v.line,
                v.row,
                v.value
            );
        }
        render(&mut out, &report)?;
    }
    out.flush()?;
    Ok(if report.has_changes() {
        ExitCode::from(EXIT_CHANGED)
    } else {
        ExitCode::SUCCESS
    })
}

fn cause_text(c: &HitChange) -> &'static str {
    match (c.kind, c.cause) {
        (_, Cause::Listed) => "entry added to the list",
        (_, Cause::Delisted) => "entry removed from the list (delisted)",
        (_, Cause::EntryChanged) => "entry changed",
        (ChangeKind::Gone, Cause::EntryUnchanged) => "entry unchanged; no longer ranked",
        (_, Cause::EntryUnchanged) => "entry unchanged",
        (_, Cause::Unknown) => "no old list to tell why",
    }
}

fn score(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

fn render(out: &mut impl Write, report: &MonitorReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{} rows read, {} rejected, {} values left out: {} new hits, {} hits gone, {} scores changed",
        report.rows_read,
        report.rejected.len(),
        report.left_out.len(),
        report.count(ChangeKind::New),
        report.count(ChangeKind::Gone),
        report.count(ChangeKind::ScoreChanged)
    )?;
    if !report.has_changes() {
        writeln!(out, "nothing changed for these records")?;
        return Ok(());
    }
    for c in &report.changes {
        let label = match c.kind {
            ChangeKind::New => "NEW  ",
            ChangeKind::Gone => "GONE ",
            ChangeKind::ScoreChanged => "SCORE",
        };
        let who = match &c.query_id {
            Some(id) => format!("row {} ({id}) {}", c.row, c.query_name),
            None => format!("row {} {}", c.row, c.query_name),
        };
        writeln!(
            out,
            "\n{label} {who}\n      {} {}  {} -> {}  [{}]",
            c.entity_id,
            c.caption,
            score(c.old_score),
            score(c.new_score),
            cause_text(c)
        )?;
        if let Some((a, b)) = &c.schema_change {
            writeln!(out, "        schema: {a} -> {b}")?;
        }
        for p in &c.entry_changes {
            for v in &p.removed {
                writeln!(out, "        {}: - {v}", p.property)?;
            }
            for v in &p.added {
                writeln!(out, "        {}: + {v}", p.property)?;
            }
        }
    }
    Ok(())
}
