//! `explain`: each rule's conditions measured on one person or organisation.

mod common;
use common::{Fixture, day};
use yalu_detect::{DetectError, Explanation, RuleSet, explain_in};
use yalu_detect::{ReadOptions, read_dir};

fn explain(f: &Fixture, id: &str) -> Result<Explanation, DetectError> {
    let dir = tempfile::tempdir().unwrap();
    f.write(dir.path());
    let data = read_dir(dir.path(), &ReadOptions::default()).unwrap().data;
    let set = match &f.rules {
        Some(t) => RuleSet::from_toml(t, "test").unwrap(),
        None => RuleSet::default(),
    };
    explain_in(&data, None, &set, id)
}

fn rule<'a>(e: &'a Explanation, id: &str) -> &'a yalu_detect::RuleExplanation {
    e.rules.iter().find(|r| r.rule == id).unwrap()
}

fn failed(r: &yalu_detect::RuleExplanation) -> Vec<&str> {
    r.conditions
        .iter()
        .filter(|c| !c.held)
        .map(|c| c.text.as_str())
        .collect()
}

/// A worker with an intern visa renewed at each of three cycles of `stay`
/// days in China and `gap` days away.
fn runner(stay: i32, gap: i32) -> Fixture {
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .place("pl1", "w1", "a1", "c1", "2018-03-01", "2018-12-31");
    let start = "2018-03-01";
    let mut t = 0;
    for k in 0..=3 {
        let v = format!("v{k}");
        f.doc(
            &v,
            "w1",
            "visa",
            "intern",
            &day(start, t),
            &day(start, t + stay),
        );
        f.cross(&format!("e{k}"), "w1", "entry", &day(start, t), &v, "");
        if k < 3 {
            f.cross(
                &format!("x{k}"),
                "w1",
                "exit",
                &day(start, t + stay),
                "",
                "",
            );
        }
        t += stay + gap;
    }
    f
}

#[test]
fn a_stay_one_day_too_long_is_named_with_its_length_and_limit() {
    let why = explain(&runner(46, 5), "w1").unwrap();
    assert_eq!(why.kind, "person");
    let r = rule(&why, "VISA_RUN_CYCLE");
    assert!(!r.fired);
    let failures = failed(r);
    assert!(
        failures.iter().any(|t| t.contains("stay of 46 > 45 days")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|t| t.starts_with("most qualifying cycles within 180 days: 0 < 3")),
        "{failures:?}"
    );
    // the evidence of work held: the placement and the intern visas
    assert!(
        r.conditions
            .iter()
            .any(|c| c.held && c.text.contains("placement pl1"))
    );

    // 45 days: the rule fires, the explanation names the alert, all held
    let why = explain(&runner(45, 5), "w1").unwrap();
    let r = rule(&why, "VISA_RUN_CYCLE");
    assert!(r.fired);
    assert_eq!(r.alert_ids.len(), 1);
    let none_failed = failed(r);
    assert!(none_failed.is_empty(), "{none_failed:?}");
    // the placement overlaps the intern visas: NONWORK_VISA_EMPLOYMENT
    assert!(rule(&why, "NONWORK_VISA_EMPLOYMENT").fired);
    // organisation rules say they are about organisations
    let staggered = rule(&why, "STAGGERED_DISPATCH");
    assert!(!staggered.fired);
    assert!(staggered.conditions[0].text.contains("about organisations"));
    assert!(
        staggered.conditions[0].info && staggered.conditions[0].label() == "info",
        "a note, not a failed condition"
    );
    assert!(
        failed(staggered).is_empty(),
        "notes are never counted as failures"
    );
}

#[test]
fn a_rule_file_limit_changes_the_measure_it_is_held_against() {
    let mut f = runner(46, 5);
    f.rules = Some("[rules.VISA_RUN_CYCLE.params]\nmax_stay_days = 50\n".into());
    let why = explain(&f, "w1").unwrap();
    let r = rule(&why, "VISA_RUN_CYCLE");
    assert!(r.fired);
    assert!(
        r.conditions
            .iter()
            .any(|c| c.held && c.text.contains("46 ≤ 50"))
    );
}

#[test]
fn an_agency_short_of_the_count_is_told_by_how_much() {
    let mut f = Fixture::new();
    for k in 0..2 {
        let w = format!("w{k}");
        f.person(&w, "KP").place(
            &format!("pl{k}"),
            &w,
            "a1",
            "c1",
            "2018-01-01",
            "2018-12-31",
        );
    }
    let why = explain(&f, "a1").unwrap();
    assert_eq!(why.kind, "organization");
    let r = rule(&why, "AGENCY_DPRK_CONCENTRATION");
    assert!(!r.fired);
    assert!(
        failed(r).contains(&"DPRK nationals placed outside lawful pre-2375 permits: 2 < 3"),
        "{:?}",
        r.conditions
    );
    assert!(
        r.conditions
            .iter()
            .any(|c| c.held && c.text.contains("100.0 % ≥ 20.0 %"))
    );
    // one more worker and it fires
    f.person("w2", "KP")
        .place("pl2", "w2", "a1", "c1", "2018-01-01", "2018-12-31");
    assert!(rule(&explain(&f, "a1").unwrap(), "AGENCY_DPRK_CONCENTRATION").fired);
    // a person rule explained on an organisation
    let r = rule(&why, "DEADLINE_CHURN");
    assert!(r.conditions[0].text.contains("about persons"));
}

#[test]
fn deadline_churn_explains_the_window_and_the_missing_evidence() {
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .doc("d1", "w1", "visa", "official", "2019-01-01", "2021-01-01")
        .cross("e0", "w1", "entry", "2019-06-01", "d1", "")
        .cross("x1", "w1", "exit", "2019-09-21", "d1", "")
        .cross("e1", "w1", "entry", "2020-01-05", "d1", "");
    let why = explain(&f, "w1").unwrap();
    let r = rule(&why, "DEADLINE_CHURN");
    assert!(!r.fired);
    let failures = failed(r);
    assert!(
        failures
            .iter()
            .any(|t| t.contains("92 days before 2019-12-22 (92 > 90)")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|t| t.starts_with("evidence of work: no evidence"))
    );
}

#[test]
fn an_unknown_id_is_an_error_naming_it() {
    let f = runner(30, 5);
    let err = explain(&f, "nobody").unwrap_err();
    assert!(err.to_string().contains("\"nobody\""), "{err}");
}

#[test]
fn bulk_wages_are_explained_with_what_the_workers_were_paid_themselves() {
    let mut f = Fixture::new();
    f.org("t1", "Korea Sobaeksu Trading");
    for i in 0..2 {
        let id = format!("w{i}");
        f.person(&id, "KP")
            .place(&format!("pl{i}"), &id, "", "c1", "2018-01-01", "2018-12-31");
    }
    f.pay("pay1", "c1", "t1", 7000.0, "2018-05-10");
    let why = explain(&f, "c1").unwrap();
    let r = rule(&why, "BULK_WAGE_SINGLE_PAYEE");
    assert!(!r.fired);
    assert_eq!(
        failed(r),
        ["DPRK workers employed that month: 2 < 3"],
        "{:?}",
        r.conditions
    );
    assert!(
        r.conditions.iter().any(|c| c.held
            && c.text
                == "paid to those workers themselves that month: 0, 0 % < 50 % of their wages"),
        "{:?}",
        r.conditions
    );
}
