//! Times a whole detection run on a simulated world, step by step, and
//! checks it against the world's ground truth.
//!
//! ```sh
//! cargo run --release -p yalu-detect --example detect_world -- --workers 100000 --seed 2026 --dir /tmp/sim100k
//! ```
//!
//! Writes the world into `--dir` unless it already holds one (`persons.csv`),
//! then reads, resolves and checks it with the default rules and the
//! world's sanctions list, and prints the time of each step, the record
//! counts, the peak resident memory (Linux) and precision/recall per rule.

use std::path::PathBuf;
use std::time::Instant;
use yalu_detect::ReadOptions;
use yalu_detect::sim::{LIST_DIR, SimOptions, TRUTH_FILE, write_world};
use yalu_detect::{RuleSet, run};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let workers: usize = arg("--workers").map_or(100_000, |w| w.parse().expect("--workers N"));
    let seed: u64 = arg("--seed").map_or(2026, |s| s.parse().expect("--seed S"));
    let dir = PathBuf::from(arg("--dir").unwrap_or_else(|| format!("target/sim-{workers}-{seed}")));
    if !dir.join("persons.csv").is_file() {
        let t = Instant::now();
        let stats = write_world(
            &dir,
            &SimOptions {
                workers,
                seed,
                difficulty: 1,
            },
        )
        .expect("simulate");
        println!("simulated {stats:?} in {:.1} s", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let list = yalu_lists::read_path(&dir.join(LIST_DIR), &yalu_lists::ReadOptions::default())
        .expect("list");
    let index = yalu_links::Lists::build(list.entities);
    let list_time = t.elapsed();
    let t = Instant::now();
    let out = run(
        &dir,
        Some(&index),
        &RuleSet::default(),
        &ReadOptions::default(),
    )
    .expect("detect");
    let total = t.elapsed();
    let tm = &out.timings;
    println!(
        "records: {:?}; rejected rows: {}",
        out.records,
        out.rejected.len()
    );
    println!(
        "persons resolved: {} from {} records",
        out.resolution.persons.len(),
        out.records.persons
    );
    println!(
        "time: list {:.2} s, read {:.1} s, resolve {:.1} s, index+screen {:.1} s, rules {:.1} s, total {:.1} s",
        list_time.as_secs_f64(),
        tm.read.as_secs_f64(),
        tm.resolve.as_secs_f64(),
        tm.index.as_secs_f64(),
        tm.rules.as_secs_f64(),
        total.as_secs_f64()
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak resident memory: {m:.0} MiB");
    }
    println!("alerts: {}", out.alerts.len());
    let truth = yalu_detect::eval::read_truth(&dir.join(TRUTH_FILE)).expect("truth");
    let report = yalu_detect::eval::evaluate(&out.alerts, &truth);
    for r in &report.rules {
        println!(
            "{:<28} planted {:>7} found {:>7} alerts {:>7} correct {:>7}",
            r.rule, r.planted, r.found, r.alerts, r.correct
        );
    }
    // As `yalu eval detect` reports them: the negatives named by at least
    // one alert; `negatives_alerted` has one line per negative and alert.
    println!(
        "negatives alerted: {} of {} named by an alert ({} negative-alert pairs)",
        report.negatives_alerted_distinct,
        report.negatives,
        report.negatives_alerted.len()
    );
    for (note, k) in &report.negatives_alerted_by_note {
        println!("  negatives alerted: {k} x {note}");
    }
}
