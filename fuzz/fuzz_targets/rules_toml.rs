//! The rule file reader: any text is a rule set or an error naming the
//! problem; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(rules) = yalu_detect::RuleSet::from_toml(text, "fuzz.toml") {
            let _ = rules.catalogue();
        }
    }
});
