//! The inverted index and the search over it.

use crate::SearchError;
use crate::query::{
    Facet, FieldFilter, ParsedText, QueryWord, SortField, SortKey, TextQuery, parse_text,
};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use yalu_match::Index;
use yalu_model::prop::{PropertyType, property_type};
use yalu_model::{Entity, prop};
use yalu_names::{
    NameKind,
    distance::{byte_set, osa},
    normalize,
};

/// Where a term was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Names, aliases, previous and weak aliases.
    Name,
    /// Identifiers (letters and digits only).
    Identifier,
    /// Addresses, notes and other free text.
    Text,
}

/// Weight of a term by field: names and identifiers count three times as
/// much as free text (yente searches `names^3` and `text`).
pub const FIELD_WEIGHTS: [(Field, f32); 3] = [
    (Field::Name, 3.0),
    (Field::Identifier, 3.0),
    (Field::Text, 1.0),
];

fn field_weight(f: Field) -> f32 {
    FIELD_WEIGHTS
        .iter()
        .find(|(g, _)| *g == f)
        .map(|(_, w)| *w)
        .unwrap_or(1.0)
}

/// BM25 constants (Elasticsearch's defaults).
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Free text longer than this many characters is cut before indexing.
const MAX_TEXT_CHARS: usize = 2000;
/// Identifier prefixes shorter than this do not expand.
const MIN_ID_PREFIX: usize = 4;
/// Words shorter than this do not expand as prefixes.
const MIN_PREFIX: usize = 2;
/// Terms one prefix may expand to, shortest first.
const MAX_EXPANSIONS: usize = 512;
/// Properties never searched as text (links, codes, machine values).
const NOT_TEXT: [&str; 6] = [
    prop::SOURCE_URL,
    prop::WEBSITE,
    prop::TOPICS,
    prop::PROGRAM_ID,
    prop::GENDER,
    "createdAt",
];

/// Identifier terms start with this character, which no name token has.
const ID_MARK: char = '#';
/// Korean comparable keys start with this.
const KOREAN_MARK: &str = "k:";

#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    field: u8,
    weight: f32,
}

/// An inverted index over the entities of a [`yalu_match::Index`].
pub struct TextIndex {
    ids: Vec<Box<str>>,
    terms: BTreeMap<Box<str>, u32>,
    postings: Vec<Vec<Posting>>,
    /// Word terms (no identifiers, no Korean keys) for fuzzy lookup, with
    /// the set of their letters as bits.
    words: Vec<(Box<str>, u64, u32)>,
}

/// One result.
#[derive(Debug, Clone)]
pub struct SearchHit<'a> {
    /// The matching entity, from the screening index.
    pub entity: &'a Entity,
    /// Larger is better; 0 when the query has no text.
    pub score: f64,
}

/// A page of results with the total and the facet counts of all results.
#[derive(Debug, Clone)]
pub struct SearchResults<'a> {
    /// The requested page.
    pub hits: Vec<SearchHit<'a>>,
    /// All results, not only the page.
    pub total: usize,
    /// Per requested facet, values with their counts over all results,
    /// most frequent first (then by value).
    pub facets: Vec<(Facet, Vec<(String, usize)>)>,
}

fn id_term(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 1);
    s.push(ID_MARK);
    s.extend(
        value
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase),
    );
    s
}

/// The terms of one value: every token of every spelling, the Korean keys,
/// and the joined tokens of each Hangul or Han word. Returns the number of
/// tokens of the first spelling.
fn value_terms(raw: &str, kind: NameKind, out: &mut Vec<String>) -> usize {
    let n = normalize(raw, kind);
    for v in &n.variants {
        let mut run = String::new();
        let mut run_len = 0;
        let flush = |run: &mut String, run_len: &mut usize, out: &mut Vec<String>| {
            if *run_len >= 2 {
                out.push(std::mem::take(run));
            }
            run.clear();
            *run_len = 0;
        };
        for t in &v.tokens {
            if t.text.is_empty() {
                continue;
            }
            out.push(t.text.clone());
            if t.korean.is_some() {
                out.push(format!("{KOREAN_MARK}{}", t.korean.render()));
            }
            if t.native.is_some() {
                run.push_str(&t.text);
                run_len += 1;
            } else {
                flush(&mut run, &mut run_len, out);
            }
        }
        flush(&mut run, &mut run_len, out);
    }
    n.variants.first().map(|v| v.tokens.len()).unwrap_or(0)
}

