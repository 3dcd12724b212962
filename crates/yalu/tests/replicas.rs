//! Replicas on one PostgreSQL behind a real load balancer (docs/deploy.md).
//!
//! Three `yalu serve` processes share one PostgreSQL database (a schema of
//! the machine's server, named in the URL's `options`), each with its own
//! copy of the lists, behind HAProxy from Debian (`.ci/run` installs it)
//! configured as docs/deploy.md says: screening routes retried on another
//! replica on any retryable error, workbench routes only when the request
//! never reached a replica. The test drives reviews through the balancer
//! and directly at each replica and checks:
//!
//! - four-eyes across replicas: analyst A closes on replica 1 as a true
//!   match; A cannot approve on replica 2, analyst B can;
//! - concurrent changes to one case from two replicas: one winner and a
//!   409 for the other (`version_conflict` with versions; without one, the
//!   state machine's `invalid_transition`), never a silent overwrite;
//! - a key created or revoked on one replica works, or fails, on its very
//!   next request there and on the others within one second;
//! - a replica killed (SIGKILL) mid-traffic: every screening request sent
//!   through the balancer is answered, every acknowledged decision is in
//!   the store afterwards;
//! - audit sequence numbers from all replicas run 1, 2, 3, ... without a
//!   gap or a duplicate, and every replica serves the same log;
//! - list reloads are per replica and never mix two list versions in one
//!   answer.
//!
//! Needs PostgreSQL (`YALU_REQUIRE_POSTGRES=1` fails instead of skipping)
//! and `haproxy` on the PATH (`YALU_REQUIRE_BALANCER=1` likewise). Every
//! address is on 127.0.0.1; every loop is bounded.
//!
//! ```sh
//! cargo test --release -p yalu --test replicas -- --nocapture
//! ```

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::{Duration, Instant};

const REPLICAS: usize = 3;
/// Entities in the test list; each query of a batch names one of them.
const PEOPLE: [&str; 6] = [
    "Ri Chol Ho",
    "Kim Song Nam",
    "Pak Yong Sik",
    "Jang Myong Jin",
    "Choe Hyon Ok",
    "Han Kwang Bok",
];

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .proxy(None)
        .build()
        .into()
}

/// `haproxy` on the PATH, or `None` after a skip notice (a failure with
/// `YALU_REQUIRE_BALANCER=1`).
fn haproxy() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("haproxy"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !std::env::var("YALU_REQUIRE_BALANCER").is_ok_and(|v| v == "1"),
            "YALU_REQUIRE_BALANCER=1 but haproxy is not installed (apt-get install haproxy)"
        );
        yalu_testdata::skip(
            "haproxy is not installed; set YALU_REQUIRE_BALANCER=1 to make this fail",
        );
    }
    found
}

