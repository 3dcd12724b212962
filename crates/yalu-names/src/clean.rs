//! Reading what a name really says before it is normalised: hidden characters dropped
//! ([`clean`]) and look-alike letters read as the letters they imitate ([`read_lookalikes`]).
//!
//! Both steps run first in [`crate::normalize`], so every name Yalu reads (list entries,
//! queries, customer files, event records) passes through them.
//!
//! ```
//! use yalu_names::{clean, read_lookalikes};
//! // a zero-width space and a soft hyphen inside a word, a no-break space between words
//! assert_eq!(clean("KI\u{200B}M,\u{00A0}Nam Un\u{00AD}g"), "KIM, Nam Ung");
//! // Cyrillic К, О, С inside a Latin word are read as K, O, C
//! let r = read_lookalikes("NIКОLIС, Momir");
//! assert_eq!(r.text, "NIKOLIC, Momir");
//! assert_eq!(r.replaced.len(), 3);
//! ```

use std::borrow::Cow;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_security::MixedScript;

/// Whether `c` is a hidden character: a format character (Unicode general category `Cf`:
/// zero-width space, joiners, word joiner, soft hyphen, bidi controls, byte-order mark, ...),
/// a variation selector or the combining grapheme joiner.
pub fn is_hidden(c: char) -> bool {
    // No ASCII character is hidden (category Cf has none): the common
    // case skips the category lookup.
    !c.is_ascii() && hidden_by_category(c)
}

fn hidden_by_category(c: char) -> bool {
    matches!(
        c as u32,
        0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D | 0x180F | 0x034F
    ) || c.general_category() == GeneralCategory::Format
}

/// Whether `c` is a space or line break other than the plain space (no-break, thin,
/// ideographic, ..., tab, newline, other control characters).
fn is_odd_space(c: char) -> bool {
    if c.is_ascii() {
        // The only ASCII separator is the plain space; the rest are controls.
        return c.is_ascii_control();
    }
    odd_space_by_category(c)
}

fn odd_space_by_category(c: char) -> bool {
    c != ' '
        && matches!(
            c.general_category(),
            GeneralCategory::SpaceSeparator
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::Control
        )
}

/// Drops hidden characters ([`is_hidden`]) and turns every other kind of space, line break
/// and control character into a plain space. Borrows when there is nothing to change.
///
/// One exception: in Arabic script (Persian, Urdu, ...) the zero-width non-joiner marks the
/// boundary between the parts of a compound word (`پزشک‌فر`, Pezeshk-far), as a hyphen does
/// in Latin script, so between two Arabic letters it separates words as a hyphen would.
pub fn clean(raw: &str) -> Cow<'_, str> {
    if !raw.chars().any(|c| is_hidden(c) || is_odd_space(c)) {
        return Cow::Borrowed(raw);
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        let persian_joint = c == '\u{200C}'
            && i > 0
            && is_arabic_letter(chars[i - 1])
            && chars.get(i + 1).is_some_and(|&n| is_arabic_letter(n));
        if persian_joint || is_odd_space(c) {
            out.push(' ');
        } else if !is_hidden(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_arabic_letter(c: char) -> bool {
    c.is_alphabetic()
        && matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// The reading of `raw` in which an unusual space (no-break, thin, ideographic, ...) between
/// two letters or digits joins them instead of separating them (`Ba\u{A0}sil` → `Basil`):
/// such spaces look like nothing at all inside a word, so an evader can split a word with
/// one. `None` when `raw` has no such space. Hidden characters are dropped as in [`clean`].
pub fn join_odd_spaces(raw: &str) -> Option<String> {
    if raw.is_ascii() {
        // ASCII has no space but the plain one (controls are not spaces).
        return None;
    }
    let chars: Vec<char> = raw.chars().filter(|c| !is_hidden(*c)).collect();
    let inside = |i: usize| {
        i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
    };
    let mut joined = false;
    let mut out = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != ' ' && c.general_category() == GeneralCategory::SpaceSeparator && inside(i) {
            joined = true;
            continue;
        }
        out.push(c);
    }
    joined.then(|| clean(&out).into_owned())
}

/// One letter read as the Latin letter it imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LookAlike {
    /// The character as written (`К`, U+041A CYRILLIC CAPITAL LETTER KA).
    pub found: char,
    /// The Latin letter it was read as (`K`).
    pub read_as: char,
    /// `true` when the letter sat in a word that mixes scripts (always read as Latin);
    /// `false` when the whole word was in another script inside a Latin name, so the name
    /// was compared both as written and read as Latin.
    pub mixed_word: bool,
}

impl LookAlike {
    /// `К (U+041A) as K`.
    pub fn describe(&self) -> String {
        format!(
            "{} (U+{:04X}) as {}",
            self.found, self.found as u32, self.read_as
        )
    }
}

/// The result of [`read_lookalikes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookAlikeReading {
    /// The text with every look-alike letter of a mixed-script word replaced.
    pub text: String,
    /// A second reading in which whole words of another script made only of Latin
    /// look-alikes are read as Latin too; only for names that also hold Latin letters.
    pub latin: Option<String>,
    /// Every letter replaced, in either reading.
    pub replaced: Vec<LookAlike>,
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic()
            && matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF))
}

