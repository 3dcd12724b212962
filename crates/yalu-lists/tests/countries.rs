//! Every country and nationality value of every shared list maps to a code
//! or is deliberately classified.
//!
//! Each list in `../shared/data/lists` is read with its reader. Readers
//! tally the country values that gave no code: in
//! `ReadStats::not_countries` when the country table classifies them as
//! naming no single country (a region, a disputed territory, an ambiguous
//! name: `crates/yalu-model/data/not_countries.tsv`), else in
//! `ReadStats::unknown_countries`. The test prints both with their counts
//! and fails on any unknown value, so a new spelling shows up as a table
//! entry to add (a country spelling, a place, or a classified value), not
//! as a silently dropped country. There is no exception list here: what
//! names no country is classified in the model's table, once.

use yalu_lists::ofsi::BIRTH_COUNTRY;
use yalu_lists::{ReadOptions, read_path};
use yalu_model::country::{CountryValue, classify};
use yalu_model::{Entity, prop};

/// Every list of `../shared/data/lists`, in every format Yalu reads.
const LISTS: &[&str] = &[
    "data/lists/ofac/sdn-2021-07-07",
    "data/lists/ofac/sdn-2024-05-03/sdn.csv",
    "data/lists/ofac/cons-2025-12-19",
    "data/lists/un/consolidated-2026-02-27.xml",
    "data/lists/un/consolidated-2020-11-24.xml",
    "data/lists/csl/csl-2023-11-30-subset.csv",
    "data/lists/uk/uk-ofsi-conlist-2018-04-13.csv",
    "data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx",
    "data/lists/opensanctions/t1/entities.ftm.json",
    "data/lists/opensanctions/zala/entities.ftm.json",
    "data/lists/opensanctions/delta",
];

