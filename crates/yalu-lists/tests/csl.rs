//! US Consolidated Screening List reader: the real subset and bad input.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use yalu_lists::{ListError, ReadOptions, ReadStats, csl};
use yalu_model::{Entity, Schema, prop};

fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Vec<Entity>, ReadStats), ListError> {
    let mut entities = Vec::new();
    let stats = csl::read(path, opts, &mut |e| entities.push(e))?;
    Ok((entities, stats))
}

fn count<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_insert(0) += 1;
    }
    counts
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const HEADER: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n";

#[test]
fn subset_counts() {
    let Some(p) = yalu_testdata::shared("data/lists/csl/csl-2023-11-30-subset.csv") else {
        return;
    };
    let (entities, stats) = read_all(&p, &ReadOptions { strict: true }).unwrap();
    assert_eq!(entities.len(), 4227);
    assert_eq!((stats.records, stats.entities), (4227, 4227));
    assert!(stats.skipped.is_empty());

    let by_source = count(entities.iter().map(|e| e.first("publisher").unwrap()));
    let expected = [
        ("Capta List (CAP) - Treasury Department", 1),
        (
            "Denied Persons List (DPL) - Bureau of Industry and Security",
            577,
        ),
        ("Entity List (EL) - Bureau of Industry and Security", 919),
        ("Foreign Sanctions Evaders (FSE) - Treasury Department", 1),
        ("ITAR Debarred (DTC) - State Department", 142),
        (
            "Military End User (MEU) List - Bureau of Industry and Security",
            71,
        ),
        (
            "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
            68,
        ),
        (
            "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
            14,
        ),
        ("Nonproliferation Sanctions (ISN) - State Department", 144),
        (
            "Palestinian Legislative Council List (PLC) - Treasury Department",
            78,
        ),
        (
            "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
            288,
        ),
        (
            "Specially Designated Nationals (SDN) - Treasury Department",
            1738,
        ),
        (
            "Unverified List (UVL) - Bureau of Industry and Security",
            186,
        ),
    ];
    assert_eq!(by_source, expected.into_iter().collect());

    let by_schema = count(entities.iter().map(|e| e.schema.name()));
    let expected = [
        ("LegalEntity", 2039),
        ("Organization", 1060),
        ("Person", 1125),
        ("Vessel", 3),
    ];
    assert_eq!(by_schema, expected.into_iter().collect());

    let by_topic = count(
        entities
            .iter()
            .flat_map(|e| e.get(prop::TOPICS))
            .map(String::as_str),
    );
    let expected = [
        ("debarment", 142),
        ("export.control", 1753),
        ("sanction", 2332),
    ];
    assert_eq!(by_topic, expected.into_iter().collect());

    // Ids are unique: 7 `_id`s repeat under a second source list.
    let ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 4227);
    let renamed: Vec<&str> = entities
        .iter()
        .filter(|e| e.referents.iter().any(|r| r.starts_with("csl-")))
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        renamed,
        [
            "csl-17014-ssi",
            "csl-17016-ssi",
            "csl-17143-ssi",
            "csl-17250-ssi",
            "csl-17254-ssi",
            "csl-9647-sdn",
            "csl-9659-sdn"
        ]
    );
    // Warnings: the repeated header (line 2), the 7 repeated ids and the
    // truncated last row.
    assert_eq!(stats.warnings.len(), 9);
    assert_eq!(stats.warnings[0].location, "line 2");
    assert!(stats.warnings[0].reason.contains("header"));
    assert_eq!(stats.warnings[8].location, "line 4233");
    assert!(stats.warnings[8].reason.contains("8 of 29"));

    for e in &entities {
        assert_eq!(e.datasets, ["us_trade_csl"]);
        assert!(e.target && e.has(prop::NAME), "{}", e.id);
    }
    // Every date of birth is understood: 1,052 entities have one.
    assert_eq!(
        entities.iter().filter(|e| e.has(prop::BIRTH_DATE)).count(),
        1052
    );
    // 328 passport numbers on 249 entities.
    let passports: usize = entities
        .iter()
        .map(|e| e.get(prop::PASSPORT_NUMBER).len())
        .sum();
    assert_eq!(passports, 328);
    assert_eq!(
        entities
            .iter()
            .filter(|e| e.has(prop::PASSPORT_NUMBER))
            .count(),
        249
    );
    // Treasury rows point at their OFAC entity.
    let ofac = entities
        .iter()
        .filter(|e| e.referents.iter().any(|r| r.starts_with("ofac-")))
        .count();
    assert_eq!(ofac, 2188);
    // 13 entities have an address in North Korea.
    let mut kp: Vec<&str> = entities
        .iter()
        .filter(|e| e.get(prop::COUNTRY).iter().any(|c| c == "kp"))
        .map(|e| e.id.as_str())
        .collect();
    kp.sort_unstable();
    assert_eq!(
        kp,
        [
            "csl-10012",
            "csl-1287",
            "csl-9345",
            "csl-9346",
            "csl-9347",
            "csl-9519",
            "csl-9520",
            "csl-9521",
            "csl-9523",
            "csl-9524",
            "csl-9525",
            "csl-9526",
            "csl-9527"
        ]
    );
}

