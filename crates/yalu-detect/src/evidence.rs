//! The evidence ([`yalu_model::Evidence`]) the workbench's case page draws, built from the data set an
//! alert was detected on and attached to each alert or hit as its
//! `evidence` field by `yalu demo` and by `yalu cases import --data DIR`
//! (the server keeps imported objects verbatim, and the page prefers this
//! field to the id-only view the server can build):
//!
//! - `timeline`: per resolved person, the documents (visas, permits) and
//!   placements with their start and end, and the border crossings, each
//!   `{"person_id", "date", "end"?, "ongoing"?, "kind", "detail",
//!   "record_id", "evidence"}` (`evidence`: the record is one the alert
//!   cites; `ongoing`: a placement with no end yet);
//! - `network`: `{"nodes": [{"id", "label", "kind"}], "edges": [{"from",
//!   "to", "kind"}]}` with the workers (`worker`), their agencies
//!   (`agency`), clients and employers (`client`), other persons
//!   (`person`: officials, directors) and the list entries any of them
//!   match (`listed`).

use crate::explain::{AlertsBySubject, explain_subjects};
use crate::records::{DataSet, OrgKind, Party, PersonIx};
use crate::resolve::Resolution;
use crate::rules::Context;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use yalu_model::{Evidence, Hit, Investigation, Network, NetworkEdge, NetworkNode, TimelineEvent};

/// Most persons drawn on one case's timeline (the rest are counted).
const TIMELINE_PERSONS: usize = 25;
/// Most workers in one case's network.
const NETWORK_WORKERS: usize = 60;

/// Most subjects of one alert explained rule by rule on its case page.
pub const EXPLAINED_SUBJECTS: usize = 4;

/// Lookups shared by every case.
pub struct EvidenceBuilder<'a> {
    data: &'a DataSet,
    res: &'a Resolution,
    person_ix: HashMap<&'a str, PersonIx>,
    org_ix: HashMap<&'a str, u32>,
    /// Per resolved person: documents, crossings, placements.
    docs_of: Vec<Vec<u32>>,
    crossings_of: Vec<Vec<u32>>,
    placements_of: Vec<Vec<u32>>,
    /// Record or organisation id → list entries it matched (id, caption).
    listed: HashMap<String, Vec<(String, String)>>,
}

