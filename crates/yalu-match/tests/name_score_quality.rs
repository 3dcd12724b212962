//! Quality bars of the name-only score on the shared labelled sets (release build,
//! threshold 0.70):
//!
//! * `eval/korean-names-dev.jsonl`: F1 ≥ 0.97 overall and recall ≥ 0.95 in every positive
//!   kind. The one `homonym_dob_negative` pair (same name, different birth date) is left out:
//!   names alone cannot and should not tell those apart; the whole-entity scorer resolves it
//!   with the birth date.
//! * `data/names/name-bench-cases.csv`: F1 ≥ 0.88.
//! * `data/names/cross-script-pairs.csv`: every pair at or above its minimum score.
//!
//! Every pair is scored with all names of the query against all names of the candidate (the
//! best pair counts). The files are read from `../shared` via `yalu-testdata`; without them the
//! tests print a skip notice (or fail when `YALU_REQUIRE_SHARED=1`).

use std::collections::BTreeMap;
use std::time::Instant;

use yalu_match::name_score::{NameKind, NameScoreConfig, PreparedName, compare, score};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    tn: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn line(&self, label: &str) -> String {
        format!(
            "{label:<24} n={:<4} tp={:<4} fp={:<3} tn={:<4} fn={:<3} P={:.3} R={:.3} F1={:.3}",
            self.tp + self.fp + self.tn + self.fn_,
            self.tp,
            self.fp,
            self.tn,
            self.fn_,
            self.precision(),
            self.recall(),
            self.f1()
        )
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

fn kind_of(schema: &str) -> NameKind {
    match schema {
        "Person" => NameKind::Person,
        "Company" | "Organization" | "LegalEntity" | "PublicBody" => NameKind::Organization,
        _ => NameKind::Other,
    }
}

fn names(entity: &serde_json::Value) -> Vec<String> {
    entity["properties"]["name"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn best_score(q: &[PreparedName], c: &[PreparedName], cfg: &NameScoreConfig) -> f64 {
    let mut best = 0.0f64;
    for a in q {
        for b in c {
            best = best.max(score(a, b, cfg));
        }
    }
    best
}

#[test]
fn korean_names_dev() {
    let Some(path) = yalu_testdata::shared("eval/korean-names-dev.jsonl") else {
        return;
    };
    let cfg = NameScoreConfig::default();
    // A name match is judged at the scorer's one threshold.
    let threshold = yalu_match::MatchConfig::default().threshold;
    let text = std::fs::read_to_string(&path).expect("readable korean-names-dev.jsonl");
    let mut overall = Counts::default();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut pairs = 0usize;
    let mut prepared = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let kind = v["kind"].as_str().unwrap_or("").to_string();
        let truth = v["match"].as_bool().expect("boolean match");
        if kind == "homonym_dob_negative" {
            // same name, different birth date: resolved by the entity scorer, not by names
            continue;
        }
        let nk = kind_of(v["query"]["schema"].as_str().unwrap_or("Person"));
        let q: Vec<PreparedName> = names(&v["query"])
            .iter()
            .map(|n| PreparedName::new(n, nk))
            .collect();
        let c: Vec<PreparedName> = names(&v["candidate"])
            .iter()
            .map(|n| PreparedName::new(n, nk))
            .collect();
        pairs += q.len() * c.len();
        prepared.push((
            q,
            c,
            truth,
            kind,
            v["id"].as_str().unwrap_or("").to_string(),
        ));
    }
    let start = Instant::now();
    let mut scores = Vec::with_capacity(prepared.len());
    for (q, c, ..) in &prepared {
        scores.push(best_score(q, c, &cfg));
    }
    let elapsed = start.elapsed();
    for ((q, c, truth, kind, id), s) in prepared.iter().zip(&scores) {
        let predicted = *s >= threshold;
        overall.add(*truth, predicted);
        by_kind
            .entry(kind.clone())
            .or_default()
            .add(*truth, predicted);
        if *truth != predicted {
            let m = compare(&q[0], &c[0], &cfg);
            misses.push(format!(
                "  {id} {kind} truth={truth} score={s:.3} {:?} vs {:?}: {}",
                q[0].raw(),
                c[0].raw(),
                m.detail
            ));
        }
    }
    println!("korean-names-dev (name only, threshold {threshold}):");
    println!("{}", overall.line("overall"));
    for (k, c) in &by_kind {
        println!("{}", c.line(k));
    }
    println!("misclassified:\n{}", misses.join("\n"));
    println!(
        "timing: {} name pairs in {:?} ({:.0} ns/pair)",
        pairs,
        elapsed,
        elapsed.as_nanos() as f64 / pairs.max(1) as f64
    );
    assert!(overall.f1() >= 0.97, "F1 {:.3} < 0.97", overall.f1());
    for (k, c) in &by_kind {
        if c.tp + c.fn_ > 0 {
            assert!(c.recall() >= 0.95, "recall of {k} {:.3} < 0.95", c.recall());
        }
    }
}

/// Minimal CSV reader for the bench file: quoted fields with doubled quotes.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if quoted {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(ch);
            }
            continue;
        }
        match ch {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\r' => {}
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn name_bench() {
    let Some(path) = yalu_testdata::shared("data/names/name-bench-cases.csv") else {
        return;
    };
    let cfg = NameScoreConfig::default();
    // A name match is judged at the scorer's one threshold.
    let threshold = yalu_match::MatchConfig::default().threshold;
    let text = std::fs::read_to_string(&path).expect("readable name-bench-cases.csv");
    let rows = csv_rows(&text);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let (cs, c1, c2, cm, cg) = (
        col("schema"),
        col("name1"),
        col("name2"),
        col("is_match"),
        col("case_group"),
    );
    let mut overall = Counts::default();
    let mut by_group: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    for r in &rows[1..] {
        if r.len() <= cm {
            continue;
        }
        let kind = kind_of(&r[cs]);
        let truth = r[cm] == "true";
        let a = PreparedName::new(&r[c1], kind);
        let b = PreparedName::new(&r[c2], kind);
        let m = compare(&a, &b, &cfg);
        let predicted = m.score >= threshold;
        overall.add(truth, predicted);
        by_group
            .entry(r[cg].clone())
            .or_default()
            .add(truth, predicted);
        if truth != predicted {
            misses.push(format!(
                "  {} truth={truth} score={:.3} {:?} vs {:?}: {}",
                r[cs], m.score, r[c1], r[c2], m.detail
            ));
        }
    }
    println!("name-bench (threshold {threshold}):");
    println!("{}", overall.line("overall"));
    for (g, c) in &by_group {
        println!("{}", c.line(g));
    }
    println!("misclassified:\n{}", misses.join("\n"));
    assert!(
        overall.f1() >= 0.88,
        "name-bench F1 {:.3} < 0.88",
        overall.f1()
    );
}

#[test]
fn cross_script_pairs() {
    let Some(path) = yalu_testdata::shared("data/names/cross-script-pairs.csv") else {
        return;
    };
    let cfg = NameScoreConfig::default();
    let text = std::fs::read_to_string(&path).expect("readable cross-script-pairs.csv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        let [query, expected, min, desc] = cols[..] else {
            panic!("bad line {line}");
        };
        let min: f64 = min.parse().expect("numeric minimum");
        let m = compare(
            &PreparedName::new(query, NameKind::Person),
            &PreparedName::new(expected, NameKind::Person),
            &cfg,
        );
        n += 1;
        let ok = m.score >= min;
        println!(
            "{} {query} vs {expected}: {:.3} (min {min}) [{desc}] {} ~ {}: {}",
            if ok { "ok  " } else { "FAIL" },
            m.score,
            m.query,
            m.candidate,
            m.detail
        );
        if !ok {
            failures.push(format!("{query} vs {expected}: {:.3} < {min}", m.score));
        }
    }
    assert!(n >= 20, "only {n} pairs read");
    assert!(failures.is_empty(), "below minimum: {failures:?}");
}

#[test]
fn speed_budget() {
    // a rough guard, meaningful in release builds: a few hundred candidates per query
    let cfg = NameScoreConfig::default();
    let q = PreparedName::new("Kim Jong Un", NameKind::Person);
    let cands: Vec<PreparedName> = [
        "KIM, Jong-Un",
        "Kim Jung Eun",
        "Ri Je Son",
        "Pak Pong Ju",
        "Choe Ryong Hae",
        "Kim Yo Jong",
        "Jong Kyong Thaek",
        "Kim Tong Myong",
        "Hyon Kwang Il",
        "Kim Jong Il",
    ]
    .iter()
    .map(|n| PreparedName::new(n, NameKind::Person))
    .collect();
    let rounds = 2000;
    let start = Instant::now();
    let mut acc = 0.0;
    for _ in 0..rounds {
        for c in &cands {
            acc += score(&q, c, &cfg);
        }
    }
    let per_pair = start.elapsed().as_nanos() as f64 / (rounds * cands.len()) as f64;
    println!("score(): {per_pair:.0} ns/pair (checksum {acc:.1})");
    if !cfg!(debug_assertions) {
        assert!(per_pair < 20_000.0, "{per_pair} ns per pair");
    }
}
