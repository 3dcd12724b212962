//! What the annotations cannot say: the document made exact.
//!
//! The handlers' `#[utoipa::path]` annotations and `params.rs` give each
//! route its statuses and ranges. This module adds what is true of every
//! route because of a layer rather than a handler (the key check answers
//! 401, the time limit 503, the body limit 413), the value sets the
//! parsers accept (screening schemas, facets, sort keys, `filter` and
//! `changed_since` grammars, algorithm names, the scorer settings `config`
//! and `weights` take) and, in the document a server serves
//! ([`served`]), its own facts: the loaded dataset names and its batch
//! limit. `tests/schemathesis` (scripts/schemathesis) checks the result
//! against a running server.

use crate::handlers::matching::{ALGORITHM, ALGORITHM_ALIASES, NOMENKLATURA_WEIGHTS};
use serde_json::{Map, Value, json};
use yalu_match::MatchConfig;
use yalu_store::{CaseKind, CaseStatus, Resolution};

/// The schemas `/match` and `/search` accept (see `params::screening_schema`).
pub const SCREENING_SCHEMAS: [&str; 8] = [
    "Thing",
    "LegalEntity",
    "Person",
    "Organization",
    "Company",
    "PublicBody",
    "Vessel",
    "Airplane",
];

/// `facets` values (yalu-search's `Facet::parse`).
const FACETS: [&str; 4] = ["countries", "topics", "datasets", "schema"];

/// `sort` fields (yalu-search's `SortKey::parse`), each also with `:asc`
/// or `:desc`.
const SORT_FIELDS: [&str; 9] = [
    "score",
    "_score",
    "caption",
    "id",
    "entity_id",
    "schema",
    "first_seen",
    "last_seen",
    "last_change",
];

/// The dates of `FuzzyDate` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, years
/// 1000-2999, real days of the month), as regex alternatives.
macro_rules! fuzzy_date {
    () => {
        concat!(
            "[12][0-9]{3}(-(0[1-9]|1[0-2]))?",
            "|[12][0-9]{3}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
            "|[12][0-9]{3}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
            "|[12][0-9]{3}-02-(0[1-9]|1[0-9]|2[0-8])",
            "|([12][0-9](0[48]|[2468][048]|[13579][26])|(1[26]|2[048])00)-02-29",
        )
    };
}

/// What Rust's `str::trim` drops (`char::is_whitespace`), as the inside of
/// a regex class.
macro_rules! whitespace {
    () => {
        "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}

/// `changed_since`: a date of `FuzzyDate` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// years 1000-2999, real days of the month) and an optional `THH:MM...`.
const CHANGED_SINCE_PATTERN: &str =
    concat!("^(", fuzzy_date!(), ")(T[0-9]{2}:[0-9]{2}[\\s\\S]*)?$");

/// A string that is not empty once trimmed (the store refuses blank ones).
const NON_BLANK: &str = concat!("[^", whitespace!(), "]");

/// An imported alert's `period_start`/`period_end`: blank (no date) or a
/// `FuzzyDate` with an optional `T...` time part, space around it trimmed.
const PERIOD_PATTERN: &str = concat!(
    "^[",
    whitespace!(),
    "]*(((",
    fuzzy_date!(),
    ")(T[\\s\\S]*|[",
    whitespace!(),
    "]*))|)$"
);

/// `filter`: `field:value`, both non-empty once trimmed (a `properties.`
/// prefix on the field is dropped).
const FILTER_PATTERN: &str = "^(?!\\s*(properties\\.)?\\s*:)[^:]+:[\\s\\S]*\\S[\\s\\S]*$";

/// Adds the layers' statuses and the parsers' value sets to `doc`.
pub fn make_exact(doc: &mut Value) {
    layer_statuses(doc);
    screening_value_sets(doc);
    if let Some(ok) = doc
        .pointer_mut("/paths/~1entities~1{id}/get/responses/200/content/application~1json/schema")
    {
        *ok = json!({"$ref": "#/components/schemas/NestedEntity"});
    }
    workbench(doc);
    if let Some(schemas) = schemas_of(doc) {
        query_and_entity_schemas(schemas);
    }
}

/// An error status of an operation: what it means, answered with an
/// `ErrorBody`.
fn error_answer(description: &str) -> Value {
    let error = json!({"$ref": "#/components/schemas/ErrorBody"});
    json!({"description": description, "content": {"application/json": {"schema": error}}})
}

/// Calls `visit` with the path and each operation of the document.
fn for_each_operation(doc: &mut Value, mut visit: impl FnMut(&str, &mut Value)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            visit(path, op);
        }
    }
}

