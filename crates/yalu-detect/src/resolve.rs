//! Resolution of person records into persons.
//!
//! The same worker often appears in several records: a roster, a visa
//! register, a border log, each with its own spelling, sometimes with a new
//! passport. [`resolve`] links records into [`ResolvedPerson`]s under the
//! [`ResolutionPolicy`] of the rule file:
//!
//! 1. **Same passport number** (from `persons.passport_number` or a
//!    `passport` document's `number`, compared upper-case without spaces or
//!    dashes) and the same nationality: one person. With different or
//!    unknown nationalities, one person only when the names score at least
//!    `cross_nationality_name_threshold` (a passport number is unique only
//!    within its issuing country).
//! 2. **Same full birth date and the same nationality**, and names that
//!    score at least `name_threshold` with the Korean-aware matcher
//!    (`yalu_match::name_score`, best over `full_name` and
//!    `name_original_script` on both sides): one person, even when the
//!    passport numbers differ.
//! 3. A link made on names (2, and 1 across nationalities) also needs
//!    the genders to agree when both are given (`gender_must_agree`) and
//!    the Hangul names to be equal when both records have one
//!    (`hangul_must_agree`): the matcher aligns tokens in any order, but a
//!    Korean given name with its syllables swapped is another name.
//! 4. With `birth_dates_must_agree`, two records whose full birth dates
//!    differ are never joined, not even through a third record: a link
//!    that would bring two different full birth dates into one person is
//!    refused.
//!
//! Records are only compared within blocks (same passport number; same
//! birth date and nationality), so the cost grows with the block sizes,
//! not with the square of the records. A record without a full birth date
//! is linked only through its passport number.

use crate::records::{DataSet, DocKind, PersonIx};
use crate::ruleset::ResolutionPolicy;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use yalu_match::name_score::{self, NameKind, NameScoreConfig, PreparedName};
use yalu_model::FuzzyDate;

/// One person, made of one or more records.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPerson {
    /// The smallest of its record ids.
    pub id: String,
    /// Every record id, sorted.
    pub record_ids: Vec<String>,
    /// Every record, as indices into `DataSet::persons`, in id order.
    pub records: Vec<PersonIx>,
    /// Every nationality code given, sorted.
    pub nationalities: Vec<&'static str>,
    /// Every birth date given, sorted.
    pub birth_dates: Vec<FuzzyDate>,
}

/// Why two records were joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkReason {
    /// Same passport number and nationality.
    Passport,
    /// Same passport number, different or unknown nationality, names agree.
    PassportCrossNationality,
    /// Same full birth date and nationality, names agree.
    BirthDateAndName,
}

/// The result of [`resolve`].
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Persons, sorted by id.
    pub persons: Vec<ResolvedPerson>,
    /// For each record, the index of its person in `persons`.
    pub of_record: Vec<u32>,
    /// The links made, `(a, b, reason)` with `a < b`.
    pub links: Vec<(PersonIx, PersonIx, LinkReason)>,
    /// Links refused because they would join different full birth dates.
    pub refused: usize,
}

impl Resolution {
    /// The person of a record.
    pub fn person_of(&self, record: PersonIx) -> &ResolvedPerson {
        &self.persons[self.of_record[record as usize] as usize]
    }
}

