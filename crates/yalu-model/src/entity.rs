//! The FtM entity: an id, a schema and string-valued properties.

use crate::prop;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A FollowTheMoney entity as OpenSanctions and yente write it.
///
/// Property values are kept as strings, exactly as FtM does; typed views such
/// as [`crate::FuzzyDate`] interpret them. Values are trimmed, empty values are
/// never stored and duplicates are dropped, so two readers that see the same
/// facts build equal entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The entity's id, unique within its datasets (`ofac-20157`).
    pub id: String,
    /// Display name. Readers leave it empty; [`Entity::caption`] derives one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caption: String,
    /// What kind of thing the entity is.
    pub schema: Schema,
    /// Property values by FtM property name, each list in the order read.
    #[serde(default)]
    pub properties: BTreeMap<String, Vec<String>>,
    /// Datasets (lists) that hold this entity, e.g. `us_ofac_sdn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    /// Ids under which the same entity is known in source data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referents: Vec<String>,
    /// True for entities that are sanctioned or otherwise a screening target.
    #[serde(default)]
    pub target: bool,
    /// When the entity first appeared in its source (an ISO date or
    /// timestamp, as the source gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// When the entity was last seen in its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// When the entity last changed in its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
}

impl Entity {
    /// A new entity with no properties.
    pub fn new(id: impl Into<String>, schema: Schema) -> Self {
        Entity {
            id: id.into(),
            caption: String::new(),
            schema,
            properties: BTreeMap::new(),
            datasets: Vec::new(),
            referents: Vec::new(),
            target: false,
            first_seen: None,
            last_seen: None,
            last_change: None,
        }
    }

    /// Adds a value to a property. Whitespace is trimmed and runs of ASCII
    /// whitespace collapsed; other spaces (no-break, thin, ...) inside a value
    /// are kept for the name pipeline (`yalu_names::clean`), which reads them.
    /// An empty value or one already present is ignored. Returns whether the
    /// value was added.
    pub fn add(&mut self, property: &str, value: impl AsRef<str>) -> bool {
        let value = collapse_whitespace(value.as_ref());
        if value.is_empty() {
            return false;
        }
        let values = self.properties.entry(property.to_string()).or_default();
        if values.iter().any(|v| v == &value) {
            return false;
        }
        values.push(value);
        true
    }

    /// Adds every value of an iterator to a property.
    pub fn add_all<I, S>(&mut self, property: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for v in values {
            self.add(property, v);
        }
    }

    /// The values of a property (empty when absent).
    pub fn get(&self, property: &str) -> &[String] {
        self.properties
            .get(property)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The first value of a property.
    pub fn first(&self, property: &str) -> Option<&str> {
        self.get(property).first().map(String::as_str)
    }

    /// True when the property has at least one value.
    pub fn has(&self, property: &str) -> bool {
        !self.get(property).is_empty()
    }

    /// Adds a dataset name if not already present.
    pub fn add_dataset(&mut self, dataset: &str) {
        if !self.datasets.iter().any(|d| d == dataset) {
            self.datasets.push(dataset.to_string());
        }
    }

    /// Every name of the entity with the property it came from: `name`,
    /// `alias`, `previousName`, `weakAlias`, in that order, then a name built
    /// from `firstName`/`middleName`/`lastName` when no full name exists.
    pub fn names(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for p in prop::NAME_PROPERTIES {
            for v in self.get(p) {
                out.push((p, v.as_str()));
            }
        }
        out
    }

    /// The display name: the stored caption, else the first name-like value,
    /// else the id.
    pub fn caption(&self) -> &str {
        if !self.caption.is_empty() {
            return &self.caption;
        }
        self.names()
            .first()
            .map(|(_, n)| *n)
            .or_else(|| self.first(prop::LAST_NAME))
            .unwrap_or(&self.id)
    }

    /// Sets `caption` from the data if it is empty.
    pub fn fill_caption(&mut self) {
        if self.caption.is_empty() {
            self.caption = self.caption().to_string();
        }
    }

    /// Number of property values, for statistics.
    pub fn value_count(&self) -> usize {
        self.properties.values().map(Vec::len).sum()
    }
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.trim().split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_keeps_no_break_spaces_inside_values() {
        // a no-break space inside a value is left for the name pipeline
        let mut e = Entity::new("x", Schema::Person);
        assert!(e.add(prop::NAME, "\u{a0}Ba\u{a0}sil  HASSAN\u{a0}"));
        assert_eq!(e.get(prop::NAME), ["Ba\u{a0}sil HASSAN"]);
    }

    #[test]
    fn add_trims_and_deduplicates() {
        let mut e = Entity::new("x", Schema::Person);
        assert!(e.add(prop::NAME, "  KIM  Jong Un "));
        assert!(!e.add(prop::NAME, "KIM Jong Un"));
        assert!(!e.add(prop::NAME, "   "));
        assert_eq!(e.get(prop::NAME), ["KIM Jong Un"]);
        assert!(e.get(prop::ALIAS).is_empty());
    }

    #[test]
    fn reads_opensanctions_json() {
        let line = r#"{"id": "NK-1", "caption": "Ownership", "schema": "Ownership",
            "properties": {"owner": ["NK-a"], "asset": ["NK-b"]}, "datasets": ["gb_fcdo_sanctions"],
            "referents": ["gb-1"], "target": false, "first_seen": "2026-01-08T10:35:40",
            "last_seen": "2026-04-29T12:40:02", "last_change": "2026-02-16T05:42:29"}"#;
        let e: Entity = serde_json::from_str(line).unwrap();
        assert_eq!(e.schema.name(), "Ownership");
        assert_eq!(e.get("owner"), ["NK-a"]);
        assert_eq!(e.last_change.as_deref(), Some("2026-02-16T05:42:29"));
        let again: Entity = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(again, e);
    }

    #[test]
    fn caption_prefers_name_then_alias() {
        let mut e = Entity::new("x", Schema::Company);
        assert_eq!(e.caption(), "x");
        e.add(prop::ALIAS, "KOMID");
        assert_eq!(e.caption(), "KOMID");
        e.add(prop::NAME, "KOREA MINING DEVELOPMENT TRADING CORPORATION");
        assert_eq!(e.caption(), "KOREA MINING DEVELOPMENT TRADING CORPORATION");
    }
}
