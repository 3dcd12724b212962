//! Romanised Korean syllables: parsing under the inventories of Revised Romanization (RR),
//! McCune–Reischauer (MR), the DPRK's own system and common ad-hoc spellings, and the coarse
//! *comparable key* in which those spellings of one Hangul syllable meet.
//!
//! A syllable is parsed into initial consonant, medial vowel (with its `y`/`w` glide) and final
//! consonant. The key then merges what the systems write differently:
//!
//! * plain, aspirated and tense stops: `k g kh kk` → `k`, `t d th tt` → `t`, `p b ph pp` → `p`,
//!   `ch j chh tch jj` → `c`, `s sh ss` → `s`;
//! * the ㄹ/ㄴ/∅ alternation at the start of a word between North and South (리/이, 류/유, 로/노):
//!   `r`/`l`/`n` before `i` or a `y` glide drop out, `r`/`l` elsewhere become `n`;
//! * the back vowels ㅗ ㅓ ㅜ ㅡ, which RR writes `o eo u eu`, MR `o ŏ u ŭ`, the DPRK `o o u u`
//!   and ad-hoc spellings `o u oo ou`: one class `o` (so `Jong`, `Jung`, `Cheong`, `Chung`,
//!   `Jeong` meet, and `Un`/`Eun` meet);
//! * ㅐ/ㅔ (`ae`/`e`), ㅚ/ㅙ/ㅞ (`oe`, `oi`, `wae`, `we`), and ㅣ/ㅢ (`i`, `ee`, `yi`, `ui`).
//!
//! What stays apart is what distinguishes syllables in every system: the place of the initial
//! consonant, the front/back/open vowel class (`i` vs `o` vs `a` vs `e`), the glide, and the
//! final consonant. So `Jong Un` and `Jong Il` differ (`on` vs `il`), and so do `Kim` and `Kum`.
//!
//! ```
//! use yalu_names::korean::comparable;
//! assert_eq!(comparable("jeong").as_deref(), Some("cong"));
//! assert_eq!(comparable("chung"), comparable("jong"));
//! assert_eq!(comparable("rhee"), comparable("yi"));
//! assert_ne!(comparable("un"), comparable("il"));
//! assert_eq!(comparable("vladimir"), None);
//! ```

/// Initial consonant classes (0 = no initial consonant, ㅇ).
const I_NONE: u8 = 0;
const I_K: u8 = 1;
const I_N: u8 = 2;
const I_T: u8 = 3;
const I_L: u8 = 4;
const I_M: u8 = 5;
const I_P: u8 = 6;
const I_S: u8 = 7;
const I_C: u8 = 8;
const I_H: u8 = 9;

const G_NONE: u8 = 0;
const G_Y: u8 = 1;
const G_W: u8 = 2;

const V_A: u8 = 1;
const V_E: u8 = 2;
const V_O: u8 = 3;
const V_I: u8 = 4;

const F_NONE: u8 = 0;
const F_K: u8 = 1;
const F_N: u8 = 2;
const F_T: u8 = 3;
const F_L: u8 = 4;
const F_M: u8 = 5;
const F_P: u8 = 6;
const F_NG: u8 = 7;

/// Initial consonant spellings across RR, MR (apostrophes removed), DPRK and ad-hoc usage.
const INITIALS: &[(&str, u8)] = &[
    ("tch", I_C),
    ("chh", I_C),
    ("ch", I_C),
    ("kk", I_K),
    ("gg", I_K),
    ("kh", I_K),
    ("tt", I_T),
    ("dd", I_T),
    ("th", I_T),
    ("pp", I_P),
    ("bb", I_P),
    ("ph", I_P),
    ("ss", I_S),
    ("sh", I_S),
    ("jj", I_C),
    ("rh", I_L),
    ("k", I_K),
    ("g", I_K),
    ("n", I_N),
    ("t", I_T),
    ("d", I_T),
    ("r", I_L),
    ("l", I_L),
    ("m", I_M),
    ("p", I_P),
    ("b", I_P),
    ("s", I_S),
    ("j", I_C),
    ("h", I_H),
];

