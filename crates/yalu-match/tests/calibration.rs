//! Calibration of the birth-date and nationality features on lists that
//! disagree (issue 12, point 4).
//!
//! The calibration set: persons of the UN consolidated list (2026-02-27)
//! and the OFAC SDN list (2024-05-03) whose primary names normalise to the
//! same words (order aside) and who share a nationality. Such pairs are
//! almost always one person listed twice. The test prints how often their
//! birth dates disagree and by how much, and checks the scorer's rule
//! against them: run with `--nocapture` to see the figures
//! (`docs/scoring.md` records them).

use std::collections::{BTreeMap, HashMap};
use yalu_match::PreparedEntity;
use yalu_match::{MatchConfig, score_entities};
use yalu_model::{Entity, FuzzyDate, Schema};
use yalu_names::{NameKind, TokenKind};

fn read(relative: &str) -> Option<Vec<Entity>> {
    let path = yalu_testdata::shared(relative)?;
    let list = yalu_lists::read_path(&path, &yalu_lists::ReadOptions::default()).unwrap();
    Some(
        list.entities
            .into_iter()
            .filter(|e| e.schema == Schema::Person)
            .collect(),
    )
}

/// The words of a name as written, sorted: `KIM, Yong Chol` and
/// `KIM YONG CHOL` give the same key.
fn name_key(raw: &str) -> Option<String> {
    let norm = yalu_names::normalize(raw, NameKind::Person);
    let v = norm.variants.first()?;
    let mut words: Vec<&str> = v
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.as_str())
        .collect();
    if words.len() < 2 {
        return None;
    }
    words.sort_unstable();
    Some(words.join(" "))
}

fn primary_name(e: &Entity) -> Option<&str> {
    e.first(yalu_model::prop::NAME)
}

/// Smallest distance in years between two sets of birth dates, and whether
/// some pair is compatible.
fn year_gap(a: &[FuzzyDate], b: &[FuzzyDate]) -> Option<(bool, i32)> {
    let mut best: Option<(bool, i32)> = None;
    for x in a {
        for y in b {
            let cand = (x.compatible(y), (x.year - y.year).abs());
            best = Some(match best {
                None => cand,
                Some(prev) => {
                    if (cand.0, -cand.1) > (prev.0, -prev.1) {
                        cand
                    } else {
                        prev
                    }
                }
            });
        }
    }
    best
}

#[test]
fn un_and_ofac_entries_of_one_person_disagree_on_birth_dates() {
    let (Some(un), Some(sdn)) = (
        read("data/lists/un/consolidated-2026-02-27.xml"),
        read("data/lists/ofac/sdn-2024-05-03/sdn.csv"),
    ) else {
        return;
    };
    let mut by_key: HashMap<String, Vec<&Entity>> = HashMap::new();
    for e in &sdn {
        if let Some(k) = primary_name(e).and_then(name_key) {
            by_key.entry(k).or_default().push(e);
        }
    }
    let cfg = MatchConfig::default();
    // The same scorer with every birth-date conflict at full cost.
    let flat = MatchConfig {
        disagreeing_lists: yalu_match::DisagreeingLists {
            birth_date_conflict: cfg.birth_date_conflict,
            ..Default::default()
        },
        ..MatchConfig::default()
    };
    let mut flat_matched = 0;
    let mut reduced = 0;
    let mut linked = 0;
    let mut dated = 0;
    let mut agree = 0;
    let mut one_year = 0;
    let mut gaps: BTreeMap<i32, usize> = BTreeMap::new();
    let mut matched = 0;
    let mut conflict_matched = 0;
    let mut conflicts = Vec::new();
    for u in &un {
        let Some(k) = primary_name(u).and_then(name_key) else {
            continue;
        };
        let Some(others) = by_key.get(&k) else {
            continue;
        };
        let pu = PreparedEntity::new(u.clone());
        for o in others {
            let po = PreparedEntity::new((*o).clone());
            if pu.countries.is_empty() || !pu.countries.iter().any(|c| po.countries.contains(c)) {
                continue;
            }
            linked += 1;
            let scored = score_entities(u, o, &cfg);
            if scored.is_match {
                matched += 1;
            }
            if score_entities(u, o, &flat).is_match {
                flat_matched += 1;
            }
            let Some((compatible, gap)) = year_gap(&pu.birth_dates, &po.birth_dates) else {
                continue;
            };
            dated += 1;
            if compatible {
                agree += 1;
            } else if gap <= 1 {
                one_year += 1;
            } else {
                *gaps.entry(gap).or_default() += 1;
                if scored.is_match {
                    conflict_matched += 1;
                }
                let detail = &scored.explanations["birth_date"].detail;
                if detail.contains("reduced cost") {
                    reduced += 1;
                    // The rule's promise: near-exact name, one nationality,
                    // a distinctive name: still a match.
                    assert!(scored.is_match, "{u:?} {o:?}: {}", scored.score);
                }
                conflicts.push(format!(
                    "{} | {} | {} ({})",
                    primary_name(u).unwrap_or(""),
                    primary_name(o).unwrap_or(""),
                    gap,
                    scored.score
                ));
            }
        }
    }
    let conflict: usize = gaps.values().sum();
    println!("calibration set: {linked} UN/OFAC pairs with one name and one nationality");
    println!(
        "  both dated: {dated}; agree: {agree}; one year apart: {one_year}; more than a year apart: {conflict}"
    );
    println!("  gaps in years (gap: pairs): {gaps:?}");
    println!(
        "  matched at threshold {}: {matched} of {linked}; of the conflicting: {conflict_matched} of {conflict}",
        cfg.threshold
    );
    println!(
        "  with every conflict at full cost ({}): {flat_matched} of {linked}; reduced cost applied to {reduced}",
        flat.birth_date_conflict
    );
    for c in &conflicts {
        println!("    {c}");
    }
    assert!(linked >= 50, "calibration set too small: {linked}");
    assert!(matched >= flat_matched);
    assert!(reduced > 0, "the rule never applied to the calibration set");
}
