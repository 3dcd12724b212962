//! The reader's contract on bad input, and person resolution.

mod common;
use common::*;
use yalu_detect::{DetectError, RuleSet};
use yalu_detect::{LinkReason, resolve};
use yalu_detect::{ReadOptions, read_dir};

#[test]
fn every_bad_row_is_reported_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("persons.csv"),
        "person_id,full_name,birth_date,nationality,gender,shoe_size\n\
         p1,Kim Chol,1984-13-45,KP,M,42\n\
         p2,Ri Ok,1990-01-02,Democratic People's Republic of Korea,F,37\n\
         p3,,1990,KP,F,\n\
         p4,Pak Su,1990,Atlantis,M,\n\
         p2,Ri Ok again,1990,KP,F,\n\
         p5,Jang Hyok,1971-05,DPRK,X,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("payments.jsonl"),
        "{\"payment_id\":\"y1\",\"payer_id\":\"p2\",\"payee_id\":\"p2\",\"amount\":-5,\"currency\":\"CNY\",\"paid_on\":\"2019-01-01\"}\n\
         {\"payment_id\":\"y2\",\"payer_id\":\"p2\",\"payee_id\":\"p9\",\"amount\":5,\"currency\":\"CNY\",\"paid_on\":\"2019-01-01\"}\n\
         {\"payment_id\":\"y3\",\"payer_id\":\"p2\",\"payee_id\":\"p1\",\"amount\":5,\"currency\":\"CNY\",\"paid_on\":\"2019-01-01\"}\n\
         \n\
         {\"payment_id\":\"y4\",\"payer_id\":\"p2\",\"payee_id\":\"p2\",\"amount\":\"12.5\",\"currency\":\"cny\",\"paid_on\":\"2019-01-01T10:00:00Z\",\"memo\":1}\n\
         not json\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("crossings.csv"),
        "crossing_id,person_id,direction,country,crossed_at\nx1,p2,sideways,CN,2019-01-01\nx2,p2,entry,CN,2019-01\n",
    )
    .unwrap();
    let loaded = read_dir(dir.path(), &ReadOptions::default()).unwrap();
    let got: Vec<(String, u64)> = loaded
        .rejected
        .iter()
        .map(|r| (r.file.clone(), r.line))
        .collect();
    assert_eq!(
        got,
        [
            ("persons.csv", 2),
            ("persons.csv", 4),
            ("persons.csv", 5),
            ("persons.csv", 6),
            ("persons.csv", 7),
            ("crossings.csv", 2),
            ("crossings.csv", 3),
            ("payments.jsonl", 1),
            ("payments.jsonl", 2),
            ("payments.jsonl", 3),
            ("payments.jsonl", 6),
        ]
        .map(|(f, l)| (f.to_string(), l))
    );
    let reason = |file: &str, line: u64| {
        loaded
            .rejected
            .iter()
            .find(|r| r.file == file && r.line == line)
            .unwrap()
            .reason
            .clone()
    };
    assert!(reason("persons.csv", 2).contains("1984-13-45"));
    assert!(reason("persons.csv", 4).contains("full_name"));
    assert!(reason("persons.csv", 5).contains("Atlantis"));
    assert!(reason("persons.csv", 6).contains("duplicate"));
    assert!(reason("persons.csv", 7).contains("gender"));
    assert!(reason("crossings.csv", 2).contains("sideways"));
    assert!(reason("crossings.csv", 3).contains("full date"));
    assert!(reason("payments.jsonl", 1).contains("negative"));
    assert!(reason("payments.jsonl", 2).contains("p9"));
    assert!(
        reason("payments.jsonl", 3).contains("rejected"),
        "{}",
        reason("payments.jsonl", 3)
    );
    let data = &loaded.data;
    assert_eq!(data.persons.len(), 1);
    assert_eq!(data.persons[0].nationality, Some("kp"));
    assert_eq!(data.payments.len(), 1);
    assert_eq!(data.payments[0].amount, 12.5);
    assert_eq!(data.payments[0].currency, "CNY");
    // every row is either kept or reported
    for f in &loaded.files {
        let rejected = loaded.rejected.iter().filter(|r| r.file == f.file).count() as u64;
        assert_eq!(f.accepted + rejected, f.rows, "{}", f.file);
    }

    let err = read_dir(dir.path(), &ReadOptions { strict: true }).unwrap_err();
    match err {
        DetectError::Rejected(r) => assert_eq!((r.file.as_str(), r.line), ("persons.csv", 2)),
        other => panic!("{other}"),
    }
}

