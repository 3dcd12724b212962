//! Each rule's conditions, measured on one subject (see `crate::explain`).
//! Every function reads the same parameters as its rule and reports each
//! condition with the measured value and the limit it was held against.

use super::Context;
use super::orgs;
use super::persons::{self, by_country, cycle_checks};
use super::registry::Explain;
use crate::day::Day;
use crate::explain::Condition;
use crate::labour::LabourEvidence;
use crate::records::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

/// The subject of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A resolved person (index into `Resolution::persons`).
    Person(usize),
    /// An organisation.
    Org(OrgIx),
}

/// Most measured items (cycles, placements, documents) listed per rule.
const SHOWN: usize = 12;

fn c(held: bool, text: impl Into<String>) -> Condition {
    Condition::new(held, text)
}

/// `x ≥ min` held, or `x < min`.
fn ge<T: PartialOrd + Display>(x: T, min: T) -> (bool, String) {
    if x >= min {
        (true, format!("{x} ≥ {min}"))
    } else {
        (false, format!("{x} < {min}"))
    }
}

/// `x ≤ max` held, or `x > max`.
fn le<T: PartialOrd + Display>(x: T, max: T) -> (bool, String) {
    if x <= max {
        (true, format!("{x} ≤ {max}"))
    } else {
        (false, format!("{x} > {max}"))
    }
}

