//! Errors of batch screening and monitoring.

use std::path::PathBuf;

/// Why a batch run (or a monitoring run) stopped. A bad input row is not an
/// error unless the run is strict: it becomes a [`crate::RejectedRow`].
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// A file could not be opened, read, written, synced or renamed (the
    /// input, the results file or its checkpoint).
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The column map is not usable: not `target=COLUMN`, an unknown
    /// target, no column, `id` or `schema` mapped twice, or no pair at all.
    #[error("--map: {0}")]
    Map(String),
    /// The header cannot be used: a column the map names is missing, no
    /// column feeds a name, the file is UTF-16, or (for [`crate::CsvLines`])
    /// the header has a line break inside quotes.
    #[error("{path}: {reason}")]
    Header {
        /// The input (or what the rows come from).
        path: PathBuf,
        /// What is wrong with the header.
        reason: String,
    },
    /// The file name has no extension that tells CSV from JSON lines, and
    /// no format was given.
    #[error(
        "{path}: cannot tell the input format from the file name; use a .csv, .jsonl or .ndjson name or give the format"
    )]
    UnknownFormat {
        /// The file whose format is unknown.
        path: PathBuf,
    },
    /// A bad row under `strict`: a rejected row, or a row with a value left
    /// out. The rows before it are written (and checkpointed) first.
    #[error("{path}: line {line} (row {row}): {reason}")]
    BadRow {
        /// The input file.
        path: PathBuf,
        /// The file line the row starts on, from 1.
        line: u64,
        /// The data row number, from 1 (the header is not a row).
        row: u64,
        /// The rejection reason, or the first value left out.
        reason: String,
    },
    /// The CSV parser failed in a way that is not a bad row (rows of any
    /// length are read, so this is rare; not an I/O error, which is `Io`).
    #[error("{path}: line {line}: {reason}")]
    Csv {
        /// The input file.
        path: PathBuf,
        /// The file line of the failure; 0 when it is not known.
        line: u64,
        /// The parser's error.
        reason: String,
    },
    /// A resume was refused: the results file has no checkpoint, the
    /// checkpoint is unreadable or of another version, the settings differ,
    /// the results file is shorter than the checkpoint says, or the input
    /// has fewer rows than were done.
    #[error("cannot resume {output}: {reason}")]
    Resume {
        /// The results file (or the checkpoint that could not be read).
        output: PathBuf,
        /// Why the run cannot go on from the checkpoint.
        reason: String,
    },
    /// Stored results given as a monitoring baseline cannot be used: the
    /// run that wrote them did not finish, or the file is not a results file.
    #[error("{path}: {reason}")]
    Results {
        /// The results file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
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
