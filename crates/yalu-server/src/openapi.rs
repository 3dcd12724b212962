//! The OpenAPI document, generated from the handlers' annotations.

use crate::api::*;
use crate::error::{ErrorBody, ErrorCode};
use crate::handlers::{admin, cases, entities, matching, search, system};
use crate::state::ReloadReport;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Yalu screening API",
        description = "Sanctions screening with yente 5.5's request and response shapes."
    ),
    paths(
        matching::match_entities,
        search::search,
        entities::entity,
        system::catalog,
        system::algorithms,
        system::healthz,
        system::readyz,
        system::metrics,
        system::openapi,
        admin::reload,
        admin::list_keys,
        admin::create_key,
        admin::revoke_key,
        cases::me,
        cases::list,
        cases::detail,
        cases::import,
        cases::bulk,
        cases::assign,
        cases::comment,
        cases::status,
        cases::close,
        cases::approve,
        cases::reject_approval,
        cases::audit,
        cases::dashboard,
    ),
    components(schemas(
        MatchRequest, EntityExample, CleanedExample, MatchResponse, EntityMatches, TotalSpec,
        EntityResponse, ScoredEntity, LinkedListed, FeatureExplanation, SearchResponse, SearchResultEntity, SearchFacet,
        SearchFacetItem, StatusResponse, CatalogResponse, DatasetModel, AlgorithmsResponse,
        AlgorithmModel, ErrorBody, ReloadReport, admin::CreateKeyBody,
        // The workbench: its answers, the case store's types, and the
        // records (alerts, hits, evidence) of yalu-model.
        cases::Me, cases::CaseList, cases::CaseDetailAnswer, cases::BulkAnswer,
        cases::BulkResult, cases::AuditLine, cases::ImportBody,
        yalu_store::Case, yalu_store::CaseKind, yalu_store::CaseStatus, yalu_store::Resolution,
        yalu_store::cases::Approval, yalu_store::Comment, yalu_store::AuditEntry,
        yalu_store::ImportReport, yalu_store::cases::ImportItem, yalu_store::cases::ImportOutcome,
        yalu_store::Dashboard,
        yalu_model::Alert, yalu_model::Hit, yalu_model::Explanation, yalu_model::Investigation,
        yalu_model::Evidence, yalu_model::TimelineEvent, yalu_model::Network,
        yalu_model::NetworkNode, yalu_model::NetworkEdge
    )),
    modifiers(&Security, &ErrorTable),
    tags(
        (name = "matching", description = "Screening: match by example, search, algorithms"),
        (name = "data", description = "Entities and the catalog of loaded lists"),
        (name = "system", description = "Health, readiness, metrics, this document"),
        (name = "admin", description = "Index reloads and API keys (admin role)"),
        (name = "cases", description = "The analyst workbench: cases, review, audit log, dashboard (analyst role; /me: screener)"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key from `yalu keys create`, sent as `Authorization: Bearer KEY` \
                         (or `Authorization: ApiKey KEY`, as yente clients do).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Appends the error-code table to the description.
struct ErrorTable;

impl Modify for ErrorTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut text = openapi.info.description.clone().unwrap_or_default();
        text.push_str(
            "\n\nEvery failure answers JSON `{\"status\", \"code\", \"detail\"}` with one of these stable codes:\n\n| code | status | meaning |\n|---|---|---|\n",
        );
        for code in ErrorCode::ALL {
            text.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.as_str(),
                code.status().as_u16(),
                code.description()
            ));
        }
        openapi.info.description = Some(text);
    }
}

/// The document of every server (the committed `openapi.json`): the
/// annotations' document made exact by `openapi_exact.rs` (what
/// layers answer on every route, the value sets the parsers accept).
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    crate::openapi_exact::make_exact(&mut doc);
    doc
}

/// The document one server serves at `/openapi.json`: [`document`] with
/// its loaded datasets (`None` while the index loads) and batch limit.
pub fn served(datasets: Option<&[String]>, max_batch: usize) -> serde_json::Value {
    let mut doc = document();
    crate::openapi_exact::served(&mut doc, datasets, max_batch);
    doc
}