/// The schemas of the components, when the document has any.
fn schemas_of(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
}

/// What the layers answer on every route: 401 from the key check (routes
/// with a key), 413 from the body limit (routes with a body), 503 from the
/// time limit.
fn layer_statuses(doc: &mut Value) {
    for_each_operation(doc, |_, op| {
        let secured = op.get("security").is_some();
        let has_body = op.get("requestBody").is_some();
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        if secured {
            responses.entry("401").or_insert_with(|| {
                error_answer("missing_api_key, invalid_api_key (with WWW-Authenticate)")
            });
        }
        if has_body {
            responses
                .entry("413")
                .or_insert_with(|| error_answer("payload_too_large"));
        }
        responses.entry("503").or_insert_with(|| {
            error_answer("request_timeout (the server's time limit); with Retry-After")
        });
    });
}

/// The screening schemas, as a string schema.
fn screening_schema_enum() -> Value {
    json!({"type": "string", "enum": SCREENING_SCHEMAS})
}

/// The values the `/match` and `/search` parameters accept: schemas,
/// `changed_since`, facets, sort keys, `filter` and algorithm names.
fn screening_value_sets(doc: &mut Value) {
    let schema_enum = screening_schema_enum();
    let sort_values: Vec<String> = SORT_FIELDS
        .iter()
        .flat_map(|f| [f.to_string(), format!("{f}:asc"), format!("{f}:desc")])
        .collect();
    let mut algorithms = vec![ALGORITHM];
    algorithms.extend(ALGORITHM_ALIASES);
    let changed_since = json!({"type": "string", "pattern": CHANGED_SINCE_PATTERN});
    for (path, method) in [("/match/{dataset}", "post"), ("/search/{dataset}", "get")] {
        set_param(doc, path, method, "exclude_schema", array_of(&schema_enum));
        set_param(doc, path, method, "changed_since", changed_since.clone());
    }
    let search = ("/search/{dataset}", "get");
    set_param(doc, search.0, search.1, "schema", schema_enum.clone());
    set_param(
        doc,
        search.0,
        search.1,
        "facets",
        array_of(&json!({"type": "string", "enum": FACETS})),
    );
    set_param(
        doc,
        search.0,
        search.1,
        "sort",
        array_of(&json!({"type": "string", "enum": sort_values})),
    );
    set_param(
        doc,
        search.0,
        search.1,
        "filter",
        array_of(&json!({"type": "string", "pattern": FILTER_PATTERN})),
    );
    set_param(
        doc,
        "/match/{dataset}",
        "post",
        "algorithm",
        json!({"type": "string", "enum": algorithms}),
    );
}

/// The query entity's schema names and property values, the entity of
/// `nested=true` (`NestedEntity`), and the `/match` body's query count and
/// scorer settings.
fn query_and_entity_schemas(schemas: &mut Map<String, Value>) {
    if let Some(example) = schemas.get_mut("EntityExample") {
        example["properties"]["schema"] = screening_schema_enum();
        example["properties"]["properties"]["additionalProperties"] = property_value();
    }
    // `nested=true`: property values also hold relationship entities,
    // whose own property values hold the linked entity.
    if let Some(entity) = schemas.get("EntityResponse").cloned() {
        let mut nested = entity;
        nested["description"] = json!(
            "An entity; with `nested=true` its property values also hold the relationships \
             it is on (entities of this shape), whose values hold the linked entity"
        );
        nested["properties"]["properties"]["additionalProperties"]["items"] = json!({
            "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/NestedEntity"}]
        });
        schemas.insert("NestedEntity".into(), nested);
    }
    if let Some(request) = schemas.get_mut("MatchRequest") {
        request["properties"]["queries"]["minProperties"] = json!(1);
        request["properties"]["queries"]["maxProperties"] =
            json!(crate::state::Limits::default().max_batch);
        let (config, weights) = scorer_settings();
        request["properties"]["config"]["properties"] = config;
        request["properties"]["weights"]["properties"] = weights;
    }
}

