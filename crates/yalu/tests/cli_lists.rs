//! `yalu lists ...` end to end, on the demo list (always) and the real
//! lists in ../shared (skipped with a notice when absent).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn yalu() -> Command {
    Command::cargo_bin("yalu").expect("binary built")
}

fn demo() -> PathBuf {
    yalu_testdata::repo_root().join("demo/lists/ofac-sample")
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn inspect_demo_counts_schemas_programs_countries() {
    let v = json(yalu().args(["lists", "inspect", "--json"]).arg(demo()));
    let s = &v[0];
    assert_eq!(s["dataset"], "us_ofac_sdn");
    assert_eq!(s["entities"], 10);
    assert_eq!(s["by_schema"]["Person"], 5);
    assert_eq!(s["by_schema"]["Organization"], 4);
    assert_eq!(s["by_schema"]["Vessel"], 1);
    assert_eq!(s["by_program"]["DPRK3"], 6);
    assert_eq!(s["by_country"]["cn"], 1);
    assert_eq!(s["skipped"], 0);
}

#[test]
fn inspect_human_output_names_format_and_counts() {
    yalu()
        .args(["lists", "inspect"])
        .arg(demo())
        .assert()
        .success()
        .stdout(predicate::str::contains("OFAC SDN (legacy CSV)"))
        .stdout(predicate::str::contains("entities  10"))
        .stdout(predicate::str::contains("kp  North Korea"));
}

#[test]
fn export_writes_ftm_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.ftm.json");
    yalu()
        .args(["lists", "export", "--format", "ftm", "-o"])
        .arg(&out)
        .arg(demo())
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let entities: Vec<yalu_model::Entity> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("FtM line"))
        .collect();
    assert_eq!(entities.len(), 10);
    let kim = entities.iter().find(|e| e.id == "ofac-9001").unwrap();
    assert_eq!(kim.caption, "KIM, Jong Un");
    assert_eq!(kim.get("birthDate"), ["1984-01-08"]);
    assert_eq!(kim.get("nationality"), ["kp"]);
    // The exported file is itself a list Yalu reads.
    let v = json(yalu().args(["lists", "inspect", "--json"]).arg(&out));
    assert_eq!(v[0]["format"], "FtmJson");
    assert_eq!(v[0]["entities"], 10);
}

#[test]
fn unknown_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("customers.csv");
    std::fs::write(&p, "name,dob\nx,y\n").unwrap();
    yalu()
        .args(["lists", "inspect"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("customers.csv"))
        .stderr(predicate::str::contains("not a list format"));
}

#[test]
fn broken_record_is_reported_and_strict_makes_it_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let sdn = std::fs::read_to_string(demo().join("sdn.csv")).unwrap();
    std::fs::write(
        dir.path().join("sdn.csv"),
        format!("{sdn}9999,\"BROKEN\"\n"),
    )
    .unwrap();
    let out = yalu()
        .args(["lists", "inspect", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 11"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["entities"], 10);
    assert_eq!(v[0]["skipped"], 1);
    yalu()
        .args(["lists", "inspect", "--strict"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line 11"));
}

#[test]
fn inspect_real_lists() {
    let (Some(sdn), Some(un), Some(cons)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
        yalu_testdata::shared("data/lists/ofac/cons-2025-12-19"),
    ) else {
        return;
    };
    let v = json(
        yalu()
            .args(["lists", "inspect", "--json"])
            .arg(&sdn)
            .arg(&un)
            .arg(&cons),
    );
    assert_eq!(v[0]["entities"], 8976);
    assert_eq!(v[0]["by_schema"]["Person"], 4620);
    assert_eq!(v[0]["by_schema"]["Organization"], 3673);
    assert_eq!(v[0]["by_schema"]["Vessel"], 406);
    assert_eq!(v[0]["by_schema"]["Airplane"], 277);
    assert_eq!(v[1]["dataset"], "un_sc_sanctions");
    assert_eq!(v[1]["entities"], 1003);
    assert_eq!(v[1]["by_program"]["DPRK"], 155);
    assert_eq!(v[2]["dataset"], "us_ofac_cons");
    assert_eq!(v[2]["entities"], 442);
}

#[test]
fn diff_sdn_2021_to_2024() {
    let (Some(old), Some(new)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07/sdn.csv"),
        yalu_testdata::shared("data/lists/ofac/sdn-2024-05-03/sdn.csv"),
    ) else {
        return;
    };
    let v = json(yalu().args(["lists", "diff", "--json"]).arg(&old).arg(&new));
    // Counted independently from the ent_num columns of the two files.
    assert_eq!(v["added"].as_array().unwrap().len(), 6870);
    assert_eq!(v["removed"].as_array().unwrap().len(), 881);
    let changed = v["changed"].as_array().unwrap().len();
    let unchanged = v["unchanged"].as_u64().unwrap() as usize;
    assert_eq!(changed + unchanged, 8095);
    assert!(changed > 0);
    for c in v["changed"].as_array().unwrap() {
        assert!(
            c["properties"].as_array().is_some_and(|p| !p.is_empty()) || c["schema"].is_array()
        );
    }
}

#[test]
fn diff_un_2020_to_2026() {
    let (Some(old), Some(new)) = (
        yalu_testdata::shared("data/lists/un/consolidated-2020-11-24.xml"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let v = json(yalu().args(["lists", "diff", "--json"]).arg(&old).arg(&new));
    // Counted independently from the DATAID elements of the two files.
    assert_eq!(v["added"].as_array().unwrap().len(), 92);
    assert_eq!(v["removed"].as_array().unwrap().len(), 107);
    let changed = v["changed"].as_array().unwrap().len();
    assert_eq!(changed + v["unchanged"].as_u64().unwrap() as usize, 911);
    let human = yalu()
        .args(["lists", "diff"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with("92 added, 107 removed, "), "{text}");
}
