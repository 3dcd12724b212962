//! `POST /match/{dataset}`: query-by-example screening, yente's shape.

use super::{body_bytes, json_from_slice, screen};
use crate::api::{
    CleanedExample, EntityExample, EntityMatches, MatchRequest, MatchResponse, QueryWarning,
    ScoredEntity, TotalSpec,
};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::params::{EntityFilter, MatchParams, RawParams, changed_since, screening_schema};
use crate::state::{AppState, ScreeningSlot};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use std::collections::BTreeMap;
use std::sync::Arc;
use yalu_match::{IgnoredSetting, MatchConfig, SearchOptions};
use yalu_model::Entity;

/// The algorithm this server runs, the names that select it, and yente's
/// weights it understands: declared with the scorer, in `yalu-match`.
pub use yalu_match::{ALGORITHM, ALGORITHM_ALIASES, NOMENKLATURA_WEIGHTS};
/// Most results per query.
pub const MAX_LIMIT: usize = 500;
/// yente's default cutoff (never above the threshold).
pub const DEFAULT_CUTOFF: f64 = 0.5;
/// Most `exclude_entity_ids`.
const MAX_EXCLUDED_IDS: usize = 500;

/// Query by example.
///
/// Each query is an entity (schema and properties); the answer lists the
/// best candidates per query with their score and the explanation of every
/// feature. `match` is `score >= threshold`; `total.value` counts candidates
/// at or above the threshold.
///
/// A property value that cannot be cleaned (a date that is not one, a
/// country Yalu does not know) is left out of its query only, and named in
/// that query's `warnings` (`invalid_date`, `invalid_country`); the query is
/// screened with the rest. The request fails only when it is meaningless as
/// a whole: malformed JSON, no queries or too many, an unknown schema, a
/// value that is not a string or number, a bad parameter, a setting value of
/// the wrong type. A `weights` or `config` key Yalu has no setting for is
/// not applied and is named in every query's `warnings` (`ignored_weight`,
/// `ignored_config`); nomenklatura's feature names count where a Yalu
/// setting corresponds (see the `weights` field).
///
/// Results carry, beyond yente's shape, `linked`: the listed entities one
/// link away (OFAC `Linked To`, FtM relationships, entries a UN narrative
/// names); a result that is not itself a target (`target: false`, e.g. an
/// OpenSanctions company owned by a listed person) has a `network`
/// explanation saying through whom it is linked.
#[utoipa::path(
    post,
    path = "/match/{dataset}",
    tag = "matching",
    params(("dataset" = String, Path, description = "A loaded dataset, or `default` for all"), MatchParams),
    request_body = MatchRequest,
    responses(
        (status = 200, body = MatchResponse),
        (status = 400, body = ErrorBody, description = "malformed_json, invalid_request, no_queries, too_many_queries, unknown_schema, invalid_property_value, invalid_parameter (an unreadable `changed_since` is invalid_date), unknown_algorithm, invalid_config (a `weights`/`config` value of the wrong type). Bad dates and countries inside queries, and `weights`/`config` keys Yalu has no setting for, are per-query warnings, not errors"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "unknown_dataset"),
        (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "overloaded, index_not_ready, request_timeout; with Retry-After"),
    ),
    security(("api_key" = []))
)]
pub async fn match_entities(
    State(state): State<Arc<AppState>>,
    Extension(slot): Extension<ScreeningSlot>,
    Path(dataset): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<MatchResponse>, ApiError> {
    let raw = RawParams::parse(query.as_deref())?;
    let params = parse_params(&raw, &state)?;
    let bytes = body_bytes(body)?;
    let ParsedMatch { request, queries } = parse_match_body(&bytes, state.limits.max_batch)?;
    let (mut cfg, ignored) = scorer_config(&state.defaults.config, &request)?;
    let threshold = params.threshold.unwrap_or(state.defaults.config.threshold);
    cfg.threshold = threshold;
    let cutoff = params.cutoff.unwrap_or(DEFAULT_CUTOFF).min(threshold);
    let limit = params.limit.unwrap_or(state.defaults.limit);
    let loaded = state.current_index()?;
    let filter = build_filter(&loaded, &dataset, params)?;
    let responses = screen(&slot, move || {
        let accept = |e: &Entity| filter.accepts(e);
        let opts = SearchOptions {
            limit,
            cutoff,
            filter: Some(&accept),
        };
        let mut responses = BTreeMap::new();
        for (key, entity, cleaned, mut warnings) in queries {
            warnings.extend(ignored.iter().cloned());
            let (hits, matched) = loaded.lists.index.search_counted(&entity, &cfg, &opts);
            let results = hits
                .into_iter()
                .map(|h| ScoredEntity::from_hit(h, threshold, &loaded.lists))
                .collect();
            responses.insert(
                key,
                EntityMatches {
                    status: 200,
                    results,
                    total: TotalSpec::exact(matched),
                    query: cleaned,
                    warnings,
                },
            );
        }
        Ok(responses)
    })
    .await?;
    Ok(Json(MatchResponse { responses, limit }))
}

/// A `/match` body, checked: its scorer settings and its queries turned
/// into entities (`queries` is emptied into `ParsedMatch::queries`).
pub struct ParsedMatch {
    /// The body as sent, its `weights` and `config` to apply (`queries`
    /// emptied).
    pub request: MatchRequest,
    /// (query key, query entity, the query as understood, values left out)
    pub queries: Vec<(String, Entity, CleanedExample, Vec<QueryWarning>)>,
}

/// Parses and checks a `/match` body: JSON shape, number of queries
/// (1..=`max_batch`), schemas and value types of every query; dates and
/// countries that cannot be cleaned become per-query warnings. Pure: no
/// index, no state; every failure is an [`ApiError`] with its code.
pub fn parse_match_body(bytes: &[u8], max_batch: usize) -> Result<ParsedMatch, ApiError> {
    let mut request: MatchRequest = json_from_slice(bytes)?;
    if request.queries.is_empty() {
        return Err(ApiError::new(ErrorCode::NoQueries, "`queries` is empty"));
    }
    if request.queries.len() > max_batch {
        return Err(ApiError::new(
            ErrorCode::TooManyQueries,
            format!(
                "{} queries in one request; at most {max_batch} are allowed",
                request.queries.len()
            ),
        ));
    }
    let examples = std::mem::take(&mut request.queries);
    let mut queries = Vec::with_capacity(examples.len());
    for (key, example) in examples {
        let (entity, cleaned, warnings) = query_entity(&key, example)?;
        queries.push((key, entity, cleaned, warnings));
    }
    Ok(ParsedMatch { request, queries })
}

fn parse_params(raw: &RawParams, state: &AppState) -> Result<MatchParams, ApiError> {
    let limit = raw.bounded("limit", state.defaults.limit, 1, MAX_LIMIT)?;
    let algorithm = raw.single("algorithm")?.map(str::to_string);
    if let Some(a) = &algorithm
        && a != ALGORITHM
        && !ALGORITHM_ALIASES.contains(&a.as_str())
    {
        return Err(ApiError::new(
            ErrorCode::UnknownAlgorithm,
            format!(
                "unknown algorithm `{a}`; supported: {ALGORITHM}, {}",
                ALGORITHM_ALIASES.join(", ")
            ),
        ));
    }
    let exclude_entity_ids = raw.many("exclude_entity_ids");
    if exclude_entity_ids.len() > MAX_EXCLUDED_IDS {
        return Err(ApiError::parameter(format!(
            "at most {MAX_EXCLUDED_IDS} `exclude_entity_ids`, got {}",
            exclude_entity_ids.len()
        )));
    }
    Ok(MatchParams {
        limit: Some(limit),
        threshold: raw.score("threshold")?,
        cutoff: raw.score("cutoff")?,
        algorithm,
        include_dataset: raw.many("include_dataset"),
        exclude_dataset: raw.many("exclude_dataset"),
        exclude_schema: raw.many("exclude_schema"),
        topics: raw.many("topics"),
        changed_since: raw
            .single("changed_since")?
            .map(changed_since)
            .transpose()?,
        exclude_entity_ids,
    })
}

fn build_filter(
    loaded: &crate::loaded::LoadedIndex,
    dataset: &str,
    params: MatchParams,
) -> Result<EntityFilter, ApiError> {
    if !loaded.has_dataset(dataset) {
        return Err(unknown_dataset(loaded, dataset));
    }
    for d in params.include_dataset.iter().chain(&params.exclude_dataset) {
        if !loaded.has_dataset(d) {
            return Err(ApiError::parameter(format!(
                "dataset `{d}` in include_dataset/exclude_dataset is not loaded (see /catalog)"
            )));
        }
    }
    let exclude_schemas = params
        .exclude_schema
        .iter()
        .map(|s| screening_schema(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EntityFilter {
        dataset: (dataset != crate::loaded::DEFAULT_DATASET).then(|| dataset.to_string()),
        any_dataset: params.include_dataset,
        exclude_datasets: params.exclude_dataset,
        exclude_schemas,
        topics: params.topics,
        changed_since: params.changed_since,
        exclude_ids: params.exclude_entity_ids,
        ..EntityFilter::default()
    })
}

pub(crate) fn unknown_dataset(loaded: &crate::loaded::LoadedIndex, dataset: &str) -> ApiError {
    let known: Vec<&str> = std::iter::once(crate::loaded::DEFAULT_DATASET)
        .chain(loaded.datasets.keys().map(String::as_str))
        .collect();
    ApiError::new(
        ErrorCode::UnknownDataset,
        format!("no dataset `{dataset}`; loaded: {}", known.join(", ")),
    )
}

/// Applies a request's `config` and `weights` to the server's scorer
/// settings ([`MatchConfig::with_overrides`]). A key is a Yalu setting (see
/// `/algorithms`) or, for `weights`, a nomenklatura feature name of
/// [`NOMENKLATURA_WEIGHTS`]. Any other key is not applied and comes back as
/// a warning (`ignored_weight`, `ignored_config`) in every query's
/// `warnings`, as yente lets such keys pass; a value the setting cannot
/// take is a 400 `invalid_config`.
pub(crate) fn scorer_config(
    base: &MatchConfig,
    request: &MatchRequest,
) -> Result<(MatchConfig, Vec<QueryWarning>), ApiError> {
    let (cfg, ignored) = base
        .with_overrides(&request.config, &request.weights)
        .map_err(|e| ApiError::new(ErrorCode::InvalidConfig, e.to_string()))?;
    Ok((cfg, ignored.iter().map(ignored_warning).collect()))
}

/// The warning that a key of the request's `config` or `weights` was not
/// applied.
fn ignored_warning(ignored: &IgnoredSetting) -> QueryWarning {
    let key = ignored.key();
    let (code, property, detail) = match ignored {
        IgnoredSetting::Config(_) => (
            "ignored_config",
            "config",
            format!("`{key}` is no setting of {ALGORITHM} (see /algorithms); not applied"),
        ),
        IgnoredSetting::GroupConfig { .. } => (
            "ignored_config",
            "config",
            format!("`{key}` is no setting of {ALGORITHM}; not applied"),
        ),
        IgnoredSetting::Weight(_) => {
            let known: Vec<&str> = NOMENKLATURA_WEIGHTS.iter().map(|(f, _, _)| *f).collect();
            (
                "ignored_weight",
                "weights",
                format!(
                    "`{key}` is no feature {ALGORITHM} scores with; not applied. Weights are \
                     its numeric settings (see /algorithms) or nomenklatura's {}",
                    known.join(", ")
                ),
            )
        }
    };
    QueryWarning {
        code,
        property: property.to_string(),
        value: key,
        detail,
    }
}

/// Turns a query example into an entity with [`Entity::add_cleaned`]:
/// values that cannot be cleaned are left out and returned as warnings.
/// Fails for an unknown schema or a value that is not a string or number.
pub fn query_entity(
    key: &str,
    example: EntityExample,
) -> Result<(Entity, CleanedExample, Vec<QueryWarning>), ApiError> {
    let schema = screening_schema(&example.schema)
        .map_err(|e| ApiError::new(e.code, format!("query `{key}`: {}", e.detail)))?;
    let mut values: Vec<(&str, String)> = Vec::new();
    for (property, value) in &example.properties {
        for v in property_values(key, property, value)? {
            values.push((property.as_str(), v));
        }
    }
    let (entity, warnings) = Entity::from_example(
        example.id.clone().unwrap_or_else(|| key.to_string()),
        schema,
        values.iter().map(|(p, v)| (*p, v.as_str())),
    );
    let cleaned = CleanedExample {
        id: example.id,
        schema: entity.schema.name().to_string(),
        properties: entity.properties.clone(),
    };
    Ok((
        entity,
        cleaned,
        warnings.into_iter().map(QueryWarning::from).collect(),
    ))
}

fn property_values(
    key: &str,
    property: &str,
    value: &serde_json::Value,
) -> Result<Vec<String>, ApiError> {
    use serde_json::Value;
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let bad = || {
        ApiError::new(
            ErrorCode::InvalidPropertyValue,
            format!("query `{key}`, property `{property}`: values must be strings or numbers"),
        )
    };
    match value {
        Value::Array(items) => items.iter().map(|v| scalar(v).ok_or_else(bad)).collect(),
        Value::Null => Ok(Vec::new()),
        other => scalar(other).map(|s| vec![s]).ok_or_else(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> MatchRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn config_and_weights_apply_known_settings_and_report_the_rest() {
        let base = MatchConfig::default();
        let r = request(
            serde_json::json!({"queries": {}, "config": {"max_candidates": 7}, "weights": {"country_agree": 0.5}}),
        );
        let (cfg, ignored) = scorer_config(&base, &r).unwrap();
        assert_eq!(cfg.max_candidates, 7);
        assert_eq!(cfg.country_agree, 0.5);
        assert!(ignored.is_empty());
        // nomenklatura's feature names, converted: a qualifier's negative
        // weight is Yalu's penalty.
        let r = request(serde_json::json!({"queries": {}, "weights": {
            "country_mismatch": -0.3, "dob_year_disjoint": -0.2, "gender_mismatch": -0.25,
            "weak_alias_match": 0.7, "identifier_match": 0.8
        }}));
        let (cfg, ignored) = scorer_config(&base, &r).unwrap();
        assert!(ignored.is_empty(), "{ignored:?}");
        assert_eq!(cfg.country_conflict, 0.3);
        assert_eq!(cfg.birth_date_conflict, 0.2);
        assert_eq!(cfg.gender_conflict, 0.25);
        assert_eq!(cfg.weak_alias_factor, 0.7);
        assert_eq!(cfg.identifier_floor, 0.8);
        // Features and settings Yalu has no counterpart for are reported,
        // the rest still applies.
        let r = request(serde_json::json!({"queries": {},
            "config": {"nm_number_mismatch": 0.3, "name": {"nonsense": 1}},
            "weights": {"name_literal_match": 0.8, "gender_conflict": 0.1}}));
        let (cfg, ignored) = scorer_config(&base, &r).unwrap();
        assert_eq!(cfg.gender_conflict, 0.1);
        let reported: Vec<(&str, &str)> =
            ignored.iter().map(|w| (w.code, w.value.as_str())).collect();
        assert_eq!(
            reported,
            [
                ("ignored_config", "name.nonsense"),
                ("ignored_config", "nm_number_mismatch"),
                ("ignored_weight", "name_literal_match"),
            ]
        );
        // A count written as a whole float counts; a fraction does not.
        let r = request(serde_json::json!({"queries": {}, "config": {"max_candidates": 7.0}}));
        assert_eq!(scorer_config(&base, &r).unwrap().0.max_candidates, 7);
        let r = request(serde_json::json!({"queries": {}, "config": {"max_candidates": 7.5}}));
        assert_eq!(
            scorer_config(&base, &r).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
        // A value of the wrong type is refused.
        let r = request(serde_json::json!({"queries": {}, "config": {"max_candidates": "many"}}));
        assert_eq!(
            scorer_config(&base, &r).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
        let r = request(serde_json::json!({"queries": {}, "weights": {"name": 0.5}}));
        assert_eq!(
            scorer_config(&base, &r).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn query_examples_are_cleaned_with_warnings_or_refused() {
        let ex: EntityExample = serde_json::from_value(serde_json::json!({
            "schema": "Person",
            "properties": {"name": "Kim Jong Un", "nationality": ["North Korea"], "birthDate": [1984]}
        }))
        .unwrap();
        let (e, cleaned, warnings) = query_entity("q", ex).unwrap();
        assert_eq!(e.get("nationality"), ["kp"]);
        assert_eq!(e.get("birthDate"), ["1984"]);
        assert_eq!(cleaned.properties["name"], ["Kim Jong Un"]);
        assert!(warnings.is_empty());
        // Bad dates and countries are left out of the query and named.
        let ex: EntityExample = serde_json::from_value(serde_json::json!({
            "schema": "Person",
            "properties": {
                "name": "Ri Song",
                "birthDate": ["31 Febtember", "1970"],
                "nationality": ["Atlantis", "Congo (Democratic Republic)", "(1) Central African Republic. (2) South Sudan"]
            }
        }))
        .unwrap();
        let (e, cleaned, warnings) = query_entity("q", ex).unwrap();
        assert_eq!(e.get("birthDate"), ["1970"]);
        assert_eq!(e.get("nationality"), ["cd", "cf", "ss"]);
        assert_eq!(cleaned.properties["nationality"], ["cd", "cf", "ss"]);
        let codes: Vec<(&str, &str)> = warnings
            .iter()
            .map(|w| (w.code, w.value.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("invalid_date", "31 Febtember"),
                ("invalid_country", "Atlantis")
            ]
        );
        let bad = |json: serde_json::Value| {
            query_entity("q", serde_json::from_value(json).unwrap())
                .unwrap_err()
                .code
        };
        assert_eq!(
            bad(serde_json::json!({"schema": "Sanction", "properties": {}})),
            ErrorCode::UnknownSchema
        );
        assert_eq!(
            bad(serde_json::json!({"schema": "Person", "properties": {"name": [{"x": 1}]}})),
            ErrorCode::InvalidPropertyValue
        );
    }
}
