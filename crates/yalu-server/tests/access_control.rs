//! Access control of every route, against the real server on an ephemeral
//! port with keys and cases in a SQLite file.
//!
//! * [`ROUTES`] states, for every route of `src/router.rs` and `src/ui.rs`
//!   and every caller (no key, a malformed key, an unknown key, a revoked
//!   key, screener, analyst, admin), the answer expected: `401`, `403`, or
//!   `ok` (2xx, or a 4xx whose code is not an auth code: the request got
//!   past the door). A test checks the table covers every `.route(` of the
//!   router sources, so a new route cannot go unchecked.
//! * Keys are stored only as SHA-256 hashes (the SQLite file is opened and
//!   every value of every table, and the raw file bytes, are searched).
//! * A key revoked while the server runs stops working at the next request.
//! * Case data is not readable below the analyst role.
//! * The audit log has no write path: no route, and the database refuses.

mod common;

use common::{Response, demo_list, request};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use yalu_server::Limits;
use yalu_store::{Resolution, Role, Store};

/// Callers, in the column order of [`ROUTES`].
const CALLERS: [&str; 7] = [
    "no key",
    "malformed key",
    "unknown key",
    "revoked key",
    "screener",
    "analyst",
    "admin",
];

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// 401: `missing_api_key` without a key, else `invalid_api_key`.
    Unauthenticated,
    /// 403 `insufficient_role`.
    Forbidden,
    /// Past the door: 2xx, or a 4xx that is not an auth failure.
    Ok,
}

fn parse_row(cells: &str) -> Vec<Expect> {
    let row: Vec<Expect> = cells
        .split_whitespace()
        .map(|c| match c {
            "401" => Expect::Unauthenticated,
            "403" => Expect::Forbidden,
            "ok" => Expect::Ok,
            other => panic!("bad cell `{other}`"),
        })
        .collect();
    assert_eq!(row.len(), CALLERS.len(), "{cells}");
    row
}

/// One route: method, path as written in the router, the table row
/// (columns as [`CALLERS`]).
struct Route {
    method: &'static str,
    template: &'static str,
    cells: &'static str,
}

const fn r(method: &'static str, template: &'static str, cells: &'static str) -> Route {
    Route {
        method,
        template,
        cells,
    }
}

/// The access-control table.
/// Columns: no key, malformed key, unknown key, revoked key, screener, analyst, admin.
const ROUTES: &[Route] = &[
    r("GET", "/healthz", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/readyz", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/ui", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/ui/", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/ui/{*file}", "ok  ok  ok  ok  ok  ok  ok"),
    r("GET", "/favicon.ico", "ok  ok  ok  ok  ok  ok  ok"),
    r("POST", "/match/{dataset}", "401 401 401 401 ok  ok  ok"),
    r("GET", "/search/{dataset}", "401 401 401 401 ok  ok  ok"),
    r("GET", "/entities/{id}", "401 401 401 401 ok  ok  ok"),
    r("GET", "/catalog", "401 401 401 401 ok  ok  ok"),
    r("GET", "/algorithms", "401 401 401 401 ok  ok  ok"),
    r("GET", "/openapi.json", "401 401 401 401 ok  ok  ok"),
    r("GET", "/me", "401 401 401 401 ok  ok  ok"),
    r("GET", "/metrics", "401 401 401 401 403 ok  ok"),
    r("GET", "/cases", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/import", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/bulk", "401 401 401 401 403 ok  ok"),
    r("GET", "/cases/{id}", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/{id}/assign", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/{id}/comment", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/{id}/status", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/{id}/close", "401 401 401 401 403 ok  ok"),
    r("POST", "/cases/{id}/approve", "401 401 401 401 403 ok  ok"),
    r(
        "POST",
        "/cases/{id}/reject-approval",
        "401 401 401 401 403 ok  ok",
    ),
    r("GET", "/audit", "401 401 401 401 403 ok  ok"),
    r("GET", "/dashboard", "401 401 401 401 403 ok  ok"),
    r("POST", "/admin/reload", "401 401 401 401 403 403 ok"),
    r("GET", "/admin/keys", "401 401 401 401 403 403 ok"),
    r("POST", "/admin/keys", "401 401 401 401 403 403 ok"),
    r(
        "POST",
        "/admin/keys/{id}/revoke",
        "401 401 401 401 403 403 ok",
    ),
];

