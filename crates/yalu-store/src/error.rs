//! Errors of the store.

use std::path::PathBuf;

/// Why a store operation failed. Variants above the case-review mark are
/// failures of the store itself (a server answers 500 or refuses to start);
/// those below are refusals of the request ([`StoreError::is_refusal`]),
/// which the workbench API maps to 4xx error codes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite file could not be opened or set up (journal mode, busy
    /// timeout).
    #[error("cannot open store {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The PostgreSQL server could not be reached or refused the login.
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    Connect {
        /// The URL with any password replaced by `***`.
        url: String,
        /// The PostgreSQL client's error.
        source: postgres::Error,
    },
    /// A PostgreSQL schema name that is not a plain identifier; it is
    /// written into SQL text (`CREATE SCHEMA`, `search_path`), never bound.
    #[error(
        "PostgreSQL schema name `{0}` must be 1-63 characters a-z, 0-9 or _, not starting with a digit"
    )]
    BadSchemaName(String),
    /// The folder of the SQLite file could not be created.
    #[error("cannot create folder {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A schema migration failed; it was rolled back, so the store stays
    /// at the previous version.
    #[error("migration {name} failed: {source}")]
    Migration {
        /// The migration's name (`0006_case_version`).
        name: &'static str,
        /// What failed inside it.
        source: Box<StoreError>,
    },
    /// The store was migrated by a newer Yalu; this one refuses to touch it.
    #[error(
        "the store's schema is at version {found}, newer than this program knows ({known}); upgrade yalu"
    )]
    TooNew {
        /// The schema version recorded in the store.
        found: u32,
        /// The latest version this program's migrations reach.
        known: u32,
    },
    /// A SQLite statement failed.
    #[error("store query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL statement failed (or the connection broke).
    #[error("store query failed: {0}")]
    Postgres(#[from] postgres::Error),
    /// A stored value does not parse (a case payload, an id list, an audit
    /// entry's detail): the store was edited by hand or is corrupt.
    #[error("the store holds a value this program cannot read: {0}")]
    Decode(String),
    /// The operating system gave no random bytes for a new API key.
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    /// A write ran but its group commit failed or the writer thread
    /// stopped: nothing of it was kept, and it may be retried.
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    /// A role name other than `screener`, `analyst` or `admin`.
    #[error("unknown role `{0}` (expected screener, analyst or admin)")]
    UnknownRole(String),

    // ---- case review: refusals caused by the request, not the database.
    /// No case has this id.
    #[error("case {0} does not exist")]
    CaseNotFound(i64),
    /// An imported alert or hit is missing a field or has a bad value;
    /// nothing of the import is stored.
    #[error("{item}: field `{field}` {reason}")]
    InvalidImport {
        /// Which object of the import, e.g. `alerts[3]`.
        item: String,
        /// The offending field (`alert_id`, `score`...).
        field: String,
        /// What is wrong with it (`is missing`, `is not a finite number`...).
        reason: String,
    },
    /// Another bad request value: an empty comment or assignee, an unnamed
    /// actor, an unknown status or resolution name. The text says which.
    #[error("{0}")]
    InvalidInput(String),
    /// Closing a case needs a non-empty rationale for the audit trail; the
    /// text names the action (`close a case`).
    #[error("a rationale is required to {0}")]
    RationaleRequired(&'static str),
    /// The review flow does not allow this move from the case's state
    /// (assigning a closed case, approving one that awaits nothing...).
    #[error("case {case}: {from} → {to} is not allowed ({why})")]
    InvalidTransition {
        /// The case id.
        case: i64,
        /// Its current status.
        from: String,
        /// The status or action requested.
        to: String,
        /// Why the flow forbids it.
        why: &'static str,
    },
    /// A true-match closure must be approved by an analyst other than the
    /// one who requested it.
    #[error(
        "case {case}: closing as a true match was requested by {requested_by}; a different analyst must approve it (four-eyes rule)"
    )]
    FourEyes {
        /// The case id.
        case: i64,
        /// The analyst who requested the closure (and tried to approve it).
        requested_by: String,
    },
    /// The request was decided on an older version of the case (optimistic
    /// concurrency; HTTP 409 `version_conflict`).
    #[error(
        "case {case} is at version {current}, not {expected}: another change came first; reload the case and decide again"
    )]
    VersionConflict {
        /// The case id.
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
