//! The OFAC legacy CSV reader on the real SDN and consolidated files, and on
//! small broken fixtures.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use yalu_lists::{ListError, ListFormat, ReadOptions, ReadStats, ofac};
use yalu_model::{Entity, Schema, prop};

fn read(
    path: &Path,
    format: ListFormat,
    opts: &ReadOptions,
) -> Result<(Vec<Entity>, ReadStats), ListError> {
    let mut entities = Vec::new();
    let stats = ofac::read(path, format, opts, &mut |e| entities.push(e))?;
    Ok((entities, stats))
}

fn by_id(entities: &[Entity]) -> HashMap<&str, &Entity> {
    entities.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn schema_counts(entities: &[Entity]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for e in entities {
        *counts.entry(e.schema.name().to_string()).or_insert(0) += 1;
    }
    counts
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn sdn_2021_counts() {
    let Some(dir) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let (entities, stats) = read(&dir, ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 8976);
    assert_eq!(stats.entities, 8976);
    assert_eq!(stats.records, 8976);
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped.first());
    assert_eq!(
        schema_counts(&entities),
        counts(&[
            ("Person", 4620),
            ("Organization", 3673),
            ("Vessel", 406),
            ("Airplane", 277)
        ])
    );
    for e in &entities {
        assert!(e.id.starts_with("ofac-"), "{}", e.id);
        assert_eq!(e.datasets, ["us_ofac_sdn"]);
        assert!(e.target);
        assert!(e.has(prop::NAME), "{} has no name", e.id);
        assert!(e.has(prop::PROGRAM), "{} has no program", e.id);
    }
    // 11,910 alias rows and 13,837 address rows all belong to listed parties.
    let aliases: usize = entities
        .iter()
        .map(|e| e.get(prop::ALIAS).len() + e.get(prop::PREVIOUS_NAME).len())
        .sum();
    assert!(aliases > 11_500, "{aliases} aliases");
    assert!(
        !stats
            .warnings
            .iter()
            .any(|w| w.reason.contains("is not in sdn.csv")),
        "orphan side rows"
    );
}

#[test]
fn sdn_2021_dprk_facts() {
    let Some(dir) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let (entities, _) = read(&dir, ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    let all = by_id(&entities);

    // KIM Jong Un. The SDN remarks give no nationality for him; his only
    // address row names North Korea, which becomes `country`.
    let kim = all["ofac-20157"];
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.get(prop::NAME), ["KIM, Jong Un"]);
    assert_eq!(kim.get(prop::LAST_NAME), ["KIM"]);
    assert_eq!(kim.get(prop::FIRST_NAME), ["Jong Un"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1984-01-08"]);
    assert_eq!(kim.get(prop::COUNTRY), ["kp"]);
    assert!(kim.get(prop::NATIONALITY).is_empty());
    assert_eq!(kim.get(prop::PROGRAM), ["DPRK3"]);
    assert_eq!(
        kim.get(prop::TITLE),
        ["Chairman of the Workers' Party of Korea"]
    );
    // The remark repeating his title is not an unparsed note.
    assert!(
        !kim.get(prop::NOTES)
            .iter()
            .any(|n| n == "Chairman of the Workers' Party of Korea")
    );

    // HWANG Su Man: nationality, passport, alias and a `Linked To:` relation.
    let hwang = all["ofac-18552"];
    assert_eq!(hwang.schema, Schema::Person);
    assert_eq!(hwang.get(prop::BIRTH_DATE), ["1955-04-06"]);
    assert_eq!(hwang.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(hwang.get(prop::PASSPORT_NUMBER), ["472220033"]);
    assert_eq!(hwang.get(prop::ALIAS), ["HWANG, Kyong Nam"]);
    assert_eq!(
        hwang.get(prop::LINKED_TO),
        ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    );

    // KOMID: a weak alias from the remarks, strong aliases from alt.csv,
    // five addresses in five countries, two programs.
    let komid = all["ofac-9345"];
    assert_eq!(komid.schema, Schema::Organization);
    assert_eq!(komid.get(prop::WEAK_ALIAS), ["KOMID"]);
    assert_eq!(komid.get(prop::PROGRAM), ["NPWMD", "DPRK2"]);
    assert_eq!(komid.get(prop::ALIAS).len(), 6);
    assert!(
        komid
            .get(prop::ALIAS)
            .contains(&"CHANGGWANG SINYONG CORPORATION".to_string())
    );
    assert_eq!(komid.get(prop::COUNTRY), ["kp", "cn", "ru", "ir", "sy"]);
    assert_eq!(
        komid.get(prop::ADDRESS)[0],
        "Central District, Pyongyang, Korea, North"
    );

    // A DPRK-flagged vessel with its IMO number.
    let ship = all["ofac-17069"];
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::NAME), ["CHONG CHON GANG"]);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["7937317"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
    assert_eq!(ship.get(prop::TYPE), ["General Cargo"]);
    assert!(ship.get(prop::LAST_NAME).is_empty());

    // LI Jiadong (Lazarus Group laundering): wallets, and remarks that
    // overflow into sdn_comments.csv mid-word ("P" + "hone Number ...").
    let li = all["ofac-28264"];
    assert_eq!(li.get(prop::NATIONALITY), ["cn"]);
    assert_eq!(li.get(prop::GENDER), ["male"]);
    let wallets = li.get(prop::CRYPTO_WALLET);
    assert_eq!(wallets.len(), 12);
    assert_eq!(wallets[0], "1EfMVkxQQuZfBdocpJu6RUsCJvenQWbQyE");
    assert_eq!(
        li.get(ofac::extra::PHONE),
        ["8613314257947", "8618004121000"]
    );
    assert_eq!(li.get(prop::ID_NUMBER), ["210302198701102136"]);
    assert_eq!(li.get(prop::WEAK_ALIAS), ["blackjack1987", "khaleesi"]);
    assert_eq!(li.get(prop::LINKED_TO), ["LAZARUS GROUP"]);
    assert_eq!(li.get(prop::PROGRAM), ["DPRK3", "CYBER2"]);

    // Two birth dates of different precision.
    let kim_tm = all["ofac-11648"];
    assert_eq!(kim_tm.get(prop::BIRTH_DATE), ["1964", "1962-08-28"]);
    assert_eq!(kim_tm.get(prop::WEAK_ALIAS), ["KIM, JIN SOK"]);
    assert_eq!(kim_tm.get(prop::PASSPORT_NUMBER), ["290320764"]);

    // North and South never meet.
    for e in &entities {
        if e.get(prop::NATIONALITY).iter().any(|c| c == "kr") {
            assert!(
                !e.get(prop::NATIONALITY).iter().any(|c| c == "kp"),
                "{} is both kp and kr",
                e.id
            );
        }
    }
}

#[test]
fn sdn_2021_unparsed_clauses_are_rare_and_kept() {
    let Some(dir) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let (entities, stats) = read(&dir, ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    let all = by_id(&entities);
    let clause_warnings: Vec<_> = stats
        .warnings
        .iter()
        .filter(|w| w.reason.contains(": `"))
        .collect();
    let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
    for w in &clause_warnings {
        let text = w
            .reason
            .split_once(": `")
            .map_or("", |(_, t)| t.trim_end_matches('`'));
        let prefix: Vec<&str> = text.split_whitespace().take(2).collect();
        *prefixes.entry(prefix.join(" ")).or_insert(0) += 1;
    }
    let mut top: Vec<_> = prefixes.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    eprintln!(
        "{} clause warnings; top prefixes: {:?}",
        clause_warnings.len(),
        top.iter().take(15).collect::<Vec<_>>()
    );
    // 32,746 clauses in this file; fewer than 1% are not understood.
    assert!(
        clause_warnings.len() < 330,
        "{} clause warnings",
        clause_warnings.len()
    );
    // Every warning names an entity whose notes keep the clause.
    for w in &clause_warnings {
        let id = w
            .location
            .split_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .expect("location names the entity");
        let text = w
            .reason
            .split_once(": `")
            .map(|(_, t)| t.trim_end_matches('`'))
            .unwrap();
        // Entity values have their whitespace collapsed.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            all[id].get(prop::NOTES).iter().any(|n| n == &text),
            "{id} lost `{text}`"
        );
    }
}

#[test]
fn sdn_2024_primary_file_alone() {
    let Some(file) = yalu_testdata::shared("data/lists/ofac/sdn-2024-05-03/sdn.csv") else {
        return;
    };
    let (entities, stats) = read(&file, ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 14_965);
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped.first());
    assert_eq!(
        schema_counts(&entities),
        counts(&[
            ("Person", 6854),
            ("Organization", 6884),
            ("Vessel", 851),
            ("Airplane", 376)
        ])
    );
    let all = by_id(&entities);
    // Without the side files there are no aliases or addresses.
    assert!(
        entities
            .iter()
            .all(|e| !e.has(prop::ALIAS) && !e.has(prop::ADDRESS))
    );
    assert_eq!(all["ofac-20157"].get(prop::BIRTH_DATE), ["1984-01-08"]);
}

#[test]
fn consolidated_2025() {
    let Some(dir) = yalu_testdata::shared("data/lists/ofac/cons-2025-12-19") else {
        return;
    };
    let (entities, stats) = read(&dir, ListFormat::OfacCons, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 442);
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped.first());
    assert!(
        entities
            .iter()
            .all(|e| e.datasets == ["us_ofac_cons"] && e.target)
    );
    let all = by_id(&entities);
    let haniya = all["ofac-9639"];
    assert_eq!(haniya.schema, Schema::Person);
    assert_eq!(haniya.get(prop::BIRTH_DATE), ["1962"]);
    assert_eq!(haniya.get(prop::BIRTH_PLACE), ["Shati"]);
    assert_eq!(haniya.get(prop::PROGRAM), ["NS-PLC"]);
    assert!(
        haniya
            .get(prop::ALIAS)
            .contains(&"HANIYA, Ismail".to_string())
    );
    // cons_comments.csv continues the Remarks of 17014.
    assert_eq!(all["ofac-17014"].get(prop::WEAK_ALIAS), ["RUSAG"]);
}

#[test]
fn read_path_detects_the_sdn_folder() {
    let Some(dir) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let list = yalu_lists::read_path(&dir, &ReadOptions::default()).unwrap();
    assert_eq!(list.format, ListFormat::OfacSdn);
    assert_eq!(list.dataset, "us_ofac_sdn");
    assert_eq!(list.entities.len(), 8976);
}

// ---- synthetic fixtures ----

const KIM: &str = "20157,\"KIM, Jong Un\",\"individual\",\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 08 Jan 1984; nationality Korea, North.\"\r\n";
const SHIP: &str = "17069,\"CHONG CHON GANG\",\"vessel\",\"DPRK\",-0- ,\"HMXY\",\"General Cargo\",\"6,700\",\"4,000\",\"Korea, North\",\"Ocean Maritime Management\",\"Vessel Registration Identification IMO 7937317.\"\r\n";

fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::File::create(dir.path().join(name))
            .unwrap()
            .write_all(content)
            .unwrap();
    }
    dir
}

