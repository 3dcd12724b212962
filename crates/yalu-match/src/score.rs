//! The entity scorer: features, their combination, and the explanation of
//! every score.
//!
//! A score depends only on the query, the candidate and the [`MatchConfig`]
//! passed in. It starts from the best name similarity (over every name and
//! alias of both sides, weak aliases discounted) and is then moved by birth
//! date, country, identifier and gender evidence. Each feature that moved
//! the score, or that was compared and found neutral, appears in the
//! explanations with what was compared and by how much it counted.
//!
//! ## Birth dates on disagreeing lists
//!
//! Birth dates more than a year apart normally cost
//! [`MatchConfig::birth_date_conflict`] (0.35): the pair is a homonym, not
//! the listed person. Lists do disagree on one person's birth date, though,
//! so the cost falls to [`crate::DisagreeingLists::birth_date_conflict`]
//! (0.15) when the rest of the evidence says "one person on two lists":
//! a near-exact name (name score at least 0.93), a country in common, and a
//! distinctive name, that is not a romanised Korean name (few surnames, a
//! small stock of syllables: every such name is shared by many), at least
//! 12 letters in its words, and no other entry of the candidate's own list
//! with the same name (when screening through an [`crate::Index`]). An exact
//! name with one nationality then scores 1 + 0.02 - 0.15 = 0.87, while
//! `KIM Yong Chol` born 1947 against `KIM Yong Chol` born 1962 stays at
//! 1 + 0.02 - 0.35 = 0.67. The birth-date explanation says which cost was
//! applied and why. The values live in [`crate::DisagreeingLists`], one field
//! of the config; `docs/scoring.md` has the calibration figures.
//!
//! ## Words contradicted by another name of the person
//!
//! A person's name that the query meets wholly while the query has words of
//! its own (`PANTELEEV Oleg MUNOZ` against the alias `PANTELEEV, Oleg`) counts
//! at its contradicted score ([`crate::name_score::NameFit::contradicted`])
//! when another name of the same person, not a weak alias, meets as much of
//! the query and has a word of its own in the place of the query's
//! (`PANTELEEV, Oleg Evgenevich`): a substitution, priced at
//! [`crate::name_score::NameScoreConfig::contradicted_word_penalty`] per word,
//! which leaves the name just under the threshold unless the same birth day
//! or an identifier supports it. The name explanation names the contradicting
//! name.

use crate::config::MatchConfig;
use crate::name_score::{self, NameKind};
use crate::prepared::{NameSource, PreparedEntity};
use serde::Serialize;
use std::collections::BTreeMap;
use yalu_model::{DatePrecision, Schema};

/// How one feature counted: the hit line's record type, owned by
/// yalu-model (`yalu_model::Explanation`) so that every reader of hit
/// lines shares it.
pub use yalu_model::Explanation;

/// A scored comparison of two entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// Final score in [0, 1].
    pub score: f64,
    /// `score >= threshold`.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Feature name → explanation.
    pub explanations: BTreeMap<String, Explanation>,
}

/// Feature names as they appear in explanations.
pub mod feature {
    /// The best-matching pair of names, query and candidate; the base of the score.
    pub const NAME: &str = "name";
    /// Present only when the schemas cannot be the same thing (a person and a
    /// vessel): the score is 0.
    pub const SCHEMA: &str = "schema";
    /// Birth dates agreeing or conflicting, at the precision both sides give.
    pub const BIRTH_DATE: &str = "birth_date";
    /// Countries (nationality, citizenship, jurisdiction...) shared or not.
    pub const COUNTRY: &str = "country";
    /// An identifier shared (passport, IMO, registration number): lifts the
    /// score to at least the configured floor.
    pub const IDENTIFIER: &str = "identifier";
    /// Genders agreeing (+0) or conflicting (a penalty).
    pub const GENDER: &str = "gender";
    /// Present when the query's name matched only once letters imitating Latin letters
    /// (Cyrillic `К`, Greek `Ο`, ...) were read as those letters; `detail` lists them. A
    /// name disguised this way is a red flag in itself. Contributes nothing to the score.
    pub const LOOKALIKES: &str = "lookalikes";
}

