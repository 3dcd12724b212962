//! The real server on an ephemeral port: every endpoint, auth and errors.

mod common;

use common::*;
use serde_json::json;
use std::sync::Arc;
use yalu_server::Limits;
use yalu_store::{Role, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_answer_in_yente_shapes() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let keys = make_keys(&store);
    let server = start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;
    let key = Some(keys.screener.as_str());

    let r = request(addr, "GET", "/healthz", None, None).await;
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));
    let r = request(addr, "GET", "/readyz", None, None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("x-request-id").is_some(),
        "request id is propagated"
    );

    // Match: Hangul query finds the listed romanised name.
    let body = json!({
        "queries": {
            "kim": {"schema": "Person", "properties": {"name": ["김정은"], "birthDate": ["1984"]}},
            "ship": {"schema": "Vessel", "properties": {"name": "Paektu Star"}}
        }
    });
    let r = request(
        addr,
        "POST",
        "/match/default?threshold=0.7",
        key,
        Some(body.to_string().as_bytes()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["limit"], 5);
    let kim = &j["responses"]["kim"];
    assert_eq!(kim["status"], 200);
    let top = &kim["results"][0];
    assert_eq!(top["id"], "ofac-9001");
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["match"], true);
    assert!(top["score"].as_f64().unwrap() >= 0.7);
    assert!(
        top["datasets"]
            .as_array()
            .unwrap()
            .contains(&json!("us_ofac_sdn"))
    );
    assert!(top["properties"]["name"].is_array());
    assert!(top["explanations"]["name"]["score"].is_number());
    for field in [
        "caption",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
    ] {
        assert!(top.get(field).is_some(), "result lacks {field}");
    }
    let matches = kim["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["match"] == true)
        .count();
    assert_eq!(kim["total"]["value"].as_u64().unwrap() as usize, matches);
    assert_eq!(kim["total"]["relation"], "eq");
    assert_eq!(kim["query"]["schema"], "Person");
    assert_eq!(kim["query"]["properties"]["name"][0], "김정은");
    assert_eq!(j["responses"]["ship"]["results"][0]["id"], "ofac-9008");

    // `match` is `score >= threshold`; `total.value` counts those.
    let r = request(
        addr,
        "POST",
        "/match/us_ofac_sdn?threshold=0.95&cutoff=0.1&limit=50",
        key,
        Some(&one_query("Person", "Ri Song Il")),
    )
    .await;
    let q = &r.json()["responses"]["q"];
    let results = q["results"].as_array().unwrap();
    assert!(
        results.len() > 1,
        "cutoff 0.1 lets weak candidates through: {q}"
    );
    for x in results {
        assert_eq!(x["match"], x["score"].as_f64().unwrap() >= 0.95);
        assert!(x["score"].as_f64().unwrap() >= 0.1);
    }
    let matched = results.iter().filter(|x| x["match"] == true).count();
    assert_eq!(q["total"]["value"].as_u64().unwrap() as usize, matched);
    let r = request(
        addr,
        "POST",
        "/match/default?limit=1&cutoff=0.1",
        key,
        Some(&one_query("Person", "Ri Song Il")),
    )
    .await;
    assert_eq!(
        r.json()["responses"]["q"]["results"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Filters: excluding the id or the schema removes the hit.
    let r = request(
        addr,
        "POST",
        "/match/default?exclude_entity_ids=ofac-9001",
        key,
        Some(&one_query("Person", "Kim Jong Un")),
    )
    .await;
    assert!(
        r.json()["responses"]["q"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != "ofac-9001")
    );
    let r = request(
        addr,
        "POST",
        "/match/default?exclude_schema=Person",
        key,
        Some(&one_query("LegalEntity", "Kim Jong Un")),
    )
    .await;
    assert!(
        r.json()["responses"]["q"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["schema"] != "Person")
    );

    // yente clients send `Authorization: ApiKey KEY`.
    let auth = format!("Authorization: ApiKey {}\r\n", keys.screener);
    let r = raw_request(
        addr,
        "POST",
        "/match/default?algorithm=best",
        &auth,
        Some(&one_query("Person", "Kim Jong Un")),
    )
    .await;
    assert_eq!(r.status, 200);

    // Search with q, and listing without.
    let r = request(
        addr,
        "GET",
        "/search/default?q=Kim%20Jong%20Un&limit=3",
        key,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    assert_eq!(s["results"][0]["id"], "ofac-9001");
    assert_eq!(
        (s["limit"].as_u64(), s["offset"].as_u64()),
        (Some(3), Some(0))
    );
    assert!(s["total"]["value"].as_u64().unwrap() >= 1);
    assert!(
        s["facets"]["datasets"]["values"][0]["count"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let r = request(
        addr,
        "GET",
        "/search/default?schema=Person&limit=2&offset=1&facets=countries",
        key,
        None,
    )
    .await;
    let s = r.json();
    let persons = s["total"]["value"].as_u64().unwrap();
    assert!(persons >= 4, "{s}");
    assert_eq!(s["results"].as_array().unwrap().len(), 2);
    assert!(
        s["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["schema"] == "Person")
    );
    assert!(s["facets"].get("countries").is_some() && s["facets"].get("topics").is_none());
    assert_eq!(s["facets"]["countries"]["values"][0]["name"], "kp");

    // Entities.
    let r = request(addr, "GET", "/entities/ofac-9005", key, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["id"], "ofac-9005");
    request(addr, "GET", "/entities/ofac-nope", key, None)
        .await
        .assert_error(404, "entity_not_found");

    // Catalog and algorithms.
    let c = request(addr, "GET", "/catalog", key, None).await.json();
    let names: Vec<&str> = c["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "us_ofac_sdn"]);
    assert_eq!(c["datasets"][0]["children"], json!(["us_ofac_sdn"]));
    assert_eq!(
        c["datasets"][1]["entity_count"],
        c["datasets"][0]["entity_count"]
    );
    let a = request(addr, "GET", "/algorithms", key, None).await.json();
    assert_eq!(a["default"], a["algorithms"][0]["name"]);
    assert!(a["algorithms"][0]["features"]["threshold"].is_number());

    // OpenAPI and metrics.
    let o = request(addr, "GET", "/openapi.json", key, None)
        .await
        .json();
    assert!(o["paths"]["/match/{dataset}"]["post"].is_object());
    let m = request(addr, "GET", "/metrics", Some(&keys.analyst), None).await;
    assert_eq!(m.status, 200);
    let text = m.text();
    assert!(
        text.contains(
            "yalu_http_requests_total{route=\"/match/{dataset}\",method=\"POST\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("yalu_http_request_duration_seconds_bucket{route=\"/search/{dataset}\""));
    assert!(text.contains("yalu_index_entities 10"), "{text}");
    assert!(text.contains("yalu_reload_last_success 1"));

    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_roles_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keys.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let server = start(vec![demo_list()], Some(store.clone()), Limits::default()).await;
    let addr = server.addr;
    let body = one_query("Person", "Kim Jong Un");

    // No key exists yet: the server runs and answers 401.
    request(addr, "POST", "/match/default", None, Some(&body))
        .await
        .assert_error(401, "missing_api_key");
    request(addr, "GET", "/catalog", Some("yalu_000000000000_00"), None)
        .await
        .assert_error(401, "invalid_api_key");
    let r = raw_request(
        addr,
        "GET",
        "/catalog",
        "Authorization: Basic dXNlcjpwYXNz\r\n",
        None,
    )
    .await;
    r.assert_error(401, "missing_api_key");
    assert!(r.header("www-authenticate").is_some());
    for path in [
        "/metrics",
        "/openapi.json",
        "/algorithms",
        "/entities/ofac-9001",
        "/search/default",
    ] {
        request(addr, "GET", path, None, None)
            .await
            .assert_error(401, "missing_api_key");
    }
    assert_eq!(
        request(addr, "GET", "/healthz", None, None).await.status,
        200
    );

    // A key created by another process (another connection to the same
    // file) while the server runs works at once.
    let other = Store::open(&db).unwrap();
    let screener = other.keys().create(Role::Screener, None).unwrap();
    let admin = other.keys().create(Role::Admin, None).unwrap();
    assert_eq!(
        request(
            addr,
            "POST",
            "/match/default",
            Some(&screener.key),
            Some(&body)
        )
        .await
        .status,
        200
    );

    // Roles: screener < analyst < admin.
    request(addr, "GET", "/metrics", Some(&screener.key), None)
        .await
        .assert_error(403, "insufficient_role");
    request(addr, "POST", "/admin/reload", Some(&screener.key), None)
        .await
        .assert_error(403, "insufficient_role");
    assert_eq!(
        request(addr, "GET", "/metrics", Some(&admin.key), None)
            .await
            .status,
        200
    );
    let r = request(addr, "POST", "/admin/reload", Some(&admin.key), None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["entities"], 10);

    // A wrong secret with a real id, and a revoked key, are refused.
    let mut forged = screener.key.clone();
    forged.replace_range(forged.len() - 4.., "0000");
    request(addr, "GET", "/catalog", Some(&forged), None)
        .await
        .assert_error(401, "invalid_api_key");
    other.keys().revoke(&screener.id).unwrap();
    request(addr, "GET", "/catalog", Some(&screener.key), None)
        .await
        .assert_error(401, "invalid_api_key");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_json_with_a_stable_code() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let keys = make_keys(&store);
    let limits = Limits {
        max_body_bytes: 8 * 1024,
        max_batch: 3,
        ..Limits::default()
    };
    let server = start(vec![demo_list()], Some(store), limits).await;
    let addr = server.addr;
    let key = Some(keys.screener.as_str());
    let post = |path: &'static str, body: Vec<u8>| {
        let key = key.map(str::to_string);
        async move { request(addr, "POST", path, key.as_deref(), Some(&body)).await }
    };
    let q = |props: serde_json::Value| {
        json!({"queries": {"q": {"schema": "Person", "properties": props}}})
            .to_string()
            .into_bytes()
    };

    post("/match/default", b"{\"queries\": ".to_vec())
        .await
        .assert_error(400, "malformed_json");
    post("/match/default", b"not json".to_vec())
        .await
        .assert_error(400, "malformed_json");
    post("/match/default", b"{}".to_vec())
        .await
        .assert_error(400, "invalid_request");
    post("/match/default", b"{\"queries\": []}".to_vec())
        .await
        .assert_error(400, "invalid_request");
    post("/match/default", b"{\"queries\": {}}".to_vec())
        .await
        .assert_error(400, "no_queries");
    let four: serde_json::Map<String, serde_json::Value> = (0..4)
        .map(|i| {
            (
                format!("q{i}"),
                json!({"schema": "Person", "properties": {"name": ["Kim"]}}),
            )
        })
        .collect();
    post(
        "/match/default",
        json!({"queries": four}).to_string().into_bytes(),
    )
    .await
    .assert_error(400, "too_many_queries");
    post(
        "/match/default",
        json!({"queries": {"q": {"schema": "Sanction", "properties": {}}}})
            .to_string()
            .into_bytes(),
    )
    .await
    .assert_error(400, "unknown_schema");
    // A value that cannot be cleaned is left out of its query, with a
    // warning; the query is still answered.
    let r = post(
        "/match/default",
        q(json!({"name": ["Kim"], "birthDate": ["1984-13-45", "1984"], "nationality": ["Narnia"]})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = &r.json()["responses"]["q"];
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["query"]["properties"]["birthDate"], json!(["1984"]));
    assert!(answer["query"]["properties"].get("nationality").is_none());
    let warnings = answer["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{answer}");
    assert_eq!(warnings[0]["code"], "invalid_date");
    assert_eq!(warnings[0]["property"], "birthDate");
    assert_eq!(warnings[0]["value"], "1984-13-45");
    assert_eq!(warnings[1]["code"], "invalid_country");
    assert_eq!(warnings[1]["value"], "Narnia");
    // One bad query in a batch does not sink the others.
    let r = post(
        "/match/default",
        json!({"queries": {
            "bad": {"schema": "Person", "properties": {"name": ["Kim"], "nationality": ["Congo (Democratic Republic)", "Narnia"]}},
            "good": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}
        }})
        .to_string()
        .into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(
        body["responses"]["bad"]["query"]["properties"]["nationality"],
        json!(["cd"])
    );
    assert_eq!(
        body["responses"]["bad"]["warnings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(body["responses"]["good"]["warnings"], json!([]));
    post("/match/default", q(json!({"name": [["nested"]]})))
        .await
        .assert_error(400, "invalid_property_value");
    post("/match/nowhere", one_query("Person", "Kim"))
        .await
        .assert_error(404, "unknown_dataset");
    post("/match/default?limit=501", one_query("Person", "Kim"))
        .await
        .assert_error(400, "invalid_parameter");
    post("/match/default?limit=abc", one_query("Person", "Kim"))
        .await
        .assert_error(400, "invalid_parameter");
    post("/match/default?threshold=2", one_query("Person", "Kim"))
        .await
        .assert_error(400, "invalid_parameter");
    post(
        "/match/default?include_dataset=nowhere",
        one_query("Person", "Kim"),
    )
    .await
    .assert_error(400, "invalid_parameter");
    post(
        "/match/default?exclude_schema=Sanction",
        one_query("Person", "Kim"),
    )
    .await
    .assert_error(400, "unknown_schema");
    post(
        "/match/default?changed_since=last-week",
        one_query("Person", "Kim"),
    )
    .await
    .assert_error(400, "invalid_date");
    for path in [
        "/match/default?algorithm=logic-v2",
        "/match/default?algorithm=logic-v1",
        "/match/default?algorithm=name-based",
        "/match/default?algorithm=best",
    ] {
        let r = post(path, one_query("Person", "Kim")).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
    let r = post(
        "/match/default?algorithm=logic-v3",
        one_query("Person", "Kim"),
    )
    .await;
    r.assert_error(400, "unknown_algorithm");
    assert!(
        r.text().contains("logic-v2, logic-v1, name-based"),
        "{}",
        r.text()
    );
    // An unknown setting is reported in each query's warnings, not applied;
    // a nomenklatura weight with a Yalu counterpart applies.
    let cfg = json!({"config": {"no_such_setting": 1}, "weights": {"dob_day_disjoint": -0.25, "country_mismatch": -0.2},
        "queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}});
    let r = post("/match/default", cfg.to_string().into_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let warnings = r.json()["responses"]["q"]["warnings"].clone();
    let codes: Vec<(&str, &str)> = warnings
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["code"].as_str().unwrap(), w["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("ignored_config", "no_such_setting"),
            ("ignored_weight", "dob_day_disjoint")
        ],
        "{warnings}"
    );
    let cfg = json!({"config": {"max_candidates": "many"}, "queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}});
    post("/match/default", cfg.to_string().into_bytes())
        .await
        .assert_error(400, "invalid_config");
    let big = json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["x".repeat(10_000)]}}}});
    post("/match/default", big.to_string().into_bytes())
        .await
        .assert_error(413, "payload_too_large");

    request(addr, "GET", "/search/default?schema=Ownership", key, None)
        .await
        .assert_error(400, "unknown_schema");
    request(addr, "GET", "/search/default?facets=colours", key, None)
        .await
        .assert_error(400, "invalid_parameter");
    request(addr, "GET", "/search/default?offset=-1", key, None)
        .await
        .assert_error(400, "invalid_parameter");
    request(addr, "GET", "/search/nowhere", key, None)
        .await
        .assert_error(404, "unknown_dataset");
    request(addr, "GET", "/no/such/route", key, None)
        .await
        .assert_error(404, "route_not_found");
    request(addr, "GET", "/match/default", key, None)
        .await
        .assert_error(405, "method_not_allowed");

    // Arbitrary bytes never make the server fail (5xx) or drop the connection.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..60 {
        let len = (round * 37) % 700;
        let alphabet: &[u8] =
            b"{}[]\":,0123456789.eE-+ntrufalsqueriesschemaPersonproperties\\u\xc3\xa9\x00\xff";
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                alphabet[(seed % alphabet.len() as u64) as usize]
            })
            .collect();
        let r = post("/match/default", bytes).await;
        assert!(
            r.status == 200 || (400..500).contains(&r.status),
            "{} {}",
            r.status,
            r.text()
        );
        if r.status != 200 {
            assert!(r.json()["code"].is_string());
        }
    }
    // The server is still healthy.
    assert_eq!(
        post("/match/default", one_query("Person", "Kim Jong Un"))
            .await
            .status,
        200
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_waits_for_the_index_and_a_failed_first_load_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let options = yalu_server::ServerOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        source: yalu_server::IndexSource {
            lists: vec![dir.path().join("missing.csv")],
            strict: false,
        },
        ..yalu_server::ServerOptions::default()
    };
    let mut server = yalu_server::start(options).await.unwrap();
    let err = server.wait_ready().await.unwrap_err();
    assert!(err.to_string().contains("missing.csv"), "{err}");
    let addr = server.addr;
    request(addr, "GET", "/readyz", None, None)
        .await
        .assert_error(503, "index_not_ready");
    let r = request(
        addr,
        "POST",
        "/match/default",
        None,
        Some(&one_query("Person", "Kim")),
    )
    .await;
    r.assert_error(503, "index_not_ready");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(
        request(addr, "GET", "/healthz", None, None).await.status,
        200
    );
    server.shutdown().await;
}
