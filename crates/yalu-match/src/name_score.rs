//! Name-to-name similarity over the normalised forms of `yalu-names`.
//!
//! A name is prepared once ([`PreparedName::new`]): normalised into its spellings (variants)
//! and packed into a few flat arrays. [`compare`] then aligns the tokens of every pair of
//! spellings, order-free, and keeps the best:
//!
//! * token similarity: equal text 1; the same Hangul syllable or Han character 1 (a different
//!   one scores low: native scripts are exact); equal Korean comparable key
//!   ([`NameScoreConfig::korean_variant_similarity`]: `jong`~`jeong`, `un`~`eun`); equal
//!   consonant skeleton for names from scripts written without vowels; otherwise an edit
//!   similarity on the ASCII forms in which one edit costs `1/L` and every further edit
//!   costs [`NameScoreConfig::extra_edit_cost`] more, stricter when two romanised Korean
//!   syllables differ; an initial meets a word with its letter; a token may also meet two or
//!   three joined tokens of the other name (`jongun` = `jong un`) or their acronym;
//! * degraded records: OCR confusions (`0`/`O`, `1`/`I`/`l`, `5`/`S`, `rn`/`m`, ...) cost
//!   [`NameScoreConfig::ocr_edit_cost`] of an edit; the last word of either name may be cut
//!   off by a field limit (a prefix of two letters or more,
//!   [`NameScoreConfig::truncation_similarity`]); a single letter, dotted or not, is an
//!   initial; a Latin word without its inner vowels meets a word with the same consonants
//!   ([`NameScoreConfig::stripped_similarity`]). Cut-off and vowel-stripped words are weak:
//!   one alone is no word match, two or more support each other
//!   ([`NameScoreConfig::weak_support_factor`]); initials alone never make a match;
//! * assignment: greedy on similarity, each token used once;
//! * score: the product over matched pairs of `1 - mismatch_weight · w · (1 - s)`; times
//!   `(1 - substitution_penalty)` per unit of weight missing on *both* sides (a token replaced
//!   by another: `Kim Jong Un` vs `Kim Jong Il`, whatever the name's length); times
//!   `1 - penalty · U` for the extra tokens of one side, `U` their weight share (milder,
//!   [`NameScoreConfig::unmatched_subset_penalty`], for a person's middle names when the
//!   other name is wholly matched; stronger, [`NameScoreConfig::unmatched_org_penalty`], for
//!   organisations, where an added word often names a branch); times small factors for a
//!   changed order, for matches made only of initials or fillers, for clashing legal forms and
//!   for a father's name (after `bin`) swapped with another name;
//! * two romanised Korean names: a syllable one name lacks while the other is wholly matched
//!   (`KIM Nam` for `KIM, Kyong Nam`) costs like a substitution
//!   ([`NameScoreConfig::korean_missing_syllable_penalty`]), and given-name syllables met in
//!   another order (`KIM Chol Yong` for `KIM, Yong Chol`) cost
//!   [`NameScoreConfig::korean_syllable_swap_factor`]; both leave the name just under the
//!   threshold, so the same birth day or an identifier is needed to match;
//! * [`fit`] also gives the word shape of the best alignment ([`NameFit`]): weight of words met
//!   and left over on each side, whether a left-over word of each side stands in the same
//!   place (a substitution in place), and the score with the query's left-over words priced
//!   as substitutions ([`NameScoreConfig::contradicted_word_penalty`]). The entity scorer reads
//!   it to tell a middle name a short alias lacks from a word another name of the same person
//!   contradicts.
//!
//! Spellings are only aligned when they share a first letter or Korean initial somewhere, so
//! unrelated candidates cost little.
//!
//! Legal forms weigh 0.1, so `CORP` alone never makes a match; one different given-name
//! syllable of a Korean name leaves a score near 0.55, one typo near 0.85.
//!
//! ```
//! use yalu_match::name_score::{compare, NameKind, NameScoreConfig, PreparedName};
//! let cfg = NameScoreConfig::default();
//! let q = PreparedName::new("Kim Jong Un", NameKind::Person);
//! for same in ["Kim Jung Eun", "김정은", "金正恩", "Kim Jongun", "KIM, Jong-Un"] {
//!     let c = PreparedName::new(same, NameKind::Person);
//!     assert!(compare(&q, &c, &cfg).score >= 0.85, "{same}");
//! }
//! let other = PreparedName::new("Kim Jong Il", NameKind::Person);
//! assert!(compare(&q, &other, &cfg).score < 0.70);
//! ```

use std::fmt::Write as _;
use std::ops::ControlFlow;

use yalu_names::distance::osa;
use yalu_names::hangul;
use yalu_names::phonetic::{phonetic_fold, skeleton_to_buf};
use yalu_names::{KoreanKey, LookAlike, Source, TokenKind, VariantSystem};

pub use yalu_names::NameKind;

/// Weights and thresholds of the name score. `Default` gives the calibrated values; a
/// serialised config may name only the fields it changes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NameScoreConfig {
    /// How much a matched pair's shortfall `1 - s` lowers the score (times the pair weight).
    pub mismatch_weight: f64,
    /// Factor lost per unit of weight of a token that has no counterpart while the other
    /// name also has an unmatched token (a substitution: `Kim Jong Un` vs `Kim Jong Il`).
    pub substitution_penalty: f64,
    /// Penalty per unit of weight share of extra tokens on one side (tokens the other name
    /// lacks altogether).
    pub unmatched_penalty: f64,
    /// Milder penalty for extra tokens of a person's name when the other name (of two words or
    /// more) is wholly matched, like a middle name or a patronymic.
    pub unmatched_subset_penalty: f64,
    /// Penalty per unit of weight share of extra tokens in organisation and other names: an
    /// added word often names a branch or a subsidiary (`Banco Santander México`).
    pub unmatched_org_penalty: f64,
    /// Pairs below this similarity are left unmatched.
    pub min_pair_similarity: f64,
    /// Similarity of two tokens with the same Korean comparable key but different spelling.
    pub korean_variant_similarity: f64,
    /// Similarity of tokens with the same consonant skeleton when one comes from a script
    /// written without vowels (Arabic, Hebrew, Thai, ...).
    pub skeleton_similarity: f64,
    /// Similarity of an initial and a word starting with its letter.
    pub initial_similarity: f64,
    /// Similarity of an acronym and the words it abbreviates.
    pub acronym_similarity: f64,
    /// Similarity of two different Han characters (native script is exact).
    pub han_mismatch_similarity: f64,
    /// Similarity of two Hangul syllables differing in one jamo.
    pub hangul_one_jamo_similarity: f64,
    /// Similarity of two Hangul syllables differing in two or three jamo.
    pub hangul_mismatch_similarity: f64,
    /// Cost of each edit beyond the first, in units of one edit.
    pub extra_edit_cost: f64,
    /// Cost of one edit between two different romanised Korean syllables (both names parse as
    /// Korean), in units of one edit: a different syllable is a different name.
    pub korean_syllable_edit_cost: f64,
    /// Factor when the matched tokens appear in a different order.
    pub order_factor: f64,
    /// Factor when no word of one name meets a word of the other (only initials, fillers,
    /// legal forms or particles matched).
    pub no_word_match_factor: f64,
    /// Factor when both names carry legal forms and none of them meet (`AG` vs `GmbH`).
    pub legal_mismatch_factor: f64,
    /// Factor when the words after `bin`/`ibn`/`ben` (the father's name) are swapped with
    /// other names: `Salman bin Muhammad` is not `Muhammad bin Salman`.
    pub patronym_swap_factor: f64,
    /// Similarity of a last word cut off by a field limit (three letters or more) and the
    /// word it starts (`Carol` for `Carolina`); the last word of either name, when that
    /// name fills a common field width ([`FIELD_LIMITS`]).
    pub truncation_similarity: f64,
    /// The same for a cut-off word of only two letters (`Di` for `Diana`).
    pub truncation_short_similarity: f64,
    /// Cost of one OCR confusion (`0`/`O`, `1`/`I`/`l`, `5`/`S`, `2`/`Z`, `8`/`B`, `6`/`G`,
    /// `rn`/`m`, `cl`/`d`, `vv`/`w`) in units of one ordinary edit.
    pub ocr_edit_cost: f64,
    /// Similarity of a Latin word written without its inner vowels and a word with the same
    /// consonants (`Krm` for `Karim`): a weak signal.
    pub stripped_similarity: f64,
    /// Factor when the words of the names meet only through weak signals (cut-off or
    /// vowel-stripped words), two or more of them: they support one another, at a cost. A
    /// single weak word counts as no word match at all.
    pub weak_support_factor: f64,
    /// Factor lost per unit of weight of the syllables one romanised Korean name has and the
    /// other, wholly matched, lacks (like [`NameScoreConfig::substitution_penalty`]). It
    /// replaces the milder middle-name penalty: a Korean given name is one word of (mostly)
    /// two syllables, so `KIM Nam` shares one syllable with `KIM, Kyong Nam` but is another
    /// given name, not a shortened one. The default leaves such a name match near 0.65:
    /// below the threshold alone and with an agreeing country and birth year, above it with
    /// the same birth day or an identifier.
    pub korean_missing_syllable_penalty: f64,
    /// Factor when two Korean names meet only with their given-name syllables in another
    /// order (`KIM Chol Yong` for `KIM Yong Chol`): a different given name. Moving the
    /// surname from one end to the other (`Yong Chol KIM`) is a written order, not a swap,
    /// and costs only [`NameScoreConfig::order_factor`]. The default, like
    /// [`NameScoreConfig::korean_missing_syllable_penalty`], leaves the match just below the
    /// threshold, so that the same birth day or an identifier is needed.
    pub korean_syllable_swap_factor: f64,
    /// Factor lost per unit of weight of the query's words left over by a name of a person
    /// that the query matches wholly, when another name of the same person contradicts them:
    /// that fuller name holds every word the query met and a word of its own where the query
    /// has another (`PANTELEEV Oleg Ivanovich` against `PANTELEEV, Oleg`, also listed as
    /// `PANTELEEV, Oleg Sergeevich`). The left-over word is then a substitution, not a middle
    /// name the short name lacks. Read by the entity scorer through [`NameFit::contradicted`];
    /// like [`NameScoreConfig::korean_missing_syllable_penalty`], the default leaves such a
    /// match just below the threshold, so the same birth day or an identifier is needed.
    pub contradicted_word_penalty: f64,
}

impl Default for NameScoreConfig {
    fn default() -> Self {
        NameScoreConfig {
            mismatch_weight: 0.7,
            substitution_penalty: 0.45,
            unmatched_penalty: 0.5,
            unmatched_subset_penalty: 0.5,
            unmatched_org_penalty: 0.8,
            min_pair_similarity: 0.4,
            korean_variant_similarity: 0.97,
            skeleton_similarity: 0.95,
            initial_similarity: 0.9,
            acronym_similarity: 0.85,
            han_mismatch_similarity: 0.3,
            hangul_one_jamo_similarity: 0.4,
            hangul_mismatch_similarity: 0.1,
            extra_edit_cost: 0.5,
            korean_syllable_edit_cost: 1.5,
            order_factor: 0.98,
            no_word_match_factor: 0.5,
            legal_mismatch_factor: 0.75,
            patronym_swap_factor: 0.6,
            truncation_similarity: 0.9,
            truncation_short_similarity: 0.82,
            ocr_edit_cost: 0.3,
            stripped_similarity: 0.94,
            weak_support_factor: 0.92,
            korean_missing_syllable_penalty: 0.35,
            korean_syllable_swap_factor: 0.66,
            contradicted_word_penalty: 0.35,
        }
    }
}