/// Free text (addresses, notes) analysed word by word, each distinct word
/// once: the terms of a word are those [`value_terms`] gives it alone. Names
/// are analysed whole (their words act on each other: Korean syllables,
/// initials, legal forms); free text repeats its words across entities
/// (`Street`, `Pyongyang`, `Linked`), and analysing it whole took 60 % of
/// the index build (docs/reliability.md).
#[derive(Default)]
struct WordTerms {
    cache: HashMap<Box<str>, (Vec<String>, usize)>,
}

impl WordTerms {
    /// Adds the terms of `text` to `out`; returns its length in tokens.
    fn text_terms(&mut self, text: &str, out: &mut Vec<String>) -> usize {
        let mut len = 0;
        for word in text.split_whitespace() {
            let (terms, n) = match self.cache.get(word) {
                Some(hit) => hit,
                None => {
                    let mut terms = Vec::new();
                    let n = value_terms(word, NameKind::Other, &mut terms);
                    self.cache.entry(word.into()).or_insert((terms, n))
                }
            };
            out.extend(terms.iter().cloned());
            len += n;
        }
        len
    }
}

/// The terms of one entity, per field: how many values of the field hold
/// each term (term frequency), and the field's length in tokens.
struct EntityTerms {
    fields: [(HashMap<String, u32>, usize); 3],
}

/// Collects the terms of one entity. Names form one multi-valued field (as
/// yente's `names` in Elasticsearch): a term in several aliases counts
/// several times and the field's length is that of all names together.
fn entity_terms(e: &Entity, words: &mut WordTerms) -> EntityTerms {
    let kind = yalu_match::name_kind(&e.schema);
    let mut out = EntityTerms {
        fields: Default::default(),
    };
    let mut add = |terms: &mut Vec<String>, field: Field, len: usize| {
        terms.sort_unstable();
        terms.dedup();
        let (tf, dl) = &mut out.fields[field as usize];
        *dl += len;
        for t in terms.drain(..) {
            *tf.entry(t).or_insert(0) += 1;
        }
    };
    let mut terms = Vec::new();
    for (_, name) in e.names() {
        let len = value_terms(name, kind, &mut terms);
        add(&mut terms, Field::Name, len);
    }
    for (p, values) in &e.properties {
        let ty = property_type(p);
        if ty == PropertyType::Identifier {
            for v in values {
                let t = id_term(v);
                if t.len() > 1 {
                    terms.push(t);
                }
                add(&mut terms, Field::Identifier, 1);
            }
        } else if ty == PropertyType::Text && !NOT_TEXT.contains(&p.as_str()) {
            for v in values {
                let cut: String = v.chars().take(MAX_TEXT_CHARS).collect();
                let len = words.text_terms(&cut, &mut terms);
                add(&mut terms, Field::Text, len);
            }
        }
    }
    out
}

/// BM25's term-frequency part with length normalisation, times the field's
/// weight.
fn bm25_weight(field: Field, tf: u32, dl: usize, avgdl: f32) -> f32 {
    let tf = tf as f32;
    let dl = dl.max(1) as f32;
    field_weight(field) * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * dl / avgdl.max(1.0)))
}

/// How well a query word met a term.
const EXACT: f32 = 1.0;
const KOREAN_KEY: f32 = 0.8;
/// Every completion of a prefix counts alike, with the rarity of the prefix
/// as a whole (a rare completion is no better a guess than a common one).
const PREFIX: f32 = 0.7;
/// A prefix made of whole syllables of a romanised Korean word (`Mansu` of
/// `Mansudae`, `Namgang` of `Namgangho`) is likelier what the user meant
/// than one that cuts a syllable (`Mansu` of `Mansur`).
const PREFIX_SYLLABLE: f32 = 0.9;
/// Syllables a completed word may have for the syllable test.
const MAX_SYLLABLES: usize = 5;

/// Whether `term` parses as romanised Korean syllables, in one of its two
/// likeliest readings, with a syllable ending after `at` bytes.
fn ends_on_syllable(term: &str, at: usize) -> bool {
    yalu_names::korean::parse(term, MAX_SYLLABLES)
        .iter()
        .take(2)
        .any(|p| p.spans.iter().any(|&(_, end)| end == at))
}
const FUZZY_ONE: f32 = 0.6;

