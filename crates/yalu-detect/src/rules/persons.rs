//! Rules about one person at a time.

use super::{Context, add_person};
use crate::alert::Finding;
use crate::day::{Day, DaySet};
use crate::records::*;
use rayon::prelude::*;
use std::collections::BTreeSet;

fn per_person<F>(ctx: &Context, f: F) -> Vec<Finding>
where
    F: Fn(usize) -> Vec<Finding> + Sync + Send,
{
    (0..ctx.res.persons.len())
        .into_par_iter()
        .flat_map_iter(f)
        .collect()
}

fn categories(ctx: &Context, docs: &[DocIx]) -> String {
    let set: BTreeSet<&str> = docs
        .iter()
        .filter_map(|d| ctx.data.documents[*d as usize].category.map(|c| c.as_str()))
        .collect();
    set.into_iter().collect::<Vec<_>>().join("/")
}

/// NONWORK_VISA_EMPLOYMENT.
pub fn nonwork_visa_employment(ctx: &Context) -> Vec<Finding> {
    let min = ctx
        .set
        .rules
        .nonwork_visa_employment
        .params
        .min_overlap_days;
    per_person(ctx, |p| {
        if !ctx.dprk[p] || ctx.placements_of[p].is_empty() {
            return Vec::new();
        }
        let (_, only) = ctx.cover(p);
        if only.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &pl in &ctx.placements_of[p] {
            let placement = &ctx.data.placements[pl as usize];
            let (a, b) = ctx.running(placement);
            let overlap = only.clip(a, b);
            if overlap.len() < min || overlap.is_empty() {
                continue;
            }
            let (from, to) = (overlap.first().unwrap(), overlap.last().unwrap());
            let docs: Vec<DocIx> = ctx.docs_of[p]
                .iter()
                .copied()
                .filter(|&d| {
                    let doc = &ctx.data.documents[d as usize];
                    ctx.is_nonwork(doc)
                        && ctx.validity(doc).is_some_and(|(s, e)| s <= to && e >= from)
                })
                .collect();
            let mut f = Finding {
                period: Some((from, to)),
                workers: 1,
                worker_days: overlap.len(),
                ..Default::default()
            };
            add_person(ctx, &mut f.subjects, p);
            f.subjects
                .insert(ctx.data.organizations[placement.client as usize].id.clone());
            if let Some(a) = placement.agency {
                f.subjects
                    .insert(ctx.data.organizations[a as usize].id.clone());
            }
            f.evidence.insert(placement.id.clone());
            f.evidence.extend(
                docs.iter()
                    .map(|d| ctx.data.documents[*d as usize].id.clone()),
            );
            f.summary = format!(
                "DPRK national {} worked at {} for {} days between {from} and {to} holding only non-work documents ({}).",
                ctx.person_label(p),
                ctx.org_label(placement.client),
                overlap.len(),
                categories(ctx, &docs),
            );
            out.push(f);
        }
        out
    })
}

/// One exit-then-re-entry cycle.
#[derive(Debug, Clone, Copy)]
struct Cycle {
    entry_before: u32,
    exit: u32,
    reentry: u32,
    entry_day: Day,
    exit_day: Day,
    reentry_day: Day,
}

