//! # yalu-fetch
//!
//! Downloads the official sanctions lists into a local folder that
//! `yalu screen --list` and the other commands read, and keeps the last good
//! copy of each list whatever happens to a download.
//!
//! ## Tutorial
//!
//! ```no_run
//! use yalu_fetch::{FetchOptions, Source, fetch};
//!
//! let report = fetch(&FetchOptions {
//!     target: "lists".into(),
//!     sources: vec![Source::OfacSdn, Source::Un],
//!     base_url: None, // the official URLs; Some("http://mirror/") for a mirror
//!     timeout: std::time::Duration::from_secs(300),
//! })?;
//! for outcome in &report.outcomes {
//!     println!("{}: {:?}", outcome.source.name(), outcome.result);
//! }
//! // Then: yalu screen --list lists/ofac-sdn --list lists/un/consolidated.xml ...
//! # Ok::<(), yalu_fetch::FetchError>(())
//! ```
//!
//! ## Layout
//!
//! | source | folder | files | official URL of each file |
//! |---|---|---|---|
//! | OFAC SDN | `ofac-sdn/` | `sdn.csv`, `alt.csv`, `add.csv`, `sdn_comments.csv` | `https://www.treasury.gov/ofac/downloads/<file>` |
//! | OFAC non-SDN consolidated | `ofac-cons/` | `cons_prim.csv`, `cons_alt.csv`, `cons_add.csv`, `cons_comments.csv` | `https://www.treasury.gov/ofac/downloads/consolidated/<file>` |
//! | UN Security Council consolidated list | `un/` | `consolidated.xml` | `https://scsanctions.un.org/resources/xml/en/consolidated.xml` |
//! | OpenSanctions (FtM export of the `sanctions` collection) | `opensanctions/` | `entities.ftm.json` | `https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json` |
//! | UK OFSI consolidated list (XLSX) | `uk-ofsi/` | `ConList.xlsx` | `https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx` |
//!
//! With a base URL (a mirror), every file is fetched from
//! `<base>/<folder>/<file>`: the mirror has the layout of the local folder,
//! so a fetched folder served by any static HTTP server is itself a mirror.
//!
//! `manifest.json` in the target folder records, per source, when it was
//! fetched, each file's URL, size and SHA-256, the entity count, and the
//! last failure if the latest attempt failed.
//!
//! ## Never losing the last good copy
//!
//! A source is downloaded into `.<folder>.partial/` beside its folder. The
//! download fails on an HTTP error, a body shorter than its
//! `Content-Length`, or a file Yalu cannot read as that list
//! ([`yalu_lists::read_path`] errors, finds no entity, or has to skip most
//! records). Only a verified download is swapped in: the current folder is
//! renamed to `.<folder>.previous/`, the new one renamed into place, and the
//! previous one removed. A run that stops between the two renames leaves the
//! previous copy, which the next run puts back first.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A list Yalu can fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// OFAC's Specially Designated Nationals list, in its legacy CSV files.
    OfacSdn,
    /// OFAC's Consolidated (non-SDN) lists, in the same CSV layout.
    OfacCons,
    /// The UN Security Council consolidated list (XML), which carries the
    /// 1718 Committee's DPRK designations.
    Un,
    /// OpenSanctions' `sanctions` collection, as FtM JSON lines.
    OpenSanctions,
    /// The UK OFSI consolidated list, in its XLSX form.
    UkOfsi,
}

impl Source {
    /// Every source, in the order a run without `--source` fetches them.
    pub const ALL: [Source; 5] = [
        Source::OfacSdn,
        Source::OfacCons,
        Source::Un,
        Source::OpenSanctions,
        Source::UkOfsi,
    ];