#[test]
fn every_country_value_maps_to_a_code_or_is_classified() {
    let mut unknown = Vec::new();
    let mut read = 0;
    let mut classified = 0;
    for relative in LISTS {
        let Some(path) = yalu_testdata::shared(relative) else {
            continue;
        };
        let list =
            read_path(&path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{relative}: {e}"));
        read += 1;
        for (value, count) in &list.stats.not_countries {
            // The tally holds `field: value`; the value must be one the
            // table classifies, and the reader must have warned about it.
            let (field, raw) = value.split_once(": ").unwrap_or(("", value));
            let CountryValue::NotCountry(n) = classify(raw) else {
                panic!("{relative}: {value} is tallied as classified but is not");
            };
            let warned = list
                .stats
                .warnings
                .iter()
                .any(|w| w.reason.contains(field) && w.reason.contains(&n.reason()));
            assert!(warned, "{relative}: no warning names {value} and why");
            eprintln!("classified {relative}: {value} ({count}x): {}", n.reason());
            classified += count;
        }
        for (value, count) in &list.stats.unknown_countries {
            eprintln!("UNKNOWN {relative}: {value} ({count}x)");
            unknown.push(format!("{relative}: {value} ({count}x)"));
        }
    }
    if read == 0 {
        return;
    }
    eprintln!("{read} lists read; {classified} classified values kept with a warning");
    assert!(
        unknown.is_empty(),
        "{} country values neither map to a code nor are classified in the country tables:\n{}",
        unknown.len(),
        unknown.join("\n")
    );
}

/// The values of the shared lists that once needed an exception list are
/// read for what they are: places as their country, two slips of the UK
/// files fixed, and the rest classified, kept in the record and warned
/// about with the reason.
#[test]
fn former_exceptions_are_read_for_what_they_are() {
    let load = |relative: &str| {
        yalu_testdata::shared(relative).map(|path| {
            read_path(&path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{relative}: {e}"))
        })
    };
    let entity = |list: &yalu_lists::LoadedList, id: &str| -> Entity {
        list.entities
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("{}: no entity {id}", list.path.display()))
            .clone()
    };
    let warned = |list: &yalu_lists::LoadedList, at: &str, words: &[&str]| {
        list.stats
            .warnings
            .iter()
            .any(|w| w.location.contains(at) && words.iter().all(|word| w.reason.contains(word)))
    };
    if let Some(uk) = load("data/lists/uk/uk-ofsi-conlist-2018-04-13.csv") {
        // Places in the country columns.
        assert_eq!(entity(&uk, "gb-hmt-13398").get(BIRTH_COUNTRY), ["sy"]); // Tartous
        assert_eq!(entity(&uk, "gb-hmt-13396").get(BIRTH_COUNTRY), ["sy"]); // Damascus Countryside
        // Central District, Pyongyang
        assert_eq!(entity(&uk, "gb-hmt-13355").get(prop::COUNTRY), ["kp"]);
        // `Kular Ust-Yansky District, Yakut` + `Autonomous SSR`; `Bekabad,
        // Uzbekistan` + `SSR`: what the 2025 file writes whole.
        assert_eq!(entity(&uk, "gb-hmt-13392").get(BIRTH_COUNTRY), ["ru"]);
        assert_eq!(entity(&uk, "gb-hmt-13390").get(BIRTH_COUNTRY), ["uz"]);
        assert!(warned(
            &uk,
            "Group ID 13392",
            &["Autonomous SSR", "Yakut Autonomous SSR"]
        ));
        // A continent: no country, the value kept, the reason given.
        let ansaru = entity(&uk, "gb-hmt-13007");
        assert!(!ansaru.has(prop::COUNTRY));
        assert!(
            ansaru
                .get(prop::NOTES)
                .iter()
                .any(|n| n == "Country: Africa")
        );
        assert!(warned(
            &uk,
            "Group ID 13007",
            &["Country `Africa`", "region"]
        ));
        // A demonym two states share: neither Congo is guessed.
        let badege = entity(&uk, "gb-hmt-12838");
        assert!(
            !badege.has(prop::NATIONALITY),
            "{:?}",
            badege.get(prop::NATIONALITY)
        );
        assert!(
            badege
                .get(prop::NOTES)
                .iter()
                .any(|n| n == "Nationality: Congolese")
        );
        assert!(warned(
            &uk,
            "Group ID 12838",
            &["Nationality `Congolese`", "cd", "cg"]
        ));
    }
    if let Some(uk) = load("data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx") {
        // Post code in Country, country in Post/Zip Code.
        let dalkos = entity(&uk, "gb-hmt-16677");
        assert_eq!(dalkos.get(prop::COUNTRY), ["ru"]);
        assert!(
            dalkos
                .get(prop::ADDRESS)
                .iter()
                .any(|a| a.contains("115088"))
        );
        assert!(warned(
            &uk,
            "Group ID 16677",
            &["`115088`", "Post/Zip Code `Russia`"]
        ));
        // A city in Country.
        assert_eq!(entity(&uk, "gb-hmt-15881").get(prop::COUNTRY), ["ru"]);
    }
    if let Some(ofac) = load("data/lists/ofac/sdn-2021-07-07") {
        // `Region: Kafia Kingi`, disputed between Sudan and South Sudan:
        // the six address rows that give it keep it in the address, give
        // no code and are tallied as classified.
        assert_eq!(
            ofac.stats.not_countries.get("Country: Region: Kafia Kingi"),
            Some(&6)
        );
        for id in ["ofac-11018", "ofac-19100"] {
            let e = entity(&ofac, id);
            assert!(
                e.get(prop::ADDRESS)
                    .iter()
                    .any(|a| a.contains("Kafia Kingi"))
            );
            assert!(!e.get(prop::COUNTRY).iter().any(|c| c == "ss"), "{id}");
        }
        assert!(warned(
            &ofac,
            "ofac-11018",
            &["Kafia Kingi", "disputed", "sd", "ss"]
        ));
    }
}

fn nationalities_under(entities: &[Entity], program: &str) -> Vec<String> {
    entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p.contains(program)))
        .flat_map(|e| {
            e.get(prop::NATIONALITY)
                .iter()
                .chain(e.get(prop::COUNTRY))
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whatever spelling a list uses for North Korea, DPRK designations never
/// come out as South Korea.
#[test]
fn dprk_designations_never_read_as_south_korea() {
    let uk = [
        (
            "data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx",
            "Democratic People's Republic of Korea",
        ),
        (
            "data/lists/uk/uk-ofsi-conlist-2018-04-13.csv",
            "North Korea (Democratic People's Republic of Korea)",
        ),
        ("data/lists/un/consolidated-2026-02-27.xml", "DPRK"),
    ];
    for (relative, program) in uk {
        let Some(path) = yalu_testdata::shared(relative) else {
            continue;
        };
        let list = read_path(&path, &ReadOptions::default()).unwrap();
        let codes = nationalities_under(&list.entities, program);
        let kp = codes.iter().filter(|c| *c == "kp").count();
        assert!(kp >= 50, "{relative}: only {kp} kp values under {program}");
        assert!(
            !codes.iter().any(|c| c == "kr"),
            "{relative}: a DPRK designation read as South Korea"
        );
    }
}
