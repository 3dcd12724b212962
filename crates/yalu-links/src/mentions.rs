//! Links written in a listing's own text.
//!
//! The UN consolidated list has no field for related entries: its narrative
//! (`COMMENTS1`, kept as `notes`) names them, either by their reference
//! number (`member of the ADF (CDe.001)`) or by their name (`a subsidiary
//! of Korea Ryonbong General Corporation`). Both are resolved within the
//! same list:
//!
//! * a word equal to another entity's `programId` (the reference number);
//!   a word shaped like the list's reference numbers (`QDe.115`: same
//!   pattern of capitals, small letters, digits and signs) that names no
//!   entry is reported as unresolved;
//! * a run of words equal to another entity's name or alias of at least
//!   [`MIN_NAME_WORDS`] words and [`MIN_NAME_LETTERS`] letters (weak aliases
//!   are not used), words folded one by one as names fold. The longest name
//!   at a position wins.
//!
//! `position` (`Official for Korea Ryonbong General Corporation`) is read
//! the same way ([`TEXT_PROPERTIES`]).
//!
//! Nothing here is particular to the UN: any list whose notes name its own
//! entries gets the same links.

use crate::{Link, Unresolved};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use yalu_model::{Entity, prop};
use yalu_names::{NameKind, fold};

/// Shortest name (in words) looked for in notes.
pub const MIN_NAME_WORDS: usize = 2;
/// Shortest name (in letters and digits) looked for in notes.
pub const MIN_NAME_LETTERS: usize = 8;
/// Longest name (in words) looked for in notes.
const MAX_NAME_WORDS: usize = 12;
/// Longest sentence kept as a link's `description`.
const MAX_SENTENCE_CHARS: usize = 400;

/// The properties whose text is read for names of other entries.
pub const TEXT_PROPERTIES: [&str; 2] = [prop::NOTES, prop::POSITION];

/// The `role` of a link found in notes.
pub const MENTION_ROLE: &str = "Named in the listing";

/// A word's shape: capitals `A`, small letters `a`, digits `9`, other
/// characters as they are (`QDe.115` -> `AAa.999`).
fn shape(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_uppercase() {
                'A'
            } else if c.is_alphabetic() {
                'a'
            } else {
                c
            }
        })
        .collect()
}

/// A reference shape must mix letters and digits, so that plain words and
/// numbers are never taken for references.
fn is_reference_shape(s: &str) -> bool {
    s.contains('9') && s.chars().any(|c| c == 'A' || c == 'a')
}

/// Words of a text with their byte ranges: runs of letters, digits and
/// inner `.`/`-`/`'` (a trailing sign is not part of the word).
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let joiner = |c: char| matches!(c, '.' | '-' | '\'' | '’');
    for (i, c) in text.char_indices() {
        match (start, c.is_alphanumeric() || (start.is_some() && joiner(c))) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    // Trailing joiners (`Corporation.`, `Ri's-`) are not part of the word.
    for (s, e) in &mut out {
        while *e > *s && text[..*e].ends_with(joiner) {
            *e -= text[..*e].chars().next_back().map_or(1, char::len_utf8);
        }
    }
    out.retain(|(s, e)| e > s);
    out
}

/// Folds words one by one (cached: notes repeat their words).
#[derive(Default)]
pub(crate) struct WordFolder {
    cache: HashMap<String, Vec<String>>,
}

impl WordFolder {
    /// The folded words of one raw word (empty when it folds away, several
    /// when it splits, e.g. at a hyphen).
    fn fold(&mut self, word: &str) -> &[String] {
        if !self.cache.contains_key(word) {
            let folded: Vec<String> = fold(word, NameKind::Other)
                .split_whitespace()
                .map(str::to_string)
                .collect();
            self.cache.insert(word.to_string(), folded);
        }
        &self.cache[word]
    }

    /// Folded words of a text, each with the byte range of the raw word it
    /// came from.
    pub(crate) fn fold_text(&mut self, text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for (s, e) in words(text) {
            for w in self.fold(&text[s..e]) {
                out.push((w.clone(), s, e));
            }
        }
        out
    }
}