const FUZZY_TWO: f32 = 0.4;

/// The spellings a query word may take (see the crate docs), and its Korean
/// keys. A Latin word that normalises to several tokens (`Jong-Un`) gives
/// several words.
fn word_forms(raw: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut forms: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut split: Option<Vec<String>> = None;
    for kind in [NameKind::Person, NameKind::Organization] {
        let n = normalize(raw, kind);
        for (i, v) in n.variants.iter().enumerate() {
            let tokens: Vec<_> = v.tokens.iter().filter(|t| !t.text.is_empty()).collect();
            if tokens.is_empty() {
                continue;
            }
            if i == 0
                && kind == NameKind::Person
                && tokens.len() > 1
                && tokens.iter().all(|t| t.native.is_none())
            {
                split = Some(tokens.iter().map(|t| t.text.clone()).collect());
            }
            let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
            forms.push(joined);
            if tokens.iter().all(|t| t.korean.is_some()) {
                let key = tokens
                    .iter()
                    .skip(1)
                    .fold(tokens[0].korean, |k, t| k.concat(t.korean));
                if key.is_some() {
                    keys.push(format!("{KOREAN_MARK}{}", key.render()));
                }
            }
        }
    }
    if let Some(parts) = split {
        return parts.iter().flat_map(|p| word_forms(p)).collect();
    }
    forms.sort();
    forms.dedup();
    keys.sort();
    keys.dedup();
    if forms.is_empty() {
        return Vec::new();
    }
    vec![(forms, keys)]
}

/// Per-query accumulators, dense over documents: the best value of one
/// word per document and field (fields add up, as several BM25 fields do).
struct Scratch {
    best: Vec<[f32; 3]>,
    touched: Vec<u32>,
    /// Marks for counting distinct documents.
    seen: Vec<u32>,
    epoch: u32,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            best: vec![[0.0; 3]; n],
            touched: Vec::new(),
            seen: vec![0; n],
            epoch: 0,
        }
    }

    fn offer(&mut self, doc: u32, field: u8, value: f32) {
        let slots = &mut self.best[doc as usize];
        if slots.iter().all(|v| *v == 0.0) {
            self.touched.push(doc);
        }
        let slot = &mut slots[usize::from(field).min(2)];
        if value > *slot {
            *slot = value;
        }
    }
}

impl TextIndex {
    /// Indexes every entity of `index`, in its order.
    pub fn build(index: &Index) -> TextIndex {
        let entities: Vec<&Entity> = index.entities().collect();
        let ids: Vec<Box<str>> = entities
            .iter()
            .map(|e| e.id.clone().into_boxed_str())
            .collect();
        let all: Vec<EntityTerms> = entities
            .par_iter()
            .map_init(WordTerms::default, |words, e| entity_terms(e, words))
            .collect();
        // Average field lengths over the entities having the field.
        let mut avgdl = [1.0f32; 3];
        for (f, avg) in avgdl.iter_mut().enumerate() {
            let lens: Vec<usize> = all
                .iter()
                .map(|t| t.fields[f].1)
                .filter(|l| *l > 0)
                .collect();
            if !lens.is_empty() {
                *avg = lens.iter().sum::<usize>() as f32 / lens.len() as f32;
            }
        }
        let fields = [Field::Name, Field::Identifier, Field::Text];
        // Built in a hash map (one string comparison per posting in a tree
        // map was a tenth of the build), sorted once at the end.
        let mut terms: HashMap<Box<str>, u32> = HashMap::new();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        for (doc, entity_terms) in all.into_iter().enumerate() {
            for (f, (tfs, dl)) in entity_terms.fields.into_iter().enumerate() {
                for (term, tf) in tfs {
                    let next = postings.len() as u32;
                    let slot = *terms.entry(term.into_boxed_str()).or_insert(next);
                    if slot == next {
                        postings.push(Vec::new());
                    }
                    postings[slot as usize].push(Posting {
                        doc: doc as u32,
                        field: f as u8,
                        weight: bm25_weight(fields[f], tf, dl, avgdl[f]),
                    });
                }
            }
        }
        for p in &mut postings {
            p.shrink_to_fit();
        }
        let terms: BTreeMap<Box<str>, u32> = terms.into_iter().collect();
        let words = terms
            .iter()
            .filter(|(t, _)| !t.starts_with(ID_MARK) && !t.starts_with(KOREAN_MARK))
            .map(|(t, &slot)| (t.clone(), byte_set(t), slot))
            .collect();
        TextIndex {
            ids,
            terms,
            postings,
            words,
        }
    }

