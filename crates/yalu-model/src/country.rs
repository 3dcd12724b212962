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
//! assert!(codes_in("Atlantis").is_empty());
//! ```
//!
//! ## Places and values that name no country
//!
//! Two more tables, embedded like the first, cover what lists write in a
//! country field besides a country:
//!
//! - `data/places.tsv`: cities, provinces and districts that lie wholly in
//!   one country (`Moscow`, `Tartous`, `Central District, Pyongyang`).
//!   [`codes_in`] reads them as that country; [`to_code`] does not, it
//!   reads country names and codes only.
//! - `data/not_countries.tsv`: values deliberately classified as naming no
//!   single country, each with its [`NotCountryKind`]: a continent or
//!   region (`Africa`, `European Union`), a disputed territory (`Kafia
//!   Kingi`, claimed by `sd` and `ss`), a name several countries share
//!   (`Congolese`: `cd` or `cg`; `Korea`: `kp` or `kr`). No code is ever
//!   guessed for them; [`classify`] says which they are, so a reader can
//!   keep the value, warn with the reason, and tell it from a value nobody
//!   has looked at yet ([`CountryValue::Unknown`]).
//!
//! ```
//! use yalu_model::country::{classify, codes_in, CountryValue, NotCountryKind};
//! assert_eq!(codes_in("Moscow"), vec!["ru"]);
//! assert_eq!(classify("Korea, North"), CountryValue::Countries(vec!["kp"]));
//! let CountryValue::NotCountry(congolese) = classify("Congolese") else { panic!() };
//! assert_eq!(congolese.kind, NotCountryKind::Ambiguous);
//! assert_eq!(congolese.candidates, ["cd", "cg"]);
//! assert_eq!(classify("Atlantis"), CountryValue::Unknown);
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");
const PLACES: &str = include_str!("../data/places.tsv");
const NOT_COUNTRIES: &str = include_str!("../data/not_countries.tsv");

struct Countries {
    /// normalised spelling -> code
    by_name: HashMap<String, &'static str>,
    /// code -> first (display) name
    names: HashMap<&'static str, &'static str>,
    /// normalised place name -> code of the country it lies in
    places: HashMap<String, &'static str>,
    /// the classified values that name no single country
    not_countries: Vec<NotCountry>,
    /// normalised spelling -> index in `not_countries`
    not_country_by_name: HashMap<String, usize>,
}

/// Why a value written where a country belongs names no single country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotCountryKind {
    /// A continent, or a region or union spanning several countries
    /// (`Africa`, `Middle East`, `European Union`).
    Region,
    /// A territory whose status is disputed or unsettled (`Kafia Kingi`,
    /// on the border of Sudan and South Sudan).
    Disputed,
    /// A name or demonym several countries share (`Congolese`, `Korea`).
    Ambiguous,
}

impl NotCountryKind {
    /// A stable lower-case name: `region`, `disputed` or `ambiguous`, as
    /// the table writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            NotCountryKind::Region => "region",
            NotCountryKind::Disputed => "disputed",
            NotCountryKind::Ambiguous => "ambiguous",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "region" => Some(NotCountryKind::Region),
            "disputed" => Some(NotCountryKind::Disputed),
            "ambiguous" => Some(NotCountryKind::Ambiguous),
            _ => None,
        }
    }
}

/// One entry of the table of values that name no single country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCountry {
    /// What kind of value it is.
    pub kind: NotCountryKind,
    /// The entry's first spelling (`Kafia Kingi`).
    pub name: &'static str,
    /// The countries involved: the claimants of a disputed territory, the
    /// candidates of an ambiguous name; empty for a region.
    pub candidates: Vec<&'static str>,
}

impl NotCountry {
    /// Why the value gives no country code, in words, for warnings.
    pub fn reason(&self) -> String {
        let names = || {
            self.candidates
                .iter()
                .map(|c| format!("{c} ({})", name(c).unwrap_or(c)))
                .collect::<Vec<_>>()
        };
        match self.kind {
            NotCountryKind::Region => {
                format!(
                    "`{}` is a region, continent or union, not one country",
                    self.name
                )
            }
            NotCountryKind::Disputed if self.candidates.is_empty() => {
                format!("`{}` is a disputed territory", self.name)
            }
            NotCountryKind::Disputed => format!(
                "`{}` is a disputed territory (claimed by {})",
                self.name,
                names().join(" and ")
            ),
            NotCountryKind::Ambiguous => format!(
                "`{}` is ambiguous: it may mean {}",
                self.name,
                names().join(" or ")
            ),
        }
    }
}