#[test]
fn bad_rows_name_their_line_after_crlf_line_ends_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    // line 1 header, 2 p1, 3 p2 (no name), 4 blank, 5 p3 (bad month),
    // 6-7 blank, 8 p4 (a field too many)
    std::fs::write(
        dir.path().join("persons.csv"),
        "person_id,full_name,birth_date,nationality\r\n\
         p1,Kim Chol Su,1990-04-02,KP\r\n\
         p2,,1990-04-02,KP\r\n\
         \r\n\
         p3,Ri,1990-13-02,KP\r\n\
         \n\r\n\
         p4,Pak,1990,KP,extra\r\n",
    )
    .unwrap();
    let loaded = read_dir(dir.path(), &ReadOptions::default()).unwrap();
    let lines: Vec<u64> = loaded.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 5, 8], "{:?}", loaded.rejected);
}

#[test]
fn a_missing_required_column_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("persons.csv"), "person_id,name\np1,Kim\n").unwrap();
    let err = read_dir(dir.path(), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("persons.csv") && err.contains("full_name"),
        "{err}"
    );
    assert!(read_dir(&dir.path().join("nope"), &ReadOptions::default()).is_err());
}

fn persons(rows: &[&str]) -> yalu_detect::records::DataSet {
    let mut f = Fixture::default();
    for r in rows {
        f.row("persons", PERSONS, r);
    }
    let dir = tempfile::tempdir().unwrap();
    f.write(dir.path());
    let loaded = read_dir(dir.path(), &ReadOptions::default()).unwrap();
    assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);
    loaded.data
}

#[test]
fn resolution_policy() {
    let policy = RuleSet::default().resolution;
    // same birth date + nationality, name variants, different passports: one person
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,745123456,visa",
        "b,KIM CHEOL-SU,,1990-04-02,M,KP,836000001,roster",
        "c,김철수,金哲洙,1990-04-02,M,KP,,border",
    ]);
    let r = resolve(&data, &policy);
    assert_eq!(r.persons.len(), 1);
    assert_eq!(r.persons[0].record_ids, ["a", "b", "c"]);
    assert!(r.links.iter().all(|l| l.2 == LinkReason::BirthDateAndName));

    // different full birth dates keep records apart, even with the same passport
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,745123456,",
        "b,Kim Chol Su,,1990-04-03,M,KP,745123456,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);

    // same passport + same nationality, names written differently: one person
    let data = persons(&[
        "a,Kim Chol Su,,1990,M,KP,745123456,",
        "b,Jang Song Thaek,,,M,KP,745-123-456,",
    ]);
    let r = resolve(&data, &policy);
    assert_eq!(r.persons.len(), 1);
    assert_eq!(r.links[0].2, LinkReason::Passport);

    // a different given name with the same birth date and nationality: apart
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,,",
        "b,Kim Chol Min,,1990-04-02,M,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);

    // a Chinese ethnic Korean namesake born the same day: apart
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,745123456,",
        "b,Kim Chol Su,,1990-04-02,M,CN,G12345678,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);

    // a link through a record without a birth date may not join two birth dates
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,745123456,",
        "b,Kim Chol Su,,,M,KP,745123456,",
        "c,Kim Chol Su,,1991-07-07,M,KP,745123456,",
    ]);
    let r = resolve(&data, &policy);
    assert_eq!(r.persons.len(), 2);
    assert_eq!(r.refused, 1);

    // the threshold is configurable
    let mut strict = policy.clone();
    strict.name_threshold = 1.0;
    let data = persons(&[
        "a,Kim Chol Su,,1990-04-02,M,KP,,",
        "b,Kim Cheol-soo,,1990-04-02,M,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 1);
    assert_eq!(resolve(&data, &strict).persons.len(), 2);
}

#[test]
fn duplicate_ids_are_rejected_in_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("persons.csv"),
        "person_id,full_name\np1,Kim\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("crossings.csv"),
        "crossing_id,person_id,direction,country,crossed_at\n\
         x1,p1,entry,CN,2019-01-01\nx2,p1,exit,CN,2019-01-05\nx1,p1,exit,CN,2019-02-01\nx1,p1,exit,CN,2019-03-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("crossings.jsonl"),
        "{\"crossing_id\":\"x2\",\"person_id\":\"p1\",\"direction\":\"entry\",\"country\":\"CN\",\"crossed_at\":\"2019-04-01\"}\n",
    )
    .unwrap();
    let loaded = read_dir(dir.path(), &ReadOptions::default()).unwrap();
    let got: Vec<(&str, u64)> = loaded
        .rejected
        .iter()
        .map(|r| (r.file.as_str(), r.line))
        .collect();
    assert_eq!(
        got,
        [
            ("crossings.csv", 4),
            ("crossings.csv", 5),
            ("crossings.jsonl", 1)
        ]
    );
    assert!(
        loaded.rejected[0].reason.contains("crossings.csv line 2"),
        "{}",
        loaded.rejected[0].reason
    );
    assert!(
        loaded.rejected[2].reason.contains("line 3"),
        "{}",
        loaded.rejected[2].reason
    );
    assert_eq!(loaded.data.crossings.len(), 2);
    assert_eq!(loaded.data.crossings[1].id, "x2");
    let csv = loaded
        .files
        .iter()
        .find(|f| f.file == "crossings.csv")
        .unwrap();
    assert_eq!((csv.rows, csv.accepted), (4, 2));
    let err = read_dir(dir.path(), &ReadOptions { strict: true }).unwrap_err();
    assert!(err.to_string().contains("crossings.csv line 4"), "{err}");
}

