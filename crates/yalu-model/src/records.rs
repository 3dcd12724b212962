//! The records that cross crate boundaries as JSON: the alert line `yalu
//! detect` writes to `alerts.jsonl` ([`Alert`]), the hit line `yalu screen`
//! writes ([`Hit`], with its per-feature [`Explanation`]s), and the case
//! evidence the workbench draws ([`Evidence`]: a timeline and a network),
//! with the `investigation` field that groups cases ([`Investigation`]).
//!
//! Each type is the one owner of its format: producers build it, consumers
//! read it, and the field order below is the order on the wire. With the
//! `openapi` feature the types derive `utoipa::ToSchema`, so the server's
//! OpenAPI document describes them field by field.
//!
//! ```
//! use yalu_model::Alert;
//!
//! let line = r#"{"alert_id":"YA-0000000000000001","rule":"VISA_RUN_CYCLE","severity":"high","subject_ids":["p1"],"evidence_ids":["v1"],"period_start":"2024-01-05","period_end":null,"summary":"s","estimated_revenue_usd":120.0,"workers":1,"worker_days":30}"#;
//! let alert: Alert = serde_json::from_str(line).unwrap();
//! assert_eq!(alert.rule, "VISA_RUN_CYCLE");
//! assert_eq!(alert.severity, yalu_model::Severity::High);
//! assert_eq!(serde_json::to_string(&alert).unwrap(), line);
//! ```

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// One alert, one line of `alerts.jsonl`: what a detection rule found, on
/// whom, proven by which records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// `YA-` and 16 hex digits, stable from run to run for the same finding.
    pub alert_id: String,
    /// The id of the rule that fired (`VISA_RUN_CYCLE` ...).
    pub rule: String,
    /// The rule's severity: `low`, `medium`, `high` or `critical`.
    pub severity: Severity,
    /// Input ids of every person and organisation concerned. Sorted.
    pub subject_ids: Vec<String>,
    /// Input ids of the records that prove it. Sorted.
    pub evidence_ids: Vec<String>,
    /// First day (`YYYY-MM-DD`) of the finding's time span; `null` when it
    /// has none.
    pub period_start: Option<String>,
    /// Last day (inclusive) of the finding's time span; `null` when it has
    /// none.
    pub period_end: Option<String>,
    /// One readable sentence saying what was found.
    pub summary: String,
    /// Worker-days × annual revenue per worker / 365, rounded to the dollar.
    pub estimated_revenue_usd: f64,
    /// DPRK workers concerned (resolved persons); absent (`None`) when an
    /// imported alert does not say. Read from a whole number, also written
    /// as a whole float (`3.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "count"
    )]
    pub workers: Option<u64>,
    /// The worker-days behind the revenue estimate (0 when an imported
    /// alert does not say).
    #[serde(default, deserialize_with = "whole_number")]
    pub worker_days: i64,
    /// Its `evidence` and `investigation`, when an importer attached them.
    #[serde(flatten)]
    pub context: CaseContext,
}

/// How serious an alert is, as rule files and alert lines write it: `low`,
/// `medium`, `high` or `critical`. Any other word is an error naming the
/// severity, never a default.
///
/// Variants order from least to most severe, so `severity >=
/// Severity::Medium` filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    /// `low`, the least.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// `critical`, the most.
    Critical,
}

impl Severity {
    /// Every severity, from least to most severe.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The word rule files and alert lines use.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown word, read as a severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSeverity(pub String);

impl std::fmt::Display for UnknownSeverity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown severity `{}` (expected low, medium, high or critical)",
            self.0
        )
    }
}

impl std::error::Error for UnknownSeverity {}

impl std::str::FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(word: &str) -> Result<Self, UnknownSeverity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == word)
            .ok_or_else(|| UnknownSeverity(word.to_string()))
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = std::borrow::Cow::<'de, str>::deserialize(d)?;
        word.parse().map_err(serde::de::Error::custom)
    }
}

