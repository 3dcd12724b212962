//! The normalisation pipeline: Unicode clean-up, tokenisation, tagging, transliteration into
//! variants, Korean syllable splitting.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::cyrillic::{self, CyrillicSystem};
use crate::hangul::{self, Romanization};
use crate::korean::{self, KoreanKey};
use crate::{
    NameKind, NormalizedName, Source, Token, TokenKind, Variant, VariantSystem, han, orgs,
};

/// Most variants one name yields.
pub const MAX_VARIANTS: usize = 16;
/// Most tokens one variant keeps.
pub const MAX_TOKENS: usize = 24;
/// Longest input (in chars) that is looked at.
pub const MAX_INPUT_CHARS: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Hangul,
    Han,
    /// Scripts that any_ascii romanises without (most) vowels.
    Unvocalised,
    Other,
}

fn script_of(c: char) -> Script {
    let u = c as u32;
    if c.is_ascii() {
        return Script::Latin;
    }
    if hangul::is_syllable(c) {
        return Script::Hangul;
    }
    if han::is_han(c) {
        return Script::Han;
    }
    if cyrillic::is_cyrillic(c) {
        return Script::Cyrillic;
    }
    match u {
        0x00C0..=0x024F | 0x0250..=0x02AF | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => {
            Script::Latin
        }
        // Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic supplements,
        // Indic scripts, Sinhala, Thai, Lao, Myanmar, Khmer, Arabic presentation forms
        0x0590..=0x08FF
        | 0x0900..=0x0DFF
        | 0x0E00..=0x0EFF
        | 0x1000..=0x109F
        | 0x1780..=0x17FF
        | 0xFB1D..=0xFDFF
        | 0xFE70..=0xFEFF => Script::Unvocalised,
        _ => Script::Other,
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | '`' | '´' | 'ʼ' | 'ʻ' | 'ʽ' | 'ʹ' | '′' | '＇' | 'ˈ' | '‛'
    )
}

/// A word as cut from the input, before transliteration.
#[derive(Clone, Debug)]
struct Word {
    /// Lowercase text; Latin words already folded to ASCII.
    text: String,
    script: Script,
    /// A `.` followed the word directly.
    dotted: bool,
    /// Only a single `.` separated the word from the previous one.
    joined_by_dot: bool,
}

/// Folds one Latin-script word to lowercase ASCII: diacritics removed, special letters
/// spelled out, anything left through any_ascii.
fn fold_latin(word: &str, out: &mut String) {
    for c in word.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            'ŋ' => out.push_str("ng"),
            'ħ' => out.push('h'),
            'ŧ' => out.push('t'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => {}
            c => {
                for a in any_ascii::any_ascii_char(c).chars() {
                    if a.is_ascii_alphanumeric() {
                        out.push(a.to_ascii_lowercase());
                    }
                }
            }
        }
    }
}

/// Cuts the input into words: NFKC, lowercase, apostrophes dropped (and a possessive `'s`),
/// every other non-alphanumeric character a separator, script changes split words.
fn cut_words(raw: &str) -> Vec<Word> {
    let text: String = raw
        .chars()
        .take(MAX_INPUT_CHARS)
        .collect::<String>()
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut words: Vec<Word> = Vec::new();
    let mut cur = String::new();
    let mut cur_script: Option<Script> = None;
    let mut sep = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_apostrophe(c) {
            // possessive 's at a word end
            if !cur.is_empty()
                && chars.get(i + 1) == Some(&'s')
                && chars.get(i + 2).is_none_or(|n| !n.is_alphanumeric())
            {
                i += 2;
                continue;
            }
            i += 1;
            continue;
        }
        if c.is_alphanumeric() || (is_combining_mark(c) && !cur.is_empty()) {
            let s = if c.is_ascii_digit() || is_combining_mark(c) {
                cur_script.unwrap_or(Script::Latin)
            } else {
                script_of(c)
            };
            // a script change splits the word (digits and marks join the current script)
            if let Some(cs) = cur_script
                && cs != s
                && !c.is_ascii_digit()
            {
                flush_word(&mut cur, &mut cur_script, &mut sep, &mut words);
            }
            if cur_script.is_none() || !c.is_ascii_digit() {
                cur_script = Some(s);
            }
            cur.push(c);
            i += 1;
            continue;
        }
        // separator
        let had_word = !cur.is_empty();
        flush_word(&mut cur, &mut cur_script, &mut sep, &mut words);
        push_separator(c, had_word, &mut sep, &mut words);
        i += 1;
    }
    flush_word(&mut cur, &mut cur_script, &mut sep, &mut words);
    words
}

