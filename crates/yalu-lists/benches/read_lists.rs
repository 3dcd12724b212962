//! Reading the SDN 2021 set plus the UN 2026 list into entities.
//! Run: `cargo bench -p yalu-lists --bench read_lists` (needs ../shared).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use yalu_lists::{ReadOptions, read_path};

fn read_sdn_and_un(c: &mut Criterion) {
    let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let opts = ReadOptions::default();
    let mut group = c.benchmark_group("read_lists");
    group.sample_size(20);
    group.bench_function("sdn_2021_plus_un_2026", |b| {
        b.iter(|| {
            let a = read_path(black_box(&sdn), &opts).expect("SDN reads");
            let u = read_path(black_box(&un), &opts).expect("UN reads");
            black_box(a.entities.len() + u.entities.len())
        })
    });
    group.finish();
}

criterion_group!(benches, read_sdn_and_un);
criterion_main!(benches);
