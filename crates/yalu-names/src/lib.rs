//! Name normalisation for sanctions screening: one pipeline used alike when indexing lists,
//! when reading a query and when comparing two names.
//!
//! # Tutorial
//!
//! A North Korean name reaches lists and payrolls as `KIM, Jong-Un` (DPRK spelling, `LAST,
//! First`), `Kim Jeong-eun` (South Korean Revised Romanization), `Kim Chŏng-ŭn`
//! (McCune–Reischauer), `Kim Jongun`, `김정은` (Hangul) or `金正恩` (Chinese characters).
//! [`normalize`] turns each into one or more [`Variant`]s, token sequences in lowercase ASCII:
//!
//! ```
//! use yalu_names::{normalize, NameKind};
//!
//! let hangul = normalize("김정은", NameKind::Person);
//! let spellings: Vec<String> = hangul.variants.iter().map(|v| v.text()).collect();
//! assert!(spellings.contains(&"gim jeong eun".to_string())); // Revised Romanization
//! assert!(spellings.contains(&"kim jong un".to_string())); // DPRK
//!
//! // Han characters give both their Mandarin and their Korean reading
//! let han = normalize("金正恩", NameKind::Person);
//! let spellings: Vec<String> = han.variants.iter().map(|v| v.text()).collect();
//! assert!(spellings.contains(&"jin zheng en".to_string()));
//! assert!(spellings.contains(&"kim jong un".to_string()));
//! ```
//!
//! Every token that parses as a romanised Korean syllable carries a comparable key
//! ([`korean::KoreanKey`]) in which the spellings of one Hangul syllable meet, whatever the
//! system: `jong`, `jeong`, `chong`, `jung` and `chung` share one key; `un` and `eun` share one;
//! `un` and `il` do not.
//!
//! ```
//! use yalu_names::{normalize, NameKind};
//! let a = normalize("KIM, Jong-Un", NameKind::Person);
//! let b = normalize("Kim Jeong-eun", NameKind::Person);
//! let keys = |n: &yalu_names::NormalizedName| -> Vec<String> {
//!     n.variants[0].tokens.iter().map(|t| t.korean.render()).collect()
//! };
//! assert_eq!(keys(&a), keys(&b)); // ["kim", "cong", "on"]
//! ```
//!
//! Organisation legal forms and filler words become canonical tokens of low weight, so
//! `Siemens AG` and `Siemens Aktiengesellschaft` normalise alike and `CORP` alone never makes a
//! match:
//!
//! ```
//! use yalu_names::{fold, NameKind};
//! assert_eq!(fold("Siemens Aktiengesellschaft", NameKind::Organization), "siemens jsc");
//! assert_eq!(fold("Siemens AG", NameKind::Organization), "siemens jsc");
//! assert_eq!(fold("OOO \"Бай\"", NameKind::Organization), "llc bay");
//! ```
//!
//! For an index, [`index_keys`] gives a few short blocking keys per name such that spelling
//! variants of one name share at least one key:
//!
//! ```
//! use yalu_names::{index_keys, NameKind};
//! let a = index_keys("Kim Jong Un", NameKind::Person);
//! let b = index_keys("김정은", NameKind::Person);
//! assert!(a.iter().any(|k| b.contains(k)));
//! ```
//!
//! # Pipeline
//!
//! 0. [`clean`]: hidden characters (format characters such as zero-width spaces and joiners,
//!    soft hyphens, bidi controls, the BOM; variation selectors) are dropped and unusual
//!    spaces become plain spaces (a name with such a space inside a word is also read with
//!    the word joined, [`join_odd_spaces`]). Then [`read_lookalikes`]: letters of another script that
//!    imitate Latin letters inside a mixed-script word are read as Latin (UTS #39
//!    confusables); a whole word of look-alikes in a Latin name adds a Latin reading
//!    ([`VariantSystem::LookAlike`]).
//! 1. Unicode NFKC, lowercase (full case mapping: `ß` → `ss` via the Latin fold), input
//!    capped at 512 characters.
//! 2. Cutting into words: every apostrophe form (`'`, `’`, `‘`, `` ` ``, `´`, `ʼ`, `ʻ`, `′`) is
//!    dropped inside a word (`Cho'ng` = `Chong`), a possessive `'s` is dropped, any other
//!    non-alphanumeric character (space, hyphen, comma, dot, brackets, quotes, `・`) separates
//!    words, and a change of script splits a word. `&` becomes `and`.
//! 3. Latin words lose their diacritics (`Chŏng` → `chong`, `Erdoğan` → `erdogan`, `ø` → `o`).
//! 4. Dotted single letters become one acronym for organisations (`A.B.C.` → `abc`) and
//!    initials for persons (`J.-C.` → `j`, `c`); a lone consonant letter is an initial too.
//!    Digits inside a mostly-letter word are read as letters (`Sech1n` → `sechin`).
//! 5. Phrases of `data/legal_forms.tsv` (legal forms, filler words, titles, particles, in Latin,
//!    Cyrillic, Han and Hangul) are replaced by their canonical token; Han/Hangul legal affixes
//!    are cut from the word (`삼성전자주식회사`).
//! 6. Transliteration into variants (see the table below).
//! 7. When every word of a Latin name is a sequence of at most three romanised Korean syllables
//!    and some word is joined, split variants are added (`Kim Jongun` → `kim jong un` and
//!    `kim jon gun`), derived from the syllable inventories in [`korean`], not from a list.
//! 8. Each word token gets its Korean comparable key when it parses.
//!
//! "LAST, First" and either order of surname and given name need nothing more: comparison is
//! order-free.
//!
//! # Scripts covered
//!
//! | script | how | variants |
//! |---|---|---|
//! | Latin (with diacritics, MR breves, apostrophes) | fold to ASCII | as written; Korean syllable split |
//! | Hangul | [`hangul`]: arithmetic decomposition, RR / DPRK / MR, customary surname spelling (`data/korean_surnames.tsv`) | 3–4 |
//! | Han (Chinese characters, hanja, kanji) | [`han`]: Mandarin pinyin (`pinyin` crate, heteronyms), Korean readings (Unihan `kHangul`) through the Hangul romanisations, Japanese kun/on readings (Unihan) | up to 12 |
//! | Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Kazakh, Mongolian) | [`cyrillic`]: BGN/PCGN-like, ICAO passport, press English | 3 |
//! | Arabic, Persian, Hebrew, Syriac, Thaana, Indic scripts, Thai, Lao, Myanmar, Khmer | any_ascii; tokens marked [`Source::Unvocalised`] so comparisons use consonant skeletons ([`phonetic::skeleton`]) | 1 |
//! | Greek, Armenian, Georgian, Ethiopic, Japanese kana and every other script | any_ascii catch-all | 1 |