/// Ends the word being cut (`cur`, in `cur_script`): a Latin word is folded
/// to ASCII and its leetspeak read; the word is kept unless it folds to
/// nothing, and remembers whether a lone `.` joined it to the word before.
fn flush_word(
    cur: &mut String,
    cur_script: &mut Option<Script>,
    sep: &mut String,
    words: &mut Vec<Word>,
) {
    if cur.is_empty() {
        return;
    }
    let script = cur_script.unwrap_or(Script::Latin);
    let mut t = String::with_capacity(cur.len());
    if script == Script::Latin {
        fold_latin(cur, &mut t);
        t = leet(&t);
    } else {
        t.push_str(cur);
    }
    if !t.is_empty() {
        words.push(Word {
            text: t,
            script,
            dotted: false,
            joined_by_dot: sep == ".",
        });
    }
    cur.clear();
    *cur_script = None;
    sep.clear();
}

/// A separator after the word just ended (`had_word`): `.` marks that word
/// dotted, `&` is the word `and`, anything else is kept in `sep` (white
/// space as one space).
fn push_separator(c: char, had_word: bool, sep: &mut String, words: &mut Vec<Word>) {
    if c == '.'
        && had_word
        && let Some(w) = words.last_mut()
    {
        w.dotted = true;
    }
    if c == '&' {
        words.push(Word {
            text: "and".into(),
            script: Script::Latin,
            dotted: false,
            joined_by_dot: false,
        });
    } else {
        sep.push(if c.is_whitespace() { ' ' } else { c });
    }
}

/// A word after tagging: text, or a canonical table token.
#[derive(Clone, Debug)]
struct Seg {
    text: String,
    script: Script,
    kind: TokenKind,
    weight: f32,
}

fn is_single_letter(w: &Word) -> bool {
    w.script == Script::Latin && w.text.len() == 1 && w.text.as_bytes()[0].is_ascii_lowercase()
}

fn leet(text: &str) -> String {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let letters = text.bytes().filter(u8::is_ascii_lowercase).count();
    if digits == 0
        || letters == 0
        || letters < 2 * digits
        || text.len() < 3
        || number_word(text).is_some()
    {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            '8' => 'b',
            '9' => 'g',
            c => c,
        })
        .collect()
}

fn tag(words: Vec<Word>, kind: NameKind) -> Vec<Seg> {
    let mut merged = merge_dotted_letters(&words, kind);
    if kind != NameKind::Person {
        numbers_to_digits(&mut merged);
    }
    let max_words = orgs::max_phrase_words();
    let mut segs = Vec::with_capacity(merged.len());
    let mut i = 0;
    while i < merged.len() {
        if let Some((n, e)) = table_match(&merged[i..], max_words, kind) {
            segs.push(entry_seg(e));
            i += n;
            continue;
        }
        let (w, dotted_initial) = &merged[i];
        i += 1;
        if matches!(w.script, Script::Han | Script::Hangul) {
            push_cjk_segs(w, kind, &mut segs);
        } else {
            segs.push(word_seg(w, *dotted_initial));
        }
    }
    segs
}

