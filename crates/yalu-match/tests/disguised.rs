//! Disguised names at the entity level: the `lookalikes` explanation that batch output and the
//! API carry, and hidden characters and odd spaces in entity names.

use yalu_match::feature;
use yalu_match::{MatchConfig, lookalikes_of, score_entities};
use yalu_model::{Entity, Schema, prop};

fn person(id: &str, name: &str) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    e.add(prop::NAME, name);
    e
}

#[test]
fn lookalike_hits_are_marked() {
    let cfg = MatchConfig::default();
    let listed = person("l", "SOKOLOV, Dmitri Pavlovich");
    // Cyrillic С, О, К and Greek Ο inside Latin words
    let disguised = person("q", "SОKОLОV, Dmitri Ρavlovich");
    let s = score_entities(&disguised, &listed, &cfg);
    assert!(s.is_match, "{s:?}");
    let flag = lookalikes_of(&s).expect("a lookalikes explanation");
    assert!(flag.detail.contains("U+041E"), "{}", flag.detail);
    assert_eq!(flag.contribution, 0.0);
    assert!(s.explanations.contains_key(feature::LOOKALIKES));
    // the honest spelling raises no flag
    let honest = person("h", "Dmitri Pavlovich SOKOLOV");
    let s = score_entities(&honest, &listed, &cfg);
    assert!(s.is_match && lookalikes_of(&s).is_none(), "{s:?}");
    // nor does a name written wholly in Cyrillic
    let cyrillic = person("c", "Дмитрий Павлович Соколов");
    let s = score_entities(&cyrillic, &listed, &cfg);
    assert!(lookalikes_of(&s).is_none(), "{s:?}");
}

#[test]
fn hidden_characters_and_odd_spaces_in_entities() {
    let cfg = MatchConfig::default();
    let listed = person("l", "RYANG, Chol Ho");
    for q in [
        "RYA\u{200B}NG, Chol Ho",
        "RYANG,\u{00A0}Ch\u{00AD}ol\u{2009}Ho",
        "\u{FEFF}RYANG, Ch\u{2060}ol Ho",
        "RY\u{00A0}ANG, Chol Ho",
    ] {
        let s = score_entities(&person("q", q), &listed, &cfg);
        assert!(s.score >= 0.95, "{q:?}: {s:?}");
    }
}
