//! Each rule's positive and negative edges on small hand-made data sets,
//! built from the rule definitions in the default rule file.

mod common;
use common::{Fixture, day};

const NONWORK: &str = "NONWORK_VISA_EMPLOYMENT";

#[test]
fn nonwork_visa_employment_needs_one_day_of_overlap() {
    // intern visa ends the day the placement starts: one day of overlap
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .doc("d1", "w1", "visa", "intern", "2018-01-01", "2018-03-01")
        .place("pl1", "w1", "a1", "c1", "2018-03-01", "2018-06-30");
    let a = f.alerts(NONWORK);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].period_start.unwrap().to_string(), "2018-03-01");
    assert_eq!(a[0].period_end.unwrap().to_string(), "2018-03-01");
    assert_eq!(a[0].worker_days, 1);
    assert!(
        a[0].evidence_ids.contains(&"d1".to_string())
            && a[0].evidence_ids.contains(&"pl1".to_string())
    );
    assert!(
        a[0].subject_ids.contains(&"c1".to_string())
            && a[0].subject_ids.contains(&"a1".to_string())
    );

    // the visa ends the day before: no overlap
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .doc("d1", "w1", "visa", "intern", "2018-01-01", "2018-02-28")
        .place("pl1", "w1", "a1", "c1", "2018-03-01", "2018-06-30");
    assert!(f.alerts(NONWORK).is_empty());

    // a work permit covering the same days: not "only non-work"
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .doc("d1", "w1", "visa", "intern", "2018-01-01", "2018-06-30")
        .doc(
            "d2",
            "w1",
            "work_permit",
            "work",
            "2017-01-01",
            "2018-12-31",
        )
        .place("pl1", "w1", "a1", "c1", "2018-03-01", "2018-06-30");
    assert!(f.alerts(NONWORK).is_empty());

    // the same facts for a Chinese citizen: no alert
    let mut f = Fixture::new();
    f.person("w1", "CN")
        .doc("d1", "w1", "visa", "intern", "2018-01-01", "2018-06-30")
        .place("pl1", "w1", "a1", "c1", "2018-03-01", "2018-06-30");
    assert!(f.alerts(NONWORK).is_empty());

    // an entertainer visa counts as non-work; an official one does not
    for (cat, expected) in [("entertainer", 1), ("official", 0), ("work", 0)] {
        let mut f = Fixture::new();
        f.person("w1", "KP")
            .doc("d1", "w1", "visa", cat, "2018-01-01", "2018-06-30")
            .place("pl1", "w1", "a1", "c1", "2018-03-01", "");
        assert_eq!(f.alerts(NONWORK).len(), expected, "{cat}");
    }
}

/// A worker who enters on `start`, then makes `n` cycles: exit after `stay`
/// days, re-enter `gap` days later, each re-entry on a fresh intern visa.
fn visa_runner(f: &mut Fixture, id: &str, start: &str, n: usize, stay: i32, gap: i32) {
    f.person(id, "KP");
    let mut t = 0;
    f.doc(
        &format!("{id}-v0"),
        id,
        "visa",
        "intern",
        &day(start, 0),
        &day(start, stay),
    );
    f.cross(
        &format!("{id}-e0"),
        id,
        "entry",
        &day(start, 0),
        &format!("{id}-v0"),
        "",
    );
    for k in 1..=n {
        t += stay;
        f.cross(&format!("{id}-x{k}"), id, "exit", &day(start, t), "", "");
        t += gap;
        let v = format!("{id}-v{k}");
        f.doc(
            &v,
            id,
            "visa",
            "intern",
            &day(start, t),
            &day(start, t + stay),
        );
        f.cross(&format!("{id}-e{k}"), id, "entry", &day(start, t), &v, "");
    }
}

#[test]
fn visa_run_cycle_edges() {
    let rule = "VISA_RUN_CYCLE";
    let count = |n, stay, gap| {
        let mut f = Fixture::new();
        visa_runner(&mut f, "w1", "2018-03-01", n, stay, gap);
        f.alerts(rule)
    };
    let a = count(3, 30, 30);
    assert_eq!(a.len(), 1, "re-entry on day 30 fires");
    assert!(a[0].evidence_ids.contains(&"w1-e3".to_string()));
    assert!(count(3, 30, 31).is_empty(), "re-entry on day 31 does not");
    assert_eq!(count(3, 45, 5).len(), 1, "stays of 45 days fire");
    assert!(count(3, 46, 5).is_empty(), "stays of 46 days do not");
    assert!(count(2, 30, 5).is_empty(), "two cycles are not three");
    // three cycles whose span from first exit to last re-entry is 180 vs 181 days
    // stay 40, gap g: span = 2*40 + 3*g; g = 30 -> 170; use stay 45, gap 30: 2*45+3*30 = 180
    assert_eq!(count(3, 45, 30).len(), 1, "180 days fire");
    // a long chain stays one alert
    assert_eq!(count(12, 28, 3).len(), 1);

    // a work visa at re-entry makes a cycle not count
    let mut f = Fixture::new();
    visa_runner(&mut f, "w1", "2018-03-01", 3, 30, 5);
    let mut f2 = Fixture::new();
    f2.person("w1", "KP");
    f2.doc("wv", "w1", "visa", "work", "2018-01-01", "2019-12-31");
    for (k, (x, e)) in [(30, 35), (65, 70), (100, 105)].iter().enumerate() {
        f2.cross(
            &format!("x{k}"),
            "w1",
            "exit",
            &day("2018-03-01", *x),
            "",
            "",
        );
        f2.cross(
            &format!("e{k}"),
            "w1",
            "entry",
            &day("2018-03-01", *e),
            "wv",
            "",
        );
    }
    f2.cross("e-first", "w1", "entry", "2018-03-01", "wv", "");
    assert!(f2.alerts(rule).is_empty());
    assert_eq!(f.alerts(rule).len(), 1);
}

