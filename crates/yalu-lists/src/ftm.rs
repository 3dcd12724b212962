//! FtM JSON lines (placeholder until the reader lands).
use crate::{ListError, ReadOptions, ReadStats};
use std::path::Path;
use yalu_model::Entity;

/// Streams FtM JSON lines.
pub fn read(_path: &Path, _opts: &ReadOptions, _sink: &mut dyn FnMut(Entity)) -> Result<ReadStats, ListError> {
    todo!()
}

/// Applies every delta of an OpenSanctions delta folder in version order.
pub fn read_delta_folder(_path: &Path, _opts: &ReadOptions, _sink: &mut dyn FnMut(Entity)) -> Result<ReadStats, ListError> {
    todo!()
}
