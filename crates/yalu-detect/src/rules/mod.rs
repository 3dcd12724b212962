//! The rules. Each rule reads the [`Context`] (records, resolved persons,
//! per-person indexes, the rule set) and returns its alerts; [`detect`] runs
//! them all (in parallel) and orders the result.

mod explain;
mod lists;
mod orgs;
mod persons;
pub(crate) mod registry;

use crate::alert::Alert;
use crate::day::{Day, DaySet};
use crate::records::*;
use crate::resolve::Resolution;
use crate::ruleset::RuleSet;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use yalu_links::Lists;

pub use explain::{Subject, explain_rule};
pub use lists::{LinkedTo, ListMatch};

/// Everything a rule reads.
pub struct Context<'a> {
    /// The records read.
    pub data: &'a DataSet,
    /// The person records joined into persons; "resolved person" indices
    /// below index its `persons`.
    pub res: &'a Resolution,
    /// The rule file: every rule's switch and parameters.
    pub set: &'a RuleSet,
    /// The day up to which an open placement counts.
    pub as_of: Day,
    /// Per resolved person: carries the DPRK nationality.
    pub dprk: Vec<bool>,
    /// Per resolved person: documents, crossings (sorted by day, then input
    /// order) and placements (sorted by start).
    pub docs_of: Vec<Vec<DocIx>>,
    /// Per resolved person: indices into [`DataSet::crossings`], by day.
    pub crossings_of: Vec<Vec<u32>>,
    /// Per resolved person: indices into [`DataSet::placements`], by start.
    pub placements_of: Vec<Vec<u32>>,
    /// Records and organisations that matched the sanctions lists: listed
    /// entities, or entities the lists link to listed ones.
    pub listed: Vec<ListMatch>,
    /// Per resolved person: the evidence that they worked.
    pub labour: Vec<crate::labour::LabourEvidence>,
    work_categories: HashSet<Category>,
    nonwork_categories: HashSet<Category>,
    /// Records by input id, placements by organisation and payments by
    /// payer and payee, built on first use (explanations look one subject
    /// up at a time).
    lookups: OnceLock<Lookups<'a>>,
}

/// Person records and organisations by input id (the first record of an
/// id wins, as a scan in input order would find it); per organisation, the
/// placements it is the client or the agency of and the payments it made;
/// per person record, the payments it received. Every list is in input
/// order.
struct Lookups<'a> {
    persons: HashMap<&'a str, PersonIx>,
    orgs: HashMap<&'a str, OrgIx>,
    as_client: Vec<Vec<u32>>,
    as_agency: Vec<Vec<u32>>,
    paid_by_org: Vec<Vec<u32>>,
    paid_to_record: Vec<Vec<u32>>,
}

impl<'a> Lookups<'a> {
    fn new(data: &'a DataSet) -> Self {
        let mut persons = HashMap::with_capacity(data.persons.len());
        for (i, p) in data.persons.iter().enumerate() {
            persons.entry(p.id.as_str()).or_insert(i as PersonIx);
        }
        let n_orgs = data.organizations.len();
        let mut orgs = HashMap::with_capacity(n_orgs);
        for (i, o) in data.organizations.iter().enumerate() {
            orgs.entry(o.id.as_str()).or_insert(i as OrgIx);
        }
        let mut as_client = vec![Vec::new(); n_orgs];
        let mut as_agency = vec![Vec::new(); n_orgs];
        for (i, p) in data.placements.iter().enumerate() {
            as_client[p.client as usize].push(i as u32);
            if let Some(a) = p.agency {
                as_agency[a as usize].push(i as u32);
            }
        }
        let mut paid_by_org = vec![Vec::new(); n_orgs];
        let mut paid_to_record = vec![Vec::new(); data.persons.len()];
        for (i, pay) in data.payments.iter().enumerate() {
            if let Party::Org(o) = pay.payer {
                paid_by_org[o as usize].push(i as u32);
            }
            if let Party::Person(r) = pay.payee {
                paid_to_record[r as usize].push(i as u32);
            }
        }
        Lookups {
            persons,
            orgs,
            as_client,
            as_agency,
            paid_by_org,
            paid_to_record,
        }
    }
}