#[test]
fn visa_run_cycle_needs_work_during_the_cycles() {
    // monthly trips on a business visa with no sponsor; the only sign of
    // work a placement that ended `until`
    let trips = |until: &str| {
        let mut f = Fixture::new();
        f.person("w1", "KP")
            .doc("b1", "w1", "visa", "business", "2020-01-01", "2021-12-31")
            .place("pl1", "w1", "a1", "c1", "2016-01-01", until)
            .cross("e0", "w1", "entry", "2020-02-01", "b1", "");
        for k in 1..=3 {
            f.cross(
                &format!("x{k}"),
                "w1",
                "exit",
                &day("2020-02-01", 40 * k - 10),
                "",
                "",
            );
            f.cross(
                &format!("e{k}"),
                "w1",
                "entry",
                &day("2020-02-01", 40 * k),
                "b1",
                "",
            );
        }
        f.alerts("VISA_RUN_CYCLE")
    };
    assert!(
        trips("2019-06-30").is_empty(),
        "work long over before the trips"
    );
    // the trips run from the first entry (2020-02-01) to the last re-entry (2020-05-11)
    assert!(trips("2020-01-31").is_empty());
    let a = trips("2020-02-01");
    assert_eq!(a.len(), 1);
    assert!(a[0].evidence_ids.contains(&"pl1".to_string()));
}

#[test]
fn visa_run_cycle_nationality_parameter() {
    let mut f = Fixture::new();
    f.person("s1", "KR");
    f.doc("s1-v", "s1", "visa", "business", "2018-01-01", "2019-12-31");
    f.cross("s1-e0", "s1", "entry", "2018-03-01", "s1-v", "");
    for (k, (x, e)) in [(30, 35), (65, 70), (100, 105)].iter().enumerate() {
        f.cross(
            &format!("s1-x{k}"),
            "s1",
            "exit",
            &day("2018-03-01", *x),
            "",
            "",
        );
        f.cross(
            &format!("s1-e{}", k + 1),
            "s1",
            "entry",
            &day("2018-03-01", *e),
            "s1-v",
            "",
        );
    }
    // a placement is the evidence of work the rule needs
    f.place("s1-pl", "s1", "", "c1", "2018-03-05", "2018-12-31");
    assert!(f.alerts("VISA_RUN_CYCLE").is_empty());
    f.rules = Some("[rules.VISA_RUN_CYCLE.params]\nnationalities = []\n".into());
    assert_eq!(f.alerts("VISA_RUN_CYCLE").len(), 1);
}

/// A DPRK national on a visa of `category` sponsored by `sponsor` who leaves
/// 10 days before the 2019-12-22 deadline and comes back 20 days after it,
/// entering first in travel group G1.
fn deadline_traveller(category: &str, sponsor: &str) -> Fixture {
    let mut f = Fixture::new();
    f.row(
        "organizations",
        common::ORGS,
        "e9,Hongda Garment,,employer,CN,,,",
    )
    .row(
        "organizations",
        common::ORGS,
        "t9,Kumsong Trading,,trading_house,CN,,,",
    )
    .row(
        "organizations",
        common::ORGS,
        "g9,Consulate General,,government,KP,,,",
    )
    .row(
        "organizations",
        common::ORGS,
        "u9,Liaoning University,,other,CN,,,",
    )
    .row(
        "organizations",
        common::ORGS,
        "b9,Bank of Dandong,,bank,CN,,,",
    );
    f.person("w1", "KP")
        .row(
            "documents",
            common::DOCUMENTS,
            &format!("d1,w1,visa,{category},CN,,{sponsor},2019-01-01,2019-01-01,2021-01-01"),
        )
        .cross("e0", "w1", "entry", "2019-06-01", "d1", "G1")
        .cross("x1", "w1", "exit", "2019-12-12", "d1", "")
        .cross("e1", "w1", "entry", "2020-01-11", "d1", "G2");
    f
}

