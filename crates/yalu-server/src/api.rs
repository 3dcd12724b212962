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
    /// The caller's own id for the record (echoed back in `query`); absent
    /// when the caller gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The FtM schema of the query (`Person`, `Company`, ... ; see the
    /// screening schemas): results are entities this schema can match.
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
    /// The query's own id as sent; absent when it had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The schema screened, as sent.
    pub schema: String,
    /// Property values as screened: each a list of cleaned strings, without
    /// the values reported in `warnings`.
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
    /// The query as the server understood and screened it.
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
    /// The query property the value was given in (for `ignored_weight` and
    /// `ignored_config`, the key as sent).
    #[schema(example = "nationality")]
    pub property: String,
    /// The value as sent.
    #[schema(example = "Atlantis")]
    pub value: String,
    /// Why it was left out, for humans.
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
    /// The number counted (results, candidates).
    pub value: usize,
    /// `eq` when `value` is exact.
    #[schema(example = "eq")]
    pub relation: &'static str,
}

impl TotalSpec {
    /// An exact count (`relation` is `eq`).
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
    /// The entity's id, stable across list versions (`/entities/{id}`).
    #[schema(example = "ofac-20157")]
    pub id: String,
    /// The name to show for it (its main name).
    pub caption: String,
    /// Its FtM schema.
    #[schema(example = "Person")]
    pub schema: String,
    /// FtM property values by property name, each a list of strings.
    pub properties: BTreeMap<String, Vec<String>>,
    /// The datasets (lists) it is published in.
    pub datasets: Vec<String>,
    /// Other ids the same entity is known by (`/entities/{id}` redirects
    /// them here).
    pub referents: Vec<String>,
    /// True for an entity that is sanctioned or otherwise a screening
    /// target.
    pub target: bool,
    /// When it first appeared in its list: RFC 3339 date-time (dates
    /// become midnight); null when the list does not say.
    pub first_seen: Option<String>,
    /// When it was last seen in its list (RFC 3339 date-time, dates become
    /// midnight); null when the list does not say.
    pub last_seen: Option<String>,
    /// When it last changed in its list (RFC 3339 date-time, dates become
    /// midnight); null when the list does not say.
    pub last_change: Option<String>,
}

impl EntityResponse {
    /// The wire shape of a loaded entity (list dates as date-times).
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
    /// The query's value that was compared; null when the feature
    /// compares no single value.
    pub query: Option<String>,
    /// The entity's value it was compared with; null when the feature
    /// compares no single value.
    pub candidate: Option<String>,
    /// How much the feature moved the final score.
    pub contribution: f64,
}

/// A result of `/match`: the entity, its score and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoredEntity {
    /// The matching entity (its fields inline in the result).
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// How well the entity matches the query, from 0 (not at all) to 1.
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
    /// The relationship entity's FtM schema (`Ownership`, `Directorship`,
    /// `Family`, `UnknownLink`...).
    #[schema(example = "Ownership")]
    pub link_schema: String,
    /// The listed entity's id.
    #[schema(example = "ofac-20578")]
    pub id: String,
    /// The listed entity's name to show.
    pub caption: String,
    /// The listed entity's FtM schema.
    #[schema(example = "Organization")]
    pub schema: String,
    /// The datasets (lists) the listed entity is published in.
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
    /// The `limit` applied: results per page.
    pub limit: usize,
    /// The `offset` applied: results skipped before this page.
    pub offset: usize,
    /// Entities matching the query and filters, on every page.
    pub total: TotalSpec,
    /// This page of results, in the requested order (most relevant first
    /// by default).
    pub results: Vec<SearchResultEntity>,
    /// Counts by the requested `facets` (countries, topics, datasets,
    /// schema), over every matching entity; keyed by facet name.
    pub facets: BTreeMap<String, SearchFacet>,
}

/// One `/search` result: the entity and its text relevance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultEntity {
    /// The entity found (its fields inline in the result).
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// Text relevance (BM25-like, larger is better, not bounded; 0 without
    /// `q`). Not comparable with `/match` scores.
    pub score: f64,
}

/// The counts of one facet of a `/search`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacet {
    /// The facet's name for people (`Countries`, `Topics`, `Data sources`,
    /// `Entity types`).
    pub label: String,
    /// The values found among the matching entities (at most 50), with
    /// their counts.
    pub values: Vec<SearchFacetItem>,
}

/// One value of a facet and how many matching entities have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacetItem {
    /// The value as a `filter` takes it (a country code, a topic, a
    /// dataset or schema name).
    pub name: String,
    /// The value's name for people (a dataset's title; other values as
    /// they are).
    pub label: String,
    /// Matching entities with this value.
    pub count: usize,
}

/// `{"status": "ok"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    /// Always `ok`.
    pub status: &'static str,
}

/// Body of `/catalog`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogResponse {
    /// Every loaded dataset, and `default`, the collection uniting them.
    pub datasets: Vec<DatasetModel>,
    /// Datasets whose index is current (all of them: Yalu indexes in memory).
    pub current: Vec<String>,
    /// Datasets whose index is behind their data (always empty).
    pub outdated: Vec<String>,
    /// True when some index is behind its data (always false).
    pub index_stale: bool,
}

/// One dataset of the catalog, or the `default` collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetModel {
    /// Its name, as the `{dataset}` of `/match` and `/search` takes it.
    pub name: String,
    /// Its name for people (the list's official title where known).
    pub title: String,
    /// A sentence on what it holds; always null (Yalu's readers give none).
    pub summary: Option<String>,
    /// Always true: every dataset listed is loaded.
    pub load: bool,
    /// The version of the loaded data: the index's catalog version
    /// (`yalu-20261128101500`, from the load time).
    pub version: String,
    /// The version of the index built from it (the same as `version`).
    pub index_version: String,
    /// Always true: the index is built from the data it serves.
    pub index_current: bool,
    /// When the index was loaded, RFC 3339 UTC.
    pub updated_at: String,
    /// Screenable entities of this dataset in the index.
    pub entity_count: usize,
    /// Datasets this collection unites (only `default` has children).
    pub children: Vec<String>,
}

/// Body of `/algorithms`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmsResponse {
    /// The scoring algorithms `algorithm` may name (Yalu has one).
    pub algorithms: Vec<AlgorithmModel>,
    /// The algorithm used when a request names none.
    pub default: String,
    /// The algorithm Yalu recommends (its one algorithm).
    pub best: String,
}

/// A scoring algorithm and its settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmModel {
    /// Its name, as `algorithm` takes it.
    pub name: String,
    /// What it compares and how, for people.
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
