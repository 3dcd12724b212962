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
//!
//! Lists also write demonyms (`Afghan`, `North Korean`), historical states
//! (`USSR`, filed under the FtM codes `suhh`, `yucs`, `csxx`) and values
//! with qualifiers around the name. [`codes_in`] reads such a free-text
//! value:
//!
//! ```
//! use yalu_model::country::codes_in;
//! assert_eq!(codes_in("Afghanistan (since 2009)"), vec!["af"]);
//! assert_eq!(codes_in("Former USSR, now Ukraine"), vec!["ua"]);
//! assert_eq!(codes_in("Sudan/South Sudan"), vec!["sd", "ss"]);
//! assert_eq!(codes_in("Possibly Ethiopian"), vec!["et"]);
//! assert!(codes_in("Moscow").is_empty());
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
    if (t.len() == 2 || t.len() == 4) && t.chars().all(|c| c.is_ascii_alphabetic()) {
        let lower = t.to_ascii_lowercase();
        if let Some((code, _)) = table.names.get_key_value(lower.as_str()) {
            return Some(code);
        }
    }
    table.by_name.get(&key(t)).copied()
}

/// Words that open a value without being part of the country's name
/// (`Possibly Ethiopian`, `In Syria`, `Also believed to hold Syrian
/// nationality`).
const LEADING: &[&str] = &[
    "possibly",
    "probably",
    "reportedly",
    "also",
    "believed",
    "to",
    "hold",
    "in",
    "born",
    "resident",
    "of",
    "a",
    "an",
    "former",
    "formerly",
    "region",
    "northern",
    "southern",
    "eastern",
    "western",
];

/// Words from which the rest of a value qualifies the country rather than
/// names it (`Afghanistan since 2009`, `Kuwaiti citizenship withdrawn`,
/// `Sudanese by birth`, `Syrian Arab Republic as of September 2015`).
const TRAILING: &[&str] = &[
    "as",
    "since",
    "from",
    "until",
    "till",
    "between",
    "at",
    "by",
    "citizenship",
    "citizen",
    "citizens",
    "nationality",
    "nationalities",
    "national",
    "nationals",
    "passport",
    "previously",
    "formerly",
    "branch",
    "domicile",
    "possible",
    "alternative",
    "reportedly",
];

/// Looks a normalised text up, trying it without leading and trailing
/// qualifier words.
fn qualified(k: &str) -> Option<&'static str> {
    let table = countries();
    if let Some(c) = table.by_name.get(k) {
        return Some(c);
    }
    let words: Vec<&str> = k.split(' ').filter(|w| !w.is_empty()).collect();
    let start = words
        .iter()
        .position(|w| !LEADING.contains(w))
        .unwrap_or(words.len());
    let rest = &words[start..];
    // Qualifier words and numbers (a post code, a year) end the name.
    let end = rest
        .iter()
        .position(|w| TRAILING.contains(w) || w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let candidate = rest[..end].join(" ");
    let candidate = candidate.strip_prefix("the ").unwrap_or(&candidate);
    table.by_name.get(candidate).copied()
}

/// The text without its parenthesised parts.
fn without_parens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// One country in a value, or none.
fn single(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    // A bare two-letter code counts only when written in capitals: `IQ`,
    // not `to` or `in`.
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return if t.chars().all(|c| c.is_ascii_uppercase()) {
            to_code(t)
        } else {
            None
        };
    }
    let table = countries();
    let whole = key(t);
    if let Some(c) = table.by_name.get(&whole) {
        return Some(c);
    }
    // `Former USSR, now Ukraine`, `Ukrainian SSR (now Ukraine)`: the
    // present-day country.
    let words: Vec<&str> = whole.split(' ').collect();
    if let Some(i) = words.iter().rposition(|w| *w == "now" || *w == "currently")
        && let Some(c) = qualified(&words[i + 1..].join(" "))
    {
        return Some(c);
    }
    let bare = key(&without_parens(t));
    if let Some(c) = qualified(&bare) {
        return Some(c);
    }
    // `Latakia Province, Syria`: an address-like value ending in the country.
    if let Some((_, last)) = without_parens(t).rsplit_once(',') {
        return qualified(&key(last));
    }
    None
}

