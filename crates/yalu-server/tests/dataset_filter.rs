//! `/match/{dataset}` and `/search/{dataset}` filter by dataset before the
//! candidate bound: a name shared by far more entries of one dataset than
//! the bound (100) still finds every entry of another dataset, and `total`
//! counts them all.

mod common;

use common::{one_query, request, write_synthetic};
use yalu_model::{Entity, Schema, prop};

/// `n` namesakes of `KIM Yong Chol` in `dataset`, birth years varied.
fn namesakes(dataset: &str, n: usize) -> Vec<Entity> {
    (0..n)
        .map(|i| {
            let mut e = Entity::new(format!("{dataset}-{i}"), Schema::Person);
            e.add(
                prop::NAME,
                if i % 2 == 0 {
                    "KIM, Yong Chol"
                } else {
                    "Kim Yong-chol"
                },
            );
            e.add(prop::BIRTH_DATE, format!("{}", 1940 + i % 60));
            e.add(prop::NATIONALITY, "kp");
            e.add_dataset(dataset);
            e
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_keeps_its_entries_behind_a_crowded_name() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.ftm.json");
    // The crowded dataset comes first, so ties in candidate ranking favour it.
    let mut extra = namesakes("crowded_list", 250);
    extra.extend(namesakes("second_list", 4));
    write_synthetic(&list, 300, &extra);
    let server = common::start(vec![list], None, Default::default()).await;
    let addr = server.addr;

    let r = request(
        addr,
        "POST",
        "/match/second_list?limit=20",
        None,
        Some(&one_query("Person", "Kim Yong Chol")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let q = &r.json()["responses"]["q"];
    let ids: Vec<&str> = q["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(
        ids.iter().all(|id| id.starts_with("second_list-")),
        "{ids:?}"
    );
    assert_eq!(q["total"]["value"], 4);

    // The crowded dataset: the bound fills with its own namesakes.
    let r = request(
        addr,
        "POST",
        "/match/crowded_list?limit=500",
        None,
        Some(&one_query("Person", "Kim Yong Chol")),
    )
    .await;
    let q = &r.json()["responses"]["q"];
    assert_eq!(q["total"]["value"], 100);

    let r = request(
        addr,
        "GET",
        "/search/second_list?q=Kim+Yong+Chol&limit=50",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    let ids: Vec<&str> = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(
        ids.iter().all(|id| id.starts_with("second_list-")),
        "{ids:?}"
    );
    assert_eq!(s["total"]["value"], 4);
}