/// The look-alike letters behind a scored match (see [`feature::LOOKALIKES`]), as listed in
/// its explanation; empty for an honest name.
pub fn lookalikes_of(scored: &Scored) -> Option<&Explanation> {
    scored.explanations.get(feature::LOOKALIKES)
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The name kind to compare two entities under: the more specific side wins.
pub fn pair_kind(query: &Schema, candidate: &Schema) -> NameKind {
    let q = crate::prepared::name_kind(query);
    let c = crate::prepared::name_kind(candidate);
    if c != NameKind::Other { c } else { q }
}

/// Scores a prepared query against a prepared candidate. The query's names
/// must have been prepared for [`pair_kind`] of the two schemas (the index
/// takes care of that).
pub fn score(query: &PreparedEntity, candidate: &PreparedEntity, cfg: &MatchConfig) -> Scored {
    let mut explanations = BTreeMap::new();
    if !Schema::compatible(&query.entity.schema, &candidate.entity.schema) {
        explanations.insert(
            feature::SCHEMA.to_string(),
            schema_conflict(query, candidate),
        );
        return Scored {
            score: 0.0,
            is_match: false,
            explanations,
        };
    }
    let best = best_name_pair(query, candidate, cfg)
        .map(|pair| explain_name_pair(query, candidate, pair, cfg));
    let mut total = name_feature(query, candidate, best.as_ref(), cfg, &mut explanations);
    let name_evidence = best.as_ref().map(|b| NameEvidence {
        score: b.matched.score,
        name: &candidate.names[b.pair.ci].prepared,
        namesakes: candidate.names[b.pair.ci].namesakes,
    });
    total = other_features(
        query,
        candidate,
        name_evidence,
        total,
        cfg,
        &mut explanations,
    );
    let score = round(total.clamp(0.0, 1.0));
    Scored {
        score,
        is_match: score >= cfg.threshold,
        explanations,
    }
}

/// The explanation of a query whose schema the candidate's cannot be.
fn schema_conflict(query: &PreparedEntity, candidate: &PreparedEntity) -> Explanation {
    Explanation {
        detail: format!(
            "a {} cannot be a {}",
            query.entity.schema, candidate.entity.schema
        ),
        score: 0.0,
        query: Some(query.entity.schema.to_string()),
        candidate: Some(candidate.entity.schema.to_string()),
        contribution: 0.0,
    }
}

/// The best pair of names of a query and a candidate, as [`best_name_pair`] finds it.
#[derive(Clone, Copy)]
struct NamePair {
    /// The pair's score after the weak-alias discount: what the name contributes.
    effective: f64,
    /// The pair's score before the discount (its contradicted score if `witness` is set).
    raw: f64,
    /// Index of the query's name.
    qi: usize,
    /// Index of the candidate's name.
    ci: usize,
    /// The candidate's name that contradicts the query's left-over words, if any.
    witness: Option<usize>,
}

/// The best pair over all names, weak aliases discounted. Pairs are scored without building
/// explanations; only the best one is explained ([`explain_name_pair`]). A name the query
/// meets wholly but for words of its own, which another name of the candidate contradicts,
/// counts at its contradicted score.
#[inline]
fn best_name_pair(
    query: &PreparedEntity,
    candidate: &PreparedEntity,
    cfg: &MatchConfig,
) -> Option<NamePair> {
    let nc = candidate.names.len();
    let mut fits = Vec::with_capacity(query.names.len() * nc);
    for q in &query.names {
        for c in &candidate.names {
            fits.push(name_score::fit(&q.prepared, &c.prepared, &cfg.name));
        }
    }
    let mut best_pair: Option<NamePair> = None;
    for (qi, q) in query.names.iter().enumerate() {
        let row = &fits[qi * nc..(qi + 1) * nc];
        for (ci, c) in candidate.names.iter().enumerate() {
            let witness = contradicting_name(row, ci, candidate);
            let raw = if witness.is_some() {
                row[ci].contradicted
            } else {
                row[ci].score
            };
            let effective =
                if c.source == NameSource::WeakAlias || q.source == NameSource::WeakAlias {
                    raw * cfg.weak_alias_factor
                } else {
                    raw
                };
            if best_pair.is_none_or(|b| effective > b.effective) {
                best_pair = Some(NamePair {
                    effective,
                    raw,
                    qi,
                    ci,
                    witness,
                });
            }
        }
    }
    best_pair
}

/// The best name pair with its explained comparison.
struct ExplainedPair {
    pair: NamePair,
    /// The comparison, its score and detail those of the contradicted score when a name
    /// contradicts the query's words.
    matched: name_score::NameMatch,
}

/// Compares the best pair again, this time with its explanation, and says which name of the
/// candidate contradicts the query's left-over words.
fn explain_name_pair(
    query: &PreparedEntity,
    candidate: &PreparedEntity,
    pair: NamePair,
    cfg: &MatchConfig,
) -> ExplainedPair {
    let mut m = name_score::compare(
        &query.names[pair.qi].prepared,
        &candidate.names[pair.ci].prepared,
        &cfg.name,
    );
    if let Some(cj) = pair.witness {
        m.detail = format!(
            "{}; the query's other words contradict the candidate's name `{}` (another \
             word there: a substitution, x{:.2})",
            m.detail,
            candidate.names[cj].raw,
            pair.raw / m.score.max(f64::MIN_POSITIVE)
        );
        m.score = pair.raw;
    }
    ExplainedPair { pair, matched: m }
}

/// The name feature (and the look-alike letters of the query's name, if any) explained;
/// returns the name's contribution, the score the other features then move.
fn name_feature(
    query: &PreparedEntity,
    candidate: &PreparedEntity,
    best: Option<&ExplainedPair>,
    cfg: &MatchConfig,
    explanations: &mut BTreeMap<String, Explanation>,
) -> f64 {
    let Some(best) = best else {
        explanations.insert(
            feature::NAME.to_string(),
            Explanation {
                detail: "no name to compare".into(),
                score: 0.0,
                query: None,
                candidate: None,
                contribution: 0.0,
            },
        );
        return 0.0;
    };
    let m = &best.matched;
    let effective = best.pair.effective;
    let via = match candidate.names[best.pair.ci].source {
        NameSource::WeakAlias => format!(" (weak alias, x{})", cfg.weak_alias_factor),
        NameSource::Alias => " (alias)".to_string(),
        NameSource::PreviousName => " (previous name)".to_string(),
        _ => String::new(),
    };
    if !m.lookalikes.is_empty() {
        let list: Vec<String> = m
            .lookalikes
            .iter()
            .map(yalu_names::LookAlike::describe)
            .collect();
        explanations.insert(
            feature::LOOKALIKES.to_string(),
            Explanation {
                detail: format!(
                    "{} look-alike letter(s) read as Latin: {}",
                    list.len(),
                    list.join(", ")
                ),
                score: 1.0,
                query: Some(query.names[best.pair.qi].prepared.raw().to_string()),
                candidate: None,
                contribution: 0.0,
            },
        );
    }
    explanations.insert(
        feature::NAME.to_string(),
        Explanation {
            detail: format!("{}{via}", m.detail),
            score: round(m.score),
            query: Some(m.query.clone()),
            candidate: Some(m.candidate.clone()),
            contribution: round(effective),
        },
    );
    effective
}

/// The evidence beside the name, each feature explained and added to `total` in turn: birth
/// date, country, gender, then identifiers (which lift the score to a floor).
fn other_features(
    query: &PreparedEntity,
    candidate: &PreparedEntity,
    name_evidence: Option<NameEvidence>,
    mut total: f64,
    cfg: &MatchConfig,
    explanations: &mut BTreeMap<String, Explanation>,
) -> f64 {
    if let Some(e) = birth_date_feature(query, candidate, name_evidence, cfg) {
        total += e.contribution;
        explanations.insert(feature::BIRTH_DATE.to_string(), e);
    }
    if let Some(e) = country_feature(query, candidate, cfg) {
        total += e.contribution;
        explanations.insert(feature::COUNTRY.to_string(), e);
    }
    if let Some(e) = gender_feature(query, candidate, cfg) {
        total += e.contribution;
        explanations.insert(feature::GENDER.to_string(), e);
    }
    if let Some(mut e) = identifier_feature(query, candidate) {
        let lifted = (total + cfg.identifier_bonus).max(cfg.identifier_floor);
        e.contribution = round(lifted - total);
        e.detail = format!(
            "{} (score lifted to at least {})",
            e.detail, cfg.identifier_floor
        );
        total = lifted;
        explanations.insert(feature::IDENTIFIER.to_string(), e);
    }
    total
}

/// Another name of the candidate that contradicts the query's left-over words against name
/// `ci` of `row` (the fits of one query name against every candidate name): `ci` is met
/// wholly while the query has words of its own, and a fuller name, not a weak alias, meets
/// at least as much of the query and still has a word of its own in the place where the
/// query has another (a substitution in place). `PANTELEEV Oleg Ivanovich` meets `PANTELEEV, Oleg` wholly, but the same
/// person's `PANTELEEV, Oleg Sergeevich` says the third word is another.
fn contradicting_name(
    row: &[name_score::NameFit],
    ci: usize,
    candidate: &PreparedEntity,
) -> Option<usize> {
    let f = row.get(ci)?;
    if f.query_open <= 0.0 || f.candidate_open > 0.0 || f.contradicted >= f.score {
        return None;
    }
    (0..row.len()).find(|&cj| {
        let g = &row[cj];
        cj != ci
            && candidate.names[cj].source != NameSource::WeakAlias
            && g.substituted_in_place
            && g.query_met + 1e-9 >= f.query_met
    })
}

/// The best name match of a pair, as the birth-date feature reads it.
#[derive(Clone, Copy)]
struct NameEvidence<'a> {
    /// Name score of the best pair (before any weak-alias discount).
    score: f64,
    /// The candidate's name in that pair.
    name: &'a crate::name_score::PreparedName,
    /// Other entries of the candidate's list with that name (index only).
    namesakes: u32,
}

