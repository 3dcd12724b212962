//! The analyst workbench over HTTP, end to end, on both backends: the real
//! server on an ephemeral port, keys and cases in SQLite or PostgreSQL.
//!
//! Import (twice, no duplicates), assign, comment, status changes, closing
//! rules (rationale, four eyes), false-positive suppression until the list
//! entry changes, the audit log's agreement with the cases, and roles.

mod common;

use common::{Response, request, write_synthetic};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use yalu_store::{Role, Store};

const ENTRY_ID: &str = "yalu-test-kim-chol-su";

fn entry(nationality: &str) -> yalu_model::Entity {
    serde_json::from_value(json!({
        "id": ENTRY_ID,
        "schema": "Person",
        "properties": {
            "name": ["Kim Chol Su"],
            "birthDate": ["1971-03-02"],
            "nationality": [nationality],
        },
        "datasets": ["test_list"],
        "target": true,
    }))
    .unwrap()
}

fn alert(id: &str, rule: &str, revenue: f64) -> Value {
    json!({
        "alert_id": id, "rule": rule, "severity": "high",
        "subject_ids": ["person-1", "person-2"], "evidence_ids": ["visa-9", "border-4"],
        "period_start": "2024-02-01", "period_end": "2024-05-30",
        "summary": format!("{rule}: worker placed on a non-work visa"),
        "estimated_revenue_usd": revenue, "workers": 1, "worker_days": 120
    })
}

/// A hit line as `yalu screen --format jsonl` writes it.
fn hit(record: &str) -> Value {
    json!({
        "row": 7, "query_id": record, "query_name": "KIM Chol-su", "entity_id": ENTRY_ID,
        "caption": "Kim Chol Su", "schema": "Person", "score": 0.93, "match": true,
        "datasets": ["test_list"],
        "explanations": {"name_literal": {"detail": "same name", "score": 1.0}}
    })
}

struct Keys {
    screener: String,
    ana: String,
    ana_id: String,
    ben: String,
    ben_id: String,
    admin: String,
}

fn make_keys(store: &Store) -> Keys {
    let k = store.keys();
    let ana = k.create(Role::Analyst, Some("Ana")).unwrap();
    let ben = k.create(Role::Analyst, Some("Ben")).unwrap();
    Keys {
        screener: k.create(Role::Screener, None).unwrap().key,
        ana: ana.key,
        ana_id: ana.id,
        ben: ben.key,
        ben_id: ben.id,
        admin: k.create(Role::Admin, None).unwrap().key,
    }
}

async fn post(addr: std::net::SocketAddr, path: &str, key: &str, body: Value) -> Response {
    let bytes = serde_json::to_vec(&body).unwrap();
    request(addr, "POST", path, Some(key), Some(&bytes)).await
}

async fn get(addr: std::net::SocketAddr, path: &str, key: &str) -> Value {
    let r = request(addr, "GET", path, Some(key), None).await;
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    r.json()
}

fn ok(r: Response) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The audit `before`/`after` state a case shows now.
fn state_of(case: &Value) -> Value {
    let mut s = json!({
        "status": case["status"],
        "resolution": case["resolution"],
        "assignee": case["assignee"],
    });
    if let Some(a) = case.get("approval") {
        s["approval"] = json!({
            "requested_by": a["requested_by"],
            "resolution": a["resolution"],
            "approved_by": a["approved_by"],
        });
    }
    s
}