/// One version of the test list: FtM JSON lines, every entity noting the
/// version, so an answer shows which version it came from.
fn write_list(dir: &Path, version: u32) -> PathBuf {
    let folder = dir.join("list");
    std::fs::create_dir_all(&folder).unwrap();
    let mut text = String::new();
    for (i, name) in PEOPLE.iter().enumerate() {
        text.push_str(
            &json!({
                "id": format!("rt-{i}"), "schema": "Person", "caption": name,
                "properties": {"name": [name], "notes": [format!("list version {version}")]},
                "datasets": ["replica_test"]
            })
            .to_string(),
        );
        text.push('\n');
    }
    // Written beside and renamed, as a list fetch does.
    let tmp = folder.join("entities.ftm.json.new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, folder.join("entities.ftm.json")).unwrap();
    folder
}

struct Replica {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Replica {
    fn start(dir: PathBuf, database: &str) -> Replica {
        std::fs::create_dir_all(&dir).unwrap();
        let list = write_list(&dir, 1);
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("yalu"))
            .current_dir(&dir)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--database",
                database,
                "--list",
            ])
            .arg(&list)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("yalu serve starts");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let addr = yalu_testdata::serve_address(&rx, Duration::from_secs(60), |_| {});
        let replica = Replica { child, addr, dir };
        wait_ready(&format!("http://{addr}"));
        replica
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_ready(base: &str) {
    let start = Instant::now();
    loop {
        let ok = agent()
            .get(format!("{base}/readyz"))
            .call()
            .is_ok_and(|r| r.status() == 200);
        if ok {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{base} never ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Balancer {
    child: Child,
    url: String,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HAProxy in front of the replicas, configured as docs/deploy.md shows.
fn start_balancer(haproxy: &Path, dir: &Path, replicas: &[Replica]) -> Balancer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let servers: String = replicas
        .iter()
        .enumerate()
        .map(|(i, r)| format!("    server r{} {} check\n", i + 1, r.addr))
        .collect();
    let config = format!(
        "global\n    maxconn 4096\n    log stdout format raw local0\n\
         defaults\n    mode http\n    log global\n    option httplog\n    timeout connect 1s\n    timeout client 30s\n    \
         timeout server 30s\n    timeout check 1s\n    retries 3\n    option redispatch 1\n    \
         option httpchk GET /readyz\n    http-check expect status 200\n    \
         option http-buffer-request\n    \
         default-server inter 250ms fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down\n\
         frontend yalu\n    bind 127.0.0.1:{port}\n    \
         acl screening path_beg /match/ /search/\n    \
         use_backend screening if screening\n    default_backend workbench\n\
         backend screening\n    balance roundrobin\n    retry-on all-retryable-errors\n{servers}\
         backend workbench\n    balance roundrobin\n    retry-on conn-failure\n{servers}"
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).unwrap();
    let check = Command::new(haproxy)
        .arg("-c")
        .arg("-f")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "haproxy -c: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Its request log (one line per request, with the termination state
    // and retries) is kept to explain a failure.
    let log = std::fs::File::create(dir.join("haproxy.log")).unwrap();
    let child = Command::new(haproxy)
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdout(log)
        .stderr(Stdio::null())
        .spawn()
        .expect("haproxy starts");
    let balancer = Balancer {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    wait_ready(&balancer.url);
    balancer
}

/// An answer: status and JSON body (`null` when not JSON).
fn send(method: &str, url: &str, key: &str, body: Option<&Value>) -> (u16, Value) {
    let a = agent();
    let resp = match (method, body) {
        ("GET", _) => a
            .get(url)
            .header("Authorization", format!("Bearer {key}"))
            .call(),
        (_, Some(b)) => a
            .post(url)
            .header("Authorization", format!("Bearer {key}"))
            .content_type("application/json")
            .send(b.to_string().as_str()),
        (_, None) => a
            .post(url)
            .header("Authorization", format!("Bearer {key}"))
            .send_empty(),
    };
    match resp {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let text = r
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        }
        Err(e) => (0, json!({ "transport_error": e.to_string() })),
    }
}

fn import(base: &str, key: &str, tag: &str) -> i64 {
    let alert = json!({"alerts": [{
        "alert_id": format!("RT-{tag}"), "rule": "VISA_RUN_CYCLE", "severity": "high",
        "subject_ids": [format!("p-{tag}")], "evidence_ids": ["v1"],
        "period_start": "2024-01-05", "period_end": null, "summary": format!("visa runs {tag}"),
        "estimated_revenue_usd": 100.0
    }]});
    let (status, v) = send("POST", &format!("{base}/cases/import"), key, Some(&alert));
    assert_eq!(status, 200, "{v}");
    v["items"][0]["case_id"].as_i64().unwrap()
}

/// `/match` with one query per person: every result's list version, per
/// query.
fn match_versions(base: &str, key: &str) -> Result<Vec<String>, String> {
    let queries: serde_json::Map<String, Value> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                format!("q{i}"),
                json!({"schema": "Person", "properties": {"name": [name]}}),
            )
        })
        .collect();
    let (status, v) = send(
        "POST",
        &format!("{base}/match/default"),
        key,
        Some(&json!({ "queries": queries })),
    );
    if status != 200 {
        return Err(format!("{status} {v}"));
    }
    let mut versions = Vec::new();
    for (q, answer) in v["responses"].as_object().ok_or("no responses")? {
        let results = answer["results"].as_array().ok_or("no results")?;
        if results.is_empty() {
            return Err(format!("{q}: no result"));
        }
        for r in results {
            versions.push(
                r["properties"]["notes"][0]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
            );
        }
    }
    Ok(versions)
}

struct Keys {
    screener: String,
    ana: String,
    ben: String,
    admin: String,
}

#[test]
fn replicas_on_postgres_behind_haproxy() {
    let Some(haproxy) = haproxy() else { return };
    let Some(pg) = yalu_testdata::postgres_url() else {
        return;
    };
    let started = Instant::now();
    let schema = yalu_testdata::unique_schema("yalu_replicas");
    // The schema is created and migrated here; the servers find it through
    // the search path set in the URL.
    let keys = {
        let store = yalu_store::Store::open_postgres(&pg, Some(&schema)).unwrap();
        let key = |role| store.keys().create(role, Some("replica test")).unwrap().key;
        Keys {
            screener: key(yalu_store::Role::Screener),
            ana: key(yalu_store::Role::Analyst),
            ben: key(yalu_store::Role::Analyst),
            admin: key(yalu_store::Role::Admin),
        }
    };
    let database = format!("{pg}?options=-csearch_path%3D{schema}");
    let dir = tempfile::tempdir().unwrap();
    let mut replicas: Vec<Replica> = (0..REPLICAS)
        .map(|i| Replica::start(dir.path().join(format!("replica-{}", i + 1)), &database))
        .collect();
    let balancer = start_balancer(&haproxy, dir.path(), &replicas);
    let lb = balancer.url.clone();
    let r: Vec<String> = replicas.iter().map(Replica::url).collect();
    println!(
        "{REPLICAS} replicas and HAProxy ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    four_eyes_across_replicas(&r, &lb, &keys);
    one_winner_per_case(&r, &keys);
    keys_follow_across_replicas(&r, &keys);
    reloads_are_per_replica_and_never_mixed(&replicas, &keys);
    let acknowledged = kill_a_replica_mid_traffic(&mut replicas, &lb, &keys, dir.path());
    // The survivors: the log and the acknowledged decisions.
    let survivors: Vec<String> = replicas
        .iter()
        .take(REPLICAS - 1)
        .map(Replica::url)
        .collect();
    audit_is_one_gapless_sequence(&survivors, &keys, &acknowledged);
    drop(balancer);
    drop(replicas);
    yalu_store::Store::drop_postgres_schema(&pg, &schema).unwrap();
    println!(
        "replica test done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn four_eyes_across_replicas(r: &[String], lb: &str, k: &Keys) {
    for (requester, approver_base) in [(&r[0], &r[1]), (&lb.to_string(), &lb.to_string())] {
        let id = import(requester, &k.ana, &format!("4e-{}", id_salt()));
        let close = json!({"resolution": "true_match", "rationale": "passport agrees"});
        let (s, v) = send(
            "POST",
            &format!("{requester}/cases/{id}/close"),
            &k.ana,
            Some(&close),
        );
        assert_eq!(
            (s, v["status"].as_str()),
            (200, Some("pending_approval")),
            "{v}"
        );
        let (s, v) = send(
            "POST",
            &format!("{approver_base}/cases/{id}/approve"),
            &k.ana,
            None,
        );
        assert_eq!(s, 403, "the requester approved on another replica: {v}");
        assert_eq!(v["code"], "four_eyes_violation");
        let (s, v) = send(
            "POST",
            &format!("{approver_base}/cases/{id}/approve"),
            &k.ben,
            None,
        );
        assert_eq!((s, v["status"].as_str()), (200, Some("closed")), "{v}");
        // Every replica sees the closed case.
        for base in r {
            let (s, v) = send("GET", &format!("{base}/cases/{id}"), &k.ana, None);
            assert_eq!((s, v["case"]["status"].as_str()), (200, Some("closed")));
        }
    }
    println!("four-eyes across replicas: held (direct and through the balancer)");
}

/// A number that differs between calls (alert ids must be unique).
fn id_salt() -> usize {
    use std::sync::atomic::AtomicUsize;
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn one_winner_per_case(r: &[String], k: &Keys) {
    let rounds = 12;
    let mut conflicts = 0;
    for round in 0..rounds {
        let id = import(&r[0], &k.ana, &format!("race-{round}"));
        let (_, case) = send("GET", &format!("{}/cases/{id}", r[1]), &k.ben, None);
        let version = case["case"]["version"]
            .as_i64()
            .expect("cases carry a version");
        let barrier = Arc::new(Barrier::new(2));
        // With the version seen: two different status changes.
        let racers: Vec<_> = [("in_review", &r[0], &k.ana), ("escalated", &r[1], &k.ben)]
            .into_iter()
            .map(|(to, base, key)| {
                let (url, key, barrier) = (
                    format!("{base}/cases/{id}/status"),
                    key.clone(),
                    barrier.clone(),
                );
                let body = json!({"status": to, "version": version});
                std::thread::spawn(move || {
                    barrier.wait();
                    send("POST", &url, &key, Some(&body))
                })
            })
            .collect();
        let outcomes: Vec<(u16, Value)> = racers.into_iter().map(|h| h.join().unwrap()).collect();
        let wins: Vec<&Value> = outcomes
            .iter()
            .filter(|o| o.0 == 200)
            .map(|o| &o.1)
            .collect();
        let lost: Vec<&Value> = outcomes
            .iter()
            .filter(|o| o.0 == 409)
            .map(|o| &o.1)
            .collect();
        assert_eq!(
            (wins.len(), lost.len()),
            (1, 1),
            "round {round}: {outcomes:?}"
        );
        assert_eq!(lost[0]["code"], "version_conflict", "{}", lost[0]);
        assert_eq!(wins[0]["version"], version + 1);
        let (_, after) = send("GET", &format!("{}/cases/{id}", r[2]), &k.ana, None);
        assert_eq!(
            after["case"]["status"], wins[0]["status"],
            "the winner's change stands"
        );
        assert_eq!(
            after["history"].as_array().unwrap().len(),
            2,
            "create + one change"
        );
        conflicts += 1;
        // Without versions: two closings; the second meets a closed case.
        let barrier = Arc::new(Barrier::new(2));
        let racers: Vec<_> = [(&r[1], &k.ana), (&r[2], &k.ben)]
            .into_iter()
            .map(|(base, key)| {
                let (url, key, barrier) = (
                    format!("{base}/cases/{id}/close"),
                    key.clone(),
                    barrier.clone(),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    let body = json!({"resolution": "not_actionable", "rationale": "left in 2016"});
                    send("POST", &url, &key, Some(&body))
                })
            })
            .collect();
        let outcomes: Vec<(u16, Value)> = racers.into_iter().map(|h| h.join().unwrap()).collect();
        let statuses: Vec<u16> = {
            let mut s: Vec<u16> = outcomes.iter().map(|o| o.0).collect();
            s.sort_unstable();
            s
        };
        assert_eq!(statuses, [200, 409], "{outcomes:?}");
        let lost = outcomes.iter().find(|o| o.0 == 409).unwrap();
        assert_eq!(lost.1["code"], "invalid_transition", "{}", lost.1);
    }
    println!(
        "concurrent changes from two replicas: {rounds} rounds, each one winner and one 409 ({conflicts} version_conflict, {rounds} invalid_transition)"
    );
}

/// Polls `base` with `key` until the answer's status is `want`; the time
/// from `since`, or a failure after `limit`.
fn until_status(base: &str, key: &str, want: u16, since: Instant, limit: Duration) -> Duration {
    loop {
        let (s, _) = send("GET", &format!("{base}/me"), key, None);
        if s == want {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < limit,
            "{base}: still {s} instead of {want} after {:?}",
            since.elapsed()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn keys_follow_across_replicas(r: &[String], k: &Keys) {
    let second = Duration::from_secs(1);
    let mut worst = Duration::ZERO;
    for round in 0..3 {
        let (made_on, revoked_on) = (round % r.len(), (round + 1) % r.len());
        let (s, created) = send(
            "POST",
            &format!("{}/admin/keys", r[made_on]),
            &k.admin,
            Some(&json!({"role": "screener", "label": format!("round {round}")})),
        );
        assert_eq!(s, 201, "{created}");
        let (key, id) = (
            created["key"].as_str().unwrap(),
            created["id"].as_str().unwrap(),
        );
        let t = Instant::now();
        // The very next request on the replica that created it.
        let (s, _) = send("GET", &format!("{}/me", r[made_on]), key, None);
        assert_eq!(s, 200, "a new key fails on the replica that made it");
        for base in r {
            worst = worst.max(until_status(base, key, 200, t, second));
        }
        let (s, v) = send(
            "POST",
            &format!("{}/admin/keys/{id}/revoke", r[revoked_on]),
            &k.admin,
            None,
        );
        assert_eq!((s, &v["revoked"]), (200, &json!(true)), "{v}");
        let t = Instant::now();
        let (s, v) = send("GET", &format!("{}/me", r[revoked_on]), key, None);
        assert_eq!(
            s, 401,
            "a revoked key passed on the replica that revoked it: {v}"
        );
        for base in r {
            worst = worst.max(until_status(base, key, 401, t, second));
        }
    }
    println!(
        "keys created and revoked on one replica: in effect on the others after at most {worst:?}"
    );
}

fn reloads_are_per_replica_and_never_mixed(replicas: &[Replica], k: &Keys) {
    let (one, two) = (&replicas[0], &replicas[1]);
    let all =
        |versions: &[String], v: u32| versions.iter().all(|x| *x == format!("list version {v}"));
    assert!(all(&match_versions(&one.url(), &k.screener).unwrap(), 1));
    // Replica 1 gets version 2 of its list and reloads several times while
    // batches of queries keep coming.
    write_list(&one.dir, 2);
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new((0usize, [0usize; 2])));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (base, key, stop, seen) =
                (one.url(), k.screener.clone(), stop.clone(), seen.clone());
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let versions = match_versions(&base, &key).expect("a match answer");
                    let mut s = seen.lock().unwrap();
                    s.0 += 1;
                    let first = versions[0].clone();
                    assert!(
                        versions.iter().all(|v| *v == first),
                        "one answer mixes list versions: {versions:?}"
                    );
                    s.1[usize::from(first.ends_with('2'))] += 1;
                }
            })
        })
        .collect();
    for reload in 0..3 {
        if reload == 2 {
            write_list(&one.dir, 1);
            std::thread::sleep(Duration::from_millis(100));
            write_list(&one.dir, 2);
        }
        let (s, v) = send(
            "POST",
            &format!("{}/admin/reload", one.url()),
            &k.admin,
            None,
        );
        assert_eq!(s, 200, "{v}");
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, Ordering::Relaxed);
    for h in readers {
        h.join().expect("no answer mixed versions");
    }
    let (answers, by_version) = *seen.lock().unwrap();
    assert!(all(&match_versions(&one.url(), &k.screener).unwrap(), 2));
    // Replica 2 was not reloaded: still version 1.
    assert!(all(&match_versions(&two.url(), &k.screener).unwrap(), 1));
    println!(
        "reloads: {answers} batch answers during 3 reloads of replica 1 ({} version 1, {} version 2), none mixed; replica 2 kept version 1",
        by_version[0], by_version[1]
    );
}

