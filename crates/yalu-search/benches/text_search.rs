//! Search latency over the real OFAC SDN 2021 and UN 2026 lists.
//!
//! `cargo bench -p yalu-search --bench text_search` prints, per query, the
//! median (p50) and p95 of single-threaded searches, and the build time.
//! Skips when `../shared` is absent.

use std::time::Instant;
use yalu_match::Index;
use yalu_search::{TextIndex, TextQuery};

const ROUNDS: usize = 200;

fn main() {
    let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let opts = yalu_lists::ReadOptions::default();
    let mut entities = Vec::new();
    for p in [sdn, un] {
        let list = yalu_lists::read_path(&p, &opts).expect("list reads");
        entities.extend(list.into_dataset_entities());
    }
    let index = Index::build(entities);
    let started = Instant::now();
    let text = TextIndex::build(&index);
    println!(
        "text index: {} entities, {} terms, built in {:.0} ms",
        text.len(),
        text.term_count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let cases: [(&str, bool); 8] = [
        ("Mansudae", false),
        ("Mansu", false),
        ("Mansudae Overseas", false),
        ("만수대", false),
        ("Kim Jong Un", false),
        ("Korea Mining Development Trading Corporation", false),
        ("Namgang", false),
        ("Mansudea Overseas", true),
    ];
    let mut all = Vec::new();
    for (q, fuzzy) in cases {
        let mut query = TextQuery::new(q);
        query.fuzzy = fuzzy;
        let mut times = Vec::with_capacity(ROUNDS);
        let mut total = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let r = text.search(&index, &query, &|_| true).expect("search runs");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.total;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "q={q:?} fuzzy={fuzzy}: {total} results, p50 {:.3} ms, p95 {:.3} ms",
            times[ROUNDS / 2],
            times[ROUNDS * 95 / 100]
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all queries: p50 {:.3} ms, p95 {:.3} ms",
        all[all.len() / 2],
        all[all.len() * 95 / 100]
    );
}