    /// The folder name (and mirror path) of the source.
    pub fn name(self) -> &'static str {
        match self {
            Source::OfacSdn => "ofac-sdn",
            Source::OfacCons => "ofac-cons",
            Source::Un => "un",
            Source::OpenSanctions => "opensanctions",
            Source::UkOfsi => "uk-ofsi",
        }
    }

    /// The files of the source, as named in its folder.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Source::OfacSdn => &["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"],
            Source::OfacCons => &[
                "cons_prim.csv",
                "cons_alt.csv",
                "cons_add.csv",
                "cons_comments.csv",
            ],
            Source::Un => &["consolidated.xml"],
            Source::OpenSanctions => &["entities.ftm.json"],
            Source::UkOfsi => &["ConList.xlsx"],
        }
    }

    /// The official URL of one of its files.
    pub fn official_url(self, file: &str) -> String {
        match self {
            Source::OfacSdn => format!("https://www.treasury.gov/ofac/downloads/{file}"),
            Source::OfacCons => {
                format!("https://www.treasury.gov/ofac/downloads/consolidated/{file}")
            }
            Source::Un => "https://scsanctions.un.org/resources/xml/en/consolidated.xml".into(),
            Source::OpenSanctions => {
                "https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json".into()
            }
            Source::UkOfsi => {
                "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx"
                    .into()
            }
        }
    }

    /// Where a file is fetched from: the mirror's `<base>/<folder>/<file>`,
    /// else the official URL.
    pub fn url(self, file: &str, base_url: Option<&str>) -> String {
        match base_url {
            Some(base) => format!("{}/{}/{file}", base.trim_end_matches('/'), self.name()),
            None => self.official_url(file),
        }
    }

    /// What `yalu --list` should be given for this source inside the
    /// target folder.
    pub fn list_path(self, target: &Path) -> PathBuf {
        match self {
            Source::Un => target.join(self.name()).join("consolidated.xml"),
            Source::UkOfsi => target.join(self.name()).join("ConList.xlsx"),
            _ => target.join(self.name()),
        }
    }

    fn verify_path(self, folder: &Path) -> PathBuf {
        match self {
            Source::Un => folder.join("consolidated.xml"),
            Source::UkOfsi => folder.join("ConList.xlsx"),
            _ => folder.to_path_buf(),
        }
    }
}

impl std::str::FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown source `{s}` ({})",
                    Source::ALL.map(Source::name).join(", ")
                )
            })
    }
}

/// Why a fetch run could not proceed (a failing source is not an error:
/// see [`SourceOutcome`]).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The target folder or its manifest could not be created, read or
    /// written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// `manifest.json` exists but is not a manifest; it is left as it is.
    #[error("{path}: the manifest is not readable: {reason}")]
    Manifest {
        /// The manifest's path.
        path: PathBuf,
        /// Why it does not parse.
        reason: String,
    },
}

fn io(path: &Path, source: std::io::Error) -> FetchError {
    FetchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Why one source was not updated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The request failed: no connection, a timeout, an HTTP error status,
    /// or the body broke off while being read.
    #[error("{url}: {reason}")]
    Download {
        /// The URL requested.
        url: String,
        /// What went wrong, as the HTTP client reports it.
        reason: String,
    },
    /// The body is shorter or longer than its `Content-Length`: a cut
    /// download, never swapped in.
    #[error("{url}: received {received} bytes but Content-Length announced {expected}")]
    Truncated {
        /// The URL requested.
        url: String,
        /// Bytes actually received.
        received: u64,
        /// Bytes the server announced.
        expected: u64,
    },
    /// The files downloaded but the list reader rejects them, finds no
    /// entity, or skips more than half the records (an error page, a
    /// changed format).
    #[error("the download does not read as this list: {reason}")]
    Unreadable {
        /// The reader's error or the count of records it could not read.
        reason: String,
    },
    /// A local file operation failed (writing the download, the swap).
    #[error("{path}: {reason}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error, as text.
        reason: String,
    },
}

fn source_io(path: &Path, e: std::io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// One downloaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedFile {
    /// The file name inside the source's folder ([`Source::files`]).
    pub name: String,
    /// Where it was downloaded from (official URL or mirror).
    pub url: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of its content, lower-case hex (see [`sha256_file`]).
    pub sha256: String,
}

