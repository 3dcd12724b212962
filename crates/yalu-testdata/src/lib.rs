//! Test support for every Yalu crate: where the shared real data lives, and
//! what a test does when it is absent.
//!
//! The real sanctions lists and labelled name pairs live beside the
//! repository in `../shared` (read-only, never copied in). A fresh clone has
//! no `../shared`: then a test that needs it prints a notice and skips, unless
//! `YALU_REQUIRE_SHARED=1` is set (as `.ci/run` does), in which case the test
//! fails. This crate is only ever a dev-dependency.
//!
//! ```no_run
//! let Some(sdn) = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07") else { return };
//! assert!(sdn.is_dir());
//! ```

pub mod damage;
pub mod synth;

use std::path::PathBuf;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// `../shared` beside the repository.
pub fn shared_root() -> PathBuf {
    repo_root().join("../shared")
}

/// Whether a missing `../shared` must fail the test (`YALU_REQUIRE_SHARED=1`).
pub fn shared_required() -> bool {
    std::env::var("YALU_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// The file every skip notice is also appended to, one line per skip:
/// `target/skipped-tests.txt` in the repository. `scripts/test` empties it,
/// runs the README's test command and prints it with a count.
pub fn skips_file() -> PathBuf {
    repo_root().join("target").join("skipped-tests.txt")
}

/// Records that the running test skips, and why: prints `SKIPPED: reason`
/// on stderr (shown with `--nocapture` or when the test fails) and appends
/// `test name: reason` to [`skips_file`], so a whole run's skips can be
/// counted and listed after it. Each call site decides whether a skip is
/// allowed (its `YALU_REQUIRE_*` variable) before calling this.
pub fn skip(reason: &str) {
    use std::io::Write;
    eprintln!("SKIPPED: {reason}");
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("(unnamed test)");
    // The test binary: its file name without cargo's hash suffix.
    let binary = std::env::args()
        .next()
        .and_then(|a| {
            let stem = std::path::Path::new(&a).file_stem()?.to_str()?.to_string();
            Some(match stem.rsplit_once('-') {
                Some((name, _hash)) => name.to_string(),
                None => stem,
            })
        })
        .unwrap_or_default();
    let line = format!("{binary} {test}: {reason}\n");
    let path = skips_file();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // One write of a short line in append mode: lines of parallel tests
    // do not interleave. A failure to record is not the test's failure.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The path of `relative` under `../shared`, or `None` after printing a skip
/// notice when it is absent. Panics instead when `YALU_REQUIRE_SHARED=1`.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if shared_required() {
        panic!("YALU_REQUIRE_SHARED=1 but {} is missing", path.display());
    }
    skip(&format!(
        "{} is absent (a fresh clone has no ../shared); set YALU_REQUIRE_SHARED=1 to make this fail",
        path.display()
    ));
    None
}

/// The PostgreSQL server tests use: trust authentication on the local
/// machine, database `test`.
pub const POSTGRES_URL: &str = "postgres://root@127.0.0.1:5432/test";

/// Whether an absent PostgreSQL must fail the test (`YALU_REQUIRE_POSTGRES=1`).
pub fn postgres_required() -> bool {
    std::env::var("YALU_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// The URL of the local PostgreSQL server when something listens on its
/// port, or `None` after printing a skip notice. Panics instead when
/// `YALU_REQUIRE_POSTGRES=1`.
pub fn postgres_url() -> Option<String> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 5432));
    match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)) {
        Ok(_) => Some(POSTGRES_URL.to_string()),
        Err(e) => {
            if postgres_required() {
                panic!("YALU_REQUIRE_POSTGRES=1 but PostgreSQL at {addr} is unreachable: {e}");
            }
            skip(&format!(
                "no PostgreSQL at {addr} ({e}); set YALU_REQUIRE_POSTGRES=1 to make this fail"
            ));
            None
        }
    }
}

/// A schema name no other test (or test run) uses: `prefix`, the process
/// id, the time and a counter.
pub fn unique_schema(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000_000)
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{nanos}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The address `yalu serve` reports in its log line
/// `listening on http://ADDR`, read from `lines` (the server's stderr, one
/// line per message). Every line read before it is passed to `seen`.
/// Panics if no such line comes within `wait`.
pub fn serve_address(
    lines: &std::sync::mpsc::Receiver<String>,
    wait: std::time::Duration,
    mut seen: impl FnMut(&str),
) -> std::net::SocketAddr {
    loop {
        let line = lines
            .recv_timeout(wait)
            .expect("yalu serve prints its address");
        seen(&line);
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let addr = rest.split_whitespace().next().unwrap_or_default();
            return addr
                .parse()
                .unwrap_or_else(|e| panic!("`{addr}` in `{line}`: {e}"));
        }
    }
}