#[test]
fn travel_rules_need_evidence_of_work() {
    let rule = "DEADLINE_CHURN";
    // no sign of work: official, student, business and tourist visas, sponsored
    // by nobody, a government body or a school
    for (cat, sponsor) in [
        ("official", "g9"),
        ("official", ""),
        ("student", "u9"),
        ("business", ""),
        ("business", "g9"),
        ("tourist", ""),
    ] {
        assert!(
            deadline_traveller(cat, sponsor).alerts(rule).is_empty(),
            "{cat} sponsored by {sponsor:?}"
        );
    }
    // work-type categories are evidence, and any category sponsored by an
    // employer or a trading house
    for (cat, sponsor) in [
        ("intern", ""),
        ("trainee", ""),
        ("technician", ""),
        ("entertainer", ""),
        ("work", ""),
        ("student", "e9"),
        ("business", "t9"),
        ("official", "t9"),
    ] {
        let a = deadline_traveller(cat, sponsor).alerts(rule);
        assert_eq!(a.len(), 1, "{cat} sponsored by {sponsor:?}");
        assert!(a[0].evidence_ids.contains(&"d1".to_string()));
        assert!(
            a[0].summary.contains("Evidence of work since the return: "),
            "{}",
            a[0].summary
        );
    }
    // wages from an employer are evidence; money from a bank is not; and
    // for churn the wages must be paid after the return
    let mut f = deadline_traveller("business", "");
    f.pay("m1", "b9", "w1", 500.0, "2020-03-01");
    assert!(f.alerts(rule).is_empty());
    f.pay("m0", "e9", "w1", 2500.0, "2019-03-01");
    assert!(f.alerts(rule).is_empty(), "wages before the exit only");
    f.pay("m2", "e9", "w1", 2500.0, "2020-03-01");
    let a = f.alerts(rule);
    assert_eq!(a.len(), 1);
    assert!(a[0].evidence_ids.contains(&"m2".to_string()));
    // a payment from the client of any placement counts as wages
    let mut f = deadline_traveller("business", "");
    f.person("w9", "CN")
        .place("pl9", "w9", "", "c1", "2018-01-01", "")
        .pay("m3", "c1", "w1", 2500.0, "2020-03-01");
    assert_eq!(f.alerts(rule).len(), 1);

    // a travel group whose member starts at a work site within 14 days
    // (the group of the return, G2; the group of the first entry, G1, was
    // before the deadline and shows no work after it)
    for (group, start, expected) in [
        ("G2", "2020-01-25", 1),
        ("G2", "2020-01-26", 0),
        ("G1", "2019-06-15", 0),
    ] {
        let mut f = deadline_traveller("business", "");
        let entered = if group == "G2" {
            "2020-01-11"
        } else {
            "2019-06-01"
        };
        f.person("w2", "KP")
            .cross("e2", "w2", "entry", entered, "", group)
            .place("pl2", "w2", "", "c1", start, "2020-09-30");
        let a: Vec<_> = f
            .alerts(rule)
            .into_iter()
            .filter(|a| a.subject_ids.contains(&"w1".to_string()))
            .collect();
        assert_eq!(a.len(), expected, "co-traveller of {group} starts {start}");
        if expected == 1 {
            assert!(a[0].evidence_ids.contains(&"e1".to_string()));
        }
    }
}

fn staggered(batches: &[(usize, &str)]) -> Vec<yalu_detect::Alert> {
    staggered_to(
        &batches
            .iter()
            .map(|&(n, d)| (n, d, "c1"))
            .collect::<Vec<_>>(),
    )
}

/// Batches of DPRK workers placed by agency a1: (size, start, client).
fn staggered_to(batches: &[(usize, &str, &str)]) -> Vec<yalu_detect::Alert> {
    let mut f = Fixture::new();
    if batches.iter().any(|b| b.2 == "c2") {
        f.org("c2", "Shenyang Second Plant");
    }
    let mut n = 0;
    for (size, start, client) in batches {
        for _ in 0..*size {
            n += 1;
            let id = format!("w{n}");
            f.person(&id, "KP");
            f.place(&format!("pl{n}"), &id, "a1", client, start, "");
        }
    }
    f.alerts("STAGGERED_DISPATCH")
}

#[test]
fn staggered_dispatch_edges() {
    let a = staggered(&[(2, "2018-03-01"), (1, "2018-04-01")]);
    assert_eq!(a.len(), 1, "2 batches, 3 people");
    assert!(a[0].subject_ids.contains(&"a1".to_string()));
    assert_eq!(a[0].workers, 3);
    assert!(
        staggered(&[(1, "2018-03-01"), (1, "2018-04-01")]).is_empty(),
        "2 people"
    );
    assert!(staggered(&[(30, "2018-03-01")]).is_empty(), "one batch");
    // one shipment to one client whose members start over a week is one batch
    assert!(
        staggered(&[(5, "2018-03-01"), (5, "2018-03-08")]).is_empty(),
        "starts 7 days apart at one client: one batch"
    );
    assert_eq!(
        staggered(&[(5, "2018-03-01"), (5, "2018-03-09")]).len(),
        1,
        "starts 8 days apart: two batches"
    );
    // groups sent to different clients are different groups, however close
    assert_eq!(
        staggered_to(&[(5, "2018-03-01", "c1"), (5, "2018-03-03", "c2")]).len(),
        1,
        "two clients, two days apart"
    );
    assert!(
        staggered_to(&[(5, "2018-03-01", "c1"), (5, "2018-03-01", "c2")]).is_empty(),
        "two clients on one day: one dispatch date"
    );
    // two buses to one client a few days apart: one group when nothing
    // says they came in apart, two when their entries do
    let buses = |second_entry: &str| {
        let mut f = Fixture::new();
        for i in 0..10 {
            let id = format!("w{i}");
            let (entry, start) = if i < 5 {
                ("2018-02-26", "2018-03-01")
            } else {
                (second_entry, "2018-03-05")
            };
            f.person(&id, "KP")
                .cross(&format!("x{i}"), &id, "entry", entry, "", "")
                .place(&format!("pl{i}"), &id, "a1", "c1", start, "");
        }
        f.alerts("STAGGERED_DISPATCH")
    };
    assert!(buses("2018-02-26").is_empty(), "one crossing, one group");
    assert_eq!(buses("2018-03-03").len(), 1, "two crossings, two groups");
    assert_eq!(
        staggered(&[(45, "2018-03-01"), (5, "2018-04-01")]).len(),
        1,
        "batch of 45"
    );
    assert!(
        staggered(&[(46, "2018-03-01"), (1, "2018-04-01"), (1, "2018-05-01")]).is_empty(),
        "batch of 46 is not a staggered batch (the other two make 2)"
    );
    assert_eq!(
        staggered(&[(5, "2018-03-01"), (5, &day("2018-03-01", 365))]).len(),
        1,
        "365 days after the previous batch"
    );
    assert!(
        staggered(&[(5, "2018-03-01"), (5, &day("2018-03-01", 366))]).is_empty(),
        "366 days"
    );
    // a chain is measured batch to batch, not from the first
    assert_eq!(
        staggered(&[(1, "2018-01-01"), (1, "2018-12-01"), (1, "2019-11-01")]).len(),
        1,
        "three batches 334 and 335 days apart"
    );
}