/// Dotted single letters: an acronym (one word) for organisations,
/// initials for persons. Each word comes with whether it is a dotted
/// initial.
fn merge_dotted_letters(words: &[Word], kind: NameKind) -> Vec<(Word, bool)> {
    let mut merged: Vec<(Word, bool)> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if is_single_letter(w) && w.dotted {
            let mut j = i + 1;
            while j < words.len() && is_single_letter(&words[j]) && words[j].joined_by_dot {
                j += 1;
            }
            if kind != NameKind::Person && j - i >= 2 {
                let text: String = words[i..j].iter().map(|w| w.text.as_str()).collect();
                merged.push((
                    Word {
                        text,
                        script: Script::Latin,
                        dotted: false,
                        joined_by_dot: false,
                    },
                    false,
                ));
            } else {
                for w in &words[i..j] {
                    merged.push((w.clone(), kind == NameKind::Person || j - i == 1));
                }
            }
            i = j;
            continue;
        }
        merged.push((w.clone(), false));
        i += 1;
    }
    merged
}

/// The table phrase the words start with, longest first (up to
/// `max_words` words), else a fuzzy match of a Latin first word: how many
/// words it takes and its entry.
fn table_match(
    words: &[(Word, bool)],
    max_words: usize,
    kind: NameKind,
) -> Option<(usize, orgs::Entry)> {
    for n in (1..=max_words.min(words.len())).rev() {
        let phrase = words[..n]
            .iter()
            .map(|(w, _)| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(e) = orgs::lookup(&phrase, kind)
            && (!e.dotted_only || (n == 1 && words[0].0.dotted))
        {
            return Some((n, e));
        }
    }
    if words[0].0.script == Script::Latin {
        return orgs::lookup_fuzzy(&words[0].0.text, kind).map(|e| (1, e));
    }
    None
}

/// The segment of a table entry: its canonical token.
fn entry_seg(e: orgs::Entry) -> Seg {
    Seg {
        text: e.canon.to_string(),
        script: Script::Latin,
        kind: e.kind,
        weight: e.weight,
    }
}

/// A Han or Hangul word: its leading and trailing legal-form affixes as
/// table tokens around the core word.
fn push_cjk_segs(w: &Word, kind: NameKind, segs: &mut Vec<Seg>) {
    let (pre, core, suf) = orgs::strip_cjk_affixes(&w.text, kind);
    segs.extend(pre.into_iter().map(entry_seg));
    segs.push(Seg {
        text: core.to_string(),
        script: w.script,
        kind: TokenKind::Word,
        weight: 1.0,
    });
    segs.extend(suf.into_iter().map(entry_seg));
}

/// Any other word: a number, an initial (a dotted single letter, or a
/// lone consonant), or a word.
fn word_seg(w: &Word, dotted_initial: bool) -> Seg {
    let text = w.text.clone();
    let (tkind, weight) = if w.script == Script::Latin && text.bytes().all(|b| b.is_ascii_digit()) {
        (TokenKind::Number, 0.5)
    } else if is_single_letter(w)
        && (dotted_initial || !matches!(w.text.as_str(), "a" | "e" | "i" | "o" | "u"))
    {
        (TokenKind::Initial, 0.5)
    } else {
        (TokenKind::Word, 1.0)
    };
    Seg {
        text,
        script: w.script,
        kind: tkind,
        weight,
    }
}

/// English number words and ordinals as digits.
fn number_word(w: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const ORDINALS: [&str; 13] = [
        "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(i as u32);
    }
    if let Some(i) = ORDINALS.iter().skip(1).position(|u| *u == w) {
        return Some(i as u32 + 1);
    }
    if w == "fourty" {
        return Some(40);
    }
    if let Some(i) = TENS.iter().position(|u| *u == w) {
        return Some(20 + 10 * i as u32);
    }
    // 1st, 2nd, 3rd, 4th, 21st
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(d) = w.strip_suffix(suffix)
            && !d.is_empty()
            && d.len() <= 4
            && d.bytes().all(|b| b.is_ascii_digit())
        {
            return d.parse().ok();
        }
    }
    None
}

