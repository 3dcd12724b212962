//! Links over the real OFAC SDN 2021 list (skips without `../shared`).

use yalu_links::Network;

#[test]
fn sdn_2021_linked_to_resolves_and_reports_the_rest() {
    let Some(sdn) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let entities = yalu_lists::read_path(&sdn, &yalu_lists::ReadOptions::default())
        .unwrap()
        .into_dataset_entities();
    let with_links = entities
        .iter()
        .map(|e| e.get(yalu_model::prop::LINKED_TO).len())
        .sum::<usize>();
    let started = std::time::Instant::now();
    let net = Network::build(entities.iter(), Vec::new());
    let named = net
        .links()
        .iter()
        .filter(|l| l.reads(yalu_links::Side::First) == "names")
        .count();
    println!(
        "linkedTo values: {with_links}; links: {} ({named} named in notes); unresolved: {}; built in {:.0} ms",
        net.links().len(),
        net.unresolved().len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    for u in net.unresolved().iter().take(10) {
        println!("unresolved: {} -> {}", u.entity_id, u.name);
    }
    // The Mansudae managing director reaches the group and the subsidiary.
    let ends: Vec<&str> = net
        .links_of("ofac-22702")
        .map(|(l, s)| l.other_end(s).1.as_str())
        .collect();
    assert!(ends.contains(&"ofac-20578"), "{ends:?}");
    assert!(ends.contains(&"ofac-22703"), "{ends:?}");
    // And the group sees its people and subsidiaries.
    assert!(net.links_of("ofac-20578").count() >= 2);
    // Most names resolve; every unresolved one is reported.
    assert!(
        net.links().len() * 2 > with_links,
        "{} of {with_links}",
        net.links().len()
    );
    assert!(net.links().len() + net.unresolved().len() >= with_links);
}

#[test]
fn opensanctions_relationships_become_links() {
    let Some(path) = yalu_testdata::shared("data/lists/opensanctions/zala/entities.ftm.json")
    else {
        return;
    };
    let list = yalu_lists::read_path(&path, &yalu_lists::ReadOptions::default()).unwrap();
    let (relations, entities): (Vec<_>, Vec<_>) = list
        .entities
        .into_iter()
        .partition(|e| yalu_links::is_relationship(&e.schema));
    assert!(!relations.is_empty(), "the export carries relationships");
    let two_ends = relations
        .iter()
        .filter(|r| {
            let rel = yalu_links::Relationship::of(r.schema.name()).unwrap();
            r.has(rel.first) && r.has(rel.second)
        })
        .count();
    let screenable: Vec<_> = entities
        .iter()
        .filter(|e| e.schema.is_screenable())
        .collect();
    let net = Network::build(screenable.iter().copied(), relations);
    println!(
        "relationships with two ends: {two_ends}; links: {}",
        net.links().len()
    );
    for l in net.links() {
        if l.properties.contains_key("description") {
            println!(
                "named: {} -> {}: {:?}",
                l.first.1, l.second.1, l.properties["description"]
            );
        }
    }
    // Every relationship with two ends is a link; the rest are entries
    // the export's notes name.
    let named = net
        .links()
        .iter()
        .filter(|l| l.reads(yalu_links::Side::First) == "names")
        .count();
    assert_eq!(net.links().len() - named, two_ends);
    // Every link is reachable from both of its ends.
    for link in net.links() {
        for end in [&link.first.1, &link.second.1] {
            assert!(
                net.links_of(end).any(|(l, _)| l.id == link.id),
                "{}",
                link.id
            );
        }
    }
    let schemas: std::collections::BTreeSet<&str> =
        net.links().iter().map(|l| l.schema.as_str()).collect();
    assert!(
        schemas.contains("Ownership") && schemas.contains("Family"),
        "{schemas:?}"
    );
}

#[test]
fn un_2026_narratives_name_related_entries() {
    let Some(path) = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml") else {
        return;
    };
    let entities = yalu_lists::read_path(&path, &yalu_lists::ReadOptions::default())
        .unwrap()
        .into_dataset_entities();
    let started = std::time::Instant::now();
    let net = Network::build(entities.iter(), Vec::new());
    let built_ms = started.elapsed().as_secs_f64() * 1000.0;
    let by_ref = |r: &str| {
        entities
            .iter()
            .find(|e| e.get(yalu_model::prop::PROGRAM_ID).iter().any(|p| p == r))
            .map(|e| e.id.as_str())
            .unwrap()
    };
    println!(
        "links: {}; unresolved references: {}; built in {built_ms:.0} ms",
        net.links().len(),
        net.unresolved().len()
    );
    for u in net.unresolved() {
        println!("unresolved: {} -> {} ({})", u.entity_id, u.name, u.property);
    }
    let ends = |id: &str| -> Vec<String> {
        net.links_of(id)
            .map(|(l, s)| l.other_end(s).1.clone())
            .collect()
    };
    // By reference number: a leader of the ADF (CDe.001).
    let adf = by_ref("CDe.001");
    assert!(net.links_of(adf).count() >= 2, "{:?}", ends(adf));
    // By name in DPRK narratives: Korea Pugang Trading Corporation (KPe.011)
    // "is owned by the Korea Ryonbong General Corporation" (KPe.012).
    let pugang = entities
        .iter()
        .find(|e| e.caption().starts_with("KOREA PUGANG"))
        .map(|e| e.id.as_str())
        .unwrap();
    let ryonbong = entities
        .iter()
        .find(|e| e.caption().starts_with("KOREA RYONBONG"))
        .map(|e| e.id.as_str())
        .unwrap();
    assert!(
        ends(pugang).iter().any(|t| t == ryonbong),
        "{:?}",
        ends(pugang)
    );
    // Both ends: the corporation sees the entries that name it.
    assert!(ends(ryonbong).iter().any(|t| t == pugang));
    let (link, _) = net
        .links_of(pugang)
        .find(|(l, s)| l.other_end(*s).1 == ryonbong)
        .unwrap();
    assert!(link.properties["description"][0].contains("Ryonbong"));
    // Every link joins two entries of the list, never one to itself.
    for l in net.links() {
        assert_ne!(l.first.1, l.second.1);
    }
    // Every unresolved reference is written in the notes of its entity.
    for u in net.unresolved() {
        let e = entities.iter().find(|e| e.id == u.entity_id).unwrap();
        assert!(
            e.get(yalu_model::prop::NOTES)
                .iter()
                .any(|n| n.contains(&u.name))
        );
    }
}
