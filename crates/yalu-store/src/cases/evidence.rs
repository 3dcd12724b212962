//! The evidence a case page draws ([`CaseDetail::evidence`]): the one the
//! importer attached, else one derived from the case's alert or hit, read
//! as its typed record; an investigation's is the union of its members'.

use super::*;
use std::collections::HashSet;
use yalu_model::{Alert, Evidence, Hit, Network, NetworkEdge, NetworkNode, TimelineEvent};

/// Most persons on an investigation's timeline.
pub(super) const TIMELINE_PERSONS: usize = 25;

/// Most subjects whose rule evaluation an investigation shows.
const INVESTIGATION_EXPLAINED_SUBJECTS: usize = 12;

impl CaseDetail {
    /// The evidence the case page draws. An alert or hit: the evidence its
    /// importer attached (`yalu demo`, `yalu cases import --data`), else one
    /// derived from the record itself ([`derived_alert_evidence`],
    /// [`derived_hit_evidence`]). An investigation: the union of its
    /// members' evidence ([`merged_evidence`]).
    pub fn evidence(&self) -> Evidence {
        match self.case.kind {
            CaseKind::Investigation => merged_evidence(&self.members, &self.member_payloads),
            kind => payload_evidence(kind, &self.payload),
        }
    }
}

/// The evidence of an alert or hit case from its payload as imported: the
/// attached `evidence` when it reads as [`Evidence`], else the one derived
/// from the payload read as an [`Alert`] or [`Hit`]. A payload that does
/// not read (imported before imports read the whole record) has none.
pub(super) fn payload_evidence(kind: CaseKind, payload: &Json) -> Evidence {
    if let Some(attached) = payload
        .get("evidence")
        .and_then(|e| Evidence::deserialize(e).ok())
    {
        return attached;
    }
    // A malformed attachment (stored before imports refused one) is left
    // out, so that the record itself still reads.
    let without_attachment;
    let record = match payload.get("evidence") {
        None => payload,
        Some(_) => {
            let mut fields = payload.clone();
            if let Some(o) = fields.as_object_mut() {
                o.remove("evidence");
            }
            without_attachment = fields;
            &without_attachment
        }
    };
    match kind {
        CaseKind::Alert => Alert::deserialize(record)
            .map(|a| derived_alert_evidence(&a))
            .unwrap_or_default(),
        CaseKind::Hit => Hit::deserialize(record)
            .map(|h| derived_hit_evidence(&h))
            .unwrap_or_default(),
        CaseKind::Investigation => Evidence::default(),
    }
}

/// An investigation's evidence: the union of its members' evidence
/// (timeline events by record and person, network nodes by id, edges by
/// ends and kind), and each member's rule explanations. `members` come
/// highest priority first, with their payloads in the same order; the
/// timeline keeps the persons of the first members, at most
/// [`TIMELINE_PERSONS`] of them (`timeline_persons` says how many there
/// are).
fn merged_evidence(members: &[Case], payloads: &[Json]) -> Evidence {
    let mut merged = Merged::default();
    let mut persons = 0u64;
    for (case, payload) in members.iter().zip(payloads) {
        let e = payload_evidence(case.kind, payload);
        persons = persons.max(e.timeline_persons.unwrap_or(0));
        merged.add(e);
    }
    let Merged {
        mut timeline,
        nodes,
        edges,
        mut explanations,
        ..
    } = merged;
    let mut shown: Vec<&str> = Vec::new();
    for ev in &timeline {
        if let Some(p) = ev.person_id.as_deref()
            && !shown.contains(&p)
        {
            shown.push(p);
        }
    }
    persons = persons.max(shown.len() as u64);
    let keep: HashSet<String> = shown
        .iter()
        .take(TIMELINE_PERSONS)
        .map(|p| p.to_string())
        .collect();
    timeline.retain(|ev| ev.person_id.as_deref().is_none_or(|p| keep.contains(p)));
    explanations.truncate(INVESTIGATION_EXPLAINED_SUBJECTS);
    timeline.sort_by(|a, b| {
        (a.person_id.as_deref(), a.date.as_str()).cmp(&(b.person_id.as_deref(), b.date.as_str()))
    });
    Evidence {
        explanations: Some(explanations),
        network: Network { edges, nodes },
        timeline,
        timeline_persons: Some(persons),
    }
}

