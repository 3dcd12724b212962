//! FtM schemas used for screening, with their inheritance.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A FollowTheMoney schema.
///
/// The screening schemas are named variants. Any other FtM schema (for
/// example `Ownership`, `Sanction`, `Address` in OpenSanctions exports) is kept
/// verbatim in [`Schema::Other`] so that reading and writing FtM JSON loses
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Schema {
    /// Abstract root of everything that can be named.
    Thing,
    /// Abstract: a person or an organisation that can hold rights.
    LegalEntity,
    /// A natural person.
    Person,
    /// An organisation of any kind.
    Organization,
    /// A company: an organisation registered for business.
    Company,
    /// A state body, ministry or agency.
    PublicBody,
    /// A ship.
    Vessel,
    /// An aircraft.
    Airplane,
    /// Any other FtM schema, kept by name.
    Other(String),
}

impl Schema {
    /// The FtM name of the schema.
    pub fn name(&self) -> &str {
        match self {
            Schema::Thing => "Thing",
            Schema::LegalEntity => "LegalEntity",
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::PublicBody => "PublicBody",
            Schema::Vessel => "Vessel",
            Schema::Airplane => "Airplane",
            Schema::Other(name) => name,
        }
    }

    /// The direct parent in the FtM hierarchy (`None` for `Thing` and for
    /// schemas outside the screening set).
    pub fn parent(&self) -> Option<Schema> {
        match self {
            Schema::Thing | Schema::Other(_) => None,
            Schema::LegalEntity => Some(Schema::Thing),
            Schema::Person | Schema::Organization => Some(Schema::LegalEntity),
            Schema::Company | Schema::PublicBody => Some(Schema::Organization),
            // In FtM a Vessel and an Airplane are Assets (which are Things).
            Schema::Vessel | Schema::Airplane => Some(Schema::Thing),
        }
    }

    /// True when `self` is `other` or descends from it.
    pub fn is_a(&self, other: &Schema) -> bool {
        let mut current = Some(self.clone());
        while let Some(schema) = current {
            if &schema == other {
                return true;
            }
            current = schema.parent();
        }
        false
    }

    /// True when an entity of schema `a` could be the same real thing as one
    /// of schema `b`: one must descend from the other. A `Person` never
    /// matches a `Vessel`; a `LegalEntity` query may match a `Company`.
    pub fn compatible(a: &Schema, b: &Schema) -> bool {
        a.is_a(b) || b.is_a(a)
    }

    /// Whether entities of this schema are screened (people, organisations
    /// and assets). Relationship schemas such as `Ownership` are not.
    pub fn is_screenable(&self) -> bool {
        !matches!(self, Schema::Other(_))
    }

    /// The concrete schemas, for listings and facets.
    pub const CONCRETE: [Schema; 6] = [
        Schema::Person,
        Schema::Organization,
        Schema::Company,
        Schema::PublicBody,
        Schema::Vessel,
        Schema::Airplane,
    ];
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Schema {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "Thing" => Schema::Thing,
            "LegalEntity" => Schema::LegalEntity,
            "Person" => Schema::Person,
            "Organization" => Schema::Organization,
            "Company" => Schema::Company,
            "PublicBody" => Schema::PublicBody,
            "Vessel" => Schema::Vessel,
            "Airplane" => Schema::Airplane,
            other => Schema::Other(other.to_string()),
        })
    }
}

impl Serialize for Schema {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or(Schema::Thing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy() {
        assert!(Schema::Company.is_a(&Schema::LegalEntity));
        assert!(Schema::Person.is_a(&Schema::Thing));
        assert!(!Schema::Person.is_a(&Schema::Organization));
        assert!(Schema::compatible(&Schema::LegalEntity, &Schema::Person));
        assert!(!Schema::compatible(&Schema::Person, &Schema::Vessel));
        assert!(!Schema::compatible(&Schema::Company, &Schema::Person));
    }

    #[test]
    fn unknown_schema_round_trips() {
        let s: Schema = "Ownership".parse().unwrap();
        assert_eq!(s, Schema::Other("Ownership".into()));
        assert_eq!(s.to_string(), "Ownership");
        assert!(!s.is_screenable());
    }
}
