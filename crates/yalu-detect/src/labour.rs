//! Evidence of labour: what in the data shows that a person worked.
//!
//! A rule about workers must not alert a traveller only for their
//! nationality and their crossings: consular staff, students and trade
//! representatives cross as often as workers do. [`LabourEvidence`] is
//! computed once per resolved person (in [`crate::rules::Context::new`])
//! and every rule that reads a person's travel as work alerts only on
//! signs dated in the travel it reads ([`LabourEvidence::during`]), citing
//! them: `VISA_RUN_CYCLE` during the cycles, `DEADLINE_CHURN` from the
//! re-entry on (a former worker who comes back only to visit is not read
//! as working again). The signs, each a record the alert can cite
//! ([`LabourSign`]):
//!
//! * a placement of the person, or wages paid to them: a payment from an
//!   organisation of one of `general.employer_kinds`, or from the client
//!   or agency of any placement in the data;
//! * a work-type document: any `work_permit`, or a visa or residence
//!   permit of one of `general.work_type_categories` (intern, trainee,
//!   technician and entertainer count: they are how work was disguised);
//! * a document of any category sponsored by an organisation of one of
//!   `general.employer_kinds`, or by an organisation that is the client or
//!   agency of any placement in the data (workers also came on student and business
//!   visas sponsored by the firms that used them);
//! * an entry in a travel group (`group_ref`) another member of which
//!   starts a placement at most `general.group_to_site_days` after it.
//!
//! An `official` or `student` visa with no sponsor, or sponsored by a
//! school or a government body, is no sign of work; neither is a payment
//! from a bank or a government.

use crate::day::Day;
use crate::records::{DataSet, Direction, DocIx, DocKind, OrgIx, OrgKind, Party};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One sign of work, by index into the data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabourSign {
    /// A placement of the person.
    Placement(u32),
    /// A payment to the person from an employer.
    Wages(u32),
    /// A work permit, or a visa or permit of a work-type category.
    WorkDocument(DocIx),
    /// A document sponsored by an employer, staffing agency or trading house.
    SponsoredDocument(DocIx, OrgIx),
    /// An entry (crossing index) in a travel group whose member started a
    /// placement (placement index) soon after.
    GroupToWorkSite(u32, u32),
}

/// Every sign of work of one resolved person, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabourEvidence {
    /// The signs found; empty when nothing shows that the person works.
    pub signs: Vec<LabourSign>,
}

impl LabourEvidence {
    /// Whether no sign of work was found.
    pub fn is_empty(&self) -> bool {
        self.signs.is_empty()
    }

    /// The signs dated within `from ..= to` (an open end: `None`): a
    /// placement running then (an open one runs on), wages paid then, a
    /// document valid then (one with no dates counts: nothing dates it
    /// elsewhere), an entry in a travel group made then. A rule about a
    /// period of travel asks for work in that period, so that someone who
    /// once worked and later only visits is not read as working.
    pub fn during(&self, data: &DataSet, from: Option<Day>, to: Option<Day>) -> LabourEvidence {
        let overlaps = |a: Option<Day>, b: Option<Day>| {
            from.is_none_or(|f| b.is_none_or(|b| b >= f))
                && to.is_none_or(|t| a.is_none_or(|a| a <= t))
        };
        let signs = self
            .signs
            .iter()
            .copied()
            .filter(|s| match *s {
                LabourSign::Placement(p) => {
                    let pl = &data.placements[p as usize];
                    overlaps(Some(pl.start), pl.end)
                }
                LabourSign::Wages(p) => {
                    let day = data.payments[p as usize].day;
                    overlaps(Some(day), Some(day))
                }
                LabourSign::WorkDocument(d) | LabourSign::SponsoredDocument(d, _) => {
                    let doc = &data.documents[d as usize];
                    overlaps(doc.start(), doc.valid_until)
                }
                LabourSign::GroupToWorkSite(c, _) => {
                    let day = data.crossings[c as usize].day;
                    overlaps(Some(day), Some(day))
                }
            })
            .collect();
        LabourEvidence { signs }
    }