/// Why a birth-date conflict costs the reduced amount of
/// [`crate::config::DisagreeingLists`], or why not.
fn disagreeing_lists_rule(
    q: &PreparedEntity,
    c: &PreparedEntity,
    name: Option<NameEvidence>,
    cfg: &MatchConfig,
) -> Result<String, String> {
    let rule = &cfg.disagreeing_lists;
    let Some(name) = name else {
        return Err("no name match".into());
    };
    if name.score < rule.near_exact_name {
        return Err(format!(
            "name match {:.2} below near-exact {}",
            name.score, rule.near_exact_name
        ));
    }
    if q.countries.is_empty() || c.countries.is_empty() {
        return Err("no countries to agree".into());
    }
    if !q.countries.iter().any(|x| c.countries.contains(x)) {
        return Err("no country in common".into());
    }
    if name.name.korean_like() {
        return Err("a romanised Korean name is common".into());
    }
    if name.namesakes > 0 {
        return Err(format!(
            "{} other entries of the candidate's list carry this name",
            name.namesakes
        ));
    }
    let letters = name.name.word_letters();
    if letters < rule.distinctive_letters {
        return Err(format!(
            "a short name ({letters} letters, fewer than {}) is common",
            rule.distinctive_letters
        ));
    }
    Ok(format!(
        "near-exact name ({:.2}), country in common, distinctive name ({letters} letters): \
         lists often disagree on one person's birth date",
        name.score
    ))
}

