//! Name comparison (in progress).
