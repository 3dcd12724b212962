//! Importing alerts and hits as cases, and grouping them into investigations.

use super::*;

impl CaseStore<'_> {
    /// Imports alerts as written by `yalu detect` (one JSON object each).
    /// Every alert is checked before anything is written: one bad alert
    /// fails the whole import, naming it and its field.
    pub fn import_alerts(&self, actor: &str, alerts: &[Json]) -> Result<ImportReport, StoreError> {
        let new: Vec<NewCase> = alerts
            .iter()
            .enumerate()
            .map(|(i, a)| parse_alert(&format!("alerts[{i}]"), a))
            .collect::<Result<_, _>>()?;
        self.import(actor, new)
    }

    /// Imports screening hits as written by `yalu screen` (JSON lines) or
    /// answered by the API. `fingerprint` gives the current version of a
    /// list entry by id (see [`entry_fingerprint`]); when it has none, the
    /// hit's own entry fields (caption, schema, datasets, and `properties`
    /// if present) are hashed instead.
    pub fn import_hits(
        &self,
        actor: &str,
        hits: &[Json],
        fingerprint: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ImportReport, StoreError> {
        let new: Vec<NewCase> = hits
            .iter()
            .enumerate()
            .map(|(i, h)| parse_hit(&format!("hits[{i}]"), h, fingerprint))
            .collect::<Result<_, _>>()?;
        self.import(actor, new)
    }

    fn import(&self, actor: &str, new: Vec<NewCase>) -> Result<ImportReport, StoreError> {
        check_actor(actor)?;
        let actor = actor.to_string();
        // SQLite's search table is a trigram index (migration 7) whose rowid
        // is the case id: a search then reads ids from the index alone.
        let insert_search = match self.store.db().kind() {
            crate::BackendKind::Sqlite => {
                "INSERT INTO case_search (rowid, case_id, text) VALUES (?1, ?1, ?2)"
            }
            crate::BackendKind::Postgres => "INSERT INTO case_search (case_id, text) VALUES (?, ?)",
        };
        self.store.db().write(move |db| {
            let actor = actor.as_str();
            let mut report = ImportReport::default();
            // The new cases, to be grouped once all are written.
            let mut joining: Vec<(usize, i64, Investigation)> = Vec::new();
            for n in new {
                let now = unix_now_millis();
                if let (Some(record), Some(entity), Some(hash)) =
                    (&n.record_id, &n.entity_id, &n.entry_hash)
                {
                    let suppressed = db.query_opt(
                        "SELECT case_id FROM suppressions
                         WHERE record_id = ? AND entity_id = ? AND entry_hash = ?",
                        &[record.as_str().into(), entity.as_str().into(), hash.as_str().into()],
                    )?;
                    if let Some(row) = suppressed {
                        let case_id = row[0].int()?;
                        append_audit(
                            db,
                            now,
                            actor,
                            "suppressed",
                            Some(case_id),
                            None,
                            None,
                            Some(&format!(
                                "hit on record {record} and list entry {entity} not raised: \
                                 closed as a false positive in case {case_id} and the entry is unchanged"
                            )),
                        )?;
                        report.suppressed += 1;
                        report.items.push(ImportItem {
                            outcome: ImportOutcome::Suppressed,
                            case_id: Some(case_id),
                            investigation_id: None,
                        });
                        continue;
                    }
                }
                let existing = db.query_opt(
                    "SELECT id, investigation_id FROM cases WHERE dedupe_key = ?",
                    &[n.dedupe_key.as_str().into()],
                )?;
                if let Some(row) = existing {
                    report.existing += 1;
                    report.items.push(ImportItem {
                        outcome: ImportOutcome::Existing,
                        case_id: Some(row[0].int()?),
                        investigation_id: row[1].opt_int()?,
                    });
                    continue;
                }
                let id = next_id(db, "cases", "id")?;
                let subject_ids = json_text(&n.subject_ids);
                let search = search_text(
                    &n.title,
                    &subject_ids,
                    n.record_id.as_deref(),
                    n.entity_id.as_deref(),
                );
                let rank = priority(
                    &n.severity,
                    n.workers.unwrap_or(0),
                    n.estimated_revenue_usd.unwrap_or(0.0),
                );
                db.exec(
                    "INSERT INTO cases (id, kind, dedupe_key, rule, severity, status, title,
                         subject_ids, evidence_ids, record_id, entity_id, entry_hash, score,
                         estimated_revenue_usd, payload, created_at, updated_at, priority, workers)
                     VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &[
                        id.into(),
                        n.kind.as_str().into(),
                        n.dedupe_key.into(),
                        n.rule.into(),
                        n.severity.into(),
                        n.title.into(),
                        subject_ids.into(),
                        json_text(&n.evidence_ids).into(),
                        n.record_id.into(),
                        n.entity_id.into(),
                        n.entry_hash.into(),
                        n.score.into(),
                        n.estimated_revenue_usd.into(),
                        n.payload.into(),
                        now.into(),
                        now.into(),
                        rank.into(),
                        n.workers.into(),
                    ],
                )?;
                db.exec(insert_search, &[id.into(), search.into()])?;
                let case = load_case(db, id)?;
                append_audit(
                    db,
                    now,
                    actor,
                    "create",
                    Some(id),
                    None,
                    Some(&case.state()),
                    Some(&format!("imported {} {}", n.kind, case.title)),
                )?;
                report.created += 1;
                joining.push((report.items.len(), id, n.scheme));
                report.items.push(ImportItem {
                    outcome: ImportOutcome::Created,
                    case_id: Some(id),
                    investigation_id: None,
                });
            }
            group_into_investigations(db, actor, insert_search, joining, &mut report)?;
            Ok(report)
        })
    }
}

