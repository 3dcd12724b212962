//! Any bytes as an OpenSanctions delta file: read, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yalu_lists::{ReadOptions, ftm};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).expect("temp dir");
    let path = dir.path().join("entities.delta.json");
    std::fs::write(&path, data).expect("write input");
    let mut base = std::collections::BTreeMap::new();
    let _ = ftm::read_delta_file(&path, &ReadOptions::default(), &mut |op| ftm::apply_delta(&mut base, op));
});
