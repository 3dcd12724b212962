//! The event data reader (`yalu detect`): the first byte picks a file of
//! the data set and CSV or JSON lines, the rest is its content, beside a
//! small valid persons file so that references can resolve. Every row is
//! kept or rejected with a reason; the reader never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yalu_detect::{FILE_KINDS, ReadOptions, read_dir};

const PERSONS: &str = "person_id,full_name,birth_date,nationality,passport_number\np1,KIM Chol Nam,1990-01-02,KP,745320118\n";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else { return };
    let dir = tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).expect("temp dir");
    let kind = FILE_KINDS[pick as usize % FILE_KINDS.len()];
    let ext = if pick & 0x80 == 0 { "csv" } else { "jsonl" };
    if kind != "persons" {
        std::fs::write(dir.path().join("persons.csv"), PERSONS).expect("write persons");
    }
    std::fs::write(dir.path().join(format!("{kind}.{ext}")), content).expect("write input");
    let _ = read_dir(dir.path(), &ReadOptions { strict: false });
    let _ = read_dir(dir.path(), &ReadOptions { strict: true });
});