/// One screening hit, one line of a `yalu screen` JSON-lines results file:
/// a list entry scoring at or above the threshold for an input row.
///
/// It also reads a `/match` result that an analyst sends for review: `id`
/// names the list entry (for `entity_id`) and `record_id` the screened
/// record (for `query_id`). So that such a result reads, only
/// `entity_id` and `score` must be present; a missing `row`, `query_name`,
/// `caption`, `schema`, `datasets` or `explanations` reads as empty (`0`,
/// `""`, `[]`, `{}`), as does a `null` `query_name`, `caption`, `schema`
/// or `datasets`, and a missing or `null` `match` as `false`. `yalu
/// screen` writes every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    /// The input row (1 = the first data row).
    #[serde(default, deserialize_with = "present_count")]
    pub row: u64,
    /// The input record's id, `null` when the row has none (read from
    /// `record_id` too).
    #[serde(alias = "record_id")]
    pub query_id: Option<String>,
    /// The input record's name as screened.
    #[serde(default, deserialize_with = "null_as_default")]
    pub query_name: String,
    /// The list entry's id (read from `id` too).
    #[serde(alias = "id")]
    pub entity_id: String,
    /// The list entry's display name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub caption: String,
    /// The list entry's FtM schema (`Person`, `Organization` ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub schema: String,
    /// The score in [0, 1].
    pub score: f64,
    /// `score >= threshold`.
    #[serde(rename = "match", default, deserialize_with = "null_as_default")]
    pub is_match: bool,
    /// The datasets the list entry comes from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub datasets: Vec<String>,
    /// Feature name → how it counted.
    #[serde(default)]
    pub explanations: BTreeMap<String, Explanation>,
    /// Its `evidence` and `investigation`, when an importer attached them.
    #[serde(flatten)]
    pub context: CaseContext,
}

/// What an importer that knows the data set (`yalu demo`, `yalu cases
/// import --data`) attaches to an alert or hit for its case: the evidence
/// its case page draws and the network it belongs to. Flattened into
/// [`Alert`] and [`Hit`]: on the wire, their last two fields, each absent
/// when not attached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseContext {
    /// The case page's evidence; absent when not attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The network the alert or screened record belongs to, for grouping
    /// cases; absent when not attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigation: Option<Investigation>,
}

/// How one feature counted in a score, in the shape yente uses (`{detail,
/// score, query, candidate}`), plus the signed contribution to the final
/// score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// Human-readable account of the comparison.
    pub detail: String,
    /// The feature's own score in [0, 1] (1 = full agreement).
    pub score: f64,
    /// The query value compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The candidate value compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
    /// What the feature added to (or took from) the final score; 0 when
    /// absent (yente's explanations do not carry it).
    #[serde(default)]
    pub contribution: f64,
}

/// The network an alert or hit belongs to (its `investigation` field):
/// cases that share a key are worked as one investigation.
///
/// A missing `keys` or `label` reads as empty, for the reader to refuse
/// with its own words (the case store wants at least one key and a label).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(expecting = "a JSON object")]
pub struct Investigation {
    /// First the anchor (the scheme's hub), then the others: `org:ID`,
    /// `person:ID`, or plain subject ids.
    #[serde(default)]
    pub keys: Vec<String>,
    /// The label of an investigation opened on it.
    #[serde(default)]
    pub label: String,
    /// Resolved person ids of the workers concerned (`null` reads as
    /// none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub workers: Vec<String>,
}

/// The evidence of a case as the workbench's case page draws it: a
/// timeline of dated events and a network of who is linked to whom.
///
/// Fields are in alphabetical order, the order the workbench has always
/// answered them in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Each subject's rule evaluation (`yalu_detect::Explanation`, as
    /// JSON), when the importer attached them; an investigation always has
    /// the list (maybe empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub explanations: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    /// Who is linked to whom.
    pub network: Network,
    /// Dated events, by person then date.
    pub timeline: Vec<TimelineEvent>,
    /// How many persons the case concerns (the timeline draws at most 25);
    /// absent from evidence derived from the alert or hit alone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "count"
    )]
    pub timeline_persons: Option<u64>,
}

/// One event of an evidence timeline: a document's validity, a placement,
/// a border crossing, or an alert's period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    /// The day it starts (`YYYY-MM-DD`).
    pub date: String,
    /// A readable account (`work visa, sponsor ...`, `entry CN at ...`).
    #[serde(default)]
    pub detail: String,
    /// The last day of a document or placement: absent for a one-day
    /// event (a crossing), `null` when the record gives none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub end: Option<Option<String>>,
    /// The record is one the alert cites; absent when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<bool>,
    /// `visa`, `permit` ..., `placement`, `entry`, `exit`, or
    /// `period_start`/`period_end`.
    pub kind: String,
    /// A placement with no end yet; only on placements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ongoing: Option<bool>,
    /// The person, as `name (resolved id)` or a subject id; `null` when
    /// none is known.
    #[serde(default)]
    pub person_id: Option<String>,
    /// The input record the event comes from; `null` for an alert's period.
    #[serde(default)]
    pub record_id: Option<String>,
}

