//! Differences between two versions of a list, by entity id.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use yalu_model::Entity;

/// An entity named in a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// The entity's id.
    pub id: String,
    /// Its FtM schema name.
    pub schema: String,
    /// Its display name.
    pub caption: String,
}

impl EntityRef {
    fn of(e: &Entity) -> Self {
        EntityRef {
            id: e.id.clone(),
            schema: e.schema.name().to_string(),
            caption: e.caption().to_string(),
        }
    }
}

/// Values of one property that differ between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    /// The FtM property name.
    pub property: String,
    /// Values only the newer version has.
    pub added: Vec<String>,
    /// Values only the older version has.
    pub removed: Vec<String>,
}

/// An entity present in both versions whose facts changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityChange {
    /// The entity, as the newer version names it.
    pub entity: EntityRef,
    /// Set when the schema changed (old, new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<(String, String)>,
    /// The properties whose values differ, by property name.
    pub properties: Vec<PropertyChange>,
}

/// What changed from one list version to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListDiff {
    /// Entities only the newer version has.
    pub added: Vec<EntityRef>,
    /// Entities only the older version has.
    pub removed: Vec<EntityRef>,
    /// Entities in both whose facts differ.
    pub changed: Vec<EntityChange>,
    /// Entities present and identical in both.
    pub unchanged: usize,
}

impl ListDiff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The property-level changes of one entity (empty when equal). Order of
/// values does not matter; bookkeeping fields (datasets, seen dates) are not
/// compared.
pub fn entity_changes(old: &Entity, new: &Entity) -> Vec<PropertyChange> {
    let names: BTreeSet<&String> = old.properties.keys().chain(new.properties.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let before: BTreeSet<&String> = old.get(name).iter().collect();
        let after: BTreeSet<&String> = new.get(name).iter().collect();
        if before == after {
            continue;
        }
        out.push(PropertyChange {
            property: name.clone(),
            added: after.difference(&before).map(|s| s.to_string()).collect(),
            removed: before.difference(&after).map(|s| s.to_string()).collect(),
        });
    }
    out
}

/// Compares two versions of a list by entity id. Output is sorted by id.
pub fn diff(old: &[Entity], new: &[Entity]) -> ListDiff {
    let old_by_id: BTreeMap<&str, &Entity> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let new_by_id: BTreeMap<&str, &Entity> = new.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut result = ListDiff::default();
    for (id, o) in &old_by_id {
        match new_by_id.get(id) {
            None => result.removed.push(EntityRef::of(o)),
            Some(n) => {
                let properties = entity_changes(o, n);
                let schema = (o.schema != n.schema)
                    .then(|| (o.schema.name().to_string(), n.schema.name().to_string()));
                if properties.is_empty() && schema.is_none() {
                    result.unchanged += 1;
                } else {
                    result.changed.push(EntityChange {
                        entity: EntityRef::of(n),
                        schema,
                        properties,
                    });
                }
            }
        }
    }
    for (id, n) in &new_by_id {
        if !old_by_id.contains_key(id) {
            result.added.push(EntityRef::of(n));
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use yalu_model::{Schema, prop};

    fn person(id: &str, name: &str) -> Entity {
        let mut e = Entity::new(id, Schema::Person);
        e.add(prop::NAME, name);
        e
    }

    #[test]
    fn added_removed_changed() {
        let a = person("a", "KIM Jong Un");
        let b = person("b", "RI Pyong Chol");
        let mut b2 = b.clone();
        b2.add(prop::BIRTH_DATE, "1948");
        let c = person("c", "PAK Pong Ju");
        let d = diff(&[a.clone(), b], &[b2, c]);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].id, "a");
        assert_eq!(d.added[0].id, "c");
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].properties[0].property, "birthDate");
        assert_eq!(d.changed[0].properties[0].added, ["1948"]);
        let again = a.clone();
        assert!(diff(std::slice::from_ref(&a), &[again]).is_empty());
    }

    #[test]
    fn value_order_is_not_a_change() {
        let mut x = person("x", "A");
        x.add(prop::ALIAS, "B");
        x.add(prop::ALIAS, "C");
        let mut y = person("x", "A");
        y.add(prop::ALIAS, "C");
        y.add(prop::ALIAS, "B");
        assert!(diff(&[x], &[y]).is_empty());
    }
}