fn birth_date_feature(
    q: &PreparedEntity,
    c: &PreparedEntity,
    name: Option<NameEvidence>,
    cfg: &MatchConfig,
) -> Option<Explanation> {
    if q.birth_dates.is_empty() || c.birth_dates.is_empty() {
        return None;
    }
    // Find the closest pair: exact day > compatible > one year apart > conflict.
    let mut best: Option<(u8, &yalu_model::FuzzyDate, &yalu_model::FuzzyDate)> = None;
    for a in &q.birth_dates {
        for b in &c.birth_dates {
            let rank = if a.compatible(b)
                && a.precision() == DatePrecision::Day
                && b.precision() == DatePrecision::Day
            {
                3
            } else if a.compatible(b) {
                2
            } else if (a.year - b.year).abs() <= 1 {
                1
            } else {
                0
            };
            if best.is_none_or(|(r, _, _)| rank > r) {
                best = Some((rank, a, b));
            }
        }
    }
    let (rank, a, b) = best?;
    let (detail, score, contribution) = match rank {
        3 => ("same birth date".to_string(), 1.0, cfg.birth_date_same_day),
        2 => (
            "birth dates agree as far as both are known".to_string(),
            0.8,
            cfg.birth_date_same_year,
        ),
        1 => (
            "birth dates differ by about a year".to_string(),
            0.4,
            -cfg.birth_date_within_year,
        ),
        _ => match disagreeing_lists_rule(q, c, name, cfg) {
            Ok(why) => (
                format!("birth dates conflict: more than a year apart; reduced cost ({why})"),
                0.0,
                -cfg.disagreeing_lists.birth_date_conflict,
            ),
            Err(why) => (
                format!("birth dates conflict: more than a year apart; full cost ({why})"),
                0.0,
                -cfg.birth_date_conflict,
            ),
        },
    };
    Some(Explanation {
        detail: format!("{detail} ({contribution:+})"),
        score,
        query: Some(a.to_string()),
        candidate: Some(b.to_string()),
        contribution,
    })
}