/// A failed attempt, kept in the manifest beside the last good copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// When the attempt failed (UTC, RFC 3339).
    pub at: String,
    /// Why, as [`SourceError`] displays it.
    pub error: String,
}

/// The manifest entry of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// When the copy in the folder was fetched (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The files of the copy in the folder, with their sizes and checksums.
    #[serde(default)]
    pub files: Vec<FetchedFile>,
    /// Entities read from the copy when it was verified.
    #[serde(default)]
    pub entities: usize,
    /// The dataset name the list reader gave the copy's entities
    /// (`us_ofac_sdn`, `un_sc_sanctions`...); empty before a first good copy.
    #[serde(default)]
    pub dataset: String,
    /// The latest attempt, if it failed (the copy is the older one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<Failure>,
}

/// `manifest.json`: what the folder holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// One entry per source ever fetched into the folder, successfully or not.
    pub sources: BTreeMap<Source, SourceEntry>,
}

/// The manifest's file name inside the target folder.
pub const MANIFEST: &str = "manifest.json";

impl Manifest {
    /// Reads the manifest of a folder (empty when there is none).
    pub fn read(target: &Path) -> Result<Manifest, FetchError> {
        let path = target.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| FetchError::Manifest {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(io(&path, e)),
        }
    }

    fn write(&self, target: &Path) -> Result<(), FetchError> {
        let path = target.join(MANIFEST);
        let tmp = target.join(".manifest.json.tmp");
        let bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(&bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
    }
}

/// A fetch run.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The local folder.
    pub target: PathBuf,
    /// The sources to fetch, in this order.
    pub sources: Vec<Source>,
    /// A mirror with the local layout; `None` for the official URLs.
    pub base_url: Option<String>,
    /// Per request, whole body included.
    pub timeout: Duration,
}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOutcome {
    /// The source attempted.
    pub source: Source,
    /// The new entry, or why the previous copy (if any) was kept.
    pub result: Result<SourceEntry, SourceError>,
    /// Whether a previous good copy is in place (after a failure).
    pub kept_previous: bool,
}

/// The outcome of every requested source.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// One outcome per requested source, in the order fetched.
    pub outcomes: Vec<SourceOutcome>,
    /// The manifest as written at the end of the run.
    pub manifest: Manifest,
}

impl FetchReport {
    /// How many sources failed (and kept their previous copy, if any).
    pub fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_err()).count()
    }
}

/// Fetches each source in turn; a failing source keeps its previous copy
/// and does not stop the others.
pub fn fetch(opts: &FetchOptions) -> Result<FetchReport, FetchError> {
    std::fs::create_dir_all(&opts.target).map_err(|e| io(&opts.target, e))?;
    let mut manifest = Manifest::read(&opts.target)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .build()
        .into();
    let mut outcomes = Vec::new();
    for &source in &opts.sources {
        let folder = opts.target.join(source.name());
        let previous = opts.target.join(format!(".{}.previous", source.name()));
        recover(&folder, &previous).map_err(|e| io(&folder, e))?;
        let result = fetch_source(&agent, source, opts);
        let kept_previous = result.is_err() && folder.exists();
        match &result {
            Ok(entry) => {
                manifest.sources.insert(source, entry.clone());
            }
            Err(e) => {
                let entry = manifest.sources.entry(source).or_insert(SourceEntry {
                    fetched_at: None,
                    files: Vec::new(),
                    entities: 0,
                    dataset: String::new(),
                    last_failure: None,
                });
                entry.last_failure = Some(Failure {
                    at: now_rfc3339(),
                    error: e.to_string(),
                });
            }
        }
        manifest.write(&opts.target)?;
        outcomes.push(SourceOutcome {
            source,
            result,
            kept_previous,
        });
    }
    Ok(FetchReport { outcomes, manifest })
}

/// Puts back a previous copy left by a run that stopped mid-swap.
fn recover(folder: &Path, previous: &Path) -> std::io::Result<()> {
    if previous.exists() {
        if folder.exists() {
            std::fs::remove_dir_all(previous)?;
        } else {
            std::fs::rename(previous, folder)?;
        }
    }
    Ok(())
}