#[test]
fn subset_spot_checks() {
    let Some(p) = yalu_testdata::shared("data/lists/csl/csl-2023-11-30-subset.csv") else {
        return;
    };
    let (entities, _) = read_all(&p, &ReadOptions::default()).unwrap();
    let get = |id: &str| entities.iter().find(|e| e.id == id).unwrap();

    let komid = get("csl-9345");
    assert_eq!(komid.schema, Schema::Organization);
    assert_eq!(
        komid.get(prop::NAME),
        ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    );
    assert_eq!(komid.get(prop::PROGRAM), ["NPWMD", "DPRK2"]);
    assert_eq!(komid.get(prop::ALIAS).len(), 7);
    assert!(komid.get(prop::ALIAS).iter().any(|a| a == "KOMID"));
    assert_eq!(
        komid.get(prop::ADDRESS)[0],
        "Central District, Pyongyang, KP"
    );
    assert_eq!(komid.get(prop::COUNTRY), ["kp", "cn", "ru", "ir", "sy"]);
    assert_eq!(komid.referents, ["ofac-9345"]);
    assert_eq!(
        komid.get("publisher"),
        ["Specially Designated Nationals (SDN) - Treasury Department"]
    );
    assert_eq!(
        komid.get(prop::NOTES),
        [
            "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210",
            "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214"
        ]
    );
    assert!(komid.get(prop::ID_NUMBER).is_empty());

    let tanchon = get("csl-9346");
    assert_eq!(tanchon.get(prop::NAME), ["TANCHON COMMERCIAL BANK"]);
    assert_eq!(
        tanchon.get(prop::ALIAS),
        ["KOREA CHANGGWANG CREDIT BANK", "CHANGGWANG CREDIT BANK"]
    );
    assert_eq!(tanchon.get(prop::COUNTRY), ["kp"]);

    // Two birth dates and a Colombian cédula.
    let duran = get("csl-11474");
    assert_eq!(duran.schema, Schema::Person);
    assert_eq!(duran.get(prop::NAME), ["DURAN PORRAS, Gloria Amparo"]);
    assert_eq!(duran.get(prop::BIRTH_DATE), ["1968-02-11", "1968-11-02"]);
    assert_eq!(duran.get(prop::ID_NUMBER), ["42895110"]);
    assert_eq!(duran.get(prop::COUNTRY), ["co"]);

    // The same person on two lists, kept apart and linked.
    let plc = get("csl-9647");
    let sdn = get("csl-9647-sdn");
    assert_eq!(plc.get(prop::NAME), ["Mahmoud Khaled ZAHHAR"]);
    assert_eq!(sdn.get(prop::NAME), ["ZAHHAR, Mahmoud Khaled"]);
    assert_eq!(sdn.referents, ["csl-9647", "ofac-9647"]);
    assert_eq!(plc.get(prop::GENDER), ["male"]);
    assert_eq!(plc.get(prop::COUNTRY), ["ps"]);
    assert_eq!(plc.get(prop::BIRTH_DATE), ["1945"]);
    assert_eq!(plc.get(prop::BIRTH_PLACE), ["Gaza Strip"]);

    // A vessel.
    let ebano = get("csl-4243");
    assert_eq!(ebano.schema, Schema::Vessel);
    assert_eq!(ebano.get(prop::IMO_NUMBER), ["7406784"]);
    assert_eq!(ebano.get(prop::FLAG), ["pa"]);
    assert_eq!(ebano.get(prop::ALIAS), ["ANA I", "SAND SWAN"]);

    // A BIS row: no type, so LegalEntity; export-control topic.
    let aaspt = get("csl-dcc742038bcb47f1bf9e805ef279484d");
    assert_eq!(aaspt.schema, Schema::LegalEntity);
    assert_eq!(aaspt.get(prop::TOPICS), ["export.control"]);
    assert_eq!(aaspt.first_seen.as_deref(), Some("2020-12-23"));
    assert_eq!(aaspt.get(prop::COUNTRY), ["cn"]);
    assert!(aaspt.referents.is_empty());

    // The truncated last row keeps what it has.
    let cut = get("csl-11476");
    assert_eq!(cut.get(prop::NAME), ["BERMUDEZ SUAZA, Pedro Antonio"]);
    assert_eq!(cut.get(prop::ADDRESS).len(), 7);
}