#[test]
fn lawful_pre_2375_permit_work_is_not_counted_by_the_group_rules() {
    // ten DPRK workers of one agency, crossing as one group, in two batches
    // at one client, on permits issued before 2017-09-11
    let lawful = |issued: &str, end: &str| {
        let mut f = Fixture::new();
        for i in 0..10 {
            let id = format!("w{i}");
            let start = if i < 5 { "2017-03-01" } else { "2017-05-01" };
            f.person(&id, "KP")
                .doc(
                    &format!("wp{i}"),
                    &id,
                    "work_permit",
                    "work",
                    issued,
                    "2019-12-31",
                )
                .cross(&format!("x{i}"), &id, "entry", &day(start, -3), "", "MIX-1")
                .place(&format!("pl{i}"), &id, "a1", "c1", start, end);
        }
        f.run().alerts
    };
    let fired = |alerts: &[yalu_detect::Alert], rule: &str| alerts.iter().any(|a| a.rule == rule);
    let group_rules = [
        "STAGGERED_DISPATCH",
        "AGENCY_DPRK_CONCENTRATION",
        "GROUP_CROSSING_TO_SITE",
    ];
    let a = lawful("2017-02-01", "2019-12-22");
    for r in group_rules {
        assert!(
            !fired(&a, r),
            "{r}: permits before 2375, ended by the deadline"
        );
    }
    // a permit issued the day after 2375: every group rule fires
    let a = lawful("2017-09-12", "2019-12-22");
    for r in group_rules {
        assert!(fired(&a, r), "{r}: permits issued after 2375");
    }
    // lawful permits, but work past the deadline
    let a = lawful("2017-02-01", "2019-12-23");
    for r in group_rules {
        assert!(fired(&a, r), "{r}: work after the deadline");
    }
    // the permit does not cover the whole placement
    let mut f = Fixture::new();
    for i in 0..5 {
        let id = format!("w{i}");
        f.person(&id, "KP")
            .doc(
                &format!("wp{i}"),
                &id,
                "work_permit",
                "work",
                "2017-02-01",
                "2017-12-31",
            )
            .cross(&format!("x{i}"), &id, "entry", "2017-02-26", "", "MIX-1")
            .place(
                &format!("pl{i}"),
                &id,
                "a1",
                "c1",
                "2017-03-01",
                "2018-01-01",
            );
    }
    assert_eq!(
        f.alerts("GROUP_CROSSING_TO_SITE").len(),
        1,
        "one day uncovered"
    );
}

fn rotation(leaving: usize, spread: i32, arriving: usize, after: i32) -> Vec<yalu_detect::Alert> {
    let mut f = Fixture::new();
    for i in 0..leaving {
        let id = format!("old{i}");
        f.person(&id, "KP");
        let end = day("2018-06-01", if i == 0 { 0 } else { spread });
        f.place(&format!("po{i}"), &id, "a1", "c1", "2016-05-01", &end);
    }
    for i in 0..arriving {
        let id = format!("new{i}");
        f.person(&id, "KP");
        f.place(
            &format!("pn{i}"),
            &id,
            "a1",
            "c1",
            &day("2018-06-01", spread + after),
            "",
        );
    }
    f.alerts("TEAM_ROTATION")
}

#[test]
fn team_rotation_edges() {
    assert_eq!(rotation(3, 14, 3, 120).len(), 1);
    assert!(rotation(3, 15, 3, 10).is_empty(), "ends 15 days apart");
    assert!(
        rotation(3, 14, 3, 121).is_empty(),
        "arrivals 121 days after"
    );
    // a handover: the new team may come in while the old one leaves
    assert_eq!(
        rotation(3, 0, 3, -14).len(),
        1,
        "arrivals 14 days before the departures"
    );
    assert!(rotation(3, 0, 3, -15).is_empty(), "15 days before");
    assert!(rotation(2, 5, 5, 10).is_empty(), "two leave");
    assert!(rotation(5, 5, 2, 10).is_empty(), "two arrive");
    let a = rotation(6, 3, 7, 20);
    assert_eq!(a[0].workers, 7);
    assert!(
        a[0].subject_ids.contains(&"old0".to_string())
            && a[0].subject_ids.contains(&"new6".to_string())
    );
}

