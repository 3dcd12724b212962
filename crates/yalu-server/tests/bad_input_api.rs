//! Malformed input through the API: `POST /match`, `GET /search`,
//! `POST /cases/import`, against the real server on an ephemeral port.
//!
//! Every row of [`rows`] states the answer expected (status and stable
//! code) and text the detail must hold (the JSON line and column, the
//! query and property, or the alert and field). No input may get a 5xx,
//! and a refused import must leave the case store as it was.
//! `docs/reliability.md` records the answers.

mod common;

use common::{demo_list, request};
use serde_json::{Value, json};
use std::sync::Arc;
use yalu_server::Limits;
use yalu_store::{Role, Store};

const HUGE: usize = 10_000_000;

fn utf16(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Replaces the placeholder byte 0x01 by a Latin-1 byte (0xE9, é).
fn latin1(text: &str) -> Vec<u8> {
    text.bytes()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect()
}

const LAUGHS: &str = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><lolz>&lol2;</lolz>"#;

fn alert(id: &str) -> Value {
    json!({
        "alert_id": id, "rule": "VISA_RUN_CYCLE", "severity": "high",
        "subject_ids": ["p1"], "evidence_ids": ["v1"],
        "period_start": "2024-01-01", "period_end": null,
        "summary": "repeated short stays", "estimated_revenue_usd": 10.0
    })
}

fn alert_with(id: &str, field: &str, value: Value) -> Value {
    let mut a = alert(id);
    a[field] = value;
    a
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// One row: the input, the request, and the answer expected.
struct Row {
    input: &'static str,
    method: &'static str,
    path: String,
    body: Option<Vec<u8>>,
    status: u16,
    /// The stable error code; `None` for a success.
    code: Option<&'static str>,
    /// Text the `detail` must contain (the location).
    detail: &'static str,
}

fn row(
    input: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: Option<Vec<u8>>,
    status: u16,
    code: Option<&'static str>,
    detail: &'static str,
) -> Row {
    Row {
        input,
        method,
        path: path.into(),
        body,
        status,
        code,
        detail,
    }
}

fn rows() -> Vec<Row> {
    let query =
        |props: Value| bytes(&json!({"queries": {"q": {"schema": "Person", "properties": props}}}));
    let good_match = query(json!({"name": ["Kim Jong Un"]}));
    let good_text = String::from_utf8(good_match.clone()).unwrap();
    let deep = format!("{{\"queries\": {{\"q\": {}", "[".repeat(100_000));
    let mut v = vec![
        // POST /match
        row(
            "truncated JSON",
            "POST",
            "/match/default",
            Some(good_match[..good_match.len() - 7].to_vec()),
            400,
            Some("malformed_json"),
            "line 1 column",
        ),
        row(
            "UTF-16 (BOM) JSON",
            "POST",
            "/match/default",
            Some(utf16(&good_text)),
            400,
            Some("malformed_json"),
            "line 1 column 1",
        ),
        row(
            "Latin-1 byte in a name",
            "POST",
            "/match/default",
            Some(latin1(&good_text.replace("Jong", "J\u{1}ng"))),
            400,
            Some("malformed_json"),
            "line 1 column",
        ),
        row(
            "semicolon CSV as the body",
            "POST",
            "/match/default",
            Some(b"name;birth_date\nKim Jong Un;1984-01-08\n".to_vec()),
            400,
            Some("malformed_json"),
            "line 1 column",
        ),
        row(
            "10 MB name",
            "POST",
            "/match/default",
            Some(query(json!({"name": ["K".repeat(HUGE)]}))),
            413,
            Some("payload_too_large"),
            "larger than",
        ),
        row(
            "100,000 levels of [ as the body",
            "POST",
            "/match/default",
            Some("[".repeat(100_000).into_bytes()),
            400,
            Some("invalid_request"),
            "line 1 column",
        ),
        row(
            "100,000 levels of [ in a field",
            "POST",
            "/match/default",
            Some(deep.clone().into_bytes()),
            400,
            Some("invalid_request"),
            "line 1 column 19",
        ),
        row(
            "birthDate 1984-13-45",
            "POST",
            "/match/default",
            Some(query(json!({"name": ["Kim"], "birthDate": ["1984-13-45"]}))),
            200,
            Some("invalid_date"),
            "property `birthDate`: `1984-13-45`",
        ),
        row(
            "nationality that is no country",
            "POST",
            "/match/default",
            Some(query(json!({"name": ["Kim"], "nationality": ["Narnia"]}))),
            200,
            Some("invalid_country"),
            "property `nationality`: `Narnia`",
        ),
        row(
            "negative threshold",
            "POST",
            "/match/default?threshold=-0.5",
            Some(good_match.clone()),
            400,
            Some("invalid_parameter"),
            "`threshold`",
        ),
        row(
            "negative limit",
            "POST",
            "/match/default?limit=-1",
            Some(good_match.clone()),
            400,
            Some("invalid_parameter"),
            "`limit`",
        ),
        row(
            "Latin-1 byte in a parameter",
            "POST",
            "/match/default?algorithm=b%E9st",
            Some(good_match.clone()),
            400,
            Some("invalid_parameter"),
            "`algorithm` is not UTF-8",
        ),
        row(
            "dataset that is not loaded",
            "POST",
            "/match/no_such_list",
            Some(good_match.clone()),
            404,
            Some("unknown_dataset"),
            "no_such_list",
        ),
        row(
            "billion laughs as the body",
            "POST",
            "/match/default",
            Some(LAUGHS.as_bytes().to_vec()),
            400,
            Some("malformed_json"),
            "line 1 column 1",
        ),
        // GET /search
        row(
            "Latin-1 byte in q",
            "GET",
            "/search/default?q=Jos%E9+Kim",
            None,
            400,
            Some("invalid_parameter"),
            "`q` is not UTF-8",
        ),
        row(
            "UTF-16 bytes in q",
            "GET",
            "/search/default?q=%FF%FEK%00i%00m%00",
            None,
            400,
            Some("invalid_parameter"),
            "`q` is not UTF-8",
        ),
        row(
            "negative limit",
            "GET",
            "/search/default?q=Kim&limit=-1",
            None,
            400,
            Some("invalid_parameter"),
            "`limit`",
        ),
        row(
            "limit over the maximum",
            "GET",
            "/search/default?q=Kim&limit=100000",
            None,
            400,
            Some("invalid_parameter"),
            "`limit` must be within",
        ),
        row(
            "schema that does not exist",
            "GET",
            "/search/default?q=Kim&schema=Narwhal",
            None,
            400,
            Some("unknown_schema"),
            "Narwhal",
        ),
        row(
            "dataset that is not loaded",
            "GET",
            "/search/no_such_list?q=Kim",
            None,
            404,
            Some("unknown_dataset"),
            "no_such_list",
        ),
        row(
            "dataset filter naming nothing",
            "GET",
            "/search/default?q=Kim&datasets=ghost",
            None,
            400,
            Some("invalid_parameter"),
            "`ghost`",
        ),
        row(
            "20,000 levels of [ in q (60 KB URL)",
            "GET",
            format!("/search/default?q={}", "%5B".repeat(20_000)),
            None,
            200,
            None,
            "",
        ),
        row(
            "entity id that references nothing",
            "GET",
            "/entities/no-such-entity",
            None,
            404,
            Some("entity_not_found"),
            "no-such-entity",
        ),
        row(
            "unknown case-list order",
            "GET",
            "/cases?sort=severity".to_string(),
            None,
            400,
            Some("invalid_parameter"),
            "`sort` must be newest or priority",
        ),
        row(
            "bulk action without its value",
            "POST",
            "/cases/bulk",
            Some(bytes(&json!({"ids": [1], "action": "status"}))),
            400,
            Some("invalid_request"),
            "`action` is assign",
        ),
        row(
            "bulk action on no case",
            "POST",
            "/cases/bulk",
            Some(bytes(
                &json!({"ids": [], "action": "assign", "assignee": "x"}),
            )),
            422,
            Some("invalid_case_input"),
            "no case ids",
        ),
        // POST /cases/import
        row(
            "truncated JSON",
            "POST",
            "/cases/import",
            Some(bytes(&json!({"alerts": [alert("YA-t")]}))[..60].to_vec()),
            400,
            Some("malformed_json"),
            "line 1 column",
        ),
        row(
            "UTF-16 (BOM) JSON",
            "POST",
            "/cases/import",
            Some(utf16(&json!({"alerts": [alert("YA-u")]}).to_string())),
            400,
            Some("malformed_json"),
            "line 1 column 1",
        ),
        row(
            "Latin-1 byte in a summary",
            "POST",
            "/cases/import",
            Some(latin1(
                &json!({"alerts": [alert("YA-l")]})
                    .to_string()
                    .replace("repeated", "r\u{1}peated"),
            )),
            400,
            Some("malformed_json"),
            "line 1 column",
        ),
        row(
            "100,000 levels of [",
            "POST",
            "/cases/import",
            Some(format!("{{\"alerts\": {}", "[".repeat(100_000)).into_bytes()),
            400,
            Some("malformed_json"),
            "recursion limit",
        ),
        row(
            "period_start 1984-13-45",
            "POST",
            "/cases/import",
            Some(bytes(
                &json!({"alerts": [alert("YA-d0"), alert_with("YA-d1", "period_start", json!("1984-13-45"))]}),
            )),
            422,
            Some("invalid_import"),
            "alerts[1]: field `period_start` is not a date",
        ),
        row(
            "negative estimated_revenue_usd",
            "POST",
            "/cases/import",
            Some(bytes(
                &json!({"alerts": [alert_with("YA-n", "estimated_revenue_usd", json!(-10.0))]}),
            )),
            422,
            Some("invalid_import"),
            "alerts[0]: field `estimated_revenue_usd` is negative",
        ),
        row(
            "alert without subjects",
            "POST",
            "/cases/import",
            Some(bytes(
                &json!({"alerts": [alert_with("YA-s", "subject_ids", json!([]))]}),
            )),
            422,
            Some("invalid_import"),
            "alerts[0]: field `subject_ids` is empty",
        ),
        row(
            "10 MB summary",
            "POST",
            "/cases/import",
            Some(bytes(
                &json!({"alerts": [alert_with("YA-h", "summary", json!("S".repeat(HUGE)))]}),
            )),
            413,
            Some("payload_too_large"),
            "larger than",
        ),
        row(
            "billion laughs as the body",
            "POST",
            "/cases/import",
            Some(LAUGHS.as_bytes().to_vec()),
            400,
            Some("malformed_json"),
            "line 1 column 1",
        ),
    ];
    // A hit naming a list entry the server does not hold is taken (it may
    // have been delisted since the screening run); the case is fingerprinted
    // from the hit's own fields.
    v.push(row(
        "hit on an entity id in no loaded list",
        "POST",
        "/cases/import",
        Some(bytes(
            &json!({"hits": [{"query_id": "r1", "entity_id": "no-such-entry", "score": 0.9}]}),
        )),
        200,
        None,
        "",
    ));
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_located_4xx_never_a_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("yalu.db")).unwrap());
    let key = store.keys().create(Role::Analyst, None).unwrap().key;
    let server = common::start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;

    let table = rows();
    let mut failures = Vec::new();
    let mut report =
        String::from("| input | request | status | code | detail |\n|---|---|---|---|---|\n");
    let mut imported = 0;
    for r in &table {
        let resp = request(addr, r.method, &r.path, Some(&key), r.body.as_deref()).await;
        let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
        // A value left out of a /match query is answered with a warning in
        // that query's answer instead of an error.
        let warning = body
            .as_ref()
            .map(|b| &b["responses"]["q"]["warnings"][0])
            .filter(|w| w.is_object());
        let code = body
            .as_ref()
            .and_then(|b| b["code"].as_str())
            .or_else(|| warning.and_then(|w| w["code"].as_str()))
            .map(str::to_string);
        let detail = body
            .as_ref()
            .and_then(|b| b["detail"].as_str())
            .or_else(|| warning.and_then(|w| w["detail"].as_str()))
            .unwrap_or("")
            .to_string();
        let shown_path: String = r.path.chars().take(40).collect();
        report.push_str(&format!(
            "| {} | {} {} | {} | {} | {} |\n",
            r.input,
            r.method,
            shown_path,
            resp.status,
            match (&code, warning.is_some()) {
                (Some(c), true) => format!("warning {c}"),
                (Some(c), false) => c.clone(),
                (None, _) => "-".to_string(),
            },
            detail.chars().take(110).collect::<String>()
        ));
        let mut problems = Vec::new();
        if resp.status >= 500 {
            problems.push("a 5xx".to_string());
        }
        if resp.status != r.status {
            problems.push(format!("status {} (expected {})", resp.status, r.status));
        }
        if code.as_deref() != r.code {
            problems.push(format!("code {code:?} (expected {:?})", r.code));
        }
        if r.code.is_some() && !detail.contains(r.detail) {
            problems.push(format!("detail lacks {:?}", r.detail));
        }
        if r.code.is_some()
            && !resp
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
        {
            problems.push("error body is not JSON".to_string());
        }
        if r.path == "/cases/import" && resp.status == 200 {
            imported += 1;
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({} {}): {}: {}",
                r.input,
                r.method,
                shown_path,
                problems.join("; "),
                resp.text().chars().take(300).collect::<String>()
            ));
        }
    }
    eprintln!("{report}");
    eprintln!("{} inputs checked", table.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // No refused import wrote anything: only the accepted one is a case
    // (with the investigation it opened).
    let cases = request(addr, "GET", "/cases?kind=hit", Some(&key), None)
        .await
        .json();
    assert_eq!(cases["total"], imported, "{cases}");
    let units = request(addr, "GET", "/cases?scope=units", Some(&key), None)
        .await
        .json();
    assert_eq!(units["total"], imported, "{units}");
    let audit = request(addr, "GET", "/audit", Some(&key), None)
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 2 * imported as usize);
    // The server still answers after all of it.
    let ok = request(
        addr,
        "POST",
        "/match/default",
        Some(&key),
        Some(&common::one_query("Person", "Kim Jong Un")),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    server.shutdown().await;
}

/// With a body limit above 10 MB, a 10 MB name is screened (or refused)
/// without a 5xx and without stalling the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_mb_name_under_a_large_body_limit() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let key = store.keys().create(Role::Screener, None).unwrap().key;
    let limits = Limits {
        max_body_bytes: 16 << 20,
        ..Limits::default()
    };
    let server = common::start(vec![demo_list()], Some(store), limits).await;
    let body = common::one_query("Person", &format!("Kim Jong Un {}", "K".repeat(HUGE)));
    let r = request(
        server.addr,
        "POST",
        "/match/default",
        Some(&key),
        Some(&body),
    )
    .await;
    assert!(r.status < 500, "{} {}", r.status, r.text());
    eprintln!(
        "10 MB name, 16 MB body limit: {} {}",
        r.status,
        r.text().chars().take(200).collect::<String>()
    );
    let q = format!("/search/default?q=Kim+{}", "K".repeat(1000));
    let r = request(server.addr, "GET", &q, Some(&key), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    server.shutdown().await;
}
