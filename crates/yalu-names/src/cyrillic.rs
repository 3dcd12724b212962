//! Cyrillic romanisation under three common systems, each a variant of a name:
//!
//! | letter | [`CyrillicSystem::Bgn`] (BGN/PCGN-like) | [`CyrillicSystem::Icao`] (passports, ICAO 9303) | [`CyrillicSystem::Simple`] (press English) |
//! |---|---|---|---|
//! | ж | zh | zh | zh |
//! | х | kh | kh | kh |
//! | ц | ts | ts | ts |
//! | щ | shch | shch | shch |
//! | й | y | i | y (`-ий` → `y`; `-ый` stays `yy`) |
//! | ю / я | yu / ya | iu / ia | yu / ya |
//! | е | ye at word start and after a vowel, else e | e | e |
//! | ё | yë → ye / e | e | yo |
//! | ъ / ь | dropped | ie / dropped | dropped |
//!
//! Ukrainian (і ї є ґ, г → h), Belarusian (ў), Serbian and Macedonian (ђ ј љ њ ћ џ ѓ ќ ѕ),
//! Kazakh and Mongolian (ә ғ қ ң ө ұ ү һ) letters are covered too. Input is expected lowercase.
//!
//! ```
//! use yalu_names::cyrillic::{transliterate, CyrillicSystem};
//! assert_eq!(transliterate("дмитрий", CyrillicSystem::Simple), "dmitry");
//! assert_eq!(transliterate("дмитрий", CyrillicSystem::Bgn), "dmitriy");
//! assert_eq!(transliterate("дмитрий", CyrillicSystem::Icao), "dmitrii");
//! ```

/// A Cyrillic romanisation system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CyrillicSystem {
    /// BGN/PCGN-like (geographic names, many sanctions lists).
    Bgn,
    /// ICAO Doc 9303, as printed in machine-readable passports.
    Icao,
    /// Common English press spelling (`Dmitry`, `Yuri`, `Zelensky`).
    Simple,
}

/// Whether `c` is a Cyrillic letter.
pub fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F)
}

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюяіїєөүұәў".contains(c)
}

/// Romanises lowercase Cyrillic text; other characters pass through.
pub fn transliterate(text: &str, system: CyrillicSystem) -> String {
    let ukrainian = text.contains(['і', 'ї', 'є', 'ґ']);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let at = Neighbours::of(&chars, i, ukrainian);
        match in_context(c, system, &at).or_else(|| letter(c, system)) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// What the romanisation of a letter may depend on.
struct Neighbours {
    /// The text has a letter only Ukrainian uses (і ї є ґ).
    ukrainian: bool,
    /// No Cyrillic letter before it.
    word_start: bool,
    /// After a vowel, `ъ` or `ь`.
    after_vowel: bool,
    /// Followed by `й` ending the word (`-ий`).
    before_final_short_i: bool,
}

impl Neighbours {
    /// The neighbours of the letter at `i` in `chars`.
    fn of(chars: &[char], i: usize, ukrainian: bool) -> Self {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        Neighbours {
            ukrainian,
            word_start: prev.is_none_or(|p| !is_cyrillic(p)),
            after_vowel: prev.is_some_and(|p| is_vowel(p) || p == 'ъ' || p == 'ь'),
            before_final_short_i: chars.get(i + 1) == Some(&'й')
                && chars.get(i + 2).is_none_or(|n| !is_cyrillic(*n)),
        }
    }
}

/// The romanisation of the letters that depend on their neighbours: `г`
/// (`h` in Ukrainian), `е` and `ё` (`ye` in BGN at a word's start or after
/// a vowel), `и` (`y` in Ukrainian; dropped from a final `-ий` in Simple).
fn in_context(c: char, system: CyrillicSystem, at: &Neighbours) -> Option<&'static str> {
    use CyrillicSystem::*;
    let iotated = system == Bgn && (at.word_start || at.after_vowel);
    Some(match c {
        'г' if at.ukrainian => "h",
        'г' => "g",
        'е' | 'ё' if iotated => "ye",
        'е' => "e",
        'ё' if system == Simple => "yo",
        'ё' => "e",
        'и' if at.ukrainian => "y",
        'и' if system == Simple && at.before_final_short_i => "",
        'и' => "i",
        _ => return None,
    })
}

/// The romanisation of a letter of [`LETTERS`] under `system`.
fn letter(c: char, system: CyrillicSystem) -> Option<&'static str> {
    let column = match system {
        CyrillicSystem::Bgn => 0,
        CyrillicSystem::Icao => 1,
        CyrillicSystem::Simple => 2,
    };
    let row = LETTERS.binary_search_by_key(&c, |(l, _)| *l).ok()?;
    Some(LETTERS[row].1[column])
}

/// The same romanisation under every system.
const fn all(s: &'static str) -> [&'static str; 3] {
    [s, s, s]
}