/// A Roman numeral of two or more letters (`ii`, `iv`, `xii`) up to 39, in canonical form.
fn roman(w: &str) -> Option<u32> {
    if w.len() < 2 || w.len() > 6 || !w.bytes().all(|b| matches!(b, b'i' | b'v' | b'x')) {
        return None;
    }
    let val = |b: u8| match b {
        b'i' => 1,
        b'v' => 5,
        _ => 10,
    };
    let b = w.as_bytes();
    let mut total = 0i32;
    for (i, &c) in b.iter().enumerate() {
        let v = val(c);
        if b.get(i + 1).is_some_and(|&n| val(n) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    let n = u32::try_from(total).ok().filter(|n| (1..=39).contains(n))?;
    // canonical spelling only
    let mut r = String::new();
    for _ in 0..n / 10 {
        r.push('x');
    }
    r.push_str(["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"][(n % 10) as usize]);
    (r == w).then_some(n)
}

/// In organisation and other names: number words, ordinals and Roman numerals become digits
/// (`Forty-Four` → `44`, `1st` → `1`, `Trust III` → `trust 3`), so they meet digits.
fn numbers_to_digits(words: &mut Vec<(Word, bool)>) {
    let last_word = words.len().saturating_sub(1);
    for (i, (w, _)) in words.iter_mut().enumerate() {
        if w.script != Script::Latin {
            continue;
        }
        let lone = match w.text.as_str() {
            // a lone i, v or x closing the name (Trust I, Partners V)
            "i" => Some(1),
            "v" => Some(5),
            "x" => Some(10),
            _ => None,
        }
        .filter(|_| i == last_word && i > 0);
        let n = number_word(&w.text).or_else(|| roman(&w.text)).or(lone);
        if let Some(n) = n {
            w.text = n.to_string();
        }
    }
    // forty four -> 44
    let mut i = 0;
    while i + 1 < words.len() {
        let a = words[i].0.text.parse::<u32>().ok();
        let b = words[i + 1].0.text.parse::<u32>().ok();
        if let (Some(a), Some(b)) = (a, b)
            && (20..100).contains(&a)
            && a % 10 == 0
            && (1..=9).contains(&b)
            && words[i].0.text.len() == 2
            && words[i + 1].0.text.len() == 1
        {
            words[i].0.text = (a + b).to_string();
            words.remove(i + 1);
        }
        i += 1;
    }
}

/// One alternative spelling of a seg: tokens with their source.
type Alt = (VariantSystem, Vec<Token>);

fn token(
    text: String,
    kind: TokenKind,
    weight: f32,
    source: Source,
    native: Option<char>,
) -> Token {
    Token {
        text,
        kind,
        weight,
        korean: KoreanKey(0),
        source,
        native,
    }
}

/// Splits any_ascii output into lowercase alphanumeric tokens (it capitalises syllables).
fn ascii_tokens(s: &str, source: Source, out: &mut Vec<Token>) {
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !part.is_empty() {
            out.push(token(
                leet(&part.to_ascii_lowercase()),
                TokenKind::Word,
                1.0,
                source,
                None,
            ));
        }
    }
}

fn surname_customary(c: char) -> Option<&'static str> {
    static TSV: &str = include_str!("../data/korean_surnames.tsv");
    TSV.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.starts_with(c) && l[c.len_utf8()..].starts_with('\t'))
        .and_then(|l| l.split('\t').nth(1))
}

/// Romanisations of a Hangul syllable string: RR, DPRK, MR (folded) and, when `surname`,
/// a variant with the customary surname spelling.
fn hangul_alts(syllables: &[char], natives: &[char], source: Source, surname: bool) -> Vec<Alt> {
    let mut alts = Vec::new();
    for (sys, rom) in [
        (VariantSystem::Revised, Romanization::Revised),
        (VariantSystem::Dprk, Romanization::Dprk),
        (
            VariantSystem::McCuneReischauer,
            Romanization::McCuneReischauer,
        ),
    ] {
        let mut toks = Vec::new();
        for (&s, &n) in syllables.iter().zip(natives) {
            if let Some(r) = hangul::romanize_syllable(s, rom) {
                let mut t = String::new();
                fold_latin(&r, &mut t);
                toks.push(token(t, TokenKind::Word, 1.0, source, Some(n)));
            }
        }
        alts.push((sys, toks));
    }
    if surname
        && let Some(first) = syllables.first()
        && let Some(cust) = surname_customary(*first)
    {
        let mut toks = alts[0].1.clone();
        if let Some(t) = toks.first_mut() {
            t.text = cust.to_string();
        }
        alts.push((VariantSystem::CustomarySurname, toks));
    }
    alts
}

