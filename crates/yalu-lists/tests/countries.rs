//! Every country and nationality value of every shared list maps to a code.
//!
//! Each list in `../shared/data/lists` is read with its reader; readers tally
//! the country values they could not map in `ReadStats::unknown_countries`.
//! The test prints every unmapped value with its count and fails when there
//! is one, so a new spelling shows up as a table entry to add, not as a
//! silently dropped country.

use yalu_lists::{ReadOptions, read_path};
use yalu_model::{Entity, prop};

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
];

/// Values in country columns that name no single country: a city, a
/// province or a continent written where the country belongs, a number, a
/// disputed region, a fragment of a Soviet-era name, and `Congolese`, which
/// is ambiguous between `cd` and `cg` as `Korea` is between `kp` and `kr`.
/// The readers keep them in the entities' notes with a warning; listing
/// them here keeps the test honest about what is left.
const NOT_COUNTRIES: &[&str] = &[
    "Region: Kafia Kingi",
    "Africa",
    "Moscow",
    "115088",
    "Central District, Pyongyang",
    "Tartous",
    "Damascus Countryside",
    "Autonomous SSR",
    "SSR",
    "Congolese",
];

#[test]
fn every_country_value_maps_to_a_code() {
    let mut unmapped: Vec<(String, String, usize)> = Vec::new();
    let mut read = 0;
    for relative in LISTS {
        let Some(path) = yalu_testdata::shared(relative) else {
            continue;
        };
        let list =
            read_path(&path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{relative}: {e}"));
        read += 1;
        for (value, count) in &list.stats.unknown_countries {
            unmapped.push((relative.to_string(), value.clone(), *count));
        }
    }
    if read == 0 {
        return;
    }
    let mut failures = Vec::new();
    for (list, value, count) in &unmapped {
        let known = NOT_COUNTRIES
            .iter()
            .any(|n| value.split_once(": ").is_some_and(|(_, v)| v == *n));
        eprintln!(
            "{} {list}: {value} ({count}x)",
            if known { "not a country:" } else { "UNMAPPED" }
        );
        if !known {
            failures.push(format!("{list}: {value} ({count}x)"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} country values map to no code:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