fn fetch_source(
    agent: &ureq::Agent,
    source: Source,
    opts: &FetchOptions,
) -> Result<SourceEntry, SourceError> {
    let folder = opts.target.join(source.name());
    let partial = opts.target.join(format!(".{}.partial", source.name()));
    let previous = opts.target.join(format!(".{}.previous", source.name()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| source_io(&partial, e))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| source_io(&partial, e))?;
    let outcome = download_and_verify(agent, source, opts, &partial);
    let mut entry = match outcome {
        Ok(entry) => entry,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    if folder.exists() {
        std::fs::rename(&folder, &previous).map_err(|e| source_io(&folder, e))?;
    }
    if let Err(e) = std::fs::rename(&partial, &folder) {
        let _ = std::fs::rename(&previous, &folder);
        return Err(source_io(&folder, e));
    }
    if previous.exists() {
        std::fs::remove_dir_all(&previous).map_err(|e| source_io(&previous, e))?;
    }
    entry.fetched_at = Some(now_rfc3339());
    Ok(entry)
}

fn download_and_verify(
    agent: &ureq::Agent,
    source: Source,
    opts: &FetchOptions,
    partial: &Path,
) -> Result<SourceEntry, SourceError> {
    let mut files = Vec::new();
    for name in source.files() {
        let url = source.url(name, opts.base_url.as_deref());
        let path = partial.join(name);
        files.push(download(agent, &url, name, &path)?);
    }
    let verify = source.verify_path(partial);
    let list =
        yalu_lists::read_path(&verify, &yalu_lists::ReadOptions::default()).map_err(|e| {
            SourceError::Unreadable {
                reason: e.to_string(),
            }
        })?;
    if list.entities.is_empty() {
        return Err(SourceError::Unreadable {
            reason: "no entity in it".into(),
        });
    }
    let skipped = list.stats.skipped.len();
    if skipped * 2 > list.stats.records.max(1) {
        return Err(SourceError::Unreadable {
            reason: format!(
                "{skipped} of {} records could not be read",
                list.stats.records
            ),
        });
    }
    Ok(SourceEntry {
        fetched_at: None,
        files,
        entities: list.entities.len(),
        dataset: list.dataset,
        last_failure: None,
    })
}

fn download(
    agent: &ureq::Agent,
    url: &str,
    name: &str,
    path: &Path,
) -> Result<FetchedFile, SourceError> {
    let failed = |reason: String| SourceError::Download {
        url: url.to_string(),
        reason,
    };
    let mut response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
    let expected: Option<u64> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut reader = response.body_mut().with_config().reader();
    let mut file = File::create(path).map_err(|e| source_io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut received = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(format!("reading the body: {e}"))),
        };
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(|e| source_io(path, e))?;
        received += n as u64;
    }
    file.sync_all().map_err(|e| source_io(path, e))?;
    if let Some(expected) = expected
        && expected != received
    {
        return Err(SourceError::Truncated {
            url: url.to_string(),
            received,
            expected,
        });
    }
    Ok(FetchedFile {
        name: name.to_string(),
        url: url.to_string(),
        bytes: received,
        sha256: hex(&hasher.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 of a file, lower-case hex (to check a folder against its
/// manifest).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The current time as RFC 3339 UTC (`2026-11-28T09:15:02Z`).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Seconds since the Unix epoch as RFC 3339 UTC (times before 1970 print
/// as the epoch).
pub fn rfc3339(secs: i64) -> String {
    let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn urls_and_names() {
        assert_eq!(
            Source::OfacSdn.url("alt.csv", Some("http://127.0.0.1:9/")),
            "http://127.0.0.1:9/ofac-sdn/alt.csv"
        );
        assert_eq!(
            Source::OfacCons.url("cons_prim.csv", None),
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv"
        );
        for s in Source::ALL {
            assert_eq!(s.name().parse::<Source>().unwrap(), s);
        }
        assert!("eu".parse::<Source>().is_err());
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