fn han_alts(text: &str, first_word: bool) -> Vec<Alt> {
    let chars: Vec<char> = text.chars().filter(|c| han::is_han(*c)).collect();
    let natives: Vec<char> = chars.iter().map(|&c| han::canonical(c)).collect();
    let mut alts = Vec::new();
    // Mandarin: usual readings, then the second reading of every heteronym
    let readings: Vec<Vec<String>> = chars.iter().map(|&c| han::pinyin_readings(c)).collect();
    for pass in 0..2 {
        if pass == 1 && readings.iter().all(|r| r.len() < 2) {
            break;
        }
        let mut toks = Vec::new();
        for (r, &n) in readings.iter().zip(&natives) {
            if let Some(p) = r.get(pass).or(r.first()) {
                toks.push(token(
                    p.clone(),
                    TokenKind::Word,
                    1.0,
                    Source::HanMandarin,
                    Some(n),
                ));
            }
        }
        if !toks.is_empty() {
            alts.push((VariantSystem::Mandarin, toks));
        }
    }
    // Korean: the name reading of each character, through the Hangul romanisations
    let hangul: Vec<char> = chars
        .iter()
        .filter_map(|&c| {
            han::korean_readings(c)
                .first()
                .and_then(|r| r.chars().next())
        })
        .collect();
    if hangul.len() == chars.len() && !hangul.is_empty() {
        for (_, toks) in hangul_alts(&hangul, &natives, Source::HanKorean, first_word) {
            alts.push((VariantSystem::KoreanReading, toks));
        }
    }
    // Japanese: per character kun or on reading; names mix them, so try every split point
    // (kun readings first, on readings after, and the reverse)
    if (2..=5).contains(&chars.len()) {
        let jr: Vec<(String, String)> = chars.iter().map(|&c| han::japanese_readings(c)).collect();
        if jr.iter().all(|(k, o)| !k.is_empty() || !o.is_empty()) {
            // all kun, all on, then kun readings for the first one or two characters (the
            // usual shape of a family name) and on readings after
            let n = chars.len();
            let mut seen: Vec<Vec<String>> = Vec::new();
            for kun_prefix in [n, 0, 2, 1] {
                let texts: Vec<String> = jr
                    .iter()
                    .enumerate()
                    .map(|(i, (kun, on))| {
                        let (a, b) = if i < kun_prefix { (kun, on) } else { (on, kun) };
                        if a.is_empty() { b.clone() } else { a.clone() }
                    })
                    .collect();
                if kun_prefix > n || seen.contains(&texts) {
                    continue;
                }
                seen.push(texts.clone());
                let toks = texts
                    .into_iter()
                    .zip(&natives)
                    .map(|(t, &n)| token(t, TokenKind::Word, 1.0, Source::HanJapanese, Some(n)))
                    .collect();
                alts.push((VariantSystem::Japanese, toks));
            }
        }
    }
    alts
}

fn seg_alts(seg: &Seg, first_word: bool) -> Vec<Alt> {
    if seg.kind != TokenKind::Word {
        return vec![(
            VariantSystem::AsWritten,
            vec![token(
                seg.text.clone(),
                seg.kind,
                seg.weight,
                Source::Latin,
                None,
            )],
        )];
    }
    match seg.script {
        Script::Latin => vec![(
            VariantSystem::AsWritten,
            vec![token(
                seg.text.clone(),
                seg.kind,
                seg.weight,
                Source::Latin,
                None,
            )],
        )],
        Script::Cyrillic => [
            (VariantSystem::Bgn, CyrillicSystem::Bgn),
            (VariantSystem::Icao, CyrillicSystem::Icao),
            (VariantSystem::SimpleCyrillic, CyrillicSystem::Simple),
        ]
        .into_iter()
        .map(|(vs, sys)| {
            let mut toks = Vec::new();
            let t = cyrillic::transliterate(&seg.text, sys);
            let mut folded = String::new();
            fold_latin(&t, &mut folded);
            ascii_tokens(&folded, Source::Cyrillic, &mut toks);
            (vs, toks)
        })
        .collect(),
        Script::Hangul => {
            let syl: Vec<char> = seg
                .text
                .chars()
                .filter(|c| hangul::is_syllable(*c))
                .collect();
            hangul_alts(&syl, &syl, Source::Hangul, first_word)
        }
        Script::Han => han_alts(&seg.text, first_word),
        Script::Unvocalised | Script::Other => {
            let mut toks = Vec::new();
            let source = if seg.script == Script::Unvocalised {
                Source::Unvocalised
            } else {
                Source::OtherScript
            };
            ascii_tokens(&any_ascii::any_ascii(&seg.text), source, &mut toks);
            vec![(VariantSystem::AsWritten, toks)]
        }
    }
}

