//! The analyst workbench in a real browser: starts `yalu demo` on an
//! ephemeral port with fresh keys, then runs `e2e/workbench.spec.mjs`
//! (playwright-core driving Debian's headless Chromium), which signs in,
//! screens a name, searches "Mansudae" as it types, opens the group's entity
//! page and reaches a linked person (the demo with the small list
//! `e2e/fixtures/mansudae.ftm.json` added), opens a case, closes it with four-eyes approval by a
//! second analyst, and saves screenshots in `e2e/screenshots/`.
//!
//! Needs `/usr/bin/chromium` and `node`; `npm ci` runs in `e2e/` when
//! `node_modules` is missing. Where either is absent the test prints
//! `SKIPPED: ...` and passes; with `YALU_REQUIRE_BROWSER=1` it fails
//! instead.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Skips (or, with `YALU_REQUIRE_BROWSER=1`, fails) for a missing tool.
fn unavailable(why: &str) {
    if std::env::var("YALU_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("YALU_REQUIRE_BROWSER=1 but {why}");
    }
    yalu_testdata::skip(&format!(
        "browser test: {why} (set YALU_REQUIRE_BROWSER=1 to make this a failure)"
    ));
}

fn works(cmd: &str, args: &[&str], dir: &Path) -> bool {
    Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the demo server when the test ends, however it ends.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `child` to completion or kills it after `limit`.
fn wait_with_limit(mut child: Child, limit: Duration) -> (bool, String, String) {
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("waiting for node") {
            break Some(s);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    (status.is_some_and(|s| s.success()), out, err)
}

#[test]
fn workbench_in_headless_chromium() {
    let root = yalu_testdata::repo_root();
    let e2e = root.join("e2e");
    if !Path::new(CHROMIUM).exists() {
        return unavailable(&format!("{CHROMIUM} is missing (apt-get install chromium)"));
    }
    if !works("node", &["--version"], &e2e) {
        return unavailable("node is not installed");
    }
    if !e2e.join("node_modules/playwright-core").exists() {
        let lock = e2e.join("package-lock.json").exists();
        let args: &[&str] = if lock {
            &["ci", "--no-audit", "--no-fund"]
        } else {
            &["install", "--no-audit", "--no-fund"]
        };
        if !works("npm", args, &e2e) {
            return unavailable("`npm ci` in e2e/ failed (no npm, or no registry access)");
        }
    }

    // The demo, on a port the system picks, in a folder of its own.
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_yalu"))
        .args(["demo", "--bind", "127.0.0.1:0", "--workers", "150", "--dir"])
        .arg(tmp.path().join("demo"))
        .arg("--keys-out")
        .arg(&keys)
        // A small network (public-record Mansudae entries) for the search
        // box, the entity page and its links.
        .arg("--add-list")
        .arg(e2e.join("fixtures/mansudae.ftm.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting yalu demo");
    let stdout = child.stdout.take().unwrap();
    let demo = Demo(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("demo: {line}");
            if let Some(url) = line.split("the workbench is at ").nth(1) {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(180))
        .expect("yalu demo printed no workbench URL within 180 s");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    wait_ready(&url);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    assert!(
        doc["alerts"].as_u64().unwrap() > 0,
        "the demo world raised no alert: {doc}"
    );

    // Not emptied first: another `cargo test` may be running this test too.
    let shots: PathBuf = e2e.join("screenshots");
    let node = Command::new("node")
        .arg(e2e.join("workbench.spec.mjs"))
        .args(["--url", &url, "--keys"])
        .arg(&keys)
        .arg("--screenshots")
        .arg(&shots)
        .current_dir(&e2e)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting node");
    let (ok, out, err) = wait_with_limit(node, Duration::from_secs(300));
    drop(demo);
    println!("{out}");
    eprintln!("{err}");
    assert!(ok, "the browser test failed:\n{err}\n{out}");
    let summary: serde_json::Value =
        serde_json::from_str(out.lines().last().expect("a summary line")).unwrap();
    assert_eq!(summary["ok"], true, "{summary}");
    assert!(summary["case_id"].is_string(), "{summary}");
    let written: Vec<&str> = summary["screenshots"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for name in [
        "01-screening",
        "02-case-queue",
        "03-case",
        "05-approved",
        "06-dashboard",
        "07-entity",
    ] {
        let path = shots.join(format!("{name}.png"));
        let file = format!("/{name}.png");
        assert!(
            written.iter().any(|w| w.ends_with(&file)),
            "no {name} screenshot in {written:?}"
        );
        let png = std::fs::read(&path).unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        assert!(
            png.len() > 5_000 && png.starts_with(b"\x89PNG"),
            "{name}.png is not a real screenshot"
        );
    }
}

/// Waits until `/readyz` answers 200 (the index is loaded).
fn wait_ready(url: &str) {
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            use std::io::{Read, Write};
            let _ = s.write_all(
                format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("{url} did not become ready within 120 s");
}