/// The network of an evidence view.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Network {
    /// Links between nodes.
    #[serde(default)]
    pub edges: Vec<NetworkEdge>,
    /// Persons, organisations, records and list entries.
    pub nodes: Vec<NetworkNode>,
}

/// A node of an evidence network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkNode {
    /// A record, resolved person or list entry id.
    pub id: String,
    /// `worker`, `person`, `agency`, `client`, `listed`, or (derived from
    /// the alert or hit alone) `subject`, `record`, `list_entry`.
    pub kind: String,
    /// The name drawn.
    pub label: String,
}

/// A link of an evidence network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkEdge {
    /// The node id it starts from.
    pub from: String,
    /// `sent`, `placed at`, `listed as`, a relation kind, or (derived)
    /// `evidence`, `match`.
    pub kind: String,
    /// The node id it goes to.
    pub to: String,
}

impl NetworkNode {
    /// The node `id`, drawn as `label`, of `kind`.
    pub fn new(id: &str, label: &str, kind: &str) -> Self {
        NetworkNode {
            id: id.to_string(),
            kind: kind.to_string(),
            label: label.to_string(),
        }
    }
}

impl NetworkEdge {
    /// The link of `kind` from `from` to `to`.
    pub fn new(from: &str, to: &str, kind: &str) -> Self {
        NetworkEdge {
            from: from.to_string(),
            kind: kind.to_string(),
            to: to.to_string(),
        }
    }
}

/// Reads a field that is present (maybe `null`) as `Some`, so that a
/// `null` stays distinct from an absent field (`default` gives `None`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// `n` as a whole number within the range of `i64`, also when written as
/// a whole float (`3.0`). A float at either end of the range is refused:
/// it stands for a number written beyond it (`-9223372036854775809`
/// reads as the float -2⁶³).
fn whole(n: &serde_json::Number) -> Option<i64> {
    let end = 2f64.powi(63);
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && -end < *f && *f < end)
            .map(|f| f as i64)
    })
}

/// Reads a count: a whole number from 0 to `i64::MAX`, also written as a
/// whole float (`3.0`); `null` is `None`.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => match whole(&n).and_then(|c| u64::try_from(c).ok()) {
            Some(c) => Ok(Some(c)),
            None => Err(serde::de::Error::custom(format!("is not a count but {n}"))),
        },
    }
}

/// Reads a count that must be present ([`count`]; `null` is refused).
fn present_count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    count(d)?.ok_or_else(|| serde::de::Error::custom("is not a count but null"))
}

/// Reads a whole number in the range of `i64`, also written as a whole
/// float (`-3.0`).
fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    whole(&n).ok_or_else(|| serde::de::Error::custom(format!("is not a whole number but {n}")))
}

