//! UN consolidated XML (placeholder until the reader lands).
use crate::{ListError, ReadOptions, ReadStats};
use std::path::Path;
use yalu_model::Entity;

/// Streams the UN Security Council consolidated list.
pub fn read(_path: &Path, _opts: &ReadOptions, _sink: &mut dyn FnMut(Entity)) -> Result<ReadStats, ListError> {
    todo!()
}
