//! Cyrillic romanisation under three common systems, each a variant of a name:
//!
//! | letter | [`CyrillicSystem::Bgn`] (BGN/PCGN-like) | [`CyrillicSystem::Icao`] (passports, ICAO 9303) | [`CyrillicSystem::Simple`] (press English) |
//! |---|---|---|---|
//! | ж | zh | zh | zh |
//! | х | kh | kh | kh |
//! | ц | ts | ts | ts |
//! | щ | shch | shch | shch |
//! | й | y | i | y (`-ий`, `-ый` → `y`) |
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
// Long on purpose: the match is the transliteration table, one arm per letter; split, it would only be scattered.
pub fn transliterate(text: &str, system: CyrillicSystem) -> String {
    use CyrillicSystem::*;
    let ukrainian = text.contains(['і', 'ї', 'є', 'ґ']);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let word_start = prev.is_none_or(|p| !is_cyrillic(p));
        let after_vowel = prev.is_some_and(|p| is_vowel(p) || p == 'ъ' || p == 'ь');
        let word_end = next.is_none_or(|n| !is_cyrillic(n));
        let s: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => {
                if ukrainian {
                    "h"
                } else {
                    "g"
                }
            }
            'ґ' => "g",
            'д' => "d",
            'е' => match system {
                Bgn if word_start || after_vowel => "ye",
                _ => "e",
            },
            'ё' => match system {
                Bgn if word_start || after_vowel => "ye",
                Bgn | Icao => "e",
                Simple => "yo",
            },
            'є' => match system {
                Icao => "ie",
                _ => "ye",
            },
            'ж' => "zh",
            'з' => "z",
            'и' => {
                if ukrainian {
                    "y"
                } else if system == Simple
                    && next == Some('й')
                    && chars.get(i + 2).is_none_or(|n| !is_cyrillic(*n))
                {
                    ""
                } else {
                    "i"
                }
            }
            'і' => "i",
            'ї' => match system {
                Icao => "i",
                _ => "yi",
            },
            'й' => match system {
                Icao => "i",
                _ => "y",
            },
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => match system {
                Icao => "ie",
                _ => "",
            },
            'ы' => {
                if system == Simple && next == Some('й') && word_end {
                    ""
                } else {
                    "y"
                }
            }
            'ь' => "",
            'э' => "e",
            'ю' => match system {
                Icao => "iu",
                _ => "yu",
            },
            'я' => match system {
                Icao => "ia",
                _ => "ya",
            },
            'ў' => "w",
            'ђ' => "dj",
            'ј' => "j",
            'љ' => "lj",
            'њ' => "nj",
            'ћ' => "c",
            'џ' => "dz",
            'ѓ' => "gj",
            'ќ' => "kj",
            'ѕ' => "dz",
            'ә' => "a",
            'ғ' => "gh",
            'қ' => "q",
            'ң' => "ng",
            'ө' => "o",
            'ұ' | 'ү' => "u",
            'һ' => "h",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(s);
    }
    out
}

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
