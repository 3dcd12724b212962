//! Screening the data's persons and organisations against sanctions lists.

use super::{Context, add_person};
use crate::alert::Finding;
use crate::records::*;
use rayon::prelude::*;
use std::collections::HashMap;
use yalu_links::Lists;
use yalu_match::{MatchConfig, SearchOptions};
use yalu_model::{Entity, FuzzyDate, Schema, prop};

/// A record (for a person: the first record of the resolved person) or an
/// organisation that matched a listed entity, or an entity of the loaded
/// lists that is not listed itself but is linked to listed ones (`via`).
#[derive(Debug, Clone, PartialEq)]
pub struct ListMatch {
    /// The person record or organisation that matched.
    pub party: Party,
    /// The matched entity of the lists.
    pub listed_id: String,
    /// That entity's name in the lists.
    pub listed_name: String,
    /// The entity score of the match (yalu-match, `0..=1`), at least the
    /// rule's `threshold`.
    pub score: f64,
    /// Empty when the matched entity is listed (a screening target);
    /// otherwise the listed entities it is linked to, from the lists'
    /// network ([`yalu_links::Lists::listed_links`]).
    pub via: Vec<LinkedTo>,
}

/// A listed entity a matched but unlisted entity is linked to.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedTo {
    /// `owned by Ri Su Yong (p-1)`.
    pub how: String,
    /// The listed entity's id in the lists.
    pub listed_id: String,
    /// The relationship's id.
    pub link_id: String,
}

impl ListMatch {
    /// The matched entity is listed itself.
    pub fn is_direct(&self) -> bool {
        self.via.is_empty()
    }
}

fn person_entity(ctx: &Context, p: usize) -> Entity {
    let person = &ctx.res.persons[p];
    let mut e = Entity::new(person.id.clone(), Schema::Person);
    for &r in &person.records {
        let rec = &ctx.data.persons[r as usize];
        e.add(prop::NAME, &rec.full_name);
        if let Some(o) = &rec.name_original_script {
            e.add(prop::NAME, o);
        }
        if let Some(n) = &rec.passport_number {
            e.add(prop::PASSPORT_NUMBER, n);
        }
        if let Some(g) = rec.gender {
            e.add(prop::GENDER, if g == Gender::F { "female" } else { "male" });
        }
    }
    for d in &person.birth_dates {
        e.add(prop::BIRTH_DATE, d.to_string());
    }
    for n in &person.nationalities {
        e.add(prop::NATIONALITY, n);
    }
    e
}

fn org_entity(o: &Organization) -> Entity {
    let mut e = Entity::new(o.id.clone(), Schema::Organization);
    e.add(prop::NAME, &o.name);
    if let Some(n) = &o.name_original_script {
        e.add(prop::NAME, n);
    }
    if let Some(c) = o.country {
        e.add(prop::COUNTRY, c);
    }
    if let Some(r) = &o.registration_number {
        e.add(prop::REGISTRATION_NUMBER, r);
    }
    e
}

fn dates(e: &Entity) -> Vec<FuzzyDate> {
    e.get(prop::BIRTH_DATE)
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect()
}

/// A hit of one query: matched entity id, caption, score, listed links.
type ListHit = (String, String, f64, Vec<LinkedTo>);

/// Screens every resolved person and every organisation. Identical queries
/// (same names, dates, nationalities) are screened once. A hit on an entity
/// that is not a screening target counts only when the lists link it to a
/// listed entity (then `via` says through whom).
pub fn screen(ctx: &Context, lists: &Lists) -> Vec<ListMatch> {
    let mut queries: Vec<(Party, Entity)> = Vec::new();
    for (p, person) in ctx.res.persons.iter().enumerate() {
        queries.push((Party::Person(person.records[0]), person_entity(ctx, p)));
    }
    for (i, o) in ctx.data.organizations.iter().enumerate() {
        queries.push((Party::Org(i as OrgIx), org_entity(o)));
    }
    // one search per distinct query content
    let signature = |e: &Entity| -> String { format!("{:?}|{:?}", e.schema, e.properties) };
    let mut distinct: HashMap<String, usize> = HashMap::new();
    let mut uniq: Vec<&Entity> = Vec::new();
    let slot: Vec<usize> = queries
        .iter()
        .map(|(_, e)| {
            *distinct.entry(signature(e)).or_insert_with(|| {
                uniq.push(e);
                uniq.len() - 1
            })
        })
        .collect();
    let results: Vec<Vec<ListHit>> = uniq.par_iter().map(|q| list_hits(ctx, lists, q)).collect();
    let mut out = Vec::new();
    for ((party, _), s) in queries.iter().zip(slot) {
        for (id, name, score, via) in &results[s] {
            out.push(ListMatch {
                party: *party,
                listed_id: id.clone(),
                listed_name: name.clone(),
                score: *score,
                via: via.clone(),
            });
        }
    }
    out
}