#[test]
fn income_after_deadline_edges() {
    let rule = "INCOME_AFTER_DEADLINE";
    let with_end = |end: &str| {
        let mut f = Fixture::new();
        f.person("w1", "KP")
            .place("pl1", "w1", "a1", "c1", "2018-01-01", end);
        f.alerts(rule)
    };
    assert!(with_end("2019-12-22").is_empty(), "ends on the deadline");
    let a = with_end("2019-12-23");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].worker_days, 1);
    assert_eq!(a[0].period_start.unwrap().to_string(), "2019-12-23");
    // an open placement, data running to 2020-03-31
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .place("pl1", "w1", "a1", "c1", "2018-01-01", "")
        .person("w2", "CN")
        .place("pl2", "w2", "a1", "c1", "2018-01-01", "2020-03-31");
    let a = f.alerts(rule);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].worker_days, 100);
    // wages paid after the deadline by the employer
    let wages = |paid_on: &str| {
        let mut f = Fixture::new();
        f.person("w1", "KP")
            .place("pl1", "w1", "a1", "c1", "2018-01-01", "2019-11-30")
            .pay("pay1", "c1", "w1", 1500.0, paid_on);
        f.alerts(rule)
    };
    assert!(wages("2019-12-22").is_empty());
    let a = wages("2019-12-23");
    assert_eq!(a.len(), 1);
    assert!(a[0].evidence_ids.contains(&"pay1".to_string()));
}

#[test]
fn work_auth_after_2375_edges() {
    let rule = "WORK_AUTH_AFTER_2375";
    let issued = |on: &str, kind: &str, cat: &str, nat: &str| {
        let mut f = Fixture::new();
        f.person("w1", nat)
            .doc("d1", "w1", kind, cat, on, "2019-09-30");
        f.alerts(rule)
    };
    assert!(issued("2017-09-11", "work_permit", "", "KP").is_empty());
    assert_eq!(issued("2017-09-12", "work_permit", "", "KP").len(), 1);
    assert_eq!(issued("2017-09-12", "visa", "work", "KP").len(), 1);
    assert!(issued("2017-09-12", "visa", "intern", "KP").is_empty());
    assert!(issued("2017-09-12", "work_permit", "", "RU").is_empty());
}

#[test]
fn bulk_wage_single_payee_edges() {
    let rule = "BULK_WAGE_SINGLE_PAYEE";
    let sweep = |workers: usize, amount: f64, payee: &str| {
        let mut f = Fixture::new();
        f.org("t1", "Korea Sobaeksu Trading");
        for i in 0..workers {
            let id = format!("w{i}");
            f.person(&id, "KP");
            f.place_wage(
                &format!("pl{i}"),
                &id,
                "c1",
                "2018-01-01",
                "2018-12-31",
                2000.0,
            );
        }
        f.pay("pay1", "c1", payee, amount, "2018-05-10");
        f.alerts(rule)
    };
    let a = sweep(3, 3000.0, "t1");
    assert_eq!(a.len(), 1, "half of 3 x 2000");
    assert_eq!(a[0].period_start.unwrap().to_string(), "2018-05-01");
    assert_eq!(a[0].period_end.unwrap().to_string(), "2018-05-31");
    assert!(sweep(3, 2999.0, "t1").is_empty(), "just under half");
    assert!(sweep(2, 8000.0, "t1").is_empty(), "two workers");
    assert!(
        sweep(3, 9000.0, "w0").is_empty(),
        "paid to one of the workers"
    );
}

#[test]
fn bulk_wage_single_payee_is_not_an_agency_fee_beside_paid_wages() {
    // five DPRK workers on 2000 a month; the plant pays a trading house
    // 9000 in May, and pays the workers `each` themselves that month
    let paid_directly = |each: f64| {
        let mut f = Fixture::new();
        f.org("t1", "Korea Sobaeksu Trading");
        for i in 0..5 {
            let id = format!("w{i}");
            f.person(&id, "KP");
            f.place_wage(
                &format!("pl{i}"),
                &id,
                "c1",
                "2018-01-01",
                "2018-12-31",
                2000.0,
            );
            if each > 0.0 {
                f.pay(&format!("s{i}"), "c1", &id, each, "2018-05-10");
            }
        }
        f.pay("pay1", "c1", "t1", 9000.0, "2018-05-10");
        f.alerts("BULK_WAGE_SINGLE_PAYEE")
    };
    assert_eq!(paid_directly(0.0).len(), 1, "workers paid nothing");
    assert_eq!(paid_directly(999.0).len(), 1, "workers paid 4995 of 10000");
    assert!(
        paid_directly(1000.0).is_empty(),
        "workers paid half their wages themselves"
    );
}

#[test]
fn bulk_wage_single_payee_to_the_placing_agency_needs_no_share() {
    // four DPRK workers placed by agency a1 at plant c1 on 2000 a month;
    // in May the plant pays the agency `fee`, the plant pays each worker
    // `by_plant` and the agency pays each worker `by_agency`
    let month = |fee: f64, by_plant: f64, by_agency: f64| {
        let mut f = Fixture::new();
        for i in 0..4 {
            let id = format!("w{i}");
            f.person(&id, "KP").place(
                &format!("pl{i}"),
                &id,
                "a1",
                "c1",
                "2018-01-01",
                "2018-12-31",
            );
            if by_plant > 0.0 {
                f.pay(&format!("s{i}"), "c1", &id, by_plant, "2018-05-10");
            }
            if by_agency > 0.0 {
                f.pay(&format!("t{i}"), "a1", &id, by_agency, "2018-05-12");
            }
        }
        f.pay("fee", "c1", "a1", fee, "2018-05-10");
        f.alerts("BULK_WAGE_SINGLE_PAYEE")
    };
    let a = month(800.0, 0.0, 0.0);
    assert_eq!(
        a.len(),
        1,
        "10 % of the wages to the agency, workers unpaid"
    );
    assert!(
        a[0].summary.contains("the agency that placed them"),
        "{}",
        a[0].summary
    );
    assert_eq!(
        month(800.0, 999.0, 0.0).len(),
        1,
        "workers paid 3996 of 8000"
    );
    assert!(
        month(800.0, 1000.0, 0.0).is_empty(),
        "workers paid half by the plant"
    );
    assert!(
        month(9000.0, 0.0, 1000.0).is_empty(),
        "the agency passed half the wages on"
    );
    assert_eq!(
        month(9000.0, 0.0, 999.0).len(),
        1,
        "the agency passed on less than half"
    );
}

