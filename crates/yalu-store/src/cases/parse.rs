//! Checking imported alerts and hits field by field.

use super::*;

fn invalid(item: &str, field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::InvalidImport {
        item: item.to_string(),
        field,
        reason: reason.into(),
    }
}

pub(super) fn object<'a>(item: &str, v: &'a Json) -> Result<&'a Map<String, Json>, StoreError> {
    v.as_object()
        .ok_or_else(|| invalid(item, "(object)", "is not a JSON object"))
}

fn req_str(item: &str, o: &Map<String, Json>, field: &'static str) -> Result<String, StoreError> {
    match o.get(field) {
        Some(Json::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Json::String(_)) => Err(invalid(item, field, "is empty")),
        Some(other) => Err(invalid(item, field, format!("is not a string but {other}"))),
        None => Err(invalid(item, field, "is missing")),
    }
}

fn opt_str(
    item: &str,
    o: &Map<String, Json>,
    field: &'static str,
) -> Result<Option<String>, StoreError> {
    match o.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.trim().to_string())),
        Some(other) => Err(invalid(item, field, format!("is not a string but {other}"))),
    }
}

fn req_number(item: &str, o: &Map<String, Json>, field: &'static str) -> Result<f64, StoreError> {
    match o.get(field) {
        Some(Json::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| invalid(item, field, "is not a finite number")),
        Some(other) => Err(invalid(item, field, format!("is not a number but {other}"))),
        None => Err(invalid(item, field, "is missing")),
    }
}

fn str_list(
    item: &str,
    o: &Map<String, Json>,
    field: &'static str,
) -> Result<Vec<String>, StoreError> {
    let Some(v) = o.get(field) else {
        return Err(invalid(item, field, "is missing"));
    };
    let Some(items) = v.as_array() else {
        return Err(invalid(item, field, "is not a list of strings"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| invalid(item, field, format!("element {i} is not a string")))
        })
        .collect()
}

/// The optional `investigation` field of an alert or hit: `{"keys":
/// [...], "label": "...", "workers": [...]}`, a [`Investigation`] record.
pub(super) fn scheme(
    item: &str,
    o: &Map<String, Json>,
) -> Result<Option<Investigation>, StoreError> {
    let Some(v) = o.get("investigation").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let Some(s) = v.as_object() else {
        return Err(invalid(item, "investigation", "is not a JSON object"));
    };
    let list = |field: &str| -> Result<Vec<String>, StoreError> {
        match s.get(field) {
            None | Some(Json::Null) => Ok(Vec::new()),
            Some(Json::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, x)| match x.as_str().map(str::trim) {
                    Some(t) if !t.is_empty() => Ok(t.to_string()),
                    _ => Err(invalid(
                        item,
                        "investigation",
                        format!("{field}[{i}] is not a non-empty string"),
                    )),
                })
                .collect(),
            Some(_) => Err(invalid(
                item,
                "investigation",
                format!("{field} is not a list of strings"),
            )),
        }
    };
    let keys = list("keys")?;
    if keys.is_empty() {
        return Err(invalid(item, "investigation", "keys is missing or empty"));
    }
    let label = match s.get("label") {
        Some(Json::String(l)) if !l.trim().is_empty() => l.trim().to_string(),
        _ => {
            return Err(invalid(
                item,
                "investigation",
                "label is not a non-empty string",
            ));
        }
    };
    Ok(Some(Investigation {
        keys,
        label,
        workers: list("workers")?,
    }))
}

pub(super) fn parse_alert(item: &str, v: &Json) -> Result<NewCase, StoreError> {
    let o = object(item, v)?;
    let alert_id = req_str(item, o, "alert_id")?;
    let rule = req_str(item, o, "rule")?;
    let severity = req_str(item, o, "severity")?;
    let subject_ids = str_list(item, o, "subject_ids")?;
    let evidence_ids = str_list(item, o, "evidence_ids")?;
    let summary = req_str(item, o, "summary")?;
    let revenue = req_number(item, o, "estimated_revenue_usd")?;
    if revenue < 0.0 {
        return Err(invalid(
            item,
            "estimated_revenue_usd",
            format!("is negative ({revenue})"),
        ));
    }
    for field in ["period_start", "period_end"] {
        if let Some(date) = opt_str(item, o, field)?
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
    let workers = match o.get("workers") {
        None | Some(Json::Null) => None,
        Some(w) => Some(
            // A count, also written as a whole float (`3.0`).
            w.as_u64()
                .or_else(|| {
                    w.as_f64()
                        .filter(|f| f.fract() == 0.0 && (0.0..2f64.powi(63)).contains(f))
                        .map(|f| f as u64)
                })
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(|| invalid(item, "workers", format!("is not a count but {w}")))?,
        ),
    };
    let scheme = scheme(item, o)?.unwrap_or_else(|| Investigation {
        keys: subject_ids.clone(),
        label: summary.clone(),
        workers: Vec::new(),
    });
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
        workers,
        scheme,
        payload: v.to_string(),
    })
}

pub(super) fn parse_hit(
    item: &str,
    v: &Json,
    fingerprint: &dyn Fn(&str) -> Option<String>,
) -> Result<NewCase, StoreError> {
    let o = object(item, v)?;
    let entity_id = match opt_str(item, o, "entity_id")? {
        Some(id) => id,
        None => opt_str(item, o, "id")?.ok_or_else(|| invalid(item, "entity_id", "is missing"))?,
    };
    let query_name = opt_str(item, o, "query_name")?;
    let record_id = match (
        opt_str(item, o, "query_id")?,
        opt_str(item, o, "record_id")?,
    ) {
        (Some(q), _) | (None, Some(q)) => q,
        (None, None) => query_name.clone().ok_or_else(|| {
            invalid(
                item,
                "query_id",
                "is missing (give query_id, record_id or query_name to name the screened record)",
            )
        })?,
    };
    let score = req_number(item, o, "score")?;
    let caption = opt_str(item, o, "caption")?.unwrap_or_else(|| entity_id.clone());
    let is_match = match o.get("match") {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid(
                item,
                "match",
                format!("is not true/false but {other}"),
            ));
        }
    };
    let entry_hash = fingerprint(&entity_id).unwrap_or_else(|| {
        let own = json!({
            "caption": caption,
            "schema": o.get("schema"),
            "datasets": o.get("datasets"),
            "properties": o.get("properties"),
        });
        hex_digest(own.to_string().as_bytes())
    });
    let who = query_name.as_deref().unwrap_or(&record_id);
    let scheme = scheme(item, o)?.unwrap_or_else(|| Investigation {
        keys: vec![record_id.clone()],
        label: who.to_string(),
        workers: Vec::new(),
    });
    Ok(NewCase {
        kind: CaseKind::Hit,
        dedupe_key: format!("hit:{record_id}\u{1}{entity_id}\u{1}{entry_hash}"),
        rule: SCREENING_HIT_RULE.to_string(),
        severity: if is_match { "high" } else { "medium" }.to_string(),
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