/// Case routes that change a case: each allowed caller gets a case of its
/// own, so every allowed cell can succeed (2xx).
const CASE_ACTIONS: [&str; 6] = [
    "assign",
    "comment",
    "status",
    "close",
    "approve",
    "reject-approval",
];

/// A marker in every case title: a denied answer must never contain it.
const CASE_MARKER: &str = "ACCESS-CONTROL-CASE";

fn alert(n: usize) -> Value {
    json!({
        "alert_id": format!("YA-ac-{n:04}"), "rule": "VISA_RUN_CYCLE", "severity": "high",
        "subject_ids": [format!("person-{n}")], "evidence_ids": ["visa-1"],
        "period_start": "2024-01-01", "period_end": "2024-03-01",
        "summary": format!("{CASE_MARKER} {n}: repeated short stays"),
        "estimated_revenue_usd": 100.0
    })
}

/// The `.route("PATH", ...)` paths of a router source file.
fn routes_in(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in source.split(".route(\"").skip(1) {
        let Some((path, rest)) = chunk.split_once('"') else {
            continue;
        };
        // `get(handler)` / `post(handler)`, possibly chained, on the line.
        let head = rest.lines().next().unwrap_or("");
        for (word, method) in [("get(", "GET"), ("post(", "POST"), ("put(", "PUT")] {
            if head.contains(word) {
                out.push((method.to_string(), path.to_string()));
            }
        }
        for word in ["delete(", "patch("] {
            if head.contains(word) {
                out.push((word.trim_end_matches('(').to_uppercase(), path.to_string()));
            }
        }
    }
    out
}

#[test]
fn the_table_covers_every_route_of_the_router() {
    let mut routed: BTreeSet<(String, String)> = BTreeSet::new();
    routed.extend(routes_in(include_str!("../src/router.rs")));
    routed.extend(routes_in(include_str!("../src/ui.rs")));
    assert!(routed.len() >= 20, "router parse found {routed:?}");
    let tabled: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    assert_eq!(
        routed, tabled,
        "the access-control table and the router disagree"
    );
    for r in ROUTES {
        parse_row(r.cells);
    }
    // No route writes to the audit log: every /audit route is a GET.
    for (method, path) in &routed {
        if path.starts_with("/audit") {
            assert_eq!(method, "GET", "{method} {path}");
        }
    }
}

struct Keys {
    screener: String,
    analyst: String,
    admin: String,
    revoked: String,
    unknown: String,
    /// The id of a key only the admin's cell of the revoke route revokes.
    victim: String,
}

fn make_keys(store: &Store) -> Keys {
    let k = store.keys();
    let revoked = k.create(Role::Admin, Some("revoked")).unwrap();
    assert!(k.revoke(&revoked.id).unwrap());
    // Well-formed, and its id is real, but the secret is not.
    let mut unknown = k.create(Role::Admin, Some("forged")).unwrap().key;
    let n = unknown.len();
    let last = if unknown.ends_with('0') { "1" } else { "0" };
    unknown.replace_range(n - 1.., last);
    Keys {
        screener: k.create(Role::Screener, Some("s")).unwrap().key,
        analyst: k.create(Role::Analyst, Some("a")).unwrap().key,
        admin: k.create(Role::Admin, Some("root")).unwrap().key,
        revoked: revoked.key,
        unknown,
        victim: k.create(Role::Screener, Some("victim")).unwrap().id,
    }
}

impl Keys {
    fn for_caller(&self, caller: usize) -> Option<&str> {
        match caller {
            0 => None,
            1 => Some("not-a-yalu-key"),
            2 => Some(&self.unknown),
            3 => Some(&self.revoked),
            4 => Some(&self.screener),
            5 => Some(&self.analyst),
            6 => Some(&self.admin),
            _ => unreachable!(),
        }
    }
}