/// The workbench routes (tag `cases`): what the role layer and the store
/// answer on each, the query values `GET /cases` accepts, the bodies as the
/// handlers and the store check them (`deny_unknown_fields`, blank strings
/// refused, one of `alerts` and `hits`), and `format=jsonl` of `/audit`.
fn workbench(doc: &mut Value) {
    workbench_statuses(doc);
    case_queries(doc);
    review_bodies(doc);
    if let Some(s) =
        doc.pointer_mut("/paths/~1cases~1bulk/post/requestBody/content/application~1json/schema")
    {
        *s = bulk_body();
    }
    let Some(schemas) = schemas_of(doc) else {
        return;
    };
    store_words(schemas);
    schemas.insert("ImportAlert".into(), import_alert());
    schemas.insert("ImportHit".into(), import_hit());
    imported_amounts_and_records(schemas);
}

/// What the role layer and the store answer on each workbench route but
/// `/me`: 403 below the analyst role, 500 when the store fails, 503
/// without a case store.
fn workbench_statuses(doc: &mut Value) {
    for_each_operation(doc, |path, op| {
        let workbench = op["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("cases")));
        if !workbench || path == "/me" {
            return;
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        responses
            .entry("403")
            .or_insert_with(|| error_answer("insufficient_role (the analyst role and up)"));
        responses
            .entry("500")
            .or_insert_with(|| error_answer("store_unavailable (the case store failed)"));
        responses.entry("503").or_insert_with(|| {
            error_answer(
                "request_timeout (the server's time limit), cases_unavailable (no case \
                 store); with Retry-After",
            )
        });
    });
}

/// The store's names of the values of a store enumeration (`snake_case`,
/// as they serialise), not the variants'.
fn words<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// The query values of `GET /cases` (filters, scope, order, paging) and
/// of `GET /audit` (`since`, `format=jsonl` and its answer).
fn case_queries(doc: &mut Value) {
    // Empty values are ignored (as if absent).
    let or_empty = |values: Vec<&str>| {
        let mut all = vec![""];
        all.extend(values);
        json!({"type": "string", "enum": all})
    };
    let list = ("/cases", "get");
    let statuses = words(CaseStatus::ALL, CaseStatus::as_str);
    let kinds = words(CaseKind::ALL, CaseKind::as_str);
    set_param(doc, list.0, list.1, "status", or_empty(statuses));
    set_param(doc, list.0, list.1, "kind", or_empty(kinds));
    set_param(doc, list.0, list.1, "scope", or_empty(vec!["all", "units"]));
    set_param(
        doc,
        list.0,
        list.1,
        "sort",
        or_empty(vec!["newest", "priority"]),
    );
    let empty = json!({"type": "string", "enum": [""]});
    set_param(
        doc,
        list.0,
        list.1,
        "investigation",
        json!({"anyOf": [
        {"type": "integer", "minimum": 1, "maximum": i64::MAX}, empty]}),
    );
    set_param(
        doc,
        "/audit",
        "get",
        "since",
        json!({"anyOf": [
        {"type": "integer", "minimum": 0, "maximum": i64::MAX}, empty]}),
    );
    set_param(
        doc,
        list.0,
        list.1,
        "offset",
        json!({"type": "integer", "minimum": 0, "maximum": u64::MAX}),
    );
    set_param(
        doc,
        "/audit",
        "get",
        "format",
        json!({"type": "string", "enum": ["json", "jsonl"]}),
    );
    if let Some(ok) = doc.pointer_mut("/paths/~1audit/get/responses/200/content") {
        ok["application/x-ndjson"] = json!({"schema": {"type": "string"}});
    }
}

/// A signed 64-bit integer (case ids and versions).
fn int64() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX})
}

/// A string that is not blank.
fn non_blank() -> Value {
    json!({"type": "string", "pattern": NON_BLANK})
}

