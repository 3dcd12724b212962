//! `yalu monitor` on real list versions: customers named like entries added
//! between the versions get new hits, customers named like removed entries
//! lose theirs, and nothing changes when the lists do not.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use yalu_model::{Entity, Schema};

fn yalu() -> Command {
    Command::cargo_bin("yalu").expect("binary built")
}

fn entities(path: &Path) -> Vec<Entity> {
    yalu_lists::read_path(path, &Default::default())
        .unwrap()
        .entities
}

/// People and organisations with names of at least two words, in id order.
fn distinctive(list: &[Entity], ids: &BTreeSet<&str>, n: usize) -> Vec<Entity> {
    let mut v: Vec<&Entity> = list
        .iter()
        .filter(|e| ids.contains(e.id.as_str()))
        .filter(|e| {
            matches!(
                e.schema,
                Schema::Person | Schema::Organization | Schema::Company
            )
        })
        .filter(|e| e.caption().split_whitespace().count() >= 2)
        .collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    let step = (v.len() / n).max(1);
    v.into_iter().step_by(step).take(n).cloned().collect()
}

struct Case {
    input: PathBuf,
    added: Vec<Entity>,
    removed: Vec<Entity>,
    _dir: tempfile::TempDir,
}

fn case(old: &Path, new: &Path) -> Case {
    let (o, n) = (entities(old), entities(new));
    let old_ids: BTreeSet<&str> = o.iter().map(|e| e.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = n.iter().map(|e| e.id.as_str()).collect();
    let added_ids: BTreeSet<&str> = new_ids.difference(&old_ids).copied().collect();
    let removed_ids: BTreeSet<&str> = old_ids.difference(&new_ids).copied().collect();
    let added = distinctive(&n, &added_ids, 8);
    let removed = distinctive(&o, &removed_ids, 8);
    assert!(added.len() == 8 && removed.len() == 8);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    let mut text = String::from("ref,customer\n");
    let mut i = 0;
    for e in added.iter().chain(&removed) {
        i += 1;
        text.push_str(&format!("R{i},\"{}\"\n", e.caption().replace('"', "")));
    }
    for name in ["Anna Schmidt", "Giulia Bianchi", "Tomasz Nowak"] {
        i += 1;
        text.push_str(&format!("R{i},{name}\n"));
    }
    std::fs::write(&input, text).unwrap();
    Case {
        input,
        added,
        removed,
        _dir: dir,
    }
}

fn run_monitor(args: &[&std::ffi::OsStr]) -> (i32, Value) {
    let out = yalu().arg("monitor").args(args).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 3,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn check(case: &Case, report: &Value, with_causes: bool) {
    let changes = report["changes"].as_array().unwrap();
    for (i, e) in case.added.iter().enumerate() {
        let row = i as u64 + 1;
        let c = changes
            .iter()
            .find(|c| c["row"] == row && c["entity_id"] == e.id.as_str())
            .unwrap_or_else(|| panic!("no new hit for row {row} ({}, {})", e.caption(), e.id));
        assert_eq!(c["kind"], "new");
        assert_eq!(c["query_id"], format!("R{row}"));
        if with_causes {
            assert_eq!(c["cause"], "listed");
        }
    }
    for (i, e) in case.removed.iter().enumerate() {
        let row = (case.added.len() + i) as u64 + 1;
        let c = changes
            .iter()
            .find(|c| c["row"] == row && c["entity_id"] == e.id.as_str())
            .unwrap_or_else(|| panic!("no gone hit for row {row} ({}, {})", e.caption(), e.id));
        assert_eq!(c["kind"], "gone");
        assert_eq!(c["cause"], "delisted");
        assert!(c["new_score"].is_null());
    }
    let last = (case.added.len() + case.removed.len()) as u64;
    assert!(changes.iter().all(|c| c["row"].as_u64().unwrap() <= last));
    assert_eq!(report["rows_read"], last + 3);
}

#[test]
fn sdn_2021_to_2024() {
    let (Some(old), Some(new)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07/sdn.csv"),
        yalu_testdata::shared("data/lists/ofac/sdn-2024-05-03/sdn.csv"),
    ) else {
        return;
    };
    let c = case(&old, &new);
    let (code, report) = run_monitor(&[
        "--json".as_ref(),
        "--map".as_ref(),
        "id=ref,name=customer".as_ref(),
        "--input".as_ref(),
        c.input.as_os_str(),
        "--old".as_ref(),
        old.as_os_str(),
        "--new".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(code, 3);
    check(&c, &report, true);
    // Changed entries carry their diff.
    for ch in report["changes"].as_array().unwrap() {
        if ch["cause"] == "entry_changed" {
            assert!(
                ch["entry_changes"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
                    || ch["schema_change"].is_array()
            );
        }
    }

    // Same lists on both sides: nothing new, exit 0.
    let (code, report) = run_monitor(&[
        "--json".as_ref(),
        "--map".as_ref(),
        "id=ref,name=customer".as_ref(),
        "--input".as_ref(),
        c.input.as_os_str(),
        "--old".as_ref(),
        new.as_os_str(),
        "--new".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(report["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn un_2020_to_2026_also_from_stored_results() {
    let (Some(old), Some(new)) = (
        yalu_testdata::shared("data/lists/un/consolidated-2020-11-24.xml"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let c = case(&old, &new);
    let (code, report) = run_monitor(&[
        "--json".as_ref(),
        "--map".as_ref(),
        "id=ref,name=customer".as_ref(),
        "--input".as_ref(),
        c.input.as_os_str(),
        "--old".as_ref(),
        old.as_os_str(),
        "--new".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(code, 3);
    check(&c, &report, true);

    // The baseline can be the stored results of `yalu screen` on the old list.
    let results = c.input.with_file_name("old-results.csv");
    yalu()
        .args(["screen", "--map", "id=ref,name=customer", "--list"])
        .arg(&old)
        .arg("--input")
        .arg(&c.input)
        .arg("--output")
        .arg(&results)
        .assert()
        .success();
    let (code, from_results) = run_monitor(&[
        "--json".as_ref(),
        "--map".as_ref(),
        "id=ref,name=customer".as_ref(),
        "--input".as_ref(),
        c.input.as_os_str(),
        "--previous".as_ref(),
        results.as_os_str(),
        "--new".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(code, 3);
    check(&c, &from_results, false);
    let key = |v: &Value| -> BTreeSet<(u64, String, String)> {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["row"].as_u64().unwrap(),
                    c["entity_id"].as_str().unwrap().to_string(),
                    c["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(key(&report), key(&from_results));

    // Human output names the entry and the cause.
    let out = yalu()
        .args(["monitor", "--map", "id=ref,name=customer", "--input"])
        .arg(&c.input)
        .arg("--old")
        .arg(&old)
        .arg("--new")
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("entry added to the list"), "{text}");
    assert!(text.contains("delisted"), "{text}");
    assert!(text.contains(&c.added[0].id), "{text}");
}
