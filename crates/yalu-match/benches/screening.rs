//! Seeded screening benchmark: index build time and memory, single-query
//! latency percentiles and all-core throughput, on the real SDN 2021 + UN
//! 2026 lists and on 1,000,000 synthetic entities.
//!
//! Run: `cargo bench -p yalu-match --bench screening`
//! Options (after `--`): `--synthetic N` (default 1000000), `--queries N`
//! (default 2000), `--skip-synthetic`.
//! Figures go into docs/benchmarks.md.

use rayon::prelude::*;
use std::time::{Duration, Instant};
use yalu_match::{Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, Schema, prop};

fn rss_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Queries: a mix of names taken from the index with a typo or reordering
/// (about a third) and fresh synthetic names (mostly non-matching, as in
/// real screening).
fn queries(index: &Index, seed: u64, n: usize) -> Vec<(Entity, Option<String>)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let pool: Vec<&Entity> = index
        .entities()
        .filter(|e| e.schema == Schema::Person || e.schema.is_a(&Schema::Organization))
        .collect();
    let mut out = Vec::with_capacity(n);
    let mut synth = yalu_testdata::synth::entities(seed ^ 0x5eed, n);
    for i in 0..n {
        if i % 3 == 0 && !pool.is_empty() {
            let src = pool[rng.usize(..pool.len())];
            let mut name: Vec<char> = src.caption().chars().collect();
            if name.len() > 4 {
                let at = rng.usize(1..name.len() - 1);
                name.swap(at, at + 1);
            }
            let mut q = Entity::new(format!("q{i}"), src.schema.clone());
            q.add(prop::NAME, name.into_iter().collect::<String>());
            out.push((q, Some(src.id.clone())));
        } else if let Some(mut e) = synth.next() {
            e.id = format!("q{i}");
            out.push((e, None));
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn measure(label: &str, index: &Index, with_sources: &[(Entity, Option<String>)]) {
    let cfg = MatchConfig::default();
    let opts = SearchOptions::default();
    let queries: Vec<Entity> = with_sources.iter().map(|(q, _)| q.clone()).collect();
    // Recall of the candidate stage: a listed name with two letters swapped
    // must still find its own entry among the results.
    let perturbed: Vec<(&Entity, &String)> = with_sources
        .iter()
        .filter_map(|(q, src)| src.as_ref().map(|s| (q, s)))
        .collect();
    let found = perturbed
        .par_iter()
        .filter(|(q, src)| {
            index
                .search(q, &cfg, &opts)
                .iter()
                .any(|h| &h.entity.id == *src)
        })
        .count();
    println!(
        "{label}: perturbed listed names that find their own entry in the top {}: {found}/{}",
        opts.limit,
        perturbed.len()
    );
    // Warm up.
    for q in queries.iter().take(50) {
        std::hint::black_box(index.search(q, &cfg, &opts));
    }
    let mut lat: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(index.search(q, &cfg, &opts));
            t.elapsed()
        })
        .collect();
    lat.sort();
    let t = Instant::now();
    let hits: usize = queries
        .par_iter()
        .map(|q| index.search(q, &cfg, &opts).len())
        .sum();
    let wall = t.elapsed();
    println!(
        "{label}: {} queries: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms; all cores ({} threads): {:.0} queries/s ({} hits)",
        queries.len(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0),
        rayon::current_num_threads(),
        queries.len() as f64 / wall.as_secs_f64(),
        hits
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let synthetic = arg("--synthetic", 1_000_000);
    let n_queries = arg("--queries", 2000);
    let skip_synthetic = args.iter().any(|a| a == "--skip-synthetic");

    if let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) {
        let opts = yalu_lists::ReadOptions::default();
        let mut entities = yalu_lists::read_path(&sdn, &opts).expect("SDN").entities;
        entities.extend(yalu_lists::read_path(&un, &opts).expect("UN").entities);
        let n = entities.len();
        let t = Instant::now();
        let index = Index::build(entities);
        println!(
            "real lists (SDN 2021 + UN 2026): {} entities indexed of {}, {} keys, build {:.3} s",
            index.len(),
            n,
            index.key_count(),
            t.elapsed().as_secs_f64()
        );
        let qs = queries(&index, 42, n_queries);
        measure("real lists", &index, &qs);
    }

    if !skip_synthetic {
        let before = rss_mib("VmRSS:");
        let t = Instant::now();
        let index = Index::build(yalu_testdata::synth::entities(2026, synthetic));
        let build = t.elapsed();
        println!(
            "synthetic: {} entities, {} keys, build {:.1} s, RSS {:.0} MiB (before {:.0} MiB, peak {:.0} MiB)",
            index.len(),
            index.key_count(),
            build.as_secs_f64(),
            rss_mib("VmRSS:"),
            before,
            rss_mib("VmHWM:")
        );
        let qs = queries(&index, 43, n_queries);
        measure("synthetic", &index, &qs);
    }
}
