//! UN Security Council consolidated list reader: real files and bad input.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use yalu_lists::{ListError, ReadOptions, ReadStats, un};
use yalu_model::{Entity, Schema, prop};

fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Vec<Entity>, ReadStats), ListError> {
    let mut entities = Vec::new();
    let stats = un::read(path, opts, &mut |e| entities.push(e))?;
    Ok((entities, stats))
}

fn by_program_id<'a>(entities: &'a [Entity], id: &str) -> &'a Entity {
    let found: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM_ID).iter().any(|p| p == id))
        .collect();
    assert_eq!(found.len(), 1, "{id}");
    found[0]
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\">\n<INDIVIDUALS>\n";
const TAIL: &str = "</INDIVIDUALS>\n<ENTITIES/>\n</CONSOLIDATED_LIST>\n";

fn individual(dataid: &str, name: &str) -> String {
    format!(
        "<INDIVIDUAL>\n<DATAID>{dataid}</DATAID>\n<FIRST_NAME>{name}</FIRST_NAME>\n<UN_LIST_TYPE>DPRK</UN_LIST_TYPE>\n<REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>\n</INDIVIDUAL>\n"
    )
}

#[test]
fn list_2026_counts() {
    let Some(p) = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml") else {
        return;
    };
    let (entities, stats) = read_all(&p, &ReadOptions { strict: true }).unwrap();
    assert_eq!(entities.len(), 1003);
    assert_eq!(stats.records, 1003);
    assert_eq!(stats.entities, 1003);
    assert!(stats.skipped.is_empty());

    let mut by_schema = BTreeMap::new();
    for e in &entities {
        *by_schema.entry(e.schema.name().to_string()).or_insert(0) += 1;
        assert!(e.id.starts_with("unsc-"), "{}", e.id);
        assert_eq!(e.datasets, ["un_sc_sanctions"]);
        assert!(e.target);
        assert!(e.has(prop::NAME), "{}", e.id);
    }
    assert_eq!(by_schema["Person"], 730);
    assert_eq!(by_schema["Organization"], 273);
    let ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 1003);

    let dprk: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM) == ["DPRK"])
        .collect();
    assert_eq!(dprk.len(), 155);
    let kpi = dprk
        .iter()
        .filter(|e| {
            e.first(prop::PROGRAM_ID)
                .is_some_and(|p| p.starts_with("KPi"))
        })
        .count();
    let kpe = dprk
        .iter()
        .filter(|e| {
            e.first(prop::PROGRAM_ID)
                .is_some_and(|p| p.starts_with("KPe"))
        })
        .count();
    assert_eq!((kpi, kpe), (80, 75));
    assert!(
        dprk.iter()
            .all(|e| (e.schema == Schema::Person) == e.get(prop::PROGRAM_ID)[0].starts_with("KPi"))
    );
    // 79 DPRK entries state a nationality, all of them North Korean.
    let with_nationality: Vec<&&Entity> =
        dprk.iter().filter(|e| e.has(prop::NATIONALITY)).collect();
    assert_eq!(with_nationality.len(), 79);
    assert!(
        with_nationality
            .iter()
            .all(|e| e.get(prop::NATIONALITY) == ["kp"])
    );
    // 43 DPRK individuals carry at least one passport number.
    assert_eq!(
        dprk.iter().filter(|e| e.has(prop::PASSPORT_NUMBER)).count(),
        43
    );

    // The 615 aliases of quality Low become weak aliases.
    let weak: usize = entities.iter().map(|e| e.get(prop::WEAK_ALIAS).len()).sum();
    assert_eq!(weak, 615);

    // Former states have the FtM codes of their own: `former Soviet Union`
    // is `suhh`, not an unknown country.
    let e = entities.iter().find(|e| e.id == "unsc-2960872").unwrap();
    assert!(e.get(prop::NATIONALITY).iter().any(|n| n == "suhh"));
    assert!(
        !stats
            .warnings
            .iter()
            .any(|w| w.reason.contains("former Soviet Union"))
    );
    assert!(
        stats.unknown_countries.is_empty(),
        "{:?}",
        stats.unknown_countries
    );
    // `na` ("not available") is not read as Namibia.
    assert!(
        entities
            .iter()
            .all(|e| !e.get(prop::NATIONALITY).iter().any(|c| c == "na"))
    );
}

