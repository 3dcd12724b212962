//! The review actions: assign, comment, move, close, approve, reject, bulk.

use super::*;

impl CaseStore<'_> {
    /// Assigns a case (`None` unassigns). Not on closed cases.
    pub fn assign(&self, actor: &str, id: i64, assignee: Option<&str>) -> Result<Case, StoreError> {
        let assignee = match assignee.map(str::trim) {
            Some("") => {
                return Err(StoreError::InvalidInput(
                    "assignee is empty (send null to unassign)".into(),
                ));
            }
            other => other.map(str::to_string),
        };
        self.change(actor, id, "assign", move |case| {
            if case.status == CaseStatus::Closed {
                return Err(transition(case, "assigned", "the case is closed"));
            }
            Ok(Change {
                sql: "assignee = ?",
                params: vec![assignee.clone().into()],
                detail: Some(match &assignee {
                    Some(a) => format!("assigned to {a}"),
                    None => "unassigned".to_string(),
                }),
            })
        })
    }

    /// Adds a comment; any state, closed included.
    pub fn comment(&self, actor: &str, id: i64, text: &str) -> Result<Comment, StoreError> {
        check_actor(actor)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::InvalidInput("the comment is empty".into()));
        }
        let (actor, text) = (actor.to_string(), text.to_string());
        let expected = self.expected_version;
        self.store.db().write(move |db| {
            let (actor, text) = (actor.as_str(), text.as_str());
            let case = load_case(db, id)?;
            check_version(&case, expected)?;
            let now = unix_now_millis();
            let comment_id = next_id(db, "case_comments", "id")?;
            db.exec(
                "INSERT INTO case_comments (id, case_id, author, text, created_at)
                 VALUES (?, ?, ?, ?, ?)",
                &[
                    comment_id.into(),
                    id.into(),
                    actor.into(),
                    text.into(),
                    now.into(),
                ],
            )?;
            db.exec(
                "UPDATE cases SET updated_at = ? WHERE id = ?",
                &[now.into(), id.into()],
            )?;
            let state = case.state();
            append_audit(
                db,
                now,
                actor,
                "comment",
                Some(id),
                Some(&state),
                Some(&state),
                Some(text),
            )?;
            Ok(Comment {
                id: comment_id,
                case_id: id,
                author: actor.to_string(),
                text: text.to_string(),
                created_at: format_timestamp_millis(now),
            })
        })
    }

    /// Moves a case between open, in review and escalated.
    pub fn set_status(&self, actor: &str, id: i64, to: CaseStatus) -> Result<Case, StoreError> {
        self.change(actor, id, "status", move |case| {
            if !to.is_working() {
                return Err(transition(
                    case,
                    to.as_str(),
                    "use close, approve or reject-approval for that",
                ));
            }
            if !case.status.is_working() {
                return Err(transition(
                    case,
                    to.as_str(),
                    "only open, in-review and escalated cases change status",
                ));
            }
            if case.status == to {
                return Err(transition(case, to.as_str(), "the case is already there"));
            }
            Ok(Change {
                sql: "status = ?",
                params: vec![to.as_str().into()],
                detail: Some(format!("{} → {to}", case.status)),
            })
        })
    }

    /// Closes a case. A true match goes to `pending_approval` until a
    /// second analyst approves it; the others close at once. A false
    /// positive on a screening hit suppresses its (record, entry version).
    pub fn close(
        &self,
        actor: &str,
        id: i64,
        resolution: Resolution,
        rationale: &str,
    ) -> Result<Case, StoreError> {
        let rationale = rationale.trim().to_string();
        if rationale.is_empty() {
            return Err(StoreError::RationaleRequired("close a case"));
        }
        let actor_owned = actor.to_string();
        let action = if resolution == Resolution::TrueMatch {
            "request_approval"
        } else {
            "close"
        };
        self.change(actor, id, action, move |case| {
            if !case.status.is_working() {
                return Err(transition(
                    case,
                    "closed",
                    "only open, in-review and escalated cases can be closed",
                ));
            }
            let detail = Some(format!("{resolution}: {rationale}"));
            Ok(if resolution == Resolution::TrueMatch {
                Change {
                    sql: "status = 'pending_approval', requested_resolution = ?, \
                          requested_by = ?, requested_rationale = ?, approved_by = NULL",
                    params: vec![
                        resolution.as_str().into(),
                        actor_owned.as_str().into(),
                        rationale.as_str().into(),
                    ],
                    detail,
                }
            } else {
                Change {
                    sql: "status = 'closed', resolution = ?, rationale = ?, closed_by = ?",
                    params: vec![
                        resolution.as_str().into(),
                        rationale.as_str().into(),
                        actor_owned.as_str().into(),
                    ],
                    detail,
                }
            })
        })
    }

    /// Approves a requested true-match closing. The requester may not.
    pub fn approve(
        &self,
        actor: &str,
        id: i64,
        rationale: Option<&str>,
    ) -> Result<Case, StoreError> {
        let note = optional_note(rationale);
        let actor_owned = actor.to_string();
        self.change(actor, id, "approve", move |case| {
            let approval = pending_approval(case, "closed")?;
            if approval.requested_by == actor_owned {
                return Err(StoreError::FourEyes {
                    case: case.id,
                    requested_by: approval.requested_by.clone(),
                });
            }
            let rationale = match (&approval.rationale, &note) {
                (Some(r), Some(n)) => format!("{r} | approved: {n}"),
                (Some(r), None) => r.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            };
            Ok(Change {
                sql: "status = 'closed', resolution = requested_resolution, approved_by = ?, \
                      rationale = ?, closed_by = ?",
                params: vec![
                    actor_owned.as_str().into(),
                    rationale.into(),
                    actor_owned.as_str().into(),
                ],
                detail: Some(format!(
                    "approved {} requested by {}{}",
                    approval.resolution,
                    approval.requested_by,
                    note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
                )),
            })
        })
    }

    /// Refuses a requested true-match closing: the case goes back to review.
    pub fn reject_approval(
        &self,
        actor: &str,
        id: i64,
        rationale: Option<&str>,
    ) -> Result<Case, StoreError> {
        let note = optional_note(rationale);
        self.change(actor, id, "reject_approval", move |case| {
            let approval = pending_approval(case, "in_review")?;
            Ok(Change {
                sql: "status = 'in_review', requested_resolution = NULL, requested_by = NULL, \
                      requested_rationale = NULL, approved_by = NULL",
                params: vec![],
                detail: Some(format!(
                    "rejected {} requested by {}{}",
                    approval.resolution,
                    approval.requested_by,
                    note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
                )),
            })
        })
    }

    /// Applies one assignment or status change to many cases (the queue's
    /// bulk actions), each in its own transaction with its own audit entry,
    /// so that a case refused (closed, already there, changed meanwhile)
    /// does not hold back the others. Answers one outcome per distinct id,
    /// in the order given. At most [`MAX_PAGE`] ids.
    pub fn bulk(
        &self,
        actor: &str,
        ids: &[i64],
        action: &BulkAction,
    ) -> Result<Vec<BulkOutcome>, StoreError> {
        check_actor(actor)?;
        if ids.is_empty() {
            return Err(StoreError::InvalidInput("no case ids were given".into()));
        }
        if ids.len() as u64 > MAX_PAGE {
            return Err(StoreError::InvalidInput(format!(
                "{} case ids were given; at most {MAX_PAGE} at once",
                ids.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        Ok(ids
            .iter()
            .filter(|id| seen.insert(**id))
            .map(|&id| {
                let outcome = match action {
                    BulkAction::Assign(to) => self.assign(actor, id, to.as_deref()),
                    BulkAction::Status(to) => self.set_status(actor, id, *to),
                };
                (id, outcome)
            })
            .collect())
    }

    /// Loads a case, lets `decide` check it and say what to set, applies
    /// that, records suppression, and appends the audit entry: all in one
    /// transaction.
    fn change(
        &self,
        actor: &str,
        id: i64,
        action: &'static str,
        decide: impl FnOnce(&Case) -> Result<Change, StoreError> + Send + 'static,
    ) -> Result<Case, StoreError> {
        check_actor(actor)?;
        let actor = actor.to_string();
        let expected = self.expected_version;
        self.store.db().write(move |db| {
            let actor = actor.as_str();
            let before = load_case(db, id)?;
            check_version(&before, expected)?;
            let change = decide(&before)?;
            let now = unix_now_millis();
            let mut params = change.params;
            params.push(now.into());
            params.push(id.into());
            params.push(before.version.into());
            let changed = db.exec(
                &format!(
                    "UPDATE cases SET {}, updated_at = ?, version = version + 1 \
                     WHERE id = ? AND version = ?",
                    change.sql
                ),
                &params,
            )?;
            if changed != 1 {
                // Writers are serialised, so this cannot happen; if it
                // ever did, refusing is the safe answer.
                let now_at = load_case(db, id)?;
                return Err(StoreError::VersionConflict {
                    case: id,
                    expected: before.version,
                    current: now_at.version,
                });
            }
            let after = load_case(db, id)?;
            if after.kind == CaseKind::Hit
                && after.status == CaseStatus::Closed
                && after.resolution == Some(Resolution::FalsePositive)
            {
                let row = db.query_one(
                    "SELECT record_id, entity_id, entry_hash FROM cases WHERE id = ?",
                    &[id.into()],
                )?;
                db.exec(
                    "INSERT INTO suppressions (record_id, entity_id, entry_hash, case_id, created_at)
                     VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (record_id, entity_id, entry_hash) DO NOTHING",
                    &[
                        row[0].clone(),
                        row[1].clone(),
                        row[2].clone(),
                        id.into(),
                        now.into(),
                    ],
                )?;
            }
            append_audit(
                db,
                now,
                actor,
                action,
                Some(id),
                Some(&before.state()),
                Some(&after.state()),
                change.detail.as_deref(),
            )?;
            Ok(after)
        })
    }
}

/// What a review action sets (`sql` is a `SET` list with `?` for `params`).
struct Change {
    sql: &'static str,
    params: Vec<Value>,
    detail: Option<String>,
}

/// A reviewer's optional note, trimmed; blank is none.
fn optional_note(rationale: Option<&str>) -> Option<String> {
    rationale
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

/// The closing that awaits a second analyst's decision on `case`, or the
/// refusal of a move `to` another status when none does.
fn pending_approval<'a>(case: &'a Case, to: &str) -> Result<&'a Approval, StoreError> {
    case.approval
        .as_ref()
        .filter(|_| case.status == CaseStatus::PendingApproval)
        .ok_or_else(|| transition(case, to, "no closing awaits approval"))
}