/// The chains of qualifying cycles (`(exit, re-entry)` days, in order) as
/// index ranges `(first, last)`: every run of at least `min_cycles` cycles
/// whose first exit and last re-entry lie within `window_days` marks its
/// cycles, and consecutive marked cycles whose gap (exit to the next
/// re-entry) fits the window make one chain.
pub(super) fn cycle_chains(
    cycles: &[(Day, Day)],
    window_days: i32,
    min_cycles: usize,
) -> Vec<(usize, usize)> {
    let mut marked = vec![false; cycles.len()];
    for i in 0..cycles.len() {
        let mut j = i;
        while j + 1 < cycles.len() && cycles[j + 1].1.since(cycles[i].0) <= window_days {
            j += 1;
        }
        if j + 1 - i >= min_cycles {
            marked[i..=j].iter_mut().for_each(|m| *m = true);
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < cycles.len() {
        if !marked[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < cycles.len()
            && marked[j + 1]
            && cycles[j + 1].1.since(cycles[j].0) <= window_days
        {
            j += 1;
        }
        out.push((i, j));
        i = j + 1;
    }
    out
}

/// Per country, the person's crossings in order.
pub(super) fn by_country<'c>(ctx: &'c Context, p: usize) -> Vec<(&'static str, Vec<&'c Crossing>)> {
    let mut out: Vec<(&'static str, Vec<&Crossing>)> = Vec::new();
    for &c in &ctx.crossings_of[p] {
        let cr = &ctx.data.crossings[c as usize];
        match out.iter_mut().find(|(k, _)| *k == cr.country) {
            Some((_, v)) => v.push(cr),
            None => out.push((cr.country, vec![cr])),
        }
    }
    out
}

/// One exit-then-re-entry of a person, measured, whether or not it counts
/// as a visa-run cycle (`VISA_RUN_CYCLE` and its explanation).
#[derive(Debug, Clone, Copy)]
pub(super) struct CycleCheck {
    /// Indices into the country's crossings.
    pub entry_before: usize,
    pub exit: usize,
    pub reentry: usize,
    pub entry_day: Day,
    pub exit_day: Day,
    pub reentry_day: Day,
    /// Days from the entry before to the exit.
    pub stay: i32,
    /// Days from the exit to the re-entry.
    pub gap: i32,
    /// The re-entry was on a non-work document (the one presented, else
    /// the documents valid that day, none of them a work one).
    pub nonwork: bool,
}

/// Per country: the person's crossings in order and every entry, exit,
/// re-entry sequence among them.
pub(super) fn cycle_checks<'c>(
    ctx: &'c Context,
    p: usize,
) -> Vec<(&'static str, Vec<&'c Crossing>, Vec<CycleCheck>)> {
    let docs = &ctx.docs_of[p];
    let nonwork_on = |c: &Crossing| -> bool {
        if let Some(d) = c.document {
            let doc = &ctx.data.documents[d as usize];
            return ctx.is_nonwork(doc);
        }
        let mut any_nonwork = false;
        for &d in docs {
            let doc = &ctx.data.documents[d as usize];
            if let Some((a, b)) = ctx.validity(doc)
                && a <= c.day
                && c.day <= b
            {
                if ctx.is_work(doc) {
                    return false;
                }
                any_nonwork |= ctx.is_nonwork(doc);
            }
        }
        any_nonwork
    };
    let mut out = Vec::new();
    for (country, events) in by_country(ctx, p) {
        let mut checks = Vec::new();
        let mut last_entry: Option<usize> = None;
        for i in 0..events.len() {
            let e = events[i];
            match e.direction {
                Direction::Entry => last_entry = Some(i),
                Direction::Exit => {
                    let (Some(le), Some(next)) = (last_entry, events.get(i + 1)) else {
                        last_entry = None;
                        continue;
                    };
                    last_entry = None;
                    if next.direction != Direction::Entry {
                        continue;
                    }
                    let entry = events[le];
                    checks.push(CycleCheck {
                        entry_before: le,
                        exit: i,
                        reentry: i + 1,
                        entry_day: entry.day,
                        exit_day: e.day,
                        reentry_day: next.day,
                        stay: e.day.since(entry.day),
                        gap: next.day.since(e.day),
                        nonwork: nonwork_on(next),
                    });
                }
            }
        }
        out.push((country, events, checks));
    }
    out
}

/// VISA_RUN_CYCLE.
pub fn visa_run_cycle(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.visa_run_cycle.params;
    per_person(ctx, |p| {
        if ctx.crossings_of[p].len() < 2 * prm.min_cycles
            || !ctx.has_nationality(p, &prm.nationalities)
            || ctx.labour[p].is_empty()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (_, events, checks) in cycle_checks(ctx, p) {
            let cycles: Vec<Cycle> = checks
                .iter()
                .filter(|c| {
                    c.stay <= prm.max_stay_days && c.gap <= prm.max_reentry_gap_days && c.nonwork
                })
                .map(|c| Cycle {
                    entry_before: c.entry_before as u32,
                    exit: c.exit as u32,
                    reentry: c.reentry as u32,
                    entry_day: c.entry_day,
                    exit_day: c.exit_day,
                    reentry_day: c.reentry_day,
                })
                .collect();
            if cycles.len() < prm.min_cycles {
                continue;
            }
            let days: Vec<(Day, Day)> =
                cycles.iter().map(|c| (c.exit_day, c.reentry_day)).collect();
            for (i, j) in cycle_chains(&days, prm.window_days, prm.min_cycles) {
                let chain = &cycles[i..=j];
                let from = chain[0].entry_day;
                let to = chain[chain.len() - 1].reentry_day;
                // work during the cycles: a former worker later travelling
                // on business is no visa run
                let labour = ctx.labour[p].during(ctx.data, Some(from), Some(to));
                if labour.is_empty() {
                    continue;
                }
                let mut f = Finding {
                    period: Some((from, to)),
                    workers: usize::from(ctx.dprk[p]),
                    worker_days: (to.since(from) + 1) as i64,
                    ..Default::default()
                };
                add_person(ctx, &mut f.subjects, p);
                for c in chain {
                    for k in [c.entry_before, c.exit, c.reentry] {
                        let cr = events[k as usize];
                        f.evidence.insert(cr.id.clone());
                        if let Some(d) = cr.document {
                            f.evidence.insert(ctx.data.documents[d as usize].id.clone());
                        }
                    }
                }
                f.evidence.extend(labour.record_ids(ctx.data));
                f.summary = format!(
                    "{} left {} and came back {} times between {from} and {to} on non-work visas (stays of at most {} days, re-entries within {} days). Evidence of work in that time: {}.",
                    ctx.person_label(p),
                    events[0].country.to_ascii_uppercase(),
                    chain.len(),
                    chain
                        .iter()
                        .map(|c| c.exit_day.since(c.entry_day))
                        .max()
                        .unwrap_or(0),
                    chain
                        .iter()
                        .map(|c| c.reentry_day.since(c.exit_day))
                        .max()
                        .unwrap_or(0),
                    labour.describe(ctx.data),
                );
                out.push(f);
            }
        }
        out
    })
}

/// INCOME_AFTER_DEADLINE.
pub fn income_after_deadline(ctx: &Context) -> Vec<Finding> {
    let deadline = ctx.set.rules.income_after_deadline.params.deadline.0;
    // payments by payee record
    let mut paid: Vec<Vec<u32>> = vec![Vec::new(); ctx.res.persons.len()];
    for (i, pay) in ctx.data.payments.iter().enumerate() {
        if let Party::Person(r) = pay.payee
            && pay.day > deadline
            && matches!(pay.payer, Party::Org(_))
        {
            paid[ctx.person_of(r)].push(i as u32);
        }
    }
    per_person(ctx, |p| {
        if !ctx.dprk[p] {
            return Vec::new();
        }
        let mut after = DaySet::new();
        let mut f = Finding::default();
        let mut employers = BTreeSet::new();
        for &pl in &ctx.placements_of[p] {
            let placement = &ctx.data.placements[pl as usize];
            employers.insert(placement.client);
            employers.extend(placement.agency);
            let running_after = match placement.end {
                Some(end) => end > deadline,
                None => ctx.as_of > deadline,
            };
            if running_after {
                let (a, b) = ctx.running(placement);
                after.add(a.max(deadline.plus(1)), b);
                f.evidence.insert(placement.id.clone());
                f.subjects
                    .insert(ctx.data.organizations[placement.client as usize].id.clone());
            }
        }
        let mut wages = 0;
        let mut last_pay = None;
        for &pay in &paid[p] {
            let payment = &ctx.data.payments[pay as usize];
            if let Party::Org(o) = payment.payer
                && employers.contains(&o)
            {
                wages += 1;
                f.evidence.insert(payment.id.clone());
                f.subjects
                    .insert(ctx.data.organizations[o as usize].id.clone());
                last_pay = last_pay.max(Some(payment.day));
            }
        }
        if f.evidence.is_empty() {
            return Vec::new();
        }
        add_person(ctx, &mut f.subjects, p);
        let end = after.last().max(last_pay).unwrap_or(deadline.plus(1));
        f.period = Some((deadline.plus(1), end));
        f.workers = 1;
        f.worker_days = after.len();
        f.summary = format!(
            "DPRK national {} kept earning after the {deadline} repatriation deadline: {} days of work and {wages} wage payments after it, up to {end}.",
            ctx.person_label(p),
            after.len(),
        );
        vec![f]
    })
}

/// WORK_AUTH_AFTER_2375.
pub fn work_auth_after_2375(ctx: &Context) -> Vec<Finding> {
    let adopted = ctx.set.rules.work_auth_after_2375.params.adopted_on.0;
    per_person(ctx, |p| {
        if !ctx.dprk[p] {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &d in &ctx.docs_of[p] {
            let doc = &ctx.data.documents[d as usize];
            let Some(issued) = doc.issued() else { continue };
            if !ctx.is_work(doc) || issued <= adopted {
                continue;
            }
            let (a, b) = ctx.validity(doc).unwrap_or((issued, issued));
            let b = b.min(ctx.as_of.max(a));
            let mut f = Finding {
                period: Some((a, b)),
                workers: 1,
                worker_days: (b.since(a) + 1) as i64,
                ..Default::default()
            };
            add_person(ctx, &mut f.subjects, p);
            if let Some(s) = doc.sponsor {
                f.subjects
                    .insert(ctx.data.organizations[s as usize].id.clone());
            }
            f.evidence.insert(doc.id.clone());
            f.summary = format!(
                "A {} was issued to DPRK national {} on {issued}, after UNSCR 2375 ({adopted}).",
                match doc.kind {
                    DocKind::WorkPermit => "work permit",
                    _ => "work visa",
                },
                ctx.person_label(p),
            );
            out.push(f);
        }
        out
    })
}

/// How an employer kept a person on across the end of a work authorisation
/// (for STATUS_SWITCH_SAME_EMPLOYER): a placement running on the last day
/// of the authorisation, and one at the same client running on the day
/// after it ends or the new document starts.
pub(crate) struct KeptOn<'a> {
    pub before: &'a Placement,
    pub after: &'a Placement,
    /// One placement runs through both days.
    pub continuous: bool,
}

/// The placements of person `p` that kept them on from `last` (the work
/// authorisation's last day) to `later`, preferring one running through.
pub(crate) fn kept_on<'a>(ctx: &'a Context, p: usize, last: Day, later: Day) -> Option<KeptOn<'a>> {
    let running = |pl: &Placement, day: Day| {
        let (s, e) = ctx.running(pl);
        s <= day && day <= e
    };
    let pls: Vec<&Placement> = ctx.placements_of[p]
        .iter()
        .map(|&a| &ctx.data.placements[a as usize])
        .collect();
    if let Some(&one) = pls
        .iter()
        .find(|pl| running(pl, last) && running(pl, later))
    {
        return Some(KeptOn {
            before: one,
            after: one,
            continuous: true,
        });
    }
    pls.iter().filter(|pa| running(pa, last)).find_map(|&pa| {
        pls.iter()
            .find(|pb| pb.client == pa.client && running(pb, later))
            .map(|&pb| KeptOn {
                before: pa,
                after: pb,
                continuous: false,
            })
    })
}