#[test]
fn dprk_records_2026() {
    let Some(p) = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml") else {
        return;
    };
    let (entities, _) = read_all(&p, &ReadOptions::default()).unwrap();

    let mun = by_program_id(&entities, "KPi.012");
    assert_eq!(mun.id, "unsc-690750");
    assert_eq!(mun.schema, Schema::Person);
    assert_eq!(mun.get(prop::NAME), ["MUN CHO'NG-CH'O'L"]);
    assert_eq!(mun.get(prop::ALIAS), ["Mun Chong-Chol"]);
    assert_eq!(mun.get(prop::BIRTH_DATE), ["1964-12-23"]);
    assert_eq!(mun.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(mun.get(prop::PROGRAM), ["DPRK"]);
    assert_eq!(
        mun.get("position"),
        ["Tanchon Commercial Bank (TCB) official"]
    );
    assert_eq!(
        mun.get(prop::ADDRESS),
        [
            "C/O Tanchon Commercial Bank, Saemaeul 1-Dong, Pyongchon District, Pyongyang, Democratic People's Republic of Korea"
        ]
    );
    assert_eq!(mun.get(prop::COUNTRY), ["kp"]);
    assert_eq!(mun.first_seen.as_deref(), Some("2013-03-07"));
    assert_eq!(mun.last_change.as_deref(), Some("2023-06-29"));
    assert!(
        mun.get(prop::NOTES)[0]
            .starts_with("Mun Cho'ng-Ch'o'l is a TCB official. In this capacity")
    );

    // Passport given three times (French, Spanish, English type names).
    let kim = by_program_id(&entities, "KPi.009");
    assert_eq!(kim.get(prop::NAME), ["KIM KWANG-IL"]);
    assert_eq!(kim.get(prop::PASSPORT_NUMBER), ["PS381420397"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1969-09-01"]);
    assert!(kim.get(prop::ALIAS).is_empty());

    // Two passports, no birth date.
    let choe = by_program_id(&entities, "KPi.014");
    assert_eq!(choe.id, "unsc-6908501");
    assert_eq!(choe.get(prop::PASSPORT_NUMBER), ["472320665", "563120356"]);
    assert!(choe.get(prop::BIRTH_DATE).is_empty());

    // An alias with its own date of birth.
    let jon = by_program_id(&entities, "KPi.018");
    assert_eq!(jon.get(prop::NAME), ["JON MYONG GUK"]);
    assert_eq!(jon.get(prop::ALIAS), ["Cho’n Myo’ng-kuk", "Jon Yong Sang"]);
    assert_eq!(jon.get(prop::BIRTH_DATE), ["1976-08-25", "1976-10-18"]);
    assert_eq!(jon.get(prop::PASSPORT_NUMBER), ["4721202031"]);

    // BETWEEN 1967 and 1969: one value per year.
    let kim_jong_sik = by_program_id(&entities, "KPi.066");
    assert_eq!(kim_jong_sik.get(prop::NAME), ["KIM JONG SIK"]);
    assert_eq!(kim_jong_sik.get(prop::BIRTH_DATE), ["1967", "1968", "1969"]);

    // Low-quality alias and gender.
    let choe_sok_min = by_program_id(&entities, "KPi.064");
    assert_eq!(choe_sok_min.get(prop::NAME), ["CH'OE SO’K MIN"]);
    assert_eq!(choe_sok_min.get(prop::WEAK_ALIAS), ["Choe Sok Min"]);
    assert!(choe_sok_min.get(prop::ALIAS).is_empty());
    assert_eq!(choe_sok_min.get(prop::GENDER), ["male"]);
    assert_eq!(
        choe_sok_min.get("position"),
        ["Former overseas Foreign Trade Bank representative"]
    );

    // KOMID: an entity, with its quoted acronym unquoted.
    let komid = by_program_id(&entities, "KPe.001");
    assert_eq!(komid.id, "unsc-690735");
    assert_eq!(komid.schema, Schema::Organization);
    assert_eq!(
        komid.get(prop::NAME),
        ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    );
    assert_eq!(
        komid.get(prop::ALIAS),
        [
            "CHANGGWANG SINYONG CORPORATION",
            "EXTERNAL TECHNOLOGY GENERAL CORPORATION",
            "DPRKN MINING DEVELOPMENT TRADING COOPERATION",
            "KOMID"
        ]
    );
    assert_eq!(komid.get(prop::COUNTRY), ["kp"]);
    assert_eq!(komid.first_seen.as_deref(), Some("2009-04-24"));
}

#[test]
fn list_2020_counts() {
    let Some(p) = yalu_testdata::shared("data/lists/un/consolidated-2020-11-24.xml") else {
        return;
    };
    let (entities, stats) = read_all(&p, &ReadOptions { strict: true }).unwrap();
    assert_eq!(entities.len(), 1018);
    assert!(stats.skipped.is_empty());
    let persons = entities
        .iter()
        .filter(|e| e.schema == Schema::Person)
        .count();
    assert_eq!((persons, entities.len() - persons), (713, 305));
    let dprk = entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM) == ["DPRK"])
        .count();
    assert_eq!(dprk, 155);
    // LISTED_ON with a time-zone suffix (`2001-10-06-04:00`) still gives the day.
    assert!(
        entities
            .iter()
            .all(|e| e.first_seen.as_deref().is_some_and(|d| d.len() == 10))
    );
}