/// The result of [`compare`].
#[derive(Clone, Debug, PartialEq)]
pub struct NameMatch {
    /// Similarity in `0..=1`.
    pub score: f64,
    /// The spelling of the query that matched best (normalised tokens).
    pub query: String,
    /// The spelling of the candidate that matched best (normalised tokens).
    pub candidate: String,
    /// A human explanation, e.g. `tokens kim=kim, jong~jeong (romanisation variant),
    /// un~eun (romanisation variant)`.
    pub detail: String,
    /// Letters of the query read as the Latin letters they imitate in the spelling that
    /// matched (empty for an honest name). A name disguised with look-alikes is a red flag.
    pub lookalikes: Vec<LookAlike>,
}

// token flags
const F_UNVOCALISED: u8 = 1;
const F_HANGUL: u8 = 2;
const F_HAN: u8 = 4;

const K_WORD: u8 = 0;
const K_LEGAL: u8 = 1;
const K_FILLER: u8 = 2;
const K_STOP: u8 = 3;
const K_TITLE: u8 = 4;
const K_PARTICLE: u8 = 5;
const K_INITIAL: u8 = 6;
const K_NUMBER: u8 = 7;

fn kind_code(k: TokenKind) -> u8 {
    match k {
        TokenKind::Word => K_WORD,
        TokenKind::Legal => K_LEGAL,
        TokenKind::Filler => K_FILLER,
        TokenKind::Stop => K_STOP,
        TokenKind::Title => K_TITLE,
        TokenKind::Particle => K_PARTICLE,
        TokenKind::Initial => K_INITIAL,
        TokenKind::Number => K_NUMBER,
    }
}

fn token_kind(k: u8) -> TokenKind {
    match k {
        K_LEGAL => TokenKind::Legal,
        K_FILLER => TokenKind::Filler,
        K_STOP => TokenKind::Stop,
        K_TITLE => TokenKind::Title,
        K_PARTICLE => TokenKind::Particle,
        K_INITIAL => TokenKind::Initial,
        K_NUMBER => TokenKind::Number,
        _ => TokenKind::Word,
    }
}

/// One packed token (16 bytes).
#[derive(Clone, Copy, Debug, Default)]
struct Tok {
    /// Offset of the text in [`PreparedName::text`]; the phonetic fold follows it when `flen > 0`.
    off: u16,
    len: u8,
    flen: u8,
    kind: u8,
    flags: u8,
    /// Weight × 200.
    weight: u8,
    _pad: u8,
    /// Korean comparable key (0 = none).
    key: u32,
    /// Hangul syllable or simplified Han character (0 = none).
    native: u32,
}

impl Tok {
    fn w(&self) -> f64 {
        f64::from(self.weight) / 200.0
    }
}

/// Variant family, to avoid comparing e.g. a BGN spelling with an ICAO one.
fn family(s: VariantSystem) -> u8 {
    match s {
        VariantSystem::AsWritten | VariantSystem::SyllableSplit | VariantSystem::LookAlike => 0,
        VariantSystem::Revised
        | VariantSystem::Dprk
        | VariantSystem::McCuneReischauer
        | VariantSystem::CustomarySurname => 1,
        VariantSystem::Mandarin | VariantSystem::KoreanReading | VariantSystem::Japanese => 2,
        VariantSystem::Bgn | VariantSystem::Icao | VariantSystem::SimpleCyrillic => 3,
    }
}

#[derive(Clone, Copy, Debug)]
struct Var {
    start: u16,
    len: u8,
    /// family << 4 | system index
    family: u8,
    system: u8,
    /// Every word parses as romanised Korean and there are two words or more.
    korean_like: bool,
    /// Letters a token can be matched by: first letters of the texts and their folds, Korean
    /// initial classes; bit 26 for tokens from scripts without vowels (matched by skeleton).
    letters: u32,
}

fn letter_bit(b: Option<&u8>) -> u32 {
    match b {
        Some(&c) if c.is_ascii_lowercase() => 1 << (c - b'a'),
        Some(&c) if c.is_ascii_digit() => 1 << 27,
        _ => 0,
    }
}

/// What [`pack_variant`] made of a spelling.
enum Packed {
    /// The spelling, its tokens packed.
    Var(Var),
    /// A spelling without tokens (or with too many to address): left out.
    Empty,
    /// The packed text would outgrow its `u16` offsets: this spelling and the rest are left
    /// out.
    TextFull,
}

/// Packs the tokens of spelling `v` (at most [`MAX_CMP_TOKENS`]) behind those already in
/// `toks`, their texts appended to `text` ([`pack_token`]), and counts the words that make it
/// a Korean-like spelling.
fn pack_variant(v: &yalu_names::Variant, text: &mut String, toks: &mut Vec<Tok>) -> Packed {
    let start = toks.len();
    let mut letters = 0u32;
    let mut words = 0;
    let mut korean_words = 0;
    for t in v.tokens.iter().take(MAX_CMP_TOKENS) {
        let Some((tok, first_letters)) = pack_token(t, text) else {
            toks.truncate(start);
            return Packed::TextFull;
        };
        if t.kind == TokenKind::Word {
            words += 1;
            if t.korean.is_some() {
                korean_words += 1;
            }
        }
        letters |= first_letters;
        toks.push(tok);
    }
    if toks.len() == start || toks.len() > usize::from(u16::MAX) {
        toks.truncate(start);
        return Packed::Empty;
    }
    Packed::Var(Var {
        start: start as u16,
        len: (toks.len() - start) as u8,
        family: family(v.system),
        system: v.system as u8,
        korean_like: words >= 2 && korean_words == words,
        letters,
    })
}

/// Appends the text of token `t` (at most 255 bytes) and its phonetic fold, when that differs,
/// to `text` and packs the token; returns it with the letter bits of its first letters (as
/// written, folded, Korean romanisation, and bit 26 for an unvocalised word). `None` when the
/// text would outgrow its `u16` offsets.
fn pack_token(t: &yalu_names::Token, text: &mut String) -> Option<(Tok, u32)> {
    let tt = &t.text[..t.text.len().min(255)];
    let folded = phonetic_fold(tt);
    let folded = &folded[..folded.len().min(255)];
    if text.len() + tt.len() + folded.len() > usize::from(u16::MAX) {
        return None;
    }
    let off = text.len() as u16;
    text.push_str(tt);
    let flen = if folded != tt {
        text.push_str(folded);
        folded.len() as u8
    } else {
        0
    };
    let mut flags = 0;
    match t.source {
        Source::Unvocalised => flags |= F_UNVOCALISED,
        Source::Hangul => flags |= F_HANGUL,
        Source::HanKorean | Source::HanMandarin | Source::HanJapanese => flags |= F_HAN,
        _ => {}
    }
    let mut letters = letter_bit(tt.as_bytes().first()) | letter_bit(folded.as_bytes().first());
    if t.source == Source::Unvocalised {
        letters |= 1 << 26;
    }
    if let Some(k) = t.korean.parts().next() {
        let mut r = String::new();
        k.render(&mut r);
        letters |= letter_bit(r.as_bytes().first());
    }
    let tok = Tok {
        off,
        len: tt.len() as u8,
        flen,
        kind: kind_code(t.kind),
        flags,
        weight: (t.weight.clamp(0.0, 1.0) * 200.0).round() as u8,
        _pad: 0,
        key: t.korean.0,
        native: t.native.map_or(0, u32::from),
    };
    Some((tok, letters))
}

/// A name prepared for comparison: every spelling, packed. Build once per name.
#[derive(Clone, Debug)]
pub struct PreparedName {
    raw: Box<str>,
    kind: NameKind,
    text: Box<str>,
    toks: Box<[Tok]>,
    vars: Box<[Var]>,
    lookalikes: Box<[LookAlike]>,
}

/// Most tokens of one variant used in a comparison.
const MAX_CMP_TOKENS: usize = 20;

impl PreparedName {
    /// Normalises `raw` and packs its spellings.
    pub fn new(raw: &str, kind: NameKind) -> Self {
        // each spelling is packed by `pack_variant`, unless it repeats an earlier one's keys
        let norm = yalu_names::normalize(raw, kind);
        let mut text = String::new();
        let mut toks = Vec::new();
        let mut vars = Vec::new();
        let mut key_seqs: Vec<Vec<u32>> = Vec::new();
        for v in &norm.variants {
            // a spelling whose every token has the same Korean key as an earlier spelling
            // (McCune-Reischauer after DPRK, `lee` after `i`) adds nothing to the score
            if v.tokens.iter().all(|t| t.korean.is_some()) {
                let seq: Vec<u32> = v.tokens.iter().map(|t| t.korean.0).collect();
                if key_seqs.contains(&seq) && v.system != VariantSystem::AsWritten {
                    continue;
                }
                key_seqs.push(seq);
            }
            match pack_variant(v, &mut text, &mut toks) {
                Packed::Var(var) => vars.push(var),
                Packed::Empty => {}
                Packed::TextFull => break,
            }
        }
        PreparedName {
            raw: raw.into(),
            kind,
            text: text.into_boxed_str(),
            toks: toks.into_boxed_slice(),
            vars: vars.into_boxed_slice(),
            lookalikes: norm.lookalikes.into_boxed_slice(),
        }
    }

    /// The name as given.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The kind the name was prepared as.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// Letters of the name read as the Latin letters they imitate (see
    /// `yalu_names::read_lookalikes`).
    pub fn lookalikes(&self) -> &[LookAlike] {
        &self.lookalikes
    }

    /// The look-alike letters a spelling relies on: those of mixed-script words always, those
    /// of whole words read as Latin only in a [`VariantSystem::LookAlike`] spelling.
    fn lookalikes_of(&self, var: usize) -> Vec<LookAlike> {
        let whole = self
            .vars
            .get(var)
            .is_some_and(|v| v.system == VariantSystem::LookAlike as u8);
        self.lookalikes
            .iter()
            .filter(|l| l.mixed_word || whole)
            .copied()
            .collect()
    }

    /// Number of spellings.
    pub fn variant_count(&self) -> usize {
        self.vars.len()
    }

    /// The spellings, tokens joined by spaces.
    pub fn variants(&self) -> Vec<String> {
        (0..self.vars.len()).map(|i| self.variant_text(i)).collect()
    }