/// STATUS_SWITCH_SAME_EMPLOYER.
pub fn status_switch_same_employer(ctx: &Context) -> Vec<Finding> {
    let gap = ctx
        .set
        .rules
        .status_switch_same_employer
        .params
        .max_gap_days;
    per_person(ctx, |p| {
        if !ctx.dprk[p] || ctx.placements_of[p].is_empty() {
            return Vec::new();
        }
        let docs: Vec<&Document> = ctx.docs_of[p]
            .iter()
            .map(|d| &ctx.data.documents[*d as usize])
            .collect();
        let mut out = Vec::new();
        for w in docs.iter().filter(|d| ctx.is_work(d)) {
            let (Some(ws), Some(u)) = (w.start(), w.valid_until) else {
                continue;
            };
            for n in docs.iter().filter(|d| ctx.is_nonwork(d)) {
                let Some(ns) = n.start() else { continue };
                if ns <= ws {
                    continue;
                }
                let later = ns.max(u.plus(1));
                let Some(k) = kept_on(ctx, p, u, later) else {
                    continue;
                };
                // one placement running through: the employer kept them on
                // without papers however long; a new placement at the same
                // client must follow within the gap
                if !k.continuous && ns.since(u).abs() > gap {
                    continue;
                }
                let (pa, pb) = (k.before, k.after);
                let end = ctx
                    .running(pb)
                    .1
                    .min(ctx.validity(n).map_or(later, |v| v.1))
                    .max(later);
                let mut f = Finding {
                    period: Some((u, end)),
                    workers: 1,
                    worker_days: (end.since(later) + 1) as i64,
                    ..Default::default()
                };
                add_person(ctx, &mut f.subjects, p);
                f.subjects
                    .insert(ctx.data.organizations[pa.client as usize].id.clone());
                f.evidence
                    .extend([w.id.clone(), n.id.clone(), pa.id.clone(), pb.id.clone()]);
                f.summary = format!(
                    "DPRK national {}'s work authorisation ended on {u}; a {} document started on {ns} while {} kept them on.",
                    ctx.person_label(p),
                    n.category.map_or("non-work", |c| c.as_str()),
                    ctx.org_label(pa.client),
                );
                out.push(f);
            }
        }
        out
    })
}