    /// Entities indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Distinct terms.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    fn idf_of(&self, df: usize) -> f32 {
        let n = self.ids.len() as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Distinct documents in the postings of `slots`.
    fn doc_frequency(&self, slots: &[u32], scratch: &mut Scratch) -> usize {
        scratch.epoch += 1;
        let mut df = 0;
        for &slot in slots {
            for p in &self.postings[slot as usize] {
                let mark = &mut scratch.seen[p.doc as usize];
                if *mark != scratch.epoch {
                    *mark = scratch.epoch;
                    df += 1;
                }
            }
        }
        df
    }

    fn offer_term(&self, slot: u32, quality: f32, scratch: &mut Scratch) {
        let df = self.doc_frequency(&[slot], scratch);
        self.offer_with_idf(slot, self.idf_of(df) * quality, scratch);
    }

    fn offer_with_idf(&self, slot: u32, factor: f32, scratch: &mut Scratch) {
        for p in &self.postings[slot as usize] {
            scratch.offer(p.doc, p.field, factor * p.weight);
        }
    }

    /// Offers every document matching one word to `scratch`.
    fn match_word(&self, forms: &[String], keys: &[String], fuzzy: bool, scratch: &mut Scratch) {
        for f in forms {
            if let Some(&slot) = self.terms.get(f.as_str()) {
                self.offer_term(slot, EXACT, scratch);
            }
            if f.len() >= MIN_PREFIX {
                let mut expanded: Vec<(&str, u32)> = self
                    .terms
                    .range::<str, _>((
                        std::ops::Bound::Excluded(f.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(t, _)| t.starts_with(f.as_str()))
                    .map(|(t, s)| (&**t, *s))
                    .collect();
                expanded.sort_by_key(|(t, _)| t.len());
                expanded.truncate(MAX_EXPANSIONS);
                let slots: Vec<u32> = expanded.iter().map(|(_, s)| *s).collect();
                let idf = self.idf_of(self.doc_frequency(&slots, scratch));
                for (term, slot) in expanded {
                    let quality = if ends_on_syllable(term, f.len()) {
                        PREFIX_SYLLABLE
                    } else {
                        PREFIX
                    };
                    self.offer_with_idf(slot, idf * quality, scratch);
                }
            }
            if fuzzy {
                let max = match f.len() {
                    0..=2 => 0,
                    3..=5 => 1,
                    _ => 2,
                };
                if max > 0 {
                    let letters = byte_set(f);
                    for (t, set, slot) in &self.words {
                        let slot = *slot;
                        // One edit changes at most two letters of the set.
                        if t.len().abs_diff(f.len()) > max
                            || (set ^ letters).count_ones() as usize > 2 * max
                            || **t == **f
                        {
                            continue;
                        }
                        let d = osa(t.as_bytes(), f.as_bytes());
                        if d == 1 {
                            self.offer_term(slot, FUZZY_ONE, scratch);
                        } else if d == 2 && max >= 2 {
                            self.offer_term(slot, FUZZY_TWO, scratch);
                        }
                    }
                }
            }
        }
        for k in keys {
            if let Some(&slot) = self.terms.get(k.as_str()) {
                self.offer_term(slot, KOREAN_KEY, scratch);
            }
        }
    }

    /// Offers the documents whose identifier is (or starts with) `raw`.
    fn match_identifier(&self, raw: &str, scratch: &mut Scratch) {
        let t = id_term(raw);
        if t.len() <= MIN_ID_PREFIX {
            if let Some(&slot) = self.terms.get(t.as_str()) {
                self.offer_term(slot, EXACT, scratch);
            }
            return;
        }
        let mut slots = Vec::new();
        for (term, &slot) in self
            .terms
            .range::<str, _>((
                std::ops::Bound::Included(t.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(term, _)| term.starts_with(t.as_str()))
            .take(MAX_EXPANSIONS)
        {
            if **term == *t {
                self.offer_term(slot, EXACT, scratch);
            } else {
                slots.push(slot);
            }
        }
        let factor = self.idf_of(self.doc_frequency(&slots, scratch)) * PREFIX;
        for slot in slots {
            self.offer_with_idf(slot, factor, scratch);
        }
    }

    /// Runs a query. `accept` is the caller's entity filter (datasets,
    /// schema, countries, topics...); `query.filters` apply on top.
    pub fn search<'a>(
        &self,
        index: &'a Index,
        query: &TextQuery,
        accept: &dyn Fn(&Entity) -> bool,
    ) -> Result<SearchResults<'a>, SearchError> {
        if index.len() != self.ids.len() {
            return Err(SearchError::IndexMismatch {
                built: self.ids.len(),
                given: index.len(),
            });
        }
        let parsed = parse_text(&query.q, query.simple);
        let positive: Vec<_> = parsed.words.iter().filter(|w| !w.negated).collect();
        let mut found: Vec<(&'a Entity, f64)> = Vec::new();
        let keep = |doc: u32, score: f64| {
            if let Some(e) = index.get(&self.ids[doc as usize])
                && accept(e)
                && passes_filters(&query.filters, e)
            {
                found.push((e, score));
            }
        };
        if positive.is_empty() {
            self.unscored_documents(&parsed, query.fuzzy, keep);
        } else {
            self.scored_documents(&parsed, &positive, query, keep);
        }
        Ok(page(found, query))
    }

    /// Every document but the excluded ones, unscored, to `keep`: a query
    /// of negated words only (or none).
    fn unscored_documents(&self, parsed: &ParsedText, fuzzy: bool, mut keep: impl FnMut(u32, f64)) {
        let excluded = self.excluded(parsed, fuzzy);
        for doc in 0..self.ids.len() {
            if !excluded.get(doc).copied().unwrap_or(false) {
                keep(doc as u32, 0.0);
            }
        }
    }

    /// The documents the query's words match (all of them, or any with
    /// `OR`), or whose identifiers match the whole text, with their
    /// scores, to `keep`; excluded ones left out.
    fn scored_documents(
        &self,
        parsed: &ParsedText,
        positive: &[&QueryWord],
        query: &TextQuery,
        mut keep: impl FnMut(u32, f64),
    ) {
        let n = self.ids.len();
        let mut total = vec![0f32; n];
        let mut count = vec![0u16; n];
        let mut scratch = Scratch::new(n);
        let mut required = 0u16;
        for w in positive {
            for (forms, keys) in word_forms(&w.text) {
                required += 1;
                self.match_word(&forms, &keys, query.fuzzy, &mut scratch);
                self.collect(&mut scratch, &mut total, &mut count);
            }
        }
        // The whole text as one identifier (`PO 1234567`), and each word.
        let mut id_total = vec![0f32; 0];
        if id_term(&query.q).len() > 2 {
            self.match_identifier(&query.q, &mut scratch);
            id_total = vec![0f32; n];
            let mut id_count = vec![0u16; n];
            self.collect(&mut scratch, &mut id_total, &mut id_count);
        }
        let excluded = self.excluded(parsed, query.fuzzy);
        for doc in 0..n {
            let id_score = id_total.get(doc).copied().unwrap_or(0.0);
            let text_ok = if parsed.any {
                count[doc] > 0
            } else {
                required > 0 && count[doc] >= required
            };
            if !(text_ok || id_score > 0.0) || excluded.get(doc).copied().unwrap_or(false) {
                continue;
            }
            let score = if text_ok { total[doc] } else { 0.0 } + id_score;
            keep(doc as u32, f64::from(score));
        }
    }

    /// Moves the best score per document of one word into the totals.
    fn collect(&self, scratch: &mut Scratch, total: &mut [f32], count: &mut [u16]) {
        for doc in scratch.touched.drain(..) {
            let d = doc as usize;
            total[d] += scratch.best[d].iter().sum::<f32>();
            count[d] += 1;
            scratch.best[d] = [0.0; 3];
        }
    }

    /// Documents having a negated word.
    fn excluded(&self, parsed: &crate::query::ParsedText, fuzzy: bool) -> Vec<bool> {
        let n = self.ids.len();
        let mut out = vec![false; n];
        let mut scratch = Scratch::new(n);
        for w in parsed.words.iter().filter(|w| w.negated) {
            for (forms, keys) in word_forms(&w.text) {
                self.match_word(&forms, &keys, fuzzy, &mut scratch);
                for doc in scratch.touched.drain(..) {
                    out[doc as usize] = true;
                    scratch.best[doc as usize] = [0.0; 3];
                }
            }
        }
        out
    }
}

/// Whether an entity passes the query's filters: the values of one field
/// are alternatives; fields combine with AND.
fn passes_filters(filters: &[FieldFilter], e: &Entity) -> bool {
    let mut fields: Vec<&str> = filters.iter().map(|f| f.field.as_str()).collect();
    fields.sort_unstable();
    fields.dedup();
    fields.iter().all(|field| {
        filters
            .iter()
            .filter(|f| f.field == *field)
            .any(|f| f.accepts(e))
    })
}

/// The results in the query's order, its facets counted over all of
/// them, and the page asked for (`offset`, `limit`).
fn page<'a>(mut found: Vec<(&'a Entity, f64)>, query: &TextQuery) -> SearchResults<'a> {
    sort_results(&mut found, &query.sort);
    let facets = query
        .facets
        .iter()
        .map(|&f| (f, count_facet(f, &found)))
        .collect();
    let total = found.len();
    let hits = found
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|(entity, score)| SearchHit {
            entity,
            score: (score * 1000.0).round() / 1000.0,
        })
        .collect();
    SearchResults {
        hits,
        total,
        facets,
    }
}