    /// Blocking keys for an index (see `yalu_names::index_keys`): sorted, deduplicated. A
    /// word that OCR confusions may have changed also gives the keys of its OCR reading
    /// (`1`/`l` → `i`, `0` → `o`, `rn` → `m`, ...), on both sides, so `Muharnmad` meets
    /// `Muhammad`.
    pub fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in self.toks.iter() {
            if t.kind == K_WORD && t.native == 0 && t.flags & F_UNVOCALISED == 0 {
                let text = self.tok_bytes(t);
                let mut buf = [0u8; 64];
                let n = ocr_reading(text, &mut buf);
                if &buf[..n] != text
                    && let Ok(r) = std::str::from_utf8(&buf[..n])
                {
                    yalu_names::keys_of(r, TokenKind::Word, KoreanKey(0), &mut out);
                }
            }
            yalu_names::keys_of(
                self.tok_text(t),
                token_kind(t.kind),
                KoreanKey(t.key),
                &mut out,
            );
        }
        if let Some(v) = self.vars.first()
            && v.family == 0
        {
            self.degraded_keys(self.var_toks(v), &mut out);
        }
        out.sort();
        out.dedup();
        out
    }

    /// Keys that let degraded spellings find their entry (first spelling, Latin only):
    ///
    /// * the keys of two adjacent words joined, when one of them has three letters or fewer
    ///   (`Ba sil` meets `Basil`);
    /// * `i:` + a first letter + `:` + the phonetic code of the word next to it, both ways,
    ///   for every two adjacent words (a particle and its word count as one word with the
    ///   particle's letter), so `J. Husayn` meets `JUAYTHINI, Husayn` and not every Husayn.
    fn degraded_keys(&self, ts: &[Tok], out: &mut Vec<String>) {
        let latin = |t: &Tok| t.native == 0 && t.flags & F_UNVOCALISED == 0;
        for w in ts.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.kind == K_WORD && b.kind == K_WORD && latin(a) && latin(b) && a.len.min(b.len) <= 3
            {
                let joined = format!("{}{}", self.tok_text(a), self.tok_text(b));
                yalu_names::keys_of(&joined, TokenKind::Word, KoreanKey(0), out);
            }
        }
        // units: (first letter, the word that carries the unit's sound, if any)
        let mut units: Vec<(u8, Option<&Tok>)> = Vec::with_capacity(ts.len());
        let mut i = 0;
        while i < ts.len() {
            let t = &ts[i];
            let letter = self.tok_bytes(t).first().copied().unwrap_or(0);
            if !latin(t) || !letter.is_ascii_lowercase() {
                i += 1;
                continue;
            }
            match t.kind {
                K_PARTICLE if ts.get(i + 1).is_some_and(|n| n.kind == K_WORD && latin(n)) => {
                    units.push((letter, ts.get(i + 1)));
                    i += 2;
                    continue;
                }
                K_WORD if t.len > 1 => units.push((letter, Some(t))),
                K_WORD | K_INITIAL => units.push((letter, None)),
                _ => {}
            }
            i += 1;
        }
        for w in units.windows(2) {
            for ((letter, _), (_, word)) in [(w[0], w[1]), (w[1], w[0])] {
                if let Some(word) = word {
                    let code = yalu_names::phonetic::phonetic_code(self.tok_text(word));
                    if code.len() >= 2 {
                        out.push(format!("i:{}:{code}", letter as char));
                    }
                }
            }
        }
    }

    /// Letters in the words of the name as written (its first spelling; legal forms,
    /// particles, titles and initials left out): with [`PreparedName::korean_like`], what the
    /// entity scorer reads to tell a distinctive name from a common one.
    pub fn word_letters(&self) -> usize {
        self.vars.first().map_or(0, |v| {
            self.var_toks(v)
                .iter()
                .filter(|t| t.kind == K_WORD)
                .map(|t| usize::from(t.len))
                .sum()
        })
    }

    /// The words of the name as written (first spelling), sorted and joined by spaces:
    /// `KIM, Yong Chol` and `Yong Chol KIM` give the same key. Empty without words.
    pub fn word_key(&self) -> String {
        let Some(v) = self.vars.first() else {
            return String::new();
        };
        let mut words: Vec<&str> = self
            .var_toks(v)
            .iter()
            .filter(|t| t.kind == K_WORD)
            .map(|t| self.tok_text(t))
            .collect();
        words.sort_unstable();
        words.join(" ")
    }

    /// Whether some spelling reads as a romanised Korean name (two words or more, every word
    /// one or two Korean syllables). A few surnames and a small stock of given-name
    /// syllables make such names shared by many people.
    pub fn korean_like(&self) -> bool {
        self.vars.iter().any(|v| v.korean_like)
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.raw.len()
            + self.text.len()
            + self.toks.len() * std::mem::size_of::<Tok>()
            + self.vars.len() * std::mem::size_of::<Var>()
            + self.lookalikes.len() * std::mem::size_of::<LookAlike>()
    }

    fn tok_text(&self, t: &Tok) -> &str {
        let a = usize::from(t.off);
        &self.text[a..a + usize::from(t.len)]
    }

    fn tok_bytes(&self, t: &Tok) -> &[u8] {
        self.tok_text(t).as_bytes()
    }

    fn tok_folded(&self, t: &Tok) -> &[u8] {
        if t.flen == 0 {
            return self.tok_bytes(t);
        }
        let a = usize::from(t.off) + usize::from(t.len);
        &self.text.as_bytes()[a..a + usize::from(t.flen)]
    }

    fn var_toks(&self, v: &Var) -> &[Tok] {
        let a = usize::from(v.start);
        &self.toks[a..a + usize::from(v.len)]
    }

    fn variant_text(&self, i: usize) -> String {
        let mut s = String::new();
        if let Some(v) = self.vars.get(i) {
            for (k, t) in self.var_toks(v).iter().enumerate() {
                if k > 0 {
                    s.push(' ');
                }
                s.push_str(self.tok_text(t));
            }
        }
        s
    }
}

/// Why two tokens were matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Exact,
    Native,
    NativeDiffers,
    Korean,
    Skeleton,
    Edit,
    Initial,
    Joined,
    Acronym,
    /// A last word cut off by a field limit.
    Truncated,
    /// OCR confusions.
    Ocr,
    /// A word written without its inner vowels.
    Stripped,
}

impl Reason {
    /// Weak reasons support a match but never make one alone.
    fn is_weak(self) -> bool {
        matches!(self, Reason::Truncated | Reason::Stripped)
    }
}

/// Folds the letters that OCR confuses into one class each: `0`/`o`, `1`/`i`/`l`, `5`/`s`,
/// `2`/`z`, `8`/`b`, `6`/`g`, `rn`/`m`, `cl`/`d`, `vv`/`w`. Returns the length written.
fn ocr_fold(s: &[u8], buf: &mut [u8; 64]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < s.len() && n < buf.len() {
        let pair = (s[i], s.get(i + 1).copied().unwrap_or(0));
        let (c, step) = match pair {
            (b'r', b'n') => (b'm', 2),
            (b'c', b'l') => (b'd', 2),
            (b'v', b'v') => (b'w', 2),
            (b'0', _) => (b'o', 1),
            (b'1' | b'i', _) => (b'l', 1),
            (b'5', _) => (b's', 1),
            (b'2', _) => (b'z', 1),
            (b'8', _) => (b'b', 1),
            (b'6', _) => (b'g', 1),
            (c, _) => (c, 1),
        };
        buf[n] = c;
        n += 1;
        i += step;
    }
    n
}

/// The reading of a word with OCR confusions undone towards the common letter: `1`, `l`
/// → `i`; `0` → `o`; `5` → `s`; `2` → `z`; `8` → `b`; `6` → `g`; `rn` → `m`; `cl` → `d`;
/// `vv` → `w`. Returns the length written (words longer than the buffer are cut).
fn ocr_reading(s: &[u8], buf: &mut [u8; 64]) -> usize {
    let n = ocr_fold(s, buf);
    for c in &mut buf[..n] {
        if *c == b'l' {
            *c = b'i';
        }
    }
    n
}

/// Similarity of two words that OCR confusions explain wholly: each edit costs
/// [`NameScoreConfig::ocr_edit_cost`] of an ordinary edit.
fn ocr_similarity(a: &[u8], b: &[u8], d_raw: usize, cfg: &NameScoreConfig) -> Option<f64> {
    // OCR damages a few letters of a word, not most of them
    if a.len() < 2
        || b.len() < 2
        || a.len() > 64
        || b.len() > 64
        || 2 * d_raw > a.len().max(b.len()) + 1
    {
        return None;
    }
    let mut fa = [0u8; 64];
    let mut fb = [0u8; 64];
    let na = ocr_fold(a, &mut fa);
    let nb = ocr_fold(b, &mut fb);
    // only a word that OCR confusions explain wholly: `qalr` is not `qasir`
    if na != nb || fa[..na] != fb[..nb] {
        return None;
    }
    let l = a.len().max(b.len()) as f64;
    Some((1.0 - cfg.ocr_edit_cost * d_raw as f64 / l).max(0.0))
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The first letter and the consonants after it, repeats collapsed (`karim` → `krm`).
fn consonants(s: &[u8], buf: &mut [u8; 64]) -> usize {
    let mut n = 0;
    for (i, &c) in s.iter().take(64).enumerate() {
        if i > 0 && is_vowel(c) {
            continue;
        }
        if n > 0 && buf[n - 1] == c {
            continue;
        }
        buf[n] = c;
        n += 1;
    }
    n
}

/// Whether a word looks written without its inner vowels: no vowel between the first and
/// the last letter (for two letters, the second is a consonant).
fn looks_stripped(s: &[u8]) -> bool {
    let inner_vowel = match s.len() {
        0 | 1 => return false,
        // two letters: both consonants (`Rs` for `Rios`, not `Ul`)
        2 => is_vowel(s[0]) || is_vowel(s[1]),
        n => s[1..n - 1].iter().any(|&c| is_vowel(c)),
    };
    !inner_vowel && s.iter().all(u8::is_ascii_lowercase)
}

/// Similarity of a vowel-stripped word and a longer word with inner vowels, the same first
/// letter and the same consonants (either side).
fn stripped_similarity(a: &[u8], b: &[u8], cfg: &NameScoreConfig) -> Option<f64> {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    // vowels were removed (the long word is longer), the first letter kept, and a final
    // vowel of the short word is the long word's (`Rda` for `Rida`, not `Pla` for `People`);
    // a final consonant may come from a cut inside a hyphenated word (`Qbys` for `Qubaysi`)
    if short.len() == long.len()
        || short.first() != long.first()
        || short.last().is_some_and(|&c| is_vowel(c)) && short.last() != long.last()
        || !looks_stripped(short)
        || long.len() < 4
        || long.len() > 64
        || !long[1..long.len() - 1].iter().any(|&c| is_vowel(c))
    {
        return None;
    }
    let mut x = [0u8; 64];
    let mut y = [0u8; 64];
    let nx = consonants(short, &mut x);
    let ny = consonants(long, &mut y);
    (nx >= 2 && x[..nx] == y[..ny]).then_some(cfg.stripped_similarity)
}

/// A view of one token (or of several joined) for similarity.
struct View<'a> {
    raw: &'a [u8],
    folded: &'a [u8],
    key: u32,
    native: u32,
    flags: u8,
    kind: u8,
}

fn view<'a>(p: &'a PreparedName, t: &Tok) -> View<'a> {
    View {
        raw: p.tok_bytes(t),
        folded: p.tok_folded(t),
        key: t.key,
        native: t.native,
        flags: t.flags,
        kind: t.kind,
    }
}