    /// Input ids of the records to cite (the first few signs).
    pub fn record_ids(&self, data: &DataSet) -> Vec<String> {
        self.signs
            .iter()
            .take(CITED)
            .map(|s| match *s {
                LabourSign::Placement(p) => data.placements[p as usize].id.clone(),
                LabourSign::Wages(p) => data.payments[p as usize].id.clone(),
                LabourSign::WorkDocument(d) | LabourSign::SponsoredDocument(d, _) => {
                    data.documents[d as usize].id.clone()
                }
                LabourSign::GroupToWorkSite(c, _) => data.crossings[c as usize].id.clone(),
            })
            .collect()
    }

    /// One phrase per sign (the first few), for summaries and explanations.
    pub fn describe(&self, data: &DataSet) -> String {
        if self.signs.is_empty() {
            return "no evidence of work (no placement, wages, work-type or employer-sponsored document, or travel group to a work site)".into();
        }
        let org = |o: OrgIx| data.organizations[o as usize].name.as_str();
        let mut parts: Vec<String> = self
            .signs
            .iter()
            .take(CITED)
            .map(|s| match *s {
                LabourSign::Placement(p) => {
                    let pl = &data.placements[p as usize];
                    format!("placement {} at {}", pl.id, org(pl.client))
                }
                LabourSign::Wages(p) => {
                    let pay = &data.payments[p as usize];
                    format!(
                        "payment {} of {} {} from {} on {}",
                        pay.id,
                        pay.amount,
                        pay.currency,
                        data.party_id(pay.payer),
                        pay.day
                    )
                }
                LabourSign::WorkDocument(d) => {
                    let doc = &data.documents[d as usize];
                    format!("{} {}", doc_label(doc), doc.id)
                }
                LabourSign::SponsoredDocument(d, o) => {
                    let doc = &data.documents[d as usize];
                    format!("{} {} sponsored by {}", doc_label(doc), doc.id, org(o))
                }
                LabourSign::GroupToWorkSite(c, p) => {
                    let cr = &data.crossings[c as usize];
                    let pl = &data.placements[p as usize];
                    format!(
                        "entry {} in group {} whose member started at {} on {}",
                        cr.id,
                        cr.group_ref.as_deref().unwrap_or("?"),
                        org(pl.client),
                        pl.start
                    )
                }
            })
            .collect();
        if self.signs.len() > CITED {
            parts.push(format!("{} more", self.signs.len() - CITED));
        }
        parts.join("; ")
    }
}

/// Signs cited in an alert or a summary.
const CITED: usize = 4;

fn doc_label(doc: &crate::records::Document) -> String {
    let kind = doc.kind.as_str().replace('_', " ");
    match doc.category {
        Some(c) if doc.kind != DocKind::WorkPermit => format!("{} {kind}", c.as_str()),
        _ => kind,
    }
}

/// Computes the evidence of every resolved person. `docs_of`,
/// `crossings_of` and `placements_of` index the records per resolved
/// person (as in the rules' context); `of_record` maps a person record to
/// its resolved person.
pub fn compute(
    data: &DataSet,
    general: &crate::ruleset::General,
    of_record: &[u32],
    docs_of: &[Vec<DocIx>],
    crossings_of: &[Vec<u32>],
    placements_of: &[Vec<u32>],
) -> Vec<LabourEvidence> {
    let employers = Employers::new(data, general);
    let work_cats: HashSet<_> = general.work_type_categories.iter().copied().collect();
    let wages_of = wages_by_person(data, &employers, of_record, docs_of.len());
    let group_sign = group_signs(data, general, of_record, placements_of);
    (0..docs_of.len())
        .map(|p| {
            let mut signs = Vec::new();
            signs.extend(placements_of[p].iter().map(|&pl| LabourSign::Placement(pl)));
            signs.extend(wages_of[p].iter().map(|&w| LabourSign::Wages(w)));
            signs.extend(
                docs_of[p]
                    .iter()
                    .filter_map(|&d| document_sign(data, &employers, &work_cats, d)),
            );
            for &c in &crossings_of[p] {
                if let Some(&pl) = group_sign.get(&c) {
                    signs.push(LabourSign::GroupToWorkSite(c, pl));
                }
            }
            LabourEvidence { signs }
        })
        .collect()
}