#[test]
fn swapped_hangul_syllables_or_genders_keep_records_apart() {
    let policy = RuleSet::default().resolution;
    let data = persons(&[
        "a,O Sun Dok,오순덕,1999-07-14,F,KP,,",
        "b,O Dok Sun,오덕순,1999-07-14,F,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);
    let data = persons(&[
        "a,Jo Ae Il,,1984-09-22,F,KP,,",
        "b,Jo Ae Il,,1984-09-22,M,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);
    // the same Hangul with another romanisation, and an unknown gender: one person
    let data = persons(&[
        "a,O Sun Dok,오순덕,1999-07-14,F,KP,,",
        "b,OH SOON-DEOK,오 순덕,1999-07-14,,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 1);
    let mut loose = policy.clone();
    loose.hangul_must_agree = false;
    // The matcher alone keeps swapped given-name syllables apart too.
    let data = persons(&[
        "a,O Sun Dok,오순덕,1999-07-14,F,KP,,",
        "b,O Dok Sun,오덕순,1999-07-14,F,KP,,",
    ]);
    assert_eq!(resolve(&data, &loose).persons.len(), 2);
    // One romanisation over two different Hangul names: only the Hangul
    // check keeps them apart.
    let data = persons(&[
        "a,O Sun Dok,오순덕,1999-07-14,F,KP,,",
        "b,O Sun Dok,오순득,1999-07-14,F,KP,,",
    ]);
    assert_eq!(resolve(&data, &policy).persons.len(), 2);
    assert_eq!(
        resolve(&data, &loose).persons.len(),
        1,
        "the matcher alone joins them"
    );
}

#[test]
fn a_bare_korea_is_read_as_either_korea_and_is_no_dprk_nationality() {
    use yalu_detect::records::KOREA_UNSPECIFIED;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("persons.csv"),
        "person_id,full_name,birth_date,nationality,passport_number\n\
         k1,Kim Chol Su,1984-03-02,Korea,M123\n\
         k2,Lee Young-hee,1990-01-02, KOREAN ,M456\n\
         k3,Kim Chol Su,1984-03-02,KP,M123\n\
         k4,Pak Su,1990,Koreas,M789\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("documents.csv"),
        "document_id,person_id,kind,category,valid_from,valid_until\n\
         d1,k2,visa,intern,2018-01-01,2018-12-31\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("placements.csv"),
        "placement_id,person_id,client_org_id,start_on,end_on\n\
         pl1,k2,c1,2018-02-01,2018-06-30\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("organizations.csv"),
        "org_id,name\nc1,Dalian Ocean Seafood\n",
    )
    .unwrap();
    let loaded = read_dir(dir.path(), &ReadOptions::default()).unwrap();
    // "Koreas" is not a name of anything: rejected with the field named
    assert_eq!(loaded.rejected.len(), 1, "{:?}", loaded.rejected);
    assert_eq!(loaded.rejected[0].line, 5);
    assert!(loaded.rejected[0].reason.contains("nationality"));
    let nat = |id: &str| {
        loaded
            .data
            .persons
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .nationality
    };
    assert_eq!(nat("k1"), Some(KOREA_UNSPECIFIED));
    assert_eq!(nat("k2"), Some(KOREA_UNSPECIFIED));
    assert_eq!(nat("k3"), Some("kp"));
    let out = yalu_detect::run(
        dir.path(),
        None,
        &RuleSet::default(),
        &ReadOptions::default(),
    )
    .unwrap();
    // k1 and k3 share a passport and a name: one person, kp and "Korea",
    // which is no conflict of nationalities
    let joined = out
        .resolution
        .persons
        .iter()
        .find(|p| p.record_ids.contains(&"k1".to_string()))
        .unwrap();
    assert!(joined.record_ids.contains(&"k3".to_string()));
    // nobody is alerted: k2 is on an intern visa at a plant, but is not
    // known to be a DPRK national; k1+k3 carry no second definite nationality
    assert!(out.alerts.is_empty(), "{:?}", out.alerts);
}
