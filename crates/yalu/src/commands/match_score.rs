//! `yalu match`, `yalu score`, `yalu eval pairs`.

use super::load_lists;
use crate::cli::{EvalCommand, EvalPairsArgs, MatchArgs, PairsFormat, ScoreArgs};
use crate::config::Config;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use yalu_match::eval::{self, Evaluation, Metrics, PairScore};
use yalu_match::{Hit, Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, Schema, country, prop};

fn match_config(config: &Config, threshold: Option<f64>) -> anyhow::Result<MatchConfig> {
    let threshold = threshold.unwrap_or(config.screening.threshold);
    if !(0.0..=1.0).contains(&threshold) {
        anyhow::bail!("--threshold must be within 0..1, got {threshold}");
    }
    Ok(MatchConfig {
        threshold,
        ..MatchConfig::default()
    })
}

pub fn run_match(args: MatchArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let cfg = match_config(config, args.threshold)?;
    let query = query_entity(&args)?;
    let paths = super::list_paths(&args.lists, config, "screen against")?;
    let lists = load_lists(paths, args.read.strict)?;
    let index = Index::build(lists.into_iter().flat_map(|l| l.entities));
    let opts = SearchOptions {
        limit: args.limit.unwrap_or(config.screening.limit),
        ..SearchOptions::default()
    };
    let (hits, matched) = index.search_counted(&query, &cfg, &opts);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        render_hits_json(&mut out, &query, &cfg, matched, &hits)?;
    } else {
        render_hits(&mut out, &index, &cfg, matched, &hits)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The query `yalu match` screens: the name, and the birth date (a date
/// expression: every date it stands for) and nationality when given.
fn query_entity(args: &MatchArgs) -> anyhow::Result<Entity> {
    let schema: Schema = args.schema.parse().unwrap_or(Schema::LegalEntity);
    if let Schema::Other(name) = &schema {
        anyhow::bail!(
            "--schema {name} is not a screening schema (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity)"
        );
    }
    let mut query = Entity::new("query", schema);
    query.add(prop::NAME, &args.name);
    if let Some(d) = &args.birth_date {
        let dates = yalu_model::expand_date_expression(d)
            .map_err(|e| anyhow::anyhow!("--birth-date: {e}"))?;
        for date in dates {
            query.add(prop::BIRTH_DATE, date.to_string());
        }
    }
    if let Some(n) = &args.nationality {
        let code = country::to_code(n).ok_or_else(|| {
            anyhow::anyhow!("--nationality: `{n}` is not a country code or name Yalu knows")
        })?;
        query.add(prop::NATIONALITY, code);
    }
    Ok(query)
}

/// `yalu match --json`: the query, the threshold, how many matched, and
/// each result with its explanations.
fn render_hits_json(
    out: &mut impl Write,
    query: &Entity,
    cfg: &MatchConfig,
    matched: usize,
    hits: &[Hit],
) -> anyhow::Result<()> {
    let results: Vec<serde_json::Value> = hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "id": h.entity.id,
                "caption": h.entity.caption(),
                "schema": h.entity.schema,
                "datasets": h.entity.datasets,
                "score": h.scored.score,
                "match": h.scored.is_match,
                "explanations": h.scored.explanations,
            })
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({"query": query, "threshold": cfg.threshold, "matches": matched, "results": results}),
    )?;
    writeln!(out)?;
    Ok(())
}

/// `yalu match` for people: the index size and match count, then each
/// result with one line per feature of its explanation.
fn render_hits(
    out: &mut impl Write,
    index: &Index,
    cfg: &MatchConfig,
    matched: usize,
    hits: &[Hit],
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} entities indexed; {} at or above {:.2}",
        index.len(),
        matched,
        cfg.threshold
    )?;
    for h in hits {
        writeln!(
            out,
            "\n{:.3} {} {}  {}  [{}]",
            h.scored.score,
            if h.scored.is_match { "MATCH" } else { "     " },
            h.entity.id,
            h.entity.caption(),
            h.entity.datasets.join(", ")
        )?;
        for (feature, e) in &h.scored.explanations {
            let values = match (&e.query, &e.candidate) {
                (Some(q), Some(c)) => format!("  \"{q}\" vs \"{c}\""),
                _ => String::new(),
            };
            writeln!(
                out,
                "    {feature:<11} {:+.3}  {}{values}",
                e.contribution, e.detail
            )?;
        }
    }
    Ok(())
}

pub fn run_score(args: ScoreArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let cfg = match_config(config, args.threshold)?;
    let pairs = eval::read_jsonl(&args.pairs)?;
    let scores = eval::score_pairs(&pairs, &cfg);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (p, s) in pairs.iter().zip(scores) {
        serde_json::to_writer(
            &mut out,
            &PairScore {
                id: p.id.clone(),
                score: s.score,
                is_match: s.is_match,
            },
        )?;
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_eval(cmd: EvalCommand, config: &Config) -> anyhow::Result<ExitCode> {
    let EvalCommand::Pairs(args) = cmd else {
        anyhow::bail!("`eval detect` is dispatched to commands::detect");
    };
    eval_pairs(args, config)
}

fn eval_pairs(args: EvalPairsArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let cfg = match_config(config, args.threshold)?;
    let format = args.format.unwrap_or_else(|| {
        if args.file.extension().is_some_and(|e| e == "csv") {
            PairsFormat::NameBench
        } else {
            PairsFormat::Jsonl
        }
    });
    let pairs = match format {
        PairsFormat::Jsonl => eval::read_jsonl(&args.file)?,
        PairsFormat::NameBench => eval::read_name_bench(&args.file)?,
    };
    let evaluation = eval::evaluate(&pairs, &cfg);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &evaluation)?;
        writeln!(out)?;
    } else {
        render_evaluation(&mut out, &evaluation, &args.file.display().to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}"))
        .unwrap_or_else(|| "  -  ".into())
}

fn row(out: &mut impl Write, label: &str, m: &Metrics) -> std::io::Result<()> {
    writeln!(
        out,
        "{label:<24} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>9} {:>6} {:>6} {:>6}",
        m.pairs,
        m.positives(),
        m.true_positives,
        m.false_negatives,
        m.false_positives,
        m.true_negatives,
        pct(m.precision()),
        pct(m.recall()),
        pct(m.f1()),
        pct(m.false_positive_rate()),
    )
}

fn render_evaluation(out: &mut impl Write, e: &Evaluation, file: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{file}: {} pairs, threshold {:.2}",
        e.overall.pairs, e.threshold
    )?;
    writeln!(
        out,
        "\n{:<24} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>9} {:>6} {:>6} {:>6}",
        "kind", "pairs", "pos", "TP", "FN", "FP", "TN", "precision", "recall", "F1", "FPR"
    )?;
    for (kind, m) in &e.by_kind {
        row(out, kind, m)?;
    }
    row(out, "overall", &e.overall)?;
    writeln!(
        out,
        "\nTP: true matches found; FN: true matches missed; FP: non-matches let through; TN: non-matches rejected.\nFPR: share of non-matching pairs let through. `-`: undefined (no pairs of that class)."
    )?;
    if !e.errors.is_empty() {
        writeln!(out, "\nmisclassified ({}):", e.errors.len())?;
        for (id, kind, expected, score) in e.errors.iter().take(30) {
            writeln!(
                out,
                "  {id:<14} {kind:<22} expected {} got {score:.3}",
                if *expected { "match   " } else { "no match" }
            )?;
        }
        if e.errors.len() > 30 {
            writeln!(out, "  ... {} more (--json for all)", e.errors.len() - 30)?;
        }
    }
    Ok(())
}
