//! The same keys, cases and audit behaviour on both backends: a SQLite file
//! and, when the local server is reachable, PostgreSQL.

use serde_json::json;
use yalu_store::{
    BulkAction, CaseCount, CaseFilter, CaseKind, CaseSort, CaseStatus, Resolution, Role, Store,
    StoreError,
};

fn exercise(store: &Store) {
    // Keys.
    let key = store.keys().create(Role::Analyst, Some("pg")).unwrap();
    let v = store.keys().verify(&key.key).unwrap().unwrap();
    assert_eq!((v.role, v.label.as_deref()), (Role::Analyst, Some("pg")));
    assert!(store.keys().revoke(&key.id).unwrap());
    assert!(store.keys().verify(&key.key).unwrap().is_none());

    // Cases: import twice, review, four eyes, suppression.
    let cases = store.cases();
    let alert = json!({
        "alert_id": "YA-1", "rule": "VISA_RUN_CYCLE", "severity": "high",
        "subject_ids": ["p1"], "evidence_ids": ["v1", "v2"],
        "period_start": "2024-01-01", "period_end": "2024-02-01",
        "summary": "two visa runs", "estimated_revenue_usd": 2500.5
    });
    let first = cases
        .import_alerts("ana", std::slice::from_ref(&alert))
        .unwrap();
    assert_eq!(first.created, 1);
    assert_eq!(cases.import_alerts("ana", &[alert]).unwrap().existing, 1);
    let id = first.items[0].case_id.unwrap();
    cases.assign("ana", id, Some("ben")).unwrap();
    cases.comment("ana", id, "looking").unwrap();
    cases.set_status("ana", id, CaseStatus::Escalated).unwrap();
    assert!(matches!(
        cases.close("ana", id, Resolution::TrueMatch, ""),
        Err(StoreError::RationaleRequired(_))
    ));
    let pending = cases
        .close("ana", id, Resolution::TrueMatch, "same passport")
        .unwrap();
    assert_eq!(pending.status, CaseStatus::PendingApproval);
    assert!(matches!(
        cases.approve("ana", id, None),
        Err(StoreError::FourEyes { .. })
    ));
    let closed = cases.approve("ben", id, Some("agreed")).unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    assert_eq!(closed.resolution, Some(Resolution::TrueMatch));
    assert_eq!(closed.approval.unwrap().approved_by.as_deref(), Some("ben"));

    let hit = json!({"query_id": "r1", "query_name": "Ri Yong", "entity_id": "e1",
                     "caption": "RI Yong", "schema": "Person", "score": 0.8, "match": false});
    let fp = |_: &str| Some("v1".to_string());
    let h = cases
        .import_hits("ana", std::slice::from_ref(&hit), &fp)
        .unwrap();
    let hid = h.items[0].case_id.unwrap();
    cases
        .close("ben", hid, Resolution::FalsePositive, "born 1950, not 1985")
        .unwrap();
    assert_eq!(
        cases
            .import_hits("ana", std::slice::from_ref(&hit), &fp)
            .unwrap()
            .suppressed,
        1
    );
    let fp2 = |_: &str| Some("v2".to_string());
    assert_eq!(cases.import_hits("ana", &[hit], &fp2).unwrap().created, 1);

    let detail = cases.detail(id).unwrap();
    assert_eq!(detail.comments.len(), 1);
    assert_eq!(detail.payload["rule"], "VISA_RUN_CYCLE");
    let actions: Vec<&str> = detail.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "assign",
            "comment",
            "status",
            "request_approval",
            "approve"
        ]
    );
    // Each entry's `before` is the previous entry's `after`.
    for pair in detail.history.windows(2) {
        assert_eq!(pair[1].before, pair[0].after);
    }
    let log = cases.audit(None).unwrap();
    let seqs: Vec<i64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=log.len() as i64).collect::<Vec<_>>(), "no gaps");
    assert_eq!(cases.audit(Some(3)).unwrap().len(), log.len() - 3);

    let d = cases.dashboard().unwrap();
    assert_eq!(d.estimated_revenue_usd, 2500.5);
    // Units of work: the alert's investigation and the hits' one.
    assert_eq!(d.by_status["open"], 2);
    let (open, total) = cases
        .list(&CaseFilter {
            status: Some(CaseStatus::Open),
            kind: Some(CaseKind::Hit),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((open.len(), total.value), (1, 1));
    // Text search: case-blind, over title, subjects, record and entry ids.
    let search = |q: &str| {
        cases
            .list(&CaseFilter {
                q: Some(q.into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .1
            .value
    };
    assert_eq!(search("TWO VISA"), 2, "the alert and its investigation");
    assert_eq!(
        search("ri yong"),
        3,
        "both hit cases and their investigation"
    );
    assert_eq!(search("E1"), 2, "the list entry id");
    assert_eq!(search("100%"), 0);
    // The count is exact up to the count limit, a lower bound beyond it;
    // the page is the same either way.
    let counted = |count_limit: u64| {
        cases
            .list(&CaseFilter {
                q: Some("ri yong".into()),
                limit: 1,
                count_limit: Some(count_limit),
                ..Default::default()
            })
            .unwrap()
    };
    let (page, count) = counted(2);
    assert_eq!(page.len(), 1);
    assert_eq!(
        count,
        CaseCount {
            value: 2,
            exact: false
        }
    );
    assert_eq!(
        counted(3).1,
        CaseCount {
            value: 3,
            exact: true
        }
    );
    assert_eq!(
        counted(4).1,
        CaseCount {
            value: 3,
            exact: true
        }
    );
    assert_eq!(counted(4).0[0].id, page[0].id);

    // The database itself refuses to rewrite history.
    for sql in [
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ] {
        let err = store.execute_raw(sql).unwrap_err();
        assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
    }
    assert_eq!(cases.audit(None).unwrap(), log);
    investigations(store);
}

fn scheme_alert(
    id: &str,
    rule: &str,
    severity: &str,
    keys: &[&str],
    workers: &[&str],
) -> serde_json::Value {
    json!({
        "alert_id": id, "rule": rule, "severity": severity,
        "subject_ids": workers, "evidence_ids": ["x"],
        "period_start": "2024-01-01", "period_end": null,
        "summary": format!("{rule} {id}"), "estimated_revenue_usd": 1000.0 * workers.len() as f64,
        "workers": workers.len(),
        "investigation": {"keys": keys, "label": format!("scheme of {}", keys[0]), "workers": workers}
    })
}

/// Alerts that share an agency, employer or person are one investigation;
/// a rerun adds to it; the queue ranks investigations; bulk actions; the
/// review flow (rationale, four eyes) per investigation.
fn investigations(store: &Store) {
    let cases = store.cases();
    let first = cases
        .import_alerts(
            "ana",
            &[
                scheme_alert(
                    "I-1",
                    "AGENCY",
                    "medium",
                    &["org:A", "person:w1", "person:w2"],
                    &["w1", "w2"],
                ),
                scheme_alert("I-2", "VISA", "high", &["org:A", "person:w3"], &["w3"]),
                // No agency: joins through a worker the agency's scheme holds.
                scheme_alert("I-3", "NATIONALITY", "low", &["person:w2"], &["w2"]),
                scheme_alert("I-4", "VISA", "low", &["org:B", "person:w9"], &["w9"]),
            ],
        )
        .unwrap();
    assert_eq!((first.created, first.investigations_opened), (4, 2));
    let inv_a = first.items[0].investigation_id.unwrap();
    let inv_b = first.items[3].investigation_id.unwrap();
    assert_ne!(inv_a, inv_b);
    for i in 1..3 {
        assert_eq!(first.items[i].investigation_id, Some(inv_a), "alert {i}");
    }
    let a = cases.get(inv_a).unwrap().unwrap();
    assert_eq!(a.kind, CaseKind::Investigation);
    assert_eq!(a.title, "scheme of org:A");
    assert_eq!(a.workers, Some(3));
    assert_eq!(a.severity, "high");
    assert_eq!(a.rules.get("VISA"), Some(&1));
    assert_eq!(a.rules.len(), 3);
    // The largest rule's total: AGENCY's 2000.
    assert_eq!(a.estimated_revenue_usd, Some(2000.0));
    let b = cases.get(inv_b).unwrap().unwrap();
    assert!(a.priority.unwrap() > b.priority.unwrap());
    let queue = |cases: &yalu_store::CaseStore<'_>| {
        cases
            .list(&CaseFilter {
                units_only: true,
                kind: Some(CaseKind::Investigation),
                sort: CaseSort::Priority,
                limit: 100,
                ..Default::default()
            })
            .unwrap()
            .0
    };
    let ranked = queue(&cases);
    let with_rule = cases
        .list(&CaseFilter {
            units_only: true,
            rule: Some("NATIONALITY".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .0;
    assert_eq!(with_rule.iter().map(|c| c.id).collect::<Vec<_>>(), [inv_a]);
    assert!(ranked.windows(2).all(|w| w[0].priority >= w[1].priority));
    let at = |id| ranked.iter().position(|c| c.id == id).unwrap();
    assert!(at(inv_a) < at(inv_b));
    let detail = cases.detail(inv_a).unwrap();
    assert_eq!(detail.members.len(), 3);
    assert_eq!(detail.member_payloads.len(), 3);
    assert_eq!(detail.history[0].action, "create");

    // A rerun: the same alerts find their cases; a new one joins its scheme.
    let log = cases.audit(None).unwrap().len();
    let again = cases
        .import_alerts(
            "ana",
            &[
                scheme_alert(
                    "I-1",
                    "AGENCY",
                    "medium",
                    &["org:A", "person:w1", "person:w2"],
                    &["w1", "w2"],
                ),
                scheme_alert("I-5", "VISA", "medium", &["org:A", "person:w4"], &["w4"]),
            ],
        )
        .unwrap();
    assert_eq!((again.existing, again.created), (1, 1));
    assert_eq!(
        (again.investigations_opened, again.investigations_extended),
        (0, 1)
    );
    assert_eq!(again.items[0].investigation_id, Some(inv_a));
    assert_eq!(again.items[1].investigation_id, Some(inv_a));
    let grown = cases.get(inv_a).unwrap().unwrap();
    assert_eq!(grown.workers, Some(4));
    assert_eq!(grown.version, a.version + 1, "new alerts raise the version");
    let new_entries = cases.audit(Some(log as i64)).unwrap();
    assert_eq!(
        new_entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "extend"]
    );

    // Bulk: one refused case does not hold back the others.
    cases
        .close("ana", inv_b, Resolution::FalsePositive, "a different firm")
        .unwrap();
    let out = cases
        .bulk(
            "ana",
            &[inv_a, inv_b, inv_a],
            &BulkAction::Assign(Some("ben".into())),
        )
        .unwrap();
    assert_eq!(out.len(), 2, "each id once");
    assert_eq!(out[0].1.as_ref().unwrap().assignee.as_deref(), Some("ben"));
    assert!(matches!(
        out[1].1,
        Err(StoreError::InvalidTransition { .. })
    ));
    let out = cases
        .bulk("ana", &[inv_a], &BulkAction::Status(CaseStatus::InReview))
        .unwrap();
    assert_eq!(out[0].1.as_ref().unwrap().status, CaseStatus::InReview);
    assert!(matches!(
        cases.bulk("ana", &[], &BulkAction::Status(CaseStatus::Open)),
        Err(StoreError::InvalidInput(_))
    ));

    // New activity on a closed scheme opens a new investigation.
    let later = cases
        .import_alerts(
            "ana",
            &[scheme_alert(
                "I-6",
                "VISA",
                "high",
                &["org:B", "person:w9"],
                &["w9"],
            )],
        )
        .unwrap();
    let inv_b2 = later.items[0].investigation_id.unwrap();
    assert_ne!(inv_b2, inv_b);
    assert_eq!(later.investigations_opened, 1);

    // Four eyes, per investigation.
    assert!(matches!(
        cases.close("ana", inv_a, Resolution::TrueMatch, " "),
        Err(StoreError::RationaleRequired(_))
    ));
    cases
        .close(
            "ana",
            inv_a,
            Resolution::TrueMatch,
            "one agency rotates the teams",
        )
        .unwrap();
    assert!(matches!(
        cases.approve("ana", inv_a, None),
        Err(StoreError::FourEyes { .. })
    ));
    let closed = cases.approve("ben", inv_a, Some("agreed")).unwrap();
    assert_eq!(closed.resolution, Some(Resolution::TrueMatch));
}

#[test]
fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("y.db")).unwrap();
    exercise(&store);
}

#[test]
fn postgres() {
    let Some(url) = yalu_testdata::postgres_url() else {
        return;
    };
    let schema = yalu_testdata::unique_schema("yalu_store_test");
    let store = Store::open_postgres(&url, Some(&schema)).unwrap();
    assert_eq!(store.backend(), yalu_store::BackendKind::Postgres);
    exercise(&store);
    let err = store.execute_raw("TRUNCATE audit_log").unwrap_err();
    assert!(format!("{err:?}").contains("append-only"), "{err:?}");
    // The server drops the connection: one statement fails, the next
    // reconnects (to the same schema).
    let probe = format!("SELECT 1 AS probe_{schema}");
    store.execute_raw(&probe).unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE pid <> pg_backend_pid() AND query = $1",
            &[&probe],
        )
        .unwrap();
    assert_eq!(killed.len(), 1);
    let mut failures = 0;
    let mut ok = false;
    for _ in 0..3 {
        match store.cases().audit(None) {
            Ok(log) => {
                assert!(!log.is_empty(), "reconnected to the same schema");
                ok = true;
                break;
            }
            Err(_) => failures += 1,
        }
    }
    assert!(ok && failures <= 1, "{failures} failures");
    // Reopening finds the schema migrated.
    let again = Store::open_postgres(&url, Some(&schema)).unwrap();
    assert_eq!(
        again.schema_version().unwrap(),
        store.schema_version().unwrap()
    );
    drop((store, again));
    Store::drop_postgres_schema(&url, &schema).unwrap();
}
