//! Reading imported alerts and hits: serde reads each object into a typed
//! view of what its case needs ([`AlertImport`], [`HitImport`]), naming
//! the field of a wrong type; then the checks a type cannot make (present,
//! not empty, in range, a date, a network with keys) name their field too.
//!
//! The views are looser than the records they read ([`yalu_model::Alert`],
//! [`yalu_model::Hit`]): an alert need not carry `workers` or
//! `worker_days`, a hit may be the API's (`id`, `record_id`) or a
//! hand-made one, and fields the case does not use are kept in its payload
//! as sent, unchecked. Every field is optional in the view, so that a
//! missing one is reported as `is missing` by [`required`].

use super::*;

fn invalid(item: &str, field: &str, reason: impl Into<String>) -> StoreError {
    StoreError::InvalidImport {
        item: item.to_string(),
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// An alert as imported: the fields of a [`yalu_model::Alert`] its case
/// is made of.
#[derive(Deserialize)]
struct AlertImport {
    alert_id: Option<String>,
    rule: Option<String>,
    severity: Option<String>,
    subject_ids: Option<Vec<String>>,
    evidence_ids: Option<Vec<String>>,
    period_start: Option<String>,
    period_end: Option<String>,
    summary: Option<String>,
    estimated_revenue_usd: Option<f64>,
    workers: Option<Count>,
    investigation: Option<NetworkImport>,
}

/// A screening hit as imported: a [`yalu_model::Hit`] line, or a hit as
/// the API answers it (`id` for the list entry, `record_id` for the
/// screened record).
#[derive(Deserialize)]
struct HitImport {
    entity_id: Option<String>,
    id: Option<String>,
    query_id: Option<String>,
    record_id: Option<String>,
    query_name: Option<String>,
    caption: Option<String>,
    score: Option<f64>,
    #[serde(rename = "match")]
    is_match: Option<bool>,
    /// The entry's own fields, hashed as sent when the index does not know
    /// the entry.
    schema: Option<Json>,
    datasets: Option<Json>,
    properties: Option<Json>,
    investigation: Option<NetworkImport>,
}

/// The `investigation` field of an alert or hit as imported, read into a
/// [`Investigation`] by [`NetworkImport::check`].
#[derive(Deserialize)]
#[serde(expecting = "a JSON object")]
struct NetworkImport {
    keys: Option<Vec<String>>,
    label: Option<String>,
    workers: Option<Vec<String>>,
}

/// A count (`workers`): a whole number from 0 to `i64::MAX`, also written
/// as a whole float (`3.0`).
struct Count(i64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Count, E> {
                i64::try_from(n)
                    .map(Count)
                    .map_err(|_| E::custom(format!("is not a count but {n}")))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Count, E> {
                u64::try_from(n)
                    .map_err(|_| E::custom(format!("is not a count but {n}")))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Count, E> {
                if f.fract() == 0.0 && (0.0..2f64.powi(63)).contains(&f) {
                    self.visit_u64(f as u64)
                } else {
                    Err(E::custom(format!("is not a count but {f}")))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Reads `v` as a `T`, or the error naming `item`, the field and why.
fn read<T: serde::de::DeserializeOwned>(item: &str, v: &Json) -> Result<T, StoreError> {
    if !v.is_object() {
        return Err(invalid(item, "(object)", "is not a JSON object"));
    }
    serde_path_to_error::deserialize(v).map_err(|e| {
        let mut segments = e.path().iter();
        let field = match segments.next() {
            Some(serde_path_to_error::Segment::Map { key }) => key.clone(),
            _ => "(object)".to_string(),
        };
        // Where in the field: `keys[1]` of an investigation, `element 2`
        // of a list.
        let within: String = segments
            .map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
                other => format!(".{other}"),
            })
            .collect();
        let reason = reason(&e.inner().to_string());
        match within.strip_prefix('.') {
            _ if within.is_empty() => invalid(item, &field, reason),
            Some(inner) => invalid(item, &field, format!("{inner} {reason}")),
            None => {
                let index = within.trim_start_matches('[').replacen(']', "", 1);
                invalid(item, &field, format!("element {index} {reason}"))
            }
        }
    })
}

/// The reason of a serde error, worded like the store's own: serde's
/// `invalid type: X, expected Y` reads `is not Y but X`; the store's types
/// already say `is not ...`.
fn reason(serde_message: &str) -> String {
    if let Some((found, expected)) = serde_message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.rsplit_once(", expected "))
    {
        let expected = match expected {
            "f64" => "a number",
            "a sequence" => "a list of strings",
            other => other,
        };
        return format!("is not {expected} but {found}");
    }
    if serde_message.starts_with("is ") {
        serde_message.to_string()
    } else {
        format!("is not valid: {serde_message}")
    }
}

/// A field that must be present.
fn required<T>(item: &str, field: &str, value: Option<T>) -> Result<T, StoreError> {
    value.ok_or_else(|| invalid(item, field, "is missing"))
}

/// A text field that must be present and not blank, trimmed.
fn required_text(item: &str, field: &str, value: Option<String>) -> Result<String, StoreError> {
    let text = required(item, field, value)?;
    match text.trim() {
        "" => Err(invalid(item, field, "is empty")),
        t => Ok(t.to_string()),
    }
}

/// An optional text field, trimmed; blank is absent.
fn optional_text(value: Option<String>) -> Option<String> {
    value
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A number that must be present and finite.
fn required_number(item: &str, field: &str, value: Option<f64>) -> Result<f64, StoreError> {
    Some(required(item, field, value)?)
        .filter(|f| f.is_finite())
        .ok_or_else(|| invalid(item, field, "is not a finite number"))
}

impl NetworkImport {
    /// The network, its keys, label and workers trimmed: at least one key,
    /// a label, and no blank key or worker.
    fn check(self, item: &str) -> Result<Investigation, StoreError> {
        let fail = |reason: String| invalid(item, "investigation", reason);
        let non_blank = |field: &str, list: Option<Vec<String>>| {
            list.unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, x)| match x.trim() {
                    "" => Err(fail(format!("{field}[{i}] is not a non-empty string"))),
                    t => Ok(t.to_string()),
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let keys = non_blank("keys", self.keys)?;
        if keys.is_empty() {
            return Err(fail("keys is missing or empty".into()));
        }
        let label = optional_text(self.label)
            .ok_or_else(|| fail("label is not a non-empty string".into()))?;
        Ok(Investigation {
            keys,
            label,
            workers: non_blank("workers", self.workers)?,
        })
    }
}

/// The alert's case, or the error naming the alert, its field and why.
pub(super) fn parse_alert(item: &str, v: &Json) -> Result<NewCase, StoreError> {
    let a: AlertImport = read(item, v)?;
    let alert_id = required_text(item, "alert_id", a.alert_id)?;
    let rule = required_text(item, "rule", a.rule)?;
    let severity: Severity = required_text(item, "severity", a.severity)?
        .parse()
        .map_err(|e| invalid(item, "severity", format!("is not valid: {e}")))?;
    let subject_ids = required(item, "subject_ids", a.subject_ids)?;
    let evidence_ids = required(item, "evidence_ids", a.evidence_ids)?;
    let summary = required_text(item, "summary", a.summary)?;
    let revenue = required_number(item, "estimated_revenue_usd", a.estimated_revenue_usd)?;
    if revenue < 0.0 {
        return Err(invalid(
            item,
            "estimated_revenue_usd",
            format!("is negative ({revenue})"),
        ));
    }
    for (field, date) in [
        ("period_start", a.period_start),
        ("period_end", a.period_end),
    ] {
        if let Some(date) = optional_text(date)
            && let Err(e) = date.parse::<yalu_model::FuzzyDate>()
        {
            return Err(invalid(item, field, format!("is not a date: {e}")));
        }
    }
    if subject_ids.is_empty() {
        return Err(invalid(
            item,
            "subject_ids",
            "is empty: an alert concerns someone",
        ));
    }
    let scheme = match a.investigation {
        Some(network) => network.check(item)?,
        None => Investigation {
            keys: subject_ids.clone(),
            label: summary.clone(),
            workers: Vec::new(),
        },
    };
    Ok(NewCase {
        kind: CaseKind::Alert,
        dedupe_key: format!("alert:{alert_id}"),
        rule,
        severity,
        title: summary,
        subject_ids,
        evidence_ids,
        record_id: None,
        entity_id: None,
        entry_hash: None,
        score: None,
        estimated_revenue_usd: Some(revenue),
        workers: a.workers.map(|Count(n)| n),
        scheme,
        payload: v.to_string(),
    })
}

/// The hit's case, or the error naming the hit, its field and why.
/// `fingerprint` gives the list entry's current version by id.
pub(super) fn parse_hit(
    item: &str,
    v: &Json,
    fingerprint: &dyn Fn(&str) -> Option<String>,
) -> Result<NewCase, StoreError> {
    let h: HitImport = read(item, v)?;
    let entity_id = optional_text(h.entity_id)
        .or_else(|| optional_text(h.id))
        .ok_or_else(|| invalid(item, "entity_id", "is missing"))?;
    let query_name = optional_text(h.query_name);
    let record_id = optional_text(h.query_id)
        .or_else(|| optional_text(h.record_id))
        .or_else(|| query_name.clone())
        .ok_or_else(|| {
            invalid(
                item,
                "query_id",
                "is missing (give query_id, record_id or query_name to name the screened record)",
            )
        })?;
    let score = required_number(item, "score", h.score)?;
    let caption = optional_text(h.caption).unwrap_or_else(|| entity_id.clone());
    let is_match = h.is_match.unwrap_or(false);
    let entry_hash = fingerprint(&entity_id).unwrap_or_else(|| {
        let own = json!({
            "caption": caption,
            "schema": h.schema,
            "datasets": h.datasets,
            "properties": h.properties,
        });
        hex_digest(own.to_string().as_bytes())
    });
    let who = query_name.as_deref().unwrap_or(&record_id);
    let scheme = match h.investigation {
        Some(network) => network.check(item)?,
        None => Investigation {
            keys: vec![record_id.clone()],
            label: who.to_string(),
            workers: Vec::new(),
        },
    };
    Ok(NewCase {
        kind: CaseKind::Hit,
        dedupe_key: format!("hit:{record_id}\u{1}{entity_id}\u{1}{entry_hash}"),
        rule: SCREENING_HIT_RULE.to_string(),
        severity: if is_match {
            Severity::High
        } else {
            Severity::Medium
        },
        title: format!("{who} resembles list entry {caption} (score {score:.2})"),
        subject_ids: vec![record_id.clone()],
        evidence_ids: vec![entity_id.clone()],
        record_id: Some(record_id),
        entity_id: Some(entity_id),
        entry_hash: Some(entry_hash),
        score: Some(score),
        estimated_revenue_usd: None,
        workers: None,
        scheme,
        payload: v.to_string(),
    })
}
