//! The in-memory screening index.
//!
//! Every entity is prepared once ([`PreparedEntity`]). Each of its names
//! yields blocking keys (normalised tokens, Korean comparable syllables,
//! phonetic codes: see [`PreparedName::keys`]); the index maps each key to
//! the entities that have it. A query's keys select candidates, ranked by the
//! summed rarity (IDF) of the keys they share; at most
//! [`MatchConfig::max_candidates`] of them are fully scored. The index is
//! immutable once built and `Sync`, so one build serves many threads.

use crate::config::MatchConfig;
use crate::name_score::{NameKind, PreparedName};
use crate::prepared::{NameSource, PreparedEntity};
use crate::score::{Scored, pair_kind, score};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use yalu_model::Entity;

/// An entity id inside the index.
pub type DocId = u32;

/// A scored result.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    /// The indexed entity that matched the query.
    pub entity: &'a Entity,
    /// Its score against the query, with the explanation of every feature.
    pub scored: Scored,
}

/// The in-memory index over a set of entities.
pub struct Index {
    docs: Vec<PreparedEntity>,
    by_id: HashMap<String, DocId>,
    keys: HashMap<Box<str>, u32>,
    postings: Vec<Vec<DocId>>,
}

/// Per-query options.
pub struct SearchOptions<'f> {
    /// At most this many hits, best first (default 5).
    pub limit: usize,
    /// Results below this score are dropped (use 0 to see all).
    pub cutoff: f64,
    /// Keep only candidates for which this returns true (datasets, schema,
    /// topics, excluded ids...). Applied inside candidate generation, before
    /// the [`MatchConfig::max_candidates`] bound: a dataset's entries are
    /// never crowded out by namesakes from other datasets.
    pub filter: Option<&'f (dyn Fn(&Entity) -> bool + Sync)>,
}

impl Default for SearchOptions<'_> {
    fn default() -> Self {
        SearchOptions {
            limit: 5,
            cutoff: 0.0,
            filter: None,
        }
    }
}

/// Postings longer than this share of all documents are only used to
/// re-rank candidates found through rarer keys, never to add new ones.
const COMMON_KEY_SHARE: f64 = 0.05;
/// Candidates gathered from keys before ranking.
const CANDIDATE_POOL: usize = 20_000;