#[test]
fn truncated_file_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cut_in_record = format!(
        "{HEAD}{}<INDIVIDUAL>\n<DATAID>2</DATAID>\n<FIRST_NAME>KIM",
        individual("1", "A")
    );
    let p = write(dir.path(), "cut.xml", &cut_in_record);
    let err = read_all(&p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ListError::Format { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("cut.xml"), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
    assert!(msg.contains("record 2"), "{msg}");

    let cut_in_tag = format!("{HEAD}{}<INDIVIDUAL><DATA", individual("1", "A"));
    let p = write(dir.path(), "cut-tag.xml", &cut_in_tag);
    let msg = read_all(&p, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("cut-tag.xml") && msg.contains("line 10, byte 264"),
        "{msg}"
    );

    let cut_between_records = format!("{HEAD}{}", individual("1", "A"));
    let p = write(dir.path(), "cut-between.xml", &cut_between_records);
    let msg = read_all(&p, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("cut-between.xml") && msg.contains("truncated"),
        "{msg}"
    );
}

#[test]
fn syntax_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mismatched = format!(
        "{HEAD}{}<INDIVIDUAL><DATAID>2</DATAID></ENTITY>\n{TAIL}",
        individual("1", "A")
    );
    let p = write(dir.path(), "bad.xml", &mismatched);
    let err = read_all(&p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ListError::Format { .. }));
    let msg = err.to_string();
    assert!(msg.contains("bad.xml") && msg.contains("line 10"), "{msg}");

    let p = write(dir.path(), "other.xml", "<?xml version=\"1.0\"?><OTHER/>");
    assert!(
        read_all(&p, &ReadOptions::default())
            .unwrap_err()
            .to_string()
            .contains("CONSOLIDATED_LIST")
    );
    let p = write(dir.path(), "empty.xml", "");
    assert!(matches!(
        read_all(&p, &ReadOptions::default()),
        Err(ListError::Format { .. })
    ));
    let p = write(
        dir.path(),
        "latin1.xml",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><CONSOLIDATED_LIST/>",
    );
    assert!(
        read_all(&p, &ReadOptions::default())
            .unwrap_err()
            .to_string()
            .contains("encoding")
    );
    let mut bytes = format!("{HEAD}<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>").into_bytes();
    bytes.extend_from_slice(b"K\xffM</FIRST_NAME></INDIVIDUAL>\n");
    bytes.extend_from_slice(TAIL.as_bytes());
    let p = dir.path().join("binary.xml");
    std::fs::write(&p, bytes).unwrap();
    assert!(matches!(
        read_all(&p, &ReadOptions::default()),
        Err(ListError::Format { .. })
    ));
    assert!(matches!(
        read_all(&dir.path().join("missing.xml"), &ReadOptions::default()),
        Err(ListError::Io { .. })
    ));
}