/// What a value written in a country field is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryValue {
    /// It names these countries (one or more codes, as [`codes_in`] reads
    /// them, places included).
    Countries(Vec<&'static str>),
    /// The table classifies it as naming no single country.
    NotCountry(&'static NotCountry),
    /// Neither: a value the tables do not know.
    Unknown,
}

fn countries() -> &'static Countries {
    static CELL: OnceLock<Countries> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut by_name = HashMap::new();
        let mut names = HashMap::new();
        for (code, spellings) in rows(TABLE) {
            for (i, spelling) in spellings.split('|').enumerate() {
                if i == 0 {
                    names.insert(code, spelling);
                }
                by_name.insert(key(spelling), code);
            }
        }
        let mut places = HashMap::new();
        for (code, spellings) in rows(PLACES) {
            for spelling in spellings.split('|') {
                places.insert(key(spelling), code);
            }
        }
        let mut not_countries = Vec::new();
        let mut not_country_by_name = HashMap::new();
        for (kind, rest) in rows(NOT_COUNTRIES) {
            let (Some(kind), Some((candidates, spellings))) =
                (NotCountryKind::parse(kind), rest.split_once('\t'))
            else {
                continue;
            };
            let candidates = candidates
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty() && *c != "-")
                .collect();
            let name = spellings.split('|').next().unwrap_or(spellings);
            for spelling in spellings.split('|') {
                not_country_by_name.insert(key(spelling), not_countries.len());
            }
            not_countries.push(NotCountry {
                kind,
                name,
                candidates,
            });
        }
        Countries {
            by_name,
            names,
            places,
            not_countries,
            not_country_by_name,
        }
    })
}

/// The `first<TAB>rest` rows of an embedded table, without comments and
/// blank lines.
fn rows(table: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
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
/// `Sudanese by birth`, `Syrian Arab Republic as of September 2015`,
/// `Uzbekistan SSR`: the Soviet republic that became the country).
const TRAILING: &[&str] = &[
    "ssr",
    "assr",
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

/// A normalised country name or place name, to its code.
fn lookup(k: &str) -> Option<&'static str> {
    let table = countries();
    table
        .by_name
        .get(k)
        .or_else(|| table.places.get(k))
        .copied()
}

/// Looks a normalised text up, trying it without leading and trailing
/// qualifier words.
fn qualified(k: &str) -> Option<&'static str> {
    qualified_in(k, lookup)
}