/// The union of evidence views, each part once.
#[derive(Default)]
struct Merged {
    timeline: Vec<TimelineEvent>,
    seen_events: HashSet<(Option<String>, Option<String>, String, String)>,
    nodes: Vec<NetworkNode>,
    node_ids: HashSet<String>,
    edges: Vec<NetworkEdge>,
    seen_edges: HashSet<(String, String, String)>,
    explanations: Vec<serde_json::Map<String, Json>>,
    seen_explained: HashSet<String>,
}

impl Merged {
    /// Adds `e`'s events, nodes, edges and explanations not seen yet; an
    /// event seen before is cited when `e` cites it.
    fn add(&mut self, e: Evidence) {
        for ev in e.timeline {
            let key = (
                ev.person_id.clone(),
                ev.record_id.clone(),
                ev.date.clone(),
                ev.kind.clone(),
            );
            if !self.seen_events.contains(&key) {
                self.seen_events.insert(key);
                self.timeline.push(ev);
            } else if ev.evidence == Some(true)
                && let Some(t) = self.timeline.iter_mut().find(|t| {
                    (&t.person_id, &t.record_id, &t.date, &t.kind)
                        == (&ev.person_id, &ev.record_id, &ev.date, &ev.kind)
                })
            {
                // Cited by one member: cited in the investigation.
                t.evidence = Some(true);
            }
        }
        for n in e.network.nodes {
            if self.node_ids.insert(n.id.clone()) {
                self.nodes.push(n);
            }
        }
        for ed in e.network.edges {
            if self
                .seen_edges
                .insert((ed.from.clone(), ed.to.clone(), ed.kind.clone()))
            {
                self.edges.push(ed);
            }
        }
        for x in e.explanations.into_iter().flatten() {
            if self.seen_explained.insert(x["label"].to_string()) {
                self.explanations.push(x);
            }
        }
    }
}

/// An alert's own evidence view: its period (`period_start`,
/// `period_end`) on the timeline of its first subject, and each of its
/// subjects linked to each of its evidence records.
fn derived_alert_evidence(alert: &Alert) -> Evidence {
    let subjects = &alert.subject_ids;
    let person = subjects.first().cloned();
    let timeline = [
        ("period_start", &alert.period_start),
        ("period_end", &alert.period_end),
    ]
    .into_iter()
    .filter_map(|(kind, date)| {
        Some(TimelineEvent {
            date: date.clone()?,
            detail: alert.summary.clone(),
            end: None,
            evidence: None,
            kind: kind.to_string(),
            ongoing: None,
            person_id: person.clone(),
            record_id: None,
        })
    })
    .collect();
    let mut nodes: Vec<NetworkNode> = subjects
        .iter()
        .map(|s| NetworkNode::new(s, s, "subject"))
        .collect();
    let records = alert.evidence_ids.iter().filter(|r| !subjects.contains(r));
    nodes.extend(records.clone().map(|r| NetworkNode::new(r, r, "record")));
    let edges = subjects
        .iter()
        .flat_map(|s| {
            alert
                .evidence_ids
                .iter()
                .filter(move |r| *r != s)
                .map(move |r| NetworkEdge::new(s, r, "evidence"))
        })
        .collect();
    Evidence {
        network: Network { edges, nodes },
        timeline,
        ..Evidence::default()
    }
}

/// A hit's own evidence view: its record (`query_id`, else `query_name`)
/// linked to the list entry it matched.
fn derived_hit_evidence(hit: &Hit) -> Evidence {
    let named = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let record = hit.query_id.clone().or_else(|| named(&hit.query_name));
    let network = match (record, named(&hit.entity_id)) {
        (Some(r), Some(e)) => Network {
            edges: vec![NetworkEdge::new(&r, &e, "match")],
            nodes: vec![
                NetworkNode::new(
                    &r,
                    named(&hit.query_name).as_deref().unwrap_or(&r),
                    "record",
                ),
                NetworkNode::new(
                    &e,
                    named(&hit.caption).as_deref().unwrap_or(&e),
                    "list_entry",
                ),
            ],
        },
        _ => Network::default(),
    };
    Evidence {
        network,
        ..Evidence::default()
    }
}
