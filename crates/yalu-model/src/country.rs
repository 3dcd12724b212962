//! Countries as ISO 3166-1 alpha-2 codes in lower case, the way FtM writes
//! them, read from the many ways lists and records name them.
//!
//! The table is `data/countries.tsv`, embedded at build time. Lookup ignores
//! case, punctuation, accents on Latin letters and a leading "the".
//! "Korea, North", "DPRK" and "Democratic People's Republic of Korea" give
//! `kp`; "Korea, South" and "Republic of Korea" give `kr`. The bare word
//! "Korea" is ambiguous and gives nothing.
//!
//! ```
//! use yalu_model::country::{to_code, name};
//! assert_eq!(to_code("Korea, North"), Some("kp"));
//! assert_eq!(to_code("KP"), Some("kp"));
//! assert_eq!(to_code("Republic of Korea"), Some("kr"));
//! assert_eq!(to_code("Korea"), None);
//! assert_eq!(name("kp"), Some("North Korea"));
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");

struct Countries {
    /// normalised spelling -> code
    by_name: HashMap<String, &'static str>,
    /// code -> first (display) name
    names: HashMap<&'static str, &'static str>,
}

fn countries() -> &'static Countries {
    static CELL: OnceLock<Countries> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut by_name = HashMap::new();
        let mut names = HashMap::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((code, spellings)) = line.split_once('\t') else {
                continue;
            };
            for (i, spelling) in spellings.split('|').enumerate() {
                if i == 0 {
                    names.insert(code, spelling);
                }
                by_name.insert(key(spelling), code);
            }
        }
        Countries { by_name, names }
    })
}

fn fold_latin(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase).map(fold_latin) {
        if c == '&' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str("and ");
        } else if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let trimmed = out.trim_end();
    let trimmed = trimmed.strip_prefix("the ").unwrap_or(trimmed);
    // "Gambia, The" is written with the article last.
    trimmed.strip_suffix(" the").unwrap_or(trimmed).to_string()
}

/// The lower-case alpha-2 code for a country code or name, or `None` when
/// the text names no country (or is ambiguous, like "Korea").
pub fn to_code(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let table = countries();
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        let lower = t.to_ascii_lowercase();
        if let Some((code, _)) = table.names.get_key_value(lower.as_str()) {
            return Some(code);
        }
    }
    table.by_name.get(&key(t)).copied()
}

/// The English display name of a code.
pub fn name(code: &str) -> Option<&'static str> {
    countries()
        .names
        .get(code.to_ascii_lowercase().as_str())
        .copied()
}

/// Every known code, sorted.
pub fn codes() -> Vec<&'static str> {
    let mut v: Vec<_> = countries().names.keys().copied().collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_koreas_never_meet() {
        for n in [
            "Korea, North",
            "North Korea",
            "Democratic People's Republic of Korea",
            "DPRK",
            "korea, democratic people's republic of",
            "KP",
            "kp",
        ] {
            assert_eq!(to_code(n), Some("kp"), "{n}");
        }
        for n in [
            "Korea, South",
            "South Korea",
            "Republic of Korea",
            "KR",
            "Korea, Republic of",
        ] {
            assert_eq!(to_code(n), Some("kr"), "{n}");
        }
        assert_eq!(to_code("Korea"), None);
    }

    #[test]
    fn list_spellings() {
        assert_eq!(to_code("Burma"), Some("mm"));
        assert_eq!(to_code("Iran"), Some("ir"));
        assert_eq!(to_code("Russia"), Some("ru"));
        assert_eq!(to_code("the Bahamas"), Some("bs"));
        assert_eq!(to_code("Côte d'Ivoire"), Some("ci"));
        assert_eq!(to_code("Congo, Democratic Republic of the"), Some("cd"));
        assert_eq!(to_code("China"), Some("cn"));
        assert_eq!(to_code("Gambia, The"), Some("gm"));
        assert_eq!(to_code("St. Kitts & Nevis"), Some("kn"));
        assert_eq!(to_code("Man, Isle of"), Some("im"));
        assert_eq!(to_code("Atlantis"), None);
        assert_eq!(to_code("XX"), None);
    }

    #[test]
    fn table_is_well_formed() {
        let codes = codes();
        assert!(codes.len() >= 249, "{} codes", codes.len());
        for c in codes {
            assert_eq!(c.len(), 2);
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }
}