#[test]
fn bulk_wage_single_payee_is_not_fooled_by_rent_supplies_or_taxes() {
    let rule = "BULK_WAGE_SINGLE_PAYEE";
    let paid_to = |kind: &str, country: &str, places_workers: bool| {
        let mut f = Fixture::new();
        f.row(
            "organizations",
            common::ORGS,
            &format!("l1,Shenyang Huafu Property,,{kind},{country},,,"),
        );
        for i in 0..5 {
            let id = format!("w{i}");
            f.person(&id, "KP");
            f.place_wage(
                &format!("pl{i}"),
                &id,
                "c1",
                "2018-01-01",
                "2018-12-31",
                2000.0,
            );
        }
        if places_workers {
            f.person("w9", "KP")
                .place("pl9", "w9", "l1", "c2", "2018-01-01", "");
            f.org("c2", "Dalian Second Plant");
        }
        f.pay("pay1", "c1", "l1", 9000.0, "2018-05-10");
        f.alerts(rule)
    };
    for kind in ["other", "government", "bank"] {
        assert!(paid_to(kind, "CN", false).is_empty(), "{kind}");
        assert_eq!(
            paid_to(kind, "KP", false).len(),
            1,
            "{kind}, DPRK-registered"
        );
        assert_eq!(
            paid_to(kind, "CN", true).len(),
            1,
            "{kind}, places DPRK workers"
        );
    }
    for kind in ["trading_house", "staffing_agency", ""] {
        assert_eq!(paid_to(kind, "CN", false).len(), 1, "kind `{kind}`");
    }
}

#[test]
fn agency_concentration_edges() {
    let rule = "AGENCY_DPRK_CONCENTRATION";
    let agency = |dprk: usize, others: usize| {
        let mut f = Fixture::new();
        for i in 0..dprk {
            f.person(&format!("k{i}"), "KP").place(
                &format!("pk{i}"),
                &format!("k{i}"),
                "a1",
                "c1",
                "2018-01-01",
                "2018-06-30",
            );
        }
        for i in 0..others {
            f.person(&format!("c{i}"), "CN").place(
                &format!("pc{i}"),
                &format!("c{i}"),
                "a1",
                "c1",
                "2018-01-01",
                "2018-06-30",
            );
        }
        f.alerts(rule)
    };
    assert_eq!(agency(3, 12).len(), 1, "3 of 15 = 20 %");
    assert!(agency(3, 13).is_empty(), "3 of 16");
    assert!(agency(2, 0).is_empty(), "two");
}

#[test]
fn group_crossing_to_site_edges() {
    let rule = "GROUP_CROSSING_TO_SITE";
    let group = |n: usize, start_after: i32, same_day: bool| {
        let mut f = Fixture::new();
        for i in 0..n {
            let id = format!("w{i}");
            let cross_day = if same_day {
                "2018-03-01".to_string()
            } else {
                day("2018-03-01", i as i32)
            };
            f.person(&id, "KP")
                .cross(
                    &format!("x{i}"),
                    &id,
                    "entry",
                    &cross_day,
                    "",
                    if same_day { "" } else { "BUS-7" },
                )
                .place(
                    &format!("pl{i}"),
                    &id,
                    "a1",
                    "c1",
                    &day(&cross_day, start_after),
                    "",
                );
        }
        f.alerts(rule)
    };
    assert_eq!(group(3, 14, true).len(), 1);
    assert!(group(2, 3, true).is_empty());
    assert!(group(3, 15, true).is_empty());
    let a = group(3, 2, false);
    assert_eq!(a.len(), 1, "same group_ref, different days");
    assert!(a[0].summary.contains("BUS-7"));
}

#[test]
fn team_rotation_needs_a_new_team_outside_lawful_permits() {
    // four DPRK cooks end at c1 on 2017-06-30; four others start on
    // 2017-07-10 on work permits issued `issued`, valid to 2019-12-31,
    // their placements ending `end`
    let swap = |issued: &str, end: &str| {
        let mut f = Fixture::new();
        for i in 0..4 {
            let (old, new) = (format!("o{i}"), format!("n{i}"));
            f.person(&old, "KP")
                .doc(
                    &format!("po{i}"),
                    &old,
                    "work_permit",
                    "work",
                    "2015-01-01",
                    "2017-06-30",
                )
                .place(
                    &format!("plo{i}"),
                    &old,
                    "a1",
                    "c1",
                    "2015-01-10",
                    "2017-06-30",
                );
            f.person(&new, "KP")
                .doc(
                    &format!("pn{i}"),
                    &new,
                    "work_permit",
                    "work",
                    issued,
                    "2019-12-31",
                )
                .place(&format!("pln{i}"), &new, "a1", "c1", "2017-07-10", end);
        }
        f.alerts("TEAM_ROTATION")
    };
    assert!(
        swap("2017-07-01", "2019-12-22").is_empty(),
        "a swap on permits before 2375, ended by the deadline"
    );
    assert_eq!(
        swap("2017-07-01", "2019-12-23").len(),
        1,
        "work past the deadline"
    );
}