#[test]
fn record_without_dataid_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let xml = format!(
        "{HEAD}{}<INDIVIDUAL>\n<FIRST_NAME>NO ID</FIRST_NAME>\n</INDIVIDUAL>\n<INDIVIDUAL/>\n{}{TAIL}",
        individual("1", "FIRST"),
        individual("3", "THIRD &amp; LAST &#x41;")
    );
    let p = write(dir.path(), "noid.xml", &xml);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 2);
    assert_eq!(stats.records, 4);
    assert_eq!(stats.entities, 2);
    assert_eq!(stats.skipped.len(), 2);
    assert_eq!(stats.skipped[0].location, "record 2, line 10, byte 256");
    assert!(stats.skipped[0].reason.contains("DATAID"));
    assert!(stats.skipped[0].file.ends_with("noid.xml"));
    assert!(stats.skipped[1].location.starts_with("record 3, line 13"));
    assert_eq!(entities[1].get(prop::NAME), ["THIRD & LAST A"]);
    assert_eq!(entities[1].id, "unsc-3");

    let err = read_all(&p, &ReadOptions { strict: true }).unwrap_err();
    match err {
        ListError::Record(r) => assert_eq!(r.location, "record 2, line 10, byte 256"),
        other => panic!("{other}"),
    }
}

#[test]
fn malformed_records_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "<X>".repeat(50_000), "</X>".repeat(50_000));
    let xml = format!(
        "{HEAD}<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><NOTE>{deep}</NOTE></INDIVIDUAL>\n\
         <INDIVIDUAL><DATAID>../2</DATAID><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL>\n\
         <INDIVIDUAL><DATAID>3</DATAID></INDIVIDUAL>\n\
         <INDIVIDUAL><DATAID>4</DATAID><FIRST_NAME>&unknown;</FIRST_NAME></INDIVIDUAL>\n\
         {}{TAIL}",
        individual("5", "GOOD")
    );
    let p = write(dir.path(), "malformed.xml", &xml);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].id, "unsc-5");
    let reasons: Vec<&str> = stats.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].contains("nested"), "{}", reasons[0]);
    assert!(reasons[1].contains("not an identifier"), "{}", reasons[1]);
    assert!(reasons[2].contains("without a name"), "{}", reasons[2]);
    assert!(reasons[3].contains("&unknown;"), "{}", reasons[3]);
}

#[test]
fn billion_laughs_is_refused_without_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let mut doctype = String::from("<!DOCTYPE CONSOLIDATED_LIST [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doctype.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doctype.push_str("]>\n");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n{doctype}<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n{}</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n",
        individual("1", "&lol9;")
    );
    let p = write(dir.path(), "laughs.xml", &xml);
    let err = read_all(&p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ListError::Format { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("laughs.xml") && msg.contains("DOCTYPE"),
        "{msg}"
    );

    // A DOCTYPE without entity declarations is harmless and ignored, but
    // a reference to an entity it does not define is never expanded.
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n{}{}</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n",
        individual("1", "&lol9;"),
        individual("2", "KIM")
    );
    let p = write(dir.path(), "plain-doctype.xml", &xml);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].get(prop::NAME), ["KIM"]);
    assert_eq!(stats.skipped.len(), 1);
    assert!(stats.skipped[0].reason.contains("&lol9;"));
}