/// DEADLINE_CHURN.
pub fn deadline_churn(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.deadline_churn.params;
    let d = prm.deadline.0;
    per_person(ctx, |p| {
        if ctx.crossings_of[p].len() < 2
            || !ctx.has_nationality(p, &prm.nationalities)
            || ctx.labour[p].is_empty()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (country, events) in by_country(ctx, p) {
            for w in events.windows(2) {
                let (x, e) = (w[0], w[1]);
                if x.direction != Direction::Exit || e.direction != Direction::Entry {
                    continue;
                }
                if x.day < d.plus(-prm.exit_before_days)
                    || x.day > d
                    || e.day <= d
                    || e.day > d.plus(prm.reentry_within_days)
                {
                    continue;
                }
                // work from the re-entry on: a former worker who comes
                // back only to visit is no churn
                let labour = ctx.labour[p].during(ctx.data, Some(e.day), None);
                if labour.is_empty() {
                    continue;
                }
                let mut worker_days = 0;
                let mut f = Finding::default();
                for &pl in &ctx.placements_of[p] {
                    let placement = &ctx.data.placements[pl as usize];
                    let (a, b) = ctx.running(placement);
                    if b >= e.day {
                        worker_days += (b.since(a.max(e.day)) + 1) as i64;
                        f.evidence.insert(placement.id.clone());
                    }
                }
                add_person(ctx, &mut f.subjects, p);
                f.evidence.extend([x.id.clone(), e.id.clone()]);
                f.evidence.extend(labour.record_ids(ctx.data));
                f.period = Some((x.day, e.day));
                f.workers = usize::from(ctx.dprk[p]);
                f.worker_days = worker_days;
                f.summary = format!(
                    "{} left {} on {} and came back on {}, around the {d} repatriation deadline. Evidence of work since the return: {}.",
                    ctx.person_label(p),
                    country.to_ascii_uppercase(),
                    x.day,
                    e.day,
                    labour.describe(ctx.data),
                );
                out.push(f);
            }
        }
        out
    })
}