fn bytes(parts: &[&str]) -> Vec<u8> {
    parts.concat().into_bytes()
}

#[test]
fn short_row_is_skipped_with_its_line() {
    let sdn = bytes(&[KIM, "999,\"TOO SHORT\",-0- \r\n", SHIP]);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert_eq!(
        entities.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["ofac-20157", "ofac-17069"]
    );
    assert_eq!(stats.records, 3);
    assert_eq!(stats.entities, 2);
    assert_eq!(stats.skipped.len(), 1);
    let skip = &stats.skipped[0];
    assert_eq!(skip.file, dir.path().join("sdn.csv"));
    assert_eq!(skip.location, "line 2");
    assert_eq!(skip.reason, "expected 12 columns, found 3");
}

#[test]
fn strict_mode_makes_a_bad_row_fatal() {
    let sdn = bytes(&[KIM, "999,\"TOO SHORT\",-0- \r\n"]);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let opts = ReadOptions { strict: true };
    let err = read(dir.path(), ListFormat::OfacSdn, &opts).unwrap_err();
    match &err {
        ListError::Record(r) => {
            assert_eq!(r.location, "line 2");
            assert_eq!(r.file, dir.path().join("sdn.csv"));
        }
        other => panic!("expected a record error, got {other:?}"),
    }
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn non_numeric_ent_num_is_skipped() {
    let sdn = bytes(&[
        "abc,\"NOBODY\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
        KIM,
        KIM,
    ]);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(stats.records, 3);
    assert_eq!(stats.skipped.len(), 2);
    assert_eq!(stats.skipped[0].location, "line 1");
    assert!(
        stats.skipped[0].reason.contains("`abc`"),
        "{}",
        stats.skipped[0].reason
    );
    assert_eq!(stats.skipped[1].location, "line 3");
    assert!(
        stats.skipped[1].reason.contains("listed twice"),
        "{}",
        stats.skipped[1].reason
    );
}

#[test]
fn eof_byte_crlf_and_empty_markers() {
    let mut sdn = bytes(&[KIM, SHIP]);
    sdn.push(0x1a);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
    assert_eq!(stats.records, 2);
    assert_eq!(entities.len(), 2);
    let kim = &entities[0];
    // `-0- ` columns add nothing; CR never leaks into a value.
    assert!(!kim.has(prop::TITLE) && !kim.has(prop::CALL_SIGN) && !kim.has(prop::FLAG));
    assert_eq!(kim.get(prop::NATIONALITY), ["kp"]);
    for values in kim
        .properties
        .values()
        .chain(entities[1].properties.values())
    {
        for v in values {
            assert!(
                !v.contains('\r') && !v.contains('\u{1a}') && v != "-0-",
                "{v:?}"
            );
        }
    }
    let ship = &entities[1];
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::CALL_SIGN), ["HMXY"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
    assert_eq!(ship.get(ofac::TONNAGE), ["6,700"]);
    assert_eq!(ship.get(ofac::GROSS_REGISTERED_TONNAGE), ["4,000"]);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["7937317"]);
    assert_eq!(ship.get(prop::NOTES), ["Owner: Ocean Maritime Management"]);

    // The same file without a final CRLF before the 0x1A byte.
    let mut sdn = bytes(&[KIM]);
    sdn.extend_from_slice(SHIP.trim_end().as_bytes());
    sdn.push(0x1a);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
    assert_eq!(entities[1].get(prop::IMO_NUMBER), ["7937317"]);
}

