//! The index being served, and how it is built from the configured lists.
//!
//! A [`LoadedIndex`] is immutable: a reload builds a new one beside the old
//! and swaps it in (see [`crate::state::AppState::index`]), so a request
//! always sees one consistent index from start to end.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use yalu_links::{Lists, Network};
use yalu_lists::{LoadedList, ReadOptions};
use yalu_match::Index;
use yalu_model::Entity;
use yalu_search::TextIndex;

/// The name of the collection that unites every loaded dataset.
pub const DEFAULT_DATASET: &str = "default";

/// Skipped records logged one by one per list before summarising.
const LOGGED_PROBLEMS: usize = 10;

/// Where the index comes from: list files or folders, re-read on reload.
#[derive(Debug, Clone)]
pub struct IndexSource {
    /// List files or folders, one dataset each (the format is recognised
    /// from the content).
    pub lists: Vec<PathBuf>,
    /// Fail the load on the first broken record instead of skipping it.
    pub strict: bool,
}

/// One dataset in the catalog.
#[derive(Debug, Clone)]
pub struct DatasetInfo {
    /// The dataset name its reader gives (`us_ofac_sdn`, `un_sc_sanctions`...).
    pub name: String,
    /// Its name for people ([`dataset_title`]).
    pub title: String,
    /// Screenable entities in the index that belong to this dataset.
    pub entity_count: usize,
    /// The list file or folder it was read from (none for datasets only
    /// named inside FtM entities).
    pub path: Option<PathBuf>,
    /// Records skipped while reading the list.
    pub skipped: usize,
}

/// A built index with its catalog.
pub struct LoadedIndex {
    /// The screening index and the links between its entities (OFAC
    /// `Linked To`, FtM relationships, entries named in UN narratives), for
    /// `/match`, `/entities/{id}?nested=true` and the listed links of hits.
    pub lists: Lists,
    /// Full-text index over the same entities, for `/search`.
    pub text: TextIndex,
    /// Datasets by name (never contains `default`).
    pub datasets: BTreeMap<String, DatasetInfo>,
    /// Referent id -> canonical id, for `/entities/{id}` redirects.
    pub referents: HashMap<String, String>,
    /// When the build finished, RFC 3339 UTC.
    pub loaded_at: String,
    /// A version string for the catalog (`yalu-20261128101500`).
    pub version: String,
    /// How long the build took.
    pub build_seconds: f64,
}

/// Why a load failed. The old index (if any) keeps being served.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The source names no list.
    #[error("no list configured: give --list PATH or set `lists` in the configuration")]
    NoLists,
    /// A list could not be read (missing, unknown format, or a broken
    /// record in strict mode).
    #[error(transparent)]
    List(#[from] yalu_lists::ListError),
    /// Two lists give the same dataset (two versions of one list).
    #[error(
        "dataset `{dataset}` is loaded twice ({first} and {second}); load one version of each list"
    )]
    DuplicateDataset {
        /// The dataset name both give.
        dataset: String,
        /// The list read first.
        first: PathBuf,
        /// The list read second.
        second: PathBuf,
    },
    /// A list gave no entity at all (every record skipped, or an empty
    /// file).
    #[error(
        "{path}: no entity could be read ({skipped} records skipped); refusing to serve an empty list"
    )]
    EmptyList {
        /// The list file or folder.
        path: PathBuf,
        /// Records skipped while reading it.
        skipped: usize,
    },
    /// A list's dataset is called `default`, the name of the union of all.
    #[error("{path}: a list may not be named `default`, which is the union of all lists")]
    ReservedName {
        /// The list file or folder.
        path: PathBuf,
    },
}

/// Where a dataset was read from: its list and the records skipped there.
struct Origin {
    path: PathBuf,
    skipped: usize,
}