/// An object with exactly these properties, the `required` ones present
/// (`deny_unknown_fields`).
fn closed_body(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "additionalProperties": false, "properties": properties, "required": required})
}

/// The bodies of the review actions on one case (`/cases/{id}/ACTION`),
/// each with the case version it was decided on.
fn review_bodies(doc: &mut Value) {
    let version = json!({"description": "The case version the action was decided on (else 409 version_conflict)", "anyOf": [int64(), {"type": "null"}]});
    let non_blank = non_blank();
    let statuses = ["open", "in_review", "escalated"];
    let optional_rationale =
        || json!({"rationale": {"type": ["string", "null"]}, "version": version});
    let bodies = [
        (
            "assign",
            closed_body(
                json!({"assignee": {"description": "A key id or name; null unassigns", "anyOf": [non_blank, {"type": "null"}]}, "version": version}),
                &[],
            ),
        ),
        (
            "comment",
            closed_body(json!({"text": non_blank, "version": version}), &["text"]),
        ),
        (
            "status",
            closed_body(
                json!({"status": {"type": "string", "enum": statuses}, "version": version}),
                &["status"],
            ),
        ),
        (
            "close",
            closed_body(
                json!({
                    "resolution": {"type": "string", "enum": words(Resolution::ALL, Resolution::as_str)},
                    "rationale": non_blank,
                    "version": version,
                }),
                &["resolution", "rationale"],
            ),
        ),
        ("approve", closed_body(optional_rationale(), &[])),
        ("reject-approval", closed_body(optional_rationale(), &[])),
    ];
    for (action, schema) in bodies {
        let pointer = format!("/paths/~1cases~1{{id}}~1{action}/post/requestBody");
        if let Some(request) = doc.pointer_mut(&pointer) {
            request["content"]["application/json"]["schema"] = schema;
            // approve and reject-approval: an empty body is `{}`.
            if matches!(action, "approve" | "reject-approval") {
                request["required"] = json!(false);
            }
        }
    }
}

/// The body of `POST /cases/bulk`: up to a page of case ids, and either an
/// assignment or a status.
fn bulk_body() -> Value {
    let ids = json!({"type": "array", "items": int64(), "minItems": 1, "maxItems": yalu_store::cases::MAX_PAGE});
    json!({"oneOf": [
        closed_body(json!({"ids": ids, "action": {"type": "string", "enum": ["assign"]},
            "assignee": {"description": "null unassigns", "type": ["string", "null"]}, "status": {"type": "null"}}), &["ids", "action"]),
        closed_body(json!({"ids": ids, "action": {"type": "string", "enum": ["status"]},
            "status": {"type": "string", "enum": words(CaseStatus::ALL, CaseStatus::as_str)},
            "assignee": {"type": "null"}}), &["ids", "action", "status"]),
    ]})
}

/// The store enumerations with the store's names (`snake_case`, as they
/// serialise), not the variants'.
fn store_words(schemas: &mut Map<String, Value>) {
    for (name, values) in [
        ("CaseKind", words(CaseKind::ALL, CaseKind::as_str)),
        ("CaseStatus", words(CaseStatus::ALL, CaseStatus::as_str)),
        ("Resolution", words(Resolution::ALL, Resolution::as_str)),
    ] {
        if let Some(schema) = schemas.get_mut(name) {
            schema["enum"] = json!(values);
        }
    }
}

/// An imported record's `investigation`: none, or the keys and label that
/// group records into one investigation (and its workers).
fn imported_investigation() -> Value {
    let texts = json!({"type": "array", "items": non_blank()});
    json!({"anyOf": [{"type": "null"}, {
        "type": "object",
        "properties": {
            "keys": {"type": "array", "items": non_blank(), "minItems": 1},
            "label": non_blank(),
            "workers": {"anyOf": [texts, {"type": "null"}]},
        },
        "required": ["keys", "label"],
    }]})
}

