//! `yalu detect`, `yalu rules list`, `yalu sim` and `yalu eval detect` end to end.

use assert_cmd::Command;

fn yalu() -> Command {
    Command::cargo_bin("yalu").unwrap()
}

fn write_data(dir: &std::path::Path) {
    std::fs::write(
        dir.join("persons.csv"),
        "person_id,full_name,birth_date,nationality,extra\n\
         w1,Kim Chol Su,1990-04-02,KP,x\n\
         w2,Pak Ok Sun,1984-13-45,KP,y\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("organizations.csv"),
        "org_id,name\nc1,Dalian Seafood Co.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("placements.csv"),
        "placement_id,person_id,client_org_id,start_on,end_on\nq1,w1,c1,2019-01-01,2020-01-31\nq2,w2,c1,2019-01-01,\n",
    )
    .unwrap();
}

#[test]
fn detect_writes_alerts_and_the_rejected_rows_report() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let out = dir.path().join("alerts.jsonl");
    let assert = yalu()
        .args(["detect", "--data"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("INCOME_AFTER_DEADLINE"), "{stdout}");
    assert!(stdout.contains("2 rows rejected"), "{stdout}");
    let alerts = std::fs::read_to_string(&out).unwrap();
    let first: serde_json::Value = serde_json::from_str(alerts.lines().next().unwrap()).unwrap();
    assert_eq!(first["rule"], "INCOME_AFTER_DEADLINE");
    assert_eq!(first["subject_ids"], serde_json::json!(["c1", "w1"]));
    assert_eq!(first["period_start"], "2019-12-23");
    let rejected = std::fs::read_to_string(dir.path().join("alerts.rejected.jsonl")).unwrap();
    assert_eq!(rejected.lines().count(), 2, "{rejected}");
    assert!(
        rejected.contains("1984-13-45") && rejected.contains("\"line\":3"),
        "{rejected}"
    );
    assert!(rejected.contains("whose own row"), "{rejected}");

    // --strict: the first rejected row is fatal
    yalu()
        .args(["detect", "--strict", "--data"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("persons.csv line 3"));
}

#[test]
fn rules_list_prints_every_rule_with_its_source() {
    let assert = yalu().args(["rules", "list"]).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for id in [
        "NONWORK_VISA_EMPLOYMENT",
        "VISA_RUN_CYCLE",
        "DEADLINE_CHURN",
        "NATIONALITY_CONFLICT",
    ] {
        assert!(stdout.contains(id), "{id}");
    }
    assert!(stdout.contains("max_stay_days = 45"));
    assert!(stdout.contains("UNSCR 2397"));
    assert!(
        stdout.contains("work_type_categories = [work, intern, trainee, technician, entertainer]"),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.toml");
    std::fs::write(
        &rules,
        "[rules.VISA_RUN_CYCLE.params]\nmax_stay_days = 40\n",
    )
    .unwrap();
    let assert = yalu()
        .args(["rules", "list", "--rules"])
        .arg(&rules)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&assert.get_output().stdout).contains("max_stay_days = 40"));
    std::fs::write(&rules, "[rules.VISA_RUN_CYCLE.params]\nmax_stay = 40\n").unwrap();
    yalu()
        .args(["rules", "list", "--rules"])
        .arg(&rules)
        .assert()
        .code(1);
}

#[test]
fn sim_then_eval_detect() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    yalu()
        .args(["sim", "--workers", "300", "--seed", "5", "--out"])
        .arg(&world)
        .assert()
        .success();
    let assert = yalu()
        .args(["eval", "detect", "--json", "--data"])
        .arg(&world)
        .arg("--truth")
        .arg(world.join("truth.jsonl"))
        .arg("--list")
        .arg(world.join("list"))
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let (mut planted, mut found) = (0, 0);
    for r in report["rules"].as_array().unwrap() {
        assert!(r["planted"].as_u64().unwrap() > 0, "{r}");
        assert!(r["found"].as_u64() <= r["planted"].as_u64(), "{r}");
        assert!(r["correct"].as_u64() <= r["alerts"].as_u64(), "{r}");
        planted += r["planted"].as_u64().unwrap();
        found += r["found"].as_u64().unwrap();
    }
    assert!(found as f64 >= 0.9 * planted as f64, "{found} of {planted}");
    let res = &report["resolution"];
    assert!(res["f1"].as_f64().unwrap() >= 0.9, "{res}");
    assert!(res["multi_record_persons"].as_u64().unwrap() > 0, "{res}");

    // the text report names misses and false alerts, and the resolution figures
    let assert = yalu()
        .args(["eval", "detect", "--data"])
        .arg(&world)
        .arg("--truth")
        .arg(world.join("truth.jsonl"))
        .arg("--list")
        .arg(world.join("list"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("resolution: "), "{stdout}");
    assert!(stdout.contains("pairwise precision"), "{stdout}");
}

#[test]
fn detect_explain_prints_each_rule_with_its_conditions() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../yalu-detect/tests/data/lawful_travellers");
    let assert = yalu()
        .args(["detect", "--data"])
        .arg(&data)
        .args(["--explain", "c01"])
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with("person "), "{stdout}");
    assert!(stdout.contains("evidence of work: no evidence"), "{stdout}");
    assert!(
        stdout.contains("DEADLINE_CHURN [high] not fired"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[FAILED] evidence of work: no evidence"),
        "{stdout}"
    );
    assert!(stdout.contains("days before 2019-12-22"), "{stdout}");
    // notes are labelled as notes, never as failed conditions
    assert!(
        stdout.contains("[info] the rule is about organisations"),
        "{stdout}"
    );
    assert!(!stdout.contains("[FAILED] the rule is about"), "{stdout}");
    for rule in [
        "NONWORK_VISA_EMPLOYMENT",
        "FRONT_COMPANY_LINK",
        "NATIONALITY_CONFLICT",
    ] {
        assert!(stdout.contains(rule), "{rule}: {stdout}");
    }
    // JSON, and an organisation
    let assert = yalu()
        .args(["detect", "--data"])
        .arg(&data)
        .args(["--explain", "g1", "--json"])
        .assert()
        .success();
    let why: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(why["kind"], "organization");
    assert_eq!(why["rules"].as_array().unwrap().len(), 14);
    // an unknown id fails and says which
    let assert = yalu()
        .args(["detect", "--data"])
        .arg(&data)
        .args(["--explain", "nobody"])
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("\"nobody\""), "{stderr}");
    // without --explain, --out is required
    yalu()
        .args(["detect", "--data"])
        .arg(&data)
        .assert()
        .failure();
}