/// One acknowledged review action: the case, the action, the status after.
#[derive(Debug, Clone)]
struct Ack {
    case: i64,
    action: String,
    status: String,
}

fn kill_a_replica_mid_traffic(
    replicas: &mut [Replica],
    lb: &str,
    k: &Keys,
    log_dir: &Path,
) -> Vec<Ack> {
    let stop = Arc::new(AtomicBool::new(false));
    let screening = Arc::new(Mutex::new((0usize, Vec::<String>::new())));
    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let unacknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut threads = Vec::new();
    for t in 0..4 {
        let (lb, key, stop, screening) = (
            lb.to_string(),
            k.screener.clone(),
            stop.clone(),
            screening.clone(),
        );
        threads.push(std::thread::spawn(move || {
            for i in 0..100_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let name = PEOPLE[(i + t) % PEOPLE.len()];
                let body =
                    json!({"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}});
                let (s, v) = send("POST", &format!("{lb}/match/default"), &key, Some(&body));
                let mut sc = screening.lock().unwrap();
                sc.0 += 1;
                if s != 200 {
                    sc.1.push(format!("{s} {v}"));
                }
            }
        }));
    }
    for t in 0..4 {
        let (lb, key, stop, acks, lost) = (
            lb.to_string(),
            if t % 2 == 0 {
                k.ana.clone()
            } else {
                k.ben.clone()
            },
            stop.clone(),
            acks.clone(),
            unacknowledged.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut case: Option<(i64, String)> = None;
            for i in 0..100_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (id, status) = match &case {
                    Some(c) => c.clone(),
                    None => {
                        let alert = json!({"alerts": [{
                            "alert_id": format!("RT-kill-{t}-{i}"), "rule": "VISA_RUN_CYCLE",
                            "severity": "high", "subject_ids": ["p1"], "evidence_ids": ["v1"],
                            "period_start": "2024-01-05", "period_end": null,
                            "summary": "visa runs", "estimated_revenue_usd": 100.0
                        }]});
                        let (s, v) =
                            send("POST", &format!("{lb}/cases/import"), &key, Some(&alert));
                        if s != 200 {
                            lost.lock().unwrap().push(format!("import: {s} {v}"));
                            continue;
                        }
                        let id = v["items"][0]["case_id"].as_i64().unwrap();
                        acks.lock().unwrap().push(Ack {
                            case: id,
                            action: "create".into(),
                            status: "open".into(),
                        });
                        (id, "open".to_string())
                    }
                };
                let (path, body, action, to) = if i % 5 == 4 {
                    (
                        "close",
                        json!({"resolution": "not_actionable", "rationale": "gone"}),
                        "close",
                        "closed",
                    )
                } else {
                    let to = if status == "in_review" {
                        "escalated"
                    } else {
                        "in_review"
                    };
                    ("status", json!({"status": to}), "status", to)
                };
                let (s, v) = send(
                    "POST",
                    &format!("{lb}/cases/{id}/{path}"),
                    &key,
                    Some(&body),
                );
                if s == 200 {
                    assert_eq!(v["status"], to, "{v}");
                    acks.lock().unwrap().push(Ack {
                        case: id,
                        action: action.into(),
                        status: to.into(),
                    });
                    case = if to == "closed" {
                        None
                    } else {
                        Some((id, to.to_string()))
                    };
                } else {
                    // Not acknowledged (it may or may not have been
                    // committed): start over on a new case.
                    lost.lock()
                        .unwrap()
                        .push(format!("{path} on {id}: {s} {v}"));
                    case = None;
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let before_kill = screening.lock().unwrap().0;
    let victim = replicas.last_mut().unwrap();
    victim.child.kill().unwrap();
    let _ = victim.child.wait();
    let killed_at = Instant::now();
    std::thread::sleep(Duration::from_millis(3000));
    stop.store(true, Ordering::Relaxed);
    for h in threads {
        h.join().unwrap();
    }
    let (sent, failed) = screening.lock().unwrap().clone();
    let acks = acks.lock().unwrap().clone();
    let lost = unacknowledged.lock().unwrap().clone();
    println!(
        "replica 3 killed after {before_kill} screening requests; {sent} sent through the balancer in all, {} failed; {} review actions acknowledged, {} not (in flight on the killed replica); {:.1} s after the kill",
        failed.len(),
        acks.len(),
        lost.len(),
        killed_at.elapsed().as_secs_f64()
    );
    assert!(
        failed.is_empty(),
        "screening through the balancer failed: {failed:?}; the balancer's log of those:\n{}",
        balancer_errors(log_dir)
    );
    assert!(acks.len() > 20, "too little review traffic: {}", acks.len());
    assert!(
        lost.len() <= 4,
        "more than the in-flight actions failed: {lost:?}"
    );
    acks
}

/// The balancer's log lines of requests that did not end in a 2xx.
fn balancer_errors(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("haproxy.log")).unwrap_or_default();
    log.lines()
        .filter(|l| l.contains("/match/") && !l.contains(" 200 "))
        .take(20)
        .collect::<Vec<_>>()
        .join("\n")
}

fn audit_is_one_gapless_sequence(survivors: &[String], k: &Keys, acks: &[Ack]) {
    let (s, log) = send("GET", &format!("{}/audit", survivors[0]), &k.ana, None);
    assert_eq!(s, 200);
    let log = log.as_array().unwrap().clone();
    let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=log.len() as i64).collect::<Vec<_>>(),
        "audit sequence numbers with a gap or a duplicate"
    );
    for base in &survivors[1..] {
        let (_, other) = send("GET", &format!("{base}/audit"), &k.ana, None);
        assert_eq!(other.as_array().unwrap(), &log, "{base} serves another log");
    }
    // Every acknowledged decision is in the log, in order, per case.
    let mut by_case: std::collections::BTreeMap<i64, Vec<(String, String)>> = Default::default();
    for e in &log {
        if let Some(case) = e["case_id"].as_i64() {
            by_case.entry(case).or_default().push((
                e["action"].as_str().unwrap_or("").to_string(),
                e["after"]["status"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    let mut expected: std::collections::BTreeMap<i64, Vec<(String, String)>> = Default::default();
    for a in acks {
        expected
            .entry(a.case)
            .or_default()
            .push((a.action.clone(), a.status.clone()));
    }
    for (case, want) in &expected {
        let got = by_case.get(case).cloned().unwrap_or_default();
        // At most one more: the action in flight when the replica died.
        assert!(
            got.len() >= want.len() && got.len() <= want.len() + 1 && got[..want.len()] == want[..],
            "case {case}: acknowledged {want:?}, the log has {got:?}"
        );
    }
    println!(
        "audit: {} entries, seq 1..{} without gap or duplicate, the same on every surviving replica; all {} acknowledged actions present",
        log.len(),
        log.len(),
        acks.len()
    );
}
