//! The OFAC Remarks mini-language parser must accept any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let parsed = yalu_lists::ofac::parse_remarks(text);
        // Every fact carries a property and a non-empty value.
        for fact in &parsed.facts {
            assert!(!fact.property.is_empty());
        }
    }
});