/// An alert as `POST /cases/import` checks it.
fn import_alert() -> Value {
    let non_blank = non_blank();
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let period =
        json!({"anyOf": [{"type": "null"}, {"type": "string", "pattern": PERIOD_PATTERN}]});
    json!({
        "description": "An alert as `POST /cases/import` checks it (other fields are kept as sent)",
        "type": "object",
        "properties": {
            "alert_id": non_blank, "rule": non_blank, "summary": non_blank,
            "severity": {"type": "string", "enum": ["low", "medium", "high", "critical"]},
            "subject_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "evidence_ids": strings,
            "estimated_revenue_usd": {"type": "number", "minimum": 0},
            "period_start": period, "period_end": period,
            "workers": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 0, "maximum": i64::MAX}]},
            "worker_days": {"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX},
            "evidence": imported_evidence(),
            "investigation": imported_investigation(),
        },
        "required": ["alert_id", "rule", "severity", "subject_ids", "evidence_ids", "summary", "estimated_revenue_usd"],
    })
}

/// An imported record's `evidence`: none, or the case page's evidence.
fn imported_evidence() -> Value {
    json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Evidence"}]})
}

/// A hit as `POST /cases/import` checks it.
fn import_hit() -> Value {
    let named = |field: &str| json!({"type": "object", "properties": {field: non_blank()}, "required": [field]});
    let both = |a: &str, b: &str| json!({"not": {"type": "object", "required": [a, b]}});
    let text = json!({"type": ["string", "null"]});
    json!({
        "description": "A hit as `POST /cases/import` checks it (other fields are kept as sent): the list entry \
                        (`entity_id` or `id`, not both) and the screened record (`query_id` or `record_id`, not \
                        both, else `query_name`) named",
        "type": "object",
        "properties": {
            "entity_id": {"type": "string"}, "id": {"type": "string"}, "query_id": text, "record_id": text,
            "query_name": text, "caption": text, "schema": text, "score": {"type": "number"},
            "match": {"type": ["boolean", "null"]},
            "row": {"type": "integer", "minimum": 0, "maximum": i64::MAX},
            "datasets": {"type": ["array", "null"], "items": {"type": "string"}},
            "explanations": {"type": "object",
                             "additionalProperties": {"$ref": "#/components/schemas/Explanation"}},
            "evidence": imported_evidence(),
            "investigation": imported_investigation(),
        },
        "required": ["score"],
        "allOf": [
            {"anyOf": [named("entity_id"), named("id")]},
            {"anyOf": [named("query_id"), named("record_id"), named("query_name")]},
            both("entity_id", "id"),
            both("query_id", "record_id"),
        ],
    })
}

/// Sums of imported amounts (`null` when one overflows), a case's alert or
/// hit as imported, and the import body: alerts or hits.
fn imported_amounts_and_records(schemas: &mut Map<String, Value>) {
    // Sums of imported amounts: `null` when one overflows (JSON has no
    // infinity).
    for (schema, field) in [
        ("Dashboard", "estimated_revenue_usd"),
        ("Case", "estimated_revenue_usd"),
        ("Case", "priority"),
    ] {
        if let Some(p) = schemas
            .get_mut(schema)
            .and_then(|s| s["properties"].get_mut(field))
        {
            p["type"] = json!(["number", "null"]);
        }
    }
    // A case's alert or hit as imported (fields beyond the record kept).
    if let Some(detail) = schemas.get_mut("CaseDetailAnswer") {
        for (field, item) in [("alert", "ImportAlert"), ("hit", "ImportHit")] {
            detail["properties"][field]["oneOf"][0]["$ref"] =
                json!(format!("#/components/schemas/{item}"));
        }
    }
    let items = |kind: &str, other: &str, item: &str| {
        closed_body(
            json!({kind: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}, other: {"type": "null"}}),
            &[kind],
        )
    };
    if let Some(import) = schemas.get_mut("ImportBody") {
        import["oneOf"] = json!([
            items("alerts", "hits", "ImportAlert"),
            items("hits", "alerts", "ImportHit")
        ]);
        if let Some(o) = import.as_object_mut() {
            for key in ["properties", "additionalProperties", "type"] {
                o.remove(key);
            }
        }
    }
}

