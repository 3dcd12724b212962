//! Search over the real OFAC SDN 2021 and UN 2026 lists (skips without
//! `../shared`, fails then under `YALU_REQUIRE_SHARED=1`).

use yalu_match::Index;
use yalu_search::{Facet, TextIndex, TextQuery};

fn load() -> Option<Index> {
    let sdn = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07")?;
    let un = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml")?;
    let opts = yalu_lists::ReadOptions::default();
    let mut entities = Vec::new();
    for p in [sdn, un] {
        let list = yalu_lists::read_path(&p, &opts).expect("list reads");
        entities.extend(list.into_dataset_entities());
    }
    Some(Index::build(entities))
}

fn first_ids(text: &TextIndex, index: &Index, q: &str, n: usize) -> Vec<String> {
    let mut query = TextQuery::new(q);
    query.limit = n;
    let r = text.search(index, &query, &|_| true).expect("search runs");
    for h in &r.hits {
        println!("{q}: {} {} {}", h.entity.id, h.score, h.entity.caption());
    }
    r.hits.iter().map(|h| h.entity.id.clone()).collect()
}

#[test]
fn mansudae_by_word_prefix_and_script() {
    let Some(index) = load() else { return };
    let text = TextIndex::build(&index);
    let group_ofac = "ofac-20578";
    let subsidiary = "ofac-22703";
    for q in ["Mansudae", "Mansu", "만수대", "Mansudae Overseas"] {
        let ids = first_ids(&text, &index, q, 10);
        assert!(ids.contains(&group_ofac.to_string()), "{q}: {ids:?}");
        assert!(ids.contains(&subsidiary.to_string()), "{q}: {ids:?}");
        let un_group = ids.iter().any(|id| {
            let e = index.get(id).expect("hit is indexed");
            e.datasets.iter().any(|d| d.starts_with("un"))
                && e.caption()
                    .to_uppercase()
                    .contains("MANSUDAE OVERSEAS PROJECT GROUP")
        });
        assert!(un_group, "{q}: the UN group is missing from {ids:?}");
    }
    // `Mansudae Overseas` puts no unrelated "Overseas" company first.
    let ids = first_ids(&text, &index, "Mansudae Overseas", 3);
    for id in &ids {
        let e = index.get(id).expect("hit is indexed");
        let all_text = format!("{:?}", e.properties).to_uppercase();
        assert!(
            all_text.contains("MANSUDAE"),
            "{id} does not mention Mansudae"
        );
    }
}

#[test]
fn scores_rank_and_facets_cover_all_results() {
    let Some(index) = load() else { return };
    let text = TextIndex::build(&index);
    let mut q = TextQuery::new("Korea");
    q.limit = 5;
    q.facets = vec![Facet::Datasets];
    let r = text.search(&index, &q, &|_| true).expect("search runs");
    assert!(r.total > 5, "{}", r.total);
    assert_eq!(r.hits.len(), 5);
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(r.hits[0].score > 0.0);
    let counted: usize = r.facets[0].1.iter().map(|(_, c)| c).sum();
    assert!(
        counted >= r.total,
        "facets count {counted} of {} results",
        r.total
    );
}
