//! Rules about organisations and groups of workers.

use super::{Context, add_person};
use crate::alert::Finding;
use crate::day::Day;
use crate::records::*;
use crate::ruleset::TeamRotation;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// DPRK placements grouped by an organisation key, in org order.
fn dprk_placements_by(
    ctx: &Context,
    key: impl Fn(&Placement) -> Option<OrgIx>,
) -> BTreeMap<OrgIx, Vec<u32>> {
    let mut out: BTreeMap<OrgIx, Vec<u32>> = BTreeMap::new();
    for (i, p) in ctx.data.placements.iter().enumerate() {
        if ctx.is_dprk_record(p.person)
            && let Some(o) = key(p)
        {
            out.entry(o).or_default().push(i as u32);
        }
    }
    out
}

fn org_id(ctx: &Context, o: OrgIx) -> String {
    ctx.data.organizations[o as usize].id.clone()
}

/// Adds the placements' persons and ids, returns their worker-days.
fn add_placements(ctx: &Context, f: &mut Finding, placements: &[u32]) {
    let mut persons = BTreeSet::new();
    for &pl in placements {
        let p = &ctx.data.placements[pl as usize];
        persons.insert(ctx.person_of(p.person));
        f.evidence.insert(p.id.clone());
        f.worker_days += ctx.placement_days(p);
    }
    for &p in &persons {
        add_person(ctx, &mut f.subjects, p);
    }
    f.workers = persons.iter().filter(|p| ctx.dprk[**p]).count();
}

/// One group of an agency's DPRK workers for STAGGERED_DISPATCH: its
/// placements at one client that are not lawful legacy work, each starting
/// at most `batch_gap_days` after the previous one (a shipment does not
/// start on one day), of workers who came in together: where the data
/// has their entries, the last entry before the placement is on the same
/// day (or under the same `group_ref`).
pub(crate) struct Batch {
    /// First and last start day.
    pub first: Day,
    pub last: Day,
    /// The client the group was sent to.
    pub client: OrgIx,
    /// How its workers came in, when the data says.
    pub arrival: Option<Arrival>,
    pub placements: Vec<u32>,
    pub persons: BTreeSet<usize>,
}

/// An agency's batches (see [`Batch`]), in order of first start day, then
/// client.
pub(crate) fn dispatch_batches(ctx: &Context, agency: OrgIx) -> Vec<Batch> {
    let prm = &ctx.set.rules.staggered_dispatch.params;
    let mut pls: Vec<u32> = ctx
        .data
        .placements
        .iter()
        .enumerate()
        .filter(|(_, p)| p.agency == Some(agency) && ctx.is_dprk_unlawful(p))
        .map(|(i, _)| i as u32)
        .collect();
    pls.sort_by_key(|&i| {
        let p = &ctx.data.placements[i as usize];
        (p.client, p.start, i)
    });
    let mut out: Vec<Batch> = Vec::new();
    for pl in pls {
        let p = &ctx.data.placements[pl as usize];
        let person = ctx.person_of(p.person);
        let arrival = arrival(ctx, person, p.start);
        match out.last_mut() {
            Some(b)
                if b.client == p.client
                    && p.start.since(b.last) <= prm.batch_gap_days
                    && (b.arrival.is_none() || arrival.is_none() || b.arrival == arrival) =>
            {
                b.last = p.start;
                b.placements.push(pl);
                b.persons.insert(person);
                b.arrival = b.arrival.take().or(arrival);
            }
            _ => out.push(Batch {
                first: p.start,
                last: p.start,
                client: p.client,
                arrival,
                placements: vec![pl],
                persons: BTreeSet::from([person]),
            }),
        }
    }
    out.sort_by_key(|b| (b.first, b.client));
    out
}

/// How a worker came in before a placement: their last entry on or before
/// its start, by `group_ref` when it has one, else by day and country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arrival {
    Group(String),
    Day(Day, &'static str),
}

/// The worker's [`Arrival`] before `start`, if the data has an entry.
fn arrival(ctx: &Context, person: usize, start: Day) -> Option<Arrival> {
    ctx.crossings_of[person]
        .iter()
        .map(|&c| &ctx.data.crossings[c as usize])
        .filter(|c| c.direction == Direction::Entry && c.day <= start)
        .max_by_key(|c| c.day)
        .map(|c| match &c.group_ref {
            Some(g) => Arrival::Group(g.clone()),
            None => Arrival::Day(c.day, c.country),
        })
}

