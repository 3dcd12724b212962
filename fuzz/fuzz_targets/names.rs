//! Name normalisation: any text, any kind, never panics, and its tokens
//! are lower-case ASCII.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yalu_names::{NameKind, normalize};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for kind in [NameKind::Person, NameKind::Organization, NameKind::Other] {
            let n = normalize(text, kind);
            for v in &n.variants {
                for t in &v.tokens {
                    assert!(t.text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{:?}", t.text);
                }
            }
        }
    }
});