fn edit_similarity(d: usize, l: usize, first_cost: f64, extra: f64) -> f64 {
    if l == 0 {
        return 0.0;
    }
    if d == 0 {
        return 1.0;
    }
    let cost = first_cost + (d as f64 - 1.0) * (1.0 + extra);
    (1.0 - cost / l as f64).max(0.0)
}

/// Similarity of two word tokens, in stages: native scripts ([`native_sim`]), the exact
/// spelling and the Korean key, the consonant skeleton of unvocalised words
/// ([`skeleton_sim`]), vowel-stripped spellings, then edit distance and OCR confusions
/// ([`spelling_sim`]).
fn word_sim(a: &View, b: &View, korean_ctx: bool, cfg: &NameScoreConfig) -> (f64, Reason) {
    if let Some(s) = native_sim(a, b, cfg) {
        return s;
    }
    if a.raw == b.raw {
        return (1.0, Reason::Exact);
    }
    if a.key != 0 && a.key == b.key {
        return (cfg.korean_variant_similarity, Reason::Korean);
    }
    let mut best = match skeleton_sim(a, b, cfg) {
        ControlFlow::Break(s) => return s,
        ControlFlow::Continue(best) => best,
    };
    if a.native == 0
        && b.native == 0
        && (a.flags | b.flags) & F_UNVOCALISED == 0
        && let Some(s) = stripped_similarity(a.raw, b.raw, cfg)
        && s > best.0
    {
        best = (s, Reason::Stripped);
    }
    spelling_sim(a, b, korean_ctx, best, cfg)
}

/// Native scripts are exact: two Hangul or two Han words are the same word or another one
/// (two Hangul syllables one jamo apart are closer). `None` unless both are in one of them.
#[inline]
fn native_sim(a: &View, b: &View, cfg: &NameScoreConfig) -> Option<(f64, Reason)> {
    if a.native == 0 || b.native == 0 {
        return None;
    }
    let both_hangul = a.flags & b.flags & F_HANGUL != 0;
    let both_han = a.flags & b.flags & F_HAN != 0;
    if !both_hangul && !both_han {
        return None;
    }
    if a.native == b.native {
        return Some((1.0, Reason::Native));
    }
    if both_han {
        return Some((cfg.han_mismatch_similarity, Reason::NativeDiffers));
    }
    let diff = match (char::from_u32(a.native), char::from_u32(b.native)) {
        (Some(x), Some(y)) => hangul::jamo_difference(x, y).unwrap_or(3),
        _ => 3,
    };
    let s = if diff <= 1 {
        cfg.hangul_one_jamo_similarity
    } else {
        cfg.hangul_mismatch_similarity
    };
    Some((s, Reason::NativeDiffers))
}

/// Consonant skeletons, when either word is written without vowels: the same skeleton is the
/// answer (`Break`); otherwise their edit similarity is the best so far (`Continue`).
#[inline]
fn skeleton_sim(
    a: &View,
    b: &View,
    cfg: &NameScoreConfig,
) -> ControlFlow<(f64, Reason), (f64, Reason)> {
    let mut best = (0.0, Reason::Edit);
    if (a.flags | b.flags) & F_UNVOCALISED != 0 {
        let mut ba = [0u8; 64];
        let mut bb = [0u8; 64];
        let na = skeleton_to_buf(a.raw, &mut ba);
        let nb = skeleton_to_buf(b.raw, &mut bb);
        let (sa, sb) = (&ba[..na], &bb[..nb]);
        if !sa.is_empty() && sa == sb {
            return ControlFlow::Break((cfg.skeleton_similarity, Reason::Skeleton));
        }
        let d = osa(sa, sb);
        let l = sa.len().max(sb.len());
        if l >= 2 {
            let s = edit_similarity(d, l, 1.0, cfg.extra_edit_cost) * cfg.skeleton_similarity;
            best = (s, Reason::Skeleton);
        }
    }
    ControlFlow::Continue(best)
}

/// Edit distance of the spellings as written and folded (hopeless pairs skipped by their
/// lengths), OCR confusions, and a single Korean syllable's edit priced as configured;
/// returns the better of that and `best`.
#[inline]
fn spelling_sim(
    a: &View,
    b: &View,
    korean_ctx: bool,
    mut best: (f64, Reason),
    cfg: &NameScoreConfig,
) -> (f64, Reason) {
    let l = a.raw.len().max(b.raw.len());
    // the length difference bounds the distance from below: skip hopeless pairs
    let lower = a
        .raw
        .len()
        .abs_diff(b.raw.len())
        .min(a.folded.len().abs_diff(b.folded.len()));
    let l_max = l.max(a.folded.len().max(b.folded.len()));
    if edit_similarity(lower, l_max, 1.0, cfg.extra_edit_cost) < cfg.min_pair_similarity {
        return best;
    }
    let mut d = osa(a.raw, b.raw);
    let mut lf = l;
    if d > 0 && (a.folded != a.raw || b.folded != b.raw) {
        let df = osa(a.folded, b.folded);
        if df < d {
            d = df;
            lf = a.folded.len().max(b.folded.len());
        }
    }
    if d == 0 {
        return (cfg.korean_variant_similarity.max(0.97), Reason::Edit);
    }
    if let Some(s) = ocr_similarity(a.raw, b.raw, osa(a.raw, b.raw), cfg)
        && s > best.0
    {
        best = (s, Reason::Ocr);
    }
    let lmin = l.min(lf);
    if lmin <= 2 {
        return best;
    }
    let (ka, kb) = (KoreanKey(a.key), KoreanKey(b.key));
    let first = if korean_ctx && ka.syllables() == 1 && kb.syllables() == 1 {
        cfg.korean_syllable_edit_cost
    } else {
        1.0
    };
    let s = edit_similarity(d, lf.max(l), first, cfg.extra_edit_cost);
    if s > best.0 {
        best = (s, Reason::Edit);
    }
    best
}

/// Similarity of a last word cut off by a field limit and the word it starts: `a_last`
/// and `b_last` tell whether each is the last token of its name; the cut-off word is at
/// least two letters long and a proper prefix of the other.
/// Common widths of name fields that cut names: legacy core systems (20, 24, 30), one SWIFT
/// line (35), 40, 50, two SWIFT lines (70), four (140).
pub const FIELD_LIMITS: [usize; 8] = [20, 24, 30, 35, 40, 50, 70, 140];

/// Whether a name as given fills a common field width (two characters of slack for a
/// trailing space or comma cut away): only such a name may end in a cut-off word.
fn fills_field(raw: &str) -> bool {
    let n = raw.trim_end().chars().count();
    FIELD_LIMITS.iter().any(|&l| n <= l && n + 2 >= l)
}

fn truncation(
    a: &View,
    a_last: bool,
    b: &View,
    b_last: bool,
    cfg: &NameScoreConfig,
) -> Option<f64> {
    if a.kind != K_WORD || b.kind != K_WORD || a.native != 0 || b.native != 0 {
        return None;
    }
    let cut = |short: &[u8], long: &[u8]| {
        short.len() >= 2 && short.len() < long.len() && long.starts_with(short)
    };
    let prefix = if a_last && cut(a.raw, b.raw) {
        a.raw.len()
    } else if b_last && cut(b.raw, a.raw) {
        b.raw.len()
    } else {
        return None;
    };
    Some(if prefix >= 3 {
        cfg.truncation_similarity
    } else {
        cfg.truncation_short_similarity
    })
}

