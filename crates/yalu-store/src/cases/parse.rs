//! Reading imported alerts and hits: serde reads each object as the record
//! that owns its format ([`yalu_model::Alert`], [`yalu_model::Hit`], which
//! also reads a `/match` result), naming the field that is missing or of a
//! wrong type; then the checks a type cannot make (not blank, in range, a
//! date, a network with keys) name their field too. The object is kept as
//! the case's payload as sent, fields beyond the record included.

use super::*;

fn invalid(item: &str, field: &str, reason: impl Into<String>) -> StoreError {
    StoreError::InvalidImport {
        item: item.to_string(),
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Reads `v` as a `T`, or the error naming `item`, the field and why.
fn read<T: serde::de::DeserializeOwned>(item: &str, v: &Json) -> Result<T, StoreError> {
    if !v.is_object() {
        return Err(invalid(item, "(object)", "is not a JSON object"));
    }
    // The path is tracked only to name a field that does not read.
    if let Ok(record) = T::deserialize(v) {
        return Ok(record);
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
        let message = e.inner().to_string();
        // serde names a missing field in its message, at the path of the
        // object that lacks it.
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return match field.as_str() {
                "(object)" => invalid(item, missing, "is missing"),
                _ => invalid(item, &field, format!("{missing} is missing")),
            };
        }
        let reason = reason(&message);
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
            "a sequence" => "a list",
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

/// A text field that must not be blank, trimmed.
fn non_blank(item: &str, field: &str, text: String) -> Result<String, StoreError> {
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

/// Reads `v` as a `T` (an alert or hit). Its `investigation` and
/// `evidence` are read through the record's flattened
/// [`yalu_model::CaseContext`], whose errors lose their path; when the
/// record does not read, each is read on its own first, so that an error
/// in it names it.
fn read_naming_context<T: serde::de::DeserializeOwned>(
    item: &str,
    v: &Json,
) -> Result<T, StoreError> {
    read(item, v).or_else(|e| {
        context_field::<Investigation>(item, v, "investigation")?;
        context_field::<yalu_model::Evidence>(item, v, "evidence")?;
        Err(e)
    })
}

/// `v`'s `field`, when present and not `null`, read as a `T`, or the
/// error naming the field and where in it.
fn context_field<T: serde::de::DeserializeOwned>(
    item: &str,
    v: &Json,
    field: &str,
) -> Result<(), StoreError> {
    let Some(value) = v.get(field).filter(|x| !x.is_null()) else {
        return Ok(());
    };
    serde_path_to_error::deserialize::<_, T>(value)
        .map(|_| ())
        .map_err(|e| {
            let reason = reason(&e.inner().to_string());
            match e.path().to_string().as_str() {
                "." => invalid(item, field, reason),
                p => invalid(item, field, format!("{p} {reason}")),
            }
        })
}

/// The `investigation` as read, checked: its keys, label and workers
/// trimmed; at least one key, a label, and no blank key or worker.
fn checked_investigation(
    item: &str,
    network: Option<Investigation>,
) -> Result<Option<Investigation>, StoreError> {
    let Some(network) = network else {
        return Ok(None);
    };
    let fail = |reason: String| invalid(item, "investigation", reason);
    let trimmed = |field: &str, list: Vec<String>| {
        list.into_iter()
            .enumerate()
            .map(|(i, x)| match x.trim() {
                "" => Err(fail(format!("{field}[{i}] is not a non-empty string"))),
                t => Ok(t.to_string()),
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let keys = trimmed("keys", network.keys)?;
    if keys.is_empty() {
        return Err(fail("keys is missing or empty".into()));
    }
    let label = optional_text(Some(network.label))
        .ok_or_else(|| fail("label is not a non-empty string".into()))?;
    Ok(Some(Investigation {
        keys,
        label,
        workers: trimmed("workers", network.workers)?,
    }))
}

/// The alert's case, or the error naming the alert, its field and why.
pub(super) fn parse_alert(item: &str, v: &Json) -> Result<NewCase, StoreError> {
    let a: yalu_model::Alert = read_naming_context(item, v)?;
    let network = checked_investigation(item, a.context.investigation)?;
    let alert_id = non_blank(item, "alert_id", a.alert_id)?;
    let rule = non_blank(item, "rule", a.rule)?;
    let summary = non_blank(item, "summary", a.summary)?;
    let revenue = a.estimated_revenue_usd;
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
    if a.subject_ids.is_empty() {
        return Err(invalid(
            item,
            "subject_ids",
            "is empty: an alert concerns someone",
        ));
    }
    let scheme = network.unwrap_or_else(|| Investigation {
        keys: a.subject_ids.clone(),
        label: summary.clone(),
        workers: Vec::new(),
    });
    Ok(NewCase {
        kind: CaseKind::Alert,
        dedupe_key: format!("alert:{alert_id}"),
        rule,
        severity: a.severity,
        title: summary,
        subject_ids: a.subject_ids,
        evidence_ids: a.evidence_ids,
        record_id: None,
        entity_id: None,
        entry_hash: None,
        score: None,
        estimated_revenue_usd: Some(revenue),
        // A count is at most i64::MAX (`yalu_model::Alert::workers`).
        workers: a.workers.map(|n| n as i64),
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
    let h: yalu_model::Hit = read_naming_context(item, v)?;
    let network = checked_investigation(item, h.context.investigation)?;
    let entity_id =
        optional_text(Some(h.entity_id)).ok_or_else(|| invalid(item, "entity_id", "is missing"))?;
    let query_name = optional_text(Some(h.query_name));
    let record_id = optional_text(h.query_id)
        .or_else(|| query_name.clone())
        .ok_or_else(|| {
            invalid(
                item,
                "query_id",
                "is missing (give query_id, record_id or query_name to name the screened record)",
            )
        })?;
    let score = h.score;
    let caption = optional_text(Some(h.caption)).unwrap_or_else(|| entity_id.clone());
    // The entry's own fields as sent, hashed when the index does not know
    // the entry.
    let entry_hash = fingerprint(&entity_id).unwrap_or_else(|| {
        let own = json!({
            "caption": caption,
            "schema": v.get("schema"),
            "datasets": v.get("datasets"),
            "properties": v.get("properties"),
        });
        hex_digest(own.to_string().as_bytes())
    });
    let who = query_name.as_deref().unwrap_or(&record_id);
    let scheme = network.unwrap_or_else(|| Investigation {
        keys: vec![record_id.clone()],
        label: who.to_string(),
        workers: Vec::new(),
    });
    Ok(NewCase {
        kind: CaseKind::Hit,
        dedupe_key: format!("hit:{record_id}\u{1}{entity_id}\u{1}{entry_hash}"),
        rule: SCREENING_HIT_RULE.to_string(),
        severity: if h.is_match {
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
