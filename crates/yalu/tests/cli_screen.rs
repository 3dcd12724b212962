//! `yalu screen` end to end: bad rows, strictness, a run killed with
//! SIGKILL and resumed, and real list entries found by name.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn yalu() -> Command {
    Command::cargo_bin("yalu").expect("binary built")
}

fn demo() -> PathBuf {
    yalu_testdata::repo_root().join("demo/lists/ofac-sample")
}

/// `rows` customers; every 7th a listed name in another spelling, every
/// 13th with an unparseable birth date.
fn customers(path: &Path, rows: usize) {
    let listed = [
        "Kim Jeong-eun",
        "Ri Chol-nam",
        "Samhae Trading Corp",
        "Yun Song-il",
    ];
    let ordinary = [
        "Anna Schmidt",
        "John Brown",
        "Maria Garcia",
        "Peter Hansen",
        "Olga Petrov",
    ];
    let mut text = String::from("customer,full_name,dob,country\n");
    for i in 1..=rows {
        let name = if i % 7 == 0 {
            listed[i % listed.len()]
        } else {
            ordinary[i % ordinary.len()]
        };
        let dob = if i % 13 == 0 { "yesterday-ish" } else { "" };
        text.push_str(&format!("K{i},{name},{dob},de\n"));
    }
    std::fs::write(path, text).unwrap();
}

const MAP: &str = "id=customer,name=full_name,birthDate=dob,nationality=country";

#[test]
fn screen_reports_bad_rows_and_summarises() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    customers(&input, 100);
    let output = dir.path().join("hits.csv");
    let out = yalu()
        .args(["screen", "--map", MAP, "--list"])
        .arg(demo())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    // Row 13 is on line 14 (after the header). Its unreadable date is left
    // out of its query and the row is screened with the rest.
    assert!(
        stderr.contains(
            "warning: customers.csv line 14 (row 13): column `dob`: `yesterday-ish` is not a date"
        ) || stderr.contains("line 14 (row 13): column `dob`: `yesterday-ish` is not a date"),
        "{stderr}"
    );
    let left_out = (1..=100).filter(|i| i % 13 == 0).count();
    let bad = 0;
    let with_hits = (1..=100).filter(|i| i % 7 == 0).count();
    assert!(
        stdout.contains(&format!("values left out {left_out};")),
        "{stdout}"
    );
    assert!(stdout.contains("rows read 100;"), "{stdout}");
    assert!(
        stdout.contains(&format!("rows with hits {with_hits} ")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("rejected rows {bad};")),
        "{stdout}"
    );
    assert!(stdout.contains("elapsed"), "{stdout}");
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(text.starts_with(
        "row,query_id,query_name,entity_id,caption,schema,score,match,datasets,lookalikes\n"
    ));
    assert!(text.contains("7,K7,Yun Song-il,ofac-9010,"), "{text}");
    assert!(text.contains("21,K21,Ri Chol-nam,ofac-9002,"), "{text}");
    // No progress bar drawing in a pipe.
    assert!(!stderr.contains('%'), "{stderr}");
}

#[test]
fn strict_fails_on_the_first_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    customers(&input, 30);
    yalu()
        .args(["screen", "--strict", "--map", MAP, "--list"])
        .arg(demo())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(dir.path().join("hits.jsonl"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("customers.csv: line 14 (row 13)"));
}

#[test]
fn missing_mapped_column_is_an_error_naming_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    customers(&input, 3);
    yalu()
        .args(["screen", "--map", "name=nom", "--list"])
        .arg(demo())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(dir.path().join("hits.csv"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("`nom`"))
        .stderr(predicates::str::contains(
            "customer, full_name, dob, country",
        ));
}

fn rows_done(checkpoint: &Path) -> Option<(u64, bool)> {
    let text = std::fs::read_to_string(checkpoint).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some((v["rows_done"].as_u64()?, v["complete"].as_bool()?))
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    let rows = 60_000;
    customers(&input, rows);
    let args = |output: &Path| {
        let mut v: Vec<std::ffi::OsString> =
            ["screen", "--chunk-rows", "64", "--map", MAP, "--list"]
                .iter()
                .map(Into::into)
                .collect();
        v.push(demo().into());
        v.push("--input".into());
        v.push(input.clone().into());
        v.push("--output".into());
        v.push(output.into());
        v
    };

    let whole = dir.path().join("whole.csv");
    yalu().args(args(&whole)).assert().success();

    let cut = dir.path().join("cut.csv");
    let checkpoint = dir.path().join("cut.csv.progress.json");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("yalu"))
        .args(args(&cut))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some((done, _)) = rows_done(&checkpoint)
            && done >= 640
        {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let (done, complete) = rows_done(&checkpoint).unwrap();
    assert!(
        !complete && done < rows as u64,
        "the run was not interrupted ({done} rows)"
    );

    let out = yalu().args(args(&cut)).arg("--resume").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("resumed after row {done}")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("rows read {rows};")), "{stdout}");
    assert!(
        std::fs::read(&cut).unwrap() == std::fs::read(&whole).unwrap(),
        "resumed output differs from the uninterrupted one"
    );
}

#[test]
fn real_list_entries_are_found_by_their_names() {
    let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let mut picked = Vec::new();
    for path in [&sdn, &un] {
        let list = yalu_lists::read_path(path, &Default::default()).unwrap();
        picked.extend(
            list.entities
                .into_iter()
                .filter(|e| {
                    e.schema == yalu_model::Schema::Person && e.caption().split(' ').count() >= 2
                })
                .step_by(97)
                .take(15),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("people.jsonl");
    let lines: Vec<String> = picked
        .iter()
        .map(|e| serde_json::json!({"id": e.id, "name": e.caption()}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let output = dir.path().join("hits.jsonl");
    yalu()
        .args(["screen", "--schema", "Person", "--list"])
        .arg(&sdn)
        .arg("--list")
        .arg(&un)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .assert()
        .success();
    let hits: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (i, e) in picked.iter().enumerate() {
        let row = i as u64 + 1;
        let own = hits
            .iter()
            .find(|h| h["row"] == row && h["entity_id"] == e.id.as_str());
        let own = own.unwrap_or_else(|| panic!("row {row} {} did not find itself", e.caption()));
        assert_eq!(own["query_id"], e.id.as_str());
        assert!(own["score"].as_f64().unwrap() >= 0.9, "{own}");
        assert!(own["explanations"]["name"].is_object());
    }
}

#[test]
fn fetch_from_an_unreachable_mirror_fails_without_creating_a_list() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("lists");
    let out = yalu()
        .args([
            "lists",
            "fetch",
            "--source",
            "un",
            "--base-url",
            "http://127.0.0.1:9/",
            "--timeout",
            "5",
            "-o",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("un") && stdout.contains("FAILED") && stdout.contains("no previous copy"),
        "{stdout}"
    );
    assert!(
        stdout.contains("http://127.0.0.1:9/un/consolidated.xml"),
        "{stdout}"
    );
    assert!(!target.join("un").exists());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    assert!(
        manifest["sources"]["un"]["last_failure"]["error"].is_string(),
        "{manifest}"
    );
}