impl<'a> EvidenceBuilder<'a> {
    /// `hits`: the screening hits of the demo (`query_id`, `entity_id`,
    /// `caption`), which give the `listed` nodes.
    pub fn new(data: &'a DataSet, res: &'a Resolution, hits: &[Hit]) -> Self {
        let n = res.persons.len();
        let person_of = |p: PersonIx| res.of_record[p as usize] as usize;
        let mut docs_of = vec![Vec::new(); n];
        for (i, d) in data.documents.iter().enumerate() {
            docs_of[person_of(d.person)].push(i as u32);
        }
        let mut crossings_of = vec![Vec::new(); n];
        for (i, c) in data.crossings.iter().enumerate() {
            crossings_of[person_of(c.person)].push(i as u32);
        }
        let mut placements_of = vec![Vec::new(); n];
        for (i, p) in data.placements.iter().enumerate() {
            placements_of[person_of(p.person)].push(i as u32);
        }
        let mut listed: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for h in hits {
            if let Some(q) = &h.query_id {
                listed
                    .entry(q.clone())
                    .or_default()
                    .push((h.entity_id.clone(), h.caption.clone()));
            }
        }
        EvidenceBuilder {
            data,
            res,
            person_ix: data
                .persons
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i as PersonIx))
                .collect(),
            org_ix: data
                .organizations
                .iter()
                .enumerate()
                .map(|(i, o)| (o.id.as_str(), i as u32))
                .collect(),
            docs_of,
            crossings_of,
            placements_of,
            listed,
        }
    }

    /// Resolved persons (in order of first mention) and organisations a
    /// case about `subjects` concerns; an organisation-level alert names no
    /// person, and its workers are the persons of the placements it cites.
    fn concerned(
        &self,
        subjects: &[String],
        cited: &BTreeSet<&str>,
    ) -> (Vec<usize>, BTreeSet<u32>) {
        // Resolved persons concerned, in order of first mention.
        let mut persons: Vec<usize> = Vec::new();
        let mut orgs: BTreeSet<u32> = BTreeSet::new();
        for s in subjects {
            if let Some(&p) = self.person_ix.get(s.as_str()) {
                let rp = self.res.of_record[p as usize] as usize;
                if !persons.contains(&rp) {
                    persons.push(rp);
                }
            } else if let Some(&o) = self.org_ix.get(s.as_str()) {
                orgs.insert(o);
            }
        }
        if persons.is_empty() {
            for p in &self.data.placements {
                if cited.contains(p.id.as_str()) {
                    let rp = self.res.of_record[p.person as usize] as usize;
                    if !persons.contains(&rp) {
                        persons.push(rp);
                    }
                }
            }
        }
        (persons, orgs)
    }

    /// The network an alert or hit about `subjects` citing `cited` belongs
    /// to, as the case store's `investigation` field (`{"keys", "label",
    /// "workers"}`): cases that share a key are worked as one
    /// investigation. The first key, the anchor, is the scheme's hub: an
    /// agency among the subjects, else the agency that placed most of its
    /// persons, else an employer among the subjects, else the client most
    /// of its persons work for, else a firm one of its persons represents,
    /// directs or owns, else the (resolved) person. The other keys are the
    /// persons concerned (`person:` and the resolved id); `workers` are
    /// those with placements.
    pub fn scheme(&self, subjects: &[String], cited: &[String]) -> Investigation {
        let cited: BTreeSet<&str> = cited.iter().map(String::as_str).collect();
        let (persons, orgs) = self.concerned(subjects, &cited);
        let d = self.data;
        let anchor = self.hub(&persons, &orgs);
        let person_key = |rp: usize| format!("person:{}", self.res.persons[rp].id);
        let mut keys: Vec<String> = Vec::new();
        let label = match anchor {
            Some(o) => {
                keys.push(format!("org:{}", d.organizations[o as usize].id));
                self.org_name(o).to_string()
            }
            None => match persons.first() {
                Some(&rp) => self.name_of(rp).to_string(),
                // Nothing of the data set: the subjects as given.
                None => {
                    keys.extend(subjects.iter().cloned());
                    subjects.first().cloned().unwrap_or_default()
                }
            },
        };
        keys.extend(persons.iter().map(|&rp| person_key(rp)));
        let workers: Vec<String> = persons
            .iter()
            .filter(|&&rp| !self.placements_of[rp].is_empty())
            .map(|&rp| self.res.persons[rp].id.clone())
            .collect();
        Investigation {
            keys,
            label,
            workers,
        }
    }

    /// The hub of a scheme about the resolved `persons` and the
    /// organisations `orgs` (see [`EvidenceBuilder::scheme`]): an agency
    /// among `orgs`, else the agency that placed most of the persons, else
    /// the first of `orgs`, else the client most of the persons work for,
    /// else the first firm one of the persons represents, directs or owns.
    fn hub(&self, persons: &[usize], orgs: &BTreeSet<u32>) -> Option<u32> {
        let d = self.data;
        let is_agency = |o: u32| {
            matches!(
                d.organizations[o as usize].kind,
                Some(OrgKind::StaffingAgency | OrgKind::TradingHouse)
            )
        };
        let placements: Vec<&crate::records::Placement> = persons
            .iter()
            .flat_map(|&rp| {
                self.placements_of[rp]
                    .iter()
                    .map(|&i| &d.placements[i as usize])
            })
            .collect();
        let related = || {
            d.relations.iter().find_map(|r| match (r.from, r.to) {
                (Party::Person(p), Party::Org(o))
                    if persons.contains(&(self.res.of_record[p as usize] as usize)) =>
                {
                    Some(o)
                }
                _ => None,
            })
        };
        orgs.iter()
            .copied()
            .find(|&o| is_agency(o))
            .or_else(|| most_frequent(placements.iter().filter_map(|p| p.agency).collect()))
            .or_else(|| orgs.iter().copied().next())
            .or_else(|| most_frequent(placements.iter().map(|p| p.client).collect()))
            .or_else(related)
    }

    /// The evidence of a case about `subjects` (person and organisation
    /// record ids) citing the records `cited`.
    pub fn build(&self, subjects: &[String], cited: &[String]) -> Evidence {
        let cited: BTreeSet<&str> = cited.iter().map(String::as_str).collect();
        let (persons, orgs) = self.concerned(subjects, &cited);
        Evidence {
            explanations: None,
            network: self.network(&persons, &orgs),
            timeline: self.timeline(&persons, &cited),
            timeline_persons: Some(persons.len() as u64),
        }
    }

    fn name_of(&self, rp: usize) -> &str {
        let first = self.res.persons[rp].records[0];
        &self.data.persons[first as usize].full_name
    }

    fn org_name(&self, o: u32) -> &str {
        &self.data.organizations[o as usize].name
    }

    fn timeline(&self, persons: &[usize], cited: &BTreeSet<&str>) -> Vec<TimelineEvent> {
        let d = self.data;
        let mut out = Vec::new();
        for &rp in persons.iter().take(TIMELINE_PERSONS) {
            let who = format!("{} ({})", self.name_of(rp), self.res.persons[rp].id);
            for &i in &self.docs_of[rp] {
                let doc = &d.documents[i as usize];
                let Some(start) = doc.start() else { continue };
                let mut detail = doc.label();
                if let Some(s) = doc.sponsor {
                    detail.push_str(&format!(", sponsor {}", self.org_name(s)));
                }
                out.push(TimelineEvent {
                    date: start.to_string(),
                    detail,
                    end: Some(doc.valid_until.map(|e| e.to_string())),
                    evidence: Some(cited.contains(doc.id.as_str())),
                    kind: doc.kind.as_str().to_string(),
                    ongoing: None,
                    person_id: Some(who.clone()),
                    record_id: Some(doc.id.clone()),
                });
            }
            for &i in &self.placements_of[rp] {
                let p = &d.placements[i as usize];
                let mut detail = format!("at {}", self.org_name(p.client));
                if let Some(a) = p.agency {
                    detail.push_str(&format!(" through {}", self.org_name(a)));
                }
                if let Some(s) = p.sector {
                    detail.push_str(&format!(" ({})", s.as_str()));
                }
                out.push(TimelineEvent {
                    date: p.start.to_string(),
                    detail,
                    end: Some(p.end.map(|e| e.to_string())),
                    evidence: Some(cited.contains(p.id.as_str())),
                    kind: "placement".to_string(),
                    ongoing: Some(p.end.is_none()),
                    person_id: Some(who.clone()),
                    record_id: Some(p.id.clone()),
                });
            }
            for &i in &self.crossings_of[rp] {
                let c = &d.crossings[i as usize];
                let mut detail = format!("{} {}", c.direction.as_str(), c.country.to_uppercase());
                if let Some(port) = &c.port {
                    detail.push_str(&format!(" at {port}"));
                }
                if let Some(g) = &c.group_ref {
                    detail.push_str(&format!(", group {g}"));
                }
                out.push(TimelineEvent {
                    date: c.day.to_string(),
                    detail,
                    end: None,
                    evidence: Some(cited.contains(c.id.as_str())),
                    kind: c.direction.as_str().to_string(),
                    ongoing: None,
                    person_id: Some(who.clone()),
                    record_id: Some(c.id.clone()),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.person_id.as_deref(), a.date.as_str())
                .cmp(&(b.person_id.as_deref(), b.date.as_str()))
        });
        out
    }

    fn network(&self, persons: &[usize], subject_orgs: &BTreeSet<u32>) -> Network {
        let mut drawing = Drawing::default();
        let mut orgs: BTreeSet<u32> = subject_orgs.clone();
        let in_view = &persons[..persons.len().min(NETWORK_WORKERS)];
        for &rp in in_view {
            self.draw_worker(rp, &mut drawing, &mut orgs);
        }
        for &o in subject_orgs {
            self.org_node(o, &mut drawing.nodes);
        }
        let in_view: BTreeSet<usize> = in_view.iter().copied().collect();
        self.draw_relations(&in_view, &orgs, &mut drawing);
        for o in orgs.iter().chain(subject_orgs) {
            let id = self.data.organizations[*o as usize].id.clone();
            self.link_listed(&id.clone(), &id, &mut drawing);
        }
        self.link_listed_parties(&mut drawing);
        drawing.into_network()
    }

    /// The node of organisation `o` (an `agency` or a `client`), added to
    /// `nodes` if new; its id.
    fn org_node(&self, o: u32, nodes: &mut BTreeMap<String, NetworkNode>) -> String {
        let org = &self.data.organizations[o as usize];
        let kind = match org.kind {
            Some(OrgKind::StaffingAgency | OrgKind::TradingHouse) => "agency",
            _ => "client",
        };
        nodes
            .entry(org.id.clone())
            .or_insert_with(|| NetworkNode::new(&org.id, &org.name, kind));
        org.id.clone()
    }

    /// The resolved person `rp` (a `worker`, or a `person` without
    /// placements), the clients and agencies of its placements (added to
    /// `orgs`), and the list entries its records matched.
    fn draw_worker(&self, rp: usize, drawing: &mut Drawing, orgs: &mut BTreeSet<u32>) {
        let d = self.data;
        let id = self.res.persons[rp].id.clone();
        // A person with no placement (an official, a director) is not
        // drawn as a worker.
        let kind = if self.placements_of[rp].is_empty() {
            "person"
        } else {
            "worker"
        };
        drawing
            .nodes
            .insert(id.clone(), NetworkNode::new(&id, self.name_of(rp), kind));
        for &i in &self.placements_of[rp] {
            let p = &d.placements[i as usize];
            let client = self.org_node(p.client, &mut drawing.nodes);
            orgs.insert(p.client);
            drawing.edges.insert((id.clone(), client, "placed at"));
            if let Some(a) = p.agency {
                let agency = self.org_node(a, &mut drawing.nodes);
                orgs.insert(a);
                drawing.edges.insert((agency, id.clone(), "sent"));
            }
        }
        for &r in &self.res.persons[rp].records {
            self.link_listed(&d.persons[r as usize].id, &id, drawing);
        }
    }

    /// Ownership and direction between the organisations `orgs` and the
    /// resolved persons `in_view`, and the persons who direct or represent
    /// them.
    fn draw_relations(
        &self,
        in_view: &BTreeSet<usize>,
        orgs: &BTreeSet<u32>,
        drawing: &mut Drawing,
    ) {
        for r in &self.data.relations {
            let touches = |p: Party| match p {
                Party::Org(o) => orgs.contains(&o),
                Party::Person(p) => in_view.contains(&(self.res.of_record[p as usize] as usize)),
            };
            if !(touches(r.from) || touches(r.to)) {
                continue;
            }
            let mut end = |p: Party| -> String {
                match p {
                    Party::Org(o) => self.org_node(o, &mut drawing.nodes),
                    Party::Person(p) => {
                        let rp = self.res.of_record[p as usize] as usize;
                        let id = self.res.persons[rp].id.clone();
                        let label = self.name_of(rp).to_string();
                        drawing
                            .nodes
                            .entry(id.clone())
                            .or_insert_with(|| NetworkNode::new(&id, &label, "person"));
                        id
                    }
                }
            };
            let (from, to) = (end(r.from), end(r.to));
            drawing.edges.insert((from, to, r.kind.as_str()));
        }
    }

    /// The list entries matched by the person record at the `from` end of
    /// any relation, for the persons already drawn.
    fn link_listed_parties(&self, drawing: &mut Drawing) {
        for r in &self.data.relations {
            if let Party::Person(p) = r.from {
                let rp = self.res.of_record[p as usize] as usize;
                let id = self.res.persons[rp].id.clone();
                if drawing.nodes.contains_key(&id) {
                    self.link_listed(&self.data.persons[p as usize].id, &id, drawing);
                }
            }
        }
    }

    /// Adds the list entries the record `record` matched, linked to `node`.
    fn link_listed(&self, record: &str, node: &str, drawing: &mut Drawing) {
        for (entity, caption) in self.listed.get(record).into_iter().flatten() {
            drawing
                .nodes
                .entry(entity.clone())
                .or_insert_with(|| NetworkNode::new(entity, caption, "listed"));
            drawing
                .edges
                .insert((node.to_string(), entity.clone(), "listed as"));
        }
    }
}