/// Adds split-syllable variants when every word of a Latin variant is a sequence of at most
/// three romanised Korean syllables and some word is joined (`Kim Jongun` → `kim jong un`).
fn korean_split_variants(v: &Variant) -> Vec<Variant> {
    let words: Vec<&Token> = v
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .collect();
    if words.len() < 2 || words.iter().any(|t| t.source != Source::Latin) {
        return Vec::new();
    }
    let mut splits: Vec<Vec<Vec<&str>>> = Vec::with_capacity(v.tokens.len());
    let mut any_joined = false;
    let mut any_single = false;
    for t in &v.tokens {
        if t.kind != TokenKind::Word {
            splits.push(vec![vec![t.text.as_str()]]);
            continue;
        }
        let parses = korean::parse(&t.text, 3);
        let Some(best) = parses.first() else {
            return Vec::new();
        };
        if best.spans.len() == 1 {
            any_single = true;
            splits.push(vec![vec![t.text.as_str()]]);
        } else {
            any_joined = true;
            splits.push(korean::split_syllables(&t.text));
        }
    }
    if !(any_joined && any_single) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for alt in 0..2 {
        let mut toks = Vec::new();
        let mut differs = false;
        for (t, s) in v.tokens.iter().zip(&splits) {
            let choice = s.get(alt).or(s.first());
            if alt > 0 && s.len() > 1 {
                differs = true;
            }
            match choice {
                Some(parts) if parts.len() > 1 => {
                    for p in parts {
                        let mut nt = t.clone();
                        nt.text = (*p).to_string();
                        toks.push(nt);
                    }
                }
                _ => toks.push(t.clone()),
            }
        }
        if alt == 0 || differs {
            out.push(Variant {
                system: VariantSystem::SyllableSplit,
                tokens: toks,
            });
        }
    }
    out
}

/// Runs the whole pipeline. See the crate documentation.
pub fn normalize(raw: &str, kind: NameKind) -> NormalizedName {
    let capped: String = raw.chars().take(MAX_INPUT_CHARS).collect();
    let cleaned = crate::clean(&capped);
    let reading = crate::read_lookalikes(&cleaned);
    let mut variants = normalize_text(&reading.text, kind);
    let mut add = |extra: Vec<Variant>, system: Option<VariantSystem>| {
        for mut v in extra {
            if variants.len() < MAX_VARIANTS
                && !variants.iter().any(|x| same_texts(&x.tokens, &v.tokens))
            {
                if let Some(s) = system {
                    v.system = s;
                }
                variants.push(v);
            }
        }
    };
    if let Some(latin) = &reading.latin {
        add(normalize_text(latin, kind), Some(VariantSystem::LookAlike));
    }
    if let Some(joined) = crate::join_odd_spaces(&capped) {
        let r = crate::read_lookalikes(&joined);
        add(normalize_text(&r.text, kind), None);
    }
    NormalizedName {
        kind,
        variants,
        lookalikes: reading.replaced,
    }
}