/// The romanisation of each letter that reads the same wherever it stands,
/// under BGN, ICAO and Simple in that order, sorted by letter. The letters
/// that depend on their neighbours (г е ё и) are in [`in_context`].
const LETTERS: &[(char, [&str; 3])] = &[
    ('а', all("a")),
    ('б', all("b")),
    ('в', all("v")),
    ('д', all("d")),
    ('ж', all("zh")),
    ('з', all("z")),
    ('й', ["y", "i", "y"]),
    ('к', all("k")),
    ('л', all("l")),
    ('м', all("m")),
    ('н', all("n")),
    ('о', all("o")),
    ('п', all("p")),
    ('р', all("r")),
    ('с', all("s")),
    ('т', all("t")),
    ('у', all("u")),
    ('ф', all("f")),
    ('х', all("kh")),
    ('ц', all("ts")),
    ('ч', all("ch")),
    ('ш', all("sh")),
    ('щ', all("shch")),
    ('ъ', ["", "ie", ""]),
    ('ы', all("y")),
    ('ь', all("")),
    ('э', all("e")),
    ('ю', ["yu", "iu", "yu"]),
    ('я', ["ya", "ia", "ya"]),
    ('ђ', all("dj")),
    ('ѓ', all("gj")),
    ('є', ["ye", "ie", "ye"]),
    ('ѕ', all("dz")),
    ('і', all("i")),
    ('ї', ["yi", "i", "yi"]),
    ('ј', all("j")),
    ('љ', all("lj")),
    ('њ', all("nj")),
    ('ћ', all("c")),
    ('ќ', all("kj")),
    ('ў', all("w")),
    ('џ', all("dz")),
    ('ґ', all("g")),
    ('ғ', all("gh")),
    ('қ', all("q")),
    ('ң', all("ng")),
    ('ү', all("u")),
    ('ұ', all("u")),
    ('һ', all("h")),
    ('ә', all("a")),
    ('ө', all("o")),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The letters the module covers (see the module docs).
    const COVERED: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѓќѕәғқңөұүһ";

    const SYSTEMS: [CyrillicSystem; 3] = [
        CyrillicSystem::Bgn,
        CyrillicSystem::Icao,
        CyrillicSystem::Simple,
    ];

    /// Every character of the Cyrillic blocks U+0400..U+052F, under every
    /// system, alone and inside a word: a covered letter comes out as
    /// lowercase ASCII letters (only `ь`, and `ъ` outside ICAO, vanish),
    /// any other character passes through unchanged.
    #[test]
    fn every_letter_of_the_cyrillic_blocks_romanises_or_passes_through() {
        let mut covered = 0;
        for c in '\u{0400}'..='\u{052F}' {
            for system in SYSTEMS {
                let alone = transliterate(&c.to_string(), system);
                let inside = transliterate(&format!("к{c}т"), system);
                if !COVERED.contains(c) {
                    assert_eq!(alone, c.to_string(), "U+{:04X}", c as u32);
                    assert_eq!(inside, format!("k{c}t"), "U+{:04X}", c as u32);
                    continue;
                }
                covered += 1;
                let ascii = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase());
                assert!(ascii(&alone), "{c} under {system:?}: {alone:?}");
                assert!(ascii(&inside), "{c} under {system:?}: {inside:?}");
                assert!(inside.starts_with('k') && inside.ends_with('t'), "{inside}");
                let vanishes = c == 'ь' || (c == 'ъ' && system != CyrillicSystem::Icao);
                assert_eq!(alone.is_empty(), vanishes, "{c} under {system:?}");
            }
        }
        assert_eq!(covered, 3 * COVERED.chars().count());
    }

    /// The rules that look at a letter's neighbours, one word each.
    #[test]
    fn context_rules_hold() {
        use CyrillicSystem::*;
        // е and ё after a vowel or at a word's start (BGN only)
        assert_eq!(transliterate("ёж", Bgn), "yezh");
        assert_eq!(transliterate("моё", Bgn), "moye");
        assert_eq!(transliterate("моё", Icao), "moe");
        assert_eq!(transliterate("моё", Simple), "moyo");
        assert_eq!(transliterate("подъезд", Bgn), "podyezd");
        assert_eq!(transliterate("подъезд", Icao), "podieezd");
        assert_eq!(transliterate("мед", Bgn), "med");
        assert_eq!(transliterate("анна елена", Bgn), "anna yelena");
        // Ukrainian: г → h, и → y, in any word of a text with і ї є ґ
        assert_eq!(transliterate("григорій", Bgn), "hryhoriy");
        assert_eq!(transliterate("григорий", Bgn), "grigoriy");
        // Simple: -ий at a word's end → y; not inside a word
        assert_eq!(transliterate("горький", Simple), "gorky");
        assert_eq!(transliterate("горький", Icao), "gorkii");
        assert_eq!(
            transliterate("айвазовский эрмитаж", Simple),
            "ayvazovsky ermitazh"
        );
        assert_eq!(transliterate("бийск", Simple), "biysk");
    }

    #[test]
    fn the_table_is_sorted_for_its_binary_search() {
        assert!(LETTERS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn systems_differ_where_they_should() {
        assert_eq!(
            transliterate("владимир путин", CyrillicSystem::Bgn),
            "vladimir putin"
        );
        assert_eq!(transliterate("юлия", CyrillicSystem::Icao), "iuliia");
        assert_eq!(transliterate("юлия", CyrillicSystem::Bgn), "yuliya");
        assert_eq!(transliterate("елена", CyrillicSystem::Bgn), "yelena");
        assert_eq!(
            transliterate("хрущёв", CyrillicSystem::Simple),
            "khrushchyov"
        );
        assert_eq!(
            transliterate("зеленський", CyrillicSystem::Simple),
            "zelensky"
        );
        assert_eq!(transliterate("їжак", CyrillicSystem::Bgn), "yizhak");
    }
}
