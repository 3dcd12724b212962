//! FtM JSON lines and OpenSanctions delta readers.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use yalu_lists::ftm::{self, DeltaOp};
use yalu_lists::{ListError, ListFormat, ReadOptions, ReadStats};
use yalu_model::{Entity, Schema, prop};

fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Vec<Entity>, ReadStats), ListError> {
    let mut entities = Vec::new();
    let stats = ftm::read(path, opts, &mut |e| entities.push(e))?;
    Ok((entities, stats))
}

fn by_schema(entities: &[Entity]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for e in entities {
        *counts.entry(e.schema.name().to_string()).or_insert(0) += 1;
    }
    counts
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn zala_cluster() {
    let Some(p) = yalu_testdata::shared("data/lists/opensanctions/zala/entities.ftm.json") else {
        return;
    };
    let (entities, stats) = read_all(&p, &ReadOptions { strict: true }).unwrap();
    assert_eq!(entities.len(), 91);
    assert_eq!((stats.records, stats.entities), (91, 91));
    let expected: BTreeMap<String, usize> = [
        ("Sanction", 41),
        ("Ownership", 14),
        ("Company", 11),
        ("Address", 11),
        ("Person", 6),
        ("Family", 4),
        ("Directorship", 3),
        ("Passport", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(by_schema(&entities), expected);
    assert_eq!(entities.iter().filter(|e| e.target).count(), 14);
    assert!(
        entities
            .iter()
            .all(|e| !e.datasets.is_empty() && e.datasets != ["opensanctions"])
    );
    assert!(
        entities
            .iter()
            .all(|e| e.first_seen.is_some() && e.last_seen.is_some() && e.last_change.is_some())
    );
    assert_eq!(
        entities
            .iter()
            .filter(|e| e.schema == Schema::Other("Ownership".into()))
            .count(),
        14
    );
    let referents: usize = entities.iter().map(|e| e.referents.len()).sum();
    assert_eq!(referents, 247);
    // The folder works as well as the file.
    let (again, _) = read_all(p.parent().unwrap(), &ReadOptions::default()).unwrap();
    assert_eq!(again, entities);
}

#[test]
fn t1_sample() {
    let Some(p) = yalu_testdata::shared("data/lists/opensanctions/t1/entities.ftm.json") else {
        return;
    };
    let (entities, stats) = read_all(&p, &ReadOptions { strict: true }).unwrap();
    assert_eq!(entities.len(), 7);
    assert!(stats.skipped.is_empty());
    let counts = by_schema(&entities);
    assert_eq!(counts["Person"], 4);
    assert_eq!(counts["Organization"], 2);
    assert_eq!(counts["Address"], 1);
    assert_eq!(entities.iter().filter(|e| e.target).count(), 6);
    assert_eq!(
        entities.iter().map(|e| e.referents.len()).sum::<usize>(),
        63
    );

    let org = &entities[0];
    assert_eq!(org.id, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_eq!(org.schema, Schema::Organization);
    assert_eq!(org.caption, "RAB „Inter Tobacco“");
    assert_eq!(org.get(prop::NAME).len(), 12);
    assert!(
        org.get(prop::NAME)
            .iter()
            .any(|n| n == "Общество с ограниченной ответственностью “Интер Тобако”")
    );
    assert_eq!(org.get(prop::REGISTRATION_NUMBER), ["808000714"]);
    assert_eq!(org.get(prop::COUNTRY), ["by"]);
    assert_eq!(org.datasets, ["eu_fsf"]);
    assert_eq!(org.referents.len(), 9);
    assert!(org.referents.iter().any(|r| r == "ofac-32733"));
    assert!(org.target);
    assert_eq!(org.first_seen.as_deref(), Some("2023-04-20T18:00:25"));
    assert_eq!(org.last_seen.as_deref(), Some("2024-06-01T10:57:03"));
    assert_eq!(org.last_change.as_deref(), Some("2023-07-26T20:01:14"));
    let persons: Vec<&str> = entities
        .iter()
        .filter(|e| e.schema == Schema::Person)
        .map(|e| e.caption.as_str())
        .collect();
    assert_eq!(
        persons,
        [
            "Vitaly Yurievich KUZMENKO",
            "Tatiana Vladimirovna ZJURAVLEVA",
            "Svjatlana Paulauna PACHODAVA",
            "Viktor Vladimirovitj Sojko"
        ]
    );
}

#[test]
fn round_trip_through_serde() {
    for file in [
        "data/lists/opensanctions/zala/entities.ftm.json",
        "data/lists/opensanctions/t1/entities.ftm.json",
    ] {
        let Some(p) = yalu_testdata::shared(file) else {
            return;
        };
        let (entities, _) = read_all(&p, &ReadOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("entities.ftm.json");
        let mut f = std::fs::File::create(&out).unwrap();
        for e in &entities {
            writeln!(f, "{}", serde_json::to_string(e).unwrap()).unwrap();
        }
        drop(f);
        let (again, stats) = read_all(&out, &ReadOptions { strict: true }).unwrap();
        assert_eq!(stats.entities, entities.len());
        assert_eq!(again, entities, "{file}");
    }
}

#[test]
fn bad_lines_are_skipped_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let content = "\u{feff}{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"KIM Jong Un\"]}}\n\
        \n\
        {\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": \"not a list\"}}\r\n\
        this is not json\n\
        {\"schema\": \"Person\"}\n\
        {\"id\": \"  \", \"schema\": \"Person\"}\n\
           \t \n\
        {\"id\": \"c\", \"schema\": \"Ownership\", \"datasets\": [\"x\"], \"properties\": {\"owner\": [\"a\"]}}";
    let p = write(dir.path(), "list.json", content);
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 2);
    assert_eq!(stats.records, 6);
    assert_eq!(stats.entities, 2);
    let locations: Vec<&str> = stats.skipped.iter().map(|s| s.location.as_str()).collect();
    assert_eq!(locations, ["line 3", "line 4", "line 5", "line 6"]);
    assert!(
        stats.skipped[0].reason.contains("invalid type"),
        "{}",
        stats.skipped[0].reason
    );
    assert!(
        stats.skipped[2].reason.contains("missing field `id`"),
        "{}",
        stats.skipped[2].reason
    );
    assert!(stats.skipped[3].reason.contains("empty id"));
    assert_eq!(entities[0].datasets, ["opensanctions"]);
    assert_eq!(entities[0].get(prop::NAME), ["KIM Jong Un"]);
    assert_eq!(entities[1].datasets, ["x"]);
    assert_eq!(entities[1].schema, Schema::Other("Ownership".into()));

    let err = read_all(&p, &ReadOptions { strict: true }).unwrap_err();
    assert!(
        matches!(&err, ListError::Record(r) if r.location == "line 3"),
        "{err}"
    );

    let mut bytes = b"{\"id\": \"a\", \"schema\": \"Person\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"id\": \"\xff\", \"schema\": \"Person\"}\n");
    let p = dir.path().join("binary.json");
    std::fs::write(&p, bytes).unwrap();
    let (entities, stats) = read_all(&p, &ReadOptions::default()).unwrap();
    assert_eq!(entities.len(), 1);
    assert!(stats.skipped[0].reason.contains("UTF-8"));
    assert!(matches!(
        read_all(&dir.path().join("missing.json"), &ReadOptions::default()),
        Err(ListError::Io { .. })
    ));
}

#[test]
fn real_delta_folder() {
    let Some(dir) = yalu_testdata::shared("data/lists/opensanctions/delta") else {
        return;
    };
    let mut entities = Vec::new();
    let stats = ftm::read_delta_folder(&dir, &ReadOptions { strict: true }, &mut |e| {
        entities.push(e)
    })
    .unwrap();
    // 6 operations over 5 versions (two of them empty or a single DEL):
    // 4 ADD, 1 MOD, 1 DEL.
    assert_eq!(stats.records, 6);
    assert!(stats.skipped.is_empty() && stats.warnings.is_empty());
    assert_eq!(stats.entities, 3);
    let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "NK-2T3S8Hu29ktYnKSTgQp2wL",
            "NK-2sJaJRaPJcWUfMbHjTtWcL",
            "Q4365364"
        ]
    );
    assert!(!ids.contains(&"NK-500Poltergeist"));

    // The MOD of 20240528014702-pfh replaced the ADD of 20240527194702-wnk.
    let modified = &entities[0];
    assert_eq!(modified.caption, "Foobar Foobargroup");
    assert_eq!(modified.datasets, ["eu_fsf"]);
    assert_eq!(modified.last_change.as_deref(), Some("2023-07-26T20:01:14"));
    assert_eq!(modified.get(prop::COUNTRY), ["ir"]);
    let plotnikov = &entities[2];
    assert_eq!(plotnikov.schema, Schema::Person);
    assert_eq!(plotnikov.get(prop::BIRTH_DATE), ["1961-11-30"]);
    assert_eq!(entities[1].caption, "Janan Agha");

    // Through the generic entry point, by folder and by index file.
    let list = yalu_lists::read_path(&dir, &ReadOptions::default()).unwrap();
    assert_eq!(list.format, ListFormat::FtmDelta);
    assert_eq!(list.entities, entities);
    let list = yalu_lists::read_path(&dir.join("delta.json"), &ReadOptions::default()).unwrap();
    assert_eq!(list.entities, entities);
}