/// The organisations whose payments are wages and whose sponsorship is a
/// sign of work: those of `general.employer_kinds`, and every client or
/// agency of a placement in the data.
struct Employers {
    kinds: HashSet<OrgKind>,
    employs: HashSet<OrgIx>,
}

impl Employers {
    fn new(data: &DataSet, general: &crate::ruleset::General) -> Employers {
        let mut employs: HashSet<OrgIx> = HashSet::new();
        for p in &data.placements {
            employs.insert(p.client);
            employs.extend(p.agency);
        }
        Employers {
            kinds: general.employer_kinds.iter().copied().collect(),
            employs,
        }
    }

    fn contains(&self, data: &DataSet, o: OrgIx) -> bool {
        data.organizations[o as usize]
            .kind
            .is_some_and(|k| self.kinds.contains(&k))
            || self.employs.contains(&o)
    }
}

/// Per resolved person, the payments an employer made to them.
fn wages_by_person(
    data: &DataSet,
    employers: &Employers,
    of_record: &[u32],
    persons: usize,
) -> Vec<Vec<u32>> {
    let mut wages_of: Vec<Vec<u32>> = vec![Vec::new(); persons];
    for (i, pay) in data.payments.iter().enumerate() {
        if let (Party::Org(o), Party::Person(r)) = (pay.payer, pay.payee)
            && employers.contains(data, o)
        {
            wages_of[of_record[r as usize] as usize].push(i as u32);
        }
    }
    wages_of
}

/// A document as a sign of work: a work permit, a visa or permit of a
/// work-type category, or any other sponsored by an employer.
fn document_sign(
    data: &DataSet,
    employers: &Employers,
    work_cats: &HashSet<crate::records::Category>,
    d: DocIx,
) -> Option<LabourSign> {
    let doc = &data.documents[d as usize];
    let work_type = match doc.kind {
        DocKind::WorkPermit => true,
        DocKind::Visa | DocKind::ResidencePermit => {
            doc.category.is_some_and(|c| work_cats.contains(&c))
        }
        DocKind::Passport => false,
    };
    if work_type {
        return Some(LabourSign::WorkDocument(d));
    }
    doc.sponsor
        .filter(|&s| employers.contains(data, s))
        .map(|s| LabourSign::SponsoredDocument(d, s))
}

/// Entries in a travel group (`group_ref`) another member of which started
/// a placement at most `general.group_to_site_days` after their own entry:
/// entry crossing -> that co-traveller's placement.
fn group_signs(
    data: &DataSet,
    general: &crate::ruleset::General,
    of_record: &[u32],
    placements_of: &[Vec<u32>],
) -> HashMap<u32, u32> {
    // group_ref -> (resolved person, entry crossing)
    let mut groups: BTreeMap<&str, Vec<(usize, u32)>> = BTreeMap::new();
    for (i, c) in data.crossings.iter().enumerate() {
        if c.direction == Direction::Entry
            && let Some(g) = c.group_ref.as_deref()
        {
            groups
                .entry(g)
                .or_default()
                .push((of_record[c.person as usize] as usize, i as u32));
        }
    }
    let mut group_sign: HashMap<u32, u32> = HashMap::new();
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        // the first placement of a member starting within the window of its entry
        let mut starts: Vec<(usize, u32)> = Vec::new();
        for &(p, c) in members {
            let day = data.crossings[c as usize].day;
            if let Some(&pl) = placements_of[p].iter().find(|&&pl| {
                let s = data.placements[pl as usize].start;
                s >= day && s.since(day) <= general.group_to_site_days
            }) {
                starts.push((p, pl));
            }
        }
        for &(p, c) in members {
            if let Some(&(_, pl)) = starts.iter().find(|(q, _)| *q != p) {
                group_sign.insert(c, pl);
            }
        }
    }
    group_sign
}
