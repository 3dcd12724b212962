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

    /// Writes the validated alerts or hits in one transaction: each is
    /// suppressed, found already present, or created; the created ones are
    /// then grouped into investigations.
    fn import(&self, actor: &str, new: Vec<NewCase>) -> Result<ImportReport, StoreError> {
        check_actor(actor)?;
        let actor = actor.to_string();
        let insert_search = insert_search_sql(self.store.db().kind());
        self.store.db().write(move |db| {
            let actor = actor.as_str();
            let mut report = ImportReport::default();
            // The new cases, to be grouped once all are written.
            let mut joining: Vec<Joining> = Vec::new();
            for n in new {
                let item = match admit(db, actor, insert_search, n)? {
                    Admitted::Suppressed { by } => {
                        report.suppressed += 1;
                        ImportItem {
                            outcome: ImportOutcome::Suppressed,
                            case_id: Some(by),
                            investigation_id: None,
                        }
                    }
                    Admitted::Existing {
                        case_id,
                        investigation_id,
                    } => {
                        report.existing += 1;
                        ImportItem {
                            outcome: ImportOutcome::Existing,
                            case_id: Some(case_id),
                            investigation_id,
                        }
                    }
                    Admitted::Created { case_id, scheme } => {
                        report.created += 1;
                        joining.push(Joining {
                            item: report.items.len(),
                            case_id,
                            scheme,
                        });
                        ImportItem {
                            outcome: ImportOutcome::Created,
                            case_id: Some(case_id),
                            investigation_id: None,
                        }
                    }
                };
                report.items.push(item);
            }
            group_into_investigations(db, actor, insert_search, joining, &mut report)?;
            Ok(report)
        })
    }
}

/// The statement that indexes a case's text for search. SQLite's search
/// table is a trigram index (migration 7) whose rowid is the case id: a
/// search then reads ids from the index alone.
fn insert_search_sql(backend: crate::BackendKind) -> &'static str {
    match backend {
        crate::BackendKind::Sqlite => {
            "INSERT INTO case_search (rowid, case_id, text) VALUES (?1, ?1, ?2)"
        }
        crate::BackendKind::Postgres => "INSERT INTO case_search (case_id, text) VALUES (?, ?)",
    }
}

/// What importing one alert or hit did.
enum Admitted {
    /// A hit closed as a false positive in case `by`, on an unchanged entry.
    Suppressed { by: i64 },
    /// Imported before: its case.
    Existing {
        case_id: i64,
        investigation_id: Option<i64>,
    },
    /// A new case, still to join an investigation by `scheme`.
    Created { case_id: i64, scheme: Investigation },
}

/// A case created by this import, waiting to be grouped.
struct Joining {
    /// Its position in the report's items.
    item: usize,
    case_id: i64,
    /// The network it says it belongs to.
    scheme: Investigation,
}

/// Decides the fate of one alert or hit: suppressed by a false-positive
/// closing, already present, or written as a new case.
fn admit(
    db: &mut dyn Sql,
    actor: &str,
    insert_search: &str,
    n: NewCase,
) -> Result<Admitted, StoreError> {
    let now = unix_now_millis();
    if let Some(by) = suppressing_case(db, &n)? {
        log_suppression(db, now, actor, &n, by)?;
        return Ok(Admitted::Suppressed { by });
    }
    let existing = db.query_opt(
        "SELECT id, investigation_id FROM cases WHERE dedupe_key = ?",
        &[n.dedupe_key.as_str().into()],
    )?;
    if let Some(row) = existing {
        return Ok(Admitted::Existing {
            case_id: row[0].int()?,
            investigation_id: row[1].opt_int()?,
        });
    }
    let scheme = n.scheme.clone();
    let case_id = insert_case(db, now, actor, insert_search, n)?;
    Ok(Admitted::Created { case_id, scheme })
}

/// The case whose false-positive closing suppresses this hit on this
/// version of the list entry; `None` for alerts.
fn suppressing_case(db: &mut dyn Sql, n: &NewCase) -> Result<Option<i64>, StoreError> {
    let (Some(record), Some(entity), Some(hash)) = (&n.record_id, &n.entity_id, &n.entry_hash)
    else {
        return Ok(None);
    };
    let row = db.query_opt(
        "SELECT case_id FROM suppressions
         WHERE record_id = ? AND entity_id = ? AND entry_hash = ?",
        &[
            record.as_str().into(),
            entity.as_str().into(),
            hash.as_str().into(),
        ],
    )?;
    row.map(|r| r[0].int()).transpose()
}

/// The audit entry of a hit not raised because case `by` suppresses it.
fn log_suppression(
    db: &mut dyn Sql,
    now: i64,
    actor: &str,
    n: &NewCase,
    by: i64,
) -> Result<(), StoreError> {
    let record = n.record_id.as_deref().unwrap_or_default();
    let entity = n.entity_id.as_deref().unwrap_or_default();
    append_audit(
        db,
        now,
        actor,
        "suppressed",
        Some(by),
        None,
        None,
        Some(&format!(
            "hit on record {record} and list entry {entity} not raised: \
             closed as a false positive in case {by} and the entry is unchanged"
        )),
    )
}

