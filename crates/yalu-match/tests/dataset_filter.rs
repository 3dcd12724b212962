//! Dataset filters apply before the candidate bound: a common name with far
//! more namesakes than `max_candidates` in one dataset keeps every match of
//! another dataset, and the match count covers them all.

use yalu_match::{Index, MatchConfig, SearchOptions, score_entities};
use yalu_model::{Entity, Schema, prop};

const SPELLINGS: [&str; 4] = [
    "KIM, Yong Chol",
    "Kim Yong-chol",
    "KIM Yong Cho'l",
    "Kim Yongchol",
];

/// Seeded synthetic background, then `big` namesakes in dataset `big`,
/// then `small` namesakes in dataset `small` (loaded last, as a second list
/// would be), with varied spellings and birth years.
fn world(big: usize, small: usize) -> Vec<Entity> {
    let mut out: Vec<Entity> = yalu_testdata::synth::entities(11, 4000)
        .map(|mut e| {
            e.add_dataset("background");
            e
        })
        .collect();
    let mut rng = fastrand::Rng::with_seed(5);
    for (dataset, n) in [("big", big), ("small", small)] {
        for i in 0..n {
            let mut e = Entity::new(format!("{dataset}-{i}"), Schema::Person);
            e.add(prop::NAME, SPELLINGS[rng.usize(..SPELLINGS.len())]);
            e.add(prop::BIRTH_DATE, format!("{}", rng.i32(1940..2000)));
            e.add(prop::NATIONALITY, "kp");
            e.add_dataset(dataset);
            out.push(e);
        }
    }
    out
}

fn query() -> Entity {
    let mut q = Entity::new("q", Schema::Person);
    q.add(prop::NAME, "Kim Yong Chol");
    q
}

/// Every entity of `dataset` scored pair by pair: (id, score), best first.
fn brute_force(entities: &[Entity], dataset: &str, cfg: &MatchConfig) -> Vec<(String, f64)> {
    let q = query();
    let mut all: Vec<(String, f64)> = entities
        .iter()
        .filter(|e| e.datasets.iter().any(|d| d == dataset))
        .map(|e| (e.id.clone(), score_entities(&q, e, cfg).score))
        .filter(|(_, s)| *s >= cfg.threshold)
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all
}

fn check(max_candidates: usize) {
    let entities = world(3 * max_candidates + 50, 12);
    let index = Index::build(entities.clone());
    let cfg = MatchConfig {
        max_candidates,
        ..MatchConfig::default()
    };
    let unfiltered = index.search_counted(
        &query(),
        &cfg,
        &SearchOptions {
            limit: 1000,
            cutoff: 0.0,
            filter: None,
        },
    );
    // The name is common: the bound binds, and the small dataset's entries,
    // loaded last, are crowded out of an unfiltered candidate set (where a
    // filter applied after the bound would lose them).
    assert_eq!(unfiltered.0.len(), max_candidates);
    let small_unfiltered = unfiltered
        .0
        .iter()
        .filter(|h| h.entity.datasets.iter().any(|d| d == "small"))
        .count();
    assert!(small_unfiltered < brute_force(&entities, "small", &cfg).len());

    for dataset in ["small", "big"] {
        let expected = brute_force(&entities, dataset, &cfg);
        assert!(!expected.is_empty());
        let accept = |e: &Entity| e.datasets.iter().any(|d| d == dataset);
        let (hits, matched) = index.search_counted(
            &query(),
            &cfg,
            &SearchOptions {
                limit: 1000,
                cutoff: cfg.threshold,
                filter: Some(&accept),
            },
        );
        assert!(hits.iter().all(|h| accept(h.entity)));
        let got: Vec<(String, f64)> = hits
            .iter()
            .map(|h| (h.entity.id.clone(), h.scored.score))
            .collect();
        if expected.len() <= max_candidates {
            // Every match of the dataset is found, scored as pair scoring does.
            assert_eq!(got, expected, "{dataset}, bound {max_candidates}");
            assert_eq!(matched, expected.len());
        } else {
            // More matches than the bound: the bound is filled with them.
            assert_eq!(matched, max_candidates, "{dataset}");
            assert_eq!(got.len(), max_candidates);
        }
    }
}

#[test]
fn a_small_dataset_keeps_its_namesakes_behind_a_crowded_name() {
    check(100);
}

#[test]
fn the_filter_holds_under_a_tight_bound() {
    check(10);
}

#[test]
fn a_filter_rejecting_everything_finds_nothing() {
    let index = Index::build(world(150, 3));
    let none = |_: &Entity| false;
    let (hits, matched) = index.search_counted(
        &query(),
        &MatchConfig::default(),
        &SearchOptions {
            limit: 10,
            cutoff: 0.0,
            filter: Some(&none),
        },
    );
    assert!(hits.is_empty());
    assert_eq!(matched, 0);
}