#[derive(Clone, Copy)]
enum KeptOn {
    /// one placement at c1 runs on
    Throughout,
    /// the c1 placement ends with the permit; a new one at c1 starts with
    /// the trainee visa
    Rehired,
    /// the c1 placement runs to 2018-04-15, then one at c2
    ElsewhereFrom0416,
}

#[test]
fn status_switch_same_employer_edges() {
    let rule = "STATUS_SWITCH_SAME_EMPLOYER";
    let switch = |gap: i32, kept: KeptOn| {
        let mut f = Fixture::new();
        f.org("c2", "Shenyang Garment Works");
        let visa_from = day("2018-03-31", gap);
        f.person("w1", "KP")
            .doc(
                "wp",
                "w1",
                "work_permit",
                "work",
                "2016-03-01",
                "2018-03-31",
            )
            .doc("iv", "w1", "visa", "trainee", &visa_from, "2019-12-31");
        match kept {
            KeptOn::Throughout => {
                f.place("pl1", "w1", "a1", "c1", "2016-03-01", "");
            }
            KeptOn::Rehired => {
                f.place("pl1", "w1", "a1", "c1", "2016-03-01", "2018-03-31")
                    .place("pl2", "w1", "a1", "c1", &visa_from, "");
            }
            KeptOn::ElsewhereFrom0416 => {
                f.place("pl1", "w1", "a1", "c1", "2016-03-01", "2018-04-15")
                    .place("pl2", "w1", "a1", "c2", "2018-04-16", "");
            }
        }
        f.alerts(rule)
    };
    assert_eq!(switch(1, KeptOn::Throughout).len(), 1);
    assert_eq!(switch(90, KeptOn::Throughout).len(), 1);
    // one placement running through: kept on without papers, however long
    assert_eq!(switch(91, KeptOn::Throughout).len(), 1);
    assert_eq!(switch(400, KeptOn::Throughout).len(), 1);
    // taken back by the same client: within the gap
    assert_eq!(switch(90, KeptOn::Rehired).len(), 1);
    assert!(switch(91, KeptOn::Rehired).is_empty());
    // new employer from 04-16... the old one still keeps them on until
    // 2018-04-15, so a trainee visa from 04-10 fires
    assert_eq!(switch(10, KeptOn::ElsewhereFrom0416).len(), 1);
    assert!(
        switch(20, KeptOn::ElsewhereFrom0416).is_empty(),
        "by 2018-04-20 only another employer keeps them"
    );
}

#[test]
fn deadline_churn_edges() {
    let rule = "DEADLINE_CHURN";
    // a worker whose placement runs until `until` ("": on), sent home and back
    let churn_until = |exit: &str, entry: &str, until: &str| {
        let mut f = Fixture::new();
        f.person("w1", "KP")
            .place("pl1", "w1", "a1", "c1", "2019-06-05", until)
            .cross("e0", "w1", "entry", "2019-06-01", "", "")
            .cross("x1", "w1", "exit", exit, "", "")
            .cross("e1", "w1", "entry", entry, "", "");
        f.alerts(rule)
    };
    let churn = |exit: &str, entry: &str| churn_until(exit, entry, "");
    // work after the return is what makes it churn: a worker whose job
    // ended before they left, and who only visits, is none
    assert!(churn_until("2019-12-10", "2020-01-10", "2019-11-01").is_empty());
    assert_eq!(
        churn_until("2019-12-10", "2020-01-10", "2020-01-10").len(),
        1
    );
    assert!(churn_until("2019-12-10", "2020-01-10", "2020-01-09").is_empty());
    assert_eq!(
        churn("2019-09-23", "2020-06-19").len(),
        1,
        "90 days before, 180 after"
    );
    assert!(
        churn("2019-09-22", "2020-01-10").is_empty(),
        "91 days before"
    );
    assert!(
        churn("2019-12-10", "2020-06-20").is_empty(),
        "181 days after"
    );
    assert!(
        churn("2019-12-10", "2019-12-22").is_empty(),
        "back before the deadline ended"
    );
    assert_eq!(churn("2019-12-22", "2019-12-23").len(), 1);
}

#[test]
fn front_company_link_edges() {
    let rule = "FRONT_COMPANY_LINK";
    let link = |owner_nat: &str, kind: &str, employs: bool| {
        let mut f = Fixture::new();
        f.person("o1", owner_nat).relation("r1", "o1", "c1", kind);
        f.person("w1", "KP");
        if employs {
            f.place("pl1", "w1", "a1", "c1", "2018-01-01", "");
        }
        f.alerts(rule)
    };
    let a = link("KP", "directs", true);
    assert_eq!(a.len(), 1);
    assert!(
        a[0].subject_ids.contains(&"o1".to_string())
            && a[0].evidence_ids.contains(&"r1".to_string())
    );
    assert_eq!(link("KP", "owns", true).len(), 1);
    assert!(link("KP", "family", true).is_empty());
    assert!(link("CN", "directs", true).is_empty());
    assert!(link("KP", "directs", false).is_empty());
    // the agency placing the worker counts too
    let mut f = Fixture::new();
    f.person("o1", "KP")
        .relation("r1", "o1", "a1", "represents");
    f.person("w1", "KP")
        .place("pl1", "w1", "a1", "c1", "2018-01-01", "");
    assert_eq!(f.alerts(rule).len(), 1);
}

