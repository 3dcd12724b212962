//! Tests of the case store.

use super::*;

fn alert(id: &str, rule: &str) -> Json {
    json!({
        "alert_id": id, "rule": rule, "severity": "high",
        "subject_ids": ["p1", "p2"], "evidence_ids": ["e1"],
        "period_start": "2024-01-01", "period_end": null,
        "summary": format!("{rule} on p1"), "estimated_revenue_usd": 500.0,
        "workers": 1, "worker_days": 36
    })
}

fn hit(record: &str, entity: &str, caption: &str) -> Json {
    json!({
        "row": 3, "query_id": record, "query_name": "Kim Chol", "entity_id": entity,
        "caption": caption, "schema": "Person", "score": 0.91, "match": true,
        "datasets": ["un_sc_sanctions"], "explanations": {}
    })
}

fn none(_: &str) -> Option<String> {
    None
}

#[test]
fn bad_imports_name_the_item_and_field_and_write_nothing() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    let mut bad = alert("YA-2", "R");
    bad.as_object_mut().unwrap().remove("rule");
    let err = cases
        .import_alerts("a", &[alert("YA-1", "R"), bad])
        .unwrap_err();
    assert_eq!(err.to_string(), "alerts[1]: field `rule` is missing");
    let mut bad = hit("r1", "e1", "X");
    bad["score"] = json!("high");
    let err = cases.import_hits("a", &[bad], &none).unwrap_err();
    assert!(
        err.to_string().starts_with("hits[0]: field `score`"),
        "{err}"
    );
    assert_eq!(
        cases
            .list(&CaseFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .1
            .value,
        0
    );
    assert!(cases.audit(None).unwrap().is_empty());
}

#[test]
fn refused_actions_change_nothing_and_log_nothing() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    let id = cases
        .import_alerts("a", &[alert("YA-1", "R")])
        .unwrap()
        .items[0]
        .case_id
        .unwrap();
    let before = cases.get(id).unwrap().unwrap();
    let log = cases.audit(None).unwrap().len();
    assert!(matches!(
        cases.close("a", id, Resolution::NotActionable, "  "),
        Err(StoreError::RationaleRequired(_))
    ));
    assert!(matches!(
        cases.set_status("a", id, CaseStatus::Open),
        Err(StoreError::InvalidTransition { .. })
    ));
    assert!(matches!(
        cases.set_status("a", id, CaseStatus::Closed),
        Err(StoreError::InvalidTransition { .. })
    ));
    assert!(matches!(
        cases.approve("b", id, None),
        Err(StoreError::InvalidTransition { .. })
    ));
    assert!(matches!(
        cases.assign("a", 999, Some("x")),
        Err(StoreError::CaseNotFound(999))
    ));
    assert_eq!(cases.get(id).unwrap().unwrap(), before);
    assert_eq!(cases.audit(None).unwrap().len(), log);
}

#[test]
fn false_positive_suppresses_until_the_entry_changes() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    let version = std::cell::Cell::new("v1");
    let fp = |_: &str| Some(version.get().to_string());
    let r = cases
        .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
        .unwrap();
    let id = r.items[0].case_id.unwrap();
    assert_eq!(
        cases
            .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
            .unwrap()
            .existing,
        1
    );
    cases
        .close("a", id, Resolution::FalsePositive, "different birth year")
        .unwrap();
    let again = cases
        .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
        .unwrap();
    assert_eq!((again.created, again.existing, again.suppressed), (0, 0, 1));
    assert_eq!(again.items[0].case_id, Some(id));
    // Another record on the same entry is not suppressed.
    assert_eq!(
        cases
            .import_hits("a", &[hit("r2", "e1", "KIM Chol")], &fp)
            .unwrap()
            .created,
        1
    );
    version.set("v2");
    let changed = cases
        .import_hits("a", &[hit("r1", "e1", "KIM Chol")], &fp)
        .unwrap();
    assert_eq!(changed.created, 1);
    assert_ne!(changed.items[0].case_id, Some(id));
    // Without a fingerprint from the index, the hit's own entry fields count.
    let own = cases
        .import_hits("a", &[hit("r3", "e9", "A")], &none)
        .unwrap();
    let own_id = own.items[0].case_id.unwrap();
    cases
        .close("a", own_id, Resolution::FalsePositive, "no")
        .unwrap();
    assert_eq!(
        cases
            .import_hits("a", &[hit("r3", "e9", "A")], &none)
            .unwrap()
            .suppressed,
        1
    );
    assert_eq!(
        cases
            .import_hits("a", &[hit("r3", "e9", "B")], &none)
            .unwrap()
            .created,
        1
    );
}

