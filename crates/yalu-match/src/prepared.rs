//! Entities prepared once for scoring: names analysed, dates parsed,
//! countries and identifiers normalised.

use crate::name_score::{NameKind, PreparedName};
use yalu_model::{Entity, FuzzyDate, Schema, prop};

/// Where a name came from; weak aliases weigh less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    /// The `name` property: the name the list gives as primary.
    Name,
    /// An `alias` (a strong a.k.a.).
    Alias,
    /// A `previousName`: a former name of a renamed company or person.
    PreviousName,
    /// A `weakAlias` (a low-quality a.k.a.: a nickname, a partial name).
    WeakAlias,
    /// Built from firstName / middleName / lastName.
    Parts,
}

impl NameSource {
    fn of(property: &str) -> NameSource {
        match property {
            prop::ALIAS => NameSource::Alias,
            prop::PREVIOUS_NAME => NameSource::PreviousName,
            prop::WEAK_ALIAS => NameSource::WeakAlias,
            _ => NameSource::Name,
        }
    }

    /// The FtM property the name is read from (`Parts` reads as `name`).
    pub fn property(self) -> &'static str {
        match self {
            NameSource::Name | NameSource::Parts => prop::NAME,
            NameSource::Alias => prop::ALIAS,
            NameSource::PreviousName => prop::PREVIOUS_NAME,
            NameSource::WeakAlias => prop::WEAK_ALIAS,
        }
    }
}

/// One name of an entity, ready to compare.
#[derive(Debug, Clone)]
pub struct EntityName {
    /// The name as written in the list.
    pub raw: String,
    /// The property it came from; weak aliases weigh less.
    pub source: NameSource,
    /// The name analysed for comparison (normalised words, variants, keys).
    pub prepared: PreparedName,
    /// How many other entries of the same list (dataset) carry this name
    /// (its words as written, in any order). Counted by the index at build
    /// time; 0 outside an index. A name several listed persons share is a
    /// common name.
    pub namesakes: u32,
}

/// An entity with every screening feature pre-computed.
#[derive(Debug, Clone)]
pub struct PreparedEntity {
    /// The entity as loaded.
    pub entity: Entity,
    /// How its names were read (person, organisation or other).
    pub kind: NameKind,
    /// Every name and alias; built from the name parts when there is none.
    pub names: Vec<EntityName>,
    /// Birth dates that parse, sorted and deduplicated, each with its
    /// precision (year, month or day).
    pub birth_dates: Vec<FuzzyDate>,
    /// Sorted, deduplicated country codes.
    pub countries: Vec<String>,
    /// (property, normalised value, original value)
    pub identifiers: Vec<(&'static str, String, String)>,
    /// The first `gender` value when it reads as male or female; a conflict
    /// lowers the score.
    pub gender: Option<Gender>,
}

/// A person's gender as lists give it (`male`/`m`, `female`/`f`); other
/// values are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// How the names of an entity of this schema are read: a `Person`'s as a
/// person's, an `Organization`'s (and a `Company`'s or `PublicBody`'s) as an
/// organisation's, any other's (a `LegalEntity` that may be either, a
/// vessel, an aircraft) as a plain name. The one mapping every index
/// (screening, full-text search, the links network) uses.
pub fn name_kind(schema: &Schema) -> NameKind {
    if schema.is_a(&Schema::Person) {
        NameKind::Person
    } else if schema.is_a(&Schema::Organization) {
        NameKind::Organization
    } else {
        NameKind::Other
    }
}

/// Upper case, letters and digits only: `563-120 356` and `563120356`
/// meet, and so do `IMO 7937317` and `7937317` (the `IMO` prefix of an IMO
/// number is dropped).
pub fn normalize_identifier(value: &str) -> String {
    let norm: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    match norm.strip_prefix("IMO") {
        Some(rest) if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => {
            rest.to_string()
        }
        _ => norm,
    }
}

fn parse_gender(v: &str) -> Option<Gender> {
    match v.trim().to_ascii_lowercase().as_str() {
        "male" | "m" => Some(Gender::Male),
        "female" | "f" => Some(Gender::Female),
        _ => None,
    }
}

impl PreparedEntity {
    /// Prepares an entity; its names are analysed for `kind` (by default
    /// the kind its own schema implies).
    pub fn new(entity: Entity) -> Self {
        let kind = name_kind(&entity.schema);
        Self::with_kind(entity, kind)
    }

    /// Prepares an entity with its names analysed as `kind`: a query is
    /// prepared for the [`pair_kind`](crate::score::pair_kind) of each
    /// candidate it meets, so a `LegalEntity` query compares as a person
    /// with a person.
    pub fn with_kind(entity: Entity, kind: NameKind) -> Self {
        let mut names: Vec<EntityName> = entity
            .names()
            .into_iter()
            .map(|(p, raw)| EntityName {
                raw: raw.to_string(),
                source: NameSource::of(p),
                prepared: PreparedName::new(raw, kind),
                namesakes: 0,
            })
            .collect();
        if names.is_empty() {
            let parts: Vec<&str> = [prop::FIRST_NAME, prop::MIDDLE_NAME, prop::LAST_NAME]
                .iter()
                .filter_map(|p| entity.first(p))
                .collect();
            if !parts.is_empty() {
                let raw = parts.join(" ");
                names.push(EntityName {
                    prepared: PreparedName::new(&raw, kind),
                    raw,
                    source: NameSource::Parts,
                    namesakes: 0,
                });
            }
        }
        let mut birth_dates: Vec<FuzzyDate> = entity
            .get(prop::BIRTH_DATE)
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        birth_dates.sort();
        birth_dates.dedup();
        let mut countries: Vec<String> = prop::COUNTRY_PROPERTIES
            .iter()
            .flat_map(|p| entity.get(p))
            .filter_map(|c| yalu_model::country::to_code(c))
            .map(str::to_string)
            .collect();
        countries.sort();
        countries.dedup();
        let mut identifiers = Vec::new();
        for p in prop::IDENTIFIER_PROPERTIES {
            for v in entity.get(p) {
                let norm = normalize_identifier(v);
                // Very short numbers ("1", "12") identify nothing.
                if norm.chars().count() >= 4 {
                    identifiers.push((p, norm, v.clone()));
                }
            }
        }
        let gender = entity.first(prop::GENDER).and_then(parse_gender);
        PreparedEntity {
            entity,
            kind,
            names,
            birth_dates,
            countries,
            identifiers,
            gender,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_meet_across_separators_and_prefixes() {
        assert_eq!(normalize_identifier("563-120 356"), "563120356");
        assert_eq!(normalize_identifier("IMO 7937317"), "7937317");
        assert_eq!(normalize_identifier("7937317"), "7937317");
        assert_eq!(normalize_identifier("0xAbC"), "0XABC");
        assert_eq!(normalize_identifier("IMOX1"), "IMOX1");
    }
}
