//! Test support: start the real server on an ephemeral port and talk to it
//! over TCP with a minimal HTTP/1.1 client (no client library needed).

#![allow(dead_code)]

use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yalu_server::{Auth, IndexSource, Limits, RunningServer, ServerOptions};
use yalu_store::{Role, Store};

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts an error answer: status, JSON body with the stable code.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["code"], code, "body: {body}");
        assert_eq!(body["status"], status);
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{:?}",
            self.headers
        );
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&[u8]>,
) -> Response {
    let mut extra = String::new();
    if let Some(k) = key {
        extra.push_str(&format!("Authorization: Bearer {k}\r\n"));
    }
    raw_request(addr, method, path, &extra, body).await
}

pub async fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &str,
    body: Option<&[u8]>,
) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let body = body.unwrap_or(b"");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra_headers}\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    // A server may answer (413) before reading a large body; ignore a reset.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16)
            .expect("chunk size");
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

pub fn demo_list() -> PathBuf {
    yalu_testdata::repo_root().join("demo/lists/ofac-sample")
}

/// Writes `n` seeded synthetic entities as an FtM JSON lines list.
pub fn synthetic_list(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("synthetic.ftm.json");
    write_synthetic(&path, n, &[]);
    path
}

/// Writes the synthetic list plus extra entities.
pub fn write_synthetic(path: &Path, n: usize, extra: &[yalu_model::Entity]) {
    let mut text = String::new();
    for e in yalu_testdata::synth::entities(7, n).chain(extra.iter().cloned()) {
        text.push_str(&serde_json::to_string(&e).unwrap());
        text.push('\n');
    }
    // Write beside and rename, as a list update would.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

pub struct Keys {
    pub screener: String,
    pub analyst: String,
    pub admin: String,
}

pub fn make_keys(store: &Store) -> Keys {
    let k = store.keys();
    Keys {
        screener: k.create(Role::Screener, Some("test")).unwrap().key,
        analyst: k.create(Role::Analyst, Some("test")).unwrap().key,
        admin: k.create(Role::Admin, Some("test")).unwrap().key,
    }
}

pub async fn start(
    lists: Vec<PathBuf>,
    store: Option<Arc<Store>>,
    limits: Limits,
) -> RunningServer {
    let options = ServerOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        source: IndexSource {
            lists,
            strict: false,
        },
        auth: store.map(Auth::Keys).unwrap_or(Auth::Disabled),
        limits,
        ..ServerOptions::default()
    };
    let mut server = yalu_server::start(options).await.expect("server starts");
    server.wait_ready().await.expect("index loads");
    server
}

/// A one-query match body.
pub fn one_query(schema: &str, name: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "queries": {"q": {"schema": schema, "properties": {"name": [name]}}}
    }))
    .unwrap()
}
