//! Proof of compatibility: the PyPI package `yente-client` runs its match,
//! search, fetch, catalog and algorithms calls against the real server.
//!
//! The test creates a virtualenv under the cargo target folder and installs
//! `yente-client` with pip (network access to PyPI is needed the first
//! time). When Python, venv or pip is unavailable it prints `SKIPPED: ...`
//! and passes, unless `YALU_REQUIRE_CLIENT=1`, which CI sets: then it fails.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use yalu_server::Limits;
use yalu_store::{Role, Store};

/// The client version the wire format was checked against.
const CLIENT: &str = "yente-client==0.2.0";

fn require_client() -> bool {
    // Test-harness switch, like YALU_REQUIRE_SHARED (not configuration).
    std::env::var("YALU_REQUIRE_CLIENT").is_ok_and(|v| v == "1")
}

fn skip(reason: &str) {
    if require_client() {
        panic!("YALU_REQUIRE_CLIENT=1 but the Python client cannot run: {reason}");
    }
    yalu_testdata::skip(&format!("yente-client compatibility test: {reason}"));
}

/// A venv with yente-client installed, or why there is none.
fn client_python() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yente-client-venv");
    let python = venv.join("bin").join("python");
    let ready = |p: &Path| {
        Command::new(p)
            .args(["-c", "import yente_client"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if python.exists() && ready(&python) {
        return Ok(python);
    }
    let system = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .ok_or("no python3 on PATH")?;
    let out = Command::new(system)
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .output()
        .map_err(|e| format!("python -m venv: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "python -m venv failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            CLIENT,
        ])
        .output()
        .map_err(|e| format!("pip: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "pip install {CLIENT} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if !ready(&python) {
        return Err("yente_client does not import after installing".into());
    }
    Ok(python)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yente_client_matches_against_yalu_serve() {
    let python = match tokio::task::spawn_blocking(client_python).await.unwrap() {
        Ok(p) => p,
        Err(reason) => return skip(&reason),
    };
    let store = Arc::new(Store::open_in_memory().unwrap());
    let key = store
        .keys()
        .create(Role::Screener, Some("python"))
        .unwrap()
        .key;
    let server = start(vec![demo_list()], Some(store), Limits::default()).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/client/yente_client_check.py");
    let base = format!("http://{}", server.addr);
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(&base)
        .arg(&key)
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "yente-client failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
    server.shutdown().await;
}