/// The Latin letter that `c` (not itself Latin) imitates, from the UTS #39 confusables
/// data: its skeleton must be one ASCII letter (`І`, U+0406, is read as `I`).
fn latin_prototype(c: char) -> Option<char> {
    if c.is_ascii() || is_latin_letter(c) || !c.is_alphabetic() {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut sk = unicode_security::skeleton(c.encode_utf8(&mut buf));
    let p = sk.next()?;
    if sk.next().is_some() || !p.is_ascii_alphabetic() {
        return None;
    }
    // the confusables data has one prototype, `l`, for the glyphs of `l` and `I`: a capital
    // imitates `I`
    Some(if p == 'l' && c.is_uppercase() { 'I' } else { p })
}

/// Reads look-alike letters (UTS #39 confusables through the `unicode-security` crate):
///
/// * in a word that mixes scripts (mixed-script detection of UTS #39) and holds Latin
///   letters, every letter of another script that imitates a Latin letter is read as that
///   letter (`NIКОLIС` → `NIKOLIC`);
/// * a whole word of another script made only of such letters, in a name that also holds
///   Latin letters, is ambiguous (`АВЕ` may be Cyrillic `Ave` or Latin `ABE`): the result
///   then carries a second, Latin reading in [`LookAlikeReading::latin`];
/// * names wholly in Cyrillic or Greek are left as they are: they keep their
///   transliterations.
///
/// Run it on the original text (before lowercasing): the confusables data maps capital
/// Cyrillic `В` to `B` but small `в` to nothing.
pub fn read_lookalikes(text: &str) -> LookAlikeReading {
    if text.is_ascii() {
        return LookAlikeReading {
            text: text.to_string(),
            latin: None,
            replaced: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut latin = String::with_capacity(text.len());
    let mut replaced = Vec::new();
    let mut ambiguous = false;
    let name_has_latin = text.chars().any(is_latin_letter);
    let is_word_char =
        |c: char| c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
    let mut rest = text;
    while !rest.is_empty() {
        let split = rest
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(rest.len(), |(i, _)| i);
        let (word, after) = rest.split_at(split);
        if !word.is_empty() {
            let has_latin = word.chars().any(is_latin_letter);
            let has_other = word
                .chars()
                .any(|c| c.is_alphabetic() && !c.is_ascii() && !is_latin_letter(c));
            if has_latin && has_other && !word.is_single_script() {
                read_mixed_word(word, &mut out, &mut latin, &mut replaced);
            } else if name_has_latin
                && has_other
                && !has_latin
                && word
                    .chars()
                    .all(|c| !c.is_alphabetic() || latin_prototype(c).is_some())
            {
                ambiguous = true;
                out.push_str(word);
                read_ambiguous_word(word, &mut latin, &mut replaced);
            } else {
                out.push_str(word);
                latin.push_str(word);
            }
        }
        let mut chars = after.chars();
        if let Some(sep) = chars.next() {
            out.push(sep);
            latin.push(sep);
        }
        rest = chars.as_str();
    }
    LookAlikeReading {
        text: out,
        latin: ambiguous.then_some(latin),
        replaced,
    }
}

/// A word mixing Latin letters with letters of another script: each
/// look-alike is read as its Latin letter, in both readings.
fn read_mixed_word(
    word: &str,
    out: &mut String,
    latin: &mut String,
    replaced: &mut Vec<LookAlike>,
) {
    for c in word.chars() {
        match latin_prototype(c) {
            Some(p) => {
                out.push(p);
                latin.push(p);
                replaced.push(LookAlike {
                    found: c,
                    read_as: p,
                    mixed_word: true,
                });
            }
            None => {
                out.push(c);
                latin.push(c);
            }
        }
    }
}

/// A word of another script made only of look-alikes, in a name with Latin
/// letters: its Latin reading (the text keeps the word as it is).
fn read_ambiguous_word(word: &str, latin: &mut String, replaced: &mut Vec<LookAlike>) {
    for c in word.chars() {
        match latin_prototype(c) {
            Some(p) => {
                latin.push(p);
                replaced.push(LookAlike {
                    found: c,
                    read_as: p,
                    mixed_word: false,
                });
            }
            None => latin.push(c),
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_paths_agree_with_the_categories() {
        for c in (0u8..=0x7F).map(char::from) {
            assert_eq!(is_hidden(c), hidden_by_category(c), "{c:?}");
            assert_eq!(is_odd_space(c), odd_space_by_category(c), "{c:?}");
        }
        assert_eq!(join_odd_spaces("KIM\tJong Un"), None);
    }

    #[test]
    fn hidden_characters_are_dropped() {
        for (raw, want) in [
            ("KI\u{200B}M Nam", "KIM Nam"),               // zero-width space
            ("Ch\u{200C}oe\u{200D} Ryong", "Choe Ryong"), // non-joiner, joiner
            ("Pak\u{2060}Ui Chun", "PakUi Chun"),         // word joiner
            ("Ri\u{00AD}Chol", "RiChol"),                 // soft hyphen
            ("\u{FEFF}KANG Sok Ju", "KANG Sok Ju"),       // BOM
            ("\u{202E}HAN\u{202C} Song", "HAN Song"),     // bidi override and pop
            ("\u{2067}Jo\u{2069}n", "Jon"),               // bidi isolates
            ("Yu\u{FE0F}n Ho", "Yun Ho"),                 // variation selector
            ("O\u{E0101}k Sun", "Ok Sun"),                // ideographic variation selector
        ] {
            assert_eq!(clean(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn persian_non_joiner_separates_compound_parts() {
        assert_eq!(clean("پزشک\u{200C}فر"), "پزشک فر");
        // elsewhere it is dropped
        assert_eq!(clean("Pa\u{200C}k"), "Pak");
    }

    #[test]
    fn odd_spaces_become_plain() {
        assert_eq!(clean("KIM\u{00A0}Jong\u{2009}Un"), "KIM Jong Un");
        assert_eq!(clean("김\u{3000}정은"), "김 정은");
        assert_eq!(clean("RI\tSon\nGwon"), "RI Son Gwon");
        assert!(matches!(clean("plain name"), Cow::Borrowed(_)));
    }

    #[test]
    fn odd_spaces_inside_words_give_a_joined_reading() {
        assert_eq!(
            join_odd_spaces("HASSAN, Ba\u{00A0}sil").as_deref(),
            Some("HASSAN, Basil")
        );
        assert_eq!(
            join_odd_spaces("Mo\u{2009}rio\u{200B} Utao").as_deref(),
            Some("Morio Utao")
        );
        // between words (next to a plain space or punctuation) they stay separators
        assert_eq!(join_odd_spaces("KIM,\u{00A0}Chol"), None);
        assert_eq!(join_odd_spaces("plain name"), None);
    }

    #[test]
    fn mixed_words_read_as_latin() {
        // Cyrillic А, Е, Р and Greek Ο inside Latin words
        let r = read_lookalikes("САRLOS Ρеrez");
        assert_eq!(r.text, "CARLOS Perez");
        assert!(r.latin.is_none());
        assert!(r.replaced.iter().all(|l| l.mixed_word));
        assert!(r.replaced.contains(&LookAlike {
            found: 'С',
            read_as: 'C',
            mixed_word: true
        }));
        let r = read_lookalikes("Моmіr");
        assert_eq!(r.text, "Momir");
    }

    #[test]
    fn whole_script_words_keep_both_readings() {
        // a Latin name with one word wholly in Cyrillic look-alikes
        let r = read_lookalikes("АВЕ, Hiroshi");
        assert_eq!(r.text, "АВЕ, Hiroshi");
        assert_eq!(r.latin.as_deref(), Some("ABE, Hiroshi"));
        assert!(r.replaced.iter().all(|l| !l.mixed_word));
        // a wholly Cyrillic name is left alone
        let r = read_lookalikes("Вера Павлова");
        assert_eq!(r.text, "Вера Павлова");
        assert!(r.latin.is_none() && r.replaced.is_empty());
        // Cyrillic letters without a Latin look-alike are not touched
        let r = read_lookalikes("Жukov");
        assert_eq!(r.text, "Жukov");
    }
}