#[test]
fn synthetic_record_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let xml = format!(
        "{HEAD}<INDIVIDUAL>
  <DATAID>42</DATAID>
  <FIRST_NAME>RI</FIRST_NAME><SECOND_NAME>WON</SECOND_NAME><THIRD_NAME>HO</THIRD_NAME>
  <NAME_ORIGINAL_SCRIPT>리원호</NAME_ORIGINAL_SCRIPT>
  <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.100</REFERENCE_NUMBER>
  <LISTED_ON>2017-08-05</LISTED_ON><GENDER>Female</GENDER>
  <TITLE><VALUE>Dr.</VALUE></TITLE>
  <NATIONALITY><VALUE>Atlantis</VALUE><VALUE>DPRK</VALUE></NATIONALITY>
  <INDIVIDUAL_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>RI WON</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME>R. W. HO</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME/></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1970</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>Nov. 1973</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1975-02-30</DATE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Pyongyang</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>123</NUMBER></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><TYPE_OF_DOCUMENT2>national passport</TYPE_OF_DOCUMENT2><NUMBER>654</NUMBER></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT/>
  <!-- a comment --><?pi ignored?>
</INDIVIDUAL>
{TAIL}"
    );
    let p = write(dir.path(), "one.xml", &xml);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    let e = &entities[0];
    assert_eq!(e.id, "unsc-42");
    assert_eq!(e.get(prop::NAME), ["RI WON HO"]);
    assert_eq!(e.get(prop::ALIAS), ["리원호", "R. W. HO"]);
    assert_eq!(e.get(prop::PREVIOUS_NAME), ["RI WON"]);
    assert_eq!(e.get(prop::BIRTH_DATE), ["1970", "1973-11"]);
    assert_eq!(
        e.get(prop::BIRTH_PLACE),
        ["Pyongyang, Democratic People's Republic of Korea"]
    );
    assert_eq!(e.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(e.get(prop::ID_NUMBER), ["123"]);
    assert_eq!(e.get(prop::PASSPORT_NUMBER), ["654"]);
    assert_eq!(e.get(prop::TITLE), ["Dr."]);
    assert_eq!(e.get(prop::GENDER), ["female"]);
    assert_eq!(
        e.get(prop::NOTES),
        ["Nationality: Atlantis", "Date of birth: 1975-02-30"]
    );
    let reasons: Vec<&str> = stats.warnings.iter().map(|w| w.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("Atlantis"));
    assert!(reasons[1].contains("1975-02-30"));
    assert!(
        stats
            .warnings
            .iter()
            .all(|w| w.location.starts_with("record 1 (DATAID 42), line 4"))
    );
}

/// Cuts, corrupts and splices a document many times; every read must end
/// in entities or an error, never a panic.
fn damage(base: &[u8], rounds: usize, read: impl Fn(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged");
    const BYTES: &[u8] = b"<>/&;\"'=!?[]\n\r\t ,\xff\xc3\x00ABC#x";
    for doc in yalu_testdata::damage::damaged_copies(base, BYTES, 0x5eed, rounds) {
        std::fs::write(&path, &doc).unwrap();
        read(&path);
    }
}

#[test]
fn never_panics_on_damaged_input() {
    let mut base = HEAD.to_string();
    for i in 0..5 {
        base.push_str(&individual(&i.to_string(), "KIM &amp; RI"));
    }
    base.push_str(TAIL);
    let read = |p: &Path| {
        let _ = read_all(p, &ReadOptions::default());
        let _ = read_all(p, &ReadOptions { strict: true });
    };
    damage(base.as_bytes(), 400, read);
    if let Some(p) = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml") {
        let real = std::fs::read(p).unwrap();
        damage(&real[..real.len().min(40_000)], 150, read);
    }
}
