//! Saturation, time limits, reloads during traffic, the OpenAPI snapshot.

mod common;

use common::*;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use yalu_model::{Entity, Schema, prop};
use yalu_server::Limits;
use yalu_store::Store;

/// A batch of `n` queries with distinct names (slow enough to overlap).
fn batch(n: usize) -> Vec<u8> {
    let queries: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| {
            (
                format!("q{i}"),
                json!({"schema": "Person", "properties": {"name": [format!("Kim Chol {i} Pak")]}}),
            )
        })
        .collect();
    json!({"queries": queries}).to_string().into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saturation_answers_503_with_retry_after_and_nothing_else_fails() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(dir.path(), 3000);
    // One running slot and no queue: the 23 others cannot all wait.
    let limits = Limits {
        max_concurrent: 1,
        max_queued: 0,
        ..Limits::default()
    };
    let server = start(vec![list], None, limits).await;
    let addr = server.addr;
    let body = Arc::new(batch(100));
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            request(addr, "POST", "/match/default", None, Some(&body)).await
        }));
    }
    let (mut ok, mut busy) = (0, 0);
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            200 => ok += 1,
            503 => {
                r.assert_error(503, "overloaded");
                assert_eq!(r.header("retry-after"), Some("1"));
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    assert!(ok >= 1, "the slot holder succeeds");
    assert!(
        busy >= 1,
        "24 concurrent batches on one slot must meet a busy slot"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_within_the_queue_wait_for_a_slot_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(dir.path(), 3000);
    // One running slot, room for everyone else to wait.
    let limits = Limits {
        max_concurrent: 1,
        max_queued: 24,
        ..Limits::default()
    };
    let server = start(vec![list], None, limits).await;
    let addr = server.addr;
    let body = Arc::new(batch(100));
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let body = body.clone();
            tokio::spawn(
                async move { request(addr, "POST", "/match/default", None, Some(&body)).await },
            )
        })
        .collect();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_hit_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(dir.path(), 3000);
    let limits = Limits {
        request_timeout: Duration::from_millis(1),
        ..Limits::default()
    };
    let server = start(vec![list], None, limits).await;
    let r = request(
        server.addr,
        "POST",
        "/match/default",
        None,
        Some(&batch(100)),
    )
    .await;
    r.assert_error(503, "request_timeout");
    assert_eq!(r.header("retry-after"), Some("1"));
    server.shutdown().await;
}

fn marker_entity() -> Entity {
    let mut e = Entity::new("reload-marker-1", Schema::Person);
    e.add(prop::NAME, "Hwang Pyong So");
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reloads_during_traffic_fail_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let list = synthetic_list(dir.path(), 2000);
    let store = Arc::new(Store::open_in_memory().unwrap());
    let keys = make_keys(&store);
    let server = start(
        vec![list.clone(), demo_list()],
        Some(store),
        Limits::default(),
    )
    .await;
    let addr = server.addr;

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..6 {
        let (stop, done, key) = (stop.clone(), done.clone(), keys.screener.clone());
        clients.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let body = one_query("Person", "Kim Jong Un");
            while !stop.load(Ordering::Relaxed) {
                let r = if c % 3 == 2 {
                    request(addr, "GET", "/search/default?q=Kim", Some(&key), None).await
                } else {
                    request(addr, "POST", "/match/default", Some(&key), Some(&body)).await
                };
                if r.status != 200 {
                    failures.push(format!("{} {}", r.status, r.text()));
                } else if c % 3 != 2 {
                    let top = &r.json()["responses"]["q"]["results"][0]["id"];
                    if top != "ofac-9001" {
                        failures.push(format!("wrong top result {top}"));
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            failures
        }));
    }

    // Three good reloads, the second one with a changed list.
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        if round == 1 {
            write_synthetic(&list, 2000, &[marker_entity()]);
        }
        let r = request(addr, "POST", "/admin/reload", Some(&keys.admin), None).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["status"], "ok");
    }
    let r = request(
        addr,
        "GET",
        "/entities/reload-marker-1",
        Some(&keys.screener),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "the reloaded index has the new entity");

    // A reload that fails keeps the old index and says why.
    std::fs::write(&list, "{\"schema\": \"Person\", broken\n").unwrap();
    let r = request(addr, "POST", "/admin/reload", Some(&keys.admin), None).await;
    r.assert_error(500, "reload_failed");
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("synthetic.ftm.json"),
        "{}",
        r.text()
    );
    std::fs::remove_file(&list).unwrap();
    request(addr, "POST", "/admin/reload", Some(&keys.admin), None)
        .await
        .assert_error(500, "reload_failed");
    tokio::time::sleep(Duration::from_millis(150)).await;
    let r = request(
        addr,
        "GET",
        "/entities/reload-marker-1",
        Some(&keys.screener),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "still the last good index");

    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for c in clients {
        failures.extend(c.await.unwrap());
    }
    let total = done.load(Ordering::Relaxed);
    assert!(
        total >= 30,
        "traffic ran during the reloads ({total} requests)"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} requests failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );

    let m = request(addr, "GET", "/metrics", Some(&keys.analyst), None)
        .await
        .text();
    assert!(m.contains("yalu_reloads_succeeded_total 4"), "{m}");
    assert!(m.contains("yalu_reloads_failed_total 2"));
    assert!(m.contains("yalu_reload_last_success 0"));
    server.shutdown().await;
}

/// The committed `openapi.json` is the document the code generates. After
/// an intended API change, copy `openapi.json.new` over it.
#[test]
fn openapi_document_matches_the_committed_snapshot() {
    let generated = serde_json::to_string_pretty(&yalu_server::openapi_document()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let new = path.with_extension("json.new");
        std::fs::write(&new, &generated).unwrap();
        panic!(
            "{} is out of date; the generated document is in {} (review and copy it over)",
            path.display(),
            new.display()
        );
    }
}