/// Sets [`crate::prepared::EntityName::namesakes`]: for each name (weak
/// aliases aside), how many other entries of the same dataset carry the same
/// words. Entries without a dataset count as one list. The same person on
/// two lists is not his own namesake.
fn count_namesakes(docs: &mut [PreparedEntity]) {
    fn lists(d: &PreparedEntity) -> Vec<&str> {
        if d.entity.datasets.is_empty() {
            vec![""]
        } else {
            d.entity.datasets.iter().map(String::as_str).collect()
        }
    }
    let keys: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            d.names
                .iter()
                .map(|n| {
                    if n.source == NameSource::WeakAlias {
                        String::new()
                    } else {
                        n.prepared.word_key()
                    }
                })
                .collect()
        })
        .collect();
    let mut counts: HashMap<(&str, &str), u32> = HashMap::new();
    for (d, ks) in docs.iter().zip(&keys) {
        let mut mine: Vec<&str> = ks
            .iter()
            .map(String::as_str)
            .filter(|k| !k.is_empty())
            .collect();
        mine.sort_unstable();
        mine.dedup();
        for list in lists(d) {
            for k in &mine {
                *counts.entry((list, k)).or_insert(0) += 1;
            }
        }
    }
    let namesakes: Vec<Vec<u32>> = docs
        .iter()
        .zip(&keys)
        .map(|(d, ks)| {
            ks.iter()
                .map(|k| {
                    if k.is_empty() {
                        return 0;
                    }
                    lists(d)
                        .iter()
                        .map(|l| counts.get(&(*l, k.as_str())).map_or(0, |c| c - 1))
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    drop(counts);
    for (d, ns) in docs.iter_mut().zip(namesakes) {
        for (name, n) in d.names.iter_mut().zip(ns) {
            name.namesakes = n;
        }
    }
}

impl Index {
    /// Builds the index. Only screenable entities (people, organisations,
    /// vessels, aircraft) are indexed; relationship entities are skipped.
    pub fn build(entities: impl IntoIterator<Item = Entity>) -> Index {
        let entities: Vec<Entity> = entities
            .into_iter()
            .filter(|e| e.schema.is_screenable())
            .collect();
        let mut docs: Vec<PreparedEntity> =
            entities.into_par_iter().map(PreparedEntity::new).collect();
        count_namesakes(&mut docs);
        let doc_keys: Vec<Vec<String>> = docs
            .par_iter()
            .map(|d| {
                let mut keys: Vec<String> =
                    d.names.iter().flat_map(|n| n.prepared.keys()).collect();
                keys.extend(
                    d.identifiers
                        .iter()
                        .map(|(_, norm, _)| format!("id:{norm}")),
                );
                keys.sort_unstable();
                keys.dedup();
                keys
            })
            .collect();
        let mut keys: HashMap<Box<str>, u32> = HashMap::new();
        let mut postings: Vec<Vec<DocId>> = Vec::new();
        for (doc, ks) in doc_keys.into_iter().enumerate() {
            for k in ks {
                let next = postings.len() as u32;
                let slot = *keys.entry(k.into_boxed_str()).or_insert(next);
                if slot == next {
                    postings.push(Vec::new());
                }
                postings[slot as usize].push(doc as DocId);
            }
        }
        for p in &mut postings {
            p.shrink_to_fit();
        }
        let by_id = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.entity.id.clone(), i as DocId))
            .collect();
        Index {
            docs,
            by_id,
            keys,
            postings,
        }
    }

    /// Number of indexed entities.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Number of distinct blocking keys.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// An entity by id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&d| &self.docs[d as usize].entity)
    }

    /// Every indexed entity.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        self.docs.iter().map(|d| &d.entity)
    }

    fn query_keys(&self, query: &PreparedEntity) -> Vec<(u32, f64)> {
        let n = self.docs.len().max(1) as f64;
        let mut out: Vec<(u32, f64)> = Vec::new();
        let mut raw: Vec<String> = query.names.iter().flat_map(|q| q.prepared.keys()).collect();
        raw.extend(
            query
                .identifiers
                .iter()
                .map(|(_, norm, _)| format!("id:{norm}")),
        );
        raw.sort_unstable();
        raw.dedup();
        for k in raw {
            if let Some(&slot) = self.keys.get(k.as_str()) {
                let df = self.postings[slot as usize].len() as f64;
                let idf = (1.0 + n / df).ln();
                let weight = if k.starts_with("id:") { idf * 4.0 } else { idf };
                out.push((slot, weight));
            }
        }
        out.sort_by_key(|(slot, _)| self.postings[*slot as usize].len());
        out
    }

    /// Ranks candidate documents by the keys they share with the query.
    /// Documents the filter rejects never enter the pool, so the `max` bound
    /// (and [`CANDIDATE_POOL`]) counts accepted documents only; the filter
    /// runs once per distinct document met.
    fn candidates(
        &self,
        query: &PreparedEntity,
        max: usize,
        filter: Option<&(dyn Fn(&Entity) -> bool + Sync)>,
    ) -> Vec<DocId> {
        let keys = self.query_keys(query);
        let common = ((self.docs.len() as f64) * COMMON_KEY_SHARE).max(1000.0) as usize;
        let mut acc: HashMap<DocId, f64> = HashMap::new();
        let mut rejected: HashSet<DocId> = HashSet::new();
        for (i, (slot, weight)) in keys.iter().enumerate() {
            let posting = &self.postings[*slot as usize];
            let may_add =
                acc.len() < CANDIDATE_POOL && (posting.len() <= common || i == 0 || acc.is_empty());
            if may_add {
                for d in posting {
                    if let Some(v) = acc.get_mut(d) {
                        *v += weight;
                    } else if rejected.contains(d) {
                        continue;
                    } else if filter.is_none_or(|f| f(&self.docs[*d as usize].entity)) {
                        acc.insert(*d, *weight);
                    } else {
                        rejected.insert(*d);
                    }
                }
            } else {
                for d in posting {
                    if let Some(v) = acc.get_mut(d) {
                        *v += weight;
                    }
                }
            }
        }
        let mut ranked: Vec<(DocId, f64)> = acc.into_iter().collect();
        if ranked.len() > max {
            ranked.select_nth_unstable_by(max, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(max);
        }
        ranked.into_iter().map(|(d, _)| d).collect()
    }

    /// Screens one query entity. Results are sorted by score, best first,
    /// at most `opts.limit`, none below `opts.cutoff`.
    pub fn search(&self, query: &Entity, cfg: &MatchConfig, opts: &SearchOptions) -> Vec<Hit<'_>> {
        self.search_counted(query, cfg, opts).0
    }

    /// Like [`Index::search`], also returning how many candidates reached
    /// the threshold in total (for `total.value` in API responses). The
    /// count is over the filtered candidates: `opts.filter` applies before
    /// the candidate bound, so it counts every accepted candidate scored,
    /// not the survivors of a bound taken over the whole index.
    pub fn search_counted(
        &self,
        query: &Entity,
        cfg: &MatchConfig,
        opts: &SearchOptions,
    ) -> (Vec<Hit<'_>>, usize) {
        // The query's names are analysed once per name kind they meet.
        let blocking = PreparedEntity::new(query.clone());
        let candidates = self.candidates(&blocking, cfg.max_candidates, opts.filter);
        let mut prepared: HashMap<NameKind, PreparedEntity> = HashMap::new();
        prepared.insert(blocking.kind, blocking);
        let mut hits: Vec<Hit<'_>> = Vec::new();
        let mut matched = 0;
        for doc in candidates {
            let cand = &self.docs[doc as usize];
            let kind = pair_kind(&query.schema, &cand.entity.schema);
            let q = prepared
                .entry(kind)
                .or_insert_with(|| PreparedEntity::with_kind(query.clone(), kind));
            let scored = score(q, cand, cfg);
            if scored.is_match {
                matched += 1;
            }
            if scored.score >= opts.cutoff && scored.score > 0.0 {
                hits.push(Hit {
                    entity: &cand.entity,
                    scored,
                });
            }
        }
        hits.sort_by(|a, b| {
            b.scored
                .score
                .total_cmp(&a.scored.score)
                .then_with(|| a.entity.id.cmp(&b.entity.id))
        });
        hits.truncate(opts.limit);
        (hits, matched)
    }

    /// The blocking keys of a raw name, for debugging and tests.
    pub fn name_keys(name: &str, kind: NameKind) -> Vec<String> {
        PreparedName::new(name, kind).keys()
    }
}