/// Similarity of two tokens of any kind.
/// `vowel_initial`: a single vowel written as a word in `a` (the query, as written) may be
/// an initial.
fn tok_sim(
    a: &View,
    b: &View,
    korean_ctx: bool,
    vowel_initial: bool,
    cfg: &NameScoreConfig,
) -> (f64, Reason) {
    match (a.kind, b.kind) {
        (K_INITIAL, K_INITIAL) => {
            if a.raw == b.raw {
                (1.0, Reason::Exact)
            } else {
                (0.0, Reason::Exact)
            }
        }
        (K_INITIAL, K_WORD) | (K_WORD, K_INITIAL) => {
            if a.raw.first() == b.raw.first() && a.native == 0 && b.native == 0 {
                (cfg.initial_similarity, Reason::Initial)
            } else {
                (0.0, Reason::Initial)
            }
        }
        (K_WORD, K_WORD) => {
            let r = word_sim(a, b, korean_ctx, cfg);
            // a single letter written as a word (a vowel, or an undotted letter) is an
            // initial of a longer word
            if r.0 < cfg.initial_similarity
                && vowel_initial
                && a.raw.len() == 1
                && b.raw.len() > 1
                && a.native == 0
                && b.native == 0
                && a.raw.first() == b.raw.first()
            {
                (cfg.initial_similarity, Reason::Initial)
            } else {
                r
            }
        }
        (K_NUMBER, K_NUMBER) => (if a.raw == b.raw { 1.0 } else { 0.0 }, Reason::Exact),
        _ => {
            if a.raw == b.raw {
                (1.0, Reason::Exact)
            } else {
                (0.0, Reason::Exact)
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Cand {
    s: f64,
    qmask: u32,
    cmask: u32,
    reason: Reason,
}

/// Candidate pairs kept on the stack before spilling to the heap.
const INLINE_CANDS: usize = 48;

const NO_CAND: Cand = Cand {
    s: 0.0,
    qmask: 0,
    cmask: 0,
    reason: Reason::Exact,
};

/// The candidate pairs of one variant pair: on the stack for ordinary names.
struct CandBuf {
    small: [Cand; INLINE_CANDS],
    n: usize,
    spill: Vec<Cand>,
}

impl CandBuf {
    fn new() -> Self {
        CandBuf {
            small: [NO_CAND; INLINE_CANDS],
            n: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, c: Cand) {
        if self.spill.is_empty() && self.n < INLINE_CANDS {
            self.small[self.n] = c;
            self.n += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.small[..self.n]);
            }
            self.spill.push(c);
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Cand] {
        if self.spill.is_empty() {
            &mut self.small[..self.n]
        } else {
            &mut self.spill
        }
    }
}

struct Alignment {
    score: f64,
    chosen: [Cand; MAX_CMP_TOKENS],
    n_chosen: usize,
    order_changed: bool,
    /// Korean given-name syllables met in another order.
    syllables_swapped: bool,
    /// Korean names of which one has syllables the other lacks.
    korean_missing: bool,
    /// Word shape of the alignment and the contradicted score (see [`NameFit`]).
    fit: NameFit,
}

/// How a query name covers one name of a candidate: the score, the weight of words met and
/// left over on each side, and the score the pair would have if the query's left-over words
/// were contradicted by another name of the same person. Words and initials count; legal
/// forms, particles, titles and fillers do not. Returned by [`fit`] for the entity scorer,
/// which compares the fits of one query name against every name of a candidate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NameFit {
    /// The name score, as [`score`] gives it.
    pub score: f64,
    /// Weight of the query's words met by a word of the candidate's name.
    pub query_met: f64,
    /// Weight of the query's words left over.
    pub query_open: f64,
    /// Weight of the candidate's words left over.
    pub candidate_open: f64,
    /// The score with the query's left-over words priced as substitutions
    /// ([`NameScoreConfig::contradicted_word_penalty`] per unit of weight) instead of extra
    /// words; equal to `score` when the query has none or the names are not persons' names.
    pub contradicted: f64,
    /// Whether a left-over word of each side stands in the same place of the name, next to the
    /// same matched pair on the same side: a word substituted for another, not a word added
    /// elsewhere. Persons' names only.
    pub substituted_in_place: bool,
}

const JOIN_BUF: usize = 96;

/// Builds the joined view of tokens `range` of `p` into the buffers.
fn joined<'a>(
    p: &PreparedName,
    toks: &[Tok],
    raw_buf: &'a mut [u8; JOIN_BUF],
    fold_buf: &'a mut [u8; JOIN_BUF],
) -> Option<View<'a>> {
    let mut rl = 0;
    let mut fl = 0;
    let mut key = KoreanKey(toks.first()?.key);
    let mut flags = 0;
    for (i, t) in toks.iter().enumerate() {
        // a word split after its first letter reads as an initial and a word (`S aadi`)
        let split_initial = i == 0 && t.kind == K_INITIAL;
        if !split_initial && !matches!(t.kind, K_WORD | K_PARTICLE | K_STOP | K_FILLER) {
            return None;
        }
        let r = p.tok_bytes(t);
        let f = p.tok_folded(t);
        if rl + r.len() > JOIN_BUF || fl + f.len() > JOIN_BUF {
            return None;
        }
        raw_buf[rl..rl + r.len()].copy_from_slice(r);
        rl += r.len();
        fold_buf[fl..fl + f.len()].copy_from_slice(f);
        fl += f.len();
        if i > 0 {
            key = key.concat(KoreanKey(t.key));
        }
        flags |= t.flags;
    }
    Some(View {
        raw: &raw_buf[..rl],
        folded: &fold_buf[..fl],
        key: key.0,
        native: 0,
        flags: flags & F_UNVOCALISED,
        kind: K_WORD,
    })
}

/// Adds candidates where an initial of `a` stands for a particle and the word after it in
/// `b` (`A.` for `AL-QUBAYSI`, `v.` for `van Dijk`): the initial was taken from the first
/// letter of the whole surname.
#[allow(clippy::too_many_arguments)]
fn add_particle_initials(
    pa: &PreparedName,
    ta: &[Tok],
    pb: &PreparedName,
    tb: &[Tok],
    a_is_query: bool,
    cfg: &NameScoreConfig,
    cands: &mut CandBuf,
) {
    for (i, t) in ta.iter().enumerate() {
        // an initial, or a single vowel written as a word in the query as written
        let single = t.kind == K_INITIAL || (a_is_query && t.kind == K_WORD && t.len == 1);
        if !single || t.native != 0 {
            continue;
        }
        let letter = pa.tok_bytes(t).first();
        for j in 0..tb.len().saturating_sub(1) {
            if tb[j].kind == K_PARTICLE
                && tb[j + 1].kind == K_WORD
                && pb.tok_bytes(&tb[j]).first() == letter
            {
                let am = 1u32 << i;
                let bm = 3u32 << j;
                let (qmask, cmask) = if a_is_query { (am, bm) } else { (bm, am) };
                cands.push(Cand {
                    s: cfg.initial_similarity,
                    qmask,
                    cmask,
                    reason: Reason::Initial,
                });
            }
        }
    }
}

/// Whether two Korean keys start with the same initial consonant class (`ch`, `j`).
fn same_korean_initial(a: u32, b: u32) -> bool {
    a != 0 && b != 0 && (a >> 8) & 0xf == (b >> 8) & 0xf
}

/// Adds candidates where one token of `a` meets 2 or 3 joined tokens of `b`
/// ([`add_joined_runs`]), or their acronym ([`add_acronym`]).
#[allow(clippy::too_many_arguments)]
fn add_joined(
    pa: &PreparedName,
    ta: &[Tok],
    pb: &PreparedName,
    tb: &[Tok],
    a_is_query: bool,
    cfg: &NameScoreConfig,
    cands: &mut CandBuf,
) {
    let mut bufs = ([0u8; JOIN_BUF], [0u8; JOIN_BUF]);
    for (i, t) in ta.iter().enumerate() {
        if t.kind != K_WORD || t.len < 2 {
            continue;
        }
        let va = view(pa, t);
        let first = pa.tok_bytes(t).first();
        for j in 0..tb.len() {
            // joined words: they start with the same letter unless vowels are missing
            let unvocalised = (tb[j].flags | t.flags) & F_UNVOCALISED != 0;
            if !unvocalised
                && pb.tok_bytes(&tb[j]).first() != first
                && !same_korean_initial(t.key, tb[j].key)
            {
                continue;
            }
            let am = 1u32 << i;
            add_joined_runs(
                &va,
                am,
                pb,
                tb,
                j,
                unvocalised,
                a_is_query,
                cfg,
                &mut bufs,
                cands,
            );
            add_acronym(pa, t, am, pb, tb, j, a_is_query, cfg, cands);
        }
    }
}

/// The query's and the candidate's masks of a pair, from the masks of sides `a` and `b`.
#[inline]
fn side_masks(a_is_query: bool, am: u32, bm: u32) -> (u32, u32) {
    if a_is_query { (am, bm) } else { (bm, am) }
}

/// Adds candidates where the word `va` (mask `am` of side `a`) meets tokens `j..j + 2` or
/// `j..j + 3` of `b` written together, their joined length close enough to its own.
#[allow(clippy::too_many_arguments)]
#[inline]
fn add_joined_runs(
    va: &View,
    am: u32,
    pb: &PreparedName,
    tb: &[Tok],
    j: usize,
    unvocalised: bool,
    a_is_query: bool,
    cfg: &NameScoreConfig,
    (raw_buf, fold_buf): &mut ([u8; JOIN_BUF], [u8; JOIN_BUF]),
    cands: &mut CandBuf,
) {
    let la = va.raw.len();
    let mut total = 0usize;
    for parts in 1..=3usize {
        if la < 3 {
            break;
        }
        let Some(tj) = tb.get(j + parts - 1) else {
            break;
        };
        total += usize::from(tj.len);
        if parts == 1 {
            continue;
        }
        if total + 2 < la && !unvocalised {
            continue;
        }
        if total > la + 2 {
            break;
        }
        let Some(vb) = joined(pb, &tb[j..j + parts], raw_buf, fold_buf) else {
            break;
        };
        let (s, _) = word_sim(va, &vb, false, cfg);
        if s >= cfg.min_pair_similarity {
            let bm = ((1u32 << parts) - 1) << j;
            let (qmask, cmask) = side_masks(a_is_query, am, bm);
            cands.push(Cand {
                s,
                qmask,
                cmask,
                reason: Reason::Joined,
            });
        }
    }
}

/// Adds the candidate where the letters of the word `t` of `a` (mask `am`) are the initials of
/// tokens `j..` of `b`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn add_acronym(
    pa: &PreparedName,
    t: &Tok,
    am: u32,
    pb: &PreparedName,
    tb: &[Tok],
    j: usize,
    a_is_query: bool,
    cfg: &NameScoreConfig,
    cands: &mut CandBuf,
) {
    let la = usize::from(t.len);
    if la <= 6 && j + la <= tb.len() && t.native == 0 {
        let letters = pa.tok_bytes(t);
        let run = &tb[j..j + la];
        if run
            .iter()
            .zip(letters)
            .all(|(x, &c)| x.kind == K_WORD && x.len > 1 && pb.tok_bytes(x).first() == Some(&c))
        {
            let bm = ((1u32 << la) - 1) << j;
            let (qmask, cmask) = side_masks(a_is_query, am, bm);
            cands.push(Cand {
                s: cfg.acronym_similarity,
                qmask,
                cmask,
                reason: Reason::Acronym,
            });
        }
    }
}

/// Aligns one spelling of the query with one spelling of the candidate, in stages: every
/// token pair that may match ([`candidate_pairs`]), the best pairs kept greedily
/// ([`choose_pairs`]), the tokens left over priced ([`price_left_over`]), the name-level
/// evidence ([`evidence_factors`]) and the word order ([`order_factors`]).
fn align(
    q: &PreparedName,
    qv: &Var,
    c: &PreparedName,
    cv: &Var,
    cfg: &NameScoreConfig,
) -> Alignment {
    let qt = q.var_toks(qv);
    let ct = c.var_toks(cv);
    let korean_ctx = qv.korean_like && cv.korean_like;
    // single vowels of the query as written (not of a Korean syllable split) may be initials
    let vowel_initials = qv.system != VariantSystem::SyllableSplit as u8;
    let mut buf = candidate_pairs(q, qt, c, ct, korean_ctx, vowel_initials, cfg);
    let picked = choose_pairs(buf.as_mut_slice(), qt, ct, cfg);
    let chosen = &picked.chosen[..picked.n_chosen];
    let person = q.kind == NameKind::Person && c.kind == NameKind::Person;
    let left = price_left_over(qt, ct, &picked, person, korean_ctx, cfg);
    let mut score = evidence_factors(left.score, q, qt, c, ct, &picked, cfg);
    let (order_changed, syllables_swapped) = order_factors(&mut score, chosen, korean_ctx, cfg);
    // the query's extra words read as substituted for words of another name of the person
    let contradicted = if person && left.extra_q_weight > 1e-9 && left.extra_q > 0.0 {
        let f = (1.0 - cfg.contradicted_word_penalty).powf(left.extra_q_weight) / left.extra_q;
        score * f.min(1.0)
    } else {
        score
    };
    let score = score.clamp(0.0, 1.0);
    let fit = NameFit {
        score,
        query_met: word_weight(qt, picked.used_q),
        query_open: word_weight(qt, !picked.used_q),
        candidate_open: word_weight(ct, !picked.used_c),
        contradicted: contradicted.clamp(0.0, 1.0),
        substituted_in_place: person && left.sub > 1e-9 && substituted_in_place(qt, ct, chosen),
    };
    Alignment {
        score,
        chosen: picked.chosen,
        n_chosen: picked.n_chosen,
        order_changed,
        syllables_swapped,
        korean_missing: left.korean_missing,
        fit,
    }
}

/// Every pair of tokens that may match, with its similarity: token against token (a
/// truncated field's last word read as cut short), tokens joined or split on either side,
/// acronyms, and particle initials.
#[inline]
fn candidate_pairs(
    q: &PreparedName,
    qt: &[Tok],
    c: &PreparedName,
    ct: &[Tok],
    korean_ctx: bool,
    vowel_initials: bool,
    cfg: &NameScoreConfig,
) -> CandBuf {
    let q_cut = fills_field(&q.raw);
    let c_cut = fills_field(&c.raw);
    let mut buf = CandBuf::new();
    for (i, a) in qt.iter().enumerate() {
        let va = view(q, a);
        for (j, b) in ct.iter().enumerate() {
            let vb = view(c, b);
            let (mut s, mut reason) = tok_sim(&va, &vb, korean_ctx, vowel_initials, cfg);
            if s < cfg.truncation_similarity
                && (q_cut || c_cut)
                && let Some(t) = truncation(
                    &va,
                    q_cut && i + 1 == qt.len(),
                    &vb,
                    c_cut && j + 1 == ct.len(),
                    cfg,
                )
                && t > s
            {
                (s, reason) = (t, Reason::Truncated);
            }
            if s >= cfg.min_pair_similarity {
                buf.push(Cand {
                    s,
                    qmask: 1 << i,
                    cmask: 1 << j,
                    reason,
                });
            }
        }
    }
    add_joined(q, qt, c, ct, true, cfg, &mut buf);
    add_joined(c, ct, q, qt, false, cfg, &mut buf);
    add_particle_initials(q, qt, c, ct, vowel_initials, cfg, &mut buf);
    add_particle_initials(c, ct, q, qt, false, cfg, &mut buf);
    buf
}

