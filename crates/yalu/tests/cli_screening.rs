//! `yalu match`, `yalu score`, `yalu eval pairs` end to end.

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

#[test]
fn match_finds_the_listed_person_in_hangul_with_explanations() {
    let out = yalu()
        .args([
            "match",
            "--json",
            "--name",
            "김정은",
            "--birth-date",
            "1984-01-08",
            "--schema",
            "Person",
            "--list",
        ])
        .arg(demo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let top = &v["results"][0];
    assert_eq!(top["id"], "ofac-9001");
    assert_eq!(top["match"], true);
    assert!(top["score"].as_f64().unwrap() >= 0.9);
    assert_eq!(top["explanations"]["birth_date"]["candidate"], "1984-01-08");
    assert!(
        top["explanations"]["name"]["detail"]
            .as_str()
            .unwrap()
            .len()
            > 3
    );
}

#[test]
fn match_in_han_characters_finds_the_worker() {
    // 李哲男: the Korean reading is Ri Chol Nam, the pinyin Li Zhe Nan.
    yalu()
        .args(["match", "--name", "李哲男", "--schema", "Person", "--list"])
        .arg(demo())
        .assert()
        .success()
        .stdout(predicate::str::contains("MATCH ofac-9002"));
}

#[test]
fn match_rejects_a_bad_birth_date_and_unknown_country() {
    yalu()
        .args([
            "match",
            "--name",
            "x",
            "--birth-date",
            "1984-13-45",
            "--list",
        ])
        .arg(demo())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--birth-date"));
    yalu()
        .args([
            "match",
            "--name",
            "x",
            "--nationality",
            "Atlantis",
            "--list",
        ])
        .arg(demo())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Atlantis"));
}

#[test]
fn match_takes_lists_and_threshold_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("yalu.toml");
    std::fs::write(
        &cfg,
        format!(
            "lists = [{:?}]\n[screening]\nthreshold = 0.99\nlimit = 2\n",
            demo()
        ),
    )
    .unwrap();
    let out = yalu()
        .args(["match", "--json", "--name", "Ri Chol Nam", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["threshold"], 0.99);
    assert!(v["results"].as_array().unwrap().len() <= 2);
    // An environment variable overrides the file.
    let out = yalu()
        .env("YALU_SCREENING__THRESHOLD", "0.5")
        .args(["match", "--json", "--name", "Ri Chol Nam", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["threshold"], 0.5);
}

#[test]
fn bad_config_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[screening]\nthreshold = 3\n").unwrap();
    yalu()
        .args(["match", "--name", "x", "--config"])
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("threshold"));
}

fn write_pairs(dir: &std::path::Path) -> PathBuf {
    let p = dir.join("pairs.jsonl");
    std::fs::write(
        &p,
        concat!(
            r#"{"id":"a","kind":"rr","query":{"schema":"Person","properties":{"name":["Jeong Gyeong-taek"]}},"candidate":{"schema":"Person","properties":{"name":["JONG, Kyong Thaek"]}},"match":true}"#,
            "\n",
            r#"{"id":"b","kind":"syllable_negative","query":{"schema":"Person","properties":{"name":["Kim Jong Il"]}},"candidate":{"schema":"Person","properties":{"name":["Kim Jong Un"]}},"match":false}"#,
            "\n"
        ),
    )
    .unwrap();
    p
}

#[test]
fn score_writes_one_line_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_pairs(dir.path());
    let out = yalu().args(["score", "--pairs"]).arg(&p).output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["match"], true);
    assert_eq!(lines[1]["id"], "b");
    assert_eq!(lines[1]["match"], false);
}

#[test]
fn eval_prints_metrics_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_pairs(dir.path());
    yalu()
        .args(["eval", "pairs"])
        .arg(&p)
        .assert()
        .success()
        .stdout(predicate::str::contains("syllable_negative"))
        .stdout(predicate::str::contains("overall"))
        .stdout(predicate::str::contains("precision"));
    let out = yalu()
        .args(["eval", "pairs", "--json"])
        .arg(&p)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["true_positives"], 1);
    assert_eq!(v["overall"]["true_negatives"], 1);
}

#[test]
fn eval_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.jsonl");
    std::fs::write(&p, "{\"id\":1}\n").unwrap();
    yalu()
        .args(["eval", "pairs"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.jsonl: line 1"));
}

#[test]
fn eval_reads_the_name_bench_layout() {
    let Some(p) = yalu_testdata::shared("data/names/name-bench-cases.csv") else {
        return;
    };
    let out = yalu()
        .args(["eval", "pairs", "--json", "--format", "name-bench"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["pairs"], 826);
}