#[test]
fn bad_rows_are_skipped_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let content = format!(
        "{HEADER}\
         \"1\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"\",\"\",\"Good Co\",\"\",\"Street 1, Pyongyang, KP\",\"\",\"not a date\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n\
         \"\",\"SDN\",\"\",\"Individual\",\"\",\"No Id\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n\
         \"3\",\"SDN\",\"\",\"Individual\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n\
         \"4\",\"SDN\",\"\",\"Individual\",\"\",\"Too Many\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"extra\"\n\
         \"5\",\"Specially Designated Nationals (SDN) - Treasury Department\",\"77\",\"Spaceship\",\"DPRK3\",\"KIM Il\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"Atlantis\",\"\",\"\",\"\",\"K. Il; \",\"KP\",\"circa 1962; sometime; 12 Jul 1960\",\"XX\",\"\",\"\",\"Passport, 12345, KP; Tax ID No., 99; Website, example.org; Gender, Female; Vessel Registration Identification, IMO 1234567; Organization Established Date, 17 Oct 1990; Weird Thing\"\n"
    );
    let p = write(dir.path(), "csl.csv", &content);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(stats.records, 5);
    assert_eq!(entities.len(), 2);
    let skipped: Vec<(&str, &str)> = stats
        .skipped
        .iter()
        .map(|s| (s.location.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0].0, "line 3");
    assert!(skipped[0].1.contains("_id"));
    assert_eq!(skipped[1].0, "line 4");
    assert!(skipped[1].1.contains("name"));
    assert_eq!(skipped[2].0, "line 5");
    assert!(skipped[2].1.contains("30 cells"));

    let good = &entities[0];
    assert_eq!(good.id, "csl-1");
    assert_eq!(good.schema, Schema::LegalEntity);
    assert_eq!(good.get(prop::COUNTRY), ["kp"]);
    assert_eq!(good.first_seen, None);

    let kim = &entities[1];
    assert_eq!(kim.schema, Schema::LegalEntity);
    assert_eq!(kim.get(prop::ALIAS), ["K. Il"]);
    assert_eq!(kim.get(prop::CITIZENSHIP), ["kp"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1962", "1960-07-12"]);
    assert_eq!(kim.get(prop::PASSPORT_NUMBER), ["12345"]);
    assert_eq!(kim.get(prop::TAX_NUMBER), ["99"]);
    assert_eq!(kim.get(prop::WEBSITE), ["example.org"]);
    assert_eq!(kim.get(prop::GENDER), ["female"]);
    assert_eq!(kim.get(prop::IMO_NUMBER), ["1234567"]);
    assert_eq!(kim.get("incorporationDate"), ["1990-10-17"]);
    assert_eq!(kim.get(prop::PROGRAM), ["DPRK3"]);
    assert_eq!(kim.referents, ["ofac-77"]);
    assert_eq!(
        kim.get(prop::NOTES),
        [
            "Date of birth: sometime",
            "nationality: XX",
            "Weird Thing",
            "flag: Atlantis"
        ]
    );
    let warnings: Vec<String> = stats.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert!(warnings[0].contains("line 2") && warnings[0].contains("start_date"));
    assert!(warnings[1].contains("line 6") && warnings[1].contains("Spaceship"));
    assert!(warnings[2].contains("sometime"));
    assert!(warnings[3].contains("XX"));
    assert!(warnings[4].contains("Atlantis"));

    let err = read_all(&p, &ReadOptions { strict: true }).unwrap_err();
    assert!(
        matches!(&err, ListError::Record(r) if r.location == "line 3"),
        "{err}"
    );
}

#[test]
fn broken_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.csv", "");
    assert!(matches!(
        read_all(&p, &ReadOptions::default()),
        Err(ListError::Format { .. })
    ));
    let p = write(dir.path(), "other.csv", "a,b,c\n1,2,3\n");
    let err = read_all(&p, &ReadOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("other.csv") && err.to_string().contains("_id"),
        "{err}"
    );
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"\"1\",\"SDN\",\"\",\"\",\"\",\"K\xffM\"\n\"2\",\"SDN\",\"\",\"\",\"\",\"OK\"\n",
    );
    let p = dir.path().join("binary.csv");
    std::fs::write(&p, bytes).unwrap();
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].id, "csl-2");
    assert_eq!(stats.skipped.len(), 1);
    assert!(stats.skipped[0].reason.contains("UTF-8"));
    assert!(matches!(
        read_all(&dir.path().join("missing.csv"), &ReadOptions::default()),
        Err(ListError::Io { .. })
    ));
}

#[test]
fn never_panics_on_damaged_input() {
    let base = match yalu_testdata::shared("data/lists/csl/csl-2023-11-30-subset.csv") {
        Some(p) => std::fs::read(p).unwrap()[..30_000].to_vec(),
        None => format!("{HEADER}\"1\",\"SDN\",\"\",\"Individual\",\"\",\"KIM\"\n").into_bytes(),
    };
    const BYTES: &[u8] = b"\",;\n\r\xff\xc3 ";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.csv");
    for doc in yalu_testdata::damage::damaged_copies(&base, BYTES, 0x5eed, 300) {
        std::fs::write(&path, &doc).unwrap();
        let _ = read_all(&path, &ReadOptions::default());
        let _ = read_all(&path, &ReadOptions { strict: true });
    }
}