/// Steps 1 to 8 of the pipeline on a cleaned text.
fn normalize_text(raw: &str, kind: NameKind) -> Vec<Variant> {
    let segs = tag(cut_words(raw), kind);
    let mut first_word = true;
    let alts: Vec<Vec<Alt>> = segs
        .iter()
        .map(|s| {
            let a = seg_alts(s, first_word && s.kind == TokenKind::Word);
            if s.kind == TokenKind::Word {
                first_word = false;
            }
            a
        })
        .filter(|a| !a.is_empty())
        .collect();
    let n = alts
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .min(MAX_VARIANTS);
    let mut variants: Vec<Variant> = Vec::with_capacity(n);
    for vi in 0..n {
        let mut toks = Vec::new();
        let mut system = VariantSystem::AsWritten;
        let mut most = 1;
        for a in &alts {
            let (sys, t) = &a[vi % a.len()];
            if a.len() > most {
                most = a.len();
                system = *sys;
            }
            toks.extend(t.iter().cloned());
        }
        toks.truncate(MAX_TOKENS);
        if toks.is_empty() || variants.iter().any(|v| same_texts(&v.tokens, &toks)) {
            continue;
        }
        variants.push(Variant {
            system,
            tokens: toks,
        });
    }
    if let Some(v0) = variants.first()
        && v0.system == VariantSystem::AsWritten
    {
        for sv in korean_split_variants(v0) {
            if variants.len() < MAX_VARIANTS
                && !variants.iter().any(|v| same_texts(&v.tokens, &sv.tokens))
            {
                variants.push(sv);
            }
        }
    }
    for v in &mut variants {
        for t in &mut v.tokens {
            if t.kind == TokenKind::Word && t.source != Source::Unvocalised {
                t.korean = KoreanKey::of(&t.text);
            }
        }
    }
    variants
}