/// Chains of batches for STAGGERED_DISPATCH: runs of batches of at most
/// `max_batch_size` persons (larger ones are left out), each starting at
/// most `window_days` after the latest start so far. Returns the chains as
/// index lists into `batches`.
pub(crate) fn dispatch_chains(ctx: &Context, batches: &[Batch]) -> Vec<Vec<usize>> {
    let prm = &ctx.set.rules.staggered_dispatch.params;
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut last_end: Option<Day> = None;
    for (i, b) in batches.iter().enumerate() {
        if b.persons.len() > prm.max_batch_size {
            continue;
        }
        match (chains.last_mut(), last_end) {
            (Some(c), Some(e)) if b.first.since(e) <= prm.window_days => c.push(i),
            _ => chains.push(vec![i]),
        }
        last_end = Some(last_end.map_or(b.last, |e| e.max(b.last)));
    }
    chains
}

/// The distinct days on which the batches of a chain started: groups sent
/// to two clients on one day are one dispatch date.
pub(crate) fn dispatch_dates(batches: &[Batch], chain: &[usize]) -> usize {
    chain
        .iter()
        .map(|&i| batches[i].first)
        .collect::<BTreeSet<Day>>()
        .len()
}

/// STAGGERED_DISPATCH.
pub fn staggered_dispatch(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.staggered_dispatch.params;
    let agencies: BTreeSet<OrgIx> = ctx
        .data
        .placements
        .iter()
        .filter_map(|p| p.agency)
        .collect();
    let mut out = Vec::new();
    for agency in agencies {
        let batches = dispatch_batches(ctx, agency);
        if batches.len() < prm.min_batches {
            continue;
        }
        for chain in dispatch_chains(ctx, &batches) {
            let dates = dispatch_dates(&batches, &chain);
            let chain: Vec<&Batch> = chain.iter().map(|&i| &batches[i]).collect();
            let persons: BTreeSet<usize> = chain
                .iter()
                .flat_map(|b| b.persons.iter().copied())
                .collect();
            if dates < prm.min_batches || persons.len() < prm.min_total {
                continue;
            }
            let placements: Vec<u32> = chain
                .iter()
                .flat_map(|b| b.placements.iter().copied())
                .collect();
            let last = chain.iter().map(|b| b.last).max().unwrap_or(chain[0].last);
            let mut f = Finding {
                period: Some((chain[0].first, last)),
                ..Default::default()
            };
            f.subjects.insert(org_id(ctx, agency));
            add_placements(ctx, &mut f, &placements);
            let clients: BTreeSet<OrgIx> = placements
                .iter()
                .map(|p| ctx.data.placements[*p as usize].client)
                .collect();
            let sizes: Vec<String> = chain
                .iter()
                .map(|b| format!("{} from {}", b.persons.len(), b.first))
                .collect();
            f.summary = format!(
                "Agency {} sent {} DPRK workers in {} batches on {dates} dates ({}) to {} client(s).",
                ctx.org_label(agency),
                f.workers,
                chain.len(),
                sizes.join(", "),
                clients.len()
            );
            out.push(f);
        }
    }
    out
}

/// The days a new team may start for TEAM_ROTATION, given the first and
/// last end of the leaving team: from a handover (at most
/// `leaving_window_days` before the first end: the new team may come in
/// while the old one leaves) to `arrival_window_days` after the last end.
pub(crate) fn arrival_window(prm: &TeamRotation, first: Day, last: Day) -> (Day, Day) {
    (
        first.plus(-prm.leaving_window_days),
        last.plus(prm.arrival_window_days),
    )
}