impl<'a> Context<'a> {
    /// Indexes the data for the rules; screens against `lists` when given.
    pub fn new(
        data: &'a DataSet,
        res: &'a Resolution,
        set: &'a RuleSet,
        lists: Option<&Lists>,
    ) -> Context<'a> {
        let n = res.persons.len();
        let dprk_code = set.general.dprk_nationality.to_ascii_lowercase();
        let dprk = res
            .persons
            .iter()
            .map(|p| p.nationalities.iter().any(|c| *c == dprk_code))
            .collect();
        let mut docs_of = vec![Vec::new(); n];
        for (i, d) in data.documents.iter().enumerate() {
            docs_of[res.of_record[d.person as usize] as usize].push(i as DocIx);
        }
        let mut crossings_of = vec![Vec::new(); n];
        for (i, c) in data.crossings.iter().enumerate() {
            crossings_of[res.of_record[c.person as usize] as usize].push(i as u32);
        }
        crossings_of
            .par_iter_mut()
            .for_each(|v: &mut Vec<u32>| v.sort_by_key(|&i| (data.crossings[i as usize].day, i)));
        let mut placements_of = vec![Vec::new(); n];
        for (i, p) in data.placements.iter().enumerate() {
            placements_of[res.of_record[p.person as usize] as usize].push(i as u32);
        }
        for v in &mut placements_of {
            v.sort_by_key(|&i| (data.placements[i as usize].start, i));
        }
        let as_of = set
            .as_of()
            .or_else(|| data.latest_event_day())
            .unwrap_or(Day::ymd(2000, 1, 1));
        let labour = crate::labour::compute(
            data,
            &set.general,
            &res.of_record,
            &docs_of,
            &crossings_of,
            &placements_of,
        );
        let mut ctx = Context {
            labour,
            data,
            res,
            set,
            as_of,
            dprk,
            docs_of,
            crossings_of,
            placements_of,
            listed: Vec::new(),
            work_categories: set.general.work_categories.iter().copied().collect(),
            nonwork_categories: set.general.nonwork_categories.iter().copied().collect(),
            lookups: OnceLock::new(),
        };
        if let Some(l) = lists {
            ctx.listed = lists::screen(&ctx, l);
        }
        ctx
    }

    /// Parties that match a listed entity itself.
    pub fn listed_parties(&self) -> BTreeSet<Party> {
        self.listed
            .iter()
            .filter(|m| m.is_direct())
            .map(|m| m.party)
            .collect()
    }

    /// How the lists link an organisation to listed entities: it matches
    /// an entity of the lists that is not listed itself but is linked to
    /// listed ones (one item per link).
    pub fn network_links_of(&self, o: OrgIx) -> impl Iterator<Item = (&ListMatch, &LinkedTo)> {
        self.listed
            .iter()
            .filter(move |m| m.party == Party::Org(o))
            .flat_map(|m| m.via.iter().map(move |v| (m, v)))
    }

    /// The person record whose input id is `id` (the first, should two
    /// records share it). The lookups are built on the first call.
    pub fn record_by_id(&self, id: &str) -> Option<PersonIx> {
        self.lookups().persons.get(id).copied()
    }

    /// The organisation whose input id is `id` (the first, should two
    /// share it).
    pub fn org_by_id(&self, id: &str) -> Option<OrgIx> {
        self.lookups().orgs.get(id).copied()
    }

    /// Indices into [`DataSet::placements`] of the placements with `o` as
    /// client, in input order.
    pub fn placements_as_client(&self, o: OrgIx) -> &[u32] {
        &self.lookups().as_client[o as usize]
    }

    /// Indices into [`DataSet::placements`] of the placements with `o` as
    /// agency, in input order.
    pub fn placements_as_agency(&self, o: OrgIx) -> &[u32] {
        &self.lookups().as_agency[o as usize]
    }

    /// Indices into [`DataSet::payments`] of the payments the organisation
    /// `o` made, in input order.
    pub fn payments_by_org(&self, o: OrgIx) -> &[u32] {
        &self.lookups().paid_by_org[o as usize]
    }

    /// Indices into [`DataSet::payments`] of the payments to the person
    /// record `r`, in input order.
    pub fn payments_to_record(&self, r: PersonIx) -> &[u32] {
        &self.lookups().paid_to_record[r as usize]
    }

    fn lookups(&self) -> &Lookups<'a> {
        self.lookups.get_or_init(|| Lookups::new(self.data))
    }

    /// The resolved person of a record.
    pub fn person_of(&self, record: PersonIx) -> usize {
        self.res.of_record[record as usize] as usize
    }

    /// Whether the person of a record is a DPRK national.
    pub fn is_dprk_record(&self, record: PersonIx) -> bool {
        self.dprk[self.person_of(record)]
    }

    /// Whether a resolved person carries one of `codes` (empty = everyone).
    pub fn has_nationality(&self, person: usize, codes: &[String]) -> bool {
        codes.is_empty()
            || self.res.persons[person]
                .nationalities
                .iter()
                .any(|n| codes.iter().any(|c| c.eq_ignore_ascii_case(n)))
    }

    /// A document authorising work: any work permit, or a visa or residence
    /// permit of a work category.
    pub fn is_work(&self, d: &Document) -> bool {
        match d.kind {
            DocKind::WorkPermit => true,
            DocKind::Visa | DocKind::ResidencePermit => d
                .category
                .is_some_and(|c| self.work_categories.contains(&c)),
            DocKind::Passport => false,
        }
    }

    /// A visa or residence permit of a non-work category.
    pub fn is_nonwork(&self, d: &Document) -> bool {
        matches!(d.kind, DocKind::Visa | DocKind::ResidencePermit)
            && d.category
                .is_some_and(|c| self.nonwork_categories.contains(&c))
    }

    /// Days a document is valid: from its start (`valid_from`, else
    /// `issued_on`) to `valid_until`, or to `as_of` when no end is given.
    pub fn validity(&self, d: &Document) -> Option<(Day, Day)> {
        let start = d.start()?;
        Some((start, d.valid_until.unwrap_or(self.as_of.max(start))))
    }

    /// Days a placement runs, an open one up to `as_of`.
    pub fn running(&self, p: &Placement) -> (Day, Day) {
        (p.start, p.end.unwrap_or(self.as_of.max(p.start)))
    }

    /// Lawful legacy work: a placement of a DPRK national that the
    /// resolutions allowed. Every one of its days is covered by work
    /// authorisations issued (`issued_on`, else `valid_from`) on or before
    /// the adoption of UNSCR 2375 (`WORK_AUTH_AFTER_2375.adopted_on`), and it
    /// ends (an open one: `as_of`) on or before the repatriation deadline
    /// (`INCOME_AFTER_DEADLINE.deadline`). The group and agency rules
    /// (`STAGGERED_DISPATCH`, `AGENCY_DPRK_CONCENTRATION`,
    /// `GROUP_CROSSING_TO_SITE`) do not count such placements.
    pub fn is_lawful_legacy(&self, p: &Placement) -> bool {
        let adopted = self.set.rules.work_auth_after_2375.params.adopted_on.0;
        let deadline = self.set.rules.income_after_deadline.params.deadline.0;
        let (a, b) = self.running(p);
        if b > deadline {
            return false;
        }
        let mut cover = DaySet::new();
        for &d in &self.docs_of[self.person_of(p.person)] {
            let doc = &self.data.documents[d as usize];
            if !self.is_work(doc) || doc.issued().is_none_or(|i| i > adopted) {
                continue;
            }
            if let Some((x, y)) = self.validity(doc) {
                cover.add(x, y);
            }
        }
        cover.clip(a, b).len() == (b.since(a) + 1) as i64
    }

    /// A DPRK national's placement that is not lawful legacy work (see
    /// [`Context::is_lawful_legacy`]).
    pub fn is_dprk_unlawful(&self, p: &Placement) -> bool {
        self.is_dprk_record(p.person) && !self.is_lawful_legacy(p)
    }

    /// Days covered by work documents / only by non-work documents.
    pub fn cover(&self, person: usize) -> (DaySet, DaySet) {
        let mut work = DaySet::new();
        let mut nonwork = DaySet::new();
        for &d in &self.docs_of[person] {
            let doc = &self.data.documents[d as usize];
            if let Some((a, b)) = self.validity(doc) {
                if self.is_work(doc) {
                    work.add(a, b);
                } else if self.is_nonwork(doc) {
                    nonwork.add(a, b);
                }
            }
        }
        let only = nonwork.minus(&work);
        (work, only)
    }

    /// Record ids of a resolved person.
    pub fn person_ids(&self, person: usize) -> impl Iterator<Item = String> + '_ {
        self.res.persons[person].record_ids.iter().cloned()
    }

    /// A short label for a person: first record's name and id.
    pub fn person_label(&self, person: usize) -> String {
        let p = &self.res.persons[person];
        let rec = &self.data.persons[p.records[0] as usize];
        format!("{} ({})", rec.full_name, p.id)
    }

    /// An organisation as summaries name it: `name (id)`.
    pub fn org_label(&self, org: OrgIx) -> String {
        let o = &self.data.organizations[org as usize];
        format!("{} ({})", o.name, o.id)
    }

    /// Placement days clipped to `as_of`.
    pub fn placement_days(&self, p: &Placement) -> i64 {
        let (a, b) = self.running(p);
        let b = b.min(self.as_of.max(a));
        (b.since(a) + 1) as i64
    }
}

/// Runs every enabled rule of the registry; alerts come out in catalogue
/// order, then by period start, then by id.
pub fn detect(ctx: &Context) -> Vec<Alert> {
    let annual = ctx.set.general.annual_revenue_per_worker_usd;
    let per_rule: Vec<Vec<Alert>> = registry::REGISTRY
        .par_iter()
        .map(|rule| {
            let settings = (rule.settings)(&ctx.set.rules);
            if !settings.enabled() {
                return Vec::new();
            }
            let severity = settings.severity();
            let mut alerts: Vec<Alert> = (rule.run)(ctx)
                .into_iter()
                .map(|f| f.into_alert(rule.id, severity, annual))
                .collect();
            alerts
                .sort_by(|a, b| (a.period_start, &a.alert_id).cmp(&(b.period_start, &b.alert_id)));
            alerts.dedup_by(|a, b| a.alert_id == b.alert_id);
            alerts
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}

/// Adds a resolved person's record ids to a set.
pub(crate) fn add_person(ctx: &Context, set: &mut BTreeSet<String>, person: usize) {
    set.extend(ctx.person_ids(person));
}
