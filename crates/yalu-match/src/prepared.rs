//! Entities prepared once for scoring: names analysed, dates parsed,
//! countries and identifiers normalised.

use crate::name_score::{NameKind, PreparedName};
use yalu_model::{Entity, FuzzyDate, Schema, prop};

/// Where a name came from; weak aliases weigh less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    Name,
    Alias,
    PreviousName,
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
    pub raw: String,
    pub source: NameSource,
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
    pub entity: Entity,
    pub kind: NameKind,
    pub names: Vec<EntityName>,
    pub birth_dates: Vec<FuzzyDate>,
    /// Sorted, deduplicated country codes.
    pub countries: Vec<String>,
    /// (property, normalised value, original value)
    pub identifiers: Vec<(&'static str, String, String)>,
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
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
