//! The UK OFSI consolidated list, read from the real published files in
//! `../shared/data/lists/uk/` (skipped with a notice when absent).
//!
//! The expected counts were obtained once, independently of Yalu, with a
//! short Python script: the XLSX unpacked with `zipfile` and
//! `xml.etree.ElementTree` (shared strings and `sheet1.xml`), the CSV read
//! with `csv` after decoding cp1252; rows grouped by `Group ID`, counted by
//! the `Group Type` of the group and by a `Regime` naming Korea, and
//! groups with `(UN Ref):` in `Other Information` counted. They agree with
//! the figures in `../shared/data/README.md`.

use std::collections::BTreeMap;
use yalu_lists::{ListFormat, ReadOptions, detect_format, diff, ofsi, read_path};
use yalu_model::{Entity, Schema, prop};

fn by_schema(entities: &[Entity]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in entities {
        *out.entry(e.schema.name().to_string()).or_default() += 1;
    }
    out
}

fn under(entities: &[Entity], regime: &str) -> usize {
    entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p == regime))
        .count()
}

fn find<'a>(entities: &'a [Entity], id: &str) -> &'a Entity {
    entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{id} is missing"))
}

#[test]
fn xlsx_2025_counts_and_fields() {
    let Some(path) = yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx") else {
        return;
    };
    assert_eq!(detect_format(&path).unwrap(), ListFormat::Ofsi);
    let list = read_path(&path, &ReadOptions { strict: true }).unwrap();
    assert_eq!(list.dataset, "gb_hmt_sanctions");
    assert_eq!(list.stats.records, 18_798, "rows");
    assert_eq!(list.entities.len(), 4_688, "designations by Group ID");
    let counts = by_schema(&list.entities);
    assert_eq!(counts.get("Person"), Some(&3_663));
    assert_eq!(counts.get("Organization"), Some(&1_010));
    assert_eq!(counts.get("Vessel"), Some(&15));
    assert_eq!(
        under(&list.entities, "Democratic People's Republic of Korea"),
        239
    );
    let with_un_ref = list
        .entities
        .iter()
        .filter(|e| e.has(ofsi::UN_REFERENCE))
        .count();
    assert_eq!(with_un_ref, 866, "groups with a (UN Ref)");
    assert!(list.entities.iter().all(|e| e.id.starts_with("gb-hmt-")));
    assert!(list.entities.iter().all(|e| e.has(prop::NAME)));

    // A DPRK entity with a Han-character name and both references.
    let chang_an = find(&list.entities, "gb-hmt-13626");
    assert_eq!(chang_an.schema, Schema::Organization);
    assert_eq!(
        chang_an.first(prop::NAME),
        Some("CHANG AN SHIPPING & TECHNOLOGY")
    );
    assert!(
        chang_an
            .get(prop::ALIAS)
            .iter()
            .any(|a| a == "長安海連技術有限公司")
    );
    assert_eq!(chang_an.get(prop::PROGRAM_ID), ["DPR0128"]);
    assert_eq!(chang_an.get(ofsi::UN_REFERENCE), ["KPe.055"]);
    assert_eq!(chang_an.get(prop::COUNTRY), ["cn"]);
    assert_eq!(chang_an.first_seen.as_deref(), Some("2018-04-03"));

    // A person with a Hangul name and its language kept in the notes.
    let kim = find(&list.entities, "gb-hmt-16816");
    assert_eq!(kim.schema, Schema::Person);
    assert!(kim.get(prop::ALIAS).iter().any(|a| a == "김영복"));
    assert!(
        kim.get(prop::NOTES)
            .iter()
            .any(|n| n.contains("Hangul, Korean") && n.contains("김영복"))
    );
    assert_eq!(kim.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(kim.get(prop::TITLE), ["Colonel General"]);

    // A ship: IMO number and flag from Other Information; its owner's UN
    // reference in the free text is not the ship's.
    let ship = find(&list.entities, "gb-hmt-13651");
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["7408873"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
    assert!(!ship.has(ofsi::UN_REFERENCE));

    // Low-quality aliases are weak aliases.
    let weak = list
        .entities
        .iter()
        .filter(|e| e.has(prop::WEAK_ALIAS))
        .count();
    assert_eq!(weak, 224, "groups with a Low quality alias");
    // OFSI's `(1) ... (2) ...` nationalities become several codes.
    assert!(
        list.entities
            .iter()
            .filter(|e| e.get(prop::NATIONALITY).len() >= 2)
            .count()
            >= 100
    );
}

#[test]
fn csv_2018_counts_and_fields() {
    let Some(path) = yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2018-04-13.csv") else {
        return;
    };
    assert_eq!(detect_format(&path).unwrap(), ListFormat::Ofsi);
    let list = read_path(&path, &ReadOptions { strict: true }).unwrap();
    assert_eq!(list.stats.records, 9_487, "rows");
    assert_eq!(list.entities.len(), 2_106, "designations by Group ID");
    let counts = by_schema(&list.entities);
    assert_eq!(counts.get("Person"), Some(&1_426));
    assert_eq!(counts.get("Organization"), Some(&680));
    assert_eq!(counts.get("Vessel"), None);
    assert_eq!(
        under(
            &list.entities,
            "North Korea (Democratic People's Republic of Korea)"
        ),
        242
    );
    // cp1252 decoded; `00/00/1980` is a year; `1) Saudi Arabia 2) Qatar`
    // two nationalities; the unlabelled `UN Ref QDe.004` read.
    let q = find(&list.entities, "gb-hmt-13349");
    assert_eq!(q.get(prop::BIRTH_DATE), ["1980", "1981"]);
    assert_eq!(q.get(prop::NATIONALITY), ["sa", "qa"]);
    assert_eq!(q.get(ofsi::UN_REFERENCE), ["QDe.004"]);
    assert_eq!(q.get(prop::PASSPORT_NUMBER), ["592667"]);
    assert!(
        list.entities
            .iter()
            .flat_map(|e| e.names())
            .all(|(_, n)| !n.contains('\u{fffd}')),
        "no replacement characters: the file is decoded as cp1252"
    );
}