/// Reads a field that may be `null` as its type's default (`""`, `[]`).
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_timeline_event_keeps_null_and_absent_apart() {
        for v in [
            json!({"date": "2024-01-01", "detail": "d", "end": null, "evidence": false,
                "kind": "visa", "person_id": "P", "record_id": "v1"}),
            json!({"date": "2024-01-01", "detail": "d", "kind": "entry",
                "person_id": "P", "record_id": "c1"}),
            json!({"date": "2024-01-01", "detail": "d", "end": "2024-02-01", "kind": "placement",
                "ongoing": false, "person_id": null, "record_id": null}),
        ] {
            let e: TimelineEvent = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&e).unwrap(), v);
        }
    }

    #[test]
    fn an_unknown_severity_is_an_error_naming_the_severity() {
        let mut line = json!({"alert_id": "YA-1", "rule": "R", "severity": "urgent",
            "subject_ids": ["p1"], "evidence_ids": [], "period_start": null, "period_end": null,
            "summary": "s", "estimated_revenue_usd": 1.0, "workers": 1, "worker_days": 1});
        let err = serde_json::from_value::<Alert>(line.clone()).unwrap_err();
        assert!(
            err.to_string().contains("unknown severity `urgent`"),
            "{err}"
        );
        for severity in Severity::ALL {
            line["severity"] = json!(severity.as_str());
            let alert: Alert = serde_json::from_value(line.clone()).unwrap();
            assert_eq!(alert.severity, severity);
            assert_eq!(serde_json::to_value(&alert).unwrap(), line);
        }
        assert!(Severity::Low < Severity::Critical);
    }

    #[test]
    fn the_case_context_is_written_as_the_last_two_fields_of_the_line() {
        let alert = r#"{"alert_id":"YA-1","rule":"R","severity":"low","subject_ids":["p1"],"evidence_ids":[],"period_start":null,"period_end":null,"summary":"s","estimated_revenue_usd":1.0,"workers":1,"worker_days":2,"evidence":{"network":{"edges":[],"nodes":[]},"timeline":[]},"investigation":{"keys":["org:A"],"label":"A","workers":[]}}"#;
        let a: Alert = serde_json::from_str(alert).unwrap();
        assert_eq!(a.context.investigation.as_ref().unwrap().label, "A");
        assert_eq!(serde_json::to_string(&a).unwrap(), alert);
        let hit = r#"{"row":1,"query_id":"q","query_name":"Kim","entity_id":"e1","caption":"KIM","schema":"Person","score":0.9,"match":false,"datasets":[],"explanations":{},"investigation":{"keys":["q"],"label":"Kim","workers":["w1"]}}"#;
        let h: Hit = serde_json::from_str(hit).unwrap();
        assert!(h.context.evidence.is_none());
        assert_eq!(serde_json::to_string(&h).unwrap(), hit);
    }

    #[test]
    fn a_hit_line_round_trips_in_its_field_order() {
        let line = r#"{"row":1,"query_id":null,"query_name":"Kim","entity_id":"e1","caption":"KIM","schema":"Person","score":0.9,"match":true,"datasets":["us_ofac_sdn"],"explanations":{"name":{"detail":"d","score":1.0,"query":"Kim","contribution":0.9}}}"#;
        let hit: Hit = serde_json::from_str(line).unwrap();
        assert!(hit.is_match);
        assert_eq!(serde_json::to_string(&hit).unwrap(), line);
    }

    #[test]
    fn a_hit_reads_a_match_result_and_an_alert_reads_counts_as_whole_numbers() {
        let result = json!({"id": "e2", "record_id": "r2", "caption": "KIM", "schema": null,
            "score": 0.5, "properties": {"name": ["KIM"]}, "linked": []});
        let hit: Hit = serde_json::from_value(result).unwrap();
        assert_eq!(
            (hit.entity_id.as_str(), hit.query_id.as_deref()),
            ("e2", Some("r2"))
        );
        assert_eq!((hit.row, hit.schema.as_str(), hit.is_match), (0, "", false));
        let err = serde_json::from_value::<Hit>(json!({"id": "e2"})).unwrap_err();
        assert!(err.to_string().contains("missing field `score`"), "{err}");
        let mut line = json!({"alert_id": "YA-1", "rule": "R", "severity": "low",
            "subject_ids": ["p1"], "evidence_ids": [], "period_start": null, "period_end": null,
            "summary": "s", "estimated_revenue_usd": 1.0});
        let alert: Alert = serde_json::from_value(line.clone()).unwrap();
        assert_eq!((alert.workers, alert.worker_days), (None, 0));
        line["worker_days"] = json!(-559055.0);
        let alert: Alert = serde_json::from_value(line.clone()).unwrap();
        assert_eq!(alert.worker_days, -559055);
        line["worker_days"] = json!(9223372036854775808u64);
        let err = serde_json::from_value::<Alert>(line.clone()).unwrap_err();
        assert!(err.to_string().contains("is not a whole number"), "{err}");
        line["worker_days"] = json!(1);
        let evidence = json!({"network": {"nodes": []}, "timeline": [],
            "timeline_persons": 9223372036854775808u64});
        assert!(serde_json::from_value::<Evidence>(evidence).is_err());
        for (workers, read) in [
            (json!(3.0), Ok(Some(3))),
            (json!(null), Ok(None)),
            (json!(3.5), Err("is not a count but 3.5")),
            (json!(-1), Err("is not a count but -1")),
        ] {
            line["workers"] = workers;
            let got = serde_json::from_value::<Alert>(line.clone()).map(|a| a.workers);
            match read {
                Ok(n) => assert_eq!(got.unwrap(), n),
                Err(why) => assert!(got.unwrap_err().to_string().contains(why)),
            }
        }
    }
}
