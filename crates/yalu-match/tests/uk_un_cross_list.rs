//! Cross-list quality on real data: the UK OFSI list of 14 April 2025
//! screened against the UN consolidated list of 27 February 2026.
//!
//! The UK rows carry the UN reference of the same designation
//! (`(UN Ref):KPi.033`), which links them to UN entries (`REFERENCE_NUMBER`)
//! without looking at names. Each linked UK designation is sent as a query
//! (its names, dates, nationalities and countries as the UK writes them)
//! and the best UN candidate is compared with the linked entry:
//!
//! - **top-1**: the best candidate is the linked entry;
//! - **top-1 with match**: ... and it scores at or above the threshold.
//!
//! Figures are printed for all linked designations, for those of the DPRK
//! regime (UN references `KP...`), and for the designations with a name in
//! its original script, queried by that name alone. This is a quality
//! measurement, not a tuning target: Yalu is also judged on link sets it
//! does not see. The floors below only catch a collapse; the figures are in
//! `docs/benchmarks.md`.

use std::collections::HashMap;
use yalu_lists::{ReadOptions, ofsi, read_path};
use yalu_match::{Index, MatchConfig, SearchOptions};
use yalu_model::{Entity, prop};

#[derive(Default)]
struct Tally {
    queries: usize,
    top1: usize,
    top1_match: usize,
}

impl Tally {
    fn add(&mut self, top1: bool, is_match: bool) {
        self.queries += 1;
        self.top1 += usize::from(top1);
        self.top1_match += usize::from(top1 && is_match);
    }

    fn rate(n: usize, d: usize) -> f64 {
        if d == 0 { 0.0 } else { n as f64 / d as f64 }
    }

    fn report(&self, label: &str) -> String {
        format!(
            "{label}: {} queries, top-1 {} ({:.1}%), top-1 with match {} ({:.1}%)",
            self.queries,
            self.top1,
            100.0 * Self::rate(self.top1, self.queries),
            self.top1_match,
            100.0 * Self::rate(self.top1_match, self.queries),
        )
    }
}

/// Whether a name is written in a script other than Latin.
fn is_original_script(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_alphabetic() && (c as u32) > 0x024F)
}

/// The query a UK designation gives: what a user would send for it.
fn query_of(uk: &Entity, names_only_original: bool) -> Entity {
    let mut q = Entity::new(&uk.id, uk.schema.clone());
    for property in prop::NAME_PROPERTIES {
        for name in uk.get(property) {
            if names_only_original != is_original_script(name) {
                continue;
            }
            // The first name kept is the query's `name`, the rest aliases.
            let as_property = if q.has(prop::NAME) {
                prop::ALIAS
            } else {
                prop::NAME
            };
            q.add(as_property, name);
        }
    }
    if !names_only_original {
        for property in [
            prop::BIRTH_DATE,
            prop::NATIONALITY,
            prop::COUNTRY,
            prop::GENDER,
        ] {
            q.add_all(property, uk.get(property).iter());
        }
    }
    q
}

#[test]
fn uk_designations_find_their_un_entries() {
    let (Some(uk_path), Some(un_path)) = (
        yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let opts = ReadOptions::default();
    let uk = read_path(&uk_path, &opts).unwrap().entities;
    let un = read_path(&un_path, &opts).unwrap().entities;
    let by_reference: HashMap<String, String> = un
        .iter()
        .flat_map(|e| {
            e.get(prop::PROGRAM_ID)
                .iter()
                .map(|r| (r.to_ascii_lowercase(), e.id.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let index = Index::build(un);
    let cfg = MatchConfig::default();
    let search = SearchOptions {
        limit: 3,
        cutoff: 0.0,
        ..SearchOptions::default()
    };

    let mut with_reference = 0;
    let mut overall = Tally::default();
    let mut dprk = Tally::default();
    let mut original = Tally::default();
    let mut misses: Vec<String> = Vec::new();
    for e in &uk {
        let references = e.get(ofsi::UN_REFERENCE);
        if references.is_empty() {
            continue;
        }
        with_reference += 1;
        let Some(target) = references
            .iter()
            .find_map(|r| by_reference.get(&r.to_ascii_lowercase()))
        else {
            continue; // delisted by the UN since, or a reference it no longer uses
        };
        let is_dprk = references.iter().any(|r| r.starts_with("KP"));
        let hits = index.search(&query_of(e, false), &cfg, &search);
        let best = hits.first();
        let top1 = best.is_some_and(|h| &h.entity.id == target);
        let is_match = best.is_some_and(|h| h.scored.is_match);
        overall.add(top1, is_match);
        if is_dprk {
            dprk.add(top1, is_match);
        }
        if !top1 && misses.len() < 15 {
            misses.push(format!(
                "{} {:?} -> {target}; best {:?}",
                e.id,
                e.first(prop::NAME),
                best.map(|h| (&h.entity.id, h.entity.caption(), h.scored.score))
            ));
        }
        let original_query = query_of(e, true);
        if original_query.has(prop::NAME) {
            let hits = index.search(&original_query, &cfg, &search);
            let best = hits.first();
            original.add(
                best.is_some_and(|h| &h.entity.id == target),
                best.is_some_and(|h| h.scored.is_match),
            );
        }
    }
    println!("UK designations with a UN reference: {with_reference}");
    println!("{}", overall.report("linked to a UN 2026 entry, overall"));
    println!("{}", dprk.report("DPRK (KP references)"));
    println!(
        "{}",
        original.report("original-script names alone (linked designations that have one)")
    );
    for m in &misses {
        println!("miss: {m}");
    }
    // 866 UK designations carry a UN reference (see crates/yalu-lists/tests/ofsi.rs).
    assert_eq!(with_reference, 866);
    assert!(overall.queries >= 700, "{}", overall.queries);
    assert!(dprk.queries >= 100, "{}", dprk.queries);
    // Floors that only catch a collapse (the figures are far above).
    assert!(Tally::rate(overall.top1, overall.queries) >= 0.85);
    assert!(Tally::rate(dprk.top1, dprk.queries) >= 0.85);
}