fn sort_results(found: &mut [(&Entity, f64)], keys: &[SortKey]) {
    let by_key = |a: &(&Entity, f64), b: &(&Entity, f64), k: &SortKey| -> Ordering {
        let o = match k.field {
            SortField::Score => a.1.total_cmp(&b.1),
            SortField::Caption => a.0.caption().cmp(b.0.caption()),
            SortField::Id => a.0.id.cmp(&b.0.id),
            SortField::Schema => a.0.schema.name().cmp(b.0.schema.name()),
            SortField::FirstSeen => a.0.first_seen.cmp(&b.0.first_seen),
            SortField::LastSeen => a.0.last_seen.cmp(&b.0.last_seen),
            SortField::LastChange => a.0.last_change.cmp(&b.0.last_change),
        };
        if k.descending { o.reverse() } else { o }
    };
    let default = [SortKey {
        field: SortField::Score,
        descending: true,
    }];
    let keys = if keys.is_empty() { &default[..] } else { keys };
    found.sort_by(|a, b| {
        keys.iter()
            .map(|k| by_key(a, b, k))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
}

fn count_facet(facet: Facet, found: &[(&Entity, f64)]) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (e, _) in found {
        for v in facet.values(e) {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    let mut sorted: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(v, c)| (v.to_string(), c))
        .collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::FieldFilter;
    use yalu_model::Schema;

    fn entity(id: &str, schema: Schema, props: &[(&str, &str)]) -> Entity {
        let mut e = Entity::new(id, schema);
        for (p, v) in props {
            e.add(p, v);
        }
        e
    }

    fn fixture() -> Index {
        Index::build(vec![
            entity(
                "group",
                Schema::Organization,
                &[
                    (prop::NAME, "MANSUDAE OVERSEAS PROJECT GROUP OF COMPANIES"),
                    (prop::ALIAS, "MANSUDAE ART STUDIO"),
                    (prop::COUNTRY, "kp"),
                    (prop::TOPICS, "sanction"),
                ],
            ),
            entity(
                "trading",
                Schema::Company,
                &[
                    (prop::NAME, "OVERSEAS TRADING COMPANY"),
                    (prop::COUNTRY, "gt"),
                    (prop::ADDRESS, "Guatemala City"),
                ],
            ),
            entity(
                "director",
                Schema::Person,
                &[
                    (prop::NAME, "KIM, Tong-chol"),
                    (prop::NOTES, "Managing Director, Mansudae Overseas Projects"),
                    (prop::PASSPORT_NUMBER, "PS 472330208"),
                    (prop::NATIONALITY, "kp"),
                ],
            ),
            entity(
                "kim",
                Schema::Person,
                &[(prop::NAME, "김정은"), (prop::NATIONALITY, "kp")],
            ),
            entity(
                "vessel",
                Schema::Vessel,
                &[(prop::NAME, "NAMGANG 6"), (prop::IMO_NUMBER, "8666246")],
            ),
        ])
    }

    fn ids<'a>(r: &SearchResults<'a>) -> Vec<&'a str> {
        r.hits.iter().map(|h| h.entity.id.as_str()).collect()
    }

    fn run(text: &TextIndex, index: &Index, q: TextQuery) -> Vec<String> {
        ids(&text.search(index, &q, &|_| true).unwrap())
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn names_rank_above_notes_and_every_word_must_match() {
        let index = fixture();
        let text = TextIndex::build(&index);
        let found = run(&text, &index, TextQuery::new("Mansudae"));
        assert_eq!(found, vec!["group", "director"]);
        let found = run(&text, &index, TextQuery::new("Mansudae Overseas"));
        assert_eq!(found, vec!["group", "director"]);
        let found = run(&text, &index, TextQuery::new("overseas"));
        assert_eq!(found.len(), 3);
        assert_eq!(found[2], "director", "a note weighs less than a name");
        assert!(run(&text, &index, TextQuery::new("Mansudae Guatemala")).is_empty());
        let mut either = run(&text, &index, TextQuery::new("Mansudae OR Guatemala"));
        assert_eq!(either[0], "group");
        either.sort();
        assert_eq!(either, vec!["director", "group", "trading"]);
        assert_eq!(
            run(&text, &index, TextQuery::new("overseas -mansudae")),
            vec!["trading"]
        );
    }

    #[test]
    fn prefixes_scripts_and_typos() {
        let index = fixture();
        let text = TextIndex::build(&index);
        assert_eq!(run(&text, &index, TextQuery::new("Mansu"))[0], "group");
        assert_eq!(run(&text, &index, TextQuery::new("Namga")), vec!["vessel"]);
        assert_eq!(run(&text, &index, TextQuery::new("만수대"))[0], "group");
        assert_eq!(run(&text, &index, TextQuery::new("萬壽臺"))[0], "group");
        assert_eq!(
            run(&text, &index, TextQuery::new("Kim Jong Un")),
            vec!["kim"]
        );
        assert_eq!(
            run(&text, &index, TextQuery::new("Kim Jong-Un")),
            vec!["kim"]
        );
        // A typo finds nothing unless fuzzy.
        assert!(run(&text, &index, TextQuery::new("Mansudea")).is_empty());
        let mut q = TextQuery::new("Mansudea");
        q.fuzzy = true;
        assert_eq!(run(&text, &index, q)[0], "group");
    }

    #[test]
    fn identifiers_whole_or_prefix() {
        let index = fixture();
        let text = TextIndex::build(&index);
        assert_eq!(
            run(&text, &index, TextQuery::new("PS 472330208")),
            vec!["director"]
        );
        assert_eq!(
            run(&text, &index, TextQuery::new("8666246")),
            vec!["vessel"]
        );
        assert_eq!(run(&text, &index, TextQuery::new("866624")), vec!["vessel"]);
    }

    #[test]
    fn filters_facets_sort_and_paging() {
        let index = fixture();
        let text = TextIndex::build(&index);
        let mut q = TextQuery::new("");
        q.facets = vec![Facet::Countries, Facet::Schema];
        q.limit = 2;
        let all = text.search(&index, &q, &|_| true).unwrap();
        assert_eq!(all.total, 5);
        assert_eq!(all.hits.len(), 2);
        // Facets count all results, not the page.
        assert_eq!(all.facets[0].1[0], ("kp".to_string(), 3));
        assert_eq!(all.facets[1].1[0], ("Person".to_string(), 2));
        q.filters = vec![
            FieldFilter::parse("countries:kp").unwrap(),
            FieldFilter::parse("countries:gt").unwrap(),
            FieldFilter::parse("schema:Person").unwrap(),
        ];
        q.limit = 10;
        assert_eq!(run(&text, &index, q.clone()), vec!["director", "kim"]);
        q.filters.clear();
        q.sort = vec![SortKey::parse("caption:desc").unwrap()];
        let sorted = run(&text, &index, q.clone());
        // Descending by caption: Hangul sorts after Latin.
        assert_eq!(sorted[..2], ["kim", "trading"], "{sorted:?}");
        q.offset = 4;
        assert_eq!(run(&text, &index, q.clone()).len(), 1);
        let persons = text
            .search(&index, &TextQuery::new(""), &|e| e.schema == Schema::Person)
            .unwrap();
        assert_eq!(persons.total, 2);
    }

    #[test]
    fn a_text_index_refuses_another_index() {
        let index = fixture();
        let text = TextIndex::build(&index);
        let other = Index::build(Vec::new());
        assert!(matches!(
            text.search(&other, &TextQuery::new("x"), &|_| true),
            Err(SearchError::IndexMismatch { .. })
        ));
    }
}
