//! Criterion benchmark of single queries against the SDN 2021 + UN 2026
//! index. Run: `cargo bench -p yalu-match --bench query` (needs ../shared).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use yalu_match::{Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, Schema, prop};

fn person(name: &str) -> Entity {
    let mut q = Entity::new("q", Schema::Person);
    q.add(prop::NAME, name);
    q
}

fn bench(c: &mut Criterion) {
    let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let opts = yalu_lists::ReadOptions::default();
    let mut entities = yalu_lists::read_path(&sdn, &opts).expect("SDN").entities;
    entities.extend(yalu_lists::read_path(&un, &opts).expect("UN").entities);
    let index = Index::build(entities);
    let cfg = MatchConfig::default();
    let search = SearchOptions::default();
    let mut g = c.benchmark_group("query_sdn_un");
    for (label, q) in [
        ("latin", person("Kim Jong Un")),
        ("hangul", person("김정은")),
        ("han", person("金正恩")),
        ("non_match", person("Johannes Vermeer")),
    ] {
        g.bench_function(label, |b| {
            b.iter(|| black_box(index.search(black_box(&q), &cfg, &search)))
        });
    }
    let mut org = Entity::new("q", Schema::Organization);
    org.add(prop::NAME, "Korea Mining Development Trading Corporation");
    g.bench_function("organization", |b| {
        b.iter(|| black_box(index.search(black_box(&org), &cfg, &search)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
