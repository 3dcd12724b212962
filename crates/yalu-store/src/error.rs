//! Errors of the store.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error(
        "the store's schema is at version {found}, newer than this program knows ({known}); upgrade yalu"
    )]
    TooNew { found: u32, known: u32 },
    #[error("store query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    #[error("unknown role `{0}` (expected screener, analyst or admin)")]
    UnknownRole(String),
}

impl StoreError {
    pub(crate) fn open(path: &std::path::Path, source: rusqlite::Error) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}
