//! Many writers at once, on a SQLite file and on PostgreSQL (two store
//! handles on one database stand for two servers): group commit keeps every
//! acknowledged write and isolates refused ones; optimistic versions give
//! one winner; the in-memory key copy follows changes made elsewhere.

use serde_json::json;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use yalu_store::{CaseStatus, Resolution, Role, Store, StoreError};

fn alert(tag: &str) -> serde_json::Value {
    json!({
        "alert_id": format!("CC-{tag}"), "rule": "VISA_RUN_CYCLE", "severity": "high",
        "subject_ids": [format!("p-{tag}")], "evidence_ids": ["v1"],
        "period_start": "2024-01-05", "period_end": null,
        "summary": format!("visa runs {tag}"), "estimated_revenue_usd": 100.0
    })
}

/// Both backends: a SQLite file, and PostgreSQL in a schema of its own when
/// the local server is reachable. `make` opens another handle on the same
/// store.
fn with_backends(test: impl Fn(&dyn Fn() -> Store)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    test(&|| Store::open(&path).unwrap());
    if let Some(url) = yalu_testdata::postgres_url() {
        let schema = yalu_testdata::unique_schema("yalu_concurrency");
        test(&|| Store::open_postgres(&url, Some(&schema)).unwrap());
        Store::drop_postgres_schema(&url, &schema).unwrap();
    }
}

#[test]
fn every_acknowledged_write_lands_and_commits_are_shared() {
    with_backends(|open| {
        let store = Arc::new(open());
        let threads = 12;
        let rounds: usize = 25;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (store, barrier) = (store.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let cases = store.cases();
                    let id = cases
                        .import_alerts("ana", &[alert(&format!("w{t}"))])
                        .unwrap()
                        .items[0]
                        .case_id
                        .unwrap();
                    barrier.wait();
                    let mut acknowledged = 1;
                    for r in 0..rounds {
                        if r % 2 == 0 {
                            cases.comment("ana", id, &format!("note {t}/{r}")).unwrap();
                        } else {
                            let to = if r % 4 == 1 {
                                CaseStatus::InReview
                            } else {
                                CaseStatus::Open
                            };
                            assert_eq!(cases.set_status("ana", id, to).unwrap().status, to);
                        }
                        acknowledged += 1;
                    }
                    (id, acknowledged)
                })
            })
            .collect();
        let results: Vec<(i64, usize)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let log = store.cases().audit(None).unwrap();
        let seqs: Vec<i64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=log.len() as i64).collect::<Vec<_>>());
        // Each import also wrote its investigation's entry (opened or
        // extended) in the same transaction.
        let investigation_entries = log
            .iter()
            .filter(|e| matches!(e.action.as_str(), "create" | "extend"))
            .filter(|e| results.iter().all(|r| Some(r.0) != e.case_id))
            .count();
        assert_eq!(investigation_entries, threads);
        assert_eq!(
            log.len(),
            results.iter().map(|r| r.1).sum::<usize>() + threads
        );
        for (id, acknowledged) in &results {
            let detail = store.cases().detail(*id).unwrap();
            assert_eq!(detail.history.len(), *acknowledged);
            assert_eq!(detail.comments.len(), rounds.div_ceil(2));
            // Version: 1 at import, +1 per status change (comments do not count).
            assert_eq!(detail.case.version, 1 + (rounds / 2) as i64);
        }
        let stats = store.write_stats();
        assert_eq!(stats.writes, (threads * (rounds + 1)) as u64);
        assert!(
            stats.commits < stats.writes,
            "no write shared a commit: {stats:?}"
        );
        eprintln!(
            "{}: {} writes in {} commits",
            store.describe(),
            stats.writes,
            stats.commits
        );
    });
}

#[test]
fn a_refused_write_never_undoes_the_others_of_its_batch() {
    with_backends(|open| {
        let store = Arc::new(open());
        let report = store
            .cases()
            .import_alerts(
                "ana",
                &(0..16).map(|i| alert(&format!("r{i}"))).collect::<Vec<_>>(),
            )
            .unwrap();
        let ids: Vec<i64> = report.items.iter().map(|i| i.case_id.unwrap()).collect();
        let before = store.cases().audit(None).unwrap().len();
        let barrier = Arc::new(Barrier::new(ids.len()));
        let handles: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                let (store, barrier) = (store.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let cases = store.cases();
                    if i % 2 == 0 {
                        cases
                            .close("ana", id, Resolution::NotActionable, "left the country")
                            .map(|c| c.status)
                    } else {
                        // Open → open: refused by the store.
                        cases
                            .set_status("ana", id, CaseStatus::Open)
                            .map(|c| c.status)
                    }
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            match h.join().unwrap() {
                Ok(status) => assert!(i % 2 == 0 && status == CaseStatus::Closed),
                Err(e) => assert!(
                    i % 2 == 1 && matches!(e, StoreError::InvalidTransition { .. }),
                    "{i}: {e}"
                ),
            }
        }
        let log = store.cases().audit(None).unwrap();
        assert_eq!(log.len(), before + ids.len() / 2);
        for (i, id) in ids.iter().enumerate() {
            let case = store.cases().get(*id).unwrap().unwrap();
            let want = if i % 2 == 0 {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            };
            assert_eq!(case.status, want, "case {id}");
        }
    });
}