mod clean;
pub mod cyrillic;
pub mod distance;
pub mod han;
pub mod hangul;
pub mod korean;
mod normalize;
pub mod orgs;
pub mod phonetic;

pub use clean::{LookAlike, LookAlikeReading, clean, is_hidden, join_odd_spaces, read_lookalikes};
pub use korean::KoreanKey;
pub use normalize::{MAX_INPUT_CHARS, MAX_TOKENS, MAX_VARIANTS, normalize};

/// What a name names; decides which legal forms and titles apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A natural person.
    #[default]
    Person,
    /// A company, organisation, legal entity.
    Organization,
    /// A vessel, aircraft or anything else.
    Other,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A name word.
    Word,
    /// A legal form (`llc`, `jsc`, `inc`, ...).
    Legal,
    /// An organisation filler word (`group`, `trading`, `bank`, ...).
    Filler,
    /// A function word (`of`, `the`, `and`).
    Stop,
    /// A title or honorific (`mr`, `dr`, `shaikh`).
    Title,
    /// A name particle (`al`, `bin`, `van`, `de`).
    Particle,
    /// A single-letter initial.
    Initial,
    /// A number.
    Number,
}

/// Where a token's text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// Latin script as written (or a canonical table token).
    Latin,
    /// Romanised from Hangul.
    Hangul,
    /// Korean reading of a Han character.
    HanKorean,
    /// Mandarin reading of a Han character.
    HanMandarin,
    /// Japanese reading of a Han character.
    HanJapanese,
    /// Romanised from Cyrillic.
    Cyrillic,
    /// Romanised by any_ascii from a script written without (most) vowels.
    Unvocalised,
    /// Romanised by any_ascii from any other script.
    OtherScript,
}

/// Which spelling system a variant follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VariantSystem {
    /// The input as written (Latin) or its only romanisation.
    AsWritten,
    /// Hangul in Revised Romanization.
    Revised,
    /// Hangul in the DPRK system.
    Dprk,
    /// Hangul in McCune–Reischauer (breves and apostrophes folded away).
    McCuneReischauer,
    /// Hangul with the customary spelling of the surname (`Lee`, `Park`, `Choi`).
    CustomarySurname,
    /// Han characters in Mandarin pinyin.
    Mandarin,
    /// Han characters in their Korean reading.
    KoreanReading,
    /// Han characters in a Japanese reading.
    Japanese,
    /// Cyrillic, BGN/PCGN-like.
    Bgn,
    /// Cyrillic, ICAO passport style.
    Icao,
    /// Cyrillic, press English.
    SimpleCyrillic,
    /// Joined romanised Korean syllables split apart.
    SyllableSplit,
    /// Words of another script made only of Latin look-alike letters, read as Latin
    /// (see [`read_lookalikes`]).
    LookAlike,
}

/// One token of a normalised name.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Lowercase ASCII letters and digits.
    pub text: String,
    /// Word, legal form, filler, ...
    pub kind: TokenKind,
    /// Weight in comparisons: 1 for a word, 0.1 for a legal form, 0.5 for an initial.
    pub weight: f32,
    /// Korean comparable key when the text parses as one or two romanised Korean syllables.
    pub korean: KoreanKey,
    /// Where the text came from.
    pub source: Source,
    /// The Hangul syllable or (simplified) Han character this token romanises, if any.
    pub native: Option<char>,
}

