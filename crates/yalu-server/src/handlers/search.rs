//! `GET /search/{dataset}`: full-text search (yalu-search) with filters and
//! facets; the handler parses, calls and renders.

use super::matching::{MAX_LIMIT, unknown_dataset};
use super::screen;
use crate::api::{
    EntityResponse, SearchFacet, SearchFacetItem, SearchResponse, SearchResultEntity, TotalSpec,
};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::loaded::LoadedIndex;
use crate::params::{EntityFilter, RawParams, SearchParams, changed_since, screening_schema};
use crate::state::{AppState, ScreeningSlot};
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use std::sync::Arc;
use yalu_model::Entity;
use yalu_search::{Facet, FieldFilter, SearchResults, SortKey, TextQuery};

const MAX_OFFSET: usize = 10_000;
/// Values listed per facet.
const FACET_SIZE: usize = 50;

/// A yente boolean: `true`/`false` (also `1`/`0`, `yes`/`no`).
fn flag(raw: &RawParams, name: &str) -> Result<bool, ApiError> {
    match raw.single(name)?.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) => match v.as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(ApiError::parameter(format!(
                "`{name}` must be true or false, got `{v}`"
            ))),
        },
    }
}

/// A refused search parameter is the client's; an index mismatch is a bug.
fn search_error(e: yalu_search::SearchError) -> ApiError {
    match e {
        yalu_search::SearchError::IndexMismatch { .. } => {
            ApiError::new(ErrorCode::Internal, e.to_string())
        }
        _ => ApiError::parameter(e.to_string()),
    }
}

/// Text search.
///
/// With `q`, every word must match a name, alias, identifier or (with less
/// weight) an address or note, whole, as a prefix, in any script (`만수대`
/// finds `Mansudae`), or with a typo when `fuzzy=true`; results come best
/// first with a `score`. Without `q`, entities are listed by id. Facets
/// count over all results, not only the page.
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
    let exclude_schemas = raw
        .many("exclude_schema")
        .iter()
        .map(|s| screening_schema(s))
        .collect::<Result<Vec<_>, _>>()?;
    let text = text_query(&raw, &q)?;
    let loaded = state.current_index()?;
    if !loaded.has_dataset(&dataset) {
        return Err(unknown_dataset(&loaded, &dataset));
    }
    let filter = EntityFilter {
        schema: Some(schema),
        exclude_schemas,
        ..entity_filter(&raw, &loaded, &dataset)?
    };
    screen(&slot, move || {
        let accept = |e: &Entity| filter.accepts(e);
        let found = loaded
            .text
            .search(&loaded.lists.index, &text, &accept)
            .map_err(search_error)?;
        Ok(Json(search_response(&text, found)))
    })
    .await
}

/// The text query of `q` with the page (`limit`, `offset`), `fuzzy`,
/// `simple`, `facets`, `filter` and `sort` parameters.
fn text_query(raw: &RawParams, q: &str) -> Result<TextQuery, ApiError> {
    let mut text = TextQuery::new(q);
    text.limit = raw.bounded("limit", 10, 0, MAX_LIMIT)?;
    text.offset = raw.bounded("offset", 0, 0, MAX_OFFSET)?;
    text.fuzzy = flag(raw, "fuzzy")?;
    text.simple = flag(raw, "simple")?;
    let facets = raw.many("facets");
    if !facets.is_empty() {
        text.facets = facets
            .iter()
            .map(|f| Facet::parse(f))
            .collect::<Result<_, _>>()
            .map_err(search_error)?;
    }
    text.filters = raw
        .many("filter")
        .iter()
        .map(|f| FieldFilter::parse(f))
        .collect::<Result<_, _>>()
        .map_err(search_error)?;
    text.sort = raw
        .many("sort")
        .iter()
        .map(|s| SortKey::parse(s))
        .collect::<Result<_, _>>()
        .map_err(search_error)?;
    Ok(text)
}

/// The entity filter of a search in the path's `dataset`: the
/// `datasets` (or `include_dataset`) and `exclude_dataset`, which must be
/// loaded, `countries`, `topics` and `changed_since` parameters.
fn entity_filter(
    raw: &RawParams,
    loaded: &LoadedIndex,
    dataset: &str,
) -> Result<EntityFilter, ApiError> {
    // yente clients send extra datasets as `include_dataset`.
    let mut datasets = raw.many("datasets");
    datasets.extend(raw.many("include_dataset"));
    let exclude_datasets = raw.many("exclude_dataset");
    if let Some(d) = datasets
        .iter()
        .chain(&exclude_datasets)
        .find(|d| !loaded.has_dataset(d))
    {
        return Err(ApiError::parameter(format!(
            "dataset `{d}` in `datasets`/`include_dataset`/`exclude_dataset` is not loaded (see /catalog)"
        )));
    }
    Ok(EntityFilter {
        dataset: (dataset != crate::loaded::DEFAULT_DATASET).then(|| dataset.to_string()),
        any_dataset: datasets,
        exclude_datasets,
        countries: raw
            .many("countries")
            .into_iter()
            .map(|c| c.to_lowercase())
            .collect(),
        topics: raw.many("topics"),
        changed_since: raw
            .single("changed_since")?
            .map(changed_since)
            .transpose()?,
        ..EntityFilter::default()
    })
}

/// The answer: the page of `found` with its scores, the total and the
/// facets.
fn search_response(text: &TextQuery, found: SearchResults) -> SearchResponse {
    SearchResponse {
        limit: text.limit,
        offset: text.offset,
        total: TotalSpec {
            value: found.total,
            relation: "eq",
        },
        results: found
            .hits
            .iter()
            .map(|h| SearchResultEntity {
                entity: EntityResponse::from_entity(h.entity),
                score: h.score,
            })
            .collect(),
        facets: found
            .facets
            .into_iter()
            .map(|(f, values)| (f.name().to_string(), facet(f, values)))
            .collect(),
    }
}

fn facet(f: Facet, values: Vec<(String, usize)>) -> SearchFacet {
    SearchFacet {
        label: match f {
            Facet::Countries => "Countries",
            Facet::Topics => "Topics",
            Facet::Datasets => "Data sources",
            Facet::Schema => "Entity types",
        }
        .to_string(),
        values: values
            .into_iter()
            .take(FACET_SIZE)
            .map(|(name, count)| SearchFacetItem {
                label: if f == Facet::Datasets {
                    crate::loaded::dataset_title(&name)
                } else {
                    name.clone()
                },
                name,
                count,
            })
            .collect(),
    }
}
