//! `yalu lists fetch`: download the official lists (see `yalu-fetch` for
//! the layout, the mirror URLs and the safety rules).
//!
//! Exit codes: 0 every source updated; 1 error, or at least one source
//! failed (its previous good copy, if any, stays in place).

use crate::cli::FetchArgs;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use yalu_fetch::{FetchOptions, Source, fetch};

pub fn run(args: FetchArgs) -> anyhow::Result<ExitCode> {
    let sources = if args.sources.is_empty() {
        Source::ALL.to_vec()
    } else {
        args.sources.clone()
    };
    let report = fetch(&FetchOptions {
        target: args.output.clone(),
        sources,
        base_url: args.base_url.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let outcomes: Vec<serde_json::Value> = report
            .outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(entry) => serde_json::json!({
                    "source": o.source.name(), "ok": true, "entry": entry,
                    "list": o.source.list_path(&args.output),
                }),
                Err(e) => serde_json::json!({
                    "source": o.source.name(), "ok": false, "error": e.to_string(),
                    "kept_previous": o.kept_previous,
                }),
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &outcomes)?;
        writeln!(out)?;
    } else {
        for o in &report.outcomes {
            match &o.result {
                Ok(entry) => {
                    let bytes: u64 = entry.files.iter().map(|f| f.bytes).sum();
                    writeln!(
                        out,
                        "{:<14} ok      {} entities, {} files, {} bytes -> {}",
                        o.source.name(),
                        entry.entities,
                        entry.files.len(),
                        bytes,
                        o.source.list_path(&args.output).display()
                    )?;
                }
                Err(e) => {
                    writeln!(
                        out,
                        "{:<14} FAILED  {e}; {}",
                        o.source.name(),
                        if o.kept_previous {
                            "the previous copy is kept"
                        } else {
                            "no previous copy"
                        }
                    )?;
                }
            }
        }
        writeln!(
            out,
            "manifest: {}",
            args.output.join(yalu_fetch::MANIFEST).display()
        )?;
    }
    Ok(if report.failures() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
