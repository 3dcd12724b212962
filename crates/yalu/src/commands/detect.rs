//! `yalu detect`, `yalu rules list`, `yalu sim` and `yalu eval detect`.

use crate::cli::{DetectArgs, EvalDetectArgs, RulesCommand, SimArgs};
use crate::config::Config;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use yalu_detect::ReadOptions;
use yalu_detect::{Alert, RuleSet};
use yalu_links::Lists;

fn rule_set(path: Option<&Path>) -> anyhow::Result<RuleSet> {
    Ok(match path {
        Some(p) => RuleSet::load(p)?,
        None => RuleSet::default(),
    })
}

fn index(paths: &[PathBuf], strict: bool) -> anyhow::Result<Option<Lists>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let lists = super::load_lists(paths, strict)?;
    Ok(Some(Lists::build(
        lists.into_iter().flat_map(|l| l.entities),
    )))
}

/// `<out>` with `.rejected.jsonl` in place of its extension.
fn default_rejected(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "alerts".into());
    out.with_file_name(format!("{stem}.rejected.jsonl"))
}

fn write_jsonl<T: serde::Serialize>(path: &Path, items: &[T]) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut w, item)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

fn money(x: f64) -> String {
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 && c != '-' {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print_summary(alerts: &[Alert]) {
    let rows = yalu_detect::summarize(alerts);
    println!(
        "{:<28} {:>7} {:>5} {:>6} {:>5} {:>8} {:>8} {:>16}",
        "rule", "alerts", "low", "medium", "high", "critical", "workers", "revenue USD"
    );
    let (mut n, mut w, mut r) = (0, 0, 0.0);
    for row in &rows {
        let sev = |s: &str| row.by_severity.get(s).copied().unwrap_or(0);
        println!(
            "{:<28} {:>7} {:>5} {:>6} {:>5} {:>8} {:>8} {:>16}",
            row.rule,
            row.alerts,
            sev("low"),
            sev("medium"),
            sev("high"),
            sev("critical"),
            row.workers,
            money(row.estimated_revenue_usd)
        );
        n += row.alerts;
        w += row.workers;
        r += row.estimated_revenue_usd;
    }
    println!(
        "{:<28} {:>7} {:>5} {:>6} {:>5} {:>8} {:>8} {:>16}",
        "sum over rules",
        n,
        "",
        "",
        "",
        "",
        w,
        money(r)
    );
    println!(
        "(a worker or a worker-day caught by several rules counts once per rule: the sums overlap)"
    );
}

fn print_explanation(why: &yalu_detect::Explanation) {
    println!("{} {}", why.kind, why.label);
    if why.record_ids.len() > 1 {
        println!("records: {}", why.record_ids.join(", "));
    }
    if let Some(l) = &why.labour_evidence {
        println!("evidence of work: {l}");
    }
    for r in &why.rules {
        println!();
        let verdict = if !r.enabled {
            "disabled".to_string()
        } else if r.fired {
            format!("FIRED: {}", r.alert_ids.join(", "))
        } else {
            "not fired".to_string()
        };
        println!("{} [{}] {verdict}", r.rule, r.severity.as_str());
        for c in &r.conditions {
            println!("  [{}] {}", c.label(), c.text);
        }
    }
}

pub fn run_detect(args: DetectArgs, _config: &Config) -> anyhow::Result<ExitCode> {
    let set = rule_set(args.rules.as_deref())?;
    let index = index(&args.lists, args.strict)?;
    let opts = ReadOptions {
        strict: args.strict,
    };
    if let Some(id) = &args.explain {
        let loaded = yalu_detect::read_dir(&args.data, &opts)?;
        for r in loaded.rejected.iter().take(10) {
            eprintln!("rejected: {r}");
        }
        let why = yalu_detect::explain_in(&loaded.data, index.as_ref(), &set, id)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&why)?);
        } else {
            print_explanation(&why);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = args.out.as_deref() else {
        anyhow::bail!("--out FILE is needed unless --explain is given");
    };
    let outcome = yalu_detect::run(&args.data, index.as_ref(), &set, &opts)?;
    write_jsonl(out, &outcome.alerts)?;
    let rejected_path = args
        .rejected
        .clone()
        .unwrap_or_else(|| default_rejected(out));
    write_jsonl(&rejected_path, &outcome.rejected)?;
    for r in outcome.rejected.iter().take(10) {
        eprintln!("rejected: {r}");
    }
    let c = &outcome.records;
    println!(
        "read {} persons, {} documents, {} crossings, {} placements, {} organizations, {} relations, {} payments; {} rows rejected (listed in {})",
        c.persons,
        c.documents,
        c.crossings,
        c.placements,
        c.organizations,
        c.relations,
        c.payments,
        outcome.rejected.len(),
        rejected_path.display()
    );
    let workers = outcome.resolution.persons.len();
    println!(
        "resolved {} person records into {workers} persons ({} links)",
        c.persons,
        outcome.resolution.links.len()
    );
    let t = &outcome.timings;
    println!(
        "time: read {:.1} s, resolve {:.1} s, index {:.1} s, rules {:.1} s",
        t.read.as_secs_f64(),
        t.resolve.as_secs_f64(),
        t.index.as_secs_f64(),
        t.rules.as_secs_f64()
    );
    print_summary(&outcome.alerts);
    println!(
        "{} alerts written to {}",
        outcome.alerts.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_rules(cmd: RulesCommand) -> anyhow::Result<ExitCode> {
    let RulesCommand::List(args) = cmd;
    let set = rule_set(args.rules.as_deref())?;
    let catalogue = set.catalogue();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&catalogue)?);
        return Ok(ExitCode::SUCCESS);
    }
    let r = &set.resolution;
    println!(
        "resolution: name_threshold = {}, link_same_passport = {}, cross_nationality_name_threshold = {}, birth_dates_must_agree = {}, max_block_all_pairs = {}",
        r.name_threshold,
        r.link_same_passport,
        r.cross_nationality_name_threshold,
        r.birth_dates_must_agree,
        r.max_block_all_pairs
    );
    let g = &set.general;
    println!(
        "general: dprk_nationality = {}, annual_revenue_per_worker_usd = {}, as_of = {:?}",
        g.dprk_nationality, g.annual_revenue_per_worker_usd, g.as_of
    );
    println!(
        "evidence of labour: work_type_categories = [{}], employer_kinds = [{}], group_to_site_days = {}",
        g.work_type_categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        g.employer_kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        g.group_to_site_days
    );
    for rule in catalogue {
        println!();
        println!(
            "{} [{}{}]",
            rule.id,
            rule.severity,
            if rule.enabled { "" } else { ", disabled" }
        );
        println!("  {}", rule.description);
        println!("  source: {}", rule.source);
        for (k, v) in &rule.params {
            println!("  {k} = {v}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_sim(args: SimArgs) -> anyhow::Result<ExitCode> {
    let opts = yalu_detect::sim::SimOptions {
        workers: args.workers,
        seed: args.seed,
        difficulty: args.difficulty,
    };
    let stats = yalu_detect::sim::write_world(&args.out, &opts)?;
    println!(
        "wrote {} persons, {} documents, {} crossings, {} placements, {} organizations, {} relations, {} payments to {}",
        stats.persons,
        stats.documents,
        stats.crossings,
        stats.placements,
        stats.organizations,
        stats.relations,
        stats.payments,
        args.out.display()
    );
    println!(
        "ground truth: {} planted patterns, {} negatives in {}; sanctions list in {}",
        stats.patterns,
        stats.negatives,
        args.out.join(yalu_detect::sim::TRUTH_FILE).display(),
        args.out.join(yalu_detect::sim::LIST_DIR).display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_eval(args: EvalDetectArgs, _config: &Config) -> anyhow::Result<ExitCode> {
    let set = rule_set(args.rules.as_deref())?;
    let index = index(&args.lists, false)?;
    let outcome = yalu_detect::run(&args.data, index.as_ref(), &set, &ReadOptions::default())?;
    let truth = yalu_detect::eval::read_truth(&args.truth)?;
    let mut report = yalu_detect::eval::evaluate(&outcome.alerts, &truth);
    report.resolution = Some(yalu_detect::eval::evaluate_resolution(
        &outcome.resolution,
        &truth,
    ));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<28} {:>8} {:>6} {:>7} {:>8} {:>9} {:>7}",
        "rule", "planted", "found", "alerts", "correct", "precision", "recall"
    );
    for r in &report.rules {
        let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!(
            "{:<28} {:>8} {:>6} {:>7} {:>8} {:>9} {:>7}",
            r.rule,
            r.planted,
            r.found,
            r.alerts,
            r.correct,
            f(r.precision),
            f(r.recall)
        );
    }
    println!(
        "negatives: {} of {} named by an alert ({} negative-alert pairs); {} rows rejected",
        report.negatives_alerted_distinct,
        report.negatives,
        report.negatives_alerted.len(),
        outcome.rejected.len()
    );
    for (note, k) in &report.negatives_alerted_by_note {
        println!("  negatives alerted: {k} x {note}");
    }
    for n in report.negatives_alerted.iter().take(10) {
        println!("  negative alerted: {n}");
    }
    for r in &report.rules {
        for m in r.missed.iter().take(5) {
            println!("  {} missed: {m}", r.rule);
        }
        for u in r.unexpected.iter().take(5) {
            println!("  {} false alert: {u}", r.rule);
        }
    }
    if let Some(s) = &report.resolution {
        let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
        println!(
            "resolution: {} records, {} true persons ({} of several records), {} resolved; pairwise precision {} recall {} F1 {}; {} split ({}), {} merged ({})",
            s.records,
            s.true_persons,
            s.multi_record_persons,
            s.resolved_persons,
            f(s.precision),
            f(s.recall),
            f(s.f1),
            s.split,
            f(s.split_share),
            s.merged,
            f(s.merged_share)
        );
        for e in s.split_examples.iter().take(5) {
            println!("  split: {e}");
        }
        for e in s.merged_examples.iter().take(5) {
            println!("  merged: {e}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