fn normalize_number(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

struct Dsu {
    parent: Vec<u32>,
    /// Full birth dates of each root's records.
    dates: Vec<Vec<i64>>,
}

impl Dsu {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Joins; `false` when refused because of conflicting birth dates.
    fn union(&mut self, a: u32, b: u32, dates_must_agree: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if dates_must_agree {
            let (da, db) = (&self.dates[ra as usize], &self.dates[rb as usize]);
            if da.iter().any(|x| db.iter().any(|y| x != y)) {
                return false;
            }
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        let moved = std::mem::take(&mut self.dates[hi as usize]);
        let into = &mut self.dates[lo as usize];
        for d in moved {
            if !into.contains(&d) {
                into.push(d);
            }
        }
        true
    }
}

/// The record's name in Hangul without spaces, when it has one (the
/// original-script name, else the full name, written only in Hangul).
fn hangul_name(p: &crate::records::Person) -> Option<String> {
    let is_hangul = |s: &str| {
        let mut any = false;
        for c in s.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !('\u{ac00}'..='\u{d7a3}').contains(&c) {
                return false;
            }
            any = true;
        }
        any
    };
    [
        p.name_original_script.as_deref(),
        Some(p.full_name.as_str()),
    ]
    .into_iter()
    .flatten()
    .find(|s| is_hangul(s))
    .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Resolves the person records of a data set: blocks, candidate pairs,
/// a decision per pair, then the joins (passport links first).
pub fn resolve(data: &DataSet, policy: &ResolutionPolicy) -> Resolution {
    let full_dob: Vec<Option<i64>> = data
        .persons
        .iter()
        .map(|p| p.birth_date.and_then(|d| d.day_number()))
        .collect();
    let blocks = Blocks::of(data, policy, &full_dob);
    let mut pairs = blocks.passport_pairs();
    let names = prepare_names(data, &blocks, &pairs);
    pairs.extend(blocks.birth_date_pairs(policy, &names));
    pairs.sort_unstable();
    pairs.dedup();
    let judge = PairJudge {
        data,
        policy,
        names: &names,
        hangul: data.persons.iter().map(hangul_name).collect(),
        cfg: NameScoreConfig::default(),
    };
    let decided: Vec<Option<LinkReason>> = pairs
        .par_iter()
        .map(|&(a, b, passport)| judge.decide(a, b, passport))
        .collect();
    let (dsu, links, refused) = join(&pairs, &decided, &full_dob, policy);
    let persons = persons_of(data, dsu);
    let mut of_record = vec![0u32; data.persons.len()];
    for (pi, p) in persons.iter().enumerate() {
        for r in &p.records {
            of_record[*r as usize] = pi as u32;
        }
    }
    Resolution {
        persons,
        of_record,
        links,
        refused,
    }
}

/// A candidate pair `(a, b, same passport)` with `a < b`.
type Pair = (PersonIx, PersonIx, bool);

/// The blocks records are compared within.
struct Blocks<'a> {
    /// Normalised passport number -> records carrying it.
    by_passport: HashMap<String, BTreeSet<PersonIx>>,
    /// (full birth date, nationality) -> records.
    by_dob: HashMap<(i64, &'a str), Vec<PersonIx>>,
}

impl<'a> Blocks<'a> {
    fn of(data: &'a DataSet, policy: &ResolutionPolicy, full_dob: &[Option<i64>]) -> Self {
        let mut by_passport: HashMap<String, BTreeSet<PersonIx>> = HashMap::new();
        if policy.link_same_passport {
            let numbers = data
                .persons
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Some((i as PersonIx, p.passport_number.as_ref()?)))
                .chain(
                    data.documents
                        .iter()
                        .filter(|d| d.kind == DocKind::Passport)
                        .filter_map(|d| Some((d.person, d.number.as_ref()?))),
                );
            for (person, num) in numbers {
                let k = normalize_number(num);
                if !k.is_empty() {
                    by_passport.entry(k).or_default().insert(person);
                }
            }
        }
        let mut by_dob: HashMap<(i64, &str), Vec<PersonIx>> = HashMap::new();
        for (i, p) in data.persons.iter().enumerate() {
            if let (Some(d), Some(nat)) = (full_dob[i], p.nationality) {
                by_dob.entry((d, nat)).or_default().push(i as PersonIx);
            }
        }
        Blocks {
            by_passport,
            by_dob,
        }
    }

    /// Every pair of records sharing a passport number.
    fn passport_pairs(&self) -> Vec<Pair> {
        let mut pairs = Vec::new();
        for members in self.by_passport.values() {
            let m: Vec<PersonIx> = members.iter().copied().collect();
            for i in 0..m.len() {
                for j in i + 1..m.len() {
                    pairs.push((m[i], m[j], true));
                }
            }
        }
        pairs
    }

    /// Pairs within each birth-date block: all of them in a small block,
    /// those sharing a name key in a large one.
    fn birth_date_pairs(
        &self,
        policy: &ResolutionPolicy,
        names: &[Vec<PreparedName>],
    ) -> Vec<Pair> {
        let mut pairs = Vec::new();
        for members in self.by_dob.values() {
            if members.len() < 2 {
                continue;
            }
            if members.len() <= policy.max_block_all_pairs {
                for i in 0..members.len() {
                    for j in i + 1..members.len() {
                        pairs.push((
                            members[i].min(members[j]),
                            members[i].max(members[j]),
                            false,
                        ));
                    }
                }
                continue;
            }
            let mut by_key: BTreeMap<String, Vec<PersonIx>> = BTreeMap::new();
            for &m in members {
                let mut keys: BTreeSet<String> = BTreeSet::new();
                for name in &names[m as usize] {
                    keys.extend(name.keys());
                }
                for k in keys {
                    by_key.entry(k).or_default().push(m);
                }
            }
            let mut seen = BTreeSet::new();
            for ms in by_key.values() {
                for i in 0..ms.len() {
                    for j in i + 1..ms.len() {
                        let (a, b) = (ms[i].min(ms[j]), ms[i].max(ms[j]));
                        if seen.insert((a, b)) {
                            pairs.push((a, b, false));
                        }
                    }
                }
            }
        }
        pairs
    }
}

/// The prepared names (full name, then original-script name) of the
/// records a name comparison may need: those in a passport pair or in a
/// birth-date block of two or more. Others get none.
fn prepare_names(
    data: &DataSet,
    blocks: &Blocks<'_>,
    passport_pairs: &[Pair],
) -> Vec<Vec<PreparedName>> {
    let mut needed = vec![false; data.persons.len()];
    for members in blocks.by_dob.values().filter(|m| m.len() > 1) {
        for &m in members {
            needed[m as usize] = true;
        }
    }
    for &(a, b, _) in passport_pairs {
        needed[a as usize] = true;
        needed[b as usize] = true;
    }
    (0..data.persons.len())
        .into_par_iter()
        .map(|i| {
            if !needed[i] {
                return Vec::new();
            }
            let p = &data.persons[i];
            let mut v = vec![PreparedName::new(&p.full_name, NameKind::Person)];
            if let Some(o) = &p.name_original_script {
                v.push(PreparedName::new(o, NameKind::Person));
            }
            v
        })
        .collect()
}

/// Decides whether a candidate pair is one person, and why.
struct PairJudge<'a> {
    data: &'a DataSet,
    policy: &'a ResolutionPolicy,
    names: &'a [Vec<PreparedName>],
    /// Each record's Hangul name, when it has one.
    hangul: Vec<Option<String>>,
    cfg: NameScoreConfig,
}