/// One spelling of a name: a token sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The spelling system.
    pub system: VariantSystem,
    /// Tokens in written order.
    pub tokens: Vec<Token>,
}

impl Variant {
    /// Token texts joined by single spaces.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&t.text);
        }
        s
    }
}

/// The result of [`normalize`]: every spelling of one name, the first as written (or its
/// primary romanisation). Empty when the name has no letters or digits.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalizedName {
    /// The kind the name was normalised as.
    pub kind: NameKind,
    /// Spellings, at most [`MAX_VARIANTS`].
    pub variants: Vec<Variant>,
    /// Letters read as the Latin letters they imitate (see [`read_lookalikes`]); those with
    /// `mixed_word == false` apply only to the [`VariantSystem::LookAlike`] spellings.
    pub lookalikes: Vec<LookAlike>,
}

impl NormalizedName {
    /// Blocking keys for an index; see [`index_keys`].
    pub fn index_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for v in &self.variants {
            for t in &v.tokens {
                token_keys(t, &mut keys);
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The keys of one token (pushed to `out`, maybe with duplicates). Only words and numbers have
/// keys: legal forms, fillers, stop words, titles, particles and initials never do.
pub fn token_keys(t: &Token, out: &mut Vec<String>) {
    keys_of(&t.text, t.kind, t.korean, out);
}

/// [`token_keys`] from a token's parts (text, kind, Korean key).
pub fn keys_of(text: &str, kind: TokenKind, korean: KoreanKey, out: &mut Vec<String>) {
    match kind {
        TokenKind::Word => {}
        TokenKind::Number => {
            out.push(format!("n:{text}"));
            return;
        }
        _ => return,
    }
    if text.is_empty() {
        return;
    }
    if korean.is_some() {
        out.push(format!("k:{}", korean.render()));
    }
    let code = phonetic::phonetic_code(text);
    if !code.is_empty() {
        out.push(format!("p:{code}"));
    }
    let sk = phonetic::skeleton(text);
    if sk.len() >= 2 {
        out.push(format!("s:{sk}"));
    }
}

/// The canonical folded text of a name: the first variant's tokens joined by spaces.
/// Idempotent: `fold(&fold(x, k), k) == fold(x, k)`.
pub fn fold(raw: &str, kind: NameKind) -> String {
    normalize(raw, kind)
        .variants
        .first()
        .map(Variant::text)
        .unwrap_or_default()
}

/// Blocking keys of a name for a candidate index: short strings, sorted and deduplicated,
/// taken from every variant and every word token:
///
/// * `k:` + the Korean comparable key of a token that parses as romanised Korean (`k:cong`
///   for `jong`, `jeong`, `chung`, `정`),
/// * `p:` + a phonetic code (first letter and up to four consonant classes: `p:ptn` for
///   `putin`, `pudin`),
/// * `s:` + the consonant skeleton (`s:mhmt` for `mohamed` and Arabic `mhmd`),
/// * `n:` + a number.
///
/// Spelling variants of one name share at least one key: every romanisation of a Korean
/// syllable gives the same `k:` key, one typo leaves the other tokens' keys intact, and
/// Hangul, Han and Cyrillic names carry the keys of all their romanisations. Legal forms,
/// filler words, titles, particles and initials give no key, so `CORP` alone retrieves nothing.
pub fn index_keys(raw: &str, kind: NameKind) -> Vec<String> {
    normalize(raw, kind).index_keys()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_idempotent_on_examples() {
        for raw in [
            "KIM, Jong-Un",
            "김정은",
            "金正恩",
            "Сергей Викторович Лавров",
            "محمد بن سلمان",
            "Siemens Aktiengesellschaft",
            "A.B.C. Company",
            "FABERLIC EUROPE Sp. z o.o.",
            "Ig0r Sech1n",
            "AT&T Inc.",
        ] {
            for kind in [NameKind::Person, NameKind::Organization] {
                let once = fold(raw, kind);
                assert_eq!(fold(&once, kind), once, "{raw}");
            }
        }
    }

    #[test]
    fn legal_forms_have_no_keys() {
        assert!(index_keys("Corp.", NameKind::Organization).is_empty());
        assert!(index_keys("", NameKind::Person).is_empty());
    }

    #[test]
    fn spellings_share_keys() {
        let base = index_keys("KIM, Jong Un", NameKind::Person);
        for other in [
            "Kim Jeong-eun",
            "Kim Chŏng-ŭn",
            "Kim Jongun",
            "金正恩",
            "김정은",
        ] {
            let k = index_keys(other, NameKind::Person);
            assert!(
                k.iter().filter(|x| base.contains(x)).count() >= 2,
                "{other}: {k:?} vs {base:?}"
            );
        }
    }
}
