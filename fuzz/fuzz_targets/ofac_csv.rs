//! Any bytes written as `sdn.csv` either read into entities or give an
//! error naming the file; the reader never panics, under both the lenient
//! and the strict policy.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yalu_lists::{ListFormat, ReadOptions, stream_path};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).expect("temp dir");
    let path = dir.path().join("sdn.csv");
    std::fs::write(&path, data).expect("write input");
    for strict in [false, true] {
        let mut n = 0usize;
        match stream_path(&path, &ReadOptions { strict }, &mut |_| n += 1) {
            Ok((format, stats)) => {
                let _ = ListFormat::OfacSdn;
                assert!(stats.entities <= stats.records.max(n), "{format:?}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
