//! Date expressions: any text parses or errors; a parsed date prints back
//! to something that parses to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(dates) = yalu_model::expand_date_expression(text) {
            for d in dates {
                let again: yalu_model::FuzzyDate = d.to_string().parse().expect("round trip");
                assert_eq!(again, d);
            }
        }
    }
});
