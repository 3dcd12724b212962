//! Wire types: the request and response bodies, in yente 5.5's shapes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use yalu_model::Entity;

/// Body of `POST /match/{dataset}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Scorer weights by Yalu setting name (see `/algorithms`) or by
    /// nomenklatura feature name where a Yalu setting corresponds
    /// (`country_mismatch`, `dob_year_disjoint`, `gender_mismatch`,
    /// `weak_alias_match`, `identifier_match`); other names are not applied
    /// and come back as `ignored_weight` warnings in each query.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Scorer settings by name (see `/algorithms`); unknown names are not
    /// applied and come back as `ignored_config` warnings in each query.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub config: serde_json::Map<String, serde_json::Value>,
    /// Query entities by a key of the caller's choice.
    pub queries: BTreeMap<String, EntityExample>,
}

/// A query entity: a schema and whatever properties are known.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct EntityExample {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[schema(example = "Person")]
    pub schema: String,
    /// Property values: a list of strings (a single string is accepted).
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"name": ["Kim Jong Un"], "birthDate": ["1984"]}))]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// The query as the server understood it (values cleaned).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CleanedExample {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
}

/// Body of a `/match` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    /// One answer per query key.
    pub responses: BTreeMap<String, EntityMatches>,
    /// The `limit` applied.
    pub limit: usize,
}

/// The answer to one query.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityMatches {
    /// Always 200: a query is answered with what could be read of it.
    pub status: u16,
    /// Best first, at most `limit`, none below `cutoff`.
    pub results: Vec<ScoredEntity>,
    /// `value` counts candidates scoring at or above `threshold`.
    pub total: TotalSpec,
    pub query: CleanedExample,
    /// Property values of this query that could not be cleaned (an
    /// impossible date, a place naming no country) and were left out of it;
    /// the query was screened without them. Empty when every value was
    /// used.
    pub warnings: Vec<QueryWarning>,
}

/// A property value left out of a query, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryWarning {
    /// `invalid_date` or `invalid_country` (a value left out of the query);
    /// `ignored_weight` or `ignored_config` (a request's `weights` or
    /// `config` key that Yalu has no setting for, not applied).
    #[schema(example = "invalid_country")]
    pub code: &'static str,
    #[schema(example = "nationality")]
    pub property: String,
    /// The value as sent.
    #[schema(example = "Atlantis")]
    pub value: String,
    pub detail: String,
}

impl From<yalu_model::ValueWarning> for QueryWarning {
    fn from(w: yalu_model::ValueWarning) -> Self {
        QueryWarning {
            code: w.kind.code(),
            detail: w.to_string(),
            property: w.property,
            value: w.value,
        }
    }
}

/// A count with its precision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TotalSpec {
    pub value: usize,
    /// `eq` when `value` is exact.
    #[schema(example = "eq")]
    pub relation: &'static str,
}

impl TotalSpec {
    pub fn exact(value: usize) -> Self {
        TotalSpec {
            value,
            relation: "eq",
        }
    }
}

/// A listed entity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntityResponse {
    #[schema(example = "ofac-20157")]
    pub id: String,
    pub caption: String,
    #[schema(example = "Person")]
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
    pub datasets: Vec<String>,
    pub referents: Vec<String>,
    pub target: bool,
    /// RFC 3339 date-time (dates become midnight).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub last_change: Option<String>,
}

impl EntityResponse {
    pub fn from_entity(e: &Entity) -> Self {
        EntityResponse {
            id: e.id.clone(),
            caption: e.caption().to_string(),
            schema: e.schema.name().to_string(),
            properties: e.properties.clone(),
            datasets: e.datasets.clone(),
            referents: e.referents.clone(),
            target: e.target,
            first_seen: e.first_seen.as_deref().map(as_datetime),
            last_seen: e.last_seen.as_deref().map(as_datetime),
            last_change: e.last_change.as_deref().map(as_datetime),
        }
    }
}

/// Lists give dates (`2021-07-07`, sometimes `2021-07` or `2021`); yente
/// clients expect date-times. A partial date becomes the first instant of
/// the period it names.
fn as_datetime(value: &str) -> String {
    let v = value.trim();
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 if digits(0..4) => format!("{v}-01-01T00:00:00"),
        7 if digits(0..4) && b[4] == b'-' && digits(5..7) => format!("{v}-01T00:00:00"),
        10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) => {
            format!("{v}T00:00:00")
        }
        _ => v.to_string(),
    }
}

/// One feature's part in a score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeatureExplanation {
    /// The feature's own similarity or value.
    pub score: f64,
    /// What was compared and how it counted.
    pub detail: String,
    pub query: Option<String>,
    pub candidate: Option<String>,
    /// How much the feature moved the final score.
    pub contribution: f64,
}