/// What an alert's case page draws from the data set the alert was
/// detected on.
#[derive(Debug, Clone)]
pub struct AlertEvidence {
    /// Timeline and network, with the rules' explanations of up to
    /// [`EXPLAINED_SUBJECTS`] of the alert's subjects.
    pub evidence: Evidence,
    /// The scheme the alert belongs to (see [`EvidenceBuilder::scheme`]):
    /// alerts that share an agency, employer or person are worked as one
    /// investigation.
    pub investigation: Investigation,
}

/// The evidence and investigation of an alert about `subjects` (person and
/// organisation record ids) citing the records `cited`, as `yalu demo` and
/// `yalu cases import --data` attach them: the timeline and network of
/// `builder`, each rule evaluated for the subjects in `ctx` given the
/// `alerts` detected there ("why (not)?", organisations first, at most
/// [`EXPLAINED_SUBJECTS`]), and the scheme the alert belongs to. Build
/// `alerts` once ([`AlertsBySubject::new`]) for all the alerts of a run.
///
/// Fails only if an explanation does not turn into JSON.
pub fn alert_evidence(
    builder: &EvidenceBuilder,
    ctx: &Context,
    alerts: &AlertsBySubject,
    subjects: &[String],
    cited: &[String],
) -> Result<AlertEvidence, serde_json::Error> {
    let mut evidence = builder.build(subjects, cited);
    evidence.explanations = Some(
        explain_subjects(ctx, alerts, subjects, EXPLAINED_SUBJECTS)
            .iter()
            .map(|e| match serde_json::to_value(e)? {
                serde_json::Value::Object(fields) => Ok(fields),
                _ => Err(serde::ser::Error::custom("an explanation is not an object")),
            })
            .collect::<Result<_, _>>()?,
    );
    Ok(AlertEvidence {
        evidence,
        investigation: builder.scheme(subjects, cited),
    })
}

