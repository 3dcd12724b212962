//! The rule registry: every detection rule declared once.
//!
//! One line per rule names its id (the alert's `rule` and the rule file's
//! `[rules.ID]` table), the field of [`Rules`] that holds its settings and
//! the type of its parameters, the function that runs it and the one that
//! explains it on a person or an organisation. From that line the macro
//! below makes the rule file's `Rules` table (so the TOML key, the field
//! and the parameter type cannot disagree), the catalogue order
//! ([`RULE_IDS`]) and the table [`detect`](super::detect) and
//! [`explain_rule`](super::explain_rule) walk.
//!
//! Adding a rule: its parameter type (in `ruleset.rs`, the rule file's
//! format), its run and explain functions (in the module of its kind:
//! `persons.rs`, `orgs.rs`, `lists.rs` and `explain.rs`), one line here, and
//! its table in `rules/default.toml`. `CONTRIBUTING.md` lists the tests that
//! catch a missed step.

use super::explain::{self as ex, Subject};
use super::{Context, lists, orgs, persons};
use crate::alert::Finding;
use crate::explain::Condition;
use crate::records::OrgIx;
use crate::ruleset::*;
use serde::{Deserialize, Serialize};

/// What a rule's explanation is about, and the function that gives it.
#[derive(Clone, Copy)]
pub(crate) enum Explain {
    /// A rule about persons: explained on a resolved person.
    Persons(fn(&Context, usize) -> Vec<Condition>),
    /// A rule about organisations (and their groups of workers).
    Orgs(fn(&Context, OrgIx) -> Vec<Condition>),
    /// A rule about any party.
    Any(fn(&Context, Subject) -> Vec<Condition>),
}

/// One registered rule.
pub(crate) struct RuleEntry {
    /// The rule's id.
    pub id: &'static str,
    /// Its settings in a rule set.
    pub settings: fn(&Rules) -> &dyn RuleSettings,
    /// Runs it.
    pub run: fn(&Context) -> Vec<Finding>,
    /// Explains it on one subject.
    pub explain: Explain,
}

macro_rules! registry {
    ($( $id:literal $field:ident: $params:ident, run $run:path, explain $about:ident($explain:path); )+) => {
        /// Every rule's settings, as the rule file's `[rules.ID]` tables.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Rules {
            $(
                #[doc = concat!("`[rules.", $id, "]`.")]
                #[serde(rename = $id)]
                pub $field: Rule<$params>,
            )+
        }

        const COUNT: usize = [$($id),+].len();

        /// Rule ids, in catalogue order.
        pub const RULE_IDS: [&str; COUNT] = [$($id),+];

        /// The registered rules, in catalogue order.
        pub(crate) static REGISTRY: [RuleEntry; COUNT] = [$(
            RuleEntry {
                id: $id,
                settings: |r: &Rules| &r.$field,
                run: $run,
                explain: Explain::$about($explain),
            },
        )+];
    };
}

registry! {
    "NONWORK_VISA_EMPLOYMENT" nonwork_visa_employment: NonworkVisaEmployment,
        run persons::nonwork_visa_employment, explain Persons(ex::nonwork);
    "VISA_RUN_CYCLE" visa_run_cycle: VisaRunCycle,
        run persons::visa_run_cycle, explain Persons(ex::visa_run);
    "STAGGERED_DISPATCH" staggered_dispatch: StaggeredDispatch,
        run orgs::staggered_dispatch, explain Orgs(ex::staggered);
    "TEAM_ROTATION" team_rotation: TeamRotation,
        run orgs::team_rotation, explain Orgs(ex::rotation);
    "INCOME_AFTER_DEADLINE" income_after_deadline: IncomeAfterDeadline,
        run persons::income_after_deadline, explain Persons(ex::income_after);
    "WORK_AUTH_AFTER_2375" work_auth_after_2375: WorkAuthAfter2375,
        run persons::work_auth_after_2375, explain Persons(ex::work_auth);
    "SANCTIONED_COUNTERPARTY" sanctioned_counterparty: SanctionedCounterparty,
        run lists::sanctioned_counterparty, explain Any(ex::sanctioned);
    "BULK_WAGE_SINGLE_PAYEE" bulk_wage_single_payee: BulkWageSinglePayee,
        run orgs::bulk_wage_single_payee, explain Orgs(ex::bulk_wage);
    "AGENCY_DPRK_CONCENTRATION" agency_dprk_concentration: AgencyDprkConcentration,
        run orgs::agency_dprk_concentration, explain Orgs(ex::concentration);
    "GROUP_CROSSING_TO_SITE" group_crossing_to_site: GroupCrossingToSite,
        run orgs::group_crossing_to_site, explain Orgs(ex::group_to_site);
    "STATUS_SWITCH_SAME_EMPLOYER" status_switch_same_employer: StatusSwitchSameEmployer,
        run persons::status_switch_same_employer, explain Persons(ex::status_switch);
    "DEADLINE_CHURN" deadline_churn: DeadlineChurn,
        run persons::deadline_churn, explain Persons(ex::deadline_churn);
    "FRONT_COMPANY_LINK" front_company_link: FrontCompanyLink,
        run orgs::front_company_link, explain Orgs(ex::front_company);
    "NATIONALITY_CONFLICT" nationality_conflict: NationalityConflict,
        run persons::nationality_conflict, explain Persons(ex::nationality_conflict);
}

/// The registered rule with this id.
pub(crate) fn entry(id: &str) -> Option<&'static RuleEntry> {
    REGISTRY.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_each_entry_reads_its_own_table() {
        let mut ids = RULE_IDS.to_vec();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULE_IDS.len());
        // each entry's settings are the table named by its id: switch one
        // rule off in TOML and only that entry reads it as off
        for id in RULE_IDS {
            let set = RuleSet::from_toml(&format!("[rules.{id}]\nenabled = false\n"), "t").unwrap();
            for e in &REGISTRY {
                assert_eq!(
                    (e.settings)(&set.rules).enabled(),
                    e.id != id,
                    "{id} {}",
                    e.id
                );
            }
        }
    }
}