/// Cases for the action routes: `case_for[action][caller]` (analyst and
/// admin only), the ones to approve or reject waiting for a second analyst.
fn seed_cases(store: &Store) -> Vec<[i64; 2]> {
    let cases = store.cases();
    let alerts: Vec<Value> = (0..CASE_ACTIONS.len() * 2).map(alert).collect();
    let report = cases.import_alerts("seed", &alerts).unwrap();
    assert_eq!(report.created, alerts.len());
    let (list, _) = cases
        .list(&yalu_store::CaseFilter {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let mut ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    let mut out = Vec::new();
    for (a, action) in CASE_ACTIONS.iter().enumerate() {
        let pair = [ids[2 * a], ids[2 * a + 1]];
        if *action == "approve" || *action == "reject-approval" {
            for id in pair {
                cases
                    .close(
                        "third-analyst",
                        id,
                        Resolution::TrueMatch,
                        "passport number agrees",
                    )
                    .unwrap();
            }
        }
        out.push(pair);
    }
    out
}

fn body_for(action: &str) -> Value {
    match action {
        "assign" => json!({"assignee": "ben"}),
        "comment" => json!({"text": "checked the visa dates"}),
        "status" => json!({"status": "in_review"}),
        "close" => json!({"resolution": "not_actionable", "rationale": "the worker left in 2016"}),
        "approve" => json!({}),
        "reject-approval" => json!({"rationale": "check the employer first"}),
        _ => unreachable!(),
    }
}

/// The concrete request for a cell.
fn concrete(
    route: &Route,
    caller: usize,
    case_for: &[[i64; 2]],
    victim: &str,
) -> (String, Option<Vec<u8>>) {
    let t = route.template;
    let to_bytes = |v: Value| Some(serde_json::to_vec(&v).unwrap());
    if let Some(action) = t.strip_prefix("/cases/{id}/") {
        let a = CASE_ACTIONS.iter().position(|x| *x == action).unwrap();
        // Denied callers aim at the analyst's case: it must stay untouched
        // until the analyst's own cell runs (checked through the audit log).
        let id = case_for[a][if caller == 6 { 1 } else { 0 }];
        return (format!("/cases/{id}/{action}"), to_bytes(body_for(action)));
    }
    match t {
        "/match/{dataset}" => (
            "/match/default".into(),
            Some(common::one_query("Person", "Kim Jong Un")),
        ),
        "/search/{dataset}" => ("/search/default?q=Kim+Jong+Un".into(), None),
        "/entities/{id}" => ("/entities/ofac-9001".into(), None),
        "/ui/{*file}" => ("/ui/app.js".into(), None),
        "/cases/{id}" => (format!("/cases/{}", case_for[0][0]), None),
        "/cases/import" => (
            "/cases/import".into(),
            to_bytes(json!({"alerts": [alert(100 + caller)]})),
        ),
        // A case no caller has: allowed callers get a refusal per case.
        "/cases/bulk" => (
            "/cases/bulk".into(),
            to_bytes(json!({"ids": [999_999], "action": "status", "status": "in_review"})),
        ),
        // Denied callers aim at the key only the admin's cell revokes.
        "/admin/keys/{id}/revoke" => (format!("/admin/keys/{victim}/revoke"), None),
        "/admin/keys" if route.method == "POST" => (
            "/admin/keys".into(),
            to_bytes(json!({"role": "screener", "label": "made by the admin"})),
        ),
        _ => (t.to_string(), None),
    }
}

const AUTH_CODES: [&str; 3] = ["missing_api_key", "invalid_api_key", "insufficient_role"];

fn check_cell(route: &Route, caller: usize, expect: Expect, path: &str, r: &Response) {
    let cell = format!("{} {path} as {}", route.method, CALLERS[caller]);
    let code = serde_json::from_slice::<Value>(&r.body)
        .ok()
        .and_then(|v| v.get("code").and_then(Value::as_str).map(str::to_string));
    match expect {
        Expect::Unauthenticated => {
            let want = if caller == 0 {
                "missing_api_key"
            } else {
                "invalid_api_key"
            };
            assert_eq!(r.status, 401, "{cell}: {}", r.text());
            assert_eq!(code.as_deref(), Some(want), "{cell}");
            assert!(r.header("www-authenticate").is_some(), "{cell}");
        }
        Expect::Forbidden => {
            assert_eq!(r.status, 403, "{cell}: {}", r.text());
            assert_eq!(code.as_deref(), Some("insufficient_role"), "{cell}");
        }
        Expect::Ok => {
            assert!(
                (200..300).contains(&r.status)
                    || ((400..500).contains(&r.status)
                        && r.status != 401
                        && !code.as_deref().is_some_and(|c| AUTH_CODES.contains(&c))),
                "{cell}: {} {}",
                r.status,
                r.text()
            );
        }
    }
    if expect != Expect::Ok {
        assert!(
            !r.text().contains(CASE_MARKER),
            "{cell}: a refusal carries case data"
        );
    }
}

async fn audit_len(addr: SocketAddr, key: &str) -> usize {
    let r = request(addr, "GET", "/audit", Some(key), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json().as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_every_caller() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("yalu.db")).unwrap());
    let keys = make_keys(&store);
    let case_for = seed_cases(&store);
    let server = common::start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;
    let audit_before = audit_len(addr, &keys.analyst).await;

    let mut checked = 0;
    let mut allowed_2xx = 0;
    let mut allowed_mutations = 0;
    for route in ROUTES {
        let row = parse_row(route.cells);
        for (caller, expect) in row.into_iter().enumerate() {
            let (path, body) = concrete(route, caller, &case_for, &keys.victim);
            let r = request(
                addr,
                route.method,
                &path,
                keys.for_caller(caller),
                body.as_deref(),
            )
            .await;
            check_cell(route, caller, expect, &path, &r);
            checked += 1;
            if expect == Expect::Ok && (200..300).contains(&r.status) {
                allowed_2xx += 1;
                if route.template.starts_with("/cases/") && route.method == "POST" {
                    allowed_mutations += 1;
                }
            }
        }
    }
    assert_eq!(checked, ROUTES.len() * CALLERS.len());
    // Every allowed cell was built to succeed: none fell back on a 4xx.
    let allowed: usize = ROUTES
        .iter()
        .map(|r| {
            parse_row(r.cells)
                .iter()
                .filter(|e| **e == Expect::Ok)
                .count()
        })
        .sum();
    assert_eq!(allowed_2xx, allowed, "some allowed cells answered 4xx");
    // Only the allowed mutations left a trace: one audit entry each
    // (imports create one case each), none for the refused ones.
    assert_eq!(
        audit_len(addr, &keys.analyst).await,
        audit_before + allowed_mutations
    );
    eprintln!("access control: {checked} cells checked ({allowed} allowed)");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_data_needs_the_analyst_role_and_revocation_is_immediate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yalu.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let keys = make_keys(&store);
    let case_for = seed_cases(&store);
    let live = store.keys().create(Role::Analyst, Some("live")).unwrap();
    let server = common::start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;
    let case = case_for[0][0];
    let case_paths = [
        "/cases".to_string(),
        format!("/cases/{case}"),
        "/cases?q=ACCESS".to_string(),
        "/audit".to_string(),
        "/audit?format=jsonl".to_string(),
        "/dashboard".to_string(),
    ];
    for path in &case_paths {
        let r = request(addr, "GET", path, Some(&keys.screener), None).await;
        r.assert_error(403, "insufficient_role");
        assert!(!r.text().contains(CASE_MARKER), "{path}");
        // The same with the other header form.
        let r = common::raw_request(
            addr,
            "GET",
            path,
            &format!("Authorization: ApiKey {}\r\n", keys.screener),
            None,
        )
        .await;
        r.assert_error(403, "insufficient_role");
        let r = request(addr, "GET", path, Some(&live.key), None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
    let detail = request(
        addr,
        "GET",
        &format!("/cases/{case}"),
        Some(&live.key),
        None,
    )
    .await;
    assert!(detail.text().contains(CASE_MARKER));

    // Revoked by another connection to the store file (as `yalu keys
    // revoke` would) while the server runs: the very next request fails.
    let other = Store::open(&db).unwrap();
    assert!(other.keys().revoke(&live.id).unwrap());
    for path in &case_paths {
        request(addr, "GET", path, Some(&live.key), None)
            .await
            .assert_error(401, "invalid_api_key");
    }
    request(
        addr,
        "POST",
        "/match/default",
        Some(&live.key),
        Some(&common::one_query("Person", "Kim")),
    )
    .await
    .assert_error(401, "invalid_api_key");
    server.shutdown().await;
}

/// Every value of every table of a SQLite file, as bytes.
fn every_stored_value(db: &Path) -> Vec<(String, String, Vec<u8>)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.iter().any(|t| t == "api_keys"), "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for (i, col) in columns.iter().enumerate() {
                use rusqlite::types::ValueRef;
                let bytes = match row.get_ref(i).unwrap() {
                    ValueRef::Text(t) => t.to_vec(),
                    ValueRef::Blob(b) => b.to_vec(),
                    ValueRef::Integer(n) => n.to_string().into_bytes(),
                    ValueRef::Real(x) => x.to_string().into_bytes(),
                    ValueRef::Null => continue,
                };
                out.push((table.clone(), col.clone(), bytes));
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_stored_only_as_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yalu.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let created: Vec<_> = Role::ALL
        .iter()
        .map(|role| store.keys().create(*role, Some("label")).unwrap())
        .collect();
    // Use the keys, so any request logging into the store would show.
    let server = common::start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    for k in &created {
        let r = request(server.addr, "GET", "/me", Some(&k.key), None).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    server.shutdown().await;

    let values = every_stored_value(&db);
    assert!(!values.is_empty());
    let mut raw_files = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        raw_files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    for k in &created {
        let secret = k.key.rsplit('_').next().unwrap();
        assert_eq!(secret.len(), 64);
        let upper = secret.to_uppercase();
        for needle in [k.key.as_str(), secret, upper.as_str()] {
            for (table, column, bytes) in &values {
                assert!(
                    !contains(bytes, needle.as_bytes()),
                    "{table}.{column} holds a key or its secret"
                );
            }
            for (file, bytes) in &raw_files {
                assert!(
                    !contains(bytes, needle.as_bytes()),
                    "{file} holds a key or its secret"
                );
            }
        }
        // The secret's raw bytes (hex-decoded) are not stored either.
        let secret_bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&secret[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        for (file, bytes) in &raw_files {
            assert!(!contains(bytes, &secret_bytes), "{file}");
        }
    }

    // The hash column: 32 bytes, 64 hex digits, the SHA-256 of the key.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT key_id, lower(hex(key_hash)), typeof(key_hash) FROM api_keys")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), created.len());
    for (id, hash_hex, kind) in rows {
        assert_eq!(kind, "blob");
        assert_eq!(hash_hex.len(), 64, "{id}");
        assert!(hash_hex.bytes().all(|b| b.is_ascii_hexdigit()));
        let key = &created.iter().find(|k| k.id == id).unwrap().key;
        let expected: String = Sha256::digest(key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash_hex, expected, "{id}");
        // The id is the public part only.
        assert_eq!(id.len(), 12);
        assert!(key.starts_with(&format!("yalu_{id}_")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_has_no_write_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yalu.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let keys = make_keys(&store);
    seed_cases(&store);
    let server = common::start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;
    let before = request(addr, "GET", "/audit", Some(&keys.admin), None)
        .await
        .json();
    assert!(!before.as_array().unwrap().is_empty());

    let mut attempts = 0;
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for path in [
            "/audit",
            "/audit?since=1",
            "/audit/1",
            "/audit/export",
            "/audit/",
        ] {
            for key in [&keys.admin, &keys.analyst] {
                let r = request(
                    addr,
                    method,
                    path,
                    Some(key),
                    Some(br#"{"seq":1,"actor":"x"}"#),
                )
                .await;
                match r.status {
                    405 => r.assert_error(405, "method_not_allowed"),
                    404 => r.assert_error(404, "route_not_found"),
                    other => panic!("{method} {path}: {other} {}", r.text()),
                }
                attempts += 1;
            }
        }
    }
    // GET on a path below /audit is no route either.
    request(addr, "GET", "/audit/1", Some(&keys.admin), None)
        .await
        .assert_error(404, "route_not_found");
    let after = request(addr, "GET", "/audit", Some(&keys.admin), None)
        .await
        .json();
    assert_eq!(before, after, "{attempts} write attempts changed the log");

    // The database itself refuses, on the live file, through the store
    // and through a plain SQLite connection that bypasses it.
    let other = Store::open(&db).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE seq = 1",
    ] {
        let err = other.execute_raw(sql).unwrap_err();
        assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let after = request(addr, "GET", "/audit", Some(&keys.admin), None)
        .await
        .json();
    assert_eq!(before, after);
    server.shutdown().await;
}