/// The whole flow. Keys are made before the runtime starts (the
/// PostgreSQL client must not block an async worker).
fn workbench_flow(store: Arc<Store>, dir: &Path) {
    let keys = make_keys(&store);
    let list = dir.join("list.ftm.json");
    write_synthetic(&list, 30, &[entry("kp")]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = common::start(vec![list.clone()], Some(store.clone()), Default::default()).await;
        let addr = server.addr;

        // Roles: no key 401; a screener may ask who it is, nothing more.
        request(addr, "GET", "/cases", None, None)
            .await
            .assert_error(401, "missing_api_key");
        for (method, path) in [
            ("GET", "/cases"),
            ("GET", "/cases/1"),
            ("POST", "/cases/import"),
            ("POST", "/cases/1/close"),
            ("GET", "/audit"),
            ("GET", "/dashboard"),
        ] {
            request(addr, method, path, Some(&keys.screener), Some(b"{}"))
                .await
                .assert_error(403, "insufficient_role");
        }
        let me = get(addr, "/me", &keys.screener).await;
        assert_eq!(me["role"], "screener");
        let me = get(addr, "/me", &keys.ana).await;
        assert_eq!((me["key_id"].as_str(), me["label"].as_str()), (Some(keys.ana_id.as_str()), Some("Ana")));

        // Alerts: imported twice, one case each.
        let alerts = json!({"alerts": [alert("YA-00000000000000a1", "NONWORK_VISA_EMPLOYMENT", 4000.0),
                                       alert("YA-00000000000000b2", "VISA_RUN_CYCLE", 1500.0)]});
        let first = ok(post(addr, "/cases/import", &keys.ana, alerts.clone()).await);
        assert_eq!((first["created"].as_u64(), first["existing"].as_u64()), (Some(2), Some(0)));
        let again = ok(post(addr, "/cases/import", &keys.ben, alerts).await);
        assert_eq!((again["created"].as_u64(), again["existing"].as_u64()), (Some(0), Some(2)));
        assert_eq!(again["items"][0]["case_id"], first["items"][0]["case_id"]);
        let alert_case = first["items"][0]["case_id"].as_i64().unwrap();

        // A broken alert: named, and nothing of the batch is imported.
        let mut broken = alert("YA-00000000000000c3", "X", 1.0);
        broken.as_object_mut().unwrap().remove("rule");
        let r = post(addr, "/cases/import", &keys.ana, json!({"alerts": [alert("YA-00000000000000d4", "X", 1.0), broken]})).await;
        r.assert_error(422, "invalid_import");
        assert!(r.json()["detail"].as_str().unwrap().contains("alerts[1]: field `rule`"), "{}", r.text());
        post(addr, "/cases/import", &keys.ana, json!({"alerts": [], "hits": []}))
            .await
            .assert_error(400, "invalid_request");
        // Nothing of the broken batch: still the two alerts, in the one
        // investigation their shared subject opened.
        assert_eq!(get(addr, "/cases?kind=alert", &keys.ana).await["total"], 2);
        assert_eq!(get(addr, "/cases?kind=investigation", &keys.ana).await["total"], 1);

        // Hits: two records on one list entry, twice.
        let hits = json!({"hits": [hit("rec-1"), hit("rec-2")]});
        let h = ok(post(addr, "/cases/import", &keys.ana, hits.clone()).await);
        assert_eq!(h["created"], 2);
        assert_eq!(ok(post(addr, "/cases/import", &keys.ana, hits).await)["existing"], 2);
        let hit_case = h["items"][0]["case_id"].as_i64().unwrap();
        let listed = get(addr, "/cases?kind=hit&limit=10", &keys.ana).await;
        assert_eq!(listed["total"], 2);
        assert_eq!(listed["total_relation"], "eq");
        assert_eq!(listed["cases"][0]["rule"], "SCREENING_HIT");
        assert_eq!(listed["cases"][0]["entity_id"], ENTRY_ID);

        // Assign, comment, status.
        let c = ok(post(addr, &format!("/cases/{alert_case}/assign"), &keys.ana, json!({"assignee": keys.ben_id})).await);
        assert_eq!(c["assignee"].as_str(), Some(keys.ben_id.as_str()));
        let cm = ok(post(addr, &format!("/cases/{alert_case}/comment"), &keys.ben, json!({"text": "employer matches the 2023 placement"})).await);
        assert_eq!(cm["author"].as_str(), Some(keys.ben_id.as_str()));
        post(addr, &format!("/cases/{alert_case}/comment"), &keys.ben, json!({"text": "  "}))
            .await
            .assert_error(422, "invalid_case_input");
        let c = ok(post(addr, &format!("/cases/{alert_case}/status"), &keys.ben, json!({"status": "in_review"})).await);
        assert_eq!(c["status"], "in_review");
        post(addr, &format!("/cases/{alert_case}/status"), &keys.ben, json!({"status": "closed"}))
            .await
            .assert_error(409, "invalid_transition");
        post(addr, &format!("/cases/{alert_case}/status"), &keys.ben, json!({"status": "done"}))
            .await
            .assert_error(422, "invalid_case_input");
        assert_eq!(get(addr, &format!("/cases?assignee={}", keys.ben_id), &keys.ana).await["total"], 1);
        assert_eq!(get(addr, "/cases?status=in_review", &keys.ana).await["total"], 1);
        request(addr, "GET", "/cases?color=red", Some(&keys.ana), None)
            .await
            .assert_error(400, "invalid_parameter");

        // Closing needs a rationale.
        post(addr, &format!("/cases/{hit_case}/close"), &keys.ana, json!({"resolution": "false_positive"}))
            .await
            .assert_error(422, "rationale_required");
        post(addr, &format!("/cases/{hit_case}/close"), &keys.ana, json!({"resolution": "false_positive", "rationale": " "}))
            .await
            .assert_error(422, "rationale_required");

        // A false positive suppresses the same hit...
        let c = ok(post(addr, &format!("/cases/{hit_case}/close"), &keys.ana,
            json!({"resolution": "false_positive", "rationale": "born 1985 in Hamhung, not 1971"})).await);
        assert_eq!((c["status"].as_str(), c["resolution"].as_str()), (Some("closed"), Some("false_positive")));
        let re = ok(post(addr, "/cases/import", &keys.ana, json!({"hits": [hit("rec-1")]})).await);
        assert_eq!((re["created"].as_u64(), re["suppressed"].as_u64()), (Some(0), Some(1)));
        assert_eq!(re["items"][0]["case_id"].as_i64(), Some(hit_case));

        // ...until the list entry changes.
        write_synthetic(&list, 30, &[entry("cn")]);
        let reload = request(addr, "POST", "/admin/reload", Some(&keys.admin), None).await;
        assert_eq!(reload.status, 200, "{}", reload.text());
        let raised = ok(post(addr, "/cases/import", &keys.ana, json!({"hits": [hit("rec-1")]})).await);
        assert_eq!((raised["created"].as_u64(), raised["suppressed"].as_u64()), (Some(1), Some(0)));
        assert_ne!(raised["items"][0]["case_id"].as_i64(), Some(hit_case));

        // A true match waits for a second analyst.
        let close_tm = json!({"resolution": "true_match", "rationale": "passport number and employer agree"});
        let c = ok(post(addr, &format!("/cases/{alert_case}/close"), &keys.ana, close_tm.clone()).await);
        assert_eq!(c["status"], "pending_approval");
        assert_eq!(c["resolution"], Value::Null);
        assert_eq!(c["approval"]["requested_by"].as_str(), Some(keys.ana_id.as_str()));
        let log_len = get(addr, "/audit", &keys.ana).await.as_array().unwrap().len();
        post(addr, &format!("/cases/{alert_case}/approve"), &keys.ana, json!({}))
            .await
            .assert_error(403, "four_eyes_violation");
        assert_eq!(get(addr, "/audit", &keys.ana).await.as_array().unwrap().len(), log_len, "a refusal is not an action");
        let c = ok(post(addr, &format!("/cases/{alert_case}/reject-approval"), &keys.ben, json!({"rationale": "check the visa dates first"})).await);
        assert_eq!(c["status"], "in_review");
        assert!(c.get("approval").is_none());
        ok(post(addr, &format!("/cases/{alert_case}/close"), &keys.ana, close_tm).await);
        let approve = request(addr, "POST", &format!("/cases/{alert_case}/approve"), Some(&keys.ben), None).await;
        let c = ok(approve);
        assert_eq!((c["status"].as_str(), c["resolution"].as_str()), (Some("closed"), Some("true_match")));
        assert_eq!(c["approval"]["approved_by"].as_str(), Some(keys.ben_id.as_str()));
        post(addr, &format!("/cases/{alert_case}/status"), &keys.ben, json!({"status": "open"}))
            .await
            .assert_error(409, "invalid_transition");
        post(addr, &format!("/cases/{alert_case}/approve"), &keys.ben, json!({}))
            .await
            .assert_error(409, "invalid_transition");

        // The case page.
        let d = get(addr, &format!("/cases/{alert_case}"), &keys.ana).await;
        assert_eq!(d["alert"]["alert_id"], "YA-00000000000000a1");
        assert_eq!(d["comments"].as_array().unwrap().len(), 1);
        let actions: Vec<&str> = d["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "assign", "comment", "status", "request_approval", "reject_approval", "request_approval", "approve"]);
        let nodes = d["evidence"]["network"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 4);
        assert_eq!(d["evidence"]["network"]["edges"].as_array().unwrap().len(), 4);
        assert_eq!(d["evidence"]["timeline"][0]["date"], "2024-02-01");
        let hd = get(addr, &format!("/cases/{hit_case}"), &keys.ana).await;
        assert_eq!(hd["hit"]["query_id"], "rec-1");
        assert_eq!(hd["evidence"]["network"]["edges"][0]["kind"], "match");
        request(addr, "GET", "/cases/999999", Some(&keys.ana), None).await.assert_error(404, "case_not_found");
        request(addr, "GET", "/cases/abc", Some(&keys.ana), None).await.assert_error(400, "invalid_parameter");

        // Dashboard.
        let dash = get(addr, "/dashboard", &keys.ana).await;
        // Alerts and hits by rule; the rest counts units of work: the
        // alerts' investigation (one of its alerts closed, the other open)
        // and the two the hits opened (rec-1's holds the closed false
        // positive and the hit raised again), all open.
        assert_eq!(dash["by_rule"]["SCREENING_HIT"], 3);
        assert_eq!(dash["by_rule"]["VISA_RUN_CYCLE"], 1);
        assert_eq!(dash["by_rule"]["NONWORK_VISA_EMPLOYMENT"], 1);
        assert_eq!(dash["by_status"], json!({"open": 3}));
        assert_eq!(dash["open_cases"], 3);
        // The investigation's largest per-rule total (4,000 and 1,500 may
        // count the same worker-days).
        assert_eq!(dash["estimated_revenue_usd"], 4000.0);

        // The audit log: every action, gap-free, and it agrees with the cases.
        let log = get(addr, "/audit?format=json", &keys.ana).await;
        let log = log.as_array().unwrap();
        let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=log.len() as i64).collect::<Vec<_>>());
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for e in log {
            *counts.entry(e["action"].as_str().unwrap()).or_default() += 1;
            assert!(e["at"].as_str().unwrap().ends_with('Z'));
        }
        let expected: BTreeMap<&str, usize> = [
            // five alerts and hits, three investigations; the raised hit
            // joined its record's investigation
            ("create", 8), ("extend", 1), ("assign", 1), ("comment", 1), ("status", 1), ("close", 1),
            ("suppressed", 1), ("request_approval", 2), ("reject_approval", 1), ("approve", 1),
        ].into();
        assert_eq!(counts, expected);
        let approve_entry = log.iter().find(|e| e["action"] == "approve").unwrap();
        assert_eq!(approve_entry["actor"].as_str(), Some(keys.ben_id.as_str()));
        assert_eq!(approve_entry["before"]["status"], "pending_approval");
        assert_eq!(approve_entry["after"]["status"], "closed");
        let all_cases = get(addr, "/cases?limit=100", &keys.ana).await;
        for case in all_cases["cases"].as_array().unwrap() {
            let id = case["id"].as_i64().unwrap();
            let entries: Vec<&Value> = log
                .iter()
                .filter(|e| e["case_id"].as_i64() == Some(id) && e["action"] != "suppressed")
                .collect();
            assert_eq!(entries[0]["action"], "create");
            assert_eq!(entries[0]["before"], Value::Null);
            for pair in entries.windows(2) {
                assert_eq!(pair[1]["before"], pair[0]["after"], "case {id}: the log has a gap");
            }
            assert_eq!(entries.last().unwrap()["after"], state_of(case), "case {id}: log and case disagree");
        }
        let lines = request(addr, "GET", "/audit?format=jsonl", Some(&keys.ana), None).await;
        assert_eq!(lines.status, 200);
        assert!(lines.header("content-type").unwrap().starts_with("application/x-ndjson"));
        let parsed: Vec<Value> = lines.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(&parsed, log);
        let tail = get(addr, "/audit?since=5", &keys.ana).await;
        assert_eq!(tail.as_array().unwrap().len(), log.len() - 5);
        assert_eq!(tail[0]["seq"], 6);

        // Nothing edits or deletes the log (or a case).
        for (method, path) in [("DELETE", "/audit"), ("PUT", "/audit"), ("PATCH", "/audit"), ("POST", "/audit"),
                               ("DELETE", &*format!("/cases/{alert_case}"))] {
            request(addr, method, path, Some(&keys.admin), Some(b"[]"))
                .await
                .assert_error(405, "method_not_allowed");
        }
        assert_eq!(get(addr, "/audit", &keys.ana).await.as_array().unwrap(), log);
        server.shutdown().await;
    });
}

#[test]
fn workbench_flow_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("yalu.db")).unwrap());
    workbench_flow(store, dir.path());
}

#[test]
fn workbench_flow_on_postgres() {
    let Some(url) = yalu_testdata::postgres_url() else {
        return;
    };
    let schema = yalu_testdata::unique_schema("yalu_server_cases");
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_postgres(&url, Some(&schema)).unwrap());
    workbench_flow(store, dir.path());
    Store::drop_postgres_schema(&url, &schema).unwrap();
}

#[test]
fn without_a_case_store_the_routes_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.ftm.json");
    write_synthetic(&list, 5, &[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = common::start(vec![list], None, Default::default()).await;
        request(server.addr, "GET", "/cases", None, None)
            .await
            .assert_error(503, "cases_unavailable");
        server.shutdown().await;
    });
}