/// A result of `/match`: the entity, its score and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoredEntity {
    #[serde(flatten)]
    pub entity: EntityResponse,
    pub score: f64,
    /// Feature by feature.
    pub explanations: BTreeMap<String, FeatureExplanation>,
    /// `score >= threshold`.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Yalu extension: the listed entities (screening targets) this result
    /// is linked to, one link away in either direction (OFAC `Linked To`,
    /// FtM relationships, entries a UN narrative names). Left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linked: Vec<LinkedListed>,
}

/// A listed entity a `/match` result is linked to, and how.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkedListed {
    /// How the result relates to it: `owned by`, `director of`,
    /// `relative of`, `linked to`, `names`, `named by`...
    #[schema(example = "owned by")]
    pub relation: String,
    /// The relationship entity (`/entities/{id}?nested=true` shows it).
    pub link_id: String,
    #[schema(example = "Ownership")]
    pub link_schema: String,
    #[schema(example = "ofac-20578")]
    pub id: String,
    pub caption: String,
    #[schema(example = "Organization")]
    pub schema: String,
    pub datasets: Vec<String>,
}

impl ScoredEntity {
    /// A `/match` result from an index hit of `lists`; `is_match` is
    /// `score >= threshold`. `linked` holds the listed entities the hit is
    /// linked to, and a hit that is not itself listed gets the `network`
    /// explanation ([`yalu_links::Lists::network_explanation`]).
    pub fn from_hit(hit: yalu_match::Hit<'_>, threshold: f64, lists: &yalu_links::Lists) -> Self {
        let found = lists.listed_links(&hit.entity.id);
        let mut explanations = hit.scored.explanations;
        if let Some(e) = lists.network_explanation(hit.entity, &found) {
            explanations.insert(yalu_links::NETWORK_FEATURE.to_string(), e);
        }
        ScoredEntity {
            entity: EntityResponse::from_entity(hit.entity),
            score: hit.scored.score,
            is_match: hit.scored.score >= threshold,
            explanations: explanations
                .into_iter()
                .map(|(k, e)| {
                    (
                        k,
                        FeatureExplanation {
                            score: e.score,
                            detail: e.detail,
                            query: e.query,
                            candidate: e.candidate,
                            contribution: e.contribution,
                        },
                    )
                })
                .collect(),
            linked: found
                .iter()
                .map(|l| LinkedListed {
                    relation: l.link.reads(l.side).to_string(),
                    link_id: l.link.id.clone(),
                    link_schema: l.link.schema.clone(),
                    id: l.listed.id.clone(),
                    caption: l.listed.caption().to_string(),
                    schema: l.listed.schema.name().to_string(),
                    datasets: l.listed.datasets.clone(),
                })
                .collect(),
        }
    }
}

/// Body of `/search`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub limit: usize,
    pub offset: usize,
    pub total: TotalSpec,
    pub results: Vec<SearchResultEntity>,
    pub facets: BTreeMap<String, SearchFacet>,
}

/// One `/search` result: the entity and its text relevance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultEntity {
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// Text relevance (BM25-like, larger is better, not bounded; 0 without
    /// `q`). Not comparable with `/match` scores.
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacet {
    pub label: String,
    pub values: Vec<SearchFacetItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacetItem {
    pub name: String,
    pub label: String,
    pub count: usize,
}

/// `{"status": "ok"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    pub status: &'static str,
}

/// Body of `/catalog`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogResponse {
    pub datasets: Vec<DatasetModel>,
    /// Datasets whose index is current (all of them: Yalu indexes in memory).
    pub current: Vec<String>,
    pub outdated: Vec<String>,
    pub index_stale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetModel {
    pub name: String,
    pub title: String,
    pub summary: Option<String>,
    /// Always true: every dataset listed is loaded.
    pub load: bool,
    pub version: String,
    pub index_version: String,
    pub index_current: bool,
    pub updated_at: String,
    pub entity_count: usize,
    /// Datasets this collection unites (only `default` has children).
    pub children: Vec<String>,
}

/// Body of `/algorithms`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmsResponse {
    pub algorithms: Vec<AlgorithmModel>,
    pub default: String,
    pub best: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmModel {
    pub name: String,
    pub description: String,
    /// Every scorer setting with its default value (what `config` and
    /// `weights` may change).
    #[schema(value_type = Object)]
    pub features: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_datetimes() {
        assert_eq!(as_datetime("2021-07-07"), "2021-07-07T00:00:00");
        assert_eq!(as_datetime("2021-07"), "2021-07-01T00:00:00");
        assert_eq!(as_datetime("2021"), "2021-01-01T00:00:00");
        assert_eq!(as_datetime("2021-07-07T10:00:00"), "2021-07-07T10:00:00");
        assert_eq!(as_datetime("bogus"), "bogus");
        assert_eq!(as_datetime("ab\u{e9}d"), "ab\u{e9}d");
    }
}