#[test]
fn front_company_link_reads_as_a_sentence() {
    // Each relation kind is written from the controlled firm's side:
    // "c1 is owned by a DPRK national (o1)", never "is owns by".
    for (kind, phrase) in [
        ("owns", "is owned by a DPRK national (o1)"),
        ("directs", "is directed by a DPRK national (o1)"),
        ("represents", "is represented by a DPRK national (o1)"),
    ] {
        let mut f = Fixture::new();
        f.person("o1", "KP").relation("r1", "o1", "c1", kind);
        f.person("w1", "KP")
            .place("pl1", "w1", "a1", "c1", "2018-01-01", "");
        let a = f.alerts("FRONT_COMPANY_LINK");
        assert_eq!(a.len(), 1, "{kind}");
        assert!(a[0].summary.contains(phrase), "{kind}: {}", a[0].summary);
        assert!(
            !a[0].summary.contains(&format!("is {kind}")),
            "{}",
            a[0].summary
        );
    }
}

#[test]
fn nationality_conflict_needs_one_person_with_two_nationalities() {
    let rule = "NATIONALITY_CONFLICT";
    let mut f = Fixture::new();
    f.row(
        "persons",
        common::PERSONS,
        "k1,Ri Myong Chol,리명철,1988-02-03,M,KP,PD1234567,visa register",
    )
    .row(
        "persons",
        common::PERSONS,
        "k2,RI MYONG CHOL,,1988-02-03,M,China,PD 1234567,agency roster",
    );
    let a = f.alerts(rule);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].subject_ids, ["k1", "k2"]);
    // same passport number, unrelated name: two people, no conflict
    let mut f = Fixture::new();
    f.row(
        "persons",
        common::PERSONS,
        "k1,Ri Myong Chol,리명철,1988-02-03,M,KP,PD1234567,",
    )
    .row(
        "persons",
        common::PERSONS,
        "k2,Zhang Wei,,1988-02-03,M,CN,PD1234567,",
    );
    assert!(f.alerts(rule).is_empty());
}

#[test]
fn revenue_follows_the_rule_file() {
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .place("pl1", "w1", "a1", "c1", "2018-01-01", "2020-12-22");
    let a = f.alerts("INCOME_AFTER_DEADLINE");
    assert_eq!(a[0].worker_days, 366);
    assert_eq!(
        a[0].estimated_revenue_usd,
        (366.0f64 * 5000.0 / 365.0).round()
    );
    f.rules = Some("[general]\nannual_revenue_per_worker_usd = 3650.0\n".into());
    assert_eq!(
        f.alerts("INCOME_AFTER_DEADLINE")[0].estimated_revenue_usd,
        3660.0
    );
}

/// Lists where a listed person owns a company that is not listed itself
/// (as OpenSanctions exports carry them), under the fixture client's name.
fn lists_with_unlisted_company(owned: bool) -> yalu_links::Lists {
    use yalu_model::{Entity, Schema, prop};
    let mut owner = Entity::new("os-owner", Schema::Person);
    owner.add(prop::NAME, "Ri Su Yong");
    owner.add_dataset("os");
    owner.target = true;
    let mut company = Entity::new("os-company", Schema::Company);
    company.add(prop::NAME, "Dalian Ocean Seafood Processing");
    company.add_dataset("os");
    let mut entities = vec![owner, company];
    if owned {
        let mut own = Entity::new("os-own", Schema::Other("Ownership".into()));
        own.add("owner", "os-owner");
        own.add("asset", "os-company");
        own.add_dataset("os");
        entities.push(own);
    }
    yalu_links::Lists::build(entities)
}

#[test]
fn the_lists_network_reaches_detection() {
    let mut f = Fixture::new();
    f.person("w1", "KP")
        .place("pl1", "w1", "a1", "c1", "2018-01-01", "");
    let lists = lists_with_unlisted_company(true);
    let alerts = f.run_with(Some(&lists)).alerts;
    let of = |rule: &str| -> Vec<_> { alerts.iter().filter(|a| a.rule == rule).collect() };
    // The client matches the unlisted company, which a listed person owns.
    let counterparty = of("SANCTIONED_COUNTERPARTY");
    assert_eq!(counterparty.len(), 1, "{counterparty:?}");
    let s = &counterparty[0].summary;
    assert!(s.contains("os-company"), "{s}");
    assert!(
        s.contains("not listed itself but is owned by Ri Su Yong (os-owner)"),
        "{s}"
    );
    assert!(
        counterparty[0]
            .evidence_ids
            .contains(&"list:os-owner".to_string())
    );
    // And it employs a DPRK worker: a front company, through the same link.
    let front = of("FRONT_COMPANY_LINK");
    assert_eq!(front.len(), 1, "{front:?}");
    assert!(
        front[0].summary.contains("owned by Ri Su Yong (os-owner)"),
        "{}",
        front[0].summary
    );
    assert!(front[0].evidence_ids.contains(&"list:os-own".to_string()));
    assert!(front[0].subject_ids.contains(&"c1".to_string()));

    // Without the link, an unlisted namesake is nobody's counterparty.
    let lists = lists_with_unlisted_company(false);
    let alerts = f.run_with(Some(&lists)).alerts;
    assert!(
        alerts
            .iter()
            .all(|a| a.rule != "SANCTIONED_COUNTERPARTY" && a.rule != "FRONT_COMPANY_LINK"),
        "{alerts:?}"
    );
}