#[test]
fn real_delta_files_op_by_op() {
    let Some(dir) = yalu_testdata::shared("data/lists/opensanctions/delta") else {
        return;
    };
    let ops_of = |version: &str| {
        let mut ops = Vec::new();
        let file = dir.join(version).join("entities.delta.json");
        ftm::read_delta_file(&file, &ReadOptions { strict: true }, &mut |op| ops.push(op)).unwrap();
        ops.iter()
            .map(|op| {
                let kind = match op {
                    DeltaOp::Add(_) => "ADD",
                    DeltaOp::Modify(_) => "MOD",
                    DeltaOp::Delete(_) => "DEL",
                };
                format!("{kind} {}", op.id())
            })
            .collect::<Vec<_>>()
    };
    assert!(ops_of("20240527134702-zbn").is_empty());
    assert_eq!(
        ops_of("20240527194702-wnk"),
        [
            "ADD NK-2T3S8Hu29ktYnKSTgQp2wL",
            "ADD NK-2sJaJRaPJcWUfMbHjTtWcL"
        ]
    );
    assert_eq!(
        ops_of("20240528014702-pfh"),
        ["ADD NK-500Poltergeist", "MOD NK-2T3S8Hu29ktYnKSTgQp2wL"]
    );
    // One line, no trailing newline.
    assert_eq!(ops_of("20240528074703-npf"), ["DEL NK-500Poltergeist"]);
    assert_eq!(ops_of("20240528134729-3iv"), ["ADD Q4365364"]);

    // Applying the folder on top of a base keeps unrelated entities and
    // deletes what the deltas delete.
    let mut base = BTreeMap::new();
    let keep = Entity::new("keep-me", Schema::Person);
    base.insert(keep.id.clone(), keep);
    let ghost = Entity::new("NK-500Poltergeist", Schema::Organization);
    base.insert(ghost.id.clone(), ghost);
    let stats = ftm::apply_delta_folder(&mut base, &dir, &ReadOptions::default()).unwrap();
    assert_eq!(stats.entities, 4);
    let ids: Vec<&str> = base.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "NK-2T3S8Hu29ktYnKSTgQp2wL",
            "NK-2sJaJRaPJcWUfMbHjTtWcL",
            "Q4365364",
            "keep-me"
        ]
    );
}

