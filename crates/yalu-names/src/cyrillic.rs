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
