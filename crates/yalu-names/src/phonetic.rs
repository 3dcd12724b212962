//! Spelling-insensitive forms of an ASCII token, used for edit distances and blocking keys.
//!
//! * [`phonetic_fold`] rewrites spellings of one sound to one spelling (`x` → `ks`, `ck` → `k`,
//!   `w` → `v`, `z` → `s`, `y` → `i`, `ou` → `u`, `th` → `t`, soft `c` → `s`, hard `c`/`q` → `k`,
//!   doubled consonants once), so `Alexander`/`Aleksandr`, `Wladimir`/`Vladimir`,
//!   `Sergey`/`Sergei`, `Mahmoud`/`Mahmud` come closer.
//! * [`skeleton`] keeps consonants only, with voicing merged, for scripts romanised without their
//!   vowels (Arabic, Hebrew, Thai, Khmer, Indic): `mhmd` meets `Mohamed`, `dvd` meets `David`.
//! * [`phonetic_code`] is a short code for blocking keys.
//!
//! ```
//! use yalu_names::phonetic::{phonetic_fold, skeleton};
//! assert_eq!(phonetic_fold("alexander"), "aleksander");
//! assert_eq!(skeleton("mohamed"), skeleton("mhmd"));
//! ```

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Folds spellings of one sound together (input lowercase ASCII; other bytes are kept).
pub fn phonetic_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    phonetic_fold_into(s.as_bytes(), &mut out);
    out
}

/// [`phonetic_fold`] appending to `out`.
pub fn phonetic_fold_into(b: &[u8], out: &mut String) {
    let start = out.len();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let piece: &str = match c {
            b'x' => "ks",
            b'c' if next == Some(b'k') => {
                i += 1;
                "k"
            }
            b'c' if next == Some(b'h') => {
                i += 1;
                "ch"
            }
            b'c' if matches!(next, Some(b'e' | b'i' | b'y')) => "s",
            b'c' | b'q' => "k",
            b'w' => "v",
            b'z' => "s",
            b'y' => "i",
            // Sergej, Jurij: a j after a vowel and not before one is the glide i
            b'j' if i > 0 && is_vowel(b[i - 1]) && next.is_none_or(|n| !is_vowel(n)) => "i",
            b't' if next == Some(b'h') => {
                i += 1;
                "t"
            }
            b'o' if next == Some(b'u') => {
                i += 1;
                "u"
            }
            _ => {
                let ch = c as char;
                let last = out.as_bytes().get(out.len().wrapping_sub(1)).copied();
                if out.len() > start && !is_vowel(c) && last == Some(c) && c.is_ascii_alphabetic() {
                    i += 1;
                    continue;
                }
                out.push(ch);
                i += 1;
                continue;
            }
        };
        // collapse a doubled consonant produced by the rewrite
        if !(piece.len() == 1
            && out.len() > start
            && out.as_bytes()[out.len() - 1] == piece.as_bytes()[0]
            && !is_vowel(piece.as_bytes()[0]))
        {
            out.push_str(piece);
        }
        i += 1;
    }
}

/// The consonant skeleton: vowels, `y`, `w`, the `h` of the digraphs `kh sh ch th dh gh zh ph`
/// and non-letters dropped,
/// voicing merged (`b`→`p`, `d`→`t`, `g`/`q`/`c`→`k`, `v`→`f`, `z`→`s`), repeats collapsed.
pub fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    skeleton_into(s.as_bytes(), &mut out);
    out
}

/// [`skeleton`] appending to `out`.
pub fn skeleton_into(b: &[u8], out: &mut String) {
    let mut buf = [0u8; 256];
    let n = skeleton_to_buf(&b[..b.len().min(256)], &mut buf);
    out.extend(buf[..n].iter().map(|&c| c as char));
}

/// [`skeleton`] into a byte buffer without allocating; returns the length written (the
/// skeleton is cut at the buffer's length).
pub fn skeleton_to_buf(b: &[u8], buf: &mut [u8]) -> usize {
    let mut n = 0;
    let mut prev_letter = 0u8;
    for &c in b {
        let m = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' => {
                prev_letter = c;
                continue;
            }
            b'h' if matches!(
                prev_letter,
                b'k' | b's' | b'c' | b't' | b'd' | b'g' | b'z' | b'p'
            ) =>
            {
                prev_letter = c;
                continue;
            }
            b'b' => b'p',
            b'd' => b't',
            b'g' | b'q' | b'c' => b'k',
            b'v' => b'f',
            b'z' => b's',
            c if c.is_ascii_lowercase() => c,
            c if c.is_ascii_digit() => c,
            _ => continue,
        };
        prev_letter = c;
        if n > 0 && buf[n - 1] == m {
            continue;
        }
        if n == buf.len() {
            break;
        }
        buf[n] = m;
        n += 1;
    }
    n
}

/// A short phonetic code for blocking: the first letter (vowels as `a`), then up to four
/// consonant classes of the rest (`putin`, `pudin` → `ptn`).
pub fn phonetic_code(s: &str) -> String {
    let f = phonetic_fold(s);
    let b = f.as_bytes();
    let mut out = String::with_capacity(6);
    let Some(&first) = b.first() else {
        return out;
    };
    let class = |c: u8| -> Option<u8> {
        Some(match c {
            b'b' | b'p' | b'f' | b'v' => b'p',
            b'd' | b't' => b't',
            b'g' | b'k' | b'j' => b'k',
            b's' => b's',
            b'l' | b'r' => b'r',
            b'm' | b'n' => b'n',
            c if c.is_ascii_digit() => c,
            _ => return None,
        })
    };
    out.push(if is_vowel(first) {
        'a'
    } else {
        class(first).unwrap_or(first) as char
    });
    let mut last = class(first);
    for &c in &b[1..] {
        let k = class(c);
        if k.is_some() && k != last {
            out.push(k.unwrap_or(b'_') as char);
            if out.len() >= 5 {
                break;
            }
        }
        if c != b'h' {
            last = k;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds() {
        assert_eq!(phonetic_fold("wladimir"), phonetic_fold("vladimir"));
        assert_eq!(phonetic_fold("sergey"), phonetic_fold("sergei"));
        assert_eq!(phonetic_fold("sergej"), phonetic_fold("sergei"));
        assert_eq!(phonetic_fold("jong"), "jong");
        assert_eq!(phonetic_fold("mahmoud"), phonetic_fold("mahmud"));
        assert_eq!(phonetic_fold("hassan"), phonetic_fold("hasan"));
        assert_eq!(phonetic_fold("cencora"), phonetic_fold("sencora"));
        assert_eq!(phonetic_fold("barack"), "barak");
    }

    #[test]
    fn skeletons() {
        assert_eq!(skeleton("ahmed"), "hmt");
        assert_eq!(skeleton("mahmoud"), skeleton("mhmwd"));
        assert_eq!(skeleton("'hmd"), "hmt");
        assert_eq!(skeleton("abdullah"), skeleton("bdllh"));
        assert_eq!(skeleton("moshe"), skeleton("msh"));
        assert_eq!(skeleton("somchai"), skeleton("smchay"));
        assert_eq!(skeleton("khaled"), skeleton("khld"));
        assert_eq!(skeleton("ali"), skeleton("ly"));
    }

    #[test]
    fn codes() {
        assert_eq!(phonetic_code("putin"), phonetic_code("pudin"));
        assert_eq!(phonetic_code("ahmed"), "ant");
        assert_eq!(phonetic_code(""), "");
    }
}