/// The sentence around a byte range, trimmed to [`MAX_SENTENCE_CHARS`].
fn sentence(text: &str, start: usize, end: usize) -> String {
    let is_end =
        |w: &[u8]| w.len() == 2 && matches!(w[0], b'.' | b';' | b'!' | b'?') && w[1] == b' ';
    let bytes = text.as_bytes();
    let mut s = start;
    while s >= 2 && !is_end(&bytes[s - 2..s]) {
        s -= 1;
    }
    if s < 2 {
        s = 0;
    }
    let mut e = end;
    while e + 2 <= bytes.len() && !is_end(&bytes[e..e + 2]) {
        e += 1;
    }
    let e = if e + 2 <= bytes.len() {
        e + 1
    } else {
        bytes.len()
    };
    let (s, e) = (floor_char(text, s), floor_char(text, e));
    let mut out: String = text[s..e].trim().to_string();
    if out.chars().count() > MAX_SENTENCE_CHARS {
        out = out.chars().take(MAX_SENTENCE_CHARS).collect();
        out.push('…');
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Finds the links written in the entities' notes.
pub(crate) fn find(entities: &[&Entity], folder: &mut WordFolder) -> (Vec<Link>, Vec<Unresolved>) {
    let lookup = Lookup::build(entities, folder);
    let mut links = Vec::new();
    let mut unresolved = Vec::new();
    for e in entities {
        // target id -> the first sentence naming it
        let mut found: BTreeMap<&str, String> = BTreeMap::new();
        for (property, note) in TEXT_PROPERTIES
            .iter()
            .flat_map(|p| e.get(p).iter().map(move |v| (*p, v)))
        {
            lookup.find_references(e, property, note, &mut found, &mut unresolved);
            lookup.find_names(e, note, folder, &mut found);
        }
        for (target, sentence) in found {
            links.push(mention_link(e, target, sentence));
        }
    }
    (links, unresolved)
}

/// What the notes are searched for: the entities' references and names,
/// per dataset.
struct Lookup<'a> {
    /// (dataset, reference) -> ids
    by_ref: HashMap<(&'a str, &'a str), Vec<&'a str>>,
    /// dataset -> reference shapes
    shapes: HashMap<&'a str, HashSet<String>>,
    /// (dataset, folded words) -> ids
    by_name: HashMap<(&'a str, Vec<String>), BTreeSet<&'a str>>,
    /// first folded word of a name -> the most words of a name it starts
    starts: HashMap<String, usize>,
}

impl<'a> Lookup<'a> {
    /// The references (`programId`) and the names (but weak aliases, and
    /// names too short or too long to be looked for) of the entities.
    fn build(entities: &[&'a Entity], folder: &mut WordFolder) -> Self {
        let mut lookup = Lookup {
            by_ref: HashMap::new(),
            shapes: HashMap::new(),
            by_name: HashMap::new(),
            starts: HashMap::new(),
        };
        for e in entities {
            for d in &e.datasets {
                for r in e.get(prop::PROGRAM_ID) {
                    lookup
                        .by_ref
                        .entry((d, r.as_str()))
                        .or_default()
                        .push(&e.id);
                    let s = shape(r);
                    if is_reference_shape(&s) {
                        lookup.shapes.entry(d).or_default().insert(s);
                    }
                }
            }
            for (p, name) in e.names() {
                if p != prop::WEAK_ALIAS {
                    lookup.add_name(e, name, folder);
                }
            }
        }
        lookup
    }

    /// One name of an entity, folded, unless too short or too long.
    fn add_name(&mut self, e: &'a Entity, name: &str, folder: &mut WordFolder) {
        let folded: Vec<String> = folder
            .fold_text(name)
            .into_iter()
            .map(|(w, _, _)| w)
            .collect();
        let letters: usize = folded.iter().map(|w| w.chars().count()).sum();
        if folded.len() < MIN_NAME_WORDS
            || folded.len() > MAX_NAME_WORDS
            || letters < MIN_NAME_LETTERS
        {
            return;
        }
        let longest = self.starts.entry(folded[0].clone()).or_insert(0);
        *longest = (*longest).max(folded.len());
        for d in &e.datasets {
            self.by_name
                .entry((d.as_str(), folded.clone()))
                .or_default()
                .insert(&e.id);
        }
    }

    /// The words of a note that are references of another entry of the
    /// entity's datasets; a word shaped like a reference that names no
    /// entry is recorded once per entity as unresolved.
    fn find_references(
        &self,
        e: &Entity,
        property: &'static str,
        note: &str,
        found: &mut BTreeMap<&'a str, String>,
        unresolved: &mut Vec<Unresolved>,
    ) {
        for (s, t) in words(note) {
            let word = &note[s..t];
            let mut resolved = false;
            let mut shaped = false;
            for d in &e.datasets {
                if let Some(ids) = self.by_ref.get(&(d.as_str(), word)) {
                    resolved = true;
                    for id in ids.iter().filter(|id| **id != e.id) {
                        found.entry(id).or_insert_with(|| sentence(note, s, t));
                    }
                }
                shaped |= self
                    .shapes
                    .get(d.as_str())
                    .is_some_and(|set| set.contains(&shape(word)));
            }
            if shaped
                && !resolved
                && !unresolved
                    .iter()
                    .any(|u: &Unresolved| u.entity_id == e.id && u.name == word)
            {
                unresolved.push(Unresolved {
                    entity_id: e.id.clone(),
                    name: word.to_string(),
                    property,
                });
            }
        }
    }

    /// The names of other entries of the entity's datasets in a note, the
    /// longest at each word first.
    fn find_names(
        &self,
        e: &Entity,
        note: &str,
        folder: &mut WordFolder,
        found: &mut BTreeMap<&'a str, String>,
    ) {
        let folded = folder.fold_text(note);
        let mut i = 0;
        while i < folded.len() {
            let mut matched = 0;
            // Only positions where a name starts are tried, and only
            // as long as its longest name.
            let longest = self
                .starts
                .get(&folded[i].0)
                .map_or(0, |&most| most.min(folded.len() - i));
            for n in (MIN_NAME_WORDS..=longest).rev() {
                let phrase: Vec<String> = folded[i..i + n].iter().map(|w| w.0.clone()).collect();
                let mut hit = false;
                for d in &e.datasets {
                    if let Some(ids) = self.by_name.get(&(d.as_str(), phrase.clone())) {
                        for id in ids.iter().filter(|id| **id != e.id) {
                            hit = true;
                            found.entry(id).or_insert_with(|| {
                                sentence(note, folded[i].1, folded[i + n - 1].2)
                            });
                        }
                    }
                }
                if hit {
                    matched = n;
                    break;
                }
            }
            i += matched.max(1);
        }
    }
}

/// The link from an entity to one it names, with the sentence naming it.
fn mention_link(e: &Entity, target: &str, sentence: String) -> Link {
    let mut properties = BTreeMap::new();
    properties.insert("role".to_string(), vec![MENTION_ROLE.to_string()]);
    properties.insert("description".to_string(), vec![sentence]);
    Link {
        id: format!("{}-names-{}", e.id, target),
        schema: "UnknownLink".to_string(),
        first: ("subject".to_string(), e.id.clone()),
        second: ("object".to_string(), target.to_string()),
        properties,
        datasets: e.datasets.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_signs_only() {
        let t = "leader of ADF (CDe.001), Ri Je-son's. Done.";
        let w: Vec<&str> = words(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(
            w,
            ["leader", "of", "ADF", "CDe.001", "Ri", "Je-son's", "Done"]
        );
        assert_eq!(shape("CDe.001"), "AAa.999");
        assert!(is_reference_shape("AAa.999") && !is_reference_shape("9999"));
    }

    #[test]
    fn sentence_is_cut_at_sentence_ends() {
        let t = "First one. Owned by Korea Ryonbong General Corporation; and more. Last.";
        let s = t.find("Korea").unwrap();
        assert_eq!(
            sentence(t, s, s + 5),
            "Owned by Korea Ryonbong General Corporation;"
        );
    }

    fn listed(id: &str, schema: yalu_model::Schema, name: &str, reference: &str) -> Entity {
        let mut e = Entity::new(id, schema);
        e.add(prop::NAME, name);
        e.add(prop::PROGRAM_ID, reference);
        e.add_dataset("un");
        e
    }

    #[test]
    fn notes_name_entries_by_reference_and_by_name_within_the_list() {
        use yalu_model::Schema;
        let group = listed(
            "u1",
            Schema::Organization,
            "Korea Ryonbong General Corporation",
            "KPe.001",
        );
        let bank = listed(
            "u2",
            Schema::Organization,
            "Tanchon Commercial Bank",
            "KPe.003",
        );
        let mut sub = listed(
            "u3",
            Schema::Organization,
            "Korea Pugang Trading Corporation",
            "KPe.002",
        );
        sub.add(
            prop::NOTES,
            "Founded 1999. A subsidiary of KOREA RYONBONG GENERAL CORPORATION, it pays through \
             (KPe.003) and (KPe.099); see also Korea Pugang Trading Corporation.",
        );
        let mut other_list = listed("o1", Schema::Organization, "Tanchon Commercial Bank", "X1");
        other_list.datasets = vec!["ofac".into()];
        let (links, unresolved) = find(
            &[&group, &bank, &sub, &other_list],
            &mut WordFolder::default(),
        );
        let ends: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.first.1.as_str(), l.second.1.as_str()))
            .collect();
        // By name (case and spelling folded), by reference number; not
        // itself, not the other list's namesake.
        assert_eq!(ends, [("u3", "u1"), ("u3", "u2")]);
        assert_eq!(
            links[0].properties["description"],
            [
                "A subsidiary of KOREA RYONBONG GENERAL CORPORATION, it pays through (KPe.003) and (KPe.099);"
            ]
        );
        assert_eq!(links[0].properties["role"], [MENTION_ROLE]);
        assert_eq!(
            unresolved,
            [Unresolved {
                entity_id: "u3".into(),
                name: "KPe.099".into(),
                property: prop::NOTES
            }]
        );
    }
}