/// The pairs [`choose_pairs`] kept and what they say about the two names.
struct Picked {
    chosen: [Cand; MAX_CMP_TOKENS],
    n_chosen: usize,
    /// Query tokens met by a kept pair.
    used_q: u32,
    /// Candidate tokens met by a kept pair.
    used_c: u32,
    /// The product of the kept pairs' mismatch factors.
    prod: f64,
    /// A significant word met by a strong pair.
    word_match: bool,
    /// Significant words met only by weak pairs (see [`Reason::is_weak`]).
    weak_words: u32,
    /// A legal form of the query met by one of the candidate.
    legal_met: bool,
}

/// Sorts the candidate pairs best first (on ties fewer tokens consumed, then the earlier pair)
/// and keeps each pair whose tokens no kept pair has used yet.
#[inline]
fn choose_pairs(cands: &mut [Cand], qt: &[Tok], ct: &[Tok], cfg: &NameScoreConfig) -> Picked {
    // best first; on ties prefer fewer tokens consumed, then the earlier pair
    cands.sort_by(|x, y| {
        y.s.total_cmp(&x.s).then(
            (x.qmask.count_ones() + x.cmask.count_ones())
                .cmp(&(y.qmask.count_ones() + y.cmask.count_ones())),
        )
    });
    let mut p = Picked {
        chosen: [NO_CAND; MAX_CMP_TOKENS],
        n_chosen: 0,
        used_q: 0,
        used_c: 0,
        prod: 1.0,
        word_match: false,
        weak_words: 0,
        legal_met: false,
    };
    for cand in cands.iter() {
        if cand.qmask & p.used_q != 0 || cand.cmask & p.used_c != 0 || p.n_chosen >= MAX_CMP_TOKENS
        {
            continue;
        }
        p.used_q |= cand.qmask;
        p.used_c |= cand.cmask;
        p.chosen[p.n_chosen] = *cand;
        p.n_chosen += 1;
        let wq = mask_weight(qt, cand.qmask);
        let wc = mask_weight(ct, cand.cmask);
        let w = ((wq + wc) / 2.0).min(1.0);
        p.prod *= 1.0 - cfg.mismatch_weight * w * (1.0 - cand.s);
        let has = |ts: &[Tok], mask: u32, k: u8| {
            ts.iter()
                .enumerate()
                .any(|(i, t)| i < 32 && mask & (1 << i) != 0 && t.kind == k)
        };
        let significant = |ts: &[Tok], mask: u32| {
            has(ts, mask, K_WORD)
                || has(ts, mask, K_NUMBER)
                || (!ts.iter().any(is_significant) && has(ts, mask, K_FILLER))
        };
        if cand.s >= 0.5
            && cand.reason != Reason::Initial
            && significant(qt, cand.qmask)
            && significant(ct, cand.cmask)
        {
            if cand.reason.is_weak() {
                p.weak_words += 1;
            } else {
                p.word_match = true;
            }
        }
        if has(qt, cand.qmask, K_LEGAL) && has(ct, cand.cmask, K_LEGAL) {
            p.legal_met = true;
        }
    }
    p
}

/// The score after the tokens left over are priced, and what [`align`] needs of them later.
struct LeftOver {
    score: f64,
    /// Weight of the query's tokens missing on the candidate's side alone (extra tokens).
    extra_q_weight: f64,
    /// The factor those extra tokens cost.
    extra_q: f64,
    /// Weight of the tokens missing on both sides (substitutions).
    sub: f64,
    /// Korean names of which one has syllables the other lacks.
    korean_missing: bool,
}

/// Prices the tokens no kept pair met: a token missing on both sides is a substitution, the
/// rest are extra tokens, priced by how much of the other name was met (or, in two Korean
/// names, as missing given-name syllables).
#[inline]
fn price_left_over(
    qt: &[Tok],
    ct: &[Tok],
    picked: &Picked,
    person: bool,
    korean_ctx: bool,
    cfg: &NameScoreConfig,
) -> LeftOver {
    let (used_q, used_c) = (picked.used_q, picked.used_c);
    let wq_total = mask_weight(qt, u32::MAX);
    let wc_total = mask_weight(ct, u32::MAX);
    let xq = mask_weight(qt, !used_q);
    let xc = mask_weight(ct, !used_c);
    // a token missing on both sides is a substitution; the rest are extra tokens
    let sub = xq.min(xc);
    let uq = if wq_total > 0.0 {
        (xq - sub) / wq_total
    } else {
        0.0
    };
    let uc = if wc_total > 0.0 {
        (xc - sub) / wc_total
    } else {
        0.0
    };
    let words_q = qt.iter().filter(|t| t.kind == K_WORD).count();
    let words_c = ct.iter().filter(|t| t.kind == K_WORD).count();
    let covered_q = wq_total <= 0.0 || xq / wq_total < 0.15;
    let covered_c = wc_total <= 0.0 || xc / wc_total < 0.15;
    let pen = |other_covered: bool, other_words: usize| {
        if !person {
            cfg.unmatched_org_penalty
        } else if other_covered && other_words >= 2 {
            cfg.unmatched_subset_penalty
        } else {
            cfg.unmatched_penalty
        }
    };
    // Extra tokens of one side, the other wholly matched: in two Korean names they are
    // given-name syllables the other lacks, each costing as much as a substituted one.
    let korean_missing =
        person && korean_ctx && ((xq > 0.0 && xc <= 0.0) || (xc > 0.0 && xq <= 0.0));
    let extra = |pen: f64, share: f64, weight: f64| {
        if korean_missing {
            (1.0 - cfg.korean_missing_syllable_penalty).powf(weight)
        } else {
            1.0 - pen * share
        }
    };
    let pen_q = pen(covered_c, words_c);
    let pen_c = pen(covered_q, words_q);
    let extra_q = extra(pen_q, uq, xq - sub);
    let score = picked.prod
        * (1.0 - cfg.substitution_penalty).powf(sub)
        * extra_q
        * extra(pen_c, uc, xc - sub);
    LeftOver {
        score,
        extra_q_weight: xq - sub,
        extra_q,
        sub,
        korean_missing,
    }
}

/// Name-level evidence on the kept pairs: a patronym (`bin X`) met by another word than the
/// other side's patronym, no word met by a strong pair, legal forms that disagree.
#[inline]
fn evidence_factors(
    mut score: f64,
    q: &PreparedName,
    qt: &[Tok],
    c: &PreparedName,
    ct: &[Tok],
    picked: &Picked,
    cfg: &NameScoreConfig,
) -> f64 {
    let chosen = &picked.chosen[..picked.n_chosen];
    if let (Some(pq), Some(pc)) = (patronym(q, qt), patronym(c, ct)) {
        let of_q = chosen.iter().find(|ch| ch.qmask & (1 << pq) != 0);
        let of_c = chosen.iter().find(|ch| ch.cmask & (1 << pc) != 0);
        if let (Some(a), Some(b)) = (of_q, of_c)
            && a.cmask & (1 << pc) == 0
            && b.qmask & (1 << pq) == 0
        {
            score *= cfg.patronym_swap_factor;
        }
    }
    if !picked.word_match {
        // weak signals need one another's support; one alone is no word match
        score *= if picked.weak_words >= 2 {
            cfg.weak_support_factor
        } else {
            cfg.no_word_match_factor
        };
    }
    let has_legal = |ts: &[Tok]| ts.iter().any(|t| t.kind == K_LEGAL);
    if !picked.legal_met && has_legal(qt) && has_legal(ct) {
        score *= cfg.legal_mismatch_factor;
    }
    score
}

/// Word order: the kept pairs sorted by query position must rise in the candidate too; in two
/// Korean names, given-name syllables met in another order with the surname in place cost
/// more. Applies the factors to `score` and returns whether the order changed and whether
/// syllables were swapped.
#[inline]
fn order_factors(
    score: &mut f64,
    chosen: &[Cand],
    korean_ctx: bool,
    cfg: &NameScoreConfig,
) -> (bool, bool) {
    let mut order_changed = false;
    let mut syllables_swapped = false;
    let mut pairs: [(u32, u32); MAX_CMP_TOKENS] = [(0, 0); MAX_CMP_TOKENS];
    for (k, ch) in chosen.iter().enumerate() {
        pairs[k] = (ch.qmask.trailing_zeros(), ch.cmask.trailing_zeros());
    }
    let pairs = &mut pairs[..chosen.len()];
    pairs.sort_unstable();
    if pairs.windows(2).any(|w| w[1].1 < w[0].1) {
        order_changed = true;
        *score *= cfg.order_factor;
        if korean_ctx && !surname_moved(pairs) {
            syllables_swapped = true;
            *score *= cfg.korean_syllable_swap_factor;
        }
    }
    (order_changed, syllables_swapped)
}

/// Whether a word of the query and a word of the candidate, both left over, stand in the same
/// place: next to the same matched pair, on the same side (`MUNOZ` after `oleg` in
/// `PANTELEEV Oleg MUNOZ`, `evgenevich` after `oleg` in `PANTELEEV, Oleg Evgenevich`). A word
/// the query adds before the surname while the candidate's own word follows the given name
/// (`Hajji MELNIKOV Andrei` against `MELNIKOV, Andrei Viktorovich`) is not in the same place.
fn substituted_in_place(qt: &[Tok], ct: &[Tok], chosen: &[Cand]) -> bool {
    // pair index of each matched token
    let pair_of = |mask_of: fn(&Cand) -> u32, i: usize| {
        chosen
            .iter()
            .position(|ch| i < 32 && mask_of(ch) & (1 << i) != 0)
    };
    let q_pair = |i: usize| pair_of(|c| c.qmask, i);
    let c_pair = |j: usize| pair_of(|c| c.cmask, j);
    let open = |t: &Tok| matches!(t.kind, K_WORD | K_INITIAL);
    // the matched pairs just before and just after a left-over token
    let neighbours = |n: usize, pair: &dyn Fn(usize) -> Option<usize>, i: usize| {
        let before = (0..i).rev().find_map(pair);
        let after = (i + 1..n).find_map(pair);
        (before, after)
    };
    for (i, a) in qt.iter().enumerate() {
        if q_pair(i).is_some() || !open(a) {
            continue;
        }
        let (qb, qa) = neighbours(qt.len(), &q_pair, i);
        for (j, b) in ct.iter().enumerate() {
            if c_pair(j).is_some() || !open(b) {
                continue;
            }
            let (cb, ca) = neighbours(ct.len(), &c_pair, j);
            if (qb.is_some() && qb == cb) || (qa.is_some() && qa == ca) {
                return true;
            }
        }
    }
    false
}

