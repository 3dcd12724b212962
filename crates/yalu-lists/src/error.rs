use std::fmt;
use std::path::PathBuf;

/// A record that could not be read: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The file the record is in.
    pub file: PathBuf,
    /// `line 12`, `record 7 (DATAID 6908555)`, `row 3, column Remarks`...
    pub location: String,
    /// What is wrong, naming the field and quoting the value.
    pub reason: String,
}

impl RecordError {
    /// A record problem at `location` of `file`.
    pub fn new(
        file: impl Into<PathBuf>,
        location: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        RecordError {
            file: file.into(),
            location: location.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file.display(),
            self.location,
            self.reason
        )
    }
}

impl std::error::Error for RecordError {}

/// Why a list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// A file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is in no format Yalu reads.
    #[error("{path}: not a list format Yalu reads ({reason})")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was looked for and not found.
        reason: String,
    },
    /// The file is in a known format but broken as a whole (no header
    /// row, an XLSX that does not open).
    #[error("{path}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is broken.
        reason: String,
    },
    /// A broken record under `--strict`.
    #[error("{0}")]
    Record(Box<RecordError>),
}

impl ListError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ListError::Io {
            path: path.into(),
            source,
        }
    }
}