fn nationalities(ctx: &Context, p: usize) -> String {
    let n = &ctx.res.persons[p].nationalities;
    if n.is_empty() {
        "none given".into()
    } else {
        n.iter()
            .map(|c| {
                if is_definite_country(c) {
                    c.to_string()
                } else {
                    "Korea (not known which)".to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn dprk(ctx: &Context, p: usize) -> Condition {
    c(
        ctx.dprk[p],
        format!("DPRK national (nationalities: {})", nationalities(ctx, p)),
    )
}

fn nationality_in(ctx: &Context, p: usize, codes: &[String]) -> Condition {
    c(
        ctx.has_nationality(p, codes),
        format!(
            "nationality among [{}] (nationalities: {})",
            codes.join(", "),
            nationalities(ctx, p)
        ),
    )
}

fn labour(ctx: &Context, p: usize) -> Condition {
    c(
        !ctx.labour[p].is_empty(),
        format!("evidence of work: {}", ctx.labour[p].describe(ctx.data)),
    )
}

fn more(out: &mut Vec<Condition>, total: usize, what: &str) {
    if total > SHOWN {
        out.push(Condition::info(format!(
            "{} more {what} not shown",
            total - SHOWN
        )));
    }
}

/// The conditions of `rule` measured on `subject`; `alerts`: how many
/// alerts of the rule name the subject. A rule about persons explained on
/// an organisation (or the other way round) says so.
pub fn explain_rule(ctx: &Context, rule: &str, subject: Subject, alerts: usize) -> Vec<Condition> {
    let other = |what: &str| {
        vec![Condition::info(format!(
            "the rule is about {what}; it names this subject in {alerts} alert(s)"
        ))]
    };
    let Some(entry) = super::registry::entry(rule) else {
        return vec![Condition::info(format!("no rule has the id {rule}"))];
    };
    match (entry.explain, subject) {
        (Explain::Persons(f), Subject::Person(p)) => f(ctx, p),
        (Explain::Orgs(f), Subject::Org(o)) => f(ctx, o),
        (Explain::Any(f), s) => f(ctx, s),
        (Explain::Persons(_), Subject::Org(_)) => other("persons"),
        (Explain::Orgs(_), Subject::Person(_)) => other("organisations and groups of workers"),
    }
}

/// NATIONALITY_CONFLICT on one person.
pub(crate) fn nationality_conflict(ctx: &Context, p: usize) -> Vec<Condition> {
    let n = &ctx.res.persons[p];
    let any = ctx.set.rules.nationality_conflict.params.any_pair;
    let dprk = ctx.set.general.dprk_nationality.to_ascii_lowercase();
    let definite: Vec<&str> = n
        .nationalities
        .iter()
        .copied()
        .filter(|x| is_definite_country(x))
        .collect();
    let conflict = definite.len() > 1 && (any || definite.iter().any(|x| *x == dprk));
    vec![c(
        conflict,
        format!(
            "{} definite nationalities across {} record(s): {}{}",
            definite.len(),
            n.records.len(),
            nationalities(ctx, p),
            if any { "" } else { " (kp and another needed)" }
        ),
    )]
}

/// SANCTIONED_COUNTERPARTY on a person or an organisation.
pub(crate) fn sanctioned(ctx: &Context, s: Subject) -> Vec<Condition> {
    let party = match s {
        Subject::Person(p) => Party::Person(ctx.res.persons[p].records[0]),
        Subject::Org(o) => Party::Org(o),
    };
    let hits: Vec<String> = ctx
        .listed
        .iter()
        .filter(|m| m.party == party)
        .map(|m| {
            let mut hit = format!("{} ({}) score {:.2}", m.listed_name, m.listed_id, m.score);
            if !m.is_direct() {
                let how: Vec<&str> = m.via.iter().map(|v| v.how.as_str()).collect();
                hit.push_str(&format!(", not listed itself but {}", how.join(", ")));
            }
            hit
        })
        .collect();
    let t = ctx.set.rules.sanctioned_counterparty.params.threshold;
    if hits.is_empty() {
        vec![c(
            false,
            format!("no list entry scores ≥ {t} (lists are screened only when given with --list)"),
        )]
    } else {
        vec![c(true, format!("matches: {}", hits.join("; ")))]
    }
}

pub(crate) fn nonwork(ctx: &Context, p: usize) -> Vec<Condition> {
    let min = ctx
        .set
        .rules
        .nonwork_visa_employment
        .params
        .min_overlap_days;
    let mut out = vec![dprk(ctx, p)];
    let pls = &ctx.placements_of[p];
    out.push(c(!pls.is_empty(), format!("placements: {}", pls.len())));
    let (_, only) = ctx.cover(p);
    for &pl in pls.iter().take(SHOWN) {
        let placement = &ctx.data.placements[pl as usize];
        let (a, b) = ctx.running(placement);
        let overlap = only.clip(a, b).len();
        let (held, cmp) = ge(overlap, min.max(1));
        out.push(c(
            held,
            format!(
                "placement {} at {} ({a} to {b}): days covered only by non-work documents {cmp}",
                placement.id,
                ctx.org_label(placement.client)
            ),
        ));
    }
    more(&mut out, pls.len(), "placements");
    out
}

pub(crate) fn visa_run(ctx: &Context, p: usize) -> Vec<Condition> {
    let prm = &ctx.set.rules.visa_run_cycle.params;
    let mut out = vec![nationality_in(ctx, p, &prm.nationalities), labour(ctx, p)];
    let mut best = 0;
    let mut shown = 0;
    let mut total = 0;
    // chains of enough cycles: (first entry, last re-entry, work then)
    let mut chains: Vec<(Day, Day, LabourEvidence)> = Vec::new();
    for (country, _, checks) in cycle_checks(ctx, p) {
        let mut qualifying: Vec<(Day, Day)> = Vec::new();
        let mut entries: Vec<Day> = Vec::new();
        for k in &checks {
            let (s_ok, s) = le(k.stay, prm.max_stay_days);
            let (g_ok, g) = le(k.gap, prm.max_reentry_gap_days);
            let ok = s_ok && g_ok && k.nonwork;
            if ok {
                qualifying.push((k.exit_day, k.reentry_day));
                entries.push(k.entry_day);
            }
            total += 1;
            if shown < SHOWN {
                shown += 1;
                out.push(c(
                    ok,
                    format!(
                        "{}: exit {} after a stay of {s} days; re-entry {} after a gap of {g} days; {}",
                        country.to_ascii_uppercase(),
                        k.exit_day,
                        k.reentry_day,
                        if k.nonwork {
                            "on a non-work document"
                        } else {
                            "not on a non-work document only"
                        }
                    ),
                ));
            }
        }
        for i in 0..qualifying.len() {
            let mut j = i;
            while j + 1 < qualifying.len()
                && qualifying[j + 1].1.since(qualifying[i].0) <= prm.window_days
            {
                j += 1;
            }
            best = best.max(j + 1 - i);
        }
        for (i, j) in persons::cycle_chains(&qualifying, prm.window_days, prm.min_cycles) {
            let (from, to) = (entries[i], qualifying[j].1);
            chains.push((
                from,
                to,
                ctx.labour[p].during(ctx.data, Some(from), Some(to)),
            ));
        }
    }
    more(&mut out, total, "exit and re-entry pairs");
    if total == 0 {
        out.push(c(false, "no exit followed by a re-entry"));
    }
    let (held, cmp) = ge(best, prm.min_cycles);
    out.push(c(
        held,
        format!(
            "most qualifying cycles within {} days: {cmp}",
            prm.window_days
        ),
    ));
    for (from, to, labour) in chains.iter().take(SHOWN) {
        out.push(c(
            !labour.is_empty(),
            format!(
                "evidence of work during the cycles {from} to {to}: {}",
                labour.describe(ctx.data)
            ),
        ));
    }
    out
}

pub(crate) fn income_after(ctx: &Context, p: usize) -> Vec<Condition> {
    let deadline = ctx.set.rules.income_after_deadline.params.deadline.0;
    let mut out = vec![dprk(ctx, p)];
    let pls = &ctx.placements_of[p];
    if pls.is_empty() {
        out.push(c(false, "no placement"));
    }
    let mut employers = BTreeSet::new();
    for &pl in pls {
        let placement = &ctx.data.placements[pl as usize];
        employers.insert(placement.client);
        employers.extend(placement.agency);
    }
    for &pl in pls.iter().take(SHOWN) {
        let placement = &ctx.data.placements[pl as usize];
        let (held, when) = match placement.end {
            Some(end) => (end > deadline, format!("ends {end}")),
            None => (
                ctx.as_of > deadline,
                format!("is open (counted up to {})", ctx.as_of),
            ),
        };
        out.push(c(
            held,
            format!(
                "placement {} {when}: {} the {deadline} deadline",
                placement.id,
                if held { "after" } else { "not after" }
            ),
        ));
    }
    more(&mut out, pls.len(), "placements");
    let records: BTreeSet<PersonIx> = ctx.res.persons[p].records.iter().copied().collect();
    let wages = records
        .iter()
        .flat_map(|&r| ctx.payments_to_record(r))
        .map(|&i| &ctx.data.payments[i as usize])
        .filter(|pay| {
            matches!(pay.payer, Party::Org(o) if employers.contains(&o)) && pay.day > deadline
        })
        .count();
    out.push(c(
        wages > 0,
        format!("wage payments from their employers after {deadline}: {wages}"),
    ));
    out
}

pub(crate) fn work_auth(ctx: &Context, p: usize) -> Vec<Condition> {
    let adopted = ctx.set.rules.work_auth_after_2375.params.adopted_on.0;
    let mut out = vec![dprk(ctx, p)];
    let work: Vec<&Document> = ctx.docs_of[p]
        .iter()
        .map(|d| &ctx.data.documents[*d as usize])
        .filter(|d| ctx.is_work(d))
        .collect();
    if work.is_empty() {
        out.push(c(false, "no work permit or work visa"));
    }
    for d in work.iter().take(SHOWN) {
        out.push(match d.issued() {
            Some(i) => c(
                i > adopted,
                format!(
                    "{} {} issued {i}: {} {adopted}",
                    d.kind.as_str().replace('_', " "),
                    d.id,
                    if i > adopted { "after" } else { "on or before" }
                ),
            ),
            None => c(false, format!("{} has no issue or start date", d.id)),
        });
    }
    more(&mut out, work.len(), "work documents");
    out
}

pub(crate) fn status_switch(ctx: &Context, p: usize) -> Vec<Condition> {
    let gap = ctx
        .set
        .rules
        .status_switch_same_employer
        .params
        .max_gap_days;
    let mut out = vec![dprk(ctx, p)];
    let pls = &ctx.placements_of[p];
    out.push(c(!pls.is_empty(), format!("placements: {}", pls.len())));
    let docs: Vec<&Document> = ctx.docs_of[p]
        .iter()
        .map(|d| &ctx.data.documents[*d as usize])
        .collect();
    let mut n_pairs = 0;
    for w in docs.iter().filter(|d| ctx.is_work(d)) {
        let (Some(ws), Some(u)) = (w.start(), w.valid_until) else {
            continue;
        };
        for n in docs.iter().filter(|d| ctx.is_nonwork(d)) {
            let Some(ns) = n.start() else { continue };
            if ns <= ws {
                continue;
            }
            n_pairs += 1;
            if n_pairs > SHOWN {
                continue;
            }
            let (g_ok, g) = le(ns.since(u).abs(), gap);
            let later = ns.max(u.plus(1));
            let kept = persons::kept_on(ctx, p, u, later);
            let how = match &kept {
                Some(k) if k.continuous => "yes, one placement runs through (any gap)",
                Some(_) => "yes, by a new placement (the gap counts)",
                None => "no",
            };
            let held = kept.is_some_and(|k| k.continuous || g_ok);
            out.push(c(
                held,
                format!(
                    "{} ({}) starts {ns}, {g} days from the end of work authorisation {} on {u}; the same employer keeps them on across it: {how}",
                    n.id,
                    n.category.map_or("non-work", |c| c.as_str()),
                    w.id,
                ),
            ));
        }
    }
    more(&mut out, n_pairs, "document pairs");
    if n_pairs == 0 {
        out.push(c(
            false,
            "no work authorisation with an end followed by a non-work document",
        ));
    }
    out
}

pub(crate) fn deadline_churn(ctx: &Context, p: usize) -> Vec<Condition> {
    let prm = &ctx.set.rules.deadline_churn.params;
    let d = prm.deadline.0;
    let mut out = vec![nationality_in(ctx, p, &prm.nationalities), labour(ctx, p)];
    let mut nearest: Option<(i32, Day)> = None;
    let mut shown = 0;
    for (country, events) in by_country(ctx, p) {
        for w in events.windows(2) {
            let (x, e) = (w[0], w[1]);
            if x.direction != Direction::Exit || e.direction != Direction::Entry {
                continue;
            }
            let before = d.since(x.day);
            let after = e.day.since(d);
            let dist = before.abs().min(after.abs());
            if nearest.is_none_or(|(n, _)| dist < n) {
                nearest = Some((dist, x.day));
            }
            // only the pairs that come near the deadline
            if before > 2 * prm.exit_before_days || after < -prm.exit_before_days {
                continue;
            }
            let (b_ok, b) = le(before, prm.exit_before_days);
            let (a_ok, a) = le(after, prm.reentry_within_days);
            let held = before >= 0 && b_ok && after >= 1 && a_ok;
            shown += 1;
            if shown <= SHOWN {
                out.push(c(
                    held,
                    format!(
                        "{}: exit {}, {} ({b}); re-entry {}, {} ({a})",
                        country.to_ascii_uppercase(),
                        x.day,
                        if before >= 0 {
                            format!("{before} days before {d}")
                        } else {
                            format!("{} days after {d}, not before it", -before)
                        },
                        e.day,
                        if after >= 1 {
                            format!("{after} days after {d}")
                        } else {
                            format!("{} days before {d}, not after it", -after)
                        },
                    ),
                ));
                if held {
                    let since = ctx.labour[p].during(ctx.data, Some(e.day), None);
                    out.push(c(
                        !since.is_empty(),
                        format!(
                            "evidence of work since the re-entry on {}: {}",
                            e.day,
                            if since.is_empty() {
                                "none".into()
                            } else {
                                since.describe(ctx.data)
                            }
                        ),
                    ));
                }
            }
        }
    }
    more(&mut out, shown, "exit and re-entry pairs");
    if shown == 0 {
        out.push(c(
            false,
            match nearest {
                Some((n, x)) => format!(
                    "no exit and re-entry around {d}: the nearest pair (exit {x}) is {n} days from it"
                ),
                None => "no exit followed by a re-entry".into(),
            },
        ));
    }
    out
}

/// DPRK placements with `o` as agency / as client.
fn dprk_placements(ctx: &Context, o: OrgIx, as_agency: bool) -> Vec<u32> {
    let of = if as_agency {
        ctx.placements_as_agency(o)
    } else {
        ctx.placements_as_client(o)
    };
    of.iter()
        .copied()
        .filter(|&i| ctx.is_dprk_record(ctx.data.placements[i as usize].person))
        .collect()
}

pub(crate) fn staggered(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let prm = &ctx.set.rules.staggered_dispatch.params;
    let pls = dprk_placements(ctx, o, true);
    if pls.is_empty() {
        return vec![c(false, "places no DPRK national as an agency")];
    }
    let lawful = pls
        .iter()
        .filter(|&&pl| ctx.is_lawful_legacy(&ctx.data.placements[pl as usize]))
        .count();
    let mut out = Vec::new();
    if lawful > 0 {
        out.push(Condition::info(format!(
            "{lawful} of its {} DPRK placements are lawful pre-2375 permit work, not counted",
            pls.len()
        )));
    }
    let batches = orgs::dispatch_batches(ctx, o);
    for b in batches.iter().take(SHOWN) {
        let (ok, cmp) = le(b.persons.len(), prm.max_batch_size);
        let days = if b.first == b.last {
            format!("starting {}", b.first)
        } else {
            format!("starting {} to {}", b.first, b.last)
        };
        out.push(c(
            ok,
            format!("batch to {} {days}: {cmp} persons", ctx.org_label(b.client)),
        ));
    }
    more(&mut out, batches.len(), "batches");
    // the chain with the most dispatch dates, then the most persons
    let mut best = (0, 0);
    for chain in orgs::dispatch_chains(ctx, &batches) {
        let total: BTreeSet<usize> = chain
            .iter()
            .flat_map(|&i| batches[i].persons.iter().copied())
            .collect();
        best = best.max((orgs::dispatch_dates(&batches, &chain), total.len()));
    }
    let (b_ok, b) = ge(best.0, prm.min_batches);
    let (t_ok, t) = ge(best.1, prm.min_total);
    out.push(c(
        b_ok,
        format!(
            "most dispatch dates in a row (batches of at most {}, each starting at most {} days after the latest start before it): {b}",
            prm.max_batch_size, prm.window_days
        ),
    ));
    out.push(c(t_ok, format!("DPRK nationals in those batches: {t}")));
    out
}

pub(crate) fn rotation(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let prm = &ctx.set.rules.team_rotation.params;
    let pls = dprk_placements(ctx, o, false);
    if pls.is_empty() {
        return vec![c(false, "employs no DPRK national")];
    }
    let mut ends: Vec<(Day, u32)> = pls
        .iter()
        .filter_map(|&pl| ctx.data.placements[pl as usize].end.map(|e| (e, pl)))
        .collect();
    ends.sort_unstable();
    // the window with the most leavers, then the most arrivals
    let mut best: Option<(usize, usize, Day, Day)> = None;
    for i in 0..ends.len() {
        let first = ends[i].0;
        let mut j = i;
        while j + 1 < ends.len() && ends[j + 1].0.since(first) <= prm.leaving_window_days {
            j += 1;
        }
        let last = ends[j].0;
        let leavers: BTreeSet<usize> = ends[i..=j]
            .iter()
            .map(|e| ctx.person_of(ctx.data.placements[e.1 as usize].person))
            .collect();
        let (handover, by) = orgs::arrival_window(prm, first, last);
        let arrivals: BTreeSet<usize> = pls
            .iter()
            .map(|&pl| &ctx.data.placements[pl as usize])
            .filter(|p| {
                p.start >= handover
                    && p.start <= by
                    && !leavers.contains(&ctx.person_of(p.person))
                    && !ctx.is_lawful_legacy(p)
            })
            .map(|p| ctx.person_of(p.person))
            .collect();
        let cand = (leavers.len(), arrivals.len(), first, last);
        let score = |b: &(usize, usize, Day, Day)| {
            (
                b.0.min(prm.min_leaving) + b.1.min(prm.min_arriving),
                b.0,
                b.1,
            )
        };
        if best.as_ref().is_none_or(|b| score(&cand) > score(b)) {
            best = Some(cand);
        }
    }
    let Some((l, a, first, last)) = best else {
        return vec![c(false, "no DPRK placement there has an end date")];
    };
    let (l_ok, lc) = ge(l, prm.min_leaving);
    let (a_ok, ac) = ge(a, prm.min_arriving);
    let (handover, by) = orgs::arrival_window(prm, first, last);
    vec![
        c(
            l_ok,
            format!(
                "DPRK workers ending within {} days ({first} to {last}): {lc}",
                prm.leaving_window_days
            ),
        ),
        c(
            a_ok,
            format!(
                "other DPRK workers starting there from {handover} to {by}, outside lawful pre-2375 permits: {ac}"
            ),
        ),
    ]
}

/// One month's largest payment to a non-worker, for `bulk_wage`.
struct Candidate<'a> {
    /// The payee is the agency that placed the workers.
    placed: bool,
    share: f64,
    workers: BTreeSet<usize>,
    month: Day,
    payee: Party,
    paid: f64,
    wages: f64,
    currency: &'a str,
}

pub(crate) fn bulk_wage(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let mut pls = dprk_placements(ctx, o, false);
    pls.extend(dprk_placements(ctx, o, true));
    pls.sort_unstable();
    pls.dedup();
    if pls.is_empty() {
        return vec![c(false, "employs or places no DPRK national")];
    }
    let mut groups: BTreeMap<(Day, Party, &str), f64> = BTreeMap::new();
    for &i in ctx.payments_by_org(o) {
        let pay = &ctx.data.payments[i as usize];
        *groups
            .entry((pay.day.month_start(), pay.payee, pay.currency.as_str()))
            .or_default() += pay.amount;
    }
    if groups.is_empty() {
        return vec![c(false, "made no payment")];
    }
    let (best, excluded) = closest_wage_payment(ctx, &pls, groups);
    let mut out: Vec<Condition> = excluded
        .iter()
        .take(SHOWN)
        .map(|why| Condition::info(format!("payee not taken as a wage collector: {why}")))
        .collect();
    more(&mut out, excluded.len(), "excluded payees");
    let Some(best) = best else {
        out.push(c(false, "paid only its own workers or excluded payees"));
        return out;
    };
    out.extend(wage_conditions(ctx, o, best));
    out
}

/// Of an employer's payments (summed per month, payee and currency), the
/// one closest to firing BULK_WAGE_SINGLE_PAYEE: one that meets the payment
/// condition first, then the highest share of the wages; and why payees
/// were left out.
fn closest_wage_payment<'a>(
    ctx: &Context,
    pls: &[u32],
    groups: BTreeMap<(Day, Party, &'a str), f64>,
) -> (Option<Candidate<'a>>, BTreeSet<String>) {
    let prm = &ctx.set.rules.bulk_wage_single_payee.params;
    let mut best: Option<Candidate> = None;
    let mut excluded: BTreeSet<String> = BTreeSet::new();
    for ((month, payee, currency), paid) in groups {
        let orgs::MonthCrew {
            workers,
            active,
            wages,
            ..
        } = orgs::month_crew(ctx, pls, month, currency);
        if let Party::Person(r) = payee
            && workers.contains(&ctx.person_of(r))
        {
            continue;
        }
        if let Some(why) = orgs::payee_excluded(ctx, payee) {
            excluded.insert(why);
            continue;
        }
        let share = if wages > 0.0 { paid / wages } else { 0.0 };
        let placed = orgs::placed_them(ctx, &active, payee);
        let rank = |placed: bool, share: f64| (placed || share >= prm.min_share, share);
        if best
            .as_ref()
            .is_none_or(|b| rank(placed, share) > rank(b.placed, b.share))
        {
            best = Some(Candidate {
                placed,
                share,
                workers,
                month,
                payee,
                paid,
                wages,
                currency,
            });
        }
    }
    (best, excluded)
}

/// The conditions of BULK_WAGE_SINGLE_PAYEE measured on `o`'s closest
/// payment.
fn wage_conditions(ctx: &Context, o: OrgIx, best: Candidate) -> Vec<Condition> {
    let prm = &ctx.set.rules.bulk_wage_single_payee.params;
    let Candidate {
        placed,
        share,
        workers,
        month,
        payee,
        paid,
        wages,
        currency,
    } = best;
    let (w_ok, wc) = ge(workers.len(), prm.min_workers);
    // its payments, and the agency's when it placed the workers, in input order
    let mut own: Vec<u32> = ctx.payments_by_org(o).to_vec();
    if placed && let Party::Org(agency) = payee {
        own.extend(ctx.payments_by_org(agency));
        own.sort_unstable();
        own.dedup();
    }
    own.retain(|&i| {
        let pay = &ctx.data.payments[i as usize];
        pay.day.month_start() == month && pay.currency == currency
    });
    let direct = orgs::paid_to_workers(ctx, &own, &workers);
    let direct_share = if wages > 0.0 { direct / wages } else { 0.0 };
    let d_ok = direct_share < prm.min_share;
    let (s_ok, sc) = ge(
        (share * 100.0).round() as i64,
        (prm.min_share * 100.0).round() as i64,
    );
    vec![
        c(
            s_ok || placed,
            format!(
                "largest payment to a non-worker: {paid:.0} to {} in {}, of {wages:.0} monthly wages: {sc} %{}",
                ctx.data.party_id(payee),
                month.month_label(),
                if placed {
                    " (the agency that placed them: any share counts)"
                } else {
                    ""
                }
            ),
        ),
        c(w_ok, format!("DPRK workers employed that month: {wc}")),
        c(
            d_ok,
            format!(
                "paid to those workers themselves that month{}: {direct:.0}, {:.0} % {} {:.0} % of their wages",
                if placed {
                    " (by it or by the agency)"
                } else {
                    ""
                },
                100.0 * direct_share,
                if d_ok { "<" } else { "≥" },
                100.0 * prm.min_share
            ),
        ),
    ]
}

pub(crate) fn concentration(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let prm = &ctx.set.rules.agency_dprk_concentration.params;
    let total = ctx.placements_as_agency(o).len();
    if total == 0 {
        return vec![c(false, "placed nobody as an agency")];
    }
    let all_dprk = dprk_placements(ctx, o, true);
    let dprk: Vec<u32> = all_dprk
        .iter()
        .copied()
        .filter(|&pl| !ctx.is_lawful_legacy(&ctx.data.placements[pl as usize]))
        .collect();
    let persons: BTreeSet<usize> = dprk
        .iter()
        .map(|pl| ctx.person_of(ctx.data.placements[*pl as usize].person))
        .collect();
    let share = all_dprk.len() as f64 / total as f64;
    let (n_ok, nc) = ge(persons.len(), prm.min_dprk);
    let held_share = share >= prm.min_share;
    let lawful = all_dprk.len() - dprk.len();
    vec![
        c(
            n_ok,
            format!(
                "DPRK nationals placed outside lawful pre-2375 permits: {nc}{}",
                if lawful > 0 {
                    format!(" ({lawful} lawful placement(s) not counted)")
                } else {
                    String::new()
                }
            ),
        ),
        c(
            held_share,
            format!(
                "DPRK nationals' share of its {total} placements: {:.1} % {} {:.1} %",
                100.0 * share,
                if held_share { "≥" } else { "<" },
                100.0 * prm.min_share
            ),
        ),
    ]
}

pub(crate) fn group_to_site(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let prm = &ctx.set.rules.group_crossing_to_site.params;
    let mut groups: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut lawful = 0;
    for &pl in &dprk_placements(ctx, o, false) {
        let placement = &ctx.data.placements[pl as usize];
        if ctx.is_lawful_legacy(placement) {
            lawful += 1;
            continue;
        }
        let p = ctx.person_of(placement.person);
        for &cx in &ctx.crossings_of[p] {
            let cr = &ctx.data.crossings[cx as usize];
            if cr.direction != Direction::Entry
                || cr.day > placement.start
                || placement.start.since(cr.day) > prm.start_within_days
            {
                continue;
            }
            groups
                .entry(format!(
                    "entered {} on {}",
                    cr.country.to_ascii_uppercase(),
                    cr.day
                ))
                .or_default()
                .insert(p);
            if let Some(g) = &cr.group_ref {
                groups
                    .entry(format!("crossed as group {g}"))
                    .or_default()
                    .insert(p);
            }
        }
    }
    let best = groups
        .iter()
        .max_by_key(|(k, v)| (v.len(), std::cmp::Reverse(*k)));
    let mut out = Vec::new();
    if lawful > 0 {
        out.push(Condition::info(format!(
            "{lawful} DPRK placement(s) here are lawful pre-2375 permit work, not counted"
        )));
    }
    out.extend(match best {
        None => vec![c(
            false,
            format!(
                "no DPRK national started here within {} days of an entry",
                prm.start_within_days
            ),
        )],
        Some((how, members)) => {
            let (ok, cmp) = ge(members.len(), prm.min_group);
            vec![c(
                ok,
                format!(
                    "largest group of DPRK nationals who {how} and started here within {} days: {cmp}",
                    prm.start_within_days
                ),
            )]
        }
    });
    out
}

pub(crate) fn front_company(ctx: &Context, o: OrgIx) -> Vec<Condition> {
    let prm = &ctx.set.rules.front_company_link.params;
    let listed = ctx.listed_parties();
    let mut links: Vec<String> = ctx
        .network_links_of(o)
        .map(|(m, via)| {
            format!(
                "matches {} ({}), which the sanctions lists record as {}",
                m.listed_name, m.listed_id, via.how
            )
        })
        .collect();
    let mut other = Vec::new();
    for r in &ctx.data.relations {
        if r.to != Party::Org(o) || !prm.relation_kinds.contains(&r.kind) {
            continue;
        }
        let who = ctx.data.party_id(r.from);
        let why = match r.from {
            Party::Person(p) if ctx.is_dprk_record(p) => Some("a DPRK national"),
            Party::Person(p)
                if listed
                    .contains(&Party::Person(ctx.res.persons[ctx.person_of(p)].records[0])) =>
            {
                Some("a listed person")
            }
            from if listed.contains(&from) => Some("a listed entity"),
            _ => None,
        };
        match why {
            Some(w) => links.push(format!("{} by {w} ({who})", r.kind.as_str())),
            None => other.push(format!("{} by {who}", r.kind.as_str())),
        }
    }
    let mut pls = dprk_placements(ctx, o, false);
    pls.extend(dprk_placements(ctx, o, true));
    let workers: BTreeSet<usize> = pls
        .iter()
        .map(|pl| ctx.person_of(ctx.data.placements[*pl as usize].person))
        .collect();
    vec![
        c(
            !links.is_empty(),
            if links.is_empty() {
                format!(
                    "not owned, directed or represented by a DPRK national or a listed party (other links: {})",
                    if other.is_empty() {
                        "none".into()
                    } else {
                        other.join("; ")
                    }
                )
            } else {
                links.join("; ")
            },
        ),
        c(
            !workers.is_empty(),
            format!("DPRK workers employed or placed: {}", workers.len()),
        ),
    ]
}
