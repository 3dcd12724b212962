//! Errors of the detection crate.

use crate::read::Rejection;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A whole file cannot be read (no header, a required column missing).
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    /// A rejected row under `--strict`.
    #[error("rejected row (strict mode): {0}")]
    Rejected(Rejection),
    /// `--explain` named an id that is neither a person record nor an
    /// organisation of the data set.
    #[error("no person record or organisation has the id {id:?}")]
    UnknownSubject { id: String },
    /// The rule file is not valid.
    #[error("rule file {origin}: {reason}")]
    Rules { origin: String, reason: String },
}

impl DetectError {
    /// A stable code for this kind of failure, for callers that report
    /// errors by code (the Python package).
    pub fn code(&self) -> &'static str {
        match self {
            DetectError::Io { .. } => "data_io",
            DetectError::File { .. } => "invalid_data_file",
            DetectError::Rejected(_) => "rejected_row",
            DetectError::UnknownSubject { .. } => "unknown_subject",
            DetectError::Rules { .. } => "invalid_rules",
        }
    }
}
