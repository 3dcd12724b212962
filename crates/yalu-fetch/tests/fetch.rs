//! Fetching from a local mirror (a tiny HTTP server on 127.0.0.1 serving
//! the real list files in ../shared): good downloads are verified,
//! checksummed and swapped in; a 404, a truncated body or garbage never
//! replaces the last good copy.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yalu_fetch::{FetchOptions, Manifest, Source, SourceError, fetch, sha256_file};

#[derive(Clone)]
enum Reply {
    File(PathBuf),
    Body(Vec<u8>),
    NotFound,
    /// Announces the full length, sends half, closes.
    Truncated(PathBuf),
}

type Routes = Arc<Mutex<HashMap<String, Reply>>>;

/// Serves `routes` on 127.0.0.1 until the test ends; returns the base URL.
fn serve(routes: Routes) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let reply = routes.lock().unwrap().get(&path).cloned();
            let (status, body, announced) = match reply {
                Some(Reply::File(p)) => {
                    let b = std::fs::read(p).unwrap();
                    let n = b.len();
                    ("200 OK", b, n)
                }
                Some(Reply::Body(b)) => {
                    let n = b.len();
                    ("200 OK", b, n)
                }
                Some(Reply::Truncated(p)) => {
                    let b = std::fs::read(p).unwrap();
                    let n = b.len();
                    ("200 OK", b[..n / 2].to_vec(), n)
                }
                Some(Reply::NotFound) | None => ("404 Not Found", b"not here".to_vec(), 8),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    });
    format!("http://{addr}/")
}

struct Mirror {
    routes: Routes,
    base: String,
    files: HashMap<String, PathBuf>,
}

fn mirror() -> Option<Mirror> {
    let sdn = yalu_testdata::shared("data/lists/ofac/sdn-2021-07-07")?;
    let cons = yalu_testdata::shared("data/lists/ofac/cons-2025-12-19")?;
    let un = yalu_testdata::shared("data/lists/un/consolidated-2026-02-27.xml")?;
    let os = yalu_testdata::shared("data/lists/opensanctions/t1/entities.ftm.json")?;
    let uk = yalu_testdata::shared("data/lists/uk/uk-ofsi-conlist-2025-04-14.xlsx")?;
    let mut files = HashMap::new();
    for f in Source::OfacSdn.files() {
        files.insert(format!("/ofac-sdn/{f}"), sdn.join(f));
    }
    for f in Source::OfacCons.files() {
        files.insert(format!("/ofac-cons/{f}"), cons.join(f));
    }
    files.insert("/un/consolidated.xml".into(), un);
    files.insert("/opensanctions/entities.ftm.json".into(), os);
    files.insert("/uk-ofsi/ConList.xlsx".into(), uk);
    let routes: Routes = Arc::new(Mutex::new(
        files
            .iter()
            .map(|(k, v)| (k.clone(), Reply::File(v.clone())))
            .collect(),
    ));
    let base = serve(routes.clone());
    Some(Mirror {
        routes,
        base,
        files,
    })
}

fn options(target: &Path, base: &str, sources: &[Source]) -> FetchOptions {
    FetchOptions {
        target: target.to_path_buf(),
        sources: sources.to_vec(),
        base_url: Some(base.to_string()),
        timeout: Duration::from_secs(30),
    }
}

