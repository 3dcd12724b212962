//! The case store's write rate, for capacity planning (docs/deploy.md,
//! "Capacity"): `THREADS` analysts at once, each importing an alert and
//! reviewing it (status changes, comments, a closing), as fast as the store
//! acknowledges, for `SECONDS`. Prints acknowledged writes per second, the
//! commits they were grouped into and, on PostgreSQL, the bytes the cases,
//! comments and audit log take per case.
//!
//! ```sh
//! cargo run --release -p yalu-store --example write_rate -- sqlite 16 20
//! cargo run --release -p yalu-store --example write_rate -- postgres 16 20
//! ```
//!
//! SQLite runs on a file in a temporary folder; PostgreSQL on the local
//! server (`postgres://root@127.0.0.1:5432/test`), in a schema of its own
//! that is dropped at the end.

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use yalu_store::{CaseStatus, Resolution, Store};

const POSTGRES: &str = "postgres://root@127.0.0.1:5432/test";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args.first().map(String::as_str).unwrap_or("sqlite");
    let threads: usize = args.get(1).map(|a| a.parse()).transpose()?.unwrap_or(16);
    let seconds: u64 = args.get(2).map(|a| a.parse()).transpose()?.unwrap_or(20);
    let dir = tempfile::tempdir()?;
    let schema = format!("yalu_write_rate_{}", std::process::id());
    let store = Arc::new(match backend {
        "sqlite" => Store::open(&dir.path().join("rate.db"))?,
        "postgres" => Store::open_postgres(POSTGRES, Some(&schema))?,
        other => return Err(format!("backend `{other}`: expected sqlite or postgres").into()),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let cases = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (store, stop, acknowledged, cases) = (
                store.clone(),
                stop.clone(),
                acknowledged.clone(),
                cases.clone(),
            );
            std::thread::spawn(move || review_cases(&store, t, &stop, &acknowledged, &cases))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("writer thread")?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let writes = acknowledged.load(Ordering::Relaxed);
    let stats = store.write_stats();
    println!(
        "{}: {threads} writers, {elapsed:.1} s: {writes} acknowledged writes = {:.0} writes/s \
         ({} cases, 5 writes each), {} commits = {:.0} commits/s, {:.1} writes per commit",
        store.describe(),
        writes as f64 / elapsed,
        cases.load(Ordering::Relaxed),
        stats.commits,
        stats.commits as f64 / elapsed,
        stats.writes as f64 / stats.commits.max(1) as f64,
    );
    if backend == "postgres" {
        print_postgres_size(&schema, cases.load(Ordering::Relaxed))?;
        drop(store);
        Store::drop_postgres_schema(POSTGRES, &schema)?;
    }
    Ok(())
}

/// One writer thread: until `stop`, imports an alert and takes its case
/// through four review actions, counting 5 acknowledged writes a case.
fn review_cases(
    store: &Store,
    t: usize,
    stop: &AtomicBool,
    acknowledged: &AtomicU64,
    cases: &AtomicU64,
) -> Result<(), yalu_store::StoreError> {
    let c = store.cases();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let alert = json!({
            "alert_id": format!("RATE-{t}-{n}"), "rule": "VISA_RUN_CYCLE",
            "severity": "high", "subject_ids": [format!("p-{t}-{n}")],
            "evidence_ids": ["v1", "b1"], "period_start": "2024-01-05",
            "period_end": "2024-03-01", "summary": "3 visa runs in 5 months",
            "estimated_revenue_usd": 1200.0
        });
        let id = c.import_alerts("ana", &[alert])?.items[0]
            .case_id
            .expect("created");
        c.set_status("ana", id, CaseStatus::InReview)?;
        c.comment("ana", id, "passport copy requested from the employer")?;
        c.set_status("ana", id, CaseStatus::Escalated)?;
        c.close(
            "ana",
            id,
            Resolution::NotActionable,
            "left the country in 2016",
        )?;
        acknowledged.fetch_add(5, Ordering::Relaxed);
        cases.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Prints what the PostgreSQL tables of `schema` take on disk, per case.
fn print_postgres_size(schema: &str, cases: u64) -> Result<(), Box<dyn std::error::Error>> {
    let mut client = postgres::Client::connect(POSTGRES, postgres::NoTls)?;
    let row = client.query_one(
        "SELECT SUM(pg_total_relation_size(format('%I.%I', $1::text, t)::regclass))::BIGINT
         FROM unnest(ARRAY['cases', 'case_search', 'case_comments', 'audit_log']) AS t",
        &[&schema],
    )?;
    let bytes: i64 = row.get(0);
    let n = cases.max(1);
    println!(
        "PostgreSQL: cases, search rows, comments and audit log take {:.1} MiB: {:.0} bytes per case \
         (with its 5 audit entries and 1 comment, indexes included)",
        bytes as f64 / 1048576.0,
        bytes as f64 / n as f64
    );
    Ok(())
}
