//! Screening the real lists through the index.

use yalu_match::{Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, Schema, prop};

fn real_index() -> Option<Index> {
    let sdn = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07")?;
    let un = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml")?;
    let opts = yalu_lists::ReadOptions::default();
    let mut entities = yalu_lists::read_path(&sdn, &opts).unwrap().entities;
    entities.extend(yalu_lists::read_path(&un, &opts).unwrap().entities);
    Some(Index::build(entities))
}

fn query(schema: Schema, name: &str) -> Entity {
    let mut q = Entity::new("q", schema);
    q.add(prop::NAME, name);
    q
}

#[test]
fn finds_kim_jong_un_in_every_script() {
    let Some(index) = real_index() else { return };
    assert_eq!(index.len(), 8976 + 1003);
    let cfg = MatchConfig::default();
    let opts = SearchOptions::default();
    for name in [
        "Kim Jong Un",
        "김정은",
        "金正恩",
        "Kim Jong-un",
        "KIM Jongun",
    ] {
        let hits = index.search(&query(Schema::Person, name), &cfg, &opts);
        assert!(
            hits.iter()
                .any(|h| h.entity.id == "ofac-20157" && h.scored.is_match),
            "{name}: {:?}",
            hits.iter()
                .map(|h| (&h.entity.id, h.scored.score))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn kim_jong_il_is_not_kim_jong_un() {
    let Some(index) = real_index() else { return };
    let hits = index.search(
        &query(Schema::Person, "Kim Jong Il"),
        &MatchConfig::default(),
        &SearchOptions {
            limit: 20,
            ..SearchOptions::default()
        },
    );
    assert!(
        !hits
            .iter()
            .any(|h| h.entity.id == "ofac-20157" && h.scored.is_match)
    );
}

#[test]
fn finds_komid_and_the_un_entry() {
    let Some(index) = real_index() else { return };
    let hits = index.search(
        &query(
            Schema::Organization,
            "Korea Mining Development Trading Corp",
        ),
        &MatchConfig::default(),
        &SearchOptions {
            limit: 10,
            ..SearchOptions::default()
        },
    );
    let ids: Vec<&str> = hits
        .iter()
        .filter(|h| h.scored.is_match)
        .map(|h| h.entity.id.as_str())
        .collect();
    assert!(ids.contains(&"ofac-9345"), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("unsc-")), "{ids:?}");
}

#[test]
fn a_vessel_by_imo_number() {
    let Some(index) = real_index() else { return };
    let mut q = Entity::new("q", Schema::Vessel);
    q.add(prop::NAME, "CHONGCHONGANG");
    q.add(prop::IMO_NUMBER, "IMO 7937317");
    let hits = index.search(&q, &MatchConfig::default(), &SearchOptions::default());
    assert_eq!(hits[0].entity.id, "ofac-17069");
    assert!(hits[0].scored.explanations.contains_key("identifier"));
}

#[test]
fn filter_and_limit_are_honoured() {
    let Some(index) = real_index() else { return };
    let only_un = |e: &Entity| e.datasets.iter().any(|d| d == "un_sc_sanctions");
    let hits = index.search(
        &query(Schema::Person, "Kim"),
        &MatchConfig::default(),
        &SearchOptions {
            limit: 3,
            cutoff: 0.0,
            filter: Some(&only_un),
        },
    );
    assert!(hits.len() <= 3);
    assert!(hits.iter().all(|h| h.entity.id.starts_with("unsc-")));
}

#[test]
fn one_index_serves_many_threads() {
    let Some(index) = real_index() else { return };
    let cfg = MatchConfig::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = [
            "Kim Jong Un",
            "Choe Ryong Hae",
            "Pak Pong Ju",
            "Ri Pyong Chol",
        ]
        .into_iter()
        .map(|n| {
            let (index, cfg) = (&index, &cfg);
            s.spawn(move || {
                index
                    .search(&query(Schema::Person, n), cfg, &SearchOptions::default())
                    .len()
            })
        })
        .collect();
        for h in handles {
            assert!(h.join().unwrap() > 0);
        }
    });
}