#[test]
fn diff_between_2018_and_2025() {
    let (Some(old), Some(new)) = (
        yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2018-04-13.csv"),
        yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx"),
    ) else {
        return;
    };
    let old = read_path(&old, &ReadOptions::default()).unwrap();
    let new = read_path(&new, &ReadOptions::default()).unwrap();
    let d = diff(&old.entities, &new.entities);
    // Group IDs: 1,608 in both files, 498 only in 2018, 3,080 only in 2025
    // (same Python count).
    assert_eq!(d.added.len(), 3_080);
    assert_eq!(d.removed.len(), 498);
    assert_eq!(d.added.len() + d.changed.len() + d.unchanged, 4_688);
}

#[test]
fn bad_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let no_header = dir.path().join("conlist.csv");
    std::fs::write(&no_header, "Last Updated,13/04/2018\nfoo,bar\n").unwrap();
    let err = ofsi::read(&no_header, &ReadOptions::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("conlist.csv"), "{err}");
    assert!(err.to_string().contains("header"), "{err}");

    let broken = dir.path().join("conlist.xlsx");
    std::fs::write(&broken, b"PK\x03\x04not really a zip").unwrap();
    let err = ofsi::read(&broken, &ReadOptions::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("XLSX"), "{err}");

    // A row without Group ID and a group of unknown type are skipped and
    // named; an unknown country is kept in the notes and tallied.
    let rows = dir.path().join("rows.csv");
    std::fs::write(
        &rows,
        "Last Updated,13/04/2018\n\
         Name 6,Name 1,DOB,Nationality,Group Type,Alias Type,Regime,Group ID\n\
         KIM,Il,31/02/1970,Atlantis,Individual,Prime Alias,Test,1\n\
         NOBODY,,,,Individual,AKA,Test,\n\
         THING,,,,Planet,Prime Alias,Test,2\n",
    )
    .unwrap();
    let mut got = Vec::new();
    let stats = ofsi::read(&rows, &ReadOptions::default(), &mut |e| got.push(e)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(stats.records, 3);
    assert_eq!(stats.skipped.len(), 2, "{:?}", stats.skipped);
    assert!(stats.skipped[0].location.contains("line 4"));
    assert!(stats.skipped[1].reason.contains("Planet"));
    assert_eq!(
        stats.unknown_countries.get("Nationality: Atlantis"),
        Some(&1)
    );
    assert!(
        got[0]
            .get(prop::NOTES)
            .iter()
            .any(|n| n == "DOB: 31/02/1970")
    );
    assert!(!got[0].has(prop::BIRTH_DATE));
    let strict = ofsi::read(&rows, &ReadOptions { strict: true }, &mut |_| {});
    assert!(strict.is_err());
}
