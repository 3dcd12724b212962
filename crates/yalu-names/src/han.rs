//! Han characters (Chinese characters, hanja, kanji): Mandarin pinyin through the `pinyin`
//! crate (with heteronyms), Korean (Sino-Korean) readings and Japanese readings from the
//! Unicode Unihan tables embedded in `data/` (see `data/README.md`), and a traditional →
//! simplified mapping so that 習 and 习 are one character.
//!
//! One cannot tell from the characters whose name it is, so a name in Han characters yields
//! its Mandarin reading and its Korean reading (and a Japanese one): 金 is `jin` and `kim`,
//! 李 `li` and `ri`/`i`, 朴 `pu`/`piao` and `pak`, 崔 `cui` and `choe`.
//!
//! ```
//! use yalu_names::han;
//! assert_eq!(han::korean_readings('金').first(), Some(&"김"));
//! assert!(han::pinyin_readings('朴').contains(&"piao".to_string()));
//! assert_eq!(han::canonical('習'), '习');
//! ```

use std::collections::HashMap;
use std::sync::LazyLock;

use pinyin::ToPinyinMulti;

static HANJA_TSV: &str = include_str!("../data/hanja.tsv");
static JAPANESE_TSV: &str = include_str!("../data/japanese.tsv");
static SIMPLIFIED_TSV: &str = include_str!("../data/han_simplified.tsv");

struct Tables {
    hanja: HashMap<char, Vec<&'static str>>,
    japanese: HashMap<char, (&'static str, &'static str)>,
    simplified: HashMap<char, char>,
    traditional: HashMap<char, char>,
}

fn rows(tsv: &'static str) -> impl Iterator<Item = (char, Vec<&'static str>)> {
    tsv.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
        let mut cols = l.split('\t');
        let c = cols.next()?.chars().next()?;
        Some((c, cols.collect()))
    })
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let hanja = rows(HANJA_TSV)
        .map(|(c, cols)| {
            let r = cols
                .first()
                .map(|s| s.split(' ').filter(|x| !x.is_empty()).collect())
                .unwrap_or_default();
            (c, r)
        })
        .collect();
    let japanese = rows(JAPANESE_TSV)
        .map(|(c, cols)| {
            (
                c,
                (
                    cols.first().copied().unwrap_or(""),
                    cols.get(1).copied().unwrap_or(""),
                ),
            )
        })
        .collect();
    let mut simplified = HashMap::new();
    let mut traditional = HashMap::new();
    for (c, cols) in rows(SIMPLIFIED_TSV) {
        if let Some(s) = cols.first().and_then(|s| s.chars().next()) {
            simplified.insert(c, s);
            traditional.entry(s).or_insert(c);
        }
    }
    Tables {
        hanja,
        japanese,
        simplified,
        traditional,
    }
});

/// Whether `c` is a Han ideograph (CJK Unified Ideographs, extensions, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x3134F)
}

/// The simplified form of a traditional character, the character itself otherwise.
pub fn canonical(c: char) -> char {
    TABLES.simplified.get(&c).copied().unwrap_or(c)
}

/// Korean readings in Hangul, name readings first (金 → 김, 금). Falls back to the traditional
/// form of a simplified character. Empty when Unihan has none.
pub fn korean_readings(c: char) -> &'static [&'static str] {
    let t = &*TABLES;
    if let Some(r) = t.hanja.get(&c) {
        return r;
    }
    t.traditional
        .get(&c)
        .and_then(|tc| t.hanja.get(tc))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Mandarin readings without tones (heteronyms deduplicated, the usual one first).
pub fn pinyin_readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(m) = c.to_pinyin_multi() {
        for p in m {
            let s = p.plain().replace('ü', "u");
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// First Japanese kun and on reading (lowercase Hepburn, long vowels shortened as in names:
/// `rou` → `ro`), either possibly empty.
pub fn japanese_readings(c: char) -> (String, String) {
    let t = &*TABLES;
    let r = t
        .japanese
        .get(&c)
        .or_else(|| t.traditional.get(&c).and_then(|tc| t.japanese.get(tc)));
    match r {
        Some((kun, on)) => (shorten_long_vowels(kun), shorten_long_vowels(on)),
        None => (String::new(), String::new()),
    }
}

fn shorten_long_vowels(s: &str) -> String {
    s.replace("ou", "o").replace("uu", "u").replace("oo", "o")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_and_mandarin_readings() {
        assert_eq!(korean_readings('李'), &["리", "이"]);
        assert_eq!(korean_readings('朴'), &["박"]);
        assert_eq!(korean_readings('崔'), &["최"]);
        assert_eq!(pinyin_readings('崔'), vec!["cui"]);
        assert_eq!(pinyin_readings('金')[0], "jin");
        assert_eq!(pinyin_readings('吕')[0], "lu");
        assert!(korean_readings('a').is_empty());
        // a simplified character borrows the reading of its traditional form
        assert!(!korean_readings('习').is_empty());
    }

    #[test]
    fn japanese() {
        assert_eq!(japanese_readings('山').0, "yama");
        assert_eq!(japanese_readings('郎').1, "ro");
    }
}
