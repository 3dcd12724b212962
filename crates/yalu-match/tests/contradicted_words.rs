//! A query word that one name of a listed person leaves over and another name of the same
//! person contradicts is a substitution, not a middle name the short name lacks
//! (`docs/scoring.md`, "Words contradicted by another name of the person"). Hand-made
//! persons; every culture and script goes through the same rule.

use yalu_match::{MatchConfig, score_entities};
use yalu_model::{Entity, Schema, prop};

fn entity(schema: Schema, props: &[(&str, &str)]) -> Entity {
    let mut e = Entity::new(format!("e-{}", props[0].1), schema);
    for (p, v) in props {
        e.add(p, v);
    }
    e
}

fn person(props: &[(&str, &str)]) -> Entity {
    entity(Schema::Person, props)
}

/// A listed person with a full name and a short alias of it.
fn listed(full: &str, short: &str, extra: &[(&str, &str)]) -> Entity {
    let mut props = vec![(prop::NAME, full), (prop::ALIAS, short)];
    props.extend_from_slice(extra);
    person(&props)
}

fn score(q: &Entity, c: &Entity) -> f64 {
    score_entities(q, c, &MatchConfig::default()).score
}

fn name(n: &str) -> Entity {
    person(&[(prop::NAME, n)])
}

#[test]
fn a_word_in_place_of_a_listed_word_is_no_match() {
    for (full, short, query) in [
        (
            "VOLKOV, Dmitri Sergeyevich",
            "VOLKOV, Dmitri",
            "VOLKOV Dmitri ORTIZ",
        ),
        (
            "VOLKOV, Dmitri Sergeyevich",
            "VOLKOV, Dmitri",
            "Dmitri Ivanovich VOLKOV",
        ),
        (
            "HADDAD, Karim Youssef",
            "HADDAD, Karim",
            "HADDAD Karim MENDOZA",
        ),
        (
            "OKONJO, Chinedu Emeka Obi",
            "OKONJO, Chinedu Emeka",
            "OKONJO Chinedu Emeka BRANDT",
        ),
        // a Cyrillic query, read through its transliteration
        (
            "VOLKOV, Dmitri Sergeyevich",
            "VOLKOV, Dmitri",
            "Волков Дмитрий Иванович",
        ),
    ] {
        let c = listed(full, short, &[]);
        let s = score_entities(&name(query), &c, &MatchConfig::default());
        assert!(!s.is_match, "{query} vs {full}: {}", s.score);
        let detail = &s.explanations["name"].detail;
        assert!(detail.contains("contradict"), "{query}: {detail}");
        // the same query against the short name alone: a middle name the list lacks
        let alone = score(&name(query), &name(short));
        assert!(alone >= 0.70 && alone > s.score, "{query}: {alone}");
    }
}

#[test]
fn honest_variation_of_the_person_is_still_found() {
    let c = listed("VOLKOV, Dmitri Sergeyevich", "VOLKOV, Dmitri", &[]);
    for query in [
        "VOLKOV Dmitri Sergeyevich",
        "Dmitri Sergeyevich VOLKOV", // order
        "VOLKOV Dmitri",             // a dropped word
        "Dmitri VOLKOV",
        "VOLKOV Dmitriy Sergeevich", // transliteration
        "Волков Дмитрий Сергеевич",  // the name in Cyrillic
        "VOLKOV Dmitri Sergeyevich Jr.",
        "Col. VOLKOV Dmitri",
        "Dr VOLKOV Dmitri",
        "VOLKOV Dmitri S.", // the listed word as an initial
        // a word added in another place than the full name's own word: no substitution
        "Hajji VOLKOV Dmitri",
    ] {
        let s = score(&name(query), &c);
        assert!(s >= 0.80, "{query}: {s}");
    }
}

#[test]
fn the_same_birth_day_or_an_identifier_supports_a_substitution() {
    let dob = (prop::BIRTH_DATE, "1971-03-14");
    let c = listed(
        "VOLKOV, Dmitri Sergeyevich",
        "VOLKOV, Dmitri",
        &[
            dob,
            (prop::NATIONALITY, "ru"),
            (prop::PASSPORT_NUMBER, "7104 552918"),
        ],
    );
    let q = |props: &[(&str, &str)]| {
        let mut p = vec![(prop::NAME, "VOLKOV Dmitri ORTIZ")];
        p.extend_from_slice(props);
        person(&p)
    };
    let cfg = MatchConfig::default();
    assert!(!score_entities(&q(&[]), &c, &cfg).is_match);
    // birth year and country agree: still below the threshold
    assert!(
        !score_entities(
            &q(&[(prop::BIRTH_DATE, "1971"), (prop::NATIONALITY, "ru")]),
            &c,
            &cfg
        )
        .is_match
    );
    // the same birth day lifts it over
    assert!(score_entities(&q(&[dob]), &c, &cfg).is_match);
    // so does an identifier
    assert!(score_entities(&q(&[(prop::PASSPORT_NUMBER, "7104552918")]), &c, &cfg).is_match);
}

#[test]
fn only_a_strong_fuller_name_of_a_person_contradicts() {
    let query = name("VOLKOV Dmitri ORTIZ");
    // the fuller name only as a weak alias: no contradiction
    let weak = person(&[
        (prop::NAME, "VOLKOV, Dmitri"),
        (prop::WEAK_ALIAS, "VOLKOV, Dmitri Sergeyevich"),
    ]);
    assert!(score(&query, &weak) >= 0.70);
    // a fuller name that meets fewer of the query's words says nothing about the third
    let other = listed("VOLKOV, Dmitri", "PETROV, Anton Ilyich", &[]);
    assert!(score(&query, &other) >= 0.70);
    // organisations: an added word often names a branch, the rule does not apply
    let org = |names: &[&str]| {
        let mut e = Entity::new("org", Schema::Company);
        for n in names {
            e.add(prop::NAME, *n);
        }
        e
    };
    let mut q = Entity::new("q", Schema::Company);
    q.add(prop::NAME, "Northwind Maritime Shenzhen");
    let with_fuller = score(
        &q,
        &org(&["Northwind Maritime", "Northwind Maritime Holdings"]),
    );
    let alone = score(&q, &org(&["Northwind Maritime"]));
    assert_eq!(with_fuller, alone);
}
