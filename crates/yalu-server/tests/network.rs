//! The sanctions network in screening: `/match` results carry the listed
//! entities they are linked to, an unlisted entity of the loaded data says
//! through whom it is linked, and UN narratives become links (real lists;
//! skips without `../shared`).

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use yalu_server::Limits;

fn match_body(schema: &str, name: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "queries": {"q": {"schema": schema, "properties": {"name": [name]}}}
    }))
    .unwrap()
}

/// Non-target companies of an FtM export with the targets that own them,
/// read straight from the file.
fn unlisted_owned_by_targets(path: &std::path::Path) -> Vec<(Value, Value)> {
    let text = std::fs::read_to_string(path).unwrap();
    let all: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_id: HashMap<&str, &Value> = all.iter().map(|e| (e["id"].as_str().unwrap(), e)).collect();
    let mut out = Vec::new();
    for own in all.iter().filter(|e| e["schema"] == "Ownership") {
        let end = |p: &str| {
            own["properties"][p][0]
                .as_str()
                .and_then(|id| by_id.get(id))
        };
        if let (Some(owner), Some(asset)) = (end("owner"), end("asset"))
            && owner["target"] == true
            && asset["target"] == false
            && asset["schema"] == "Company"
        {
            out.push(((*asset).clone(), (*owner).clone()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlisted_company_is_returned_with_the_listed_owner_it_is_linked_through() {
    let Some(zala) = yalu_testdata::shared("data/lists/opensanctions/zala/entities.ftm.json")
    else {
        return;
    };
    let cases = unlisted_owned_by_targets(&zala);
    assert!(
        !cases.is_empty(),
        "the export carries unlisted owned companies"
    );
    let server = start(vec![zala], None, Limits::default()).await;
    for (asset, owner) in &cases {
        let name = asset["caption"].as_str().unwrap();
        let r = request(
            server.addr,
            "POST",
            "/match/default",
            None,
            Some(&match_body("Company", name)),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        let results = body["responses"]["q"]["results"].as_array().unwrap();
        let hit = results
            .iter()
            .find(|h| h["id"] == asset["id"])
            .unwrap_or_else(|| panic!("{name} not returned: {results:?}"));
        assert_eq!(hit["target"], false);
        let linked = hit["linked"].as_array().unwrap();
        let via = linked
            .iter()
            .find(|l| l["id"] == owner["id"])
            .unwrap_or_else(|| panic!("owner not among {linked:?}"));
        assert_eq!(via["relation"], "owned by");
        assert_eq!(via["link_schema"], "Ownership");
        let network = &hit["explanations"]["network"];
        let detail = network["detail"].as_str().unwrap();
        assert!(detail.starts_with("not listed itself"), "{detail}");
        assert!(
            detail.contains(&format!(
                "owned by {} ({})",
                owner["caption"].as_str().unwrap(),
                owner["id"].as_str().unwrap()
            )),
            "{detail}"
        );
        assert_eq!(network["contribution"], 0.0);
    }
    // A listed entity gets no network explanation, but does list the
    // listed entities linked to it (the owner sees nothing listed here:
    // what it owns is not listed).
    let (_, owner) = &cases[0];
    let r = request(
        server.addr,
        "POST",
        "/match/default",
        None,
        Some(&match_body("Person", owner["caption"].as_str().unwrap())),
    )
    .await
    .json();
    let hit = r["responses"]["q"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == owner["id"])
        .cloned()
        .unwrap();
    assert_eq!(hit["target"], true);
    assert!(hit["explanations"].get("network").is_none());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn un_narratives_link_entries_both_ways() {
    let Some(un) = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml") else {
        return;
    };
    let server = start(vec![un], None, Limits::default()).await;
    let addr = server.addr;
    let r = request(
        addr,
        "POST",
        "/match/default",
        None,
        Some(&match_body(
            "Organization",
            "Korea Pugang Trading Corporation",
        )),
    )
    .await
    .json();
    let top = &r["responses"]["q"]["results"][0];
    assert!(top["caption"].as_str().unwrap().contains("PUGANG"), "{top}");
    // "Korea Pugang Trading Corporation is owned by the Korea Ryonbong
    // General Corporation": the narrative names the corporation.
    let linked = top["linked"].as_array().unwrap();
    let ryonbong = linked
        .iter()
        .find(|l| l["caption"].as_str().unwrap().contains("RYONBONG"))
        .unwrap_or_else(|| panic!("{linked:?}"));
    assert_eq!(ryonbong["relation"], "names");
    let pugang_id = top["id"].as_str().unwrap();
    let ryonbong_id = ryonbong["id"].as_str().unwrap();
    // Both ends, as relationship entities in nested entities.
    let p = request(
        addr,
        "GET",
        &format!("/entities/{pugang_id}?nested=true"),
        None,
        None,
    )
    .await
    .json();
    let link = p["properties"]["unknownLinkSubject"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["properties"]["object"][0]["id"] == ryonbong_id)
        .cloned()
        .unwrap();
    assert!(
        link["properties"]["description"][0]
            .as_str()
            .unwrap()
            .contains("owned by the Korea Ryonbong General Corporation")
    );
    let g = request(
        addr,
        "GET",
        &format!("/entities/{ryonbong_id}?nested=true"),
        None,
        None,
    )
    .await
    .json();
    assert!(
        g["properties"]["unknownLinkObject"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["properties"]["subject"][0]["id"] == pugang_id)
    );
    server.shutdown().await;
}