fn country_feature(
    q: &PreparedEntity,
    c: &PreparedEntity,
    cfg: &MatchConfig,
) -> Option<Explanation> {
    if q.countries.is_empty() || c.countries.is_empty() {
        return None;
    }
    let shared: Vec<&String> = q
        .countries
        .iter()
        .filter(|x| c.countries.contains(x))
        .collect();
    let (detail, score, contribution) = if shared.is_empty() {
        (
            "no country in common".to_string(),
            0.0,
            -cfg.country_conflict,
        )
    } else {
        (
            format!(
                "country in common: {}",
                shared
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            1.0,
            cfg.country_agree,
        )
    };
    Some(Explanation {
        detail: format!("{detail} ({contribution:+})"),
        score,
        query: Some(q.countries.join(", ")),
        candidate: Some(c.countries.join(", ")),
        contribution,
    })
}

fn gender_feature(
    q: &PreparedEntity,
    c: &PreparedEntity,
    cfg: &MatchConfig,
) -> Option<Explanation> {
    let (a, b) = (q.gender?, c.gender?);
    let same = a == b;
    let contribution = if same { 0.0 } else { -cfg.gender_conflict };
    Some(Explanation {
        detail: if same {
            "same gender (+0)".to_string()
        } else {
            format!("gender differs ({contribution:+})")
        },
        score: if same { 1.0 } else { 0.0 },
        query: Some(format!("{a:?}").to_lowercase()),
        candidate: Some(format!("{b:?}").to_lowercase()),
        contribution,
    })
}

fn identifier_feature(q: &PreparedEntity, c: &PreparedEntity) -> Option<Explanation> {
    for (qp, qn, qraw) in &q.identifiers {
        for (cp, cn, craw) in &c.identifiers {
            if qn == cn {
                return Some(Explanation {
                    detail: format!("identifier hit: {qp} = {cp}"),
                    score: 1.0,
                    query: Some(qraw.clone()),
                    candidate: Some(craw.clone()),
                    contribution: 0.0,
                });
            }
        }
    }
    None
}

/// Scores two raw entities (preparing both). Convenient for pairs and
/// tests; an index prepares candidates once instead.
pub fn score_entities(
    query: &yalu_model::Entity,
    candidate: &yalu_model::Entity,
    cfg: &MatchConfig,
) -> Scored {
    let kind = pair_kind(&query.schema, &candidate.schema);
    let q = PreparedEntity::with_kind(query.clone(), kind);
    let c = PreparedEntity::with_kind(candidate.clone(), kind);
    score(&q, &c, cfg)
}