/// Facts of one server: the loaded datasets (`None` while the index
/// loads) and the batch limit.
pub fn served(doc: &mut Value, datasets: Option<&[String]>, max_batch: usize) {
    if let Some(queries) = doc.pointer_mut("/components/schemas/MatchRequest/properties/queries") {
        queries["maxProperties"] = json!(max_batch);
    }
    let Some(datasets) = datasets else {
        return;
    };
    let mut names = vec![crate::loaded::DEFAULT_DATASET.to_string()];
    names.extend(datasets.iter().cloned());
    let named = json!({"type": "string", "enum": names});
    for (path, method) in [("/match/{dataset}", "post"), ("/search/{dataset}", "get")] {
        set_param(doc, path, method, "dataset", named.clone());
        for filter in ["include_dataset", "exclude_dataset", "datasets"] {
            set_param(doc, path, method, filter, array_of(&named));
        }
    }
}

fn array_of(items: &Value) -> Value {
    json!({"type": "array", "items": items})
}

/// Replaces the schema of one parameter (a no-op when it is absent).
fn set_param(doc: &mut Value, path: &str, method: &str, name: &str, schema: Value) {
    let Some(params) = doc
        .get_mut("paths")
        .and_then(|p| p.get_mut(path))
        .and_then(|p| p.get_mut(method))
        .and_then(|o| o.get_mut("parameters"))
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for p in params.iter_mut() {
        if p["name"] == name {
            p["schema"] = schema.clone();
        }
    }
}

/// A query property's values: a string or number, a list of them, or null.
fn property_value() -> Value {
    let scalar = json!({"type": ["string", "number"]});
    json!({"anyOf": [scalar, {"type": "array", "items": scalar}, {"type": "null"}]})
}

/// The schema of each `config` key and `weights` key, from the scorer's
/// settings: `config` takes each setting with its type (objects key by
/// key; other keys are ignored with a warning); `weights` takes the
/// numeric settings and nomenklatura's feature names, and refuses keys
/// naming a setting that is not a fractional number.
fn scorer_settings() -> (Value, Value) {
    let settings = serde_json::to_value(MatchConfig::default()).unwrap_or(Value::Null);
    let mut config = Map::new();
    let mut weights = Map::new();
    if let Some(settings) = settings.as_object() {
        for (key, value) in settings {
            config.insert(key.clone(), setting_schema(value));
            let weighable = value.is_f64();
            weights.insert(
                key.clone(),
                if weighable {
                    json!({"type": "number"})
                } else {
                    json!({"not": {}})
                },
            );
        }
    }
    for (feature, _, _) in NOMENKLATURA_WEIGHTS {
        weights.insert(feature.to_string(), json!({"type": "number"}));
    }
    (Value::Object(config), Value::Object(weights))
}

fn setting_schema(value: &Value) -> Value {
    match value {
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_u64() => {
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
        }
        Value::Number(n) if n.is_i64() => json!({"type": "integer"}),
        Value::Number(_) => json!({"type": "number"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Object(inner) => {
            let properties: Map<String, Value> = inner
                .iter()
                .map(|(k, v)| (k.clone(), setting_schema(v)))
                .collect();
            json!({"type": "object", "properties": properties})
        }
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_value_sets_are_in_the_document() {
        let doc = crate::openapi::document();
        let again = {
            let mut d = doc.clone();
            make_exact(&mut d);
            d
        };
        assert!(doc == again, "make_exact is idempotent");
        let weights = "/components/schemas/MatchRequest/properties/weights/properties/name";
        assert_eq!(doc.pointer(weights), Some(&json!({"not": {}})));
        let search = doc["paths"]["/search/{dataset}"]["get"].to_string();
        assert!(search.contains("first_seen:desc"));
        assert!(doc["paths"]["/dashboard"]["get"]["responses"]["401"].is_object());
        assert!(doc["paths"]["/healthz"]["get"]["responses"]["401"].is_null());
        let mut served = doc.clone();
        super::served(&mut served, Some(&["us_ofac_sdn".to_string()]), 7);
        let p = served["paths"]["/match/{dataset}"]["post"]["parameters"][0]["schema"].clone();
        assert_eq!(
            p,
            json!({"type": "string", "enum": ["default", "us_ofac_sdn"]})
        );
        let q = "/components/schemas/MatchRequest/properties/queries/maxProperties";
        assert_eq!(served.pointer(q), Some(&json!(7)));
    }
}
