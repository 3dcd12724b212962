//! Errors of batch screening and monitoring.

use std::path::PathBuf;

/// Why a batch run (or a monitoring run) stopped. A bad input row is not an
/// error unless the run is strict: it becomes a [`crate::RejectedRow`].
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--map: {0}")]
    Map(String),
    #[error("{path}: {reason}")]
    Header { path: PathBuf, reason: String },
    #[error(
        "{path}: cannot tell the input format from the file name; use a .csv, .jsonl or .ndjson name or give the format"
    )]
    UnknownFormat { path: PathBuf },
    /// A bad row under `strict`.
    #[error("{path}: line {line} (row {row}): {reason}")]
    BadRow {
        path: PathBuf,
        line: u64,
        row: u64,
        reason: String,
    },
    #[error("{path}: line {line}: {reason}")]
    Csv {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("cannot resume {output}: {reason}")]
    Resume { output: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Results { path: PathBuf, reason: String },
}

impl ScreenError {
    /// A stable code for this kind of failure, for callers that report
    /// errors by code (the Python package).
    pub fn code(&self) -> &'static str {
        match self {
            ScreenError::Io { .. } => "input_io",
            ScreenError::Map(_) => "invalid_column_map",
            ScreenError::Header { .. } => "invalid_header",
            ScreenError::UnknownFormat { .. } => "unknown_input_format",
            ScreenError::BadRow { .. } => "bad_row",
            ScreenError::Csv { .. } => "invalid_csv",
            ScreenError::Resume { .. } => "cannot_resume",
            ScreenError::Results { .. } => "invalid_results",
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ScreenError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
