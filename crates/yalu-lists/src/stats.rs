//! Counts of a list by schema, program and country, for `yalu lists inspect`.

use crate::{ListFormat, LoadedList};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use yalu_model::{Entity, prop};

/// What `lists inspect` reports about one list.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    /// The file or folder read.
    pub path: PathBuf,
    /// Its format.
    pub format: ListFormat,
    /// The format in words.
    pub format_label: &'static str,
    /// The dataset name.
    pub dataset: String,
    /// Entities read.
    pub entities: usize,
    /// Entities per schema name.
    pub by_schema: BTreeMap<String, usize>,
    /// Entities per program or regime (an entity under two programs counts
    /// in both).
    pub by_program: BTreeMap<String, usize>,
    /// Entities per country code over nationality, citizenship, country,
    /// jurisdiction and flag (each entity counted once per country).
    pub by_country: BTreeMap<String, usize>,
    /// Records skipped as unreadable.
    pub skipped: usize,
    /// Values kept as notes because they could not be interpreted.
    pub warnings: usize,
    /// Country values that named no country (`field: value`), with counts.
    pub unknown_countries: BTreeMap<String, usize>,
    /// Country values the country table classifies as naming no single
    /// country (`field: value`), with counts.
    pub not_countries: BTreeMap<String, usize>,
}

impl ListSummary {
    /// Summarises a loaded list.
    pub fn of(list: &LoadedList) -> Self {
        let mut summary = Self::count(list.entities.iter());
        summary.path = list.path.clone();
        summary.format = list.format;
        summary.format_label = list.format.label();
        summary.dataset = list.dataset.clone();
        summary.skipped = list.stats.skipped.len();
        summary.warnings = list.stats.warnings.len();
        summary.unknown_countries = list.stats.unknown_countries.clone();
        summary.not_countries = list.stats.not_countries.clone();
        summary
    }

    fn count<'a>(entities: impl Iterator<Item = &'a Entity>) -> Self {
        let mut by_schema = BTreeMap::new();
        let mut by_program = BTreeMap::new();
        let mut by_country = BTreeMap::new();
        let mut total = 0;
        for e in entities {
            total += 1;
            *by_schema.entry(e.schema.name().to_string()).or_insert(0) += 1;
            for p in e.get(prop::PROGRAM) {
                *by_program.entry(p.clone()).or_insert(0) += 1;
            }
            let countries: BTreeSet<&str> = prop::COUNTRY_PROPERTIES
                .iter()
                .flat_map(|p| e.get(p))
                .map(String::as_str)
                .collect();
            for c in countries {
                *by_country.entry(c.to_string()).or_insert(0) += 1;
            }
        }
        ListSummary {
            path: PathBuf::new(),
            format: ListFormat::FtmJson,
            format_label: "",
            dataset: String::new(),
            entities: total,
            by_schema,
            by_program,
            by_country,
            skipped: 0,
            warnings: 0,
            unknown_countries: BTreeMap::new(),
            not_countries: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadStats;
    use yalu_model::Schema;

    #[test]
    fn counts_each_country_once_per_entity() {
        let mut a = Entity::new("a", Schema::Person);
        a.add(prop::NATIONALITY, "kp");
        a.add(prop::CITIZENSHIP, "kp");
        a.add(prop::PROGRAM, "DPRK");
        a.add(prop::PROGRAM, "DPRK3");
        let mut b = Entity::new("b", Schema::Vessel);
        b.add(prop::FLAG, "kp");
        b.add(prop::COUNTRY, "cn");
        let list = LoadedList {
            path: "x".into(),
            format: ListFormat::OfacSdn,
            dataset: "us_ofac_sdn".into(),
            entities: vec![a, b],
            stats: ReadStats::default(),
        };
        let s = ListSummary::of(&list);
        assert_eq!(s.entities, 2);
        assert_eq!(s.by_country["kp"], 2);
        assert_eq!(s.by_country["cn"], 1);
        assert_eq!(s.by_program["DPRK3"], 1);
        assert_eq!(s.by_schema["Vessel"], 1);
    }
}