/// TEAM_ROTATION.
pub fn team_rotation(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.team_rotation.params;
    let mut out = Vec::new();
    for (client, pls) in dprk_placements_by(ctx, |p| Some(p.client)) {
        let mut ends: Vec<(Day, u32)> = pls
            .iter()
            .filter_map(|&pl| ctx.data.placements[pl as usize].end.map(|e| (e, pl)))
            .collect();
        ends.sort_unstable();
        let mut i = 0;
        while i < ends.len() {
            let first = ends[i].0;
            let mut j = i;
            while j + 1 < ends.len() && ends[j + 1].0.since(first) <= prm.leaving_window_days {
                j += 1;
            }
            let leaving: Vec<u32> = ends[i..=j].iter().map(|e| e.1).collect();
            let leavers: BTreeSet<usize> = leaving
                .iter()
                .map(|pl| ctx.person_of(ctx.data.placements[*pl as usize].person))
                .collect();
            if leavers.len() < prm.min_leaving {
                i += 1;
                continue;
            }
            let last = ends[j].0;
            let (handover, by) = arrival_window(prm, first, last);
            let arriving: Vec<u32> = pls
                .iter()
                .copied()
                .filter(|&pl| {
                    let p = &ctx.data.placements[pl as usize];
                    p.start >= handover
                        && p.start <= by
                        && !leavers.contains(&ctx.person_of(p.person))
                        // a new team on lawful pre-2375 permits is no evasion
                        && !ctx.is_lawful_legacy(p)
                })
                .collect();
            let arrivals: BTreeSet<usize> = arriving
                .iter()
                .map(|pl| ctx.person_of(ctx.data.placements[*pl as usize].person))
                .collect();
            if arrivals.len() < prm.min_arriving {
                i += 1;
                continue;
            }
            let last_start = arriving
                .iter()
                .map(|pl| ctx.data.placements[*pl as usize].start)
                .max()
                .unwrap_or(last);
            let mut f = Finding {
                period: Some((first, last_start.max(last))),
                ..Default::default()
            };
            f.subjects.insert(org_id(ctx, client));
            add_placements(ctx, &mut f, &arriving);
            let days = f.worker_days;
            for &pl in &leaving {
                let p = &ctx.data.placements[pl as usize];
                f.evidence.insert(p.id.clone());
            }
            for &p in &leavers {
                add_person(ctx, &mut f.subjects, p);
            }
            f.worker_days = days;
            f.summary = format!(
                "At {}, {} DPRK workers left between {first} and {last} and {} others started by {last_start}.",
                ctx.org_label(client),
                leavers.len(),
                arrivals.len()
            );
            out.push(f);
            i = j + 1;
        }
    }
    out
}

/// Whether BULK_WAGE_SINGLE_PAYEE takes `payee` as a possible collector
/// of wages: a person; or an organisation unless its kind is one of
/// `excluded_payee_kinds` (landlords, suppliers, banks, tax offices) and it
/// is neither DPRK-registered, nor on the lists, nor the client or agency
/// of a DPRK national's placement. `None` when it may; else why not.
pub(crate) fn payee_excluded(ctx: &Context, payee: Party) -> Option<String> {
    let Party::Org(o) = payee else { return None };
    let prm = &ctx.set.rules.bulk_wage_single_payee.params;
    let org = &ctx.data.organizations[o as usize];
    let kind = org.kind.filter(|k| prm.excluded_payee_kinds.contains(k))?;
    let dprk = ctx.set.general.dprk_nationality.as_str();
    let placed = ctx
        .placements_as_client(o)
        .iter()
        .chain(ctx.placements_as_agency(o))
        .any(|&i| ctx.is_dprk_record(ctx.data.placements[i as usize].person));
    let listed = ctx.listed.iter().any(|m| m.party == payee);
    if placed || listed || org.country.is_some_and(|c| c.eq_ignore_ascii_case(dprk)) {
        return None;
    }
    Some(format!(
        "{} is of kind `{}`, not DPRK-registered, not listed and places no DPRK worker",
        ctx.org_label(o),
        kind.as_str()
    ))
}

/// Whether `payee` is the agency of one of `placements`: the intermediary
/// that placed those workers.
pub(crate) fn placed_them(ctx: &Context, placements: &[u32], payee: Party) -> bool {
    let Party::Org(o) = payee else { return false };
    placements
        .iter()
        .any(|&pl| ctx.data.placements[pl as usize].agency == Some(o))
}

/// The sum of `payments` whose payee is one of `workers` (resolved persons).
pub(crate) fn paid_to_workers(ctx: &Context, payments: &[u32], workers: &BTreeSet<usize>) -> f64 {
    payments
        .iter()
        .map(|&i| &ctx.data.payments[i as usize])
        .filter(|pay| matches!(pay.payee, Party::Person(r) if workers.contains(&ctx.person_of(r))))
        .map(|pay| pay.amount)
        .sum::<f64>()
        + 0.0 // an empty sum is -0.0, printed "-0"
}