/// NATIONALITY_CONFLICT.
pub fn nationality_conflict(ctx: &Context) -> Vec<Finding> {
    let any = ctx.set.rules.nationality_conflict.params.any_pair;
    let dprk = ctx.set.general.dprk_nationality.to_ascii_lowercase();
    per_person(ctx, |p| {
        let person = &ctx.res.persons[p];
        let n: Vec<&str> = person
            .nationalities
            .iter()
            .copied()
            .filter(|c| is_definite_country(c))
            .collect();
        let conflict = n.len() > 1 && (any || n.iter().any(|c| *c == dprk));
        if !conflict {
            return Vec::new();
        }
        let mut f = Finding::default();
        add_person(ctx, &mut f.subjects, p);
        f.evidence.extend(person.record_ids.iter().cloned());
        let mut days = DaySet::new();
        for &pl in &ctx.placements_of[p] {
            let (a, b) = ctx.running(&ctx.data.placements[pl as usize]);
            days.add(a, b.min(ctx.as_of.max(a)));
        }
        f.period = days.first().zip(days.last());
        f.workers = usize::from(ctx.dprk[p] && !ctx.placements_of[p].is_empty());
        f.worker_days = days.len();
        let detail: Vec<String> = person
            .records
            .iter()
            .map(|r| {
                let rec = &ctx.data.persons[*r as usize];
                format!(
                    "{} says {}",
                    rec.id,
                    rec.nationality.unwrap_or("?").to_ascii_uppercase()
                )
            })
            .collect();
        f.summary = format!(
            "{} is one person across records with different nationalities: {}.",
            ctx.person_label(p),
            detail.join(", ")
        );
        vec![f]
    })
}
