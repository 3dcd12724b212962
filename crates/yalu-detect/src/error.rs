//! Errors of the detection crate.

use crate::read::Rejection;
use std::path::PathBuf;

/// Why reading data, a rule file or a truth file, detection, `--explain`
/// or the simulator failed. A bad row is not an error unless the read is
/// strict: it is reported as a [`Rejection`] and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A file or folder could not be read or written: the data folder is
    /// missing or not a folder, a data, rule or truth file cannot be opened,
    /// or the simulator cannot write its output.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A whole file cannot be read (no header, a required column missing),
    /// a line of a truth file is not a valid truth line, or the simulator
    /// could not write a CSV file.
    #[error("{}: {reason}", path.display())]
    File {
        /// The data, truth or simulated file.
        path: PathBuf,
        /// What is wrong with it, e.g. the missing column.
        reason: String,
    },
    /// A rejected row under `--strict`.
    #[error("rejected row (strict mode): {0}")]
    Rejected(Rejection),
    /// `--explain` named an id that is neither a person record nor an
    /// organisation of the data set.
    #[error("no person record or organisation has the id {id:?}")]
    UnknownSubject {
        /// The id asked about.
        id: String,
    },
    /// The rule file is not valid.
    #[error("rule file {origin}: {reason}")]
    Rules {
        /// The rule file's path, or `default` for the embedded file.
        origin: String,
        /// The TOML or validation error (unknown key, bad value ...).
        reason: String,
    },
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