/// The DPRK crew behind one month of an employer's payments: who worked,
/// under which placements, and their combined monthly wages in one currency.
pub(crate) struct MonthCrew {
    /// Last day of the month.
    pub month_end: Day,
    /// Resolved persons with a placement running in the month.
    pub workers: BTreeSet<usize>,
    /// Those placements.
    pub active: Vec<u32>,
    /// Their monthly `wage_amount`s in the currency.
    pub wages: f64,
}

/// The crew of `placements` (an employer's DPRK placements) that ran in
/// the month starting on `month`, with its wages in `currency`.
pub(crate) fn month_crew(
    ctx: &Context,
    placements: &[u32],
    month: Day,
    currency: &str,
) -> MonthCrew {
    let (y, m, _) = month.ymd_parts();
    let month_end = Day::ymd(y, m, yalu_model::days_in_month(y, m));
    let mut crew = MonthCrew {
        month_end,
        workers: BTreeSet::new(),
        active: Vec::new(),
        wages: 0.0,
    };
    for &pl in placements {
        let p = &ctx.data.placements[pl as usize];
        let (a, b) = ctx.running(p);
        if a <= month_end && b >= month {
            crew.workers.insert(ctx.person_of(p.person));
            crew.active.push(pl);
            if p.wage_currency.as_deref() == Some(currency) {
                crew.wages += p.wage_amount.unwrap_or(0.0);
            }
        }
    }
    crew
}

/// Every organisation that employs or places DPRK nationals, with those
/// placements (as client or agency).
fn dprk_employers(ctx: &Context) -> HashMap<OrgIx, Vec<u32>> {
    let mut employs: HashMap<OrgIx, Vec<u32>> = HashMap::new();
    for (i, p) in ctx.data.placements.iter().enumerate() {
        if ctx.is_dprk_record(p.person) {
            employs.entry(p.client).or_default().push(i as u32);
            if let Some(a) = p.agency
                && a != p.client
            {
                employs.entry(a).or_default().push(i as u32);
            }
        }
    }
    employs
}

/// One employer's payments in one month and currency, by payee.
type PayeeMonths<'d> = BTreeMap<(OrgIx, Day, Party, &'d str), Vec<u32>>;
/// One payer's payments to persons in one month and currency.
type PersonMonths<'d> = HashMap<(OrgIx, Day, &'d str), Vec<u32>>;

/// The payments made by the `employers`, grouped by payer, month, payee and
/// currency; and every such payer's payments to persons, by month and
/// currency.
fn monthly_payments<'d>(
    ctx: &Context<'d>,
    employers: &HashMap<OrgIx, Vec<u32>>,
) -> (PayeeMonths<'d>, PersonMonths<'d>) {
    let mut groups = PayeeMonths::new();
    let mut to_persons = PersonMonths::new();
    for (i, pay) in ctx.data.payments.iter().enumerate() {
        if let Party::Org(o) = pay.payer
            && employers.contains_key(&o)
        {
            let month = pay.day.month_start();
            groups
                .entry((o, month, pay.payee, pay.currency.as_str()))
                .or_default()
                .push(i as u32);
            if let Party::Person(_) = pay.payee {
                to_persons
                    .entry((o, month, pay.currency.as_str()))
                    .or_default()
                    .push(i as u32);
            }
        }
    }
    (groups, to_persons)
}

