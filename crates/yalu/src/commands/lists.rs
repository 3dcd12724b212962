//! `yalu lists inspect | export | diff`.

use super::load_lists;
use crate::cli::{DiffArgs, ExportArgs, ExportFormat, InspectArgs, ListsCommand};
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use yalu_lists::{ListDiff, ListSummary, diff};
use yalu_model::country;

pub fn run(cmd: ListsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ListsCommand::Inspect(args) => inspect(args),
        ListsCommand::Export(args) => export(args),
        ListsCommand::Diff(args) => run_diff(args),
        ListsCommand::Fetch(args) => super::fetch::run(args),
    }
}

fn top(map: &BTreeMap<String, usize>, n: usize) -> Vec<(&String, &usize)> {
    let mut v: Vec<_> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.truncate(n);
    v
}

fn inspect(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let lists = load_lists(&args.paths, args.read.strict)?;
    let summaries: Vec<ListSummary> = lists.iter().map(ListSummary::of).collect();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summaries)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &summaries {
        writeln!(out, "{}", s.path.display())?;
        writeln!(out, "  format    {}", s.format_label)?;
        writeln!(out, "  dataset   {}", s.dataset)?;
        writeln!(out, "  entities  {}", s.entities)?;
        if s.skipped > 0 || s.warnings > 0 {
            writeln!(
                out,
                "  problems  {} records skipped, {} values kept as notes",
                s.skipped, s.warnings
            )?;
        }
        if !s.unknown_countries.is_empty() {
            writeln!(out, "  country values naming no known country")?;
            for (value, n) in top(&s.unknown_countries, args.top) {
                writeln!(out, "    {n:>7}  {value}")?;
            }
        }
        writeln!(out, "  by schema")?;
        for (schema, n) in top(&s.by_schema, usize::MAX) {
            writeln!(out, "    {n:>7}  {schema}")?;
        }
        writeln!(
            out,
            "  by program (top {})",
            args.top.min(s.by_program.len())
        )?;
        for (program, n) in top(&s.by_program, args.top) {
            writeln!(out, "    {n:>7}  {program}")?;
        }
        writeln!(
            out,
            "  by country (top {})",
            args.top.min(s.by_country.len())
        )?;
        for (code, n) in top(&s.by_country, args.top) {
            writeln!(
                out,
                "    {n:>7}  {code}  {}",
                country::name(code).unwrap_or("")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let ExportFormat::Ftm = args.format;
    let lists = load_lists(&args.paths, args.read.strict)?;
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    let mut written = 0usize;
    for list in &lists {
        for entity in &list.entities {
            let mut e = entity.clone();
            e.fill_caption();
            serde_json::to_writer(&mut out, &e)?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
    out.flush()?;
    if args.output.is_some() {
        eprintln!("wrote {written} entities");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let lists = load_lists(&[args.old.clone(), args.new.clone()], args.read.strict)?;
    let [old, new] = [&lists[0], &lists[1]];
    let d = diff(&old.entities, &new.entities);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
    } else {
        render_diff(&mut out, &d, args.top)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn render_diff(out: &mut impl Write, d: &ListDiff, top: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    )?;
    let more = |out: &mut dyn Write, total: usize| -> std::io::Result<()> {
        if total > top {
            writeln!(
                out,
                "  ... and {} more (--top N or --json for all)",
                total - top
            )?;
        }
        Ok(())
    };
    if !d.added.is_empty() {
        writeln!(out, "\nadded")?;
        for e in d.added.iter().take(top) {
            writeln!(out, "  + {}  {}  {}", e.id, e.schema, e.caption)?;
        }
        more(out, d.added.len())?;
    }
    if !d.removed.is_empty() {
        writeln!(out, "\nremoved")?;
        for e in d.removed.iter().take(top) {
            writeln!(out, "  - {}  {}  {}", e.id, e.schema, e.caption)?;
        }
        more(out, d.removed.len())?;
    }
    if !d.changed.is_empty() {
        writeln!(out, "\nchanged")?;
        for c in d.changed.iter().take(top) {
            writeln!(out, "  ~ {}  {}", c.entity.id, c.entity.caption)?;
            if let Some((a, b)) = &c.schema {
                writeln!(out, "      schema: {a} -> {b}")?;
            }
            for p in &c.properties {
                for v in &p.removed {
                    writeln!(out, "      {}: - {v}", p.property)?;
                }
                for v in &p.added {
                    writeln!(out, "      {}: + {v}", p.property)?;
                }
            }
        }
        more(out, d.changed.len())?;
    }
    Ok(())
}
