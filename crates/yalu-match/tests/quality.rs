//! The quality bars of the whole-entity scorer at threshold 0.70, on the
//! labelled sets in ../shared (skipped with a notice when absent).

use yalu_match::MatchConfig;
use yalu_match::eval::{self, Evaluation};
use yalu_match::score_entities;
use yalu_model::{Entity, Schema, prop};

fn report(name: &str, e: &Evaluation) {
    eprintln!("{name}: overall {:?} F1 {:?}", e.overall, e.overall.f1());
    for (kind, m) in &e.by_kind {
        eprintln!(
            "  {kind:<24} pairs {:>4} recall {:?} FPR {:?}",
            m.pairs,
            m.recall(),
            m.false_positive_rate()
        );
    }
    for err in e.errors.iter().take(40) {
        eprintln!("  miss {err:?}");
    }
}

#[test]
fn korean_names_dev_bars() {
    let Some(path) = yalu_testdata::shared("eval/korean-names-dev.jsonl") else {
        return;
    };
    let pairs = eval::read_jsonl(&path).unwrap();
    assert_eq!(pairs.len(), 595);
    let e = eval::evaluate(&pairs, &MatchConfig::default());
    report("korean-names-dev", &e);
    let f1 = e.overall.f1().unwrap();
    assert!(f1 >= 0.97, "F1 {f1:.4} < 0.97");
    for (kind, m) in &e.by_kind {
        if m.positives() > 0 {
            let r = m.recall().unwrap();
            assert!(r >= 0.95, "recall of {kind} is {r:.4} < 0.95");
        }
    }
}

#[test]
fn name_bench_bar() {
    let Some(path) = yalu_testdata::shared("data/names/name-bench-cases.csv") else {
        return;
    };
    let pairs = eval::read_name_bench(&path).unwrap();
    assert_eq!(pairs.len(), 826);
    let e = eval::evaluate(&pairs, &MatchConfig::default());
    report("name-bench", &e);
    let f1 = e.overall.f1().unwrap();
    assert!(f1 >= 0.88, "F1 {f1:.4} < 0.88");
}

#[test]
fn cross_script_pairs_reach_their_minimum() {
    let Some(path) = yalu_testdata::shared("data/names/cross-script-pairs.csv") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let cfg = MatchConfig::default();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        let [query, expected, min, _desc] = cols[..] else {
            panic!("bad line {line}");
        };
        let min: f64 = min.parse().unwrap();
        let mut q = Entity::new("q", Schema::Person);
        q.add(prop::NAME, query);
        let mut c = Entity::new("c", Schema::Person);
        c.add(prop::NAME, expected);
        let s = score_entities(&q, &c, &cfg);
        eprintln!("{query} vs {expected}: {:.3} (min {min})", s.score);
        if s.score < min {
            failures.push(format!("{query} vs {expected}: {:.3} < {min}", s.score));
        }
        checked += 1;
    }
    assert_eq!(checked, 22);
    assert!(failures.is_empty(), "{failures:#?}");
}
