//! The rule file: every parameter of resolution and of the rules, in TOML.
//!
//! [`RuleSet::load`] reads a rule file over the embedded default
//! (`rules/default.toml`): a file need only name what it changes, and any
//! key that the format does not define is an error, so a typo never
//! silently falls back to a default. Dates are quoted strings
//! (`deadline = "2019-12-22"`).

use crate::day::Day;
use crate::error::DetectError;
use crate::records::Category;
use serde::{Deserialize, Deserializer, Serialize};

/// The default rule file, embedded at build time.
pub const DEFAULT_RULES: &str = include_str!("../../../rules/default.toml");

pub use crate::rules::registry::{RULE_IDS, Rules};

/// An alert's severity, as the rule file names it (`low`, `medium`, `high`,
/// `critical`); any other word is an error when the file is read. Declared
/// once, with the alert record, in `yalu_model`.
pub use yalu_model::Severity;

/// A date parameter, written `"YYYY-MM-DD"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DateParam(pub Day);

impl<'de> Deserialize<'de> for DateParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Day::parse(&s)
            .map(DateParam)
            .map_err(serde::de::Error::custom)
    }
}

/// A whole rule file: the `[general]`, `[resolution]` and `[rules.*]`
/// tables, read over the embedded default (see [`RuleSet::load`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// `[general]`: settings every rule shares.
    pub general: General,
    /// `[resolution]`: how person records are joined into persons.
    pub resolution: ResolutionPolicy,
    /// `[rules.<id>]`: each rule's switch, severity and parameters.
    pub rules: Rules,
}

/// Settings shared by the rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    /// The nationality code of a DPRK national.
    pub dprk_nationality: String,
    /// Document categories that do not authorise work.
    pub nonwork_categories: Vec<Category>,
    /// Document categories that authorise work (any `work_permit` does too).
    pub work_categories: Vec<Category>,
    /// Revenue to the DPRK state per worker-year, in USD (an alert's
    /// estimate is worker-days × this / 365).
    pub annual_revenue_per_worker_usd: f64,
    /// The day up to which an open placement ("still working") counts;
    /// empty string = the latest event day in the data.
    pub as_of: String,
    /// Evidence of labour (see `labour`): documents of these categories
    /// are work-type (any `work_permit` is too).
    pub work_type_categories: Vec<Category>,
    /// Evidence of labour: a document sponsored by an organisation of one
    /// of these kinds, whatever its category; a payment to the person
    /// from one of these kinds (or from a client or agency of any
    /// placement) counts as wages.
    pub employer_kinds: Vec<crate::records::OrgKind>,
    /// Evidence of labour: a co-traveller of the same `group_ref` entry
    /// starts a placement at most this many days after it.
    pub group_to_site_days: i32,
}

/// How person records are resolved into persons (see `resolve`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionPolicy {
    /// Records with the same full birth date and nationality are one person
    /// when their names score at least this (Korean-aware name matcher).
    pub name_threshold: f64,
    /// Records with the same passport (or document) number and the same
    /// nationality are one person.
    pub link_same_passport: bool,
    /// Records with the same passport number but different nationalities
    /// are one person when their names score at least this; a negative
    /// value never links across nationalities.
    pub cross_nationality_name_threshold: f64,
    /// Two records whose full birth dates differ are never one person, even
    /// through a third record.
    pub birth_dates_must_agree: bool,
    /// Records whose genders are both given and differ are never joined by
    /// name.
    pub gender_must_agree: bool,
    /// Records that both carry a name written in Hangul are joined by name
    /// only when those Hangul names are equal (spaces aside): the name
    /// matcher aligns tokens in any order, but `오순덕` is not `오덕순`.
    pub hangul_must_agree: bool,
    /// Birth date + nationality blocks up to this size are compared pair by
    /// pair; larger blocks only compare records sharing a name key.
    pub max_block_all_pairs: usize,
}

/// One rule's switch, severity, description, motivating source and parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule<P> {
    /// Whether the rule runs; a disabled rule gives no alerts.
    pub enabled: bool,
    /// The severity of every alert the rule gives.
    pub severity: Severity,
    /// What the rule detects, in a sentence (shown by `yalu rules list`).
    pub description: String,
    /// The resolution or reporting the rule rests on (e.g. `UNSCR 2375 (2017) para 17`).
    pub source: String,
    /// The rule's own parameters (`[rules.<id>.params]`).
    pub params: P,
}

