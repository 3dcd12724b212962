//! Query examples: raw property values cleaned into an [`Entity`], with a
//! warning for each value that cannot be cleaned.
//!
//! A screening query is an example of what to look for: a schema and
//! property values as a person or a file wrote them. Names and free text are
//! kept as given; dates become ISO prefix dates (`1984`, `1984-01-08`) and
//! countries lower-case codes (`kp`). A value that cannot be cleaned (an
//! impossible date, a place that names no country) says nothing usable
//! about the person: it is left out of the query and reported, so one bad
//! value never sinks a query, a row or a batch. Callers that want the old
//! all-or-nothing behaviour turn the first warning into an error.
//!
//! ```
//! use yalu_model::{Entity, Schema};
//!
//! let (query, warnings) = Entity::from_example(
//!     "q1",
//!     Schema::Person,
//!     [("name", "Kim Jong Un"), ("nationality", "Korea, North"), ("birthDate", "31/02/1984"), ("nationality", "Atlantis")],
//! );
//! assert_eq!(query.get("nationality"), ["kp"]);
//! assert!(!query.has("birthDate"));
//! assert_eq!(warnings.len(), 2);
//! assert_eq!(warnings[0].kind.code(), "invalid_date");
//! assert_eq!(warnings[1].value, "Atlantis");
//! ```

use crate::country::{self, CountryValue};
use crate::entity::Entity;
use crate::expand_date_expression;
use crate::prop::{self, PropertyType};
use crate::schema::Schema;
use serde::Serialize;
use std::fmt;

/// What was wrong with a value that was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueProblem {
    /// A date property's value is not a date (or an impossible one).
    InvalidDate,
    /// A country property's value names no country Yalu knows, or one the
    /// country table classifies as naming no single country (a region, a
    /// disputed territory, an ambiguous name); the reason says which.
    InvalidCountry,
}

impl ValueProblem {
    /// The stable code, the same as the error code a strict caller reports.
    pub fn code(self) -> &'static str {
        match self {
            ValueProblem::InvalidDate => "invalid_date",
            ValueProblem::InvalidCountry => "invalid_country",
        }
    }
}

/// One value left out of a query example, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueWarning {
    /// The property the value was given for.
    pub property: String,
    /// The value as given.
    pub value: String,
    /// What was wrong, as a stable code.
    #[serde(rename = "code")]
    pub kind: ValueProblem,
    /// What was wrong, in words that quote the value.
    pub reason: String,
}

impl fmt::Display for ValueWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "property `{}`: {}", self.property, self.reason)
    }
}

impl Entity {
    /// Adds one raw value, cleaned by its property's type: a date
    /// expression becomes its dates, a country name or code its codes
    /// ([`country::codes_in`]), anything else is added as given. A value
    /// that cannot be cleaned is not added and comes back as a warning.
    pub fn add_cleaned(&mut self, property: &str, value: &str) -> Result<(), ValueWarning> {
        let warn = |kind: ValueProblem, reason: String| ValueWarning {
            property: property.to_string(),
            value: value.to_string(),
            kind,
            reason,
        };
        match prop::property_type(property) {
            PropertyType::Date => {
                let dates = expand_date_expression(value).map_err(|e| {
                    warn(
                        ValueProblem::InvalidDate,
                        format!("`{value}` is not a date ({e})"),
                    )
                })?;
                for d in dates {
                    self.add(property, d.to_string());
                }
            }
            PropertyType::Country => match country::classify(value) {
                CountryValue::Countries(codes) => {
                    for code in codes {
                        self.add(property, code);
                    }
                }
                CountryValue::NotCountry(n) => {
                    return Err(warn(
                        ValueProblem::InvalidCountry,
                        format!("`{value}` names no single country: {}", n.reason()),
                    ));
                }
                CountryValue::Unknown => {
                    return Err(warn(
                        ValueProblem::InvalidCountry,
                        format!("`{value}` is not a country code or name Yalu knows"),
                    ));
                }
            },
            _ => {
                self.add(property, value);
            }
        }
        Ok(())
    }

    /// Builds a query entity from raw `(property, value)` pairs, cleaning
    /// each value with [`Entity::add_cleaned`]. Returns the entity and the
    /// values left out, in input order.
    pub fn from_example<'a>(
        id: impl Into<String>,
        schema: Schema,
        values: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Entity, Vec<ValueWarning>) {
        let mut entity = Entity::new(id, schema);
        let mut warnings = Vec::new();
        for (property, value) in values {
            if let Err(w) = entity.add_cleaned(property, value) {
                warnings.push(w);
            }
        }
        (entity, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_left_out_and_named() {
        let (e, w) = Entity::from_example(
            "q",
            Schema::Person,
            [
                ("name", "Ri Song"),
                ("birthDate", "1970"),
                ("birthDate", "1970-13-01"),
                ("nationality", "Congo (Democratic Republic)"),
                (
                    "nationality",
                    "(1) Central African Republic. (2) South Sudan",
                ),
                ("country", "Nowhereland"),
            ],
        );
        assert_eq!(e.get("name"), ["Ri Song"]);
        assert_eq!(e.get("birthDate"), ["1970"]);
        assert_eq!(e.get("nationality"), ["cd", "cf", "ss"]);
        assert!(!e.has("country"));
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].property, "birthDate");
        assert_eq!(w[0].kind, ValueProblem::InvalidDate);
        assert_eq!(w[1].property, "country");
        assert_eq!(w[1].kind.code(), "invalid_country");
        assert!(w[1].to_string().contains("Nowhereland"));
    }

    /// A value the country table classifies is left out like an unknown
    /// one, with a reason that says why it names no country; a place is
    /// read as its country.
    #[test]
    fn classified_country_values_say_why() {
        let (e, w) = Entity::from_example(
            "q",
            Schema::Person,
            [
                ("nationality", "Congolese"),
                ("country", "Africa"),
                ("country", "Tartous"),
            ],
        );
        assert_eq!(e.get("country"), ["sy"]);
        assert!(!e.has("nationality"));
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].kind, ValueProblem::InvalidCountry);
        assert!(w[0].reason.contains("ambiguous"), "{}", w[0].reason);
        assert!(w[0].reason.contains("cd") && w[0].reason.contains("cg"));
        assert!(w[1].reason.contains("region"), "{}", w[1].reason);
    }
}