/// Writes a new open case, its search text and its `create` audit entry.
fn insert_case(
    db: &mut dyn Sql,
    now: i64,
    actor: &str,
    insert_search: &str,
    n: NewCase,
) -> Result<i64, StoreError> {
    let id = next_id(db, "cases", "id")?;
    let subject_ids = json_text(&n.subject_ids);
    let search = search_text(
        &n.title,
        &subject_ids,
        n.record_id.as_deref(),
        n.entity_id.as_deref(),
    );
    let rank = priority(
        n.severity.as_str(),
        n.workers.unwrap_or(0),
        n.estimated_revenue_usd.unwrap_or(0.0),
    );
    let kind = n.kind;
    db.exec(
        "INSERT INTO cases (id, kind, dedupe_key, rule, severity, status, title,
             subject_ids, evidence_ids, record_id, entity_id, entry_hash, score,
             estimated_revenue_usd, payload, created_at, updated_at, priority, workers)
         VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            id.into(),
            kind.as_str().into(),
            n.dedupe_key.into(),
            n.rule.into(),
            n.severity.as_str().into(),
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
        Some(&format!("imported {kind} {}", case.title)),
    )?;
    Ok(id)
}

/// An investigation this import touched.
struct Touched {
    /// Opened by this import (else extended).
    opened: bool,
    /// The label it was opened with, or the first joining case's.
    label: String,
    /// The cases that joined it, in input order.
    added: Vec<i64>,
}

impl Touched {
    /// The audit action and detail of this import's change to the
    /// investigation: `create` when it opened it, else `extend`.
    fn audit_entry(&self, members: &MemberTotals) -> (&'static str, String) {
        let added = self.added.len();
        if self.opened {
            let detail = format!(
                "opened investigation of {} with {added} alerts or hits ({})",
                self.label,
                members.rules()
            );
            ("create", detail)
        } else {
            let cases: Vec<String> = self.added.iter().map(i64::to_string).collect();
            let detail = format!(
                "{added} new alerts or hits joined (cases {}); now {}",
                cases.join(", "),
                members.rules()
            );
            ("extend", detail)
        }
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
    joining: Vec<Joining>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let mut touched: BTreeMap<i64, Touched> = BTreeMap::new();
    for Joining {
        item,
        case_id,
        scheme,
    } in joining
    {
        let inv = match open_investigation_holding(db, &scheme.keys)? {
            Some(inv) => inv,
            None => {
                let inv = open_investigation(db, insert_search, &scheme)?;
                let label = scheme.label.clone();
                touched.insert(
                    inv,
                    Touched {
                        opened: true,
                        label,
                        added: Vec::new(),
                    },
                );
                inv
            }
        };
        join_investigation(db, inv, case_id, &scheme)?;
        report.items[item].investigation_id = Some(inv);
        touched
            .entry(inv)
            .or_insert_with(|| Touched {
                opened: false,
                label: scheme.label,
                added: Vec::new(),
            })
            .added
            .push(case_id);
    }
    for (inv, change) in touched {
        let now = unix_now_millis();
        let before = load_case(db, inv)?;
        let members = MemberTotals::read(db, inv)?;
        rerank_investigation(db, inv, now, &members, change.opened)?;
        let after = load_case(db, inv)?;
        if change.opened {
            report.investigations_opened += 1;
        } else {
            report.investigations_extended += 1;
        }
        let (action, detail) = change.audit_entry(&members);
        append_audit(
            db,
            now,
            actor,
            action,
            Some(inv),
            (!change.opened).then(|| before.state()).as_ref(),
            Some(&after.state()),
            Some(&detail),
        )?;
    }
    Ok(())
}

/// The first open investigation that holds one of `keys`, tried in order.
fn open_investigation_holding(
    db: &mut dyn Sql,
    keys: &[String],
) -> Result<Option<i64>, StoreError> {
    for key in keys {
        let row = db.query_opt(
            "SELECT k.investigation_id FROM investigation_keys k
             JOIN cases c ON c.id = k.investigation_id
             WHERE k.key = ? AND c.status <> 'closed'",
            &[key.as_str().into()],
        )?;
        if let Some(row) = row {
            return Ok(Some(row[0].int()?));
        }
    }
    Ok(None)
}

/// Makes case `case_id` a member of investigation `inv`, which takes its
/// keys (from closed investigations too) and its workers.
fn join_investigation(
    db: &mut dyn Sql,
    inv: i64,
    case_id: i64,
    scheme: &Investigation,
) -> Result<(), StoreError> {
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
    Ok(())
}

/// What an investigation's members add up to.
struct MemberTotals {
    /// The highest severity of its members (`low` when none is higher).
    severity: String,
    /// Rule → (members it raised, their revenue estimates summed).
    per_rule: BTreeMap<String, (u64, f64)>,
    /// Workers of the investigation: the named ones, or the most one
    /// member counts if that is more.
    workers: i64,
}

impl MemberTotals {
    fn read(db: &mut dyn Sql, inv: i64) -> Result<Self, StoreError> {
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
        let named = db.query_one(
            "SELECT COUNT(*) FROM investigation_workers WHERE investigation_id = ?",
            &[inv.into()],
        )?[0]
            .int()?;
        Ok(MemberTotals {
            severity,
            per_rule,
            workers: named.max(most_workers),
        })
    }

    /// Two rules may count the same worker-days: the largest rule's
    /// total, not the sum over rules.
    fn revenue(&self) -> f64 {
        self.per_rule.values().map(|v| v.1).fold(0.0, f64::max)
    }

    /// `RULE ×n` for each rule, in rule order.
    fn rules(&self) -> String {
        self.per_rule
            .iter()
            .map(|(rule, (n, _))| format!("{rule} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Writes the investigation's severity, revenue, workers and priority
/// from its members; an existing investigation's version is raised.
fn rerank_investigation(
    db: &mut dyn Sql,
    inv: i64,
    now: i64,
    members: &MemberTotals,
    opened: bool,
) -> Result<(), StoreError> {
    let revenue = members.revenue();
    let rank = priority(&members.severity, members.workers, revenue);
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
            members.severity.as_str().into(),
            revenue.into(),
            members.workers.into(),
            rank.into(),
            now.into(),
            inv.into(),
        ],
    )?;
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