/// A rule's settings, whatever its parameters' type: what the catalogue,
/// `detect` and `--explain` read of every rule alike.
pub trait RuleSettings {
    /// Whether the rule runs.
    fn enabled(&self) -> bool;
    /// The severity of its alerts.
    fn severity(&self) -> Severity;
    /// What it detects, in a sentence.
    fn description(&self) -> &str;
    /// The resolution or reporting it rests on.
    fn source(&self) -> &str;
    /// Its parameters as written in TOML (name, value), by name.
    fn params(&self) -> Vec<(String, String)>;
}

impl<P: Serialize> RuleSettings for Rule<P> {
    fn enabled(&self) -> bool {
        self.enabled
    }
    fn severity(&self) -> Severity {
        self.severity
    }
    fn description(&self) -> &str {
        &self.description
    }
    fn source(&self) -> &str {
        &self.source
    }
    fn params(&self) -> Vec<(String, String)> {
        match toml::Value::try_from(&self.params) {
            Ok(toml::Value::Table(t)) => {
                t.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Parameters of `NONWORK_VISA_EMPLOYMENT`: a DPRK national placed while
/// covered only by non-work visas or residence permits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonworkVisaEmployment {
    /// Days of overlap between a placement and a period covered only by
    /// non-work documents.
    pub min_overlap_days: i64,
}

/// Parameters of `VISA_RUN_CYCLE`: repeated short stays with quick
/// re-entries on non-work documents by a person with evidence of labour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisaRunCycle {
    /// Fewest entry → exit → re-entry cycles in one country that make a
    /// chain (default 3).
    pub min_cycles: usize,
    /// From the first cycle's exit to the last cycle's re-entry.
    pub window_days: i32,
    /// Days from an exit to the re-entry.
    pub max_reentry_gap_days: i32,
    /// Days from the entry before an exit to that exit.
    pub max_stay_days: i32,
    /// Nationalities checked (empty = everyone).
    pub nationalities: Vec<String>,
}

/// Parameters of `STAGGERED_DISPATCH`: an agency sending DPRK workers in
/// several small groups, to one client or several, on different dates
/// rather than as one conspicuous group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaggeredDispatch {
    /// Fewest batches, on distinct start dates, that make a finding.
    pub min_batches: usize,
    /// A placement at the same client starting at most this many days
    /// after the previous one belongs to the same batch (one shipment does
    /// not start on one day), unless its worker came in separately.
    pub batch_gap_days: i32,
    /// A batch continues the chain when it starts at most this many days
    /// after the latest start of the batches before it.
    pub window_days: i32,
    /// Most distinct persons in one batch (a bus load); a larger group is
    /// not a batch and does not count.
    pub max_batch_size: usize,
    /// Fewest distinct persons over all the batches together.
    pub min_total: usize,
}

/// Parameters of `TEAM_ROTATION`: one DPRK team at a client replaced by
/// another.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRotation {
    /// Fewest DPRK workers whose placements at the client end together.
    pub min_leaving: usize,
    /// The leaving workers' end dates lie within this many days of each other.
    pub leaving_window_days: i32,
    /// Fewest other DPRK workers who start at the client around those ends.
    pub min_arriving: usize,
    /// Arrivals start after the first departure and at most this many days
    /// after the last one.
    pub arrival_window_days: i32,
}

/// Parameters of `INCOME_AFTER_DEADLINE`: a DPRK national still working or
/// paid after the repatriation deadline of UNSCR 2397.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeAfterDeadline {
    /// The repatriation deadline; work or wages after this day are flagged.
    pub deadline: DateParam,
}

/// Parameters of `WORK_AUTH_AFTER_2375`: a new work authorisation issued to
/// a DPRK national after UNSCR 2375 banned them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkAuthAfter2375 {
    /// Adoption day; authorisations issued after it are flagged.
    pub adopted_on: DateParam,
}