/// Looks a normalised text up with `find`, trying it without leading and
/// trailing qualifier words.
fn qualified_in<T>(k: &str, find: impl Fn(&str) -> Option<T>) -> Option<T> {
    if let Some(c) = find(k) {
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
    find(candidate)
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
    let whole = key(t);
    if let Some(c) = lookup(&whole) {
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
/// in capitals. A place the places table knows (`Moscow`, `Central
/// District, Pyongyang`) reads as its country. Empty when no country is
/// named (`Atlantis`, `Korea`, `Africa`).
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

/// What a value written in a country field is: the country its whole text
/// names ([`to_code`]), else the table's classification of a value that
/// names no single country ([`not_country`]), else the countries
/// [`codes_in`] reads, else [`CountryValue::Unknown`].
pub fn classify(text: &str) -> CountryValue {
    if let Some(code) = to_code(text) {
        return CountryValue::Countries(vec![code]);
    }
    // Before the free-text reading, which would find both claimants in
    // `Kafia Kingi (a territory on the border of Sudan and South Sudan)`.
    if let Some(n) = not_country(text) {
        return CountryValue::NotCountry(n);
    }
    let codes = codes_in(text);
    if codes.is_empty() {
        CountryValue::Unknown
    } else {
        CountryValue::Countries(codes)
    }
}

/// The table's entry for a value that names no single country (`Africa`,
/// `Region: Kafia Kingi`, `Congolese`), read with the same qualifiers as
/// [`codes_in`]; `None` for anything else, countries included.
pub fn not_country(text: &str) -> Option<&'static NotCountry> {
    let table = countries();
    let find = |k: &str| {
        table
            .not_country_by_name
            .get(k)
            .map(|&i| &table.not_countries[i])
    };
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    qualified_in(&key(t), find).or_else(|| qualified_in(&key(&without_parens(t)), find))
}

/// Every entry of the table of values that name no single country.
pub fn not_countries() -> &'static [NotCountry] {
    &countries().not_countries
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
        assert!(codes_in("Atlantis").is_empty());
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

    /// A place in one country reads as that country, alone, at the end of
    /// an address-like value or qualified; `to_code` stays for country
    /// names and codes.
    #[test]
    fn places_read_as_their_country() {
        assert_eq!(codes_in("Moscow"), vec!["ru"]);
        assert_eq!(codes_in("Tartous"), vec!["sy"]);
        assert_eq!(codes_in("Damascus Countryside"), vec!["sy"]);
        assert_eq!(codes_in("Central District, Pyongyang"), vec!["kp"]);
        assert_eq!(codes_in("Central District, Pyongyang "), vec!["kp"]);
        assert_eq!(codes_in("Possibly Dandong"), vec!["cn"]);
        assert_eq!(codes_in("Beijing, China"), vec!["cn"]);
        assert_eq!(codes_in("Uzbekistan SSR"), vec!["uz"]);
        assert_eq!(to_code("Moscow"), None);
        assert_eq!(classify("Moscow"), CountryValue::Countries(vec!["ru"]));
        // A designator alone names nothing.
        assert_eq!(classify("SSR"), CountryValue::Unknown);
        assert_eq!(classify("Autonomous SSR"), CountryValue::Unknown);
        assert_eq!(classify("115088"), CountryValue::Unknown);
    }

    #[test]
    fn values_naming_no_single_country_are_classified() {
        let class = |t: &str| match classify(t) {
            CountryValue::NotCountry(n) => Some((n.kind, n.candidates.clone())),
            _ => None,
        };
        assert_eq!(class("Africa"), Some((NotCountryKind::Region, vec![])));
        assert_eq!(class("Middle East"), Some((NotCountryKind::Region, vec![])));
        assert_eq!(class("eu"), Some((NotCountryKind::Region, vec![])));
        assert_eq!(
            class("Region: Kafia Kingi"),
            Some((NotCountryKind::Disputed, vec!["sd", "ss"]))
        );
        assert_eq!(
            class("Kafia Kingi (a territory on the border of Sudan and South Sudan)"),
            Some((NotCountryKind::Disputed, vec!["sd", "ss"]))
        );
        assert_eq!(
            class("Congolese"),
            Some((NotCountryKind::Ambiguous, vec!["cd", "cg"]))
        );
        assert_eq!(
            class("Possibly Korean"),
            Some((NotCountryKind::Ambiguous, vec!["kp", "kr"]))
        );
        // Countries, even ones whose names contain a region, are countries.
        assert_eq!(
            classify("South Africa"),
            CountryValue::Countries(vec!["za"])
        );
        assert_eq!(
            classify("Central African Republic"),
            CountryValue::Countries(vec!["cf"])
        );
        assert_eq!(classify("Congo"), CountryValue::Countries(vec!["cg"]));
        assert!(not_country("North Korea").is_none());
        // The reason names the kind and the candidates.
        let CountryValue::NotCountry(n) = classify("Congolese") else {
            panic!("Congolese is classified");
        };
        let reason = n.reason();
        assert!(
            reason.contains("ambiguous") && reason.contains("cd") && reason.contains("cg"),
            "{reason}"
        );
        assert!(
            not_country("Kafia Kingi")
                .unwrap()
                .reason()
                .contains("disputed")
        );
        assert!(not_country("Africa").unwrap().reason().contains("region"));
    }

    /// The three tables never disagree: a place or a classified value is
    /// never also a country spelling, every code they name is a country
    /// code, and no place maps to the other Korea.
    #[test]
    fn side_tables_are_consistent() {
        let table = countries();
        for (code, spellings) in rows(PLACES) {
            assert!(name(code).is_some(), "places: unknown code {code}");
            for spelling in spellings.split('|') {
                assert!(
                    !table.by_name.contains_key(&key(spelling)),
                    "place `{spelling}` is also a country spelling"
                );
                assert!(
                    !table.not_country_by_name.contains_key(&key(spelling)),
                    "place `{spelling}` is also classified as no country"
                );
                assert_eq!(codes_in(spelling), vec![code], "{spelling}");
            }
        }
        assert!(!not_countries().is_empty());
        for n in not_countries() {
            for c in &n.candidates {
                assert!(name(c).is_some(), "{}: unknown code {c}", n.name);
            }
            assert_eq!(
                n.kind == NotCountryKind::Region,
                n.candidates.is_empty(),
                "{}: regions have no candidates, the others do",
                n.name
            );
        }
        for (_, rest) in rows(NOT_COUNTRIES) {
            let spellings = rest.split_once('\t').map(|(_, s)| s).unwrap_or("");
            for spelling in spellings.split('|') {
                assert!(
                    codes_in(spelling).is_empty(),
                    "`{spelling}` reads as a country"
                );
                assert!(not_country(spelling).is_some(), "{spelling}");
            }
        }
        assert_eq!(
            rows(NOT_COUNTRIES).count(),
            not_countries().len(),
            "a row of not_countries.tsv has an unknown class or no codes column"
        );
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
