//! # yalu-search
//!
//! Full-text search over the screening index, with the semantics of yente's
//! `/search`: an analyst types a word, a few words or the start of a word and
//! gets ranked entities with a `score`, filters and facet counts. Screening
//! (`/match`) stays in `yalu-match`; this crate only finds.
//!
//! ## Tutorial
//!
//! Build a [`TextIndex`] beside a [`yalu_match::Index`] (it records the same
//! entities, in the same order), then run [`TextQuery`]s against the pair:
//!
//! ```
//! use yalu_match::Index;
//! use yalu_model::{Entity, Schema, prop};
//! use yalu_search::{TextIndex, TextQuery};
//!
//! let mut group = Entity::new("un-1", Schema::Organization);
//! group.add(prop::NAME, "MANSUDAE OVERSEAS PROJECT GROUP OF COMPANIES");
//! let mut other = Entity::new("ofac-2", Schema::Organization);
//! other.add(prop::NAME, "OVERSEAS TRADING COMPANY");
//! let index = Index::build(vec![group, other]);
//! let text = TextIndex::build(&index);
//!
//! // One word, a prefix, and the Hangul spelling all find the group.
//! for q in ["Mansudae", "mansu", "만수대"] {
//!     let found = text.search(&index, &TextQuery::new(q), &|_| true).unwrap();
//!     assert_eq!(found.hits[0].entity.id, "un-1", "{q}");
//!     assert!(found.hits[0].score > 0.0);
//! }
//! ```
//!
//! ## What is indexed
//!
//! Every name and alias is normalised with [`yalu_names::normalize`], the same
//! pipeline screening uses, and every token of every spelling variant becomes
//! a term: `만수대`, `萬壽臺` and `Mansudae` meet on `mansudae`. Romanised Korean
//! syllables also index their comparable key (`jong`, `jeong`, `chung`), and
//! the tokens of one Hangul or Han word are also indexed joined. Identifiers
//! (passport, IMO, registration numbers, wallets...) are indexed with only
//! their letters and digits. Addresses, notes and other free text are indexed
//! too, with a third of a name's weight ([`FIELD_WEIGHTS`]), each
//! whitespace-separated word through the same pipeline on its own (free text
//! repeats its words, so each distinct word is analysed once per build).
//!
//! ## How a query matches
//!
//! The query is cut into words (see [`TextQuery::q`] for the syntax). Every
//! word must match (as in yente, whose default operator is AND), exactly, as
//! a prefix of a term, through its Korean key, or, with `fuzzy`, within an
//! edit distance that grows with its length. A document's score sums, per
//! word, the best BM25-like weight of a term it matched, times the quality of
//! that match (exact 1, Korean key 0.8, prefix 0.7, or 0.9 when it ends on a
//! syllable of a romanised Korean word, with the rarity of the prefix as a whole, fuzzy 0.6 or 0.4). Names, identifiers and text add up.

mod query;
mod text;

pub use query::{Facet, FieldFilter, SortField, SortKey, TextQuery};
pub use text::{FIELD_WEIGHTS, Field, SearchHit, SearchResults, TextIndex};

/// Why a search request is refused. Each names the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// A `facets` value that is not one of [`Facet`]'s names.
    #[error("unknown facet `{0}`; facets are countries, topics, datasets, schema")]
    UnknownFacet(String),
    /// A `filter` value without a `:` or with an empty field or value.
    #[error("filter `{0}` is not FIELD:VALUE (e.g. `countries:kp`, `properties.idNumber:123`)")]
    BadFilter(String),
    /// A `sort` value naming an unknown field or a direction other than
    /// `asc` / `desc`.
    #[error(
        "sort `{0}` is not FIELD or FIELD:asc|desc with FIELD one of score, caption, id, schema, first_seen, last_seen, last_change"
    )]
    BadSort(String),
    /// The [`TextIndex`] was built over another screening index than the
    /// one searched (after a reload, say): its document numbers would name
    /// the wrong entities, so nothing is returned.
    #[error("the text index was built over another index ({built} entities, given {given})")]
    IndexMismatch {
        /// Entities in the index the text index was built over.
        built: usize,
        /// Entities in the index given to the search.
        given: usize,
    },
}