/// Parameters of `SANCTIONED_COUNTERPARTY`: a person or organisation that
/// matches (or is linked to) an entity of the sanctions lists (`--list`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionedCounterparty {
    /// Entity score (yalu-match) at or above which a record matches.
    pub threshold: f64,
    /// Persons match only when their birth dates agree as far as known,
    /// when both sides give one.
    pub require_birth_date_agreement: bool,
    /// Candidates considered per record.
    pub limit: usize,
}

/// Parameters of `BULK_WAGE_SINGLE_PAYEE`: DPRK workers' wages paid in one
/// lump to a single payee in a month.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkWageSinglePayee {
    /// Fewest DPRK workers the payer employs or places in the month.
    pub min_workers: usize,
    /// Share (0–1) of the workers' combined monthly wages, in the payment's
    /// currency, that one payee must receive; also the share paid to the
    /// workers themselves below which they count as unpaid.
    pub min_share: f64,
    /// Payee organisations of these kinds (rent, supplies, banks, taxes)
    /// are not taken as wage collectors, unless DPRK-registered, listed, or
    /// the client or agency of a DPRK national's placement.
    pub excluded_payee_kinds: Vec<crate::records::OrgKind>,
}

/// Parameters of `AGENCY_DPRK_CONCENTRATION`: an agency whose placements
/// are largely of DPRK nationals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyDprkConcentration {
    /// Fewest distinct DPRK nationals the agency placed outside lawful
    /// legacy work (a crew).
    pub min_dprk: usize,
    /// Least share (0–1) of the agency's placements held by DPRK nationals.
    pub min_share: f64,
}

/// Parameters of `GROUP_CROSSING_TO_SITE`: DPRK nationals who enter
/// together and start at one client soon after.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCrossingToSite {
    /// Fewest DPRK nationals sharing an entry day (and country) or a
    /// `group_ref` who start at the same client.
    pub min_group: usize,
    /// A worker's placement starts at most this many days after their entry.
    pub start_within_days: i32,
}

/// Parameters of `STATUS_SWITCH_SAME_EMPLOYER`: a work authorisation
/// replaced by a non-work document while the same employer keeps the
/// person on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSwitchSameEmployer {
    /// The non-work document starts at most this many days after the work
    /// authorisation's last day.
    pub max_gap_days: i32,
}

/// Parameters of `DEADLINE_CHURN`: an exit just before the repatriation
/// deadline and a re-entry soon after it, by a person with evidence of
/// labour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineChurn {
    /// The repatriation deadline the exit and re-entry straddle.
    pub deadline: DateParam,
    /// The exit is on the deadline or at most this many days before it.
    pub exit_before_days: i32,
    /// The next entry is after the deadline and at most this many days after it.
    pub reentry_within_days: i32,
    /// Nationalities checked (empty = everyone).
    pub nationalities: Vec<String>,
}

/// Parameters of `FRONT_COMPANY_LINK`: an employer or agency of DPRK
/// workers owned, directed or represented by a DPRK national or a listed
/// party.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontCompanyLink {
    /// Relation kinds (from the owner/director/representative to the organisation).
    pub relation_kinds: Vec<crate::records::RelationKind>,
}

/// Parameters of `NATIONALITY_CONFLICT`: one resolved person carrying the
/// DPRK's and another definite nationality.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalityConflict {
    /// Also flag records linked across nationalities when neither is the
    /// DPRK's (false: only `kp` + another).
    pub any_pair: bool,
}

/// One rule as `yalu rules list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// The rule id, e.g. `VISA_RUN_CYCLE`.
    pub id: &'static str,
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its alerts.
    pub severity: Severity,
    /// What it detects, in a sentence.
    pub description: String,
    /// The resolution or reporting it rests on.
    pub source: String,
    /// Its parameters as (name, value written in TOML), by name.
    pub params: Vec<(String, String)>,
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::from_toml(DEFAULT_RULES, "default")
            .expect("the embedded default rule file is valid")
    }
}

