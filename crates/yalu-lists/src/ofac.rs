//! OFAC legacy CSV (placeholder until the reader lands).
use crate::{ListError, ListFormat, ReadOptions, ReadStats};
use std::path::Path;
use yalu_model::Entity;

/// Streams an OFAC SDN or consolidated CSV set.
pub fn read(_path: &Path, _format: ListFormat, _opts: &ReadOptions, _sink: &mut dyn FnMut(Entity)) -> Result<ReadStats, ListError> {
    todo!()
}
