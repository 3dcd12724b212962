//! The `/match` request body parser: any bytes give parsed queries or an
//! error with a stable code that maps to a 4xx; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yalu_server::parse_match_body;

fuzz_target!(|data: &[u8]| {
    match parse_match_body(data, 100) {
        Ok(parsed) => assert!(!parsed.queries.is_empty() && parsed.queries.len() <= 100),
        Err(e) => {
            let status = e.code.status().as_u16();
            assert!((400..500).contains(&status), "{:?} -> {status}", e.code);
        }
    }
});