#[test]
fn side_files_attach_and_orphans_are_warned() {
    let sdn = bytes(&[KIM, SHIP]);
    let alt = bytes(&[
        "20157,1,\"aka\",\"KIM, Jong-un\",-0- \r\n",
        "20157,2,\"fka\",\"KIM, Jong Woon\",-0- \r\n",
        "777,3,\"aka\",\"GHOST\",-0- \r\n",
    ]);
    let add = bytes(&["20157,1,-0- ,\"Pyongyang\",\"Korea, North\",-0- \r\n"]);
    let comments = bytes(&["20157,\"; Gender Male.\"\r\n"]);
    let dir = folder(&[
        ("sdn.csv", &sdn),
        ("alt.csv", &alt),
        ("add.csv", &add),
        ("sdn_comments.csv", &comments),
    ]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    let kim = &entities[0];
    assert_eq!(kim.get(prop::ALIAS), ["KIM, Jong-un"]);
    assert_eq!(kim.get(prop::PREVIOUS_NAME), ["KIM, Jong Woon"]);
    assert_eq!(kim.get(prop::ADDRESS), ["Pyongyang, Korea, North"]);
    assert_eq!(kim.get(prop::COUNTRY), ["kp"]);
    // The continuation is glued to the Remarks before parsing.
    assert_eq!(kim.get(prop::GENDER), ["male"]);
    assert!(stats.skipped.is_empty());
    assert_eq!(stats.warnings.len(), 1, "{:?}", stats.warnings);
    assert_eq!(stats.warnings[0].file, dir.path().join("alt.csv"));
    assert_eq!(stats.warnings[0].location, "line 3");
    assert!(
        stats.warnings[0].reason.contains("777"),
        "{}",
        stats.warnings[0].reason
    );
}

#[test]
fn bad_birth_date_is_a_warning_naming_the_entity() {
    let sdn = bytes(&[
        "5,\"PARK, Nobody\",\"individual\",\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB sometime in spring; Gender Female.\"\r\n",
    ]);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert!(stats.skipped.is_empty());
    let e = &entities[0];
    assert!(!e.has(prop::BIRTH_DATE));
    assert_eq!(e.get(prop::GENDER), ["female"]);
    assert_eq!(e.get(prop::NOTES), ["DOB sometime in spring"]);
    assert_eq!(stats.warnings.len(), 1);
    assert_eq!(stats.warnings[0].location, "line 1 (ofac-5)");
    assert!(
        stats.warnings[0].reason.contains("DOB sometime in spring"),
        "{}",
        stats.warnings[0].reason
    );
}

#[test]
fn cp1252_and_quoted_commas() {
    // 0xE9 is `é` in cp1252; the name holds a quoted comma.
    let mut sdn = b"42,\"CAF\xc9 DE LA PAIX, S.A.\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec();
    sdn.push(0x1a);
    let dir = folder(&[("sdn.csv", &sdn)]);
    let (entities, stats) = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap();
    assert!(stats.skipped.is_empty());
    assert_eq!(entities[0].schema, Schema::Organization);
    assert_eq!(entities[0].get(prop::NAME), ["CAFÉ DE LA PAIX, S.A."]);
    // Organisations do not get first and last names.
    assert!(!entities[0].has(prop::LAST_NAME));
}

#[test]
fn lone_primary_file_ignores_its_siblings() {
    let alt = bytes(&["20157,1,\"aka\",\"KIM, Jong-un\",-0- \r\n"]);
    let dir = folder(&[("sdn.csv", KIM.as_bytes()), ("alt.csv", &alt)]);
    let (entities, stats) = read(
        &dir.path().join("sdn.csv"),
        ListFormat::OfacSdn,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(entities.len(), 1);
    assert!(!entities[0].has(prop::ALIAS));
    assert!(stats.warnings.is_empty());
}

#[test]
fn consolidated_file_names() {
    let alt = bytes(&["20157,1,\"aka\",\"KIM, Jong-un\",-0- \r\n"]);
    let dir = folder(&[("cons_prim.csv", KIM.as_bytes()), ("cons_alt.csv", &alt)]);
    let (entities, _) = read(dir.path(), ListFormat::OfacCons, &ReadOptions::default()).unwrap();
    assert_eq!(entities[0].datasets, ["us_ofac_cons"]);
    assert_eq!(entities[0].get(prop::ALIAS), ["KIM, Jong-un"]);
}

#[test]
fn missing_primary_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default()).unwrap_err();
    match &err {
        ListError::Io { path, .. } => assert_eq!(path, &dir.path().join("sdn.csv")),
        other => panic!("expected an I/O error, got {other:?}"),
    }
    let file = dir.path().join("cons_prim.csv");
    let err = read(&file, ListFormat::OfacCons, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(&err, ListError::Io { path, .. } if path == &file),
        "{err:?}"
    );
    assert!(err.to_string().contains("cons_prim.csv"), "{err}");
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 6] = [
        b"",
        b"\x1a",
        b"\"unterminated,1,2\r\n",
        b",,,,,,,,,,,\r\n",
        b"1,\"X\",\"individual\",\"[\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"a.k.a. '; DOB 1999-99; ;;\"\r\n",
        b"\xff\xfe\x00\x81\x8d,\x90\r\n\r\n\r\n",
    ];
    for input in inputs {
        let dir = folder(&[
            ("sdn.csv", input),
            ("alt.csv", input),
            ("add.csv", input),
            ("sdn_comments.csv", input),
        ]);
        let result = read(dir.path(), ListFormat::OfacSdn, &ReadOptions::default());
        let (_, stats) = result.unwrap();
        assert!(stats.entities <= 1);
    }
}