impl PairJudge<'_> {
    fn decide(&self, a: PersonIx, b: PersonIx, passport: bool) -> Option<LinkReason> {
        let (pa, pb) = (
            &self.data.persons[a as usize],
            &self.data.persons[b as usize],
        );
        if !passport {
            return (self.name_evidence_ok(a, b) && self.best(a, b) >= self.policy.name_threshold)
                .then_some(LinkReason::BirthDateAndName);
        }
        let dates_ok = match (pa.birth_date, pb.birth_date) {
            (Some(x), Some(y)) => x.compatible(&y),
            _ => true,
        };
        if !dates_ok && self.policy.birth_dates_must_agree {
            return None;
        }
        if pa.nationality.is_some() && pa.nationality == pb.nationality {
            return Some(LinkReason::Passport);
        }
        let t = self.policy.cross_nationality_name_threshold;
        (t >= 0.0 && self.name_evidence_ok(a, b) && self.best(a, b) >= t)
            .then_some(LinkReason::PassportCrossNationality)
    }

    /// The best name score over both records' names.
    fn best(&self, a: PersonIx, b: PersonIx) -> f64 {
        let mut s: f64 = 0.0;
        for x in &self.names[a as usize] {
            for y in &self.names[b as usize] {
                s = s.max(name_score::score(x, y, &self.cfg));
            }
        }
        s
    }

    /// A link on names needs the records' other evidence to agree too:
    /// genders and Hangul names, where both records give them.
    fn name_evidence_ok(&self, a: PersonIx, b: PersonIx) -> bool {
        let (pa, pb) = (
            &self.data.persons[a as usize],
            &self.data.persons[b as usize],
        );
        if self.policy.gender_must_agree
            && let (Some(x), Some(y)) = (pa.gender, pb.gender)
            && x != y
        {
            return false;
        }
        if self.policy.hangul_must_agree
            && let (Some(x), Some(y)) = (&self.hangul[a as usize], &self.hangul[b as usize])
            && x != y
        {
            return false;
        }
        true
    }
}