/// BULK_WAGE_SINGLE_PAYEE.
pub fn bulk_wage_single_payee(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.bulk_wage_single_payee.params;
    let employs = dprk_employers(ctx);
    let (groups, to_persons) = monthly_payments(ctx, &employs);
    let paid_by = |payer: OrgIx, month: Day, currency: &str, workers: &BTreeSet<usize>| {
        let payments = to_persons.get(&(payer, month, currency));
        paid_to_workers(ctx, payments.map_or(&[][..], Vec::as_slice), workers)
    };
    let mut out = Vec::new();
    for ((employer, month, payee, currency), payments) in groups {
        let crew = month_crew(ctx, &employs[&employer], month, currency);
        if crew.workers.len() < prm.min_workers {
            continue;
        }
        if let Party::Person(r) = payee
            && crew.workers.contains(&ctx.person_of(r))
        {
            continue;
        }
        if payee_excluded(ctx, payee).is_some() {
            continue;
        }
        let paid: f64 = payments
            .iter()
            .map(|i| ctx.data.payments[*i as usize].amount)
            .sum();
        // the agency that placed the workers needs no share: with the
        // workers unpaid, any payment to it is where their wages went
        let placed = placed_them(ctx, &crew.active, payee);
        if crew.wages <= 0.0 || (paid < prm.min_share * crew.wages && !placed) {
            continue;
        }
        // the workers were paid their wages themselves, by the employer or
        // by the payee passing them on: the payment is for something else
        // (an agency's fee, say)
        let mut direct = paid_by(employer, month, currency, &crew.workers);
        if let Party::Org(po) = payee {
            direct += paid_by(po, month, currency, &crew.workers);
        }
        if direct >= prm.min_share * crew.wages {
            continue;
        }
        let wage_payment = WagePayment {
            employer,
            payee,
            month,
            currency,
            payments: &payments,
            paid,
            placed,
            direct,
        };
        out.push(wage_finding(ctx, &wage_payment, &crew));
    }
    out
}

/// An employer's payments to one payee in one month that took the wages of
/// its DPRK crew.
struct WagePayment<'a> {
    employer: OrgIx,
    payee: Party,
    month: Day,
    currency: &'a str,
    payments: &'a [u32],
    /// Their sum.
    paid: f64,
    /// Whether the payee is the agency that placed the crew.
    placed: bool,
    /// What the crew was paid themselves that month.
    direct: f64,
}

/// The alert for one [`WagePayment`].
fn wage_finding(ctx: &Context, w: &WagePayment, crew: &MonthCrew) -> Finding {
    let (month, month_end, currency) = (w.month, crew.month_end, w.currency);
    let mut f = Finding {
        period: Some((month, month_end)),
        ..Default::default()
    };
    f.subjects.insert(org_id(ctx, w.employer));
    f.subjects.insert(ctx.data.party_id(w.payee).to_string());
    for &p in &crew.workers {
        add_person(ctx, &mut f.subjects, p);
    }
    f.evidence.extend(
        w.payments
            .iter()
            .map(|i| ctx.data.payments[*i as usize].id.clone()),
    );
    f.evidence.extend(
        crew.active
            .iter()
            .map(|i| ctx.data.placements[*i as usize].id.clone()),
    );
    f.workers = crew.workers.iter().filter(|p| ctx.dprk[**p]).count();
    f.worker_days = crew
        .active
        .iter()
        .map(|pl| {
            let (a, b) = ctx.running(&ctx.data.placements[*pl as usize]);
            (b.min(month_end).since(a.max(month)) + 1) as i64
        })
        .sum();
    f.summary = format!(
        "In {}, {} paid {:.0} {currency} to {}{}, {:.0} % of the {:.0} {currency} monthly wages of its {} DPRK workers, who were paid {:.0} {currency} themselves.",
        month.month_label(),
        ctx.org_label(w.employer),
        w.paid,
        ctx.data.party_id(w.payee),
        if w.placed {
            ", the agency that placed them"
        } else {
            ""
        },
        100.0 * w.paid / crew.wages,
        crew.wages,
        crew.workers.len(),
        w.direct
    );
    f
}