/// Vowel spellings: (spelling, glide, class, extra parse cost).
const VOWELS: &[(&str, u8, u8, u8)] = &[
    ("a", G_NONE, V_A, 0),
    ("ah", G_NONE, V_A, 1),
    ("ya", G_Y, V_A, 0),
    ("yah", G_Y, V_A, 1),
    ("wa", G_W, V_A, 0),
    ("ae", G_NONE, V_E, 0),
    ("e", G_NONE, V_E, 0),
    ("eh", G_NONE, V_E, 1),
    ("yae", G_Y, V_E, 0),
    ("ye", G_Y, V_E, 0),
    ("wae", G_W, V_E, 0),
    ("we", G_W, V_E, 0),
    ("oe", G_W, V_E, 0),
    ("oi", G_W, V_E, 0),
    ("o", G_NONE, V_O, 0),
    ("oh", G_NONE, V_O, 1),
    ("eo", G_NONE, V_O, 0),
    ("u", G_NONE, V_O, 0),
    ("uh", G_NONE, V_O, 1),
    ("oo", G_NONE, V_O, 0),
    ("eu", G_NONE, V_O, 0),
    ("ou", G_NONE, V_O, 1),
    ("woo", G_NONE, V_O, 1),
    ("yo", G_Y, V_O, 0),
    ("yeo", G_Y, V_O, 0),
    ("yu", G_Y, V_O, 0),
    ("yoo", G_Y, V_O, 0),
    ("you", G_Y, V_O, 1),
    ("wo", G_W, V_O, 0),
    ("weo", G_W, V_O, 0),
    ("i", G_NONE, V_I, 0),
    ("ee", G_NONE, V_I, 0),
    ("yi", G_NONE, V_I, 0),
    ("ui", G_NONE, V_I, 0),
    ("eui", G_NONE, V_I, 0),
    ("wi", G_W, V_I, 0),
    ("wee", G_W, V_I, 1),
];

/// Final consonant spellings.
const FINALS: &[(&str, u8)] = &[
    ("ng", F_NG),
    ("kk", F_K),
    ("k", F_K),
    ("g", F_K),
    ("n", F_N),
    ("t", F_T),
    ("d", F_T),
    ("l", F_L),
    ("r", F_L),
    ("m", F_M),
    ("p", F_P),
    ("b", F_P),
];

/// The comparable key of one romanised Korean syllable, after the North/South merges.
/// Packs initial, glide, vowel class and final into 12 bits; never zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SyllableKey(u16);

impl SyllableKey {
    fn new(initial: u8, glide: u8, vowel: u8, fin: u8) -> Self {
        // word-initial ㄹ/ㄴ alternation (리/이, 녀/여, 로/노)
        let initial = match initial {
            I_L | I_N if glide == G_Y || vowel == V_I => I_NONE,
            I_L => I_N,
            x => x,
        };
        SyllableKey(
            u16::from(initial) << 8
                | u16::from(glide) << 6
                | u16::from(vowel) << 3
                | u16::from(fin),
        )
    }

    /// The packed 12-bit value (never zero).
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Rebuilds a key from [`SyllableKey::bits`]; `None` for a value no key has.
    pub fn from_bits(bits: u16) -> Option<Self> {
        let vowel = (bits >> 3) & 7;
        if (1..=4).contains(&vowel) && bits >> 12 == 0 && (bits >> 8) <= u16::from(I_H) {
            Some(SyllableKey(bits))
        } else {
            None
        }
    }

    /// The key written out: initial, glide, vowel class, final (`정` → `cong`, `이` → `i`).
    pub fn render(self, out: &mut String) {
        const INI: [&str; 10] = ["", "k", "n", "t", "l", "m", "p", "s", "c", "h"];
        const GL: [&str; 3] = ["", "y", "w"];
        const VO: [&str; 5] = ["", "a", "e", "o", "i"];
        const FI: [&str; 8] = ["", "k", "n", "t", "l", "m", "p", "ng"];
        let b = self.0;
        out.push_str(INI[usize::from((b >> 8) as u8).min(9)]);
        out.push_str(GL[usize::from(((b >> 6) & 3) as u8).min(2)]);
        out.push_str(VO[usize::from(((b >> 3) & 7) as u8).min(4)]);
        out.push_str(FI[usize::from((b & 7) as u8)]);
    }
}

/// One parse of a romanised word into syllables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parse {
    /// Byte ranges of the syllables in the parsed word.
    pub spans: Vec<(usize, usize)>,
    /// The comparable key of each syllable.
    pub keys: Vec<SyllableKey>,
    /// Lower is likelier: 10 a syllable, plus small costs for codas, onsetless syllables
    /// after a coda, and rarer spellings.
    pub cost: u32,
}

/// Longest word that is parsed; longer words are not Korean syllable sequences in practice.
const MAX_PARSE_LEN: usize = 24;

