//! Crash safety (docs/reliability.md, "Crash safety"): processes killed
//! with SIGKILL in the middle of their work, then restarted.
//!
//! - `yalu serve` killed while many clients review cases (comments, status
//!   changes, assignments, closings, four-eyes approvals and rejections),
//!   on SQLite and on PostgreSQL. Every acknowledged decision survives;
//!   replaying the audit log gives each case's state; entry numbers have no
//!   gaps; no half-written case, comment or audit entry exists.
//! - `yalu lists fetch` killed mid-download from a mirror that trickles its
//!   bytes: the last good copy and its manifest survive and verify; the next
//!   run finishes the update; a copy left between the swap's two renames is
//!   put back.
//! - `yalu screen --resume` killed several times: the resumed output is
//!   byte-identical to an uninterrupted run. (One kill is also covered by
//!   `cli_screen.rs`; this one kills three times in a row, JSON lines out.)

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("yalu")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .proxy(None)
        .build()
        .into()
}

// ----------------------------------------------------- the server, killed

/// `yalu serve` on an ephemeral port with `store_args` (`--store FILE` or
/// `--database URL`), ready to answer.
fn start_server(dir: &Path, store_args: &[String]) -> (Child, SocketAddr) {
    let demo = yalu_testdata::repo_root().join("demo/lists/ofac-sample");
    let mut child = std::process::Command::new(bin())
        .current_dir(dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--list"])
        .arg(&demo)
        .args(store_args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let addr = yalu_testdata::serve_address(&rx, Duration::from_secs(60), |_| {});
    let start = Instant::now();
    while agent()
        .get(format!("http://{addr}/readyz"))
        .call()
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(start.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, addr)
}

/// The part of a case that the audit log records (`Case::state`).
fn state_of(case: &Value) -> Value {
    let mut s = json!({
        "status": case["status"],
        "resolution": case["resolution"],
        "assignee": case["assignee"],
    });
    if let Some(a) = case.get("approval").filter(|a| a.is_object()) {
        s["approval"] = json!({
            "requested_by": a["requested_by"],
            "resolution": a["resolution"],
            "approved_by": a["approved_by"],
        });
    }
    s
}

/// A change a client asked for: acknowledged (2xx) or in flight when the
/// server died (it may or may not have been committed).
#[derive(Debug, Clone)]
struct Change {
    case: Option<i64>,
    action: &'static str,
    /// The case's state the change leads to (checked against the answer
    /// when acknowledged).
    after: Value,
    /// Comment text, or the alert id of an import.
    detail: Option<String>,
    /// The comment id the server gave.
    comment_id: Option<i64>,
    acknowledged: bool,
}

struct Reviewer {
    n: usize,
    base: String,
    agent: ureq::Agent,
    key: (String, String),
    /// (key, key id) of the second analyst who approves.
    second: (String, String),
    /// Owned cases and their current state.
    cases: Vec<(i64, Value)>,
    rng: u64,
    imported: u64,
    round: u32,
    log: Vec<Change>,
    /// Answers other than 2xx (never expected: each case has one owner).
    refused: Vec<String>,
}

impl Reviewer {
    fn next(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Sends a POST; `Ok(Some(answer))` on 2xx, `Ok(None)` on a refusal
    /// (recorded), `Err` when the server is gone.
    fn post(&mut self, key: &str, path: &str, body: &Value) -> Result<Option<Value>, ()> {
        let resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {key}"))
            .content_type("application/json")
            .send(body.to_string().as_str());
        let mut resp = resp.map_err(|_| ())?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().map_err(|_| ())?;
        if !(200..300).contains(&status) {
            self.refused.push(format!("{path}: {status} {text}"));
            return Ok(None);
        }
        Ok(Some(serde_json::from_str(&text).expect("JSON answer")))
    }

    /// Works until `stop` or until the server is gone; returns when the
    /// connection fails (the in-flight change is logged as unacknowledged).
    fn work(&mut self, stop: &AtomicBool, acks: &AtomicU64) {
        for _ in 0..20_000 {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let open: Vec<usize> = (0..self.cases.len())
                .filter(|&i| self.cases[i].1["status"] != "closed")
                .collect();
            let r = self.next();
            let change = if open.len() < 3 || r.is_multiple_of(10) {
                self.imported += 1;
                let alert_id = format!("CRASH-{}-{}-{}", self.round, self.n, self.imported);
                Change {
                    case: None,
                    action: "create",
                    after: json!({"status": "open", "resolution": null, "assignee": null}),
                    detail: Some(alert_id),
                    comment_id: None,
                    acknowledged: false,
                }
            } else {
                let i = open[(r >> 8) as usize % open.len()];
                let (id, cur) = self.cases[i].clone();
                self.plan(id, &cur, r >> 16)
            };
            let (key, _) = if change.action == "approve" || change.action == "reject_approval" {
                self.second.clone()
            } else {
                self.key.clone()
            };
            let (path, body) = request_of(&change);
            let mut logged = change.clone();
            self.log.push(logged.clone());
            let answer = match self.post(&key, &path, &body) {
                Ok(Some(a)) => a,
                Ok(None) => {
                    self.log.pop();
                    continue;
                }
                Err(()) => return, // the server is gone; the change stays unacknowledged
            };
            logged.acknowledged = true;
            match change.action {
                "create" => {
                    let item = &answer["items"][0];
                    assert_eq!(item["outcome"], "created", "{answer}");
                    let id = item["case_id"].as_i64().unwrap();
                    logged.case = Some(id);
                    self.cases.push((id, change.after.clone()));
                }
                "comment" => {
                    assert_eq!(answer["text"].as_str(), change.detail.as_deref());
                    logged.comment_id = Some(answer["id"].as_i64().unwrap());
                }
                _ => {
                    let got = state_of(&answer);
                    assert_eq!(got, change.after, "{} answered {answer}", change.action);
                    let i = self
                        .cases
                        .iter()
                        .position(|(id, _)| Some(*id) == change.case)
                        .unwrap();
                    self.cases[i].1 = got;
                }
            }
            *self.log.last_mut().unwrap() = logged;
            acks.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The next review action on a case and the state it leads to.
    fn plan(&self, id: i64, cur: &Value, r: u64) -> Change {
        let mut after = cur.clone();
        let status = cur["status"].as_str().unwrap();
        let (action, detail): (&'static str, Option<String>) = if status == "pending_approval" {
            if r.is_multiple_of(3) {
                after["status"] = json!("in_review");
                after.as_object_mut().unwrap().remove("approval");
                ("reject_approval", None)
            } else {
                after["status"] = json!("closed");
                after["resolution"] = json!("true_match");
                after["approval"]["approved_by"] = json!(self.second.1);
                ("approve", None)
            }
        } else {
            match r % 8 {
                0..=2 => {
                    let text = format!("note {} by {} on {id}", r % 100_000, self.n);
                    ("comment", Some(text))
                }
                3 | 4 => {
                    let to = ["open", "in_review", "escalated"]
                        .into_iter()
                        .filter(|s| *s != status)
                        .nth((r >> 4) as usize % 2)
                        .unwrap();
                    after["status"] = json!(to);
                    ("status", Some(to.to_string()))
                }
                5 => {
                    let who = format!("analyst-{}", r % 5);
                    after["assignee"] = json!(who);
                    ("assign", Some(who))
                }
                _ => match (r >> 4) % 3 {
                    0 => {
                        after["status"] = json!("pending_approval");
                        after["approval"] = json!({
                            "requested_by": self.key.1, "resolution": "true_match",
                            "approved_by": null
                        });
                        ("request_approval", Some("true_match".into()))
                    }
                    1 => {
                        after["status"] = json!("closed");
                        after["resolution"] = json!("false_positive");
                        ("close", Some("false_positive".into()))
                    }
                    _ => {
                        after["status"] = json!("closed");
                        after["resolution"] = json!("not_actionable");
                        ("close", Some("not_actionable".into()))
                    }
                },
            }
        };
        if action == "comment" {
            after = cur.clone();
        }
        Change {
            case: Some(id),
            action,
            after,
            detail,
            comment_id: None,
            acknowledged: false,
        }
    }
}

/// The route and body of a change.
fn request_of(c: &Change) -> (String, Value) {
    let id = c.case.unwrap_or(0);
    let d = c.detail.clone().unwrap_or_default();
    match c.action {
        "create" => (
            "/cases/import".into(),
            json!({"alerts": [{
                "alert_id": d, "rule": "VISA_RUN_CYCLE", "severity": "high",
                "subject_ids": [format!("p-{d}")], "evidence_ids": [format!("v-{d}")],
                "period_start": null, "period_end": null, "summary": "visa runs",
                "estimated_revenue_usd": 100.0
            }]}),
        ),
        "comment" => (format!("/cases/{id}/comment"), json!({"text": d})),
        "status" => (format!("/cases/{id}/status"), json!({"status": d})),
        "assign" => (format!("/cases/{id}/assign"), json!({"assignee": d})),
        "request_approval" | "close" => (
            format!("/cases/{id}/close"),
            json!({"resolution": d, "rationale": "documents checked"}),
        ),
        "approve" => (
            format!("/cases/{id}/approve"),
            json!({"rationale": "agreed"}),
        ),
        "reject_approval" => (
            format!("/cases/{id}/reject-approval"),
            json!({"rationale": "more evidence"}),
        ),
        other => unreachable!("{other}"),
    }
}

fn get(addr: SocketAddr, key: &str, path: &str) -> Value {
    let mut resp = agent()
        .get(format!("http://{addr}{path}"))
        .header("Authorization", format!("Bearer {key}"))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
}

/// Everything the server holds, read back through the API.
struct Snapshot {
    cases: BTreeMap<i64, Value>,
    comments: BTreeMap<i64, Vec<Value>>,
    payload_alert: BTreeMap<i64, String>,
    audit: Vec<Value>,
}

fn snapshot(addr: SocketAddr, key: &str) -> Snapshot {
    let mut cases = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = get(addr, key, &format!("/cases?limit=1000&offset={offset}"));
        let got = page["cases"].as_array().unwrap();
        for c in got {
            cases.insert(c["id"].as_i64().unwrap(), c.clone());
        }
        offset += got.len();
        if got.is_empty() || offset as u64 >= page["total"].as_u64().unwrap() {
            break;
        }
    }
    let mut comments = BTreeMap::new();
    let mut payload_alert = BTreeMap::new();
    for (id, c) in &cases {
        let d = get(addr, key, &format!("/cases/{id}"));
        comments.insert(*id, d["comments"].as_array().unwrap().clone());
        // Investigations are opened by the server, from imports; every
        // other case is one client's alert.
        if c["kind"] != "investigation" {
            payload_alert.insert(*id, d["alert"]["alert_id"].as_str().unwrap().to_string());
        }
    }
    let audit = get(addr, key, "/audit").as_array().unwrap().clone();
    Snapshot {
        cases,
        comments,
        payload_alert,
        audit,
    }
}

/// The checks after a restart; returns the number of acknowledged changes
/// found.
fn verify(s: &Snapshot, logs: &[Vec<Change>]) -> usize {
    // Entry numbers run 1, 2, 3, ... with no gap.
    for (i, e) in s.audit.iter().enumerate() {
        assert_eq!(e["seq"].as_i64(), Some(i as i64 + 1), "audit gap at {e}");
    }
    // Every case row is whole and consistent with its status.
    for (id, c) in &s.cases {
        let status = c["status"].as_str().unwrap();
        let resolution = c["resolution"].as_str();
        match status {
            "closed" => {
                assert!(resolution.is_some(), "closed without resolution: {c}");
                assert!(
                    c["rationale"].is_string() && c["closed_by"].is_string(),
                    "{c}"
                );
            }
            "pending_approval" => {
                assert!(resolution.is_none(), "{c}");
                assert!(c["approval"]["requested_by"].is_string(), "{c}");
            }
            "open" | "in_review" | "escalated" => {
                assert!(resolution.is_none() && c.get("approval").is_none(), "{c}")
            }
            other => panic!("case {id} has status {other}"),
        }
    }
    // Replaying each case's entries gives its state; every entry has its
    // change and every change its entry; comments match comment entries.
    let mut by_case: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for e in &s.audit {
        let id = e["case_id"].as_i64().expect("every entry names its case");
        assert!(s.cases.contains_key(&id), "entry for a missing case: {e}");
        by_case.entry(id).or_default().push(e);
    }
    for (id, c) in &s.cases {
        let entries = by_case.get(id).expect("every case has entries");
        assert_eq!(
            entries[0]["action"], "create",
            "case {id} starts with create"
        );
        assert!(entries[0]["before"].is_null());
        let mut state = Value::Null;
        for e in entries {
            assert_eq!(e["before"], state, "case {id}: broken chain at {e}");
            state = e["after"].clone();
        }
        assert_eq!(state, state_of(c), "case {id}: log and case disagree");
        let comment_entries: Vec<&str> = entries
            .iter()
            .filter(|e| e["action"] == "comment")
            .map(|e| e["detail"].as_str().unwrap())
            .collect();
        let texts: Vec<&str> = s.comments[id]
            .iter()
            .map(|c| c["text"].as_str().unwrap())
            .collect();
        assert_eq!(comment_entries, texts, "case {id}: comments and log differ");
    }
    // Every acknowledged change is there, in order; a change in flight at a
    // kill may or may not be; nothing else happened to the clients' cases.
    let mut found = 0;
    let mut owned = std::collections::HashSet::new();
    for log in logs {
        let mut per_case: HashMap<i64, Vec<&Change>> = HashMap::new();
        for c in log {
            let id = match c.case {
                Some(id) => id,
                None => {
                    // An import: find its case by alert id.
                    let hit = s
                        .payload_alert
                        .iter()
                        .find(|(_, a)| Some(a.as_str()) == c.detail.as_deref())
                        .map(|(id, _)| *id);
                    assert!(
                        hit.is_some() || !c.acknowledged,
                        "acknowledged import {:?} lost",
                        c.detail
                    );
                    let Some(id) = hit else { continue };
                    id
                }
            };
            per_case.entry(id).or_default().push(c);
        }
        for (id, changes) in per_case {
            owned.insert(id);
            let entries = &by_case[&id];
            let acked = align(&changes, entries).unwrap_or_else(|| {
                panic!(
                    "case {id}: the log {entries:?} is not the acknowledged changes {changes:?} \
                     (plus, at most, those in flight at a kill)"
                )
            });
            found += acked;
            for c in changes.iter().filter(|c| c.acknowledged) {
                if let Some(cid) = c.comment_id {
                    assert!(
                        s.comments[&id].iter().any(|x| x["id"] == cid),
                        "acknowledged comment {cid} on case {id} lost"
                    );
                }
            }
        }
    }
    // The server opens an investigation with the first alert of a network
    // (here each alert has its own subject, so its own investigation) in
    // the import's transaction: every alert is in an investigation that
    // exists, and every investigation holds an alert and nothing happened
    // to it but its opening (no client works on investigations here).
    let mut holding: BTreeMap<i64, usize> = BTreeMap::new();
    for id in s.payload_alert.keys() {
        let c = &s.cases[id];
        let inv = c["investigation_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("alert case {id} is in no investigation: {c}"));
        assert_eq!(
            s.cases.get(&inv).map(|i| &i["kind"]),
            Some(&Value::from("investigation")),
            "case {id}: its investigation {inv} is missing"
        );
        *holding.entry(inv).or_default() += 1;
    }
    for (id, c) in s.cases.iter().filter(|(_, c)| c["kind"] == "investigation") {
        assert_eq!(
            holding.get(id),
            Some(&1),
            "investigation {id} holds no alert or several: {c}"
        );
        let actions: Vec<&Value> = by_case[id].iter().map(|e| &e["action"]).collect();
        assert_eq!(actions, ["create"], "investigation {id}");
        owned.insert(*id);
    }
    assert_eq!(
        owned.len(),
        s.cases.len(),
        "cases neither a client nor an import created: {:?}",
        s.cases
            .keys()
            .filter(|id| !owned.contains(id))
            .collect::<Vec<_>>()
    );
    found
}

/// Whether a case's audit entries are exactly its acknowledged changes, in
/// order, plus any subset of the unacknowledged ones (in flight at a kill);
/// the number of acknowledged changes matched.
fn align(changes: &[&Change], entries: &[&Value]) -> Option<usize> {
    let Some((c, rest)) = changes.split_first() else {
        return entries.is_empty().then_some(0);
    };
    let same = entries.first().is_some_and(|e| {
        e["action"] == c.action
            && e["after"] == c.after
            && (c.action != "comment" || e["detail"].as_str() == c.detail.as_deref())
    });
    let taken = if same {
        align(rest, &entries[1..]).map(|n| n + usize::from(c.acknowledged))
    } else {
        None
    };
    if taken.is_some() || c.acknowledged {
        return taken;
    }
    align(rest, entries)
}

/// Three rounds: work, SIGKILL, restart and verify; the clients of the
/// next round take over the cases as the restarted server has them.
fn kill_during_review(store_args: Vec<String>, database: &str) {
    const CLIENTS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let store = yalu_store::Store::open_url(database).unwrap();
    let keys: Vec<(String, String)> = (0..CLIENTS + 1)
        .map(|_| {
            let k = store
                .keys()
                .create(yalu_store::Role::Analyst, None)
                .unwrap();
            (k.key, k.id)
        })
        .collect();
    drop(store);
    let mut logs: Vec<Vec<Change>> = vec![Vec::new(); CLIENTS];
    let mut owned: Vec<Vec<(i64, Value)>> = vec![Vec::new(); CLIENTS];
    let mut total_acks = 0;
    for round in 1..=3u32 {
        let (mut child, addr) = start_server(dir.path(), &store_args);
        if round > 1 {
            let snap = snapshot(addr, &keys[0].0);
            let found = verify(&snap, &logs);
            // Each investigation has one entry, its opening (verify).
            let investigations = snap
                .cases
                .values()
                .filter(|c| c["kind"] == "investigation")
                .count();
            println!(
                "round {round}: after the kill, {} cases ({investigations} of them investigations the imports opened), \
                 {} audit entries (gap-free, replaying to every case); all {found} acknowledged changes present, \
                 {} changes in flight at a kill committed",
                snap.cases.len(),
                snap.audit.len(),
                snap.audit.len() - found - investigations
            );
            for cases in owned.iter_mut() {
                for (id, state) in cases.iter_mut() {
                    *state = state_of(&snap.cases[id]);
                }
            }
        }
        if round == 3 {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let acks = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let mut r = Reviewer {
                    n,
                    base: format!("http://{addr}"),
                    agent: agent(),
                    key: keys[n].clone(),
                    second: keys[(n + 1) % (CLIENTS + 1)].clone(),
                    cases: std::mem::take(&mut owned[n]),
                    rng: 0x2545_F491 ^ ((n as u64 + 7) << 32) ^ round as u64,
                    imported: 0,
                    round,
                    log: Vec::new(),
                    refused: Vec::new(),
                };
                let (stop, acks) = (stop.clone(), acks.clone());
                std::thread::spawn(move || {
                    r.work(&stop, &acks);
                    r
                })
            })
            .collect();
        // Kill in full flight: after enough decisions, while all work.
        let t = Instant::now();
        while acks.load(Ordering::Relaxed) < 600 && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for (n, h) in handles.into_iter().enumerate() {
            let r = h.join().unwrap();
            assert!(r.refused.is_empty(), "refused: {:?}", r.refused);
            owned[n] = r.cases;
            logs[n].extend(r.log);
        }
        let n = acks.load(Ordering::Relaxed);
        total_acks += n;
        assert!(n >= 100, "too little work before the kill ({n})");
        let in_flight = logs.iter().flatten().filter(|c| !c.acknowledged).count();
        println!(
            "round {round}: killed after {n} acknowledged changes ({in_flight} unacknowledged so far)"
        );
    }
    assert!(total_acks >= 200);
}

#[test]
fn killed_server_keeps_every_acknowledged_decision_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let db_text = db.to_str().unwrap().to_string();
    kill_during_review(vec!["--store".into(), db_text.clone()], &db_text);
}

#[test]
fn killed_server_keeps_every_acknowledged_decision_on_postgres() {
    let Some(url) = yalu_testdata::postgres_url() else {
        return;
    };
    let schema = yalu_testdata::unique_schema("yalu_crash");
    yalu_store::Store::open_postgres(&url, Some(&schema)).unwrap();
    let database = format!("{url}?options=-csearch_path%3D{schema}");
    kill_during_review(vec!["--database".into(), database.clone()], &database);
    yalu_store::Store::drop_postgres_schema(&url, &schema).unwrap();
}

// ------------------------------------------------ `yalu lists fetch`, killed

/// Mirror paths and their bodies; `true` trickles the body.
type Routes = Arc<Mutex<HashMap<String, (Vec<u8>, bool)>>>;

/// A mirror on 127.0.0.1: each path answers its bytes, all at once or
/// trickled (64 bytes every 50 ms); `sent` counts trickled bytes.
struct Mirror {
    base: String,
    files: Routes,
    sent: Arc<AtomicU64>,
}

fn mirror() -> Mirror {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let files: Routes = Arc::default();
    let sent = Arc::new(AtomicU64::new(0));
    let (routes, counter) = (files.clone(), sent.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (routes, counter) = (routes.clone(), counter.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let Some((body, slow)) = routes.lock().unwrap().get(&path).cloned() else {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    return;
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                if !slow {
                    let _ = stream.write_all(&body);
                    return;
                }
                // Bounded: the body ends, or the client goes away.
                for chunk in body.chunks(64) {
                    if stream
                        .write_all(chunk)
                        .and_then(|_| stream.flush())
                        .is_err()
                    {
                        return;
                    }
                    counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
    });
    Mirror { base, files, sent }
}

/// The OFAC sample as a mirror's `ofac-sdn/` files; `extra` appends an
/// entry to `sdn.csv` (a new version of the list).
fn sdn_files(extra: bool) -> Vec<(String, Vec<u8>)> {
    let demo = yalu_testdata::repo_root().join("demo/lists/ofac-sample");
    let mut sdn = std::fs::read(demo.join("sdn.csv")).unwrap();
    if extra {
        sdn.extend_from_slice(
            b"9901,\"HAN, Song Il\",\"individual\",\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 02 Feb 1975; nationality Korea, North.\"\n",
        );
    }
    vec![
        ("sdn.csv".into(), sdn),
        (
            "alt.csv".into(),
            std::fs::read(demo.join("alt.csv")).unwrap(),
        ),
        (
            "add.csv".into(),
            std::fs::read(demo.join("add.csv")).unwrap(),
        ),
        ("sdn_comments.csv".into(), Vec::new()),
    ]
}

fn fetch_cmd(target: &Path, base: &str) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.current_dir(target.parent().unwrap())
        .args([
            "lists",
            "fetch",
            "--source",
            "ofac-sdn",
            "--timeout",
            "60",
            "--base-url",
            base,
            "-o",
        ])
        .arg(target);
    c
}

/// The manifest's entry for `ofac-sdn`, checked against the folder: every
/// file's size and SHA-256 as recorded, and the list reads with the
/// recorded number of entities.
fn verified_entry(target: &Path) -> Value {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    let entry = manifest["sources"]["ofac-sdn"].clone();
    let folder = target.join("ofac-sdn");
    for f in entry["files"].as_array().unwrap() {
        let path = folder.join(f["name"].as_str().unwrap());
        assert_eq!(
            yalu_fetch::sha256_file(&path).unwrap(),
            f["sha256"].as_str().unwrap(),
            "{} differs from the manifest",
            path.display()
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            f["bytes"].as_u64().unwrap()
        );
    }
    let list = yalu_lists::read_path(&folder, &Default::default()).unwrap();
    assert_eq!(
        list.entities.len() as u64,
        entry["entities"].as_u64().unwrap()
    );
    entry
}

#[test]
fn killed_fetch_keeps_the_last_good_copy_and_the_next_run_finishes() {
    let m = mirror();
    let publish = |extra: bool, slow: bool| {
        let mut files = m.files.lock().unwrap();
        for (name, bytes) in sdn_files(extra) {
            files.insert(
                format!("/ofac-sdn/{name}"),
                (bytes, slow && name == "sdn.csv"),
            );
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("lists");

    // A good first copy.
    publish(false, false);
    let out = fetch_cmd(&target, &m.base).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let good = verified_entry(&target);
    assert_eq!(good["entities"], 10);
    let manifest_before = std::fs::read(target.join("manifest.json")).unwrap();

    // A new version, trickled; killed once part of it has arrived.
    publish(true, true);
    let mut child = fetch_cmd(&target, &m.base)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while m.sent.load(Ordering::Relaxed) < 256 {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the download never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let partial = target.join(".ofac-sdn.partial").join("sdn.csv");
    assert!(partial.exists(), "the download goes to the partial folder");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let received = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
    assert!(
        received < sdn_files(true)[0].1.len() as u64,
        "the download was not interrupted"
    );
    // The last good copy and its manifest are untouched and verify.
    assert_eq!(
        std::fs::read(target.join("manifest.json")).unwrap(),
        manifest_before
    );
    assert_eq!(verified_entry(&target), good);
    // The next run (full speed) finishes the update and cleans up.
    publish(true, false);
    let out = fetch_cmd(&target, &m.base).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let updated = verified_entry(&target);
    assert_eq!(updated["entities"], 11);
    assert!(!target.join(".ofac-sdn.partial").exists());
    assert!(!target.join(".ofac-sdn.previous").exists());
}

#[test]
fn a_fetch_killed_between_the_two_renames_is_repaired_by_the_next_run() {
    // The swap renames the current folder to `.ofac-sdn.previous`, then
    // the verified download into place. A kill between the two leaves no
    // `ofac-sdn/`: the next run puts the previous copy back, even when its
    // own download fails.
    let m = mirror();
    {
        let mut files = m.files.lock().unwrap();
        for (name, bytes) in sdn_files(false) {
            files.insert(format!("/ofac-sdn/{name}"), (bytes, false));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("lists");
    assert!(
        fetch_cmd(&target, &m.base)
            .output()
            .unwrap()
            .status
            .success()
    );
    let good = verified_entry(&target);
    std::fs::rename(target.join("ofac-sdn"), target.join(".ofac-sdn.previous")).unwrap();

    m.files.lock().unwrap().clear(); // every file now 404
    let out = fetch_cmd(&target, &m.base).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(!target.join(".ofac-sdn.previous").exists());
    let mut kept = verified_entry(&target);
    assert!(kept["last_failure"]["error"].is_string(), "{kept}");
    kept.as_object_mut().unwrap().remove("last_failure");
    let mut good = good;
    good.as_object_mut().unwrap().remove("last_failure");
    assert_eq!(kept, good);
}

// --------------------------------------------- `yalu screen`, killed thrice

#[test]
fn screen_killed_three_times_resumes_to_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.jsonl");
    let rows = 40_000;
    let names = [
        "Kim Jeong-eun",
        "Anna Schmidt",
        "Ri Chol-nam",
        "John Brown",
        "Samhae Trading Corp",
        "Maria Garcia",
    ];
    let mut text = String::new();
    for i in 1..=rows {
        let name = names[i % names.len()];
        text.push_str(&json!({"id": format!("C{i}"), "name": name}).to_string());
        text.push('\n');
    }
    std::fs::write(&input, text).unwrap();
    let demo = yalu_testdata::repo_root().join("demo/lists/ofac-sample");
    let run = |output: &Path, resume: bool| {
        let mut c = std::process::Command::new(bin());
        c.current_dir(dir.path())
            .args(["screen", "--chunk-rows", "64", "--list"])
            .arg(&demo)
            .arg("--input")
            .arg(&input)
            .arg("--output")
            .arg(output)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if resume {
            c.arg("--resume");
        }
        c
    };
    let whole = dir.path().join("whole.jsonl");
    assert!(run(&whole, false).status().unwrap().success());

    let cut = dir.path().join("cut.jsonl");
    let checkpoint = dir.path().join("cut.jsonl.progress.json");
    let rows_done = || -> u64 {
        std::fs::read_to_string(&checkpoint)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["rows_done"].as_u64())
            .unwrap_or(0)
    };
    let mut done_at_kills = Vec::new();
    for kill in 0..3 {
        let before = rows_done();
        let mut child = run(&cut, kill > 0).spawn().unwrap();
        let t = Instant::now();
        while rows_done() < before + 1_000 {
            assert!(t.elapsed() < Duration::from_secs(60), "no progress");
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        done_at_kills.push(rows_done());
    }
    assert!(
        done_at_kills.windows(2).all(|w| w[0] < w[1])
            && *done_at_kills.last().unwrap() < rows as u64,
        "each run made progress and none finished: {done_at_kills:?}"
    );
    assert!(run(&cut, true).status().unwrap().success());
    assert!(
        std::fs::read(&cut).unwrap() == std::fs::read(&whole).unwrap(),
        "resumed output (killed at rows {done_at_kills:?}) differs from the uninterrupted one"
    );
}