/// Puts each new alert or hit case into an investigation, in input order:
/// the open investigation that holds its first key, else one that holds
/// any of its keys, else a new one opened on its keys. Its keys and
/// workers are then added to that investigation (a key held by a closed
/// investigation passes to the new one: activity after a closing is a new
/// investigation). Each investigation touched is then re-ranked from all
/// its members and gets one audit entry: `create` when this import opened
/// it, `extend` (its version raised) when it existed.
fn group_into_investigations(
    db: &mut dyn Sql,
    actor: &str,
    insert_search: &str,
    joining: Vec<(usize, i64, Investigation)>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    // Investigation id → (opened by this import, label, members added).
    let mut touched: BTreeMap<i64, (bool, String, Vec<i64>)> = BTreeMap::new();
    for (item, case_id, scheme) in joining {
        let mut found = None;
        for key in &scheme.keys {
            let row = db.query_opt(
                "SELECT k.investigation_id FROM investigation_keys k
                 JOIN cases c ON c.id = k.investigation_id
                 WHERE k.key = ? AND c.status <> 'closed'",
                &[key.as_str().into()],
            )?;
            if let Some(row) = row {
                found = Some(row[0].int()?);
                break;
            }
        }
        let inv = match found {
            Some(inv) => inv,
            None => {
                let inv = open_investigation(db, insert_search, &scheme)?;
                touched.insert(inv, (true, scheme.label.clone(), Vec::new()));
                inv
            }
        };
        for key in &scheme.keys {
            db.exec(
                "INSERT INTO investigation_keys (key, investigation_id) VALUES (?, ?)
                 ON CONFLICT (key) DO UPDATE SET investigation_id = excluded.investigation_id
                 WHERE investigation_keys.investigation_id IN
                     (SELECT id FROM cases WHERE status = 'closed')",
                &[key.as_str().into(), inv.into()],
            )?;
        }
        for worker in &scheme.workers {
            db.exec(
                "INSERT INTO investigation_workers (investigation_id, worker) VALUES (?, ?)
                 ON CONFLICT (investigation_id, worker) DO NOTHING",
                &[inv.into(), worker.as_str().into()],
            )?;
        }
        db.exec(
            "UPDATE cases SET investigation_id = ? WHERE id = ?",
            &[inv.into(), case_id.into()],
        )?;
        report.items[item].investigation_id = Some(inv);
        let label = scheme.label;
        touched
            .entry(inv)
            .or_insert_with(|| (false, label, Vec::new()))
            .2
            .push(case_id);
    }
    for (inv, (opened, label, added)) in touched {
        let now = unix_now_millis();
        let before = load_case(db, inv)?;
        let rows = db.query(
            "SELECT rule, severity, estimated_revenue_usd, workers FROM cases
             WHERE investigation_id = ?",
            &[inv.into()],
        )?;
        let mut severity = "low".to_string();
        let mut per_rule: BTreeMap<String, (u64, f64)> = BTreeMap::new();
        let mut most_workers = 0i64;
        for r in &rows {
            let sev = r[1].text()?;
            if severity_rank(&sev) > severity_rank(&severity) {
                severity = sev;
            }
            let entry = per_rule.entry(r[0].text()?).or_default();
            entry.0 += 1;
            entry.1 += r[2].opt_real()?.unwrap_or(0.0);
            most_workers = most_workers.max(r[3].opt_int()?.unwrap_or(0));
        }
        // Two rules may count the same worker-days: the largest rule's
        // total, not the sum over rules.
        let revenue = per_rule.values().map(|v| v.1).fold(0.0, f64::max);
        let named = db.query_one(
            "SELECT COUNT(*) FROM investigation_workers WHERE investigation_id = ?",
            &[inv.into()],
        )?[0]
            .int()?;
        let workers = named.max(most_workers);
        let rank = priority(&severity, workers, revenue);
        db.exec(
            &format!(
                "UPDATE cases SET severity = ?, estimated_revenue_usd = ?, workers = ?,
                 priority = ?, updated_at = ?{} WHERE id = ?",
                if opened {
                    ""
                } else {
                    ", version = version + 1"
                }
            ),
            &[
                severity.into(),
                revenue.into(),
                workers.into(),
                rank.into(),
                now.into(),
                inv.into(),
            ],
        )?;
        let after = load_case(db, inv)?;
        let rules: Vec<String> = per_rule
            .iter()
            .map(|(rule, (n, _))| format!("{rule} ×{n}"))
            .collect();
        let (action, detail) = if opened {
            report.investigations_opened += 1;
            (
                "create",
                format!(
                    "opened investigation of {label} with {} alerts or hits ({})",
                    added.len(),
                    rules.join(", ")
                ),
            )
        } else {
            report.investigations_extended += 1;
            (
                "extend",
                format!(
                    "{} new alerts or hits joined (cases {}); now {}",
                    added.len(),
                    added
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    rules.join(", ")
                ),
            )
        };
        append_audit(
            db,
            now,
            actor,
            action,
            Some(inv),
            (!opened).then(|| before.state()).as_ref(),
            Some(&after.state()),
            Some(&detail),
        )?;
    }
    Ok(())
}

/// Writes a new investigation case for `scheme` (no members yet).
fn open_investigation(
    db: &mut dyn Sql,
    insert_search: &str,
    scheme: &Investigation,
) -> Result<i64, StoreError> {
    let id = next_id(db, "cases", "id")?;
    let now = unix_now_millis();
    let keys = json_text(&scheme.keys);
    let payload = json!({"label": scheme.label, "keys": scheme.keys}).to_string();
    db.exec(
        "INSERT INTO cases (id, kind, dedupe_key, rule, severity, status, title, subject_ids,
             evidence_ids, payload, created_at, updated_at)
         VALUES (?, 'investigation', ?, ?, 'low', 'open', ?, ?, '[]', ?, ?, ?)",
        &[
            id.into(),
            format!("investigation:{id}").into(),
            INVESTIGATION_RULE.into(),
            scheme.label.as_str().into(),
            keys.as_str().into(),
            payload.into(),
            now.into(),
            now.into(),
        ],
    )?;
    db.exec(
        insert_search,
        &[
            id.into(),
            search_text(&scheme.label, &keys, None, None).into(),
        ],
    )?;
    Ok(id)
}
