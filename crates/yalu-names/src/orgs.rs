//! The table of organisation legal forms, filler words, person titles and name particles
//! (`data/legal_forms.tsv`): each phrase is replaced by one canonical token of low weight, so
//! `AG` meets `Aktiengesellschaft`, `OOO` meets `ООО` and `Limited Liability Company`, and a
//! legal form alone never makes a match.
//!
//! ```
//! use yalu_names::{orgs, NameKind, TokenKind};
//! let e = orgs::lookup("aktiengesellschaft", NameKind::Organization).unwrap();
//! assert_eq!((e.canon, e.kind), ("jsc", TokenKind::Legal));
//! // short forms that are also syllables of personal names apply to organisations only
//! assert!(orgs::lookup("sa", NameKind::Person).is_none());
//! ```

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::{NameKind, TokenKind};

static LEGAL_TSV: &str = include_str!("../data/legal_forms.tsv");

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// The token text that replaces the phrase.
    pub canon: &'static str,
    /// Legal form, filler, stop word, title or particle.
    pub kind: TokenKind,
    /// Weight of the token in comparisons (a normal word weighs 1).
    pub weight: f32,
    /// Whether the phrase applies only to organisation/other names.
    pub org_only: bool,
    /// Whether the phrase applies only to a single word written with a dot (`Gen.` is a
    /// title, the given name `Gen` is not). [`lookup`] leaves the check to the caller.
    pub dotted_only: bool,
}

struct Table {
    phrases: HashMap<&'static str, Entry>,
    /// Longest phrase in words.
    max_words: usize,
    /// Phrases written without spaces in Han or Hangul, longest first, for affix stripping.
    cjk: Vec<(&'static str, Entry)>,
    /// Single-word Latin phrases of 8 letters or more, for one-typo
    /// matching, with their [`byte_set`](crate::distance::byte_set).
    long_words: Vec<(&'static str, u64, Entry)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut phrases = HashMap::new();
    let mut max_words = 1;
    let mut cjk = Vec::new();
    let mut long_words = Vec::new();
    for line in LEGAL_TSV.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [phrase, canon, kind, weight, scope] = cols[..] else {
            continue;
        };
        let kind = match kind {
            "legal" => TokenKind::Legal,
            "filler" => TokenKind::Filler,
            "stop" => TokenKind::Stop,
            "title" => TokenKind::Title,
            "particle" => TokenKind::Particle,
            _ => continue,
        };
        let entry = Entry {
            canon,
            kind,
            weight: weight.parse().unwrap_or(0.1),
            org_only: scope == "org",
            dotted_only: scope == "dot",
        };
        max_words = max_words.max(phrase.split(' ').count());
        if phrase
            .chars()
            .any(|c| crate::han::is_han(c) || crate::hangul::is_syllable(c))
        {
            cjk.push((phrase, entry));
        }
        if !phrase.contains(' ') && phrase.len() >= 8 && phrase.is_ascii() {
            long_words.push((phrase, crate::distance::byte_set(phrase), entry));
        }
        phrases.insert(phrase, entry);
    }
    cjk.sort_by_key(|(p, _)| std::cmp::Reverse(p.chars().count()));
    Table {
        phrases,
        max_words,
        cjk,
        long_words,
    }
});

/// The entry for a phrase (folded words joined by single spaces) in a name of `kind`.
pub fn lookup(phrase: &str, kind: NameKind) -> Option<Entry> {
    let e = *TABLE.phrases.get(phrase)?;
    (!e.org_only || kind != NameKind::Person).then_some(e)
}

/// A long single-word legal form written with one typo (`aktiengeselschaft`).
pub fn lookup_fuzzy(word: &str, kind: NameKind) -> Option<Entry> {
    if word.len() < 8 || !word.is_ascii() {
        return None;
    }
    let set = crate::distance::byte_set(word);
    TABLE
        .long_words
        .iter()
        // The distance is at least the difference in length, and one edit
        // changes at most two members of the byte set: most entries are
        // ruled out without computing it.
        .filter(|(p, s, _)| p.len().abs_diff(word.len()) <= 1 && (s ^ set).count_ones() <= 2)
        .find(|(p, _, _)| crate::distance::osa(p.as_bytes(), word.as_bytes()) <= 1)
        .map(|(_, _, e)| *e)
        .filter(|e| (!e.org_only || kind != NameKind::Person) && !e.dotted_only)
}

/// The longest number of words of a phrase in the table.
pub fn max_phrase_words() -> usize {
    TABLE.max_words
}

/// Splits a Han or Hangul word into (prefix legal forms, core, suffix legal forms), each list
/// in reading order: `中国银行有限公司` → core `中国`, suffixes `银行` (bank), `有限公司` (llc).
pub fn strip_cjk_affixes(word: &str, kind: NameKind) -> (Vec<Entry>, &str, Vec<Entry>) {
    let mut core = word;
    let mut prefix = Vec::new();
    let mut suffix = Vec::new();
    'outer: for _ in 0..3 {
        for &(p, e) in &TABLE.cjk {
            if core.len() > p.len()
                && core.ends_with(p)
                && (!e.org_only || kind != NameKind::Person)
            {
                core = &core[..core.len() - p.len()];
                suffix.insert(0, e);
                continue 'outer;
            }
        }
        break;
    }
    'outer2: for _ in 0..3 {
        for &(p, e) in &TABLE.cjk {
            if core.len() > p.len()
                && core.starts_with(p)
                && (!e.org_only || kind != NameKind::Person)
            {
                core = &core[p.len()..];
                prefix.push(e);
                continue 'outer2;
            }
        }
        break;
    }
    (prefix, core, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_share_a_canon() {
        let canon = |p: &str| lookup(p, NameKind::Organization).map(|e| e.canon);
        assert_eq!(canon("ooo"), canon("limited liability company"));
        assert_eq!(canon("ооо"), canon("gmbh"));
        assert_eq!(canon("oao"), canon("jsc"));
        assert_eq!(canon("corp"), canon("corporation"));
        assert_eq!(canon("co"), canon("company"));
        assert_eq!(
            lookup_fuzzy("aktiengeselschaft", NameKind::Organization).map(|e| e.canon),
            Some("jsc")
        );
        assert!(lookup("kim", NameKind::Organization).is_none());
    }

    #[test]
    fn canon_tokens_map_to_themselves() {
        // needed for idempotence: a canonical token is itself a phrase of the same scope
        for (phrase, e) in &TABLE.phrases {
            let again = TABLE.phrases.get(e.canon);
            assert!(
                again.is_some(),
                "canon {} of {phrase} is not a phrase",
                e.canon
            );
            if let Some(a) = again {
                assert_eq!(a.canon, e.canon, "{phrase}");
                assert!(
                    !a.org_only || e.org_only,
                    "{phrase}: canon {} narrower",
                    e.canon
                );
                assert!(!a.dotted_only, "{phrase}: canon {} needs a dot", e.canon);
            }
        }
    }

    #[test]
    fn cjk_affixes() {
        let (p, core, s) = strip_cjk_affixes("中国银行有限公司", NameKind::Organization);
        assert!(p.is_empty());
        assert_eq!(core, "中国");
        assert_eq!(
            s.iter().map(|e| e.canon).collect::<Vec<_>>(),
            ["bank", "llc"]
        );
        let (p, core, _) = strip_cjk_affixes("주식회사삼성", NameKind::Organization);
        assert_eq!(p.iter().map(|e| e.canon).collect::<Vec<_>>(), ["jsc"]);
        assert_eq!(core, "삼성");
    }
}
