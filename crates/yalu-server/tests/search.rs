//! `GET /search/{dataset}`: full-text search over the real lists, and every
//! yente parameter over the demo list.

mod common;

use common::*;
use serde_json::Value;
use yalu_server::Limits;

fn ids(s: &Value) -> Vec<String> {
    s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mansudae_over_sdn_2021_and_un_2026() {
    let (Some(sdn), Some(un)) = (
        yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07"),
        yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml"),
    ) else {
        return;
    };
    let server = start(vec![sdn, un], None, Limits::default()).await;
    let addr = server.addr;
    for q in ["Mansudae", "Mansu", "%EB%A7%8C%EC%88%98%EB%8C%80"] {
        let r = request(addr, "GET", &format!("/search/default?q={q}"), None, None).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let s = r.json();
        let found = ids(&s);
        assert!(found.contains(&"ofac-20578".to_string()), "{q}: {found:?}");
        assert!(found.contains(&"ofac-22703".to_string()), "{q}: {found:?}");
        let un_group = s["results"].as_array().unwrap().iter().any(|r| {
            r["id"].as_str().unwrap().starts_with("unsc-")
                && r["caption"]
                    .as_str()
                    .unwrap()
                    .contains("MANSUDAE OVERSEAS PROJECT GROUP")
        });
        assert!(un_group, "{q}: {found:?}");
        let scores: Vec<f64> = s["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["score"].as_f64().unwrap())
            .collect();
        assert!(scores[0] > 0.0 && scores.windows(2).all(|w| w[0] >= w[1]));
    }
    // Only the UN list, and facets counted over every result.
    let s = request(
        addr,
        "GET",
        "/search/default?q=Mansudae&exclude_dataset=us_ofac_sdn&facets=datasets&limit=1",
        None,
        None,
    )
    .await
    .json();
    let total = s["total"]["value"].as_u64().unwrap();
    assert!(total >= 1);
    assert!(ids(&s)[0].starts_with("unsc-"), "{s}");
    let facet = &s["facets"]["datasets"]["values"];
    assert_eq!(facet.as_array().unwrap().len(), 1, "{facet}");
    assert_eq!(facet[0]["count"].as_u64(), Some(total));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yente_search_parameters() {
    let server = start(vec![demo_list()], None, Limits::default()).await;
    let addr = server.addr;
    let get = |path: String| async move { request(addr, "GET", &path, None, None).await };

    let all = get("/search/default?limit=500".into()).await.json();
    let n = all["total"]["value"].as_u64().unwrap();
    assert!(n >= 4);
    // Without q: every entity by id, score 0.
    let listed = ids(&all);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);

    // schema / exclude_schema split the entities.
    let persons = get("/search/default?schema=Person".into()).await.json()["total"]["value"]
        .as_u64()
        .unwrap();
    let others = get("/search/default?exclude_schema=Person".into())
        .await
        .json()["total"]["value"]
        .as_u64()
        .unwrap();
    assert_eq!(persons + others, n);
    assert!(persons > 0 && others > 0);

    // filter=schema:Person is the same set; sort by caption descending.
    let s = get("/search/default?filter=schema:Person&sort=caption:desc&limit=500".into())
        .await
        .json();
    assert_eq!(s["total"]["value"].as_u64(), Some(persons));
    let captions: Vec<&str> = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["caption"].as_str().unwrap())
        .collect();
    assert!(captions.windows(2).all(|w| w[0] >= w[1]), "{captions:?}");

    // A typo needs fuzzy=true; prefixes and the simple syntax work.
    let typo = get("/search/default?q=Kim%20Jomg%20Un".into()).await.json();
    assert_eq!(typo["total"]["value"].as_u64(), Some(0));
    let fuzzy = get("/search/default?q=Kim%20Jomg%20Un&fuzzy=true".into())
        .await
        .json();
    assert_eq!(ids(&fuzzy)[0], "ofac-9001");
    let prefix = get("/search/default?q=Kim%20Jon".into()).await.json();
    assert!(ids(&prefix).contains(&"ofac-9001".to_string()));
    let either = get("/search/default?q=Jong%20%7C%20zzzz&simple=true".into())
        .await
        .json();
    assert!(ids(&either).contains(&"ofac-9001".to_string()));
    // changed_since is read (a bad date is refused), facets=schema counts.
    assert_eq!(
        get("/search/default?changed_since=2000-01-01&facets=schema".into())
            .await
            .status,
        200
    );
    let s = get("/search/default?facets=schema&limit=0".into())
        .await
        .json();
    let counted: u64 = s["facets"]["schema"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, n);
    assert!(s["results"].as_array().unwrap().is_empty());

    for bad in [
        "fuzzy=maybe",
        "sort=colour",
        "sort=id:up",
        "filter=nocolon",
        "facets=colours",
        "exclude_dataset=nowhere",
        "changed_since=yesterday",
    ] {
        let r = get(format!("/search/default?{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
    }
    get("/search/default?exclude_schema=Ownership".into())
        .await
        .assert_error(400, "unknown_schema");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_entities_show_links_both_ways() {
    let Some(sdn) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else {
        return;
    };
    let server = start(vec![sdn], None, Limits::default()).await;
    let addr = server.addr;
    let r = request(addr, "GET", "/entities/ofac-22702?nested=true", None, None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let e = r.json();
    let links = e["properties"]["unknownLinkSubject"].as_array().unwrap();
    let objects: Vec<&str> = links
        .iter()
        .map(|l| l["properties"]["object"][0]["id"].as_str().unwrap())
        .collect();
    assert!(objects.contains(&"ofac-20578"), "{objects:?}");
    assert!(objects.contains(&"ofac-22703"), "{objects:?}");
    let group = links
        .iter()
        .find(|l| l["properties"]["object"][0]["id"] == "ofac-20578")
        .unwrap();
    assert_eq!(group["schema"], "UnknownLink");
    assert_eq!(group["properties"]["subject"][0], "ofac-22702");
    assert!(
        group["properties"]["object"][0]["caption"]
            .as_str()
            .unwrap()
            .contains("MANSUDAE")
    );
    // The other direction: the group lists the director.
    let g = request(addr, "GET", "/entities/ofac-20578?nested=true", None, None)
        .await
        .json();
    let subjects: Vec<&str> = g["properties"]["unknownLinkObject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["properties"]["subject"][0]["id"].as_str().unwrap())
        .collect();
    assert!(subjects.contains(&"ofac-22702"), "{subjects:?}");
    // Without nested, properties hold only strings.
    let plain = request(addr, "GET", "/entities/ofac-22702", None, None)
        .await
        .json();
    assert!(plain["properties"].get("unknownLinkSubject").is_none());
    assert_eq!(
        request(
            addr,
            "GET",
            "/entities/ofac-22702?nested=perhaps",
            None,
            None
        )
        .await
        .status,
        400
    );
    server.shutdown().await;
}