fn same_texts(a: &[Token], b: &[Token]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.text == y.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(raw: &str, kind: NameKind) -> Vec<String> {
        normalize(raw, kind)
            .variants
            .iter()
            .map(|v| {
                v.tokens
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn ranks_and_generational_suffixes_are_titles() {
        let kinds = |raw: &str| -> Vec<(String, TokenKind)> {
            normalize(raw, NameKind::Person).variants[0]
                .tokens
                .iter()
                .map(|t| (t.text.clone(), t.kind))
                .collect()
        };
        let title = |raw: &str, text: &str| {
            kinds(raw)
                .iter()
                .any(|(t, k)| t == text && *k == TokenKind::Title)
        };
        assert!(title("Gen. Tomas Herrero", "general"));
        assert!(title("Herrero, Tomas Jr.", "jr"));
        assert!(title("Herrero, Tomas Jr", "jr"));
        assert!(title("Lt. Tomas Herrero", "lieutenant"));
        assert!(title("Colonel Tomas Herrero", "colonel"));
        assert!(title("Engr Tomas Herrero III", "iii"));
        // an abbreviation that is also a given name is a title only when written with a dot
        assert!(!title("LI Gen", "general"));
        assert!(
            kinds("LI Gen")
                .iter()
                .any(|(t, k)| t == "gen" && *k == TokenKind::Word)
        );
        assert!(!title("TAN Eng Hock", "engineer"));
        // normalising the canonical tokens again keeps them titles
        assert!(title("general Tomas Herrero", "general"));
    }

    #[test]
    fn apostrophes_and_breves() {
        for raw in [
            "Cho'ng", "Ch’ong", "Chŏng", "Cho`ng", "Choʼng", "Cho‘ng", "CHONG",
        ] {
            assert_eq!(texts(raw, NameKind::Person)[0], "chong", "{raw}");
        }
        assert_eq!(
            texts("Deutsche Bank's AG", NameKind::Organization)[0],
            "deutsche bank jsc"
        );
    }

    #[test]
    fn hyphens_joined_and_order() {
        let a = texts("Kim Jong-un", NameKind::Person);
        assert_eq!(a[0], "kim jong un");
        let b = texts("Kim Jongun", NameKind::Person);
        assert!(b.contains(&"kim jong un".to_string()), "{b:?}");
        let c = texts("KIM, Jong-Un", NameKind::Person);
        assert_eq!(c[0], "kim jong un");
    }

    #[test]
    fn scripts() {
        let h = texts("김정은", NameKind::Person);
        assert!(h.contains(&"gim jeong eun".to_string()), "{h:?}");
        assert!(h.contains(&"kim jong un".to_string()), "{h:?}");
        let c = texts("金正恩", NameKind::Person);
        assert!(c.contains(&"jin zheng en".to_string()), "{c:?}");
        assert!(c.contains(&"kim jong un".to_string()), "{c:?}");
        let r = texts("Дмитрий Медведев", NameKind::Person);
        assert!(r.contains(&"dmitry medvedev".to_string()), "{r:?}");
        let j = texts("山田太郎", NameKind::Person);
        assert!(j.iter().any(|v| v == "yama ta ta ro"), "{j:?}");
    }

    #[test]
    fn organisations() {
        assert_eq!(
            texts("OOO Oboronnye Initsiativy", NameKind::Organization)[0],
            "llc oboronnye initsiativy"
        );
        assert_eq!(
            texts("Oboronnye Initsiativy o.O.O.", NameKind::Organization)[0],
            "oboronnye initsiativy llc"
        );
        assert_eq!(
            texts("A.B.C. Company", NameKind::Organization)[0],
            "abc inc"
        );
        assert_eq!(
            texts("FABERLIC EUROPE Sp. z o.o.", NameKind::Organization)[0],
            "faberlic europe llc"
        );
        assert_eq!(texts("ООО \"БАЙ\"", NameKind::Organization)[0], "llc bay");
        assert_eq!(
            texts("中国银行有限公司", NameKind::Organization)[0],
            "zhong guo bank llc"
        );
        assert_eq!(
            texts("AT&T Inc.", NameKind::Organization)[0],
            "at and t inc"
        );
    }

    #[test]
    fn hidden_characters_and_lookalikes_are_read_first() {
        let p = NameKind::Person;
        assert_eq!(
            texts("KI\u{200B}M,\u{00A0}Nam Un\u{00AD}g", p)[0],
            "kim nam ung"
        );
        assert_eq!(
            texts("\u{FEFF}RI\u{2060}\u{200D} Su\u{3000}Yong", p)[0],
            "ri su yong"
        );
        assert_eq!(texts("NІКОLIС, Моmіr", p)[0], "nikolic momir");
        let n = normalize("ВАКЕ, Tom", p);
        assert!(
            n.variants
                .iter()
                .any(|v| v.system == VariantSystem::LookAlike && v.text() == "bake tom")
        );
        assert!(
            n.lookalikes
                .iter()
                .any(|l| l.found == 'В' && l.read_as == 'B')
        );
        // transliteration kept as well
        assert!(
            n.variants
                .iter()
                .any(|v| v.system != VariantSystem::LookAlike)
        );
        assert!(normalize("Тарас Шевченко", p).lookalikes.is_empty());
    }

    #[test]
    fn initials_and_numbers() {
        let n = normalize("J.-C. Juncker", NameKind::Person);
        let kinds: Vec<TokenKind> = n.variants[0].tokens.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TokenKind::Initial, TokenKind::Initial, TokenKind::Word]
        );
        let n = normalize("O Chong Ok", NameKind::Person);
        assert_eq!(n.variants[0].tokens[0].kind, TokenKind::Word);
        assert_eq!(texts("Ig0r Sech1n", NameKind::Person)[0], "igor sechin");
        let n = normalize("Brigade 44", NameKind::Organization);
        assert_eq!(n.variants[0].tokens[1].kind, TokenKind::Number);
        assert_eq!(
            texts("Brigade Forty-Four", NameKind::Organization)[0],
            "brigade 44"
        );
        assert_eq!(
            texts("1st International Bank", NameKind::Organization)[0],
            "1 international bank"
        );
        assert_eq!(
            texts("Citigroup Capital Trust XV", NameKind::Organization)[0],
            "citigroup capital trust 15"
        );
        assert_eq!(
            texts("Citigroup Capital Trust I", NameKind::Organization)[0],
            "citigroup capital trust 1"
        );
        // persons keep their words
        assert_eq!(texts("Kim Il", NameKind::Person)[0], "kim il");
    }
}
