//! Hangul syllables: arithmetic decomposition from U+AC00 and romanisation under Revised
//! Romanization (South Korea, 2000), McCune–Reischauer (with breves and apostrophes) and the
//! DPRK's own system (1992), syllable by syllable as names are romanised.
//!
//! ```
//! use yalu_names::hangul::{romanize, Romanization};
//! assert_eq!(romanize("김정은", Romanization::Revised), "gim jeong-eun");
//! assert_eq!(romanize("김정은", Romanization::Dprk), "kim jong-un");
//! assert_eq!(romanize("최룡해", Romanization::McCuneReischauer), "ch'oe ryong-hae");
//! ```

/// A romanisation system for Hangul.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Romanization {
    /// Revised Romanization of Korean (South Korea).
    Revised,
    /// McCune–Reischauer, with breves (ŏ, ŭ) and aspiration apostrophes.
    McCuneReischauer,
    /// The DPRK's official system (aspirates `kh th ph ch`, ㅓ as `o`, ㅡ as `u`).
    Dprk,
}

const BASE: u32 = 0xAC00;
const LAST: u32 = 0xD7A3;

/// Whether `c` is a precomposed Hangul syllable.
pub fn is_syllable(c: char) -> bool {
    (BASE..=LAST).contains(&(c as u32))
}

/// (initial, medial, final) jamo indices of a Hangul syllable: 19 initials, 21 medials,
/// 28 finals (0 = none).
pub fn decompose(c: char) -> Option<(u8, u8, u8)> {
    let s = (c as u32).checked_sub(BASE)?;
    if s > LAST - BASE {
        return None;
    }
    Some(((s / 588) as u8, ((s % 588) / 28) as u8, (s % 28) as u8))
}

/// Number of jamo (initial, medial, final) in which two syllables differ; `None` unless both
/// are Hangul syllables.
pub fn jamo_difference(a: char, b: char) -> Option<u8> {
    let (a1, a2, a3) = decompose(a)?;
    let (b1, b2, b3) = decompose(b)?;
    Some(u8::from(a1 != b1) + u8::from(a2 != b2) + u8::from(a3 != b3))
}

const RR_INI: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MR_INI: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'",
    "p'", "h",
];
const KP_INI: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];
const RR_MED: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const MR_MED: [&str; 21] = [
    "a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we",
    "wi", "yu", "ŭ", "ŭi", "i",
];
const KP_MED: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];
const FIN: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Romanises one Hangul syllable (lowercase). `None` for any other character.
pub fn romanize_syllable(c: char, system: Romanization) -> Option<String> {
    let (i, m, f) = decompose(c)?;
    let (ini, med) = match system {
        Romanization::Revised => (RR_INI, RR_MED),
        Romanization::McCuneReischauer => (MR_INI, MR_MED),
        Romanization::Dprk => (KP_INI, KP_MED),
    };
    let mut s = String::with_capacity(8);
    s.push_str(ini[usize::from(i)]);
    s.push_str(med[usize::from(m)]);
    s.push_str(FIN[usize::from(f)]);
    Some(s)
}

/// Romanises Hangul text as a personal name is written: in each word of two or more syllables
/// the first syllable (the surname) stands alone and the rest (the given name) are joined by
/// hyphens. Characters other than Hangul syllables pass through unchanged.
pub fn romanize(text: &str, system: Romanization) -> String {
    let mut out = String::new();
    for (wi, word) in text.split_whitespace().enumerate() {
        if wi > 0 {
            out.push(' ');
        }
        let mut n = 0;
        for c in word.chars() {
            match romanize_syllable(c, system) {
                Some(r) => {
                    if n == 1 {
                        out.push(' ');
                    } else if n > 1 {
                        out.push('-');
                    }
                    out.push_str(&r);
                    n += 1;
                }
                None => {
                    out.push(c);
                    n = 0;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposition_is_arithmetic() {
        assert_eq!(decompose('가'), Some((0, 0, 0)));
        assert_eq!(decompose('힣'), Some((18, 20, 27)));
        assert_eq!(decompose('a'), None);
        assert_eq!(jamo_difference('종', '정'), Some(1));
        assert_eq!(jamo_difference('김', '박'), Some(3));
    }

    #[test]
    fn three_systems() {
        assert_eq!(romanize("박지성", Romanization::Revised), "bak ji-seong");
        assert_eq!(romanize("박지성", Romanization::Dprk), "pak ji-song");
        assert_eq!(
            romanize("정경택", Romanization::McCuneReischauer),
            "chŏng kyŏng-t'aek"
        );
        assert_eq!(romanize("정경택", Romanization::Dprk), "jong kyong-thaek");
        assert_eq!(
            romanize("정경택", Romanization::Revised),
            "jeong gyeong-taek"
        );
        assert_eq!(romanize("리설주 abc", Romanization::Dprk), "ri sol-ju abc");
    }
}
