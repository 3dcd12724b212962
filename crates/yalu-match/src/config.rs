//! The scorer's configuration: one value, passed in, never global.

use crate::name_score::NameScoreConfig;
use serde::{Deserialize, Serialize};

mod overrides;

pub use overrides::{IgnoredSetting, SettingError};

/// The name of the scorer a [`MatchConfig`] configures: Yalu's one
/// screening algorithm.
pub const ALGORITHM: &str = "yalu-logic-v1";

/// Names that select [`ALGORITHM`] too: yente's algorithm names (clients
/// send `best`; `logic-v2`, `logic-v1` and `name-based` are yente's scorers,
/// for which Yalu's one scorer stands).
pub const ALGORITHM_ALIASES: [&str; 5] = ["best", "default", "logic-v2", "logic-v1", "name-based"];

/// yente's `weights` under nomenklatura's feature names (logic-v1/v2) that
/// correspond to a setting of [`MatchConfig`]: (feature, setting, factor
/// from the weight to the setting). nomenklatura's qualifiers are negative
/// weights added to the score; Yalu's penalties are amounts subtracted,
/// hence -1.
pub const NOMENKLATURA_WEIGHTS: [(&str, &str, f64); 5] = [
    // A weak alias's name score times the weight.
    ("weak_alias_match", "weak_alias_factor", 1.0),
    // An identifier hit scores the weight (Yalu: at least it).
    ("identifier_match", "identifier_floor", 1.0),
    ("country_mismatch", "country_conflict", -1.0),
    // Birth years more than a year apart.
    ("dob_year_disjoint", "birth_date_conflict", -1.0),
    ("gender_mismatch", "gender_conflict", -1.0),
];

/// Every weight and threshold of the entity scorer.
///
/// The final score starts from the best name similarity and is moved by the
/// other features; each movement is reported in the explanations.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchConfig {
    /// Score at or above which a result is a match.
    pub threshold: f64,
    /// Name similarity settings.
    pub name: NameScoreConfig,
    /// Multiplier on a name score reached through a weak alias (OFAC's
    /// low-quality a.k.a., UN quality `Low`).
    pub weak_alias_factor: f64,
    /// Added when a birth date agrees to the day.
    pub birth_date_same_day: f64,
    /// Added when birth dates agree as far as both are known (same year or
    /// month) but not to the day.
    pub birth_date_same_year: f64,
    /// Subtracted when the nearest birth dates are one year apart.
    pub birth_date_within_year: f64,
    /// Subtracted when every pair of birth dates is more than a year apart:
    /// a homonym, not the listed person.
    pub birth_date_conflict: f64,
    /// Added when the countries (nationality, citizenship, country,
    /// jurisdiction, flag) share a code.
    pub country_agree: f64,
    /// Subtracted when both sides give countries and none is shared.
    pub country_conflict: f64,
    /// An exact identifier hit (passport, IMO, registration number, wallet
    /// address...) lifts the score to at least this value.
    pub identifier_floor: f64,
    /// Added on top of the name score for an identifier hit.
    pub identifier_bonus: f64,
    /// Subtracted when both give a gender and they differ.
    pub gender_conflict: f64,
    /// Candidates fully scored per query, after key-based ranking.
    pub max_candidates: usize,
    /// When a birth-date conflict costs less: the same person on two lists.
    pub disagreeing_lists: DisagreeingLists,
}

/// The rule for lists that disagree on a person's birth date (see
/// `docs/scoring.md`, "Birth dates on disagreeing lists").
///
/// Official lists often give one person birth dates years apart (on the UN
/// and OFAC lists, about a third of the entries that share a name and a
/// nationality disagree by more than a year). A birth-date conflict costs
/// [`DisagreeingLists::birth_date_conflict`] instead of
/// [`MatchConfig::birth_date_conflict`] when all of these hold:
/// - the name match is near-exact (name score at least
///   [`DisagreeingLists::near_exact_name`]);
/// - both sides give countries and share one;
/// - the candidate's name is distinctive: not a romanised Korean name (a few
///   surnames and a small stock of given-name syllables make every such
///   name shared by many people), at least
///   [`DisagreeingLists::distinctive_letters`] letters in its words, and,
///   when screening through an [`crate::Index`], no other entry of the
///   candidate's own list carrying the same name (the same person on two
///   lists is not his own namesake).
///
/// Otherwise a common name with a conflicting birth date stays a homonym:
/// `KIM Yong Chol` born 1947 is not `KIM Yong Chol` born 1962.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DisagreeingLists {
    /// Cost of a birth-date conflict when the rule holds.
    pub birth_date_conflict: f64,
    /// Least name score of a near-exact name match.
    pub near_exact_name: f64,
    /// Least letters in the words of a distinctive name.
    pub distinctive_letters: usize,
}

impl Default for DisagreeingLists {
    fn default() -> Self {
        DisagreeingLists {
            birth_date_conflict: 0.15,
            near_exact_name: 0.93,
            distinctive_letters: 12,
        }
    }
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            threshold: 0.70,
            name: NameScoreConfig::default(),
            weak_alias_factor: 0.92,
            birth_date_same_day: 0.06,
            birth_date_same_year: 0.02,
            birth_date_within_year: 0.12,
            birth_date_conflict: 0.35,
            country_agree: 0.02,
            country_conflict: 0.10,
            identifier_floor: 0.90,
            identifier_bonus: 0.10,
            gender_conflict: 0.15,
            max_candidates: 100,
            disagreeing_lists: DisagreeingLists::default(),
        }
    }
}
