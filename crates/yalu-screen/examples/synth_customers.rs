//! Writes a seeded synthetic customer file for the batch-screening
//! benchmark (see `docs/benchmarks.md`):
//!
//! ```sh
//! cargo run --release -p yalu-screen --example synth_customers -- 1000000 /tmp/customers-1m.csv
//! ```
//!
//! Columns: `id,schema,name,birthDate,nationality,country`. The customers
//! are `yalu_testdata::synth` entities (people with Korean, Chinese, Russian
//! and Western names, companies, vessels), seed 2026 unless a third argument
//! gives another.

use std::io::{BufWriter, Write};
use yalu_model::prop;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: synth_customers ROWS OUTPUT.csv [SEED]";
    let rows: usize = args.next().ok_or(usage)?.parse()?;
    let output = args.next().ok_or(usage)?;
    let seed: u64 = match args.next() {
        Some(s) => s.parse()?,
        None => 2026,
    };
    let file = std::fs::File::create(&output)?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record([
        "id",
        "schema",
        "name",
        "birthDate",
        "nationality",
        "country",
    ])?;
    for (i, e) in yalu_testdata::synth::entities(seed, rows).enumerate() {
        let first = |p: &str| e.first(p).unwrap_or("").to_string();
        w.write_record([
            format!("cust-{}", i + 1),
            e.schema.to_string(),
            first(prop::NAME),
            first(prop::BIRTH_DATE),
            first(prop::NATIONALITY),
            first(prop::COUNTRY),
        ])?;
    }
    w.into_inner()?.flush()?;
    eprintln!("wrote {rows} customers to {output}");
    Ok(())
}