/// The hits of one query at the rule's threshold: persons with birth
/// dates that agree (when the rule asks and both sides have some), and an
/// entity that is not listed itself only through its links to a listed one.
fn list_hits(ctx: &Context, lists: &Lists, q: &Entity) -> Vec<ListHit> {
    let prm = &ctx.set.rules.sanctioned_counterparty.params;
    let cfg = MatchConfig {
        threshold: prm.threshold,
        ..MatchConfig::default()
    };
    let opts = SearchOptions {
        limit: prm.limit.max(1),
        cutoff: prm.threshold,
        ..SearchOptions::default()
    };
    lists
        .index
        .search(q, &cfg, &opts)
        .into_iter()
        .filter(|h| h.scored.score >= prm.threshold)
        .filter(|h| {
            if !prm.require_birth_date_agreement || q.schema != Schema::Person {
                return true;
            }
            let (a, b) = (dates(q), dates(h.entity));
            a.is_empty() || b.is_empty() || a.iter().any(|x| b.iter().any(|y| x.compatible(y)))
        })
        .filter_map(|h| {
            let via: Vec<LinkedTo> = if h.entity.target {
                Vec::new()
            } else {
                let linked = lists.listed_links(&h.entity.id);
                if linked.is_empty() {
                    return None;
                }
                linked
                    .iter()
                    .map(|l| LinkedTo {
                        how: l.describe(),
                        listed_id: l.listed.id.clone(),
                        link_id: l.link.id.clone(),
                    })
                    .collect()
            };
            Some((
                h.entity.id.clone(),
                h.entity.caption().to_string(),
                h.scored.score,
                via,
            ))
        })
        .collect()
}

/// SANCTIONED_COUNTERPARTY.
pub fn sanctioned_counterparty(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in &ctx.listed {
        let mut f = Finding::default();
        let label = match m.party {
            Party::Person(r) => {
                let p = ctx.person_of(r);
                add_person(ctx, &mut f.subjects, p);
                f.evidence.extend(ctx.person_ids(p));
                let mut first = None;
                let mut last = None;
                for &pl in &ctx.placements_of[p] {
                    let placement = &ctx.data.placements[pl as usize];
                    let (a, b) = ctx.running(placement);
                    first = first.min(Some(a)).or(Some(a));
                    last = last.max(Some(b));
                    f.evidence.insert(placement.id.clone());
                    if ctx.dprk[p] {
                        f.worker_days += ctx.placement_days(placement);
                    }
                }
                f.period = first.zip(last);
                f.workers = usize::from(ctx.dprk[p] && !ctx.placements_of[p].is_empty());
                format!("person {}", ctx.person_label(p))
            }
            Party::Org(o) => {
                let id = ctx.data.organizations[o as usize].id.clone();
                f.subjects.insert(id.clone());
                f.evidence.insert(id);
                format!("organisation {}", ctx.org_label(o))
            }
        };
        f.evidence.insert(format!("list:{}", m.listed_id));
        f.summary = if m.is_direct() {
            format!(
                "The {label} matches the listed entity {} ({}) with score {:.2}.",
                m.listed_name, m.listed_id, m.score
            )
        } else {
            for v in &m.via {
                f.evidence.insert(format!("list:{}", v.listed_id));
            }
            let how: Vec<&str> = m.via.iter().map(|v| v.how.as_str()).collect();
            format!(
                "The {label} matches {} ({}) with score {:.2}, which is not listed itself but is {}.",
                m.listed_name,
                m.listed_id,
                m.score,
                how.join("; ")
            )
        };
        out.push(f);
    }
    out
}
