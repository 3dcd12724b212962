//! Errors of the store.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    Connect {
        /// The URL with any password replaced by `***`.
        url: String,
        source: postgres::Error,
    },
    #[error(
        "PostgreSQL schema name `{0}` must be 1-63 characters a-z, 0-9 or _, not starting with a digit"
    )]
    BadSchemaName(String),
    #[error("cannot create folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: Box<StoreError>,
    },
    #[error(
        "the store's schema is at version {found}, newer than this program knows ({known}); upgrade yalu"
    )]
    TooNew { found: u32, known: u32 },
    #[error("store query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store query failed: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("the store holds a value this program cannot read: {0}")]
    Decode(String),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    #[error("unknown role `{0}` (expected screener, analyst or admin)")]
    UnknownRole(String),

    // ---- case review: refusals caused by the request, not the database.
    #[error("case {0} does not exist")]
    CaseNotFound(i64),
    #[error("{item}: field `{field}` {reason}")]
    InvalidImport {
        /// Which object of the import, e.g. `alerts[3]`.
        item: String,
        field: &'static str,
        reason: String,
    },
    #[error("{0}")]
    InvalidInput(String),
    #[error("a rationale is required to {0}")]
    RationaleRequired(&'static str),
    #[error("case {case}: {from} → {to} is not allowed ({why})")]
    InvalidTransition {
        case: i64,
        from: String,
        to: String,
        why: &'static str,
    },
    #[error(
        "case {case}: closing as a true match was requested by {requested_by}; a different analyst must approve it (four-eyes rule)"
    )]
    FourEyes { case: i64, requested_by: String },
    #[error(
        "case {case} is at version {current}, not {expected}: another change came first; reload the case and decide again"
    )]
    VersionConflict {
        case: i64,
        /// The version the request was decided on.
        expected: i64,
        /// The case's version now.
        current: i64,
    },
}

impl StoreError {
    pub(crate) fn open(path: &std::path::Path, source: rusqlite::Error) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True for refusals caused by the request (bad input, a forbidden
    /// transition), false for failures of the database itself.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::CaseNotFound(_)
                | StoreError::InvalidImport { .. }
                | StoreError::InvalidInput(_)
                | StoreError::RationaleRequired(_)
                | StoreError::InvalidTransition { .. }
                | StoreError::FourEyes { .. }
                | StoreError::VersionConflict { .. }
        )
    }
}