#[test]
fn concurrent_changes_to_one_case_have_one_winner() {
    with_backends(|open| {
        // Two handles: two servers on one database (or one file).
        let (a, b) = (Arc::new(open()), Arc::new(open()));
        for round in 0..10 {
            let id = a
                .cases()
                .import_alerts("ana", &[alert(&format!("v{round}"))])
                .unwrap()
                .items[0]
                .case_id
                .unwrap();
            let seen = b.cases().get(id).unwrap().unwrap().version;
            assert_eq!(seen, 1);
            let barrier = Arc::new(Barrier::new(2));
            let race = |store: Arc<Store>, to: CaseStatus, who: &'static str| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    store.cases().at_version(Some(seen)).set_status(who, id, to)
                })
            };
            let first = race(a.clone(), CaseStatus::InReview, "ana");
            let second = race(b.clone(), CaseStatus::Escalated, "ben");
            let outcomes = [first.join().unwrap(), second.join().unwrap()];
            let winners: Vec<&yalu_store::Case> =
                outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
            assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
            let loser = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
            assert!(
                matches!(
                    loser,
                    StoreError::VersionConflict {
                        expected: 1,
                        current: 2,
                        ..
                    }
                ),
                "{loser}"
            );
            let now = a.cases().get(id).unwrap().unwrap();
            assert_eq!((now.status, now.version), (winners[0].status, 2));
            assert_eq!(a.cases().detail(id).unwrap().history.len(), 2);
        }
        // A comment checks the version but does not raise it; a stale one
        // is refused too.
        let id = a.cases().import_alerts("ana", &[alert("c")]).unwrap().items[0]
            .case_id
            .unwrap();
        a.cases()
            .at_version(Some(1))
            .comment("ana", id, "seen")
            .unwrap();
        a.cases()
            .set_status("ana", id, CaseStatus::InReview)
            .unwrap();
        assert!(matches!(
            b.cases().at_version(Some(1)).comment("ben", id, "late"),
            Err(StoreError::VersionConflict { current: 2, .. })
        ));
        assert_eq!(b.cases().detail(id).unwrap().comments.len(), 1);
    });
}

/// Polls `check` until it holds, at most `limit`; the time it took.
fn within(limit: Duration, check: impl Fn() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() <= limit {
        if check() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

#[test]
fn key_changes_reach_every_handle() {
    with_backends(|open| {
        let (here, there) = (open(), open());
        // Both copies loaded before the changes.
        here.keys().prepare().unwrap();
        there.keys().prepare().unwrap();
        let sqlite = here.location().is_some();
        let key = here.keys().create(Role::Analyst, Some("k")).unwrap();
        assert!(
            here.keys().verify(&key.key).unwrap().is_some(),
            "at once where created"
        );
        let seen = within(Duration::from_secs(1), || {
            there.keys().verify(&key.key).unwrap().is_some()
        })
        .expect("the other handle accepts a new key within 1 s");
        assert!(here.keys().revoke(&key.id).unwrap());
        assert!(
            here.keys().verify(&key.key).unwrap().is_none(),
            "at once where revoked"
        );
        let gone = within(Duration::from_secs(1), || {
            there.keys().verify(&key.key).unwrap().is_none()
        })
        .expect("the other handle refuses a revoked key within 1 s");
        if sqlite {
            // A SQLite file is checked before every verification.
            assert_eq!((seen.as_millis(), gone.as_millis()), (0, 0));
        }
        eprintln!(
            "{}: new key seen elsewhere after {seen:?}, revocation after {gone:?}",
            here.describe()
        );
        // A key changed by hand in the database (no store involved) is
        // followed too.
        let other = there.keys().create(Role::Screener, None).unwrap();
        within(Duration::from_secs(1), || {
            here.keys().verify(&other.key).unwrap().is_some()
        })
        .unwrap();
        there
            .execute_raw(&format!(
                "UPDATE api_keys SET revoked_at = 1 WHERE key_id = '{}'",
                other.id
            ))
            .unwrap();
        within(Duration::from_secs(1), || {
            here.keys().verify(&other.key).unwrap().is_none()
        })
        .expect("a revocation made by hand is followed within 1 s");
    });
}
