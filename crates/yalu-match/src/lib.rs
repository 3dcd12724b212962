//! # yalu-match
//!
//! Screening: an in-memory index over FtM entities and a scorer whose every
//! score explains itself.
//!
//! ## Tutorial
//!
//! Build an [`Index`] once from entities (any list reader in `yalu-lists`
//! produces them), then screen query entities against it from any number of
//! threads. A query is an entity too: a schema and whatever properties are
//! known (names in any script or romanisation, birth date, nationality,
//! identifiers).
//!
//! ```
//! use yalu_match::{Index, MatchConfig, SearchOptions};
//! use yalu_model::{Entity, Schema, prop};
//!
//! let mut kim = Entity::new("ofac-20157", Schema::Person);
//! kim.add(prop::NAME, "KIM, Jong Un");
//! kim.add(prop::BIRTH_DATE, "1984-01-08");
//! kim.add(prop::NATIONALITY, "kp");
//! let index = Index::build(vec![kim]);
//!
//! let mut query = Entity::new("q1", Schema::Person);
//! query.add(prop::NAME, "김정은");
//! query.add(prop::BIRTH_DATE, "1984");
//!
//! let config = MatchConfig::default();
//! let hits = index.search(&query, &config, &SearchOptions::default());
//! assert_eq!(hits[0].entity.id, "ofac-20157");
//! assert!(hits[0].scored.is_match);
//! // Every score explains itself, feature by feature.
//! let name = &hits[0].scored.explanations["name"];
//! println!("{} ({})", name.detail, name.score);
//! ```
//!
//! The score lies in [0, 1] and depends only on the query, the candidate and
//! the [`MatchConfig`] passed in: no global state, no environment variables.

mod config;
pub mod eval;
mod index;
pub mod name_score;
mod prepared;
mod score;

pub use config::{
    ALGORITHM, ALGORITHM_ALIASES, DisagreeingLists, IgnoredSetting, MatchConfig,
    NOMENKLATURA_WEIGHTS, SettingError,
};
pub use index::{DocId, Hit, Index, SearchOptions};
pub use prepared::{
    EntityName, Gender, NameSource, PreparedEntity, name_kind, normalize_identifier,
};
pub use score::{Explanation, Scored, feature, lookalikes_of, pair_kind, score, score_entities};