/// The most frequent of `items`, the first seen on a tie.
fn most_frequent(items: Vec<u32>) -> Option<u32> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for o in items {
        match counts.iter_mut().find(|c| c.0 == o) {
            Some(c) => c.1 += 1,
            None => counts.push((o, 1)),
        }
    }
    counts
        .iter()
        .fold(None, |best: Option<(u32, usize)>, &c| match best {
            Some(b) if b.1 >= c.1 => Some(b),
            _ => Some(c),
        })
        .map(|c| c.0)
}

/// A case's network while it is drawn: nodes by id, edges as `(from, to,
/// kind)`, both in the order the answer lists them.
#[derive(Default)]
struct Drawing {
    nodes: BTreeMap<String, NetworkNode>,
    edges: BTreeSet<(String, String, &'static str)>,
}

impl Drawing {
    /// The answer's network: nodes by id, edges in order.
    fn into_network(self) -> Network {
        let edges: Vec<NetworkEdge> = self
            .edges
            .into_iter()
            .map(|(from, to, kind)| NetworkEdge {
                from,
                kind: kind.to_string(),
                to,
            })
            .collect();
        Network {
            edges,
            nodes: self.nodes.into_values().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{ReadOptions, read_dir};
    use crate::{RuleSet, resolve, rules};

    /// One worker under two records (romanised and Hangul) on an intern
    /// visa, placed with a seafood processor.
    fn intern_at_a_processor(dir: &std::path::Path) {
        let files = [
            (
                "persons.csv",
                "person_id,full_name,birth_date,nationality\n\
                 p1,Kim Chol Su,1990-04-02,KP\n\
                 p2,김철수,1990-04-02,North Korea\n",
            ),
            (
                "organizations.csv",
                "org_id,name\nc1,Dalian Seafood Processing\n",
            ),
            (
                "documents.csv",
                "document_id,person_id,kind,category,valid_from,valid_until\n\
                 d1,p2,visa,intern,2019-01-01,2019-01-31\n",
            ),
            (
                "placements.csv",
                "placement_id,person_id,client_org_id,start_on,end_on\n\
                 w1,p1,c1,2019-01-10,2019-06-30\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    #[test]
    fn an_alert_carries_its_timeline_network_explanations_and_scheme() {
        let tmp = tempfile::tempdir().unwrap();
        intern_at_a_processor(tmp.path());
        let data = read_dir(tmp.path(), &ReadOptions::default()).unwrap().data;
        let set = RuleSet::default();
        let res = resolve::resolve(&data, &set.resolution);
        let ctx = Context::new(&data, &res, &set, None);
        let alerts = rules::detect(&ctx);
        let alert = alerts
            .iter()
            .find(|a| a.rule == "NONWORK_VISA_EMPLOYMENT")
            .expect("the intern visa meets the placement");
        let builder = EvidenceBuilder::new(&data, &res, &[]);
        let found = alert_evidence(
            &builder,
            &ctx,
            &AlertsBySubject::new(&alerts),
            &alert.subject_ids,
            &alert.evidence_ids,
        )
        .unwrap();

        // Organisations are explained first; the person's second record
        // explains the same person again and is left out.
        let explained: Vec<&str> = found
            .evidence
            .explanations
            .as_deref()
            .unwrap()
            .iter()
            .map(|e| e["subject_id"].as_str().unwrap())
            .collect();
        assert_eq!(explained, ["c1", "p1"]);
        // Timeline and network are the builder's.
        let plain = builder.build(&alert.subject_ids, &alert.evidence_ids);
        assert_eq!(
            serde_json::to_value(&found.evidence.timeline).unwrap(),
            serde_json::to_value(&plain.timeline).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&found.evidence.network).unwrap(),
            serde_json::to_value(&plain.network).unwrap()
        );
        assert!(!plain.timeline.is_empty());
        // The employer anchors the scheme; the one worker is in it.
        assert_eq!(found.investigation.keys[0], "org:c1");
        assert_eq!(found.investigation.label, "Dalian Seafood Processing");
        assert_eq!(found.investigation.workers.len(), 1);
    }
}