/// Weight of the words and initials of `ts` in `mask`.
fn word_weight(ts: &[Tok], mask: u32) -> f64 {
    ts.iter()
        .enumerate()
        .filter(|(i, t)| *i < 32 && mask & (1 << i) != 0 && matches!(t.kind, K_WORD | K_INITIAL))
        .map(|(_, t)| t.w())
        .sum()
}

/// Whether an order change of matched pairs `(query position, candidate position)`, sorted by
/// query position, is one word moved from one end of the name to the other (a surname written
/// first or last): the rest keeps its order.
fn surname_moved(pairs: &[(u32, u32)]) -> bool {
    let rising = |ps: &[(u32, u32)]| ps.windows(2).all(|w| w[1].1 > w[0].1);
    let n = pairs.len();
    if n < 2 {
        return true;
    }
    // first query word last in the candidate, or last query word first in it
    let first_moved = pairs[1..].iter().all(|p| p.1 < pairs[0].1) && rising(&pairs[1..]);
    let last_moved = pairs[..n - 1].iter().all(|p| p.1 > pairs[n - 1].1) && rising(&pairs[..n - 1]);
    first_moved || last_moved
}

/// Words and numbers carry a name; legal forms, fillers, stop words, titles, particles and
/// initials alone do not.
fn is_significant(t: &Tok) -> bool {
    t.kind == K_WORD || t.kind == K_NUMBER
}

/// Index of the word after `bin` (the father's name), if any.
/// Only names with one such particle are considered.
fn patronym(p: &PreparedName, ts: &[Tok]) -> Option<usize> {
    let is_bin = |t: &Tok| t.kind == K_PARTICLE && matches!(p.tok_text(t), "bin" | "bint");
    if ts.iter().filter(|t| is_bin(t)).count() != 1 {
        return None;
    }
    let i = ts.iter().position(is_bin)?;
    ts.iter()
        .enumerate()
        .skip(i + 1)
        .find(|(_, t)| t.kind != K_PARTICLE)
        .filter(|(_, t)| t.kind == K_WORD)
        .map(|(j, _)| j)
}

fn mask_weight(ts: &[Tok], mask: u32) -> f64 {
    ts.iter()
        .enumerate()
        .filter(|(i, _)| *i < 32 && mask & (1 << i) != 0)
        .map(|(_, t)| t.w())
        .sum()
}

/// Whether two spellings are worth aligning: not two systems of one family (BGN vs ICAO),
/// and some token of one can meet some token of the other (every match but a typo in the
/// first letter of every token needs a shared first letter or Korean initial).
fn comparable(a: &Var, b: &Var) -> bool {
    let systems = a.family == 0 || b.family == 0 || a.family != b.family || a.system == b.system;
    let unvocalised = (a.letters | b.letters) & (1 << 26) != 0;
    systems && (unvocalised || a.letters & b.letters != 0)
}

/// Best alignment over variant pairs: (score, query variant, candidate variant).
fn best(
    q: &PreparedName,
    c: &PreparedName,
    cfg: &NameScoreConfig,
) -> Option<(Alignment, usize, usize)> {
    let mut out: Option<(Alignment, usize, usize)> = None;
    for (i, qv) in q.vars.iter().enumerate() {
        for (j, cv) in c.vars.iter().enumerate() {
            if !comparable(qv, cv) {
                continue;
            }
            let a = align(q, qv, c, cv, cfg);
            let better = out.as_ref().is_none_or(|(b, _, _)| a.score > b.score);
            if better {
                let done = a.score >= 0.9999;
                out = Some((a, i, j));
                if done {
                    return out;
                }
            }
        }
    }
    out
}

/// The similarity of two prepared names, without building an explanation (no heap allocation
/// unless a pair of spellings yields more than 48 candidate token pairs).
pub fn score(query: &PreparedName, candidate: &PreparedName, cfg: &NameScoreConfig) -> f64 {
    best(query, candidate, cfg).map_or(0.0, |(a, _, _)| a.score)
}

/// The similarity of two prepared names with the word shape of their best alignment (see
/// [`NameFit`]), without building an explanation.
pub fn fit(query: &PreparedName, candidate: &PreparedName, cfg: &NameScoreConfig) -> NameFit {
    best(query, candidate, cfg).map_or(NameFit::default(), |(a, _, _)| a.fit)
}

/// Compares two prepared names: the best score over their spellings, the spellings that gave
/// it and an explanation of the token alignment.
pub fn compare(query: &PreparedName, candidate: &PreparedName, cfg: &NameScoreConfig) -> NameMatch {
    let Some((a, qi, ci)) = best(query, candidate, cfg) else {
        return NameMatch {
            score: 0.0,
            query: query.variant_text(0),
            candidate: candidate.variant_text(0),
            detail: "no comparable tokens".to_string(),
            lookalikes: Vec::new(),
        };
    };
    let qt = query.var_toks(&query.vars[qi]);
    let ct = candidate.var_toks(&candidate.vars[ci]);
    let mut detail = String::from("tokens ");
    let mut pairs: Vec<&Cand> = a.chosen[..a.n_chosen].iter().collect();
    pairs.sort_by_key(|p| p.qmask.trailing_zeros());
    describe_pairs(&mut detail, query, qt, candidate, ct, &pairs);
    if a.n_chosen == 0 {
        detail.push_str("none matched");
    }
    describe_left_over(&mut detail, query, qt, candidate, ct, &pairs);
    describe_shape(&mut detail, &a, cfg);
    let lookalikes = query.lookalikes_of(qi);
    if !lookalikes.is_empty() {
        let list: Vec<String> = lookalikes.iter().map(LookAlike::describe).collect();
        let _ = write!(
            detail,
            "; look-alike letters read as Latin: {}",
            list.join(", ")
        );
    }
    NameMatch {
        score: a.score,
        query: query.variant_text(qi),
        candidate: candidate.variant_text(ci),
        detail,
        lookalikes,
    }
}

/// The texts of the tokens of `ts` in `mask`, joined by `+`.
fn mask_texts(p: &PreparedName, ts: &[Tok], mask: u32) -> String {
    let mut s = String::new();
    for (i, t) in ts.iter().enumerate() {
        if i < 32 && mask & (1 << i) != 0 {
            if !s.is_empty() {
                s.push('+');
            }
            s.push_str(p.tok_text(t));
        }
    }
    s
}

/// Explains each matched pair, in the query's order: `kim=kim, jong~jeong (romanisation
/// variant)`.
fn describe_pairs(
    detail: &mut String,
    query: &PreparedName,
    qt: &[Tok],
    candidate: &PreparedName,
    ct: &[Tok],
    pairs: &[&Cand],
) {
    for (k, p) in pairs.iter().enumerate() {
        if k > 0 {
            detail.push_str(", ");
        }
        let l = mask_texts(query, qt, p.qmask);
        let r = mask_texts(candidate, ct, p.cmask);
        let _ = match p.reason {
            Reason::Exact => write!(detail, "{l}={r}"),
            Reason::Native => write!(detail, "{l}={r} (same character)"),
            Reason::NativeDiffers => write!(detail, "{l}≠{r} (different character, {:.2})", p.s),
            Reason::Korean => write!(detail, "{l}~{r} (romanisation variant)"),
            Reason::Skeleton => write!(detail, "{l}~{r} (same consonants, {:.2})", p.s),
            Reason::Edit if p.s >= 0.97 => write!(detail, "{l}~{r} (spelling variant)"),
            Reason::Edit => write!(detail, "{l}~{r} (edit similarity {:.2})", p.s),
            Reason::Initial => write!(detail, "{l}~{r} (initial)"),
            Reason::Joined => write!(detail, "{l}~{r} (joined, {:.2})", p.s),
            Reason::Acronym => write!(detail, "{l}~{r} (acronym)"),
            Reason::Truncated => write!(detail, "{l}~{r} (cut off, {:.2})", p.s),
            Reason::Ocr => write!(detail, "{l}~{r} (OCR confusion, {:.2})", p.s),
            Reason::Stripped => write!(detail, "{l}~{r} (vowels missing, {:.2})", p.s),
        };
    }
}

/// Names the tokens no matched pair met, on each side.
fn describe_left_over(
    detail: &mut String,
    query: &PreparedName,
    qt: &[Tok],
    candidate: &PreparedName,
    ct: &[Tok],
    pairs: &[&Cand],
) {
    let used_q = pairs.iter().fold(0u32, |m, p| m | p.qmask);
    let used_c = pairs.iter().fold(0u32, |m, p| m | p.cmask);
    let uq = mask_texts(query, qt, !used_q);
    let uc = mask_texts(candidate, ct, !used_c);
    if !uq.is_empty() {
        let _ = write!(detail, "; query only: {}", uq.replace('+', " "));
    }
    if !uc.is_empty() {
        let _ = write!(detail, "; candidate only: {}", uc.replace('+', " "));
    }
}

