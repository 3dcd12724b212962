//! `yalu cases import` and `yalu keys --database`: the real binary on a
//! SQLite file and, when reachable, PostgreSQL.

use assert_cmd::Command;
use predicates::prelude::*;

fn yalu() -> Command {
    let mut c = Command::cargo_bin("yalu").expect("binary built");
    // Run in an empty folder so no yalu.toml is picked up.
    c.current_dir(std::env::temp_dir());
    c
}

const ALERTS: &str = concat!(
    r#"{"alert_id":"YA-1","rule":"VISA_RUN_CYCLE","severity":"high","subject_ids":["p1"],"evidence_ids":["v1"],"period_start":null,"period_end":null,"summary":"runs","estimated_revenue_usd":10.0}"#,
    "\n\n",
    r#"{"alert_id":"YA-2","rule":"VISA_RUN_CYCLE","severity":"low","subject_ids":["p2"],"evidence_ids":["v2"],"period_start":null,"period_end":null,"summary":"runs","estimated_revenue_usd":5.0}"#,
    "\n"
);

fn import_twice(database: &str, dir: &std::path::Path) {
    let alerts = dir.join("alerts.jsonl");
    std::fs::write(&alerts, ALERTS).unwrap();
    let import = || {
        let mut c = yalu();
        c.args(["cases", "import", "--database", database, "--alerts"])
            .arg(&alerts);
        c
    };
    import().assert().success().stdout(predicate::str::contains(
        "2 cases created, 0 already present",
    ));
    import().assert().success().stdout(predicate::str::contains(
        "0 cases created, 2 already present",
    ));
    // A bad line is named by file and line; nothing of the file is imported.
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        format!("{ALERTS}{}\n", r#"{"alert_id":"YA-3","severity":"high"}"#),
    )
    .unwrap();
    yalu()
        .args(["cases", "import", "--database", database, "--alerts"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "bad.jsonl line 4: field `rule` is missing",
        ));
    // Keys live in the same database.
    yalu()
        .args([
            "keys",
            "create",
            "--role",
            "analyst",
            "--database",
            database,
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("yalu_"));
    yalu()
        .args(["keys", "list", "--json", "--database", database])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"analyst\""));
}

#[test]
fn import_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    import_twice(db.to_str().unwrap(), dir.path());
}

#[test]
fn import_into_postgres() {
    let Some(url) = yalu_testdata::postgres_url() else {
        return;
    };
    let schema = yalu_testdata::unique_schema("yalu_cli_cases");
    // The schema rides in the URL as a connection option.
    let database = format!("{url}?options=-csearch_path%3D{schema}");
    yalu_store::Store::open_postgres(&url, Some(&schema)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    import_twice(&database, dir.path());
    yalu_store::Store::drop_postgres_schema(&url, &schema).unwrap();
}

/// `yalu sim` → `yalu detect` → `yalu cases import --data`: every imported
/// alert carries the case page's evidence (timeline and network) drawn
/// from the data set it was detected on.
#[test]
fn imported_alerts_carry_evidence_from_their_data_set() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let alerts = dir.path().join("alerts.jsonl");
    yalu()
        .args(["sim", "--workers", "120", "--seed", "5", "--out"])
        .arg(&world)
        .assert()
        .success();
    yalu()
        .args(["detect", "--data"])
        .arg(&world)
        .arg("--out")
        .arg(&alerts)
        .assert()
        .success();
    let db = dir.path().join("store.db");
    yalu()
        .args(["cases", "import", "--database"])
        .arg(&db)
        .arg("--alerts")
        .arg(&alerts)
        .arg("--data")
        .arg(&world)
        .assert()
        .success();
    let store = yalu_store::Store::open(&db).unwrap();
    let (cases, total) = store
        .cases()
        .list(&yalu_store::cases::CaseFilter {
            kind: Some(yalu_store::CaseKind::Alert),
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    let total = total.value;
    assert!(total > 0);
    // The alerts are grouped by the networks the data set gives them.
    assert!(cases.iter().all(|c| c.investigation_id.is_some()));
    let investigations = store
        .cases()
        .list(&yalu_store::cases::CaseFilter {
            kind: Some(yalu_store::CaseKind::Investigation),
            limit: 1000,
            ..Default::default()
        })
        .unwrap()
        .1
        .value;
    assert!(
        investigations > 0 && investigations < total,
        "{investigations} investigations for {total} alerts"
    );
    let mut with_timeline = 0;
    for case in &cases {
        let detail = store.cases().detail(case.id).unwrap();
        let evidence = &detail.payload["evidence"];
        assert!(evidence["network"]["nodes"].is_array(), "case {}", case.id);
        // each rule's evaluation for the case's subjects, with the verdict
        // of the rule that raised the case
        let explanations = evidence["explanations"].as_array().unwrap();
        assert!(!explanations.is_empty(), "case {}", case.id);
        for x in explanations {
            assert_eq!(x["rules"].as_array().unwrap().len(), 14);
        }
        let rule = detail.payload["rule"].as_str().unwrap();
        assert!(
            explanations.iter().any(|x| x["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["rule"] == rule && r["fired"] == true)),
            "case {}: no subject explained as fired by {rule}",
            case.id
        );
        if evidence["timeline"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
        {
            with_timeline += 1;
        }
    }
    // Alerts about workers draw their visas, crossings and placements.
    assert!(
        with_timeline * 2 > cases.len(),
        "{with_timeline} of {}",
        cases.len()
    );
}
