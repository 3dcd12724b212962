//! `yalu keys` and `yalu serve` end to end: the real binary, a key created
//! while it runs, SIGHUP reloads, graceful stop.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn yalu() -> Command {
    Command::cargo_bin("yalu").expect("binary built")
}

fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn keys_and_serve_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yalu.db");
    let db_arg = db.to_str().unwrap();
    let demo = yalu_testdata::repo_root().join("demo/lists/ofac-sample");

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("yalu"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--store",
            db_arg,
            "--list",
        ])
        .arg(&demo)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut log = Vec::new();
    let addr = yalu_testdata::serve_address(&rx, Duration::from_secs(60), |line| {
        log.push(line.to_string())
    });
    assert!(
        log.iter().any(|l| l.contains("no API key exists yet")),
        "{log:?}"
    );
    wait_for("readiness", || {
        http(addr, "GET", "/readyz", None, "").0 == 200
    });
    let query =
        r#"{"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}"#;
    assert_eq!(http(addr, "POST", "/match/default", None, query).0, 401);

    // Keys created by the CLI while the server runs work without restart.
    let out = yalu()
        .args([
            "keys", "create", "--role", "admin", "--label", "ops", "--store", db_arg,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let admin = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(admin.starts_with("yalu_"));
    let (status, body) = http(addr, "POST", "/match/default", Some(&admin), query);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ofac-9001\""));

    // SIGHUP reloads.
    let kill = |sig: &str| {
        std::process::Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap()
    };
    assert!(kill("-HUP").success());
    wait_for("a reload on SIGHUP", || {
        http(addr, "GET", "/metrics", Some(&admin), "")
            .1
            .contains("yalu_reloads_succeeded_total 2")
    });

    // List and revoke.
    let out = yalu()
        .args(["keys", "list", "--json", "--store", db_arg])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    assert_eq!(listed[0]["role"], "admin");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(&admin),
        "the secret is never listed"
    );
    yalu()
        .args(["keys", "revoke", &id, "--store", db_arg])
        .assert()
        .success();
    yalu()
        .args(["keys", "revoke", &id, "--store", db_arg])
        .assert()
        .failure();
    assert_eq!(http(addr, "GET", "/catalog", Some(&admin), "").0, 401);

    assert!(kill("-TERM").success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful stop on SIGTERM: {status:?}");
}

#[test]
fn serve_refuses_bad_settings_and_warns_without_auth() {
    yalu()
        .args(["serve", "--list", "x", "--bind", "nonsense"])
        .assert()
        .failure();
    yalu()
        .args([
            "serve",
            "--list",
            "x",
            "--refresh-every",
            "soon",
            "--no-auth",
        ])
        .assert()
        .failure();
    let dir = tempfile::tempdir().unwrap();
    let out = yalu()
        .args(["serve", "--no-auth", "--bind", "127.0.0.1:0", "--list"])
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a first load that fails stops the server"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--no-auth"), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");
}

#[test]
fn the_example_config_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let example = yalu_testdata::repo_root().join("yalu.example.toml");
    yalu()
        .arg("--config")
        .arg(&example)
        .args(["keys", "list", "--store"])
        .arg(dir.path().join("k.db"))
        .assert()
        .success();
}
