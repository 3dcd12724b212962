//! The SQL rows behind cases: reading a case, appending to the audit log,
//! the checks every change makes.

use super::*;

/// Fills [`Case::rules`] of the investigations among `cases`.
pub(super) fn fill_rules(db: &mut dyn Sql, cases: &mut [Case]) -> Result<(), StoreError> {
    let ids: Vec<i64> = cases
        .iter()
        .filter(|c| c.kind == CaseKind::Investigation)
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let params: Vec<Value> = ids.iter().map(|&i| i.into()).collect();
    let rows = db.query(
        &format!(
            "SELECT investigation_id, rule, COUNT(*) FROM cases
             WHERE investigation_id IN ({marks}) GROUP BY investigation_id, rule"
        ),
        &params,
    )?;
    let mut by_case: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
    for r in rows {
        by_case
            .entry(r[0].int()?)
            .or_default()
            .insert(r[1].text()?, r[2].int()? as u64);
    }
    for c in cases {
        if let Some(rules) = by_case.remove(&c.id) {
            c.rules = rules;
        }
    }
    Ok(())
}

pub(super) fn transition(case: &Case, to: &str, why: &'static str) -> StoreError {
    StoreError::InvalidTransition {
        case: case.id,
        from: case.status.to_string(),
        to: to.to_string(),
        why,
    }
}

/// Refuses an action decided on another version of the case.
pub(super) fn check_version(case: &Case, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != case.version => Err(StoreError::VersionConflict {
            case: case.id,
            expected: v,
            current: case.version,
        }),
        _ => Ok(()),
    }
}

pub(super) fn check_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::InvalidInput(
            "the acting analyst is unnamed".into(),
        ));
    }
    Ok(())
}

pub(super) fn next_id(db: &mut dyn Sql, table: &str, column: &str) -> Result<i64, StoreError> {
    db.query_one(
        &format!("SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"),
        &[],
    )?[0]
        .int()
}

#[allow(clippy::too_many_arguments)]
pub(super) fn append_audit(
    db: &mut dyn Sql,
    at: i64,
    actor: &str,
    action: &str,
    case_id: Option<i64>,
    before: Option<&Json>,
    after: Option<&Json>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let seq = next_id(db, "audit_log", "seq")?;
    db.exec(
        "INSERT INTO audit_log (seq, at, actor, action, case_id, before_state, after_state, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            seq.into(),
            at.into(),
            actor.into(),
            action.into(),
            case_id.into(),
            before.map(Json::to_string).into(),
            after.map(Json::to_string).into(),
            detail.into(),
        ],
    )?;
    Ok(())
}

pub(super) const AUDIT_SELECT: &str = "SELECT seq, at, actor, action, case_id, before_state, after_state, \
                            detail FROM audit_log";

pub(super) fn audit_rows(
    db: &mut dyn Sql,
    sql: &str,
    params: &[Value],
) -> Result<Vec<AuditEntry>, StoreError> {
    let parse = |v: &Value, seq: i64| -> Result<Option<Json>, StoreError> {
        v.opt_text()?
            .map(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| StoreError::Decode(format!("audit entry {seq}: {e}")))
            })
            .transpose()
    };
    db.query(sql, params)?
        .iter()
        .map(|r| {
            let seq = r[0].int()?;
            Ok(AuditEntry {
                seq,
                at: format_timestamp_millis(r[1].int()?),
                actor: r[2].text()?,
                action: r[3].text()?,
                case_id: r[4].opt_int()?,
                before: parse(&r[5], seq)?,
                after: parse(&r[6], seq)?,
                detail: r[7].opt_text()?,
            })
        })
        .collect()
}

pub(super) fn load_case(db: &mut dyn Sql, id: i64) -> Result<Case, StoreError> {
    let row = db
        .query_opt(
            &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?"),
            &[id.into()],
        )?
        .ok_or(StoreError::CaseNotFound(id))?;
    case_from_row(&row)
}

pub(super) fn case_from_row(r: &Row) -> Result<Case, StoreError> {
    let id = r[0].int()?;
    let list = |v: &Value| -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&v.text()?)
            .map_err(|e| StoreError::Decode(format!("case {id}: id list: {e}")))
    };
    let approval = match (r[14].opt_text()?, r[15].opt_text()?) {
        (Some(resolution), Some(requested_by)) => Some(Approval {
            requested_by,
            resolution: resolution.parse()?,
            rationale: r[16].opt_text()?,
            approved_by: r[17].opt_text()?,
        }),
        _ => None,
    };
    Ok(Case {
        id,
        kind: r[1].text()?.parse()?,
        rule: r[2].text()?,
        severity: r[3].text()?,
        status: r[4].text()?.parse()?,
        resolution: r[5].opt_text()?.map(|s| s.parse()).transpose()?,
        title: r[6].text()?,
        subject_ids: list(&r[7])?,
        evidence_ids: list(&r[8])?,
        record_id: r[9].opt_text()?,
        entity_id: r[10].opt_text()?,
        score: r[11].opt_real()?,
        estimated_revenue_usd: r[12].opt_real()?,
        assignee: r[13].opt_text()?,
        approval,
        rationale: r[18].opt_text()?,
        closed_by: r[19].opt_text()?,
        created_at: format_timestamp_millis(r[20].int()?),
        updated_at: format_timestamp_millis(r[21].int()?),
        version: r[22].int()?,
        investigation_id: r[23].opt_int()?,
        priority: r[24].opt_real()?,
        workers: r[25].opt_int()?,
        rules: BTreeMap::new(),
    })
}

/// What a case-list search (`q`) looks in (table `case_search`): the
/// title, subject ids (as stored, JSON), record id and list entry id,
/// lower-cased, one per line so a search never spans two of them.
pub(super) fn search_text(
    title: &str,
    subject_ids: &str,
    record_id: Option<&str>,
    entity_id: Option<&str>,
) -> String {
    [
        title,
        subject_ids,
        record_id.unwrap_or(""),
        entity_id.unwrap_or(""),
    ]
    .join("\n")
    .to_lowercase()
}

pub(super) fn json_text(ids: &[String]) -> String {
    serde_json::to_string(ids).expect("strings serialise")
}