impl RuleSet {
    /// Reads rule file text over the embedded default.
    pub fn from_toml(text: &str, origin: &str) -> Result<RuleSet, DetectError> {
        let err = |reason: String| DetectError::Rules {
            origin: origin.to_string(),
            reason,
        };
        let mut base: toml::Table =
            toml::from_str(DEFAULT_RULES).map_err(|e| err(format!("default: {e}")))?;
        let over: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        merge(&mut base, over);
        let set: RuleSet = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| err(e.to_string()))?;
        set.validate().map_err(err)?;
        Ok(set)
    }

    /// Reads a rule file from disk over the embedded default.
    pub fn load(path: &std::path::Path) -> Result<RuleSet, DetectError> {
        let text = std::fs::read_to_string(path).map_err(|e| DetectError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        RuleSet::from_toml(&text, &path.display().to_string())
    }

    fn validate(&self) -> Result<(), String> {
        let r = &self.resolution;
        if !(0.0..=1.0).contains(&r.name_threshold) {
            return Err(format!(
                "resolution.name_threshold must be within 0..1, got {}",
                r.name_threshold
            ));
        }
        if self.general.annual_revenue_per_worker_usd < 0.0 {
            return Err("general.annual_revenue_per_worker_usd must not be negative".into());
        }
        if !self.general.as_of.is_empty() {
            Day::parse(&self.general.as_of).map_err(|e| format!("general.as_of: {e}"))?;
        }
        let s = &self.rules.sanctioned_counterparty.params;
        if !(0.0..=1.0).contains(&s.threshold) {
            return Err(
                "rules.SANCTIONED_COUNTERPARTY.params.threshold must be within 0..1".into(),
            );
        }
        Ok(())
    }

    /// `as_of` when set.
    pub fn as_of(&self) -> Option<Day> {
        Day::parse(&self.general.as_of).ok()
    }

    /// The rules in catalogue order, with their parameters as written in TOML.
    pub fn catalogue(&self) -> Vec<RuleInfo> {
        crate::rules::registry::REGISTRY
            .iter()
            .map(|e| {
                let r = (e.settings)(&self.rules);
                RuleInfo {
                    id: e.id,
                    enabled: r.enabled(),
                    severity: r.severity(),
                    description: r.description().to_string(),
                    source: r.source().to_string(),
                    params: r.params(),
                }
            })
            .collect()
    }

    /// A rule's settings, by id (`None` for an id no rule has).
    pub fn rule(&self, id: &str) -> Option<&dyn RuleSettings> {
        crate::rules::registry::entry(id).map(|e| (e.settings)(&self.rules))
    }

    /// Whether a rule is enabled, by id.
    pub fn enabled(&self, id: &str) -> bool {
        self.rule(id).is_some_and(|r| r.enabled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rule_file_reads_and_lists_every_rule() {
        let set = RuleSet::default();
        let cat = set.catalogue();
        assert_eq!(cat.len(), 14);
        for r in &cat {
            assert!(!r.description.is_empty(), "{}", r.id);
            assert!(!r.source.is_empty(), "{}", r.id);
        }
        assert_eq!(set.rules.visa_run_cycle.params.max_stay_days, 45);
    }

    #[test]
    fn a_partial_file_overrides_and_a_typo_is_an_error() {
        let set =
            RuleSet::from_toml("[rules.VISA_RUN_CYCLE.params]\nmax_stay_days = 50\n", "t").unwrap();
        assert_eq!(set.rules.visa_run_cycle.params.max_stay_days, 50);
        assert_eq!(set.rules.visa_run_cycle.params.min_cycles, 3);
        let err =
            RuleSet::from_toml("[rules.VISA_RUN_CYCLE.params]\nmax_stay = 50\n", "t").unwrap_err();
        assert!(err.to_string().contains("max_stay"), "{err}");
        assert!(RuleSet::from_toml("[rules.NO_SUCH_RULE]\nenabled = true\n", "t").is_err());
        // a severity the format does not know is an error, never a default
        let err =
            RuleSet::from_toml("[rules.TEAM_ROTATION]\nseverity = \"urgent\"\n", "t").unwrap_err();
        assert!(err.to_string().contains("urgent"), "{err}");
        let set = RuleSet::from_toml("[rules.TEAM_ROTATION]\nseverity = \"low\"\n", "t").unwrap();
        assert_eq!(set.rule("TEAM_ROTATION").unwrap().severity(), Severity::Low);
        assert!(
            RuleSet::from_toml(
                "[rules.DEADLINE_CHURN.params]\ndeadline = \"2019-13-01\"\n",
                "t"
            )
            .is_err()
        );
    }
}
