//! `GET /search/{dataset}`: simple text search with facets.

use super::matching::{MAX_LIMIT, unknown_dataset};
use super::screen;
use crate::api::{EntityResponse, SearchFacet, SearchFacetItem, SearchResponse, TotalSpec};
use crate::error::{ApiError, ErrorBody};
use crate::params::{EntityFilter, RawParams, SearchParams, screening_schema};
use crate::state::{AppState, ScreeningSlot};
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use yalu_match::SearchOptions;
use yalu_model::{Entity, Schema, prop};

const MAX_OFFSET: usize = 10_000;
const FACETS: [&str; 3] = ["countries", "topics", "datasets"];
/// Values listed per facet.
const FACET_SIZE: usize = 50;
/// A text search returns candidates scoring at least this.
const SEARCH_CUTOFF: f64 = 0.5;

/// Text search.
///
/// With `q`, the text is screened as a name and results come best first;
/// without it, entities are listed by id. Facets count countries, topics
/// and datasets over all results, not only the page.
#[utoipa::path(
    get,
    path = "/search/{dataset}",
    tag = "matching",
    params(("dataset" = String, Path, description = "A loaded dataset, or `default` for all"), SearchParams),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = ErrorBody, description = "invalid_parameter, unknown_schema"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "unknown_dataset"),
        (status = 503, body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn search(
    State(state): State<Arc<AppState>>,
    Extension(slot): Extension<ScreeningSlot>,
    Path(dataset): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let raw = RawParams::parse(query.as_deref())?;
    let q = raw.single("q")?.unwrap_or("").trim().to_string();
    let schema = screening_schema(raw.single("schema")?.unwrap_or("Thing"))?;
    let limit = raw.bounded("limit", 10, 0, MAX_LIMIT)?;
    let offset = raw.bounded("offset", 0, 0, MAX_OFFSET)?;
    let mut facets = raw.many("facets");
    if let Some(bad) = facets.iter().find(|f| !FACETS.contains(&f.as_str())) {
        return Err(ApiError::parameter(format!(
            "unknown facet `{bad}`; facets are countries, topics, datasets"
        )));
    }
    if facets.is_empty() {
        facets = FACETS.iter().map(|f| f.to_string()).collect();
    }
    let loaded = state.current_index()?;
    if !loaded.has_dataset(&dataset) {
        return Err(unknown_dataset(&loaded, &dataset));
    }
    let datasets = raw.many("datasets");
    if let Some(d) = datasets.iter().find(|d| !loaded.has_dataset(d)) {
        return Err(ApiError::parameter(format!(
            "dataset `{d}` in `datasets` is not loaded"
        )));
    }
    let filter = EntityFilter {
        dataset: (dataset != crate::loaded::DEFAULT_DATASET).then(|| dataset.clone()),
        any_dataset: datasets,
        schema: Some(schema.clone()),
        countries: raw
            .many("countries")
            .into_iter()
            .map(|c| c.to_lowercase())
            .collect(),
        topics: raw.many("topics"),
        ..EntityFilter::default()
    };
    let cfg = state.defaults.config.clone();
    screen(&slot, move || {
        let accept = |e: &Entity| filter.accepts(e);
        let found: Vec<&Entity> = if q.is_empty() {
            let mut all: Vec<&Entity> = loaded.index.entities().filter(|e| accept(e)).collect();
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all
        } else {
            let query_schema = if schema == Schema::Thing {
                Schema::LegalEntity
            } else {
                schema
            };
            let mut query = Entity::new("search", query_schema);
            query.add(prop::NAME, &q);
            let opts = SearchOptions {
                limit: cfg.max_candidates,
                cutoff: SEARCH_CUTOFF,
                filter: Some(&accept),
            };
            loaded
                .index
                .search(&query, &cfg, &opts)
                .into_iter()
                .map(|h| h.entity)
                .collect()
        };
        let capped = !q.is_empty() && found.len() >= cfg.max_candidates;
        let facets = facets
            .iter()
            .map(|f| (f.clone(), facet(f, &found)))
            .collect();
        Ok(Json(SearchResponse {
            limit,
            offset,
            total: TotalSpec {
                value: found.len(),
                // A text search scores at most `max_candidates` entities.
                relation: if capped { "gte" } else { "eq" },
            },
            results: found
                .iter()
                .skip(offset)
                .take(limit)
                .map(|e| EntityResponse::from_entity(e))
                .collect(),
            facets,
        }))
    })
    .await
}

fn facet(name: &str, entities: &[&Entity]) -> SearchFacet {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in entities {
        let mut values: Vec<&str> = match name {
            "countries" => prop::COUNTRY_PROPERTIES
                .iter()
                .flat_map(|p| e.get(p).iter().map(String::as_str))
                .collect(),
            "topics" => e.get(prop::TOPICS).iter().map(String::as_str).collect(),
            _ => e.datasets.iter().map(String::as_str).collect(),
        };
        values.sort_unstable();
        values.dedup();
        for v in values {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    let mut sorted: Vec<(&str, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let label: BTreeMap<&str, &str> = [
        ("countries", "Countries"),
        ("topics", "Topics"),
        ("datasets", "Data sources"),
    ]
    .into();
    SearchFacet {
        label: label.get(name).copied().unwrap_or(name).to_string(),
        values: sorted
            .into_iter()
            .take(FACET_SIZE)
            .map(|(v, count)| SearchFacetItem {
                name: v.to_string(),
                label: if name == "datasets" {
                    crate::loaded::dataset_title(v)
                } else {
                    v.to_string()
                },
                count,
            })
            .collect(),
    }
}
