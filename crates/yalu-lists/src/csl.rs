//! US CSL CSV (placeholder until the reader lands).
use crate::{ListError, ReadOptions, ReadStats};
use std::path::Path;
use yalu_model::Entity;

/// Streams the US Consolidated Screening List CSV.
pub fn read(_path: &Path, _opts: &ReadOptions, _sink: &mut dyn FnMut(Entity)) -> Result<ReadStats, ListError> {
    todo!()
}