#[test]
fn reads_of_a_file_store_see_every_acknowledged_write_and_do_not_wait_for_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cases.db")).unwrap();
    let cases = store.cases();
    for i in 0..20 {
        cases
            .import_alerts("a", &[alert(&format!("YA-{i}"), "R")])
            .unwrap();
        // Read on a reader connection right after the write returned:
        // the new alert (the alerts share their subject, so the first
        // opened an investigation and each later one extends it).
        let alerts = CaseFilter {
            kind: Some(CaseKind::Alert),
            ..CaseFilter::default()
        };
        let (listed, total) = cases.list(&alerts).unwrap();
        assert_eq!(total.value, i + 1);
        let newest = listed[0].id;
        assert_eq!(cases.detail(newest).unwrap().case.id, newest);
        assert!(
            cases
                .audit(None)
                .unwrap()
                .iter()
                .any(|e| e.case_id == Some(newest) && e.action == "create"),
            "the audit entry of case {newest} is not read back"
        );
    }
    // A write transaction held open on the writing connection (as a
    // group commit does while it runs) does not hold up a read.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let (started, wait_started) = std::sync::mpsc::channel::<()>();
    let (read_done, wait_read) = std::sync::mpsc::channel::<u64>();
    let writer_store = &store;
    std::thread::scope(|s| {
        s.spawn(move || {
            writer_store
                .db()
                .run(|db| {
                    db.batch("BEGIN IMMEDIATE")?;
                    db.exec("UPDATE cases SET assignee = 'x' WHERE id = 1", &[])?;
                    started.send(()).unwrap();
                    held.recv().unwrap();
                    db.batch("ROLLBACK")
                })
                .unwrap();
        });
        wait_started.recv().unwrap();
        s.spawn(|| {
            let (listed, total) = cases.list(&CaseFilter::default()).unwrap();
            assert!(listed.iter().all(|c| c.assignee.as_deref() != Some("x")));
            read_done.send(total.value).unwrap();
        });
        let total = wait_read.recv_timeout(std::time::Duration::from_secs(10));
        release.send(()).unwrap();
        // 20 alerts and their investigation
        assert_eq!(total, Ok(21), "the read waited for the writer");
    });
}

#[test]
fn the_audit_log_refuses_update_and_delete() {
    let store = Store::open_in_memory().unwrap();
    store
        .cases()
        .import_alerts("a", &[alert("YA-1", "R")])
        .unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let err = store.db().run(|db| db.exec(sql, &[])).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(store.cases().audit(None).unwrap()[0].actor, "a");
}

#[test]
fn text_search_pages_with_the_other_filters_and_bounds_its_count() {
    // Hits on two names, every fourth case then put in review: the search
    // with a status filter, read page by page, is exactly the open cases
    // on that name, newest first; its count is exact up to the limit.
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    let mut named = Vec::new();
    for i in 0..40 {
        let caption = if i % 3 == 0 {
            "RI Myong Su"
        } else {
            "PAK Song"
        };
        let report = cases
            .import_hits(
                "a",
                &[hit(&format!("r{i}"), &format!("e{i}"), caption)],
                &none,
            )
            .unwrap();
        let id = report.items[0].case_id.unwrap();
        if i % 4 == 0 {
            cases.set_status("a", id, CaseStatus::InReview).unwrap();
        }
        if i % 3 == 0 && i % 4 != 0 {
            named.push(id);
        }
    }
    named.reverse();
    let filter = |offset: u64, count_limit: Option<u64>| CaseFilter {
        q: Some("ri MYONG".into()),
        status: Some(CaseStatus::Open),
        kind: Some(CaseKind::Hit),
        limit: 3,
        offset,
        count_limit,
        ..Default::default()
    };
    let mut paged = Vec::new();
    loop {
        let (page, count) = cases.list(&filter(paged.len() as u64, None)).unwrap();
        assert_eq!(
            count,
            CaseCount {
                value: named.len() as u64,
                exact: true
            }
        );
        if page.is_empty() {
            break;
        }
        paged.extend(page.iter().map(|c| c.id));
    }
    assert_eq!(paged, named);
    let (page, count) = cases.list(&filter(0, Some(4))).unwrap();
    assert_eq!(
        count,
        CaseCount {
            value: 4,
            exact: false
        }
    );
    assert_eq!(page.iter().map(|c| c.id).collect::<Vec<_>>(), named[..3]);
    // The text alone: its count reads only the trigram index.
    let text_only = |count_limit: Option<u64>| {
        cases
            .list(&CaseFilter {
                q: Some("ri MYONG".into()),
                limit: 1,
                count_limit,
                ..Default::default()
            })
            .unwrap()
            .1
    };
    let all_named = (0..40).filter(|i| i % 3 == 0).count() as u64;
    assert_eq!(
        text_only(None),
        CaseCount {
            value: all_named,
            exact: true
        }
    );
    assert_eq!(
        text_only(Some(all_named - 1)),
        CaseCount {
            value: all_named - 1,
            exact: false
        }
    );
}

