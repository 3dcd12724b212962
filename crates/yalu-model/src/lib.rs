//! # yalu-model
//!
//! The entity model shared by every Yalu crate. It follows
//! [FollowTheMoney](https://followthemoney.tech) (FtM), the data model of
//! OpenSanctions and of the yente API, so an [`Entity`] serialises to the same
//! JSON those tools read and write.
//!
//! ## Tutorial
//!
//! An entity is a schema, an id and a bag of string-valued properties. Typed
//! views ([`FuzzyDate`], [`country::to_code`]) interpret the strings where a
//! screening feature needs them.
//!
//! ```
//! use yalu_model::{Entity, Schema, prop, FuzzyDate, country};
//!
//! let mut kim = Entity::new("ofac-20157", Schema::Person);
//! kim.add(prop::NAME, "KIM, Jong Un");
//! kim.add(prop::BIRTH_DATE, "1984-01-08");
//! kim.add(prop::NATIONALITY, country::to_code("Korea, North").unwrap());
//!
//! assert_eq!(kim.get(prop::NATIONALITY), ["kp"]);
//! let dob: FuzzyDate = kim.first(prop::BIRTH_DATE).unwrap().parse().unwrap();
//! assert_eq!(dob.year, 1984);
//! assert_eq!(dob.precision(), yalu_model::DatePrecision::Day);
//!
//! // FtM JSON in and out.
//! let json = serde_json::to_string(&kim).unwrap();
//! let back: Entity = serde_json::from_str(&json).unwrap();
//! assert_eq!(back, kim);
//! ```
//!
//! The types are at the crate root, their modules private. Two modules stay
//! public as namespaces of functions and names: [`country`] (reading
//! country values: [`country::to_code`], [`country::codes_in`],
//! [`country::classify`]) and [`prop`] (FtM property names).
//!
//! The JSON records that cross crate boundaries (the alert and hit lines,
//! case evidence) are here too, one owning type each: [`Alert`], [`Hit`],
//! [`Evidence`], and the alerts' [`Severity`] (see the `records` module's documentation). The optional
//! `openapi` feature derives `utoipa::ToSchema` on them for the server.
//!
//! Dependencies: none beyond serde (and utoipa with `openapi`). This crate
//! does no I/O.

pub mod country;
mod date;
mod entity;
mod example;
mod lines;
pub mod prop;
mod records;
mod schema;

pub use country::{CountryValue, NotCountry, NotCountryKind};
pub use date::{DatePrecision, FuzzyDate, FuzzyDateError, days_in_month, expand_date_expression};
pub use entity::Entity;
pub use example::{ValueProblem, ValueWarning};
pub use lines::LineCounter;
pub use records::{
    Alert, CaseContext, Evidence, Explanation, Hit, Investigation, Network, NetworkEdge,
    NetworkNode, Severity, TimelineEvent, UnknownSeverity,
};
pub use schema::Schema;