/// Joins the accepted pairs, passport links first, then name links, each
/// in record order. Returns the joined sets, the links made and how many
/// were refused for conflicting birth dates.
fn join(
    pairs: &[Pair],
    decided: &[Option<LinkReason>],
    full_dob: &[Option<i64>],
    policy: &ResolutionPolicy,
) -> (Dsu, Vec<(PersonIx, PersonIx, LinkReason)>, usize) {
    let mut dsu = Dsu {
        parent: (0..full_dob.len() as u32).collect(),
        dates: full_dob
            .iter()
            .map(|d| d.iter().copied().collect())
            .collect(),
    };
    let mut links = Vec::new();
    let mut refused = 0;
    let mut order: Vec<(LinkReason, PersonIx, PersonIx)> = pairs
        .iter()
        .zip(decided)
        .filter_map(|(&(a, b, _), r)| r.map(|r| (r, a, b)))
        .collect();
    order.sort_unstable();
    for (reason, a, b) in order {
        if dsu.union(a, b, policy.birth_dates_must_agree) {
            links.push((a, b, reason));
        } else {
            refused += 1;
        }
    }
    (dsu, links, refused)
}

/// The persons the joined sets make, sorted by id.
fn persons_of(data: &DataSet, mut dsu: Dsu) -> Vec<ResolvedPerson> {
    let mut groups: HashMap<u32, Vec<PersonIx>> = HashMap::new();
    for i in 0..data.persons.len() as u32 {
        let r = dsu.find(i);
        groups.entry(r).or_default().push(i);
    }
    let mut persons: Vec<ResolvedPerson> = groups
        .into_values()
        .map(|mut recs| {
            recs.sort_by(|a, b| {
                data.persons[*a as usize]
                    .id
                    .cmp(&data.persons[*b as usize].id)
            });
            let record = |r: &PersonIx| &data.persons[*r as usize];
            let record_ids: Vec<String> = recs.iter().map(|r| record(r).id.clone()).collect();
            let mut nationalities: Vec<&'static str> =
                recs.iter().filter_map(|r| record(r).nationality).collect();
            nationalities.sort_unstable();
            nationalities.dedup();
            let mut birth_dates: Vec<FuzzyDate> =
                recs.iter().filter_map(|r| record(r).birth_date).collect();
            birth_dates.sort();
            birth_dates.dedup();
            ResolvedPerson {
                id: record_ids[0].clone(),
                record_ids,
                records: recs,
                nationalities,
                birth_dates,
            }
        })
        .collect();
    persons.sort_by(|a, b| a.id.cmp(&b.id));
    persons
}