impl IndexSource {
    /// Reads every list and builds the index. Blocking and CPU-heavy: call
    /// it from a blocking thread.
    pub fn load(&self) -> Result<LoadedIndex, LoadError> {
        if self.lists.is_empty() {
            return Err(LoadError::NoLists);
        }
        let started = Instant::now();
        let (origins, entities) = self.read_lists()?;
        let read_seconds = started.elapsed().as_secs_f64();
        let lists = Lists::build(entities);
        log_network(&lists.network);
        let (datasets, referents) = catalog(&lists.index, origins);
        let (loaded_at, version) = load_stamp();
        let phase = Instant::now();
        let text = TextIndex::build(&lists.index);
        let text_seconds = phase.elapsed().as_secs_f64();
        // Where a reload's time goes, for operators sizing reloads.
        tracing::info!(
            read_seconds,
            index_seconds = lists.index_seconds,
            network_seconds = lists.network_seconds,
            text_seconds,
            "index build phases"
        );
        Ok(LoadedIndex {
            lists,
            text,
            datasets,
            referents,
            loaded_at,
            version,
            build_seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Reads each list in turn: the entities of all, and where each dataset
    /// came from. Refuses a list named `default`, a dataset given twice and
    /// a list with no entity.
    fn read_lists(&self) -> Result<(BTreeMap<String, Origin>, Vec<Entity>), LoadError> {
        let opts = ReadOptions {
            strict: self.strict,
        };
        let mut origins: BTreeMap<String, Origin> = BTreeMap::new();
        let mut entities = Vec::new();
        for path in &self.lists {
            let list = yalu_lists::read_path(path, &opts)?;
            if list.dataset == DEFAULT_DATASET {
                return Err(LoadError::ReservedName { path: path.clone() });
            }
            if let Some(first) = origins.get(&list.dataset) {
                return Err(LoadError::DuplicateDataset {
                    dataset: list.dataset,
                    first: first.path.clone(),
                    second: path.clone(),
                });
            }
            let skipped = list.stats.skipped.len();
            if list.entities.is_empty() {
                return Err(LoadError::EmptyList {
                    path: path.clone(),
                    skipped,
                });
            }
            log_list(path, &list);
            let origin = Origin {
                path: path.clone(),
                skipped,
            };
            origins.insert(list.dataset.clone(), origin);
            entities.extend(list.into_dataset_entities());
        }
        Ok((origins, entities))
    }
}

/// Logs a list read: its first skipped records one by one, how many more,
/// and its counts.
fn log_list(path: &Path, list: &LoadedList) {
    let skipped = &list.stats.skipped;
    for problem in skipped.iter().take(LOGGED_PROBLEMS) {
        tracing::warn!(%problem, "skipped record");
    }
    if skipped.len() > LOGGED_PROBLEMS {
        tracing::warn!(
            path = %path.display(),
            more = skipped.len() - LOGGED_PROBLEMS,
            "more skipped records"
        );
    }
    tracing::info!(
        path = %path.display(),
        dataset = %list.dataset,
        entities = list.entities.len(),
        skipped = skipped.len(),
        "list read"
    );
}

/// Logs the network built: its first unresolved names one by one, and its
/// counts.
fn log_network(network: &Network) {
    let unresolved = network.unresolved();
    for u in unresolved.iter().take(LOGGED_PROBLEMS) {
        // A name the list itself does not carry (often a delisted
        // party): a fact about the data, not a fault of the server.
        tracing::info!(entity = %u.entity_id, name = %u.name, property = u.property, "names no entity of the same list");
    }
    tracing::info!(
        links = network.links().len(),
        unresolved = unresolved.len(),
        "network built"
    );
}

/// The catalog of the index: each dataset with its screenable entities
/// (a list whose entities are all unscreenable still appears, with 0), and
/// the referent ids that redirect to a canonical id.
fn catalog(
    index: &Index,
    origins: BTreeMap<String, Origin>,
) -> (BTreeMap<String, DatasetInfo>, HashMap<String, String>) {
    let mut datasets: BTreeMap<String, DatasetInfo> = BTreeMap::new();
    let mut referents = HashMap::new();
    for e in index.entities() {
        for d in &e.datasets {
            datasets
                .entry(d.clone())
                .or_insert_with(|| {
                    let origin = origins.get(d);
                    DatasetInfo {
                        name: d.clone(),
                        title: dataset_title(d),
                        entity_count: 0,
                        path: origin.map(|o| o.path.clone()),
                        skipped: origin.map(|o| o.skipped).unwrap_or(0),
                    }
                })
                .entity_count += 1;
        }
        for r in &e.referents {
            if r != &e.id {
                referents.insert(r.clone(), e.id.clone());
            }
        }
    }
    for (name, origin) in origins {
        datasets.entry(name.clone()).or_insert_with(|| DatasetInfo {
            title: dataset_title(&name),
            name,
            entity_count: 0,
            path: Some(origin.path),
            skipped: origin.skipped,
        });
    }
    datasets.remove(DEFAULT_DATASET);
    (datasets, referents)
}

/// When a load finished (RFC 3339 UTC) and the catalog version made of it
/// (`yalu-20261128101500`).
fn load_stamp() -> (String, String) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let loaded_at = yalu_store::format_timestamp(now);
    let version = format!(
        "yalu-{}",
        loaded_at
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    );
    (loaded_at, version)
}

impl LoadedIndex {
    /// True when `name` is `default` or a loaded dataset.
    pub fn has_dataset(&self, name: &str) -> bool {
        name == DEFAULT_DATASET || self.datasets.contains_key(name)
    }
}

/// A readable title for the datasets Yalu's readers produce.
pub fn dataset_title(name: &str) -> String {
    match name {
        "us_ofac_sdn" => "US OFAC Specially Designated Nationals (SDN) List",
        "us_ofac_cons" => "US OFAC Consolidated (non-SDN) Sanctions List",
        "un_sc_sanctions" => "UN Security Council Consolidated Sanctions List",
        "us_trade_csl" => "US Trade Consolidated Screening List",
        "opensanctions" => "OpenSanctions (FollowTheMoney export)",
        other => other,
    }
    .to_string()
}