#[test]
fn indexed_search_finds_exactly_the_cases_that_contain_the_text() {
    // The trigram index (migration 7) against a plain substring scan
    // of the same rows, for every window of 3 to 7 characters of every
    // caption: quotes, wildcards and FTS5 syntax characters included.
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    let captions = [
        "KIM \"Chol\" Su",
        "Ri*Myong OR Chol",
        "PAK 100% (Dalian)",
        "choe: kwang_il",
        "Han NEAR Song",
        "김철수 金哲洙",
        "O'Brien-Kim",
        "kim chol",
    ];
    for (i, c) in captions.iter().enumerate() {
        cases
            .import_hits("a", &[hit(&format!("r{i}"), &format!("e{i}"), c)], &none)
            .unwrap();
    }
    let mut checked = 0;
    for c in captions {
        let chars: Vec<char> = c.chars().collect();
        for len in 3..=7.min(chars.len()) {
            for start in 0..=chars.len() - len {
                let q: String = chars[start..start + len].iter().collect();
                let found = cases
                    .list(&CaseFilter {
                        q: Some(q.clone()),
                        limit: 50,
                        ..Default::default()
                    })
                    .unwrap()
                    .1
                    .value;
                let lower = q.trim().to_lowercase();
                if lower.chars().count() < 3 {
                    continue;
                }
                let pattern: String = lower
                    .chars()
                    .flat_map(|c| match c {
                        '%' | '_' | '!' => vec!['!', c],
                        c => vec![c],
                    })
                    .collect();
                let scanned = store
                    .db()
                    .run(|db| {
                        db.query_one(
                            "SELECT COUNT(*) FROM case_search WHERE text LIKE ? ESCAPE '!'",
                            &[format!("%{pattern}%").into()],
                        )
                    })
                    .unwrap()[0]
                    .int()
                    .unwrap() as u64;
                assert_eq!(found, scanned, "q = {q:?}");
                assert!(found >= 1, "q = {q:?} is in {c:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn search_is_case_blind_in_any_script_and_never_spans_two_fields() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    cases.import_alerts("a", &[alert("YA-1", "R1")]).unwrap();
    cases
        .import_hits("a", &[hit("r1", "e1", "КИМ Чол")], &none)
        .unwrap();
    let found = |q: &str| {
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
    assert_eq!(found("ким чол"), 1, "Cyrillic capitals fold");
    // The alert, and its investigation that bears its summary.
    assert_eq!(found("R1 ON P1"), 2);
    assert_eq!(found("E1"), 1, "the list entry id");
    // The title ends with `p1` and the subject ids begin with `["p1"`.
    assert_eq!(found("on p1"), 2);
    assert_eq!(found("on p1 [\"p1"), 0, "no match across two fields");
}

#[test]
fn the_search_migration_fills_rows_for_cases_that_already_exist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yalu.db");
    {
        let store = Store::open(&path).unwrap();
        store
            .cases()
            .import_alerts("a", &[alert("YA-1", "R1"), alert("YA-2", "R2")])
            .unwrap();
    }
    // Back to the schema before migration 4, with the two cases.
    let conn = rusqlite::Connection::open(&path).unwrap();
    // (Migrations 5 and 6 are undone too, so that 4 to 6 run again.)
    // (Migration 8's tables and columns too; its `investigation_id`
    // column stays, as SQLite cannot drop a referencing column, and is
    // ignored by the rebuild.)
    conn.execute_batch(
        "DROP TABLE investigation_keys; DROP TABLE investigation_workers;
         DROP INDEX cases_investigation; DROP INDEX cases_priority;
         ALTER TABLE cases DROP COLUMN priority; ALTER TABLE cases DROP COLUMN workers;
         DROP TABLE case_search;
         DROP TRIGGER api_keys_inserted; DROP TRIGGER api_keys_updated;
         DROP TRIGGER api_keys_deleted; DROP TABLE key_generation;
         ALTER TABLE cases DROP COLUMN version;
         DELETE FROM schema_migrations WHERE version >= 4;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let (found, total) = store
        .cases()
        .list(&CaseFilter {
            q: Some("r2 ON".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(total.value, 1);
    assert_eq!(found[0].rule, "R2");
}

#[test]
fn list_filters_and_dashboard() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    cases
        .import_alerts(
            "a",
            &[
                alert("YA-1", "R1"),
                alert("YA-2", "R2"),
                alert("YA-3", "R2"),
            ],
        )
        .unwrap();
    cases
        .import_hits("a", &[hit("r1", "e1", "Pak 100%")], &none)
        .unwrap();
    let all = |f: CaseFilter| {
        let (page, count) = cases.list(&CaseFilter { limit: 50, ..f }).unwrap();
        assert!(count.exact);
        (page, count.value)
    };
    // Three alerts on the same subjects (one investigation, case 4) and
    // a hit (case 5, in investigation 6).
    assert_eq!(all(CaseFilter::default()).1, 6);
    assert_eq!(
        all(CaseFilter {
            units_only: true,
            ..Default::default()
        })
        .0
        .iter()
        .map(|c| (c.id, c.kind))
        .collect::<Vec<_>>(),
        [(6, CaseKind::Investigation), (4, CaseKind::Investigation)]
    );
    assert_eq!(
        all(CaseFilter {
            rule: Some("R2".into()),
            ..Default::default()
        })
        .1,
        2
    );
    assert_eq!(
        all(CaseFilter {
            kind: Some(CaseKind::Hit),
            ..Default::default()
        })
        .1,
        1
    );
    assert_eq!(
        all(CaseFilter {
            q: Some("PAK 100%".into()),
            ..Default::default()
        })
        .1,
        1
    );
    assert_eq!(
        all(CaseFilter {
            q: Some("_".into()),
            ..Default::default()
        })
        .1,
        0
    );
    let page = cases
        .list(&CaseFilter {
            limit: 2,
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.0.len(), page.1.value), (2, 6));
    assert!(page.0[0].id > page.0[1].id, "newest first");
    cases
        .close("a", 1, Resolution::FalsePositive, "not them")
        .unwrap();
    cases.assign("a", 2, Some("ben")).unwrap();
    assert_eq!(
        all(CaseFilter {
            assignee: Some("ben".into()),
            ..Default::default()
        })
        .1,
        1
    );
    let d = cases.dashboard().unwrap();
    assert_eq!(d.by_rule["R2"], 2);
    assert!(!d.by_rule.contains_key(INVESTIGATION_RULE));
    // Units of work: the two investigations.
    assert_eq!(d.by_status["open"], 2);
    assert_eq!(d.open_cases, 2);
    // The largest rule's total (R2: 2 × 500), not the sum over rules.
    assert_eq!(d.estimated_revenue_usd, 1000.0);
    cases
        .close("a", 4, Resolution::NotActionable, "exited the market")
        .unwrap();
    let d = cases.dashboard().unwrap();
    assert_eq!((d.by_status["closed"], d.open_cases), (1, 1));
    assert_eq!(d.estimated_revenue_usd, 0.0);
}

#[test]
fn priority_grows_with_severity_workers_and_revenue() {
    let base = priority("medium", 4, 10_000.0);
    assert!(priority("high", 4, 10_000.0) > base);
    assert!(priority("medium", 8, 10_000.0) > base);
    assert!(priority("medium", 4, 100_000.0) > base);
    assert!(priority("low", 4, 10_000.0) < base);
    // A high-severity scheme of one worker still ranks above a
    // low-severity one of the same size.
    assert!(priority("high", 1, 0.0) > priority("low", 1, 0.0));
    assert_eq!(priority("HIGH", -3, -5.0), priority("high", 0, 0.0));
}

#[test]
fn a_bad_investigation_field_names_the_item_and_field() {
    let store = Store::open_in_memory().unwrap();
    let cases = store.cases();
    for (value, reason) in [
        (json!("org:A"), "is not a JSON object"),
        (
            json!({"keys": [], "label": "A"}),
            "keys is missing or empty",
        ),
        (
            json!({"keys": ["org:A", ""], "label": "A"}),
            "keys[1] is not",
        ),
        (json!({"keys": ["org:A"]}), "label is not"),
        (
            json!({"keys": ["org:A"], "label": "A", "workers": "w1"}),
            "workers is not",
        ),
    ] {
        let mut a = alert("YA-1", "R");
        a["investigation"] = value;
        let err = cases.import_alerts("a", &[a]).unwrap_err().to_string();
        assert!(
            err.starts_with("alerts[0]: field `investigation`") && err.contains(reason),
            "{err}"
        );
    }
    assert!(cases.audit(None).unwrap().is_empty());
}

#[test]
fn a_field_of_the_wrong_type_is_named_with_what_it_is() {
    let mut a = alert("YA-1", "R");
    a["subject_ids"] = json!(["p1", 5]);
    assert_eq!(
        parse_alert("alerts[0]", &a).err().unwrap().to_string(),
        "alerts[0]: field `subject_ids` element 1 is not a string but integer `5`"
    );
    let mut a = alert("YA-1", "R");
    a["workers"] = json!(3.5);
    assert_eq!(
        parse_alert("alerts[0]", &a).err().unwrap().to_string(),
        "alerts[0]: field `workers` is not a count but 3.5"
    );
    let mut a = alert("YA-1", "R");
    a["rule"] = json!("   ");
    assert_eq!(
        parse_alert("alerts[0]", &a).err().unwrap().to_string(),
        "alerts[0]: field `rule` is empty"
    );
    assert_eq!(
        parse_alert("alerts[0]", &json!([1]))
            .err()
            .unwrap()
            .to_string(),
        "alerts[0]: field `(object)` is not a JSON object"
    );
    let mut a = alert("YA-1", "R");
    a["severity"] = json!("urgent");
    assert_eq!(
        parse_alert("alerts[0]", &a).err().unwrap().to_string(),
        "alerts[0]: field `severity` is not valid: unknown severity `urgent` \
         (expected low, medium, high or critical)"
    );
    let mut h = hit("r1", "e1", "X");
    h["match"] = json!("yes");
    assert_eq!(
        parse_hit("hits[0]", &h, &none).err().unwrap().to_string(),
        "hits[0]: field `match` is not a boolean but string \"yes\""
    );
}

#[test]
fn an_imported_alert_reads_counts_written_as_whole_floats_and_trims_its_words() {
    let mut a = alert("YA-1", "R");
    a["workers"] = json!(3.0);
    a["rule"] = json!("  R ");
    a["period_end"] = json!(" ");
    let case = parse_alert("alerts[0]", &a).unwrap();
    assert_eq!((case.workers, case.rule.as_str()), (Some(3), "R"));
    a.as_object_mut().unwrap().remove("workers");
    assert_eq!(parse_alert("alerts[0]", &a).unwrap().workers, None);
    a["workers"] = json!(-1);
    assert!(parse_alert("alerts[0]", &a).is_err());
}

#[test]
fn a_hit_without_a_fingerprint_is_versioned_by_its_own_entry_fields_as_sent() {
    let case = parse_hit("hits[0]", &hit("r1", "e1", " KIM "), &none).unwrap();
    let own =
        r#"{"caption":"KIM","datasets":["un_sc_sanctions"],"properties":null,"schema":"Person"}"#;
    assert_eq!(case.entry_hash, Some(hex_digest(own.as_bytes())));
    // The API's hit: `id` for the entry, `record_id` for the record.
    let api = json!({"id": "e2", "record_id": "r2", "score": 0.5, "schema": null});
    let case = parse_hit("hits[0]", &api, &none).unwrap();
    assert_eq!(
        case.dedupe_key.split('\u{1}').take(2).collect::<Vec<_>>(),
        ["hit:r2", "e2"]
    );
    assert_eq!(case.severity, Severity::Medium);
    let own = r#"{"caption":"e2","datasets":null,"properties":null,"schema":null}"#;
    assert_eq!(case.entry_hash, Some(hex_digest(own.as_bytes())));
}

#[test]
fn an_investigation_shows_the_union_of_its_members_evidence() {
    let store = Store::open_in_memory().unwrap();
    let member = |id: &str, cited: bool, persons: usize| {
        let timeline: Vec<Json> = (0..persons)
            .map(|p| {
                json!({"person_id": format!("P{p}"), "date": "2024-01-01",
                "kind": "entry", "detail": "in", "record_id": format!("c{p}"), "evidence": cited})
            })
            .collect();
        json!({"alert_id": id, "rule": "R", "severity": "high", "subject_ids": ["s"],
            "evidence_ids": [], "summary": id, "estimated_revenue_usd": 1.0,
            "evidence": {"timeline": timeline, "network": {
                "nodes": [{"id": "A", "label": "Agency", "kind": "agency"}, {"id": id, "label": id, "kind": "worker"}],
                "edges": [{"from": "A", "to": id, "kind": "sent"}]}}})
    };
    let r = store
        .cases()
        .import_alerts("a", &[member("m1", false, 30), member("m2", true, 2)])
        .unwrap();
    let inv = r.items[0].investigation_id.unwrap();
    let d = store.cases().detail(inv).unwrap();
    let e = serde_json::to_value(d.evidence()).unwrap();
    let timeline = e["timeline"].as_array().unwrap();
    assert_eq!(e["timeline_persons"], 30);
    let persons: std::collections::HashSet<&str> = timeline
        .iter()
        .map(|t| t["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(persons.len(), evidence::TIMELINE_PERSONS);
    // P0's entry is in both members, once, cited by m2.
    let p0: Vec<&Json> = timeline.iter().filter(|t| t["person_id"] == "P0").collect();
    assert_eq!(p0.len(), 1);
    assert_eq!(p0[0]["evidence"], true);
    let nodes = e["network"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3, "the agency once, both workers");
    assert_eq!(e["network"]["edges"].as_array().unwrap().len(), 2);
}

#[test]
fn attached_evidence_wins_else_it_is_derived_from_the_alert() {
    let evidence = |kind, payload: &Json| {
        serde_json::to_value(evidence::payload_evidence(kind, payload)).unwrap()
    };
    let mut alert = alert("YA-1", "R");
    alert["subject_ids"] = json!(["p1"]);
    alert["evidence_ids"] = json!(["v1", "p1"]);
    alert["period_start"] = json!("2024-01-02");
    let derived = evidence(CaseKind::Alert, &alert);
    assert_eq!(derived["network"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(
        derived["network"]["edges"],
        json!([{"from": "p1", "to": "v1", "kind": "evidence"}])
    );
    assert_eq!(derived["timeline"].as_array().unwrap().len(), 1);
    let attached = json!({"timeline": [{"person_id": "p1", "date": "2023-05-01",
        "kind": "visa", "detail": "work visa", "record_id": "v1"}],
        "network": {"nodes": [], "edges": []}});
    alert["evidence"] = attached.clone();
    assert_eq!(evidence(CaseKind::Alert, &alert), attached);
    // A malformed attachment (stored before imports refused one) is ignored.
    alert["evidence"] = json!({"timeline": "no"});
    assert_eq!(evidence(CaseKind::Alert, &alert), derived);
}

#[test]
fn a_hit_as_the_api_answers_it_is_drawn_from_its_record_to_its_entry() {
    let api =
        json!({"id": "e2", "record_id": "r2", "caption": "KIM", "score": 0.5, "schema": null});
    let e = evidence::payload_evidence(CaseKind::Hit, &api);
    assert_eq!(
        serde_json::to_value(&e.network).unwrap(),
        json!({"edges": [{"from": "r2", "kind": "match", "to": "e2"}],
            "nodes": [{"id": "r2", "kind": "record", "label": "r2"},
                      {"id": "e2", "kind": "list_entry", "label": "KIM"}]})
    );
}

#[test]
fn a_malformed_attached_evidence_is_refused_at_import_naming_it() {
    let store = Store::open_in_memory().unwrap();
    let mut a = alert("YA-1", "R");
    a["evidence"] = json!({"timeline": "no", "network": {"nodes": []}});
    let err = store
        .cases()
        .import_alerts("a", &[a])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("alerts[0]: field `evidence` timeline is not"),
        "{err}"
    );
}
