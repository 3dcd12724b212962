//! Lawful DPRK travellers (hand-made data set `tests/data/lawful_travellers`):
//! 15 consular staff on official visas and 15 students on winter break who
//! leave in December 2019 and come back in January or February 2020, and
//! 14 trade representatives on business visas making short monthly trips.
//! None shows any sign of work, so no rule may raise a medium-or-higher
//! alert on them; the same people given one sign of work each, running
//! through their travel, are alerted, and given one that ended years
//! before it, are not.

use std::path::{Path, PathBuf};
use yalu_detect::{ReadOptions, read_dir};
use yalu_detect::{RuleSet, Severity, explain_in, run};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lawful_travellers")
}

fn person_ids(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("persons.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

/// Every rule with the default rule file, in strict mode.
fn detect(dir: &Path) -> yalu_detect::Outcome {
    run(
        dir,
        None,
        &RuleSet::default(),
        &ReadOptions { strict: true },
    )
    .unwrap()
}

/// The alerts of medium severity or higher, one line each.
fn loud(out: &yalu_detect::Outcome) -> Vec<String> {
    out.alerts
        .iter()
        .filter(|a| a.severity >= Severity::Medium)
        .map(|a| format!("{} {:?}: {}", a.rule, a.subject_ids, a.summary))
        .collect()
}

#[test]
fn lawful_travellers_raise_no_medium_or_higher_alert() {
    let out = detect(&fixture());
    assert_eq!(out.resolution.persons.len(), 44);
    let loud = loud(&out);
    assert!(loud.is_empty(), "{loud:#?}");

    // The travel itself sits inside the windows of the rules: what is
    // missing is the evidence of work, and the explanation says so.
    let data = read_dir(&fixture(), &ReadOptions::default()).unwrap().data;
    let set = RuleSet::default();
    let mut only_evidence_missing = 0;
    for id in person_ids(&fixture()) {
        let why = explain_in(&data, None, &set, &id).unwrap();
        assert!(
            why.labour_evidence
                .as_deref()
                .unwrap()
                .starts_with("no evidence of work"),
            "{id}"
        );
        let fits = why.rules.iter().any(|r| {
            let held = |prefix: &str| {
                r.conditions
                    .iter()
                    .any(|c| c.held && c.text.starts_with(prefix))
            };
            let window = match r.rule {
                // one exit and re-entry pair inside the deadline windows
                "DEADLINE_CHURN" => r
                    .conditions
                    .iter()
                    .any(|c| c.held && c.text.contains("days before 2019-12-22")),
                "VISA_RUN_CYCLE" => held("most qualifying cycles"),
                _ => false,
            };
            assert!(!r.fired || r.severity < Severity::Medium, "{id} {}", r.rule);
            window
                && held("nationality")
                && r.conditions
                    .iter()
                    .any(|c| !c.held && c.text.starts_with("evidence of work"))
        });
        only_evidence_missing += usize::from(fits);
    }
    assert!(
        only_evidence_missing >= 40,
        "only {only_evidence_missing} travellers fit a rule's windows"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn append(path: &Path, text: &str) {
    let mut all = std::fs::read_to_string(path).unwrap_or_default();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

/// The fixture with one sign of work per traveller, each over `from` to
/// `until`: a placement, a student visa sponsored by a trading house, or a
/// trainee permit. Returns the folder, the person ids and each one's sign.
fn with_work(from: &str, until: &str) -> (tempfile::TempDir, Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    append(
        &dir.path().join("organizations.csv"),
        "e1,Dandong Hongda Garment Co.,,employer,CN,Dandong\n\
         a1,Dandong Kumsong Trading Co.,,trading_house,CN,Dandong\n",
    );
    let ids = person_ids(dir.path());
    let mut placements = String::from(
        "placement_id,person_id,agency_org_id,client_org_id,site,sector,role,start_on,end_on,wage_amount,wage_currency\n",
    );
    let mut docs = String::new();
    let mut evidence = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        match k % 3 {
            0 => placements.push_str(&format!(
                "w{k},{id},,e1,Dandong,textile,,{from},{until},2000,CNY\n"
            )),
            1 => docs.push_str(&format!(
                "w{k},{id},visa,student,CN,,a1,{from},{from},{until}\n"
            )),
            _ => docs.push_str(&format!(
                "w{k},{id},residence_permit,trainee,CN,,,{from},{from},{until}\n"
            )),
        }
        evidence.push(format!("w{k}"));
    }
    std::fs::write(dir.path().join("placements.csv"), placements).unwrap();
    append(&dir.path().join("documents.csv"), &docs);
    (dir, ids, evidence)
}

#[test]
fn the_same_travellers_with_evidence_of_work_are_alerted() {
    // work that runs through the travel: a job, a sponsored visa or a
    // trainee permit from 2018 to 2021
    let (dir, ids, evidence) = with_work("2018-01-01", "2021-12-31");
    let out = detect(dir.path());
    for (id, ev) in ids.iter().zip(&evidence) {
        let hit = out.alerts.iter().find(|a| {
            (a.rule == "DEADLINE_CHURN" || a.rule == "VISA_RUN_CYCLE")
                && a.severity >= Severity::Medium
                && a.subject_ids.contains(id)
        });
        let Some(a) = hit else {
            panic!("{id} not alerted");
        };
        assert!(a.evidence_ids.contains(ev), "{id}: {:?}", a.evidence_ids);
        assert!(a.summary.contains("Evidence of work "), "{}", a.summary);
    }
}

#[test]
fn work_long_over_before_the_travel_is_no_evidence_for_it() {
    // the same signs of work, all ended in 2015, before any of their
    // visas: people who once worked and later travel (former workers
    // visiting, officials who were once trainees) are not read as working
    // in their travel
    let (dir, ids, evidence) = with_work("2014-01-01", "2015-06-30");
    let out = detect(dir.path());
    let loud = loud(&out);
    assert!(loud.is_empty(), "{loud:#?}");
    // the explanation finds the old sign, and says it is not in the travel
    let data = read_dir(dir.path(), &ReadOptions::default()).unwrap().data;
    let set = RuleSet::default();
    let mut dated_out = 0;
    for (id, ev) in ids.iter().zip(&evidence) {
        let why = explain_in(&data, None, &set, id).unwrap();
        assert!(
            why.labour_evidence
                .as_deref()
                .unwrap()
                .contains(ev.as_str()),
            "{id}"
        );
        let failed = why.rules.iter().any(|r| {
            r.conditions.iter().any(|c| {
                !c.held
                    && (c.text.starts_with("evidence of work since the re-entry")
                        || c.text.starts_with("evidence of work during the cycles"))
            })
        });
        dated_out += usize::from(failed);
    }
    assert!(dated_out >= 40, "only {dated_out} travellers explained");
}
