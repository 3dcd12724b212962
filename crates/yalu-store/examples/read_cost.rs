//! What the case store's reads cost as it grows (docs/reliability.md,
//! "Load and soak"): fills a store with `CASES` alert cases (a quarter moved
//! to in review, a quarter closed, the soak's mix of rules, a third named
//! Kim Chol as the soak's hits are), then times each
//! read the workbench makes: the case-list filters of the soak, a case page
//! and the dashboard. Prints the mean time of each, in milliseconds.
//!
//! ```sh
//! cargo run --release -p yalu-store --example read_cost -- sqlite 30000
//! cargo run --release -p yalu-store --example read_cost -- postgres 30000
//! ```

use serde_json::json;
use std::time::Instant;
use yalu_store::cases::CaseFilter;
use yalu_store::{CaseKind, CaseStatus, Resolution, Store};

const POSTGRES: &str = "postgres://root@127.0.0.1:5432/test";
const RULES: [&str; 4] = [
    "VISA_RUN_CYCLE",
    "NONWORK_VISA_EMPLOYMENT",
    "GROUP_CROSSING_TO_SITE",
    "DEADLINE_CHURN",
];
const SURNAMES: [&str; 6] = ["kim", "ri", "pak", "choe", "jang", "han"];
const GIVEN: [&str; 6] = ["chol", "myong", "song il", "yong su", "kwang", "hyok"];
/// Times each read is repeated.
const ROUNDS: usize = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args.first().map(String::as_str).unwrap_or("sqlite");
    let n: usize = args
        .get(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(30_000);
    let dir = tempfile::tempdir()?;
    let schema = format!("yalu_read_cost_{}", std::process::id());
    let store = match backend {
        "sqlite" => Store::open(&dir.path().join("cost.db"))?,
        "postgres" => Store::open_postgres(POSTGRES, Some(&schema))?,
        other => return Err(format!("backend `{other}`: expected sqlite or postgres").into()),
    };
    let started = Instant::now();
    let ids = fill(&store, n)?;
    println!(
        "{}: {n} cases filled in {:.1} s",
        store.describe(),
        started.elapsed().as_secs_f64()
    );
    time_reads(&store, &ids)?;
    if backend == "postgres" {
        drop(store);
        Store::drop_postgres_schema(POSTGRES, &schema)?;
    }
    Ok(())
}

/// Fills the store with `n` alert cases, 500 per import: a quarter moved
/// to in review, a quarter commented and closed. Their case ids.
fn fill(store: &Store, n: usize) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let c = store.cases();
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let alerts: Vec<_> = chunk
            .iter()
            .map(|i| {
                // A third named Kim Chol, as the soak's hits are.
                let name = if i % 3 == 0 {
                    "kim chol".to_string()
                } else {
                    format!("{} {}", SURNAMES[i % 6], GIVEN[(i / 6) % 6])
                };
                json!({
                    "alert_id": format!("COST-{i}"), "rule": RULES[i % 4],
                    "severity": "high", "subject_ids": [format!("p-{i}")],
                    "evidence_ids": ["v1", "b1"], "period_start": "2024-01-05",
                    "period_end": "2024-03-01",
                    "summary": format!("{name}: 3 visa runs in 5 months"),
                    "estimated_revenue_usd": 1200.0
                })
            })
            .collect();
        for item in c.import_alerts("ana", &alerts)?.items {
            ids.push(item.case_id.expect("created"));
        }
    }
    for (k, id) in ids.iter().enumerate() {
        match k % 4 {
            1 => {
                c.set_status("ana", *id, CaseStatus::InReview)?;
            }
            2 => {
                c.comment("ana", *id, "passport copy requested")?;
                c.close("ana", *id, Resolution::NotActionable, "left in 2016")?;
            }
            _ => {}
        }
    }
    Ok(ids)
}

/// The soak's case-list filters, labelled as its requests are.
fn soak_filters() -> Vec<(&'static str, CaseFilter)> {
    let page = |f: CaseFilter| CaseFilter { limit: 50, ..f };
    vec![
        ("list: no filter", page(CaseFilter::default())),
        (
            "list: status=open",
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                ..CaseFilter::default()
            }),
        ),
        (
            "list: kind=hit&status=in_review",
            page(CaseFilter {
                kind: Some(CaseKind::Hit),
                status: Some(CaseStatus::InReview),
                ..CaseFilter::default()
            }),
        ),
        (
            "list: rule=VISA_RUN_CYCLE&limit=20",
            CaseFilter {
                rule: Some("VISA_RUN_CYCLE".into()),
                limit: 20,
                ..CaseFilter::default()
            },
        ),
        (
            "list: q=kim chol&limit=10",
            CaseFilter {
                q: Some("kim chol".into()),
                limit: 10,
                ..CaseFilter::default()
            },
        ),
    ]
}

/// Times each read the workbench makes, [`ROUNDS`] times each, and prints
/// the mean in milliseconds.
fn time_reads(store: &Store, ids: &[i64]) -> Result<(), Box<dyn std::error::Error>> {
    let c = store.cases();
    for (label, f) in &soak_filters() {
        let t = Instant::now();
        let mut total = String::new();
        for _ in 0..ROUNDS {
            let count = c.list(f)?.1;
            let more = if count.exact { "" } else { "more than " };
            total = format!("{more}{}", count.value);
        }
        println!(
            "{label:<36} {:>8.2} ms  (total {total})",
            t.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
        );
    }
    let t = Instant::now();
    for k in 0..ROUNDS {
        c.detail(ids[(k * 7919) % ids.len()])?;
    }
    println!(
        "{:<36} {:>8.2} ms",
        "case page (detail)",
        t.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
    );
    let t = Instant::now();
    for _ in 0..ROUNDS {
        c.dashboard()?;
    }
    println!(
        "{:<36} {:>8.2} ms",
        "dashboard",
        t.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
    );
    Ok(())
}