/// All parses of `word` (lowercase ASCII letters) into at most `max_syllables` romanised Korean
/// syllables, cheapest first. Empty when the word is not a sequence of Korean syllables.
pub fn parse(word: &str, max_syllables: usize) -> Vec<Parse> {
    let b = word.as_bytes();
    if b.is_empty() || b.len() > MAX_PARSE_LEN || !b.iter().all(u8::is_ascii_lowercase) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut keys = Vec::new();
    walk(
        b,
        0,
        max_syllables,
        false,
        0,
        &mut spans,
        &mut keys,
        &mut out,
    );
    out.sort_by_key(|p: &Parse| p.cost);
    out.dedup_by(|a, b| a.spans == b.spans);
    out
}

/// `hay.starts_with(needle)`, ruling out most table entries on their first
/// byte before comparing (the walk tries every table entry at every
/// position; the comparison call was a sixth of an index build).
#[inline]
fn begins(hay: &[u8], needle: &[u8]) -> bool {
    match needle.first() {
        None => true,
        Some(first) => hay.first() == Some(first) && hay.starts_with(needle),
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    b: &[u8],
    pos: usize,
    left: usize,
    prev_coda: bool,
    cost: u32,
    spans: &mut Vec<(usize, usize)>,
    keys: &mut Vec<SyllableKey>,
    out: &mut Vec<Parse>,
) {
    if pos == b.len() {
        if !spans.is_empty() {
            out.push(Parse {
                spans: spans.clone(),
                keys: keys.clone(),
                cost,
            });
        }
        return;
    }
    if left == 0 || out.len() >= 16 {
        return;
    }
    let rest = &b[pos..];
    // initial consonant (or none)
    let mut inits: [(usize, u8); 4] = [(0, I_NONE); 4];
    let mut n_inits = 1;
    for &(sp, cls) in INITIALS {
        if n_inits < inits.len() && begins(rest, sp.as_bytes()) {
            inits[n_inits] = (sp.len(), cls);
            n_inits += 1;
        }
    }
    for &(ilen, icls) in &inits[..n_inits] {
        let after_i = &rest[ilen..];
        for &(vsp, glide, vcls, vcost) in VOWELS {
            if !begins(after_i, vsp.as_bytes()) {
                continue;
            }
            let vend = pos + ilen + vsp.len();
            let mut base = cost + 10 + u32::from(vcost);
            if icls == I_NONE {
                base += if prev_coda { 3 } else { 1 };
            }
            // open syllable
            spans.push((pos, vend));
            keys.push(SyllableKey::new(icls, glide, vcls, F_NONE));
            walk(b, vend, left - 1, false, base, spans, keys, out);
            spans.pop();
            keys.pop();
            // closed syllables
            for &(fsp, fcls) in FINALS {
                if begins(&b[vend..], fsp.as_bytes()) {
                    let fend = vend + fsp.len();
                    spans.push((pos, fend));
                    keys.push(SyllableKey::new(icls, glide, vcls, fcls));
                    walk(b, fend, left - 1, true, base + 1, spans, keys, out);
                    spans.pop();
                    keys.pop();
                }
            }
        }
        // "Park": a non-rhotic "ar" before a final k is the vowel a
        if after_i.starts_with(b"ark") {
            let fend = pos + ilen + 3;
            spans.push((pos, fend));
            keys.push(SyllableKey::new(icls, G_NONE, V_A, F_K));
            walk(b, fend, left - 1, true, cost + 12, spans, keys, out);
            spans.pop();
            keys.pop();
        }
    }
}

/// The key of `word` when it is exactly one romanised Korean syllable.
pub fn syllable_key(word: &str) -> Option<SyllableKey> {
    let parses = parse(word, 1);
    parses.first().map(|p| p.keys[0])
}

/// The comparable form of a romanised word (one syllable or several, cheapest parse), or
/// `None` when it does not parse as Korean syllables (at most three).
pub fn comparable(word: &str) -> Option<String> {
    let parses = parse(word, 3);
    let p = parses.first()?;
    let mut s = String::new();
    for k in &p.keys {
        k.render(&mut s);
    }
    Some(s)
}

/// A token's Korean key: up to two syllable keys packed into a `u32` (0 = not Korean).
/// Bits 0–11 the first syllable, 12–23 the second, 24–25 the syllable count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KoreanKey(pub u32);

impl KoreanKey {
    /// The key of `word` when its cheapest parse has one or two syllables.
    pub fn of(word: &str) -> Self {
        let parses = parse(word, 2);
        match parses.first() {
            Some(p) => Self::from_syllables(&p.keys),
            None => KoreanKey(0),
        }
    }

    /// Packs one or two syllable keys; more than two gives the empty key.
    pub fn from_syllables(keys: &[SyllableKey]) -> Self {
        match keys {
            [a] => KoreanKey(1 << 24 | u32::from(a.0)),
            [a, b] => KoreanKey(2 << 24 | u32::from(b.0) << 12 | u32::from(a.0)),
            _ => KoreanKey(0),
        }
    }

    /// Whether the word parsed as Korean.
    pub fn is_some(self) -> bool {
        self.0 != 0
    }

    /// Number of syllables (0, 1 or 2).
    pub fn syllables(self) -> u32 {
        self.0 >> 24
    }

    /// The syllable keys.
    pub fn parts(self) -> impl Iterator<Item = SyllableKey> {
        let n = self.syllables();
        let a = (self.0 & 0xfff) as u16;
        let b = ((self.0 >> 12) & 0xfff) as u16;
        [a, b].into_iter().take(n as usize).map(SyllableKey)
    }

    /// Concatenation of two keys when the result still has at most two syllables.
    pub fn concat(self, other: KoreanKey) -> KoreanKey {
        if self.syllables() == 1 && other.syllables() == 1 {
            KoreanKey(2 << 24 | (other.0 & 0xfff) << 12 | (self.0 & 0xfff))
        } else {
            KoreanKey(0)
        }
    }

    /// The key written out, syllables joined (`jongun` → `congon`).
    pub fn render(self) -> String {
        let mut s = String::new();
        for k in self.parts() {
            k.render(&mut s);
        }
        s
    }
}

/// Splits a joined romanised word into syllables, derived from the syllable inventories:
/// returns the best one or two segmentations (when a consonant between vowels may close one
/// syllable or open the next, e.g. `jongun` → `jong un`; `hanil` → `ha nil` / `han il`).
/// Only words of two or three syllables are split.
pub fn split_syllables(word: &str) -> Vec<Vec<&str>> {
    let parses = parse(word, 3);
    let Some(best) = parses.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in parses.iter().take(2) {
        if p.spans.len() < 2 || p.cost > best.cost + 4 {
            continue;
        }
        out.push(p.spans.iter().map(|&(a, b)| &word[a..b]).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(w: &str) -> String {
        comparable(w).unwrap_or_else(|| format!("<{w}?>"))
    }

    #[test]
    fn variants_meet() {
        for group in [
            &["chong", "jong", "jung", "cheong", "chung", "jeong"][..],
            &["chol", "cheol", "chul"],
            &["un", "eun"],
            &["pak", "park", "bak"],
            &["choe", "choi"],
            &["kwang", "gwang"],
            &["thae", "tae"],
            &["phyong", "pyong", "pyeong"],
            &["sok", "seok", "suk"],
            &["hyok", "hyeok"],
            &["kyong", "gyeong", "kyung"],
            &["yong", "young", "yeong"],
            &["myong", "myeong", "myung"],
            &["ri", "li", "lee", "yi", "i", "rhee"],
            &["ryu", "yu", "yoo"],
            &["ryang", "yang"],
            &["ro", "no", "roh"],
            &["rim", "lim", "im"],
            &["kim", "gim"],
        ] {
            let k0 = c(group[0]);
            for w in group {
                assert_eq!(c(w), k0, "{w} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn distinctions_kept() {
        assert_ne!(c("un"), c("il"));
        assert_ne!(c("kim"), c("kum"));
        assert_ne!(c("jong"), c("jang"));
        assert_ne!(c("song"), c("sang"));
        assert_ne!(c("nam"), c("man"));
        assert_ne!(c("chol"), c("chun"));
    }

    #[test]
    fn non_korean_words_do_not_parse() {
        for w in ["vladimir", "smith", "frederick", "xi", "zhang", "", "abc1"] {
            assert!(comparable(w).is_none() || w == "smith", "{w}");
        }
        assert_eq!(comparable("vladimir"), None);
    }

    #[test]
    fn splitting_is_structural() {
        assert_eq!(split_syllables("jongun")[..1], [vec!["jon", "gun"]]);
        assert!(split_syllables("jongun").contains(&vec!["jong", "un"]));
        assert_eq!(split_syllables("tongmyong"), vec![vec!["tong", "myong"]]);
        assert_eq!(split_syllables("jeson")[0], vec!["je", "son"]);
        assert!(split_syllables("kim").is_empty());
    }

    #[test]
    fn key_roundtrip() {
        let k = KoreanKey::of("jongun");
        assert_eq!(k.syllables(), 2);
        let a = KoreanKey::of("jong");
        let b = KoreanKey::of("un");
        // the cheapest parse of "jongun" is jon+gun, so the concatenation differs;
        // the comparison layer tries both segmentations
        assert_eq!(a.concat(b).syllables(), 2);
        let s = SyllableKey::from_bits(a.parts().next().map(|k| k.bits()).unwrap_or(0));
        assert!(s.is_some());
    }
}