#[test]
fn apply_delta_ops() {
    let mut base = BTreeMap::new();
    let mut a = Entity::new("a", Schema::Person);
    a.add(prop::NAME, "first");
    ftm::apply_delta(&mut base, DeltaOp::Add(a));
    let mut a2 = Entity::new("a", Schema::Person);
    a2.add(prop::NAME, "second");
    ftm::apply_delta(&mut base, DeltaOp::Modify(a2.clone()));
    assert_eq!(base["a"], a2);
    ftm::apply_delta(&mut base, DeltaOp::Delete("missing".into()));
    assert_eq!(base.len(), 1);
    ftm::apply_delta(&mut base, DeltaOp::Delete("a".into()));
    assert!(base.is_empty());
}

#[test]
fn broken_delta_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "delta.json",
        r#"{"versions": {"v2": "x", "v1": "x", "v3-missing": "x", "../escape": "x"}, "updated_at": "2024-01-01"}"#,
    );
    write(
        root,
        "v1/entities.delta.json",
        "{\"op\": \"ADD\", \"entity\": {\"id\": \"a\", \"schema\": \"Person\"}}\n\
         {\"op\": \"ADD\", \"entity\": {\"id\": \"b\", \"schema\": \"Person\"}}\n\
         {\"op\": \"MERGE\", \"entity\": {\"id\": \"b\"}}\n\
         {\"op\": \"DEL\", \"entity\": {}}\n\
         not json\n",
    );
    write(
        root,
        "v2/entities.delta.json",
        "{\"op\": \"DEL\", \"entity\": {\"id\": \"a\"}}\n{\"op\": \"MOD\", \"entity\": {\"id\": \"b\", \"schema\": \"Company\"}}",
    );
    write(
        root,
        "v9-unlisted/entities.delta.json",
        "{\"op\": \"ADD\", \"entity\": {\"id\": \"z\", \"schema\": \"Person\"}}\n",
    );

    let mut entities = Vec::new();
    let stats =
        ftm::read_delta_folder(root, &ReadOptions::default(), &mut |e| entities.push(e)).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].id, "b");
    assert_eq!(entities[0].schema, Schema::Company);
    assert_eq!(entities[0].datasets, ["opensanctions"]);
    assert_eq!(stats.records, 7);
    let skipped: Vec<(&str, &str)> = stats
        .skipped
        .iter()
        .map(|s| (s.location.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(skipped[0].0, "line 3");
    assert!(skipped[0].1.contains("unknown delta operation `MERGE`"));
    assert!(stats.skipped[0].file.ends_with("v1/entities.delta.json"));
    assert_eq!(skipped[1].0, "line 4");
    assert_eq!(skipped[2].0, "line 5");
    let warnings: Vec<String> = stats.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("../escape"));
    assert!(warnings[1].contains("v3-missing") && warnings[1].contains("missing"));
    assert!(warnings[2].contains("v9-unlisted"));

    // Strict: the first problem (the unsafe version name, sorted first) fails.
    let err = ftm::read_delta_folder(root, &ReadOptions { strict: true }, &mut |_| {}).unwrap_err();
    assert!(matches!(err, ListError::Record(_)), "{err}");

    // A broken index is a format error.
    let bad = tempfile::tempdir().unwrap();
    write(bad.path(), "delta.json", "{\"updated_at\": 1}");
    let err = ftm::read_delta_folder(bad.path(), &ReadOptions::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("versions"), "{err}");
    write(bad.path(), "delta.json", "[");
    assert!(matches!(
        ftm::read_delta_folder(bad.path(), &ReadOptions::default(), &mut |_| {}),
        Err(ListError::Format { .. })
    ));

    // A lone delta file is applied from an empty set.
    let lone = root.join("v1/entities.delta.json");
    let mut ids = Vec::new();
    ftm::read_delta_folder(&lone, &ReadOptions::default(), &mut |e| ids.push(e.id)).unwrap();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn never_panics_on_damaged_input() {
    let base = match yalu_testdata::shared("data/lists/opensanctions/t1/entities.ftm.json") {
        Some(p) => std::fs::read(p).unwrap(),
        None => b"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"KIM\"]}}\n"
            .to_vec(),
    };
    const BYTES: &[u8] = b"{}[]\":,\n\\\xff\xc3 ";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("entities.ftm.json");
    let delta = dir.path().join("entities.delta.json");
    for (round, doc) in yalu_testdata::damage::damaged_copies(&base, BYTES, 0x5eed, 300).enumerate()
    {
        std::fs::write(&path, &doc).unwrap();
        let _ = read_all(&path, &ReadOptions::default());
        let _ = read_all(&path, &ReadOptions { strict: true });
        if round % 3 == 0 {
            let ops: Vec<u8> = doc
                .split(|&b| b == b'\n')
                .flat_map(|line| {
                    let mut l = b"{\"op\": \"ADD\", \"entity\": ".to_vec();
                    l.extend_from_slice(line);
                    l.extend_from_slice(b"}\n");
                    l
                })
                .collect();
            std::fs::write(&delta, ops).unwrap();
            let _ = ftm::read_delta_folder(&delta, &ReadOptions::default(), &mut |_| {});
        }
    }
}
