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

/// `changed_since`: a date of `FuzzyDate` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// years 1000-2999, real days of the month) and an optional `THH:MM...`.
const CHANGED_SINCE_PATTERN: &str = concat!(
    "^(",
    "[12][0-9]{3}(-(0[1-9]|1[0-2]))?",
    "|[12][0-9]{3}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|[12][0-9]{3}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
    "|[12][0-9]{3}-02-(0[1-9]|1[0-9]|2[0-8])",
    "|([12][0-9](0[48]|[2468][048]|[13579][26])|(1[26]|2[048])00)-02-29",
    ")(T[0-9]{2}:[0-9]{2}[\\s\\S]*)?$"
);

/// `filter`: `field:value`, both non-empty once trimmed (a `properties.`
/// prefix on the field is dropped).
const FILTER_PATTERN: &str = "^(?!\\s*(properties\\.)?\\s*:)[^:]+:[\\s\\S]*\\S[\\s\\S]*$";

/// Adds the layers' statuses and the parsers' value sets to `doc`.
pub fn make_exact(doc: &mut Value) {
    let error = json!({"$ref": "#/components/schemas/ErrorBody"});
    let answer = |description: &str| json!({"description": description, "content": {"application/json": {"schema": error}}});
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                let secured = op.get("security").is_some();
                let has_body = op.get("requestBody").is_some();
                let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                    continue;
                };
                if secured {
                    responses.entry("401").or_insert_with(|| {
                        answer("missing_api_key, invalid_api_key (with WWW-Authenticate)")
                    });
                }
                if has_body {
                    responses
                        .entry("413")
                        .or_insert_with(|| answer("payload_too_large"));
                }
                responses.entry("503").or_insert_with(|| {
                    answer("request_timeout (the server's time limit); with Retry-After")
                });
            }
        }
    }
    let schema_enum = json!({"type": "string", "enum": SCREENING_SCHEMAS});
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
    if let Some(ok) = doc
        .pointer_mut("/paths/~1entities~1{id}/get/responses/200/content/application~1json/schema")
    {
        *ok = json!({"$ref": "#/components/schemas/NestedEntity"});
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        if let Some(example) = schemas.get_mut("EntityExample") {
            example["properties"]["schema"] = schema_enum.clone();
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