/// AGENCY_DPRK_CONCENTRATION.
pub fn agency_dprk_concentration(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.agency_dprk_concentration.params;
    // agency -> (placements, DPRK placements, those outside lawful legacy work)
    let mut by_agency: BTreeMap<OrgIx, (usize, usize, Vec<u32>)> = BTreeMap::new();
    for (i, p) in ctx.data.placements.iter().enumerate() {
        if let Some(a) = p.agency {
            let e = by_agency.entry(a).or_default();
            e.0 += 1;
            if ctx.is_dprk_record(p.person) {
                e.1 += 1;
                if !ctx.is_lawful_legacy(p) {
                    e.2.push(i as u32);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (agency, (total, all_dprk, dprk)) in by_agency {
        let persons: BTreeSet<usize> = dprk
            .iter()
            .map(|pl| ctx.person_of(ctx.data.placements[*pl as usize].person))
            .collect();
        let share = all_dprk as f64 / total as f64;
        if persons.len() < prm.min_dprk || share < prm.min_share {
            continue;
        }
        let mut f = Finding::default();
        f.subjects.insert(org_id(ctx, agency));
        add_placements(ctx, &mut f, &dprk);
        let from = dprk
            .iter()
            .map(|pl| ctx.data.placements[*pl as usize].start)
            .min();
        let to = dprk
            .iter()
            .map(|pl| ctx.running(&ctx.data.placements[*pl as usize]).1)
            .max();
        f.period = from.zip(to);
        f.summary = format!(
            "Agency {} placed {} DPRK nationals outside lawful pre-2375 permits; DPRK nationals hold {all_dprk} of its {total} placements ({:.0} %).",
            ctx.org_label(agency),
            persons.len(),
            100.0 * share
        );
        out.push(f);
    }
    out
}

/// GROUP_CROSSING_TO_SITE.
pub fn group_crossing_to_site(ctx: &Context) -> Vec<Finding> {
    let prm = &ctx.set.rules.group_crossing_to_site.params;
    // per client, keep the largest groups; drop one whose persons all belong
    // to a group already kept (the same crossing seen by day and by group_ref)
    let mut by_client: BTreeMap<OrgIx, Vec<(CrossingKey, GroupMembers)>> = BTreeMap::new();
    for ((client, key), members) in groups_to_site(ctx) {
        if members.len() >= prm.min_group {
            by_client.entry(client).or_default().push((key, members));
        }
    }
    let mut out = Vec::new();
    for (client, mut cands) in by_client {
        cands.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let mut kept: Vec<BTreeSet<usize>> = Vec::new();
        for (key, members) in cands {
            let persons: BTreeSet<usize> = members.keys().copied().collect();
            if kept.iter().any(|k| persons.is_subset(k)) {
                continue;
            }
            kept.push(persons);
            out.push(group_finding(ctx, client, &key, &members));
        }
    }
    out
}

/// What makes entries one group crossing: the day and country, or a
/// `group_ref`.
#[derive(PartialEq, Eq, PartialOrd, Ord, Clone)]
enum CrossingKey {
    Day(Day, &'static str),
    Ref(String),
}

/// A group's members: person -> (their entry, their placement).
type GroupMembers = BTreeMap<usize, (u32, u32)>;

/// Every (client, crossing key) with the DPRK nationals who entered that
/// way and started at the client within `start_within_days`, lawful legacy
/// placements left out.
fn groups_to_site(ctx: &Context) -> BTreeMap<(OrgIx, CrossingKey), GroupMembers> {
    let prm = &ctx.set.rules.group_crossing_to_site.params;
    let mut groups: BTreeMap<(OrgIx, CrossingKey), GroupMembers> = BTreeMap::new();
    for (p, pls) in ctx.placements_of.iter().enumerate() {
        if !ctx.dprk[p] || pls.is_empty() {
            continue;
        }
        for &pl in pls {
            let placement = &ctx.data.placements[pl as usize];
            if ctx.is_lawful_legacy(placement) {
                continue;
            }
            let s = placement.start;
            for &c in &ctx.crossings_of[p] {
                let cr = &ctx.data.crossings[c as usize];
                if cr.direction != Direction::Entry
                    || cr.day > s
                    || s.since(cr.day) > prm.start_within_days
                {
                    continue;
                }
                let mut keys = vec![CrossingKey::Day(cr.day, cr.country)];
                if let Some(g) = &cr.group_ref {
                    keys.push(CrossingKey::Ref(g.clone()));
                }
                for k in keys {
                    groups
                        .entry((placement.client, k))
                        .or_default()
                        .entry(p)
                        .or_insert((c, pl));
                }
            }
        }
    }
    groups
}

/// The alert for one group that crossed and went to `client`.
fn group_finding(
    ctx: &Context,
    client: OrgIx,
    key: &CrossingKey,
    members: &GroupMembers,
) -> Finding {
    let mut f = Finding::default();
    f.subjects.insert(org_id(ctx, client));
    let pls: Vec<u32> = members.values().map(|v| v.1).collect();
    add_placements(ctx, &mut f, &pls);
    let mut first = None;
    let mut last = None;
    for &(c, pl) in members.values() {
        let cr = &ctx.data.crossings[c as usize];
        f.evidence.insert(cr.id.clone());
        first = first.min(Some(cr.day)).or(Some(cr.day));
        last = last.max(Some(ctx.data.placements[pl as usize].start));
    }
    f.period = first.zip(last);
    let how = match key {
        CrossingKey::Day(d, country) => format!("entered {} on {d}", country.to_ascii_uppercase()),
        CrossingKey::Ref(g) => format!("crossed as group {g}"),
    };
    f.summary = format!(
        "{} DPRK nationals who {how} started at {} within {} days.",
        members.len(),
        ctx.org_label(client),
        ctx.set
            .rules
            .group_crossing_to_site
            .params
            .start_within_days
    );
    f
}

/// FRONT_COMPANY_LINK.
pub fn front_company_link(ctx: &Context) -> Vec<Finding> {
    let employs = dprk_placements_by(ctx, |p| Some(p.client));
    let places = dprk_placements_by(ctx, |p| p.agency);
    let mut out = Vec::new();
    for (org, links) in controllers(ctx) {
        let mut pls: Vec<u32> = employs.get(&org).cloned().unwrap_or_default();
        pls.extend(places.get(&org).cloned().unwrap_or_default());
        pls.sort_unstable();
        pls.dedup();
        if pls.is_empty() {
            continue;
        }
        out.push(control_finding(ctx, org, &links, &pls));
    }
    out
}

/// One party's control of an organisation: the party, the record id that
/// shows it (a relation, or `list:` a link of the lists), and why it counts.
type Control = (Party, String, String);

/// Every organisation controlled by a DPRK national or a listed party:
/// through a relation of `relation_kinds` in the data, or, per the
/// sanctions lists, as a match of an unlisted entity linked to a listed one.
fn controllers(ctx: &Context) -> BTreeMap<OrgIx, Vec<Control>> {
    let prm = &ctx.set.rules.front_company_link.params;
    let listed = ctx.listed_parties();
    let mut controls: BTreeMap<OrgIx, Vec<Control>> = BTreeMap::new();
    for (o, _) in ctx.data.organizations.iter().enumerate() {
        let o = o as OrgIx;
        for (m, via) in ctx.network_links_of(o) {
            controls.entry(o).or_default().push((
                Party::Org(o),
                format!("list:{}", via.link_id),
                format!(
                    "per the sanctions lists, {} ({}, score {:.2}) is {}",
                    m.listed_name, m.listed_id, m.score, via.how
                ),
            ));
        }
    }
    for r in &ctx.data.relations {
        let Party::Org(o) = r.to else { continue };
        if !prm.relation_kinds.contains(&r.kind) {
            continue;
        }
        let why = match r.from {
            Party::Person(p) if ctx.is_dprk_record(p) => "a DPRK national",
            from if listed.contains(&from) => "a listed entity",
            Party::Person(p)
                if listed
                    .contains(&Party::Person(ctx.res.persons[ctx.person_of(p)].records[0])) =>
            {
                "a listed person"
            }
            _ => continue,
        };
        controls.entry(o).or_default().push((
            r.from,
            r.id.clone(),
            format!("{} {why} ({})", r.kind.passive(), ctx.data.party_id(r.from)),
        ));
    }
    controls
}

/// The alert for a controlled organisation `org` that employs or places
/// DPRK workers (`pls`).
fn control_finding(ctx: &Context, org: OrgIx, links: &[Control], pls: &[u32]) -> Finding {
    let mut f = Finding::default();
    f.subjects.insert(org_id(ctx, org));
    for (party, rid, _) in links {
        match party {
            Party::Person(p) => add_person(ctx, &mut f.subjects, ctx.person_of(*p)),
            Party::Org(o) => {
                f.subjects.insert(org_id(ctx, *o));
            }
        }
        f.evidence.insert(rid.clone());
    }
    add_placements(ctx, &mut f, pls);
    let from = pls
        .iter()
        .map(|pl| ctx.data.placements[*pl as usize].start)
        .min();
    let to = pls
        .iter()
        .map(|pl| ctx.running(&ctx.data.placements[*pl as usize]).1)
        .max();
    f.period = from.zip(to);
    let whys: Vec<&str> = links.iter().map(|l| l.2.as_str()).collect();
    f.summary = format!(
        "{} is {} and employs or places {} DPRK workers.",
        ctx.org_label(org),
        whys.join("; "),
        f.workers
    );
    f
}
