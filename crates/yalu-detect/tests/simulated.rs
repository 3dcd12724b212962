//! Quality bar on simulated worlds: on several seeds every planted pattern
//! is found, every alert finds a planted pattern, and no negative is named.

use yalu_detect::eval::{evaluate, read_truth};
use yalu_detect::read::ReadOptions;
use yalu_detect::sim::{LIST_DIR, SimOptions, TRUTH_FILE, write_world};
use yalu_detect::{RuleSet, run};
use yalu_match::Index;

fn check(seed: u64, workers: usize) {
    let dir = tempfile::tempdir().unwrap();
    let stats = write_world(dir.path(), &SimOptions { workers, seed }).unwrap();
    assert!(stats.crossings > workers * 10, "{stats:?}");
    let list = yalu_lists::read_path(
        &dir.path().join(LIST_DIR),
        &yalu_lists::ReadOptions { strict: true },
    )
    .unwrap();
    let index = Index::build(list.entities);
    let out = run(
        dir.path(),
        Some(&index),
        &RuleSet::default(),
        &ReadOptions { strict: true },
    )
    .unwrap();
    assert!(out.rejected.is_empty());
    let truth = read_truth(&dir.path().join(TRUTH_FILE)).unwrap();
    let report = evaluate(&out.alerts, &truth);
    for r in &report.rules {
        assert!(r.planted > 0, "seed {seed}: nothing planted for {}", r.rule);
        assert_eq!(
            r.found, r.planted,
            "seed {seed} {}: missed {:?}",
            r.rule, r.missed
        );
        assert_eq!(
            r.correct, r.alerts,
            "seed {seed} {}: unexpected {:?}",
            r.rule, r.unexpected
        );
    }
    assert!(report.negatives > 0);
    assert!(
        report.negatives_alerted.is_empty(),
        "seed {seed}: {:?}",
        report.negatives_alerted
    );

    // the same input gives the same alerts, in the same order, with the same ids
    let again = run(
        dir.path(),
        Some(&index),
        &RuleSet::default(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(out.alerts, again.alerts);
}

#[test]
fn every_planted_pattern_found_and_no_negative_alerted() {
    for seed in [1, 2, 3] {
        check(seed, 700);
    }
}

#[test]
fn the_same_seed_writes_the_same_world() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_world(
        a.path(),
        &SimOptions {
            workers: 200,
            seed: 9,
        },
    )
    .unwrap();
    write_world(
        b.path(),
        &SimOptions {
            workers: 200,
            seed: 9,
        },
    )
    .unwrap();
    for f in [
        "persons.csv",
        "crossings.csv",
        "truth.jsonl",
        "payments.csv",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}