/// Explains the Korean syllable missing on one side and the word order.
fn describe_shape(detail: &mut String, a: &Alignment, cfg: &NameScoreConfig) {
    if a.korean_missing {
        let _ = write!(
            detail,
            " (Korean syllable missing on one side: another given name, penalty {})",
            cfg.korean_missing_syllable_penalty
        );
    }
    if a.syllables_swapped {
        let _ = write!(
            detail,
            "; given-name syllables in another order (x{})",
            cfg.korean_syllable_swap_factor
        );
    } else if a.order_changed {
        detail.push_str("; order swapped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: &str, b: &str, kind: NameKind) -> f64 {
        let cfg = NameScoreConfig::default();
        compare(
            &PreparedName::new(a, kind),
            &PreparedName::new(b, kind),
            &cfg,
        )
        .score
    }

    #[test]
    fn korean_spellings_meet_and_syllables_differ() {
        let p = NameKind::Person;
        for other in [
            "Kim Jung Eun",
            "김정은",
            "金正恩",
            "Kim Jongun",
            "KIM, Jong-Un",
            "Kim Chŏng-ŭn",
        ] {
            assert!(
                s("Kim Jong Un", other, p) >= 0.85,
                "{other}: {}",
                s("Kim Jong Un", other, p)
            );
        }
        assert!(s("Kim Jong Un", "Kim Jong Il", p) < 0.70);
        assert!(s("KIM Su Myo'ng", "KIM, Tong-Myo'ng", p) < 0.70);
        assert!(s("Kim Jong Un", "Kum Jong Un", p) < 0.85);
    }

    #[test]
    fn typos_and_orgs() {
        assert!(s("Jon Smith", "John Smith", NameKind::Person) > 0.75);
        assert!(
            s(
                "Siemens AG",
                "Siemens Aktiengesellschaft",
                NameKind::Organization
            ) > 0.95
        );
        assert!(s("Alpha Corp", "Beta Corp", NameKind::Organization) < 0.3);
        assert!(s("Corp", "Corp", NameKind::Organization) < 0.7);
        assert_eq!(s("", "Kim", NameKind::Person), 0.0);
    }

    #[test]
    fn explanation() {
        let cfg = NameScoreConfig::default();
        let m = compare(
            &PreparedName::new("Jong Un KIM", NameKind::Person),
            &PreparedName::new("Kim Jeong-eun", NameKind::Person),
            &cfg,
        );
        assert!(
            m.detail.contains("jong~jeong (romanisation variant)"),
            "{}",
            m.detail
        );
        assert!(m.detail.contains("order swapped"), "{}", m.detail);
    }

    #[test]
    fn hidden_characters_do_not_split_words() {
        let p = NameKind::Person;
        for q in [
            "PAK\u{200B}Chol Su",
            "Pa\u{200D}k Ch\u{200C}ol Su",
            "\u{FEFF}PAK Ch\u{00AD}ol Su",
            "PAK\u{00A0}Chol\u{2009}Su",
            "\u{202B}PAK\u{202C} Chol Su\u{FE0F}",
        ] {
            assert!(
                s(q, "PAK Chol Su", p) >= 0.99,
                "{q:?}: {}",
                s(q, "PAK Chol Su", p)
            );
        }
    }

    #[test]
    fn lookalike_letters_are_read_and_reported() {
        let cfg = NameScoreConfig::default();
        let p = NameKind::Person;
        // Cyrillic С, О, Р, а, and Greek Ο inside Latin words
        let q = PreparedName::new("СОSTA, Раulo Ηenrique", p);
        let c = PreparedName::new("COSTA, Paulo Henrique", p);
        let m = compare(&q, &c, &cfg);
        assert!(m.score >= 0.99, "{m:?}");
        assert!(
            m.lookalikes
                .iter()
                .any(|l| l.found == 'С' && l.read_as == 'C' && l.mixed_word),
            "{m:?}"
        );
        assert!(m.detail.contains("look-alike"), "{}", m.detail);
        // a whole word of Cyrillic look-alikes in a Latin name: both readings compared
        // (`ВЕСК` transliterates as `vesk`)
        let q = PreparedName::new("ВЕСК, Anna Marie", p);
        let m = compare(&q, &PreparedName::new("BECK, Anna Marie", p), &cfg);
        assert!(m.score >= 0.99, "{m:?}");
        assert!(m.lookalikes.iter().any(|l| !l.mixed_word), "{m:?}");
        // an honest Cyrillic name keeps its transliteration and raises no flag
        let q = PreparedName::new("Борис Тарасов", p);
        let m = compare(&q, &PreparedName::new("Boris Tarasov", p), &cfg);
        assert!(m.score >= 0.9 && m.lookalikes.is_empty(), "{m:?}");
        // an honest Latin name raises no flag either
        let m = compare(&c, &c, &cfg);
        assert!(m.lookalikes.is_empty());
    }

    #[test]
    fn truncated_last_words() {
        let p = NameKind::Person;
        let full = "FERREIRA GOMES, Mariana Beatriz";
        for cut in [
            "FERREIRA GOMES, Ma",
            "FERREIRA GOMES, Mari",
            "FERREIRA GOMES, Mariana Beat",
        ] {
            assert!(s(cut, full, p) >= 0.75, "{cut}: {}", s(cut, full, p));
        }
        // the list side cut off (23 characters, a 24-character field)
        assert!(s("Olusegun Adeyemi Babatunde", "Olusegun Adeyemi Babatu", p) >= 0.85);
        // a short name is not cut by any field: a prefix is just another word
        assert!(s("Rosa Pa", "Rosa Pahlavi", p) < 0.70);
        assert!(s("Rosa Pahl", "Rosa Pahlavi Nunez", p) < 0.70);
        assert!(fills_field("GRAJALES PUENTES, Di") && !fills_field("Rosa Pahl"));
        // a cut costs something
        assert!(s("FERREIRA GOMES, Mari", full, p) < s("FERREIRA GOMES, Mariana", full, p));
        // only the last word may be cut, and a cut word alone is no match
        assert!(s("Ma Gomes Beatriz", "Mariana Gomes Ferreira", p) < 0.70);
        assert!(s("Mari", "Mariana", p) < 0.70);
    }

    #[test]
    fn ocr_confusions_cost_less() {
        let p = NameKind::Person;
        // a confusion plus another edit is no OCR reading
        assert!(s("QalR Ali", "QASIR, Ali", p) < 0.70);
        for (ocr, other, clean) in [
            ("Rolf K1ausen", "Rolf Kxausen", "Rolf Klausen"),
            ("Dieter Bames", "Dieter Baxes", "Dieter Barnes"),
            ("Jean Daussen", "Jean Faussen", "Jean Claussen"),
            ("HAN, 5ok Chol", "HAN, Xok Chol", "HAN, Sok Chol"),
            ("Anna Vvolff", "Anna Xolff", "Anna Wolff"),
            ("Z0ltan 8aros", "Zxltan Xaros", "Zoltan Baros"),
        ] {
            assert!(s(ocr, clean, p) > s(other, clean, p));
            let a = s(ocr, clean, p);
            let b = s(other, clean, p);
            assert!(a >= 0.85 && a > b, "{ocr}: {a} vs {other}: {b}");
        }
    }

    #[test]
    fn initials_support_but_never_make_a_match() {
        let p = NameKind::Person;
        for q in ["R. Tanaka", "R Tanaka", "Tanaka R."] {
            assert!(
                s(q, "TANAKA, Ryuji", p) >= 0.75,
                "{q}: {}",
                s(q, "TANAKA, Ryuji", p)
            );
        }
        // a vowel written alone is an initial too
        assert!(s("E Okafor", "OKAFOR, Emeka", p) >= 0.75);
        assert!(s("A. O. Okafor", "Amaka Obiageli Okafor", p) >= 0.75);
        // initials alone never make a match
        assert!(s("R. T.", "Ryuji Tanaka", p) < 0.70);
        assert!(s("E O", "Emeka Okafor", p) < 0.70);
        // single vowels of a Korean syllable split or of a listed name are not initials
        assert!(s("SUN Ali", "SUN, Amber", p) < 0.70);
        assert!(s("WIN Alberto", "WIN A Ung", p) < 0.70);
        // the wrong initial does not match
        assert!(s("K. Tanaka", "TANAKA, Ryuji", p) < s("R. Tanaka", "TANAKA, Ryuji", p));
    }

    #[test]
    fn vowel_stripped_words_need_support() {
        let p = NameKind::Person;
        assert!(s("Krm Hassan", "Karim Hassan", p) >= 0.85);
        assert!(s("Mhmd Krm Slmn", "Mohamed Karim Salman", p) >= 0.70);
        assert!(s("Slmn, Krm", "SALMAN, Karim", p) >= 0.70);
        // a word that is not shorter, or ends otherwise, is not stripped
        assert!(s("Appel Inc.", "Apple Inc.", NameKind::Organization) > 0.8);
        assert!(s("PLA", "People's Liberation Army", NameKind::Organization) > 0.8);
        // one stripped word alone is not enough
        assert!(s("Krm", "Karim", p) < 0.70);
        assert!(s("Rs, Alvro", "RIOS, Alvaro", p) >= 0.70);
        assert!(s("AL-QBYS, Krm", "AL-QUBAYSI, Karim", p) >= 0.70);
        assert!(s("Ulloa Hasan", "HASAN, Hameed ul", p) < 0.70);
        // other consonants do not match
        assert!(s("Krm Hassan", "Kramer Hassan", p) < 0.70);
        assert!(s("Mhmd Krm Slmn", "Mohamed Kamal Selim", p) < 0.70);
    }

    #[test]
    fn degraded_spellings_share_keys() {
        let p = NameKind::Person;
        let shared = |a: &str, b: &str| {
            let ka = PreparedName::new(a, p).keys();
            let kb = PreparedName::new(b, p).keys();
            ka.into_iter()
                .filter(|k| kb.contains(k) && k.starts_with("i:"))
                .collect::<Vec<_>>()
        };
        assert!(!shared("T. Okonkwo", "TEMITOPE, Okonkwo").is_empty());
        assert!(!shared("A. Rahim Karimi", "AL-NASIRI, Rahim Karimi").is_empty());
        let split = PreparedName::new("OKONKWO, Te mitope", p).keys();
        let whole = PreparedName::new("Temitope", p).keys();
        assert!(
            whole.iter().all(|k| split.contains(k)),
            "{whole:?} {split:?}"
        );
        assert!(shared("T. Okonkwo", "BELLO, Okonkwo").is_empty());
    }

    #[test]
    fn fit_tells_left_over_words_and_their_contradicted_price() {
        let cfg = NameScoreConfig::default();
        let p = NameKind::Person;
        let f = |a: &str, b: &str| fit(&PreparedName::new(a, p), &PreparedName::new(b, p), &cfg);
        // the query adds a word to a wholly matched name: priced as an extra word, and lower
        // when read as a substitution
        let extra = f("Lucia Ferrante Bassi", "Lucia Ferrante");
        assert_eq!((extra.query_met, extra.query_open), (2.0, 1.0));
        assert_eq!(extra.candidate_open, 0.0);
        assert!(extra.score >= 0.80, "{extra:?}");
        assert!(
            extra.contradicted < 0.70 && extra.contradicted > 0.55,
            "{extra:?}"
        );
        // a substitution within one name: both sides have a word left over
        let sub = f("Lucia Ferrante Bassi", "Lucia Ferrante Conti");
        assert_eq!((sub.query_open, sub.candidate_open), (1.0, 1.0));
        assert!(sub.score < 0.70);
        assert!(sub.substituted_in_place, "{sub:?}");
        assert!(f("Lucia Bassi Ferrante", "Ferrante, Lucia Conti").substituted_in_place);
        // words left over in different places: one added before, the other after
        let apart = f("Hajji Lucia Ferrante", "Lucia Ferrante Conti");
        assert!(apart.query_open > 0.0 && apart.candidate_open > 0.0);
        assert!(!apart.substituted_in_place, "{apart:?}");
        // nothing left over on the query side: nothing to contradict
        for (a, b) in [
            ("Lucia Ferrante", "Lucia Ferrante Conti"),
            ("Lucia Ferrante", "Ferrante, Lucia"),
        ] {
            let x = f(a, b);
            assert_eq!(x.query_open, 0.0, "{a}");
            assert_eq!(x.contradicted, x.score, "{a}");
        }
        // titles are no words: `Jr.` and `Col.` are not left over
        let t = f("Col. Lucia Ferrante Jr.", "Lucia Ferrante");
        assert_eq!(t.query_open, 0.0, "{t:?}");
        // organisations are never contradicted
        let o = fit(
            &PreparedName::new("Ferrante Shipping Genova", NameKind::Organization),
            &PreparedName::new("Ferrante Shipping", NameKind::Organization),
            &cfg,
        );
        assert_eq!(o.contradicted, o.score);
    }

    #[test]
    fn a_word_split_after_its_first_letter_is_joined() {
        let p = NameKind::Person;
        assert!(s("NAKAMURA, T akeshi", "NAKAMURA, Takeshi", p) >= 0.95);
        assert!(s("B ernadette Moreau", "Bernadette MOREAU", p) >= 0.95);
        // an initial next to an unrelated word is still only an initial
        assert!(s("T. Moreau", "Takeshi Moreau", p) < s("Takeshi Moreau", "Takeshi Moreau", p));
    }

    #[test]
    fn keys_shared() {
        let a = PreparedName::new("Kim Jong Un", NameKind::Person).keys();
        let b = PreparedName::new("김정은", NameKind::Person).keys();
        assert!(a.iter().any(|k| b.contains(k)));
        assert_eq!(std::mem::size_of::<Tok>(), 16);
    }
}
