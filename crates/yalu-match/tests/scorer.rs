//! Behaviour of the entity scorer on hand-made cases that pin down each
//! feature.

use yalu_match::{MatchConfig, score_entities};
use yalu_model::{Entity, Schema, prop};

fn person(name: &str, props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new(format!("p-{name}"), Schema::Person);
    e.add(prop::NAME, name);
    for (p, v) in props {
        e.add(p, v);
    }
    e
}

fn score(a: &Entity, b: &Entity) -> f64 {
    score_entities(a, b, &MatchConfig::default()).score
}

#[test]
fn korean_spellings_meet() {
    let listed = person("KIM, Jong Un", &[]);
    for q in [
        "Kim Jong Un",
        "김정은",
        "金正恩",
        "Kim Jong-un",
        "Kim Jongun",
        "Jong Un KIM",
        "Gim Jeong-eun",
    ] {
        let s = score(&person(q, &[]), &listed);
        assert!(s >= 0.85, "{q}: {s}");
    }
}

#[test]
fn one_syllable_is_another_person() {
    let s = score(&person("Kim Jong Il", &[]), &person("Kim Jong Un", &[]));
    assert!(s < 0.70, "{s}");
}

#[test]
fn birth_dates_tell_homonyms_apart() {
    let a = person("KIM Yong Chol", &[(prop::BIRTH_DATE, "1947")]);
    let b = person("KIM Yong Chol", &[(prop::BIRTH_DATE, "1962")]);
    let s = score_entities(&a, &b, &MatchConfig::default());
    assert!(s.score < 0.70, "{}", s.score);
    assert!(s.explanations["birth_date"].contribution < 0.0);
    let same = person("KIM Yong Chol", &[(prop::BIRTH_DATE, "1947-03-05")]);
    assert!(score(&a, &same) >= 0.95);
}

#[test]
fn a_person_never_matches_a_vessel() {
    let mut ship = Entity::new("v", Schema::Vessel);
    ship.add(prop::NAME, "KIM JONG UN");
    let s = score_entities(&person("Kim Jong Un", &[]), &ship, &MatchConfig::default());
    assert_eq!(s.score, 0.0);
    assert!(s.explanations.contains_key("schema"));
}

#[test]
fn identifier_hit_lifts_the_score() {
    let a = person("Ri Chol Nam", &[(prop::PASSPORT_NUMBER, "745-320-118")]);
    let b = person("Li Zhenan", &[(prop::PASSPORT_NUMBER, "745320118")]);
    let s = score_entities(&a, &b, &MatchConfig::default());
    assert!(s.score >= 0.90, "{}", s.score);
    assert_eq!(
        s.explanations["identifier"].candidate.as_deref(),
        Some("745320118")
    );
}

#[test]
fn nationality_conflict_lowers_the_score() {
    let a = person("Pak Chol", &[(prop::NATIONALITY, "kp")]);
    let b = person("Pak Chol", &[(prop::NATIONALITY, "kr")]);
    let c = person("Pak Chol", &[(prop::NATIONALITY, "kp")]);
    assert!(score(&a, &b) < score(&a, &c));
}

#[test]
fn legal_forms_alone_never_match() {
    let mut a = Entity::new("a", Schema::Company);
    a.add(prop::NAME, "Acme Trading Corporation");
    let mut b = Entity::new("b", Schema::Company);
    b.add(prop::NAME, "Koryo General Trading Corporation");
    assert!(score(&a, &b) < 0.70);
    let mut c = Entity::new("c", Schema::Company);
    c.add(prop::NAME, "CORP");
    assert!(score(&c, &b) < 0.70);
}

#[test]
fn weak_aliases_weigh_less() {
    let mut listed = Entity::new("l", Schema::Organization);
    listed.add(prop::NAME, "KOREA MINING DEVELOPMENT TRADING CORPORATION");
    listed.add(prop::WEAK_ALIAS, "KOMID");
    let mut q = Entity::new("q", Schema::Organization);
    q.add(prop::NAME, "KOMID");
    let s = score_entities(&q, &listed, &MatchConfig::default());
    assert!(s.score < 1.0);
    assert!(s.explanations["name"].detail.contains("weak alias"));
}

#[test]
fn score_depends_only_on_inputs_and_config() {
    let a = person("Choe Ryong Hae", &[(prop::BIRTH_DATE, "1950-01-15")]);
    let b = person("Ch'oe Ryong-hae", &[(prop::BIRTH_DATE, "1950")]);
    let first = score_entities(&a, &b, &MatchConfig::default());
    let again = score_entities(&a, &b, &MatchConfig::default());
    assert_eq!(first, again);
    let strict = MatchConfig {
        threshold: 0.99,
        ..MatchConfig::default()
    };
    let s = score_entities(&a, &b, &strict);
    assert_eq!(s.score, first.score);
    assert_eq!(s.is_match, s.score >= 0.99);
}
