//! Reading cases: lists, one case, its detail, the audit log, the dashboard.

use super::*;

impl CaseStore<'_> {
    /// Cases matching `filter`, newest first, and how many match in all.
    ///
    /// The count is exact up to the filter's count limit ([`COUNT_LIMIT`]
    /// by default) and a lower bound beyond, so that its cost does not grow
    /// with the store.
    pub fn list(&self, filter: &CaseFilter) -> Result<(Vec<Case>, CaseCount), StoreError> {
        let sqlite = self.store.db().kind() == crate::BackendKind::Sqlite;
        let FilterSql {
            from,
            clauses: filter_sql,
            params,
            newest,
            count_from,
        } = filter_clauses(filter, sqlite);
        let limit = filter.limit.clamp(1, MAX_PAGE) as i64;
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        let count_limit = filter
            .count_limit
            .unwrap_or(COUNT_LIMIT)
            .clamp(1, i64::MAX as u64 - 1);
        self.store.db().read(|db| {
            let mut count_params = params.clone();
            count_params.push((count_limit as i64 + 1).into());
            let matched = db.query_one(
                &format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM {count_from}{filter_sql} LIMIT ?) AS m"
                ),
                &count_params,
            )?[0]
                .int()? as u64;
            let total = CaseCount {
                value: matched.min(count_limit),
                exact: matched <= count_limit,
            };
            let mut page_params = params.clone();
            page_params.push(limit.into());
            page_params.push(offset.into());
            let order = match filter.sort {
                CaseSort::Newest => newest,
                CaseSort::Priority => "priority DESC NULLS LAST, id DESC",
            };
            let rows = db.query(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM {from}{filter_sql} ORDER BY {order} LIMIT ? OFFSET ?"
                ),
                &page_params,
            )?;
            let mut cases: Vec<Case> = rows.iter().map(case_from_row).collect::<Result<_, _>>()?;
            fill_rules(db, &mut cases)?;
            Ok((cases, total))
        })
    }

    /// One case, or `None`.
    pub fn get(&self, id: i64) -> Result<Option<Case>, StoreError> {
        self.store.db().read(|db| {
            let Some(row) = db.query_opt(
                &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?"),
                &[id.into()],
            )?
            else {
                return Ok(None);
            };
            let mut case = [case_from_row(&row)?];
            fill_rules(db, &mut case)?;
            let [case] = case;
            Ok(Some(case))
        })
    }

    /// A case with its payload, comments and history.
    pub fn detail(&self, id: i64) -> Result<CaseDetail, StoreError> {
        self.store.db().read(|db| {
            let row = db
                .query_opt(
                    &format!("SELECT {CASE_COLUMNS}, payload FROM cases WHERE id = ?"),
                    &[id.into()],
                )?
                .ok_or(StoreError::CaseNotFound(id))?;
            let mut case = [case_from_row(&row)?];
            fill_rules(db, &mut case)?;
            let [case] = case;
            let payload_text = row[PAYLOAD_COLUMN].text()?;
            let payload = serde_json::from_str(&payload_text)
                .map_err(|e| StoreError::Decode(format!("case {id} payload: {e}")))?;
            let comments = db
                .query(
                    "SELECT id, case_id, author, text, created_at FROM case_comments
                     WHERE case_id = ? ORDER BY id",
                    &[id.into()],
                )?
                .iter()
                .map(|r| {
                    Ok(Comment {
                        id: r[0].int()?,
                        case_id: r[1].int()?,
                        author: r[2].text()?,
                        text: r[3].text()?,
                        created_at: format_timestamp_millis(r[4].int()?),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            let history = audit_rows(
                db,
                &format!("{AUDIT_SELECT} WHERE case_id = ? ORDER BY seq"),
                &[id.into()],
            )?;
            let mut members = Vec::new();
            let mut member_payloads = Vec::new();
            if case.kind == CaseKind::Investigation {
                for r in db.query(
                    &format!(
                        "SELECT {CASE_COLUMNS}, payload FROM cases WHERE investigation_id = ?
                         ORDER BY priority DESC NULLS LAST, id"
                    ),
                    &[id.into()],
                )? {
                    let member = case_from_row(&r)?;
                    let payload =
                        serde_json::from_str(&r[PAYLOAD_COLUMN].text()?).map_err(|e| {
                            StoreError::Decode(format!("case {} payload: {e}", member.id))
                        })?;
                    members.push(member);
                    member_payloads.push(payload);
                }
            }
            Ok(CaseDetail {
                case,
                payload,
                comments,
                history,
                members,
                member_payloads,
            })
        })
    }

    /// The audit log, oldest first; with `since`, only entries after that
    /// sequence number.
    pub fn audit(&self, since: Option<i64>) -> Result<Vec<AuditEntry>, StoreError> {
        self.store.db().read(|db| {
            audit_rows(
                db,
                &format!("{AUDIT_SELECT} WHERE seq > ? ORDER BY seq"),
                &[since.unwrap_or(0).into()],
            )
        })
    }

    /// Alerts and hits by rule; units of work (investigations, and cases
    /// in none) by status, open, and their revenue estimate.
    pub fn dashboard(&self) -> Result<Dashboard, StoreError> {
        self.store.db().read(|db| {
            let mut d = Dashboard::default();
            for r in db.query(
                "SELECT rule, COUNT(*) FROM cases WHERE kind <> 'investigation' GROUP BY rule",
                &[],
            )? {
                d.by_rule.insert(r[0].text()?, r[1].int()? as u64);
            }
            for r in db.query(
                "SELECT status, COUNT(*) FROM cases WHERE investigation_id IS NULL GROUP BY status",
                &[],
            )? {
                let status = r[0].text()?;
                let n = r[1].int()? as u64;
                if status != CaseStatus::Closed.as_str() {
                    d.open_cases += n;
                }
                d.by_status.insert(status, n);
            }
            d.estimated_revenue_usd = db.query_one(
                "SELECT SUM(estimated_revenue_usd) FROM cases WHERE investigation_id IS NULL
                 AND (resolution IS NULL OR resolution = 'true_match')",
                &[],
            )?[0]
                .opt_real()?
                .unwrap_or(0.0);
            Ok(d)
        })
    }
}

/// The SQL of a [`CaseFilter`]: what to select from, the `WHERE` clause
/// (empty when it filters nothing), its parameters in order, and the order
/// of "newest first" over that source.
struct FilterSql {
    from: &'static str,
    clauses: String,
    params: Vec<Value>,
    newest: &'static str,
    /// What the count reads: `from`, or only the trigram index when the
    /// text is the whole filter (each of its rows is a case, so joining the
    /// cases would only look up every match's row for nothing).
    count_from: &'static str,
}

/// The SQL of `filter`. A text search on SQLite joins the trigram index
/// (migration 7) and orders by its rowid, the case id, so that a page and
/// a bounded count read only as many matches as they need, not every
/// match first.
fn filter_clauses(filter: &CaseFilter, sqlite: bool) -> FilterSql {
    let mut clauses: Vec<&str> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut from = "cases";
    let mut count_from = "cases";
    let mut newest = "id DESC";
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let q = q.trim().to_lowercase();
        if sqlite && q.chars().count() >= 3 {
            // A phrase of the text's trigrams: the rows that contain it.
            from = "case_search JOIN cases ON cases.id = case_search.rowid";
            count_from = "case_search";
            newest = "case_search.rowid DESC";
            clauses.push("case_search MATCH ?");
            params.push(format!("\"{}\"", q.replace('"', "\"\"")).into());
        } else {
            clauses.push("id IN (SELECT case_id FROM case_search WHERE text LIKE ? ESCAPE '!')");
            params.push(like_pattern(&q).into());
        }
    }
    if let Some(s) = filter.status {
        clauses.push("status = ?");
        params.push(s.as_str().into());
    }
    if let Some(r) = &filter.rule {
        if filter.units_only {
            // An investigation has the rules of its alerts.
            clauses.push("(rule = ? OR id IN (SELECT investigation_id FROM cases WHERE rule = ?))");
            params.push(r.as_str().into());
        } else {
            clauses.push("rule = ?");
        }
        params.push(r.as_str().into());
    }
    if let Some(a) = &filter.assignee {
        clauses.push("assignee = ?");
        params.push(a.as_str().into());
    }
    if let Some(k) = filter.kind {
        clauses.push("kind = ?");
        params.push(k.as_str().into());
    }
    if filter.units_only {
        clauses.push("investigation_id IS NULL");
    }
    if let Some(inv) = filter.investigation {
        clauses.push("investigation_id = ?");
        params.push(inv.into());
    }
    if clauses.len() > 1 {
        // Other filters read the cases' columns.
        count_from = from;
    }
    let clauses = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    FilterSql {
        from,
        clauses,
        params,
        newest,
        count_from,
    }
}

/// The `LIKE` pattern (escape `!`) of the texts that contain `q`.
fn like_pattern(q: &str) -> String {
    let escaped: String = q
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '!' => vec!['!', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}