fn checksums(folder: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                sha256_file(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn fetch_verifies_records_and_never_replaces_a_good_copy_with_a_bad_one() {
    let Some(m) = mirror() else { return };
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("lists");

    let report = fetch(&options(&target, &m.base, &Source::ALL)).unwrap();
    for o in &report.outcomes {
        assert!(o.result.is_ok(), "{:?}: {:?}", o.source, o.result);
    }
    let manifest = Manifest::read(&target).unwrap();
    assert_eq!(manifest, report.manifest);
    let sdn = &manifest.sources[&Source::OfacSdn];
    assert_eq!(sdn.entities, 8976);
    assert_eq!(sdn.dataset, "us_ofac_sdn");
    assert_eq!(sdn.files.len(), 4);
    for f in &sdn.files {
        let original = &m.files[&format!("/ofac-sdn/{}", f.name)];
        assert_eq!(f.sha256, sha256_file(original).unwrap());
        assert_eq!(f.bytes, std::fs::metadata(original).unwrap().len());
        assert_eq!(f.url, format!("{}ofac-sdn/{}", m.base, f.name));
    }
    assert!(
        sdn.fetched_at
            .as_deref()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 20)
    );
    assert_eq!(manifest.sources[&Source::Un].entities, 1003);
    assert_eq!(manifest.sources[&Source::OfacCons].dataset, "us_ofac_cons");
    assert_eq!(
        manifest.sources[&Source::UkOfsi].dataset,
        "gb_hmt_sanctions"
    );
    assert_eq!(manifest.sources[&Source::UkOfsi].entities, 4688);
    for s in Source::ALL {
        let list = yalu_lists::read_path(&s.list_path(&target), &Default::default()).unwrap();
        assert_eq!(list.entities.len(), manifest.sources[&s].entities);
    }
    let before: Vec<_> = [Source::OfacSdn, Source::Un, Source::OpenSanctions]
        .iter()
        .map(|s| checksums(&target.join(s.name())))
        .collect();

    // Now a 404, garbage and a truncated body; the consolidated list is fine.
    {
        let mut r = m.routes.lock().unwrap();
        r.insert("/ofac-sdn/alt.csv".into(), Reply::NotFound);
        r.insert(
            "/un/consolidated.xml".into(),
            Reply::Body(b"<html><body>Service unavailable</body></html>".to_vec()),
        );
        r.insert(
            "/opensanctions/entities.ftm.json".into(),
            Reply::Truncated(m.files["/opensanctions/entities.ftm.json"].clone()),
        );
    }
    let report = fetch(&options(&target, &m.base, &Source::ALL)).unwrap();
    assert_eq!(report.failures(), 3);
    let outcome = |s: Source| report.outcomes.iter().find(|o| o.source == s).unwrap();
    assert!(matches!(
        outcome(Source::OfacSdn).result,
        Err(SourceError::Download { ref url, .. }) if url.ends_with("/ofac-sdn/alt.csv")
    ));
    assert!(matches!(
        outcome(Source::Un).result,
        Err(SourceError::Unreadable { .. })
    ));
    assert!(outcome(Source::OpenSanctions).result.is_err());
    assert!(outcome(Source::OfacCons).result.is_ok());
    for o in &report.outcomes {
        assert!(o.result.is_ok() || o.kept_previous);
    }
    let after: Vec<_> = [Source::OfacSdn, Source::Un, Source::OpenSanctions]
        .iter()
        .map(|s| checksums(&target.join(s.name())))
        .collect();
    assert_eq!(
        before, after,
        "a failed download touched the last good copy"
    );
    let manifest = Manifest::read(&target).unwrap();
    let un = &manifest.sources[&Source::Un];
    assert_eq!(un.entities, 1003, "the entry of the good copy is kept");
    assert!(
        un.last_failure
            .as_ref()
            .is_some_and(|f| f.error.contains("does not read"))
    );
    assert!(manifest.sources[&Source::OfacCons].last_failure.is_none());
    // No temporary folders are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_bad_first_download_leaves_nothing_behind() {
    let Some(m) = mirror() else { return };
    m.routes.lock().unwrap().insert(
        "/un/consolidated.xml".into(),
        Reply::Body(b"garbage".to_vec()),
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("lists");
    let report = fetch(&options(&target, &m.base, &[Source::Un])).unwrap();
    assert_eq!(report.failures(), 1);
    assert!(!report.outcomes[0].kept_previous);
    assert!(!target.join("un").exists());
    let manifest = Manifest::read(&target).unwrap();
    assert!(manifest.sources[&Source::Un].fetched_at.is_none());
    assert!(manifest.sources[&Source::Un].last_failure.is_some());
}
