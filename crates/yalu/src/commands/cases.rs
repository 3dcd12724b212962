//! `yalu cases import`: alerts (`yalu detect`) or hits (`yalu screen
//! --format jsonl`) become cases in the store, as `POST /cases/import` does.

use crate::cli::{CasesCommand, ImportArgs};
use crate::config::Config;
use anyhow::Context;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use yalu_store::StoreError;

pub fn run(cmd: CasesCommand, config: &Config) -> anyhow::Result<ExitCode> {
    match cmd {
        CasesCommand::Import(args) => import(args, config),
    }
}

fn import(args: ImportArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (path, kind) = match (&args.alerts, &args.hits) {
        (Some(p), None) => (p, "alerts"),
        (None, Some(p)) => (p, "hits"),
        _ => anyhow::bail!("give exactly one of --alerts FILE and --hits FILE"),
    };
    let (mut objects, lines) = read_json_lines(path)?;
    if let Some(dir) = &args.data {
        attach_evidence(dir, args.rules.as_deref(), &mut objects)?;
    }
    let store = super::keys::open_store(None, args.database.as_deref(), config)?;
    let cases = store.cases();
    let outcome = if kind == "alerts" {
        cases.import_alerts(&args.actor, &objects)
    } else {
        let mut fingerprints: HashMap<String, String> = HashMap::new();
        for list in super::load_lists(&args.lists, false)? {
            for e in &list.entities {
                fingerprints.insert(e.id.clone(), yalu_store::cases::entry_fingerprint(e));
            }
        }
        cases.import_hits(&args.actor, &objects, &|id: &str| {
            fingerprints.get(id).cloned()
        })
    };
    let report = outcome.map_err(|e| match e {
        // Name the file and line instead of the position in the batch.
        StoreError::InvalidImport {
            item,
            field,
            reason,
        } => {
            let line = item
                .split_once('[')
                .and_then(|(_, rest)| rest.trim_end_matches(']').parse::<usize>().ok())
                .and_then(|i| lines.get(i).copied());
            match line {
                Some(n) => anyhow::anyhow!(
                    "{} line {n}: field `{field}` {reason}; nothing was imported",
                    path.display()
                ),
                None => anyhow::anyhow!("{}: {item}: field `{field}` {reason}", path.display()),
            }
        }
        other => anyhow::Error::new(other),
    })?;
    println!(
        "{}: {} {kind} read; {} cases created, {} already present, {} suppressed ({})",
        path.display(),
        objects.len(),
        report.created,
        report.existing,
        report.suppressed,
        store.describe()
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds to every alert the evidence drawn from the data set it came from.
/// Rows of the data set that do not read are reported, as `yalu detect`
/// reports them.
fn attach_evidence(
    dir: &Path,
    rules: Option<&Path>,
    alerts: &mut [serde_json::Value],
) -> anyhow::Result<()> {
    let set = match rules {
        Some(p) => yalu_detect::RuleSet::load(p)?,
        None => yalu_detect::RuleSet::default(),
    };
    let loaded = yalu_detect::read_dir(dir, &yalu_detect::ReadOptions::default())?;
    if !loaded.rejected.is_empty() {
        eprintln!(
            "{}: {} rows rejected while reading the data set (run `yalu detect` for the report)",
            dir.display(),
            loaded.rejected.len()
        );
    }
    let resolution = yalu_detect::resolve(&loaded.data, &set.resolution);
    let builder = yalu_detect::EvidenceBuilder::new(&loaded.data, &resolution, &[]);
    let ids = |v: &serde_json::Value, field: &str| -> Vec<String> {
        v[field]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // each rule's evaluation for the case's subjects ("why (not)?")
    let ctx = yalu_detect::Context::new(&loaded.data, &resolution, &set, None);
    let found = yalu_detect::detect(&ctx);
    let found = yalu_detect::AlertsBySubject::new(&found);
    for alert in alerts.iter_mut() {
        let subjects = ids(alert, "subject_ids");
        let drawn = yalu_detect::alert_evidence(
            &builder,
            &ctx,
            &found,
            &subjects,
            &ids(alert, "evidence_ids"),
        )?;
        // A line that is not an object is refused by the import itself.
        if let Some(object) = alert.as_object_mut() {
            object.insert(
                "evidence".to_string(),
                serde_json::to_value(drawn.evidence)?,
            );
            object.insert(
                "investigation".to_string(),
                serde_json::to_value(drawn.investigation)?,
            );
        }
    }
    Ok(())
}

/// The JSON objects of a JSON-lines file and the line number of each.
/// Blank lines are skipped; a line that is not JSON is an error naming it.
fn read_json_lines(path: &Path) -> anyhow::Result<(Vec<serde_json::Value>, Vec<usize>)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut objects = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {} line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not JSON", path.display(), i + 1))?;
        objects.push(value);
        lines.push(i + 1);
    }
    Ok((objects, lines))
}