/// The countries a free-text country or nationality value names, in order,
/// without repeats. Reads the whole value first (`Korea, North`,
/// `Bosnia and Herzegovina`), then the value without qualifiers (`(since
/// 2009)`, `as of May 2016`, `citizenship`, `possibly`), the present-day
/// country after `now` or `currently`, the country ending an address-like
/// value, and last the parts of a value naming several (`Sudan/South
/// Sudan`, `DRC and Belgian nationalities`). A two-letter code counts only
/// in capitals. Empty when no country is named (`Moscow`, `Korea`).
///
/// Enumerations such as `(1) Iraq (2) Syria` are split by the list readers
/// before they call this.
pub fn codes_in(text: &str) -> Vec<&'static str> {
    if let Some(c) = single(text) {
        return vec![c];
    }
    let mut out: Vec<&'static str> = Vec::new();
    let normalised = text
        .replace(" and ", ";")
        .replace(" or ", ";")
        .replace(". ", ";");
    for part in normalised.split(['/', ';', ',', ':']) {
        if let Some(c) = single(part)
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
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

    /// Every spelling that names one Korea, in any of the forms lists
    /// write, stays on its side; the bare word stays ambiguous.
    #[test]
    fn the_two_koreas_never_meet_in_free_text() {
        for n in [
            "Democratic People’s Republic of Korea",
            "Korea (North)",
            "North Korean",
            "Korea, DPR",
            "Democratic Peoples Republic of Korea",
            "Korea, Democratic People's Republic of (since 2009)",
            "Possibly North Korean",
            "DPRK nationality",
            "Central District, Pyongyang, Democratic People's Republic of Korea",
        ] {
            assert_eq!(codes_in(n), vec!["kp"], "{n}");
        }
        for n in [
            "Korea (South)",
            "South Korean",
            "Republic of Korea",
            "Korea, Republic of (as at 2010)",
            "Korea (Republic of)",
            "ROK citizenship",
        ] {
            assert_eq!(codes_in(n), vec!["kr"], "{n}");
        }
        // Ambiguous or unknown forms name neither rather than the wrong one.
        for n in [
            "Korea",
            "Korean",
            "Korea, Dem. People's Rep.",
            "People's Republic of Korea",
        ] {
            assert!(codes_in(n).is_empty(), "{n}: {:?}", codes_in(n));
        }
        // Both named: both kept, each on its side.
        assert_eq!(
            codes_in("Democratic People's Republic of Korea / Republic of Korea"),
            vec!["kp", "kr"]
        );
        // Every table spelling of one never maps to the other.
        for (code, other) in [("kp", "kr"), ("kr", "kp")] {
            for line in TABLE.lines().filter(|l| l.starts_with(code)) {
                for spelling in line.split('\t').nth(1).unwrap_or("").split('|') {
                    assert_eq!(to_code(spelling), Some(code), "{spelling}");
                    assert!(!codes_in(spelling).contains(&other), "{spelling}");
                }
            }
        }
    }

    #[test]
    fn free_text_values() {
        assert_eq!(codes_in("Congo (Democratic Republic)"), vec!["cd"]);
        assert_eq!(codes_in("Iran (Islamic Republic of)"), vec!["ir"]);
        assert_eq!(
            codes_in("Syrian Arab Republic as of September 2015"),
            vec!["sy"]
        );
        assert_eq!(codes_in("In Syria as at June 2013"), vec!["sy"]);
        assert_eq!(
            codes_in("Kuwaiti citizenship withdrawn in 2002"),
            vec!["kw"]
        );
        assert_eq!(codes_in("Sudanese by birth"), vec!["sd"]);
        assert_eq!(codes_in("Latakia Province, Syria"), vec!["sy"]);
        assert_eq!(codes_in("USSR (until 1991)"), vec!["suhh"]);
        assert_eq!(codes_in("Former USSR Currently Ukraine"), vec!["ua"]);
        assert_eq!(codes_in("DRC and Belgian nationalities"), vec!["cd", "be"]);
        assert_eq!(
            codes_in("United States. Also believed to hold Syrian nationality"),
            vec!["us", "sy"]
        );
        assert_eq!(codes_in("Trinidad and Tobago"), vec!["tt"]);
        assert_eq!(codes_in("Bosnia and Herzegovina (Branch)"), vec!["ba"]);
        assert_eq!(codes_in("IQ"), vec!["iq"]);
        assert_eq!(codes_in("Iraq"), vec!["iq"]);
        assert_eq!(codes_in("Gaza"), vec!["ps"]);
        assert_eq!(codes_in("Region: Northern Mali"), vec!["ml"]);
        assert_eq!(codes_in("Crimea 295000"), vec!["ua"]);
        assert_eq!(codes_in("Former German Democratic Republic"), vec!["ddde"]);
        assert_eq!(codes_in("Branch Office 11: Iran"), vec!["ir"]);
        assert!(codes_in("to").is_empty());
        assert!(codes_in("in").is_empty());
        assert!(codes_in("Moscow").is_empty());
        assert!(codes_in("").is_empty());
        assert_eq!(to_code("suhh"), Some("suhh"));
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
            // ISO alpha-2, or a four-letter FtM code of a former state.
            assert!(c.len() == 2 || c.len() == 4, "{c}");
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }
}
