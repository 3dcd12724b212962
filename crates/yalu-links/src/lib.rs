//! # yalu-links
//!
//! The network behind the lists. Lists say who is linked to whom in three
//! ways, and this crate turns all three into relationship entities with two
//! ends, indexed by either end:
//!
//! * OFAC's `Linked To: NAME` (kept by the reader as `linkedTo` text) is
//!   resolved to the entity of that name in the same list, by normalised
//!   exact name ([`yalu_names::fold`], words in any order); names that resolve to nothing are
//!   reported ([`Network::unresolved`]).
//! * FollowTheMoney relationship entities (OpenSanctions exports and any FtM
//!   list): `Ownership`, `Directorship`, `Family`, `Associate`, `Membership`,
//!   `UnknownLink`, `Employment`, `Representation` ([`RELATIONSHIPS`]).
//! * Entries a listing's own text names: the UN list writes related
//!   entries in its narrative (`notes`), by reference number (`(CDe.001)`)
//!   or by name; see the `mentions` module for the rules. They become
//!   `UnknownLink`s whose `description` is the sentence that names them;
//!   reference numbers that name no entry are reported.
//!
//! ## Tutorial
//!
//! ```
//! use yalu_links::Network;
//! use yalu_model::{Entity, Schema, prop};
//!
//! let mut group = Entity::new("ofac-20578", Schema::Organization);
//! group.add(prop::NAME, "MANSUDAE OVERSEAS PROJECT GROUP OF COMPANIES");
//! group.add_dataset("us_ofac_sdn");
//! let mut kim = Entity::new("ofac-22702", Schema::Person);
//! kim.add(prop::NAME, "KIM, Tong-chol");
//! kim.add(prop::LINKED_TO, "Mansudae Overseas Project Group of Companies");
//! kim.add(prop::LINKED_TO, "NO SUCH COMPANY");
//! kim.add_dataset("us_ofac_sdn");
//!
//! let network = Network::build([&group, &kim], Vec::new());
//! let links: Vec<_> = network.links_of("ofac-22702").collect();
//! assert_eq!(links.len(), 1);
//! let (link, side) = links[0];
//! assert_eq!(link.schema, "UnknownLink");
//! assert_eq!(link.other_end(side).1, "ofac-20578");
//! // Both directions: the group sees the person.
//! assert_eq!(network.links_of("ofac-20578").count(), 1);
//! assert_eq!(network.unresolved()[0].name, "NO SUCH COMPANY");
//! ```

mod lists;
pub mod mentions;

pub use lists::{ListedLink, Lists, NETWORK_FEATURE};

use mentions::WordFolder;
use std::collections::{BTreeMap, HashMap};
use yalu_model::{Entity, Schema, prop};

/// Relationship schemata: the properties of their two ends, and how a link
/// reads from each end towards the other (`owner of` / `owned by`).
pub const RELATIONSHIPS: [Relationship; 8] = [
    Relationship::new("Ownership", "owner", "asset", "owner of", "owned by"),
    Relationship::new(
        "Directorship",
        "director",
        "organization",
        "director of",
        "directed by",
    ),
    Relationship::new("Family", "person", "relative", "relative of", "relative of"),
    Relationship::new(
        "Associate",
        "person",
        "associate",
        "associate of",
        "associate of",
    ),
    Relationship::new(
        "Membership",
        "member",
        "organization",
        "member of",
        "has as member",
    ),
    Relationship::new("UnknownLink", "subject", "object", "linked to", "linked to"),
    Relationship::new(
        "Employment",
        "employee",
        "employer",
        "employee of",
        "employer of",
    ),
    Relationship::new(
        "Representation",
        "agent",
        "client",
        "agent of",
        "represented by",
    ),
];

/// One relationship schema of [`RELATIONSHIPS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relationship {
    /// The FtM relationship schema name (`Ownership`, `Directorship`...).
    pub schema: &'static str,
    /// The property of the first end (`owner`).
    pub first: &'static str,
    /// The property of the second end (`asset`).
    pub second: &'static str,
    /// How the first end relates to the second (`owner of`).
    pub first_reads: &'static str,
    /// How the second end relates to the first (`owned by`).
    pub second_reads: &'static str,
}

impl Relationship {
    const fn new(
        schema: &'static str,
        first: &'static str,
        second: &'static str,
        first_reads: &'static str,
        second_reads: &'static str,
    ) -> Self {
        Relationship {
            schema,
            first,
            second,
            first_reads,
            second_reads,
        }
    }

    /// The relationship of a schema name.
    pub fn of(schema: &str) -> Option<&'static Relationship> {
        RELATIONSHIPS.iter().find(|r| r.schema == schema)
    }
}

/// Whether entities of this schema are relationships (see [`RELATIONSHIPS`]).
pub fn is_relationship(schema: &Schema) -> bool {
    Relationship::of(schema.name()).is_some()
}

/// Which end of a link an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first end (owner, director, person, member, subject...).
    First,
    /// The second end (asset, organization, relative, object...).
    Second,
}

/// A relationship with two ends.
#[derive(Debug, Clone)]
pub struct Link {
    /// The relationship entity's id; for a link made from a `linkedTo` name
    /// or a listing's text, `<entity>-linked-<target>` / `<entity>-names-<target>`.
    pub id: String,
    /// FtM schema name (`Ownership`, `UnknownLink`...).
    pub schema: String,
    /// The first end: its property name and entity id.
    pub first: (String, String),
    /// The second end.
    pub second: (String, String),
    /// Other properties of the relationship (role, dates, share...).
    pub properties: BTreeMap<String, Vec<String>>,
    /// The lists the link comes from: the relationship entity's datasets, or
    /// those of the entry whose `linkedTo` or text names the other end.
    pub datasets: Vec<String>,
}

impl Link {
    /// The end an entity is not on.
    pub fn other_end(&self, side: Side) -> &(String, String) {
        match side {
            Side::First => &self.second,
            Side::Second => &self.first,
        }
    }

    /// The end an entity is on.
    pub fn end(&self, side: Side) -> &(String, String) {
        match side {
            Side::First => &self.first,
            Side::Second => &self.second,
        }
    }

    /// How the link reads from the end `side` towards the other end:
    /// `owned by`, `director of`, `linked to`; a link found in a listing's
    /// text reads `names` / `named by`.
    pub fn reads(&self, side: Side) -> &'static str {
        let mention = self
            .properties
            .get("role")
            .is_some_and(|r| r.iter().any(|v| v == mentions::MENTION_ROLE));
        match (Relationship::of(&self.schema), side) {
            _ if mention && side == Side::First => "names",
            _ if mention => "named by",
            (Some(r), Side::First) => r.first_reads,
            (Some(r), Side::Second) => r.second_reads,
            (None, _) => "linked to",
        }
    }

    /// The property an end's entity shows the link under, FtM's reverse
    /// property name: schema and end property in camel case
    /// (`ownershipOwner`, `unknownLinkSubject`).
    pub fn reverse_property(&self, side: Side) -> String {
        let mut s = String::new();
        let mut chars = self.schema.chars();
        if let Some(c) = chars.next() {
            s.extend(c.to_lowercase());
        }
        s.extend(chars);
        let end = &self.end(side).0;
        let mut chars = end.chars();
        if let Some(c) = chars.next() {
            s.extend(c.to_uppercase());
        }
        s.extend(chars);
        s
    }
}

/// A reference to another entry (a `linkedTo` name, a reference number in
/// `notes`) that names no entity of the same list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The id of the entry whose `linkedTo` or text holds the reference.
    pub entity_id: String,
    /// The name or reference number as written.
    pub name: String,
    /// Where it is written: `linkedTo` or `notes`.
    pub property: &'static str,
}

/// Every link, by either end.
#[derive(Debug, Default)]
pub struct Network {
    links: Vec<Link>,
    by_entity: HashMap<String, Vec<(usize, Side)>>,
    unresolved: Vec<Unresolved>,
}

/// A name's lookup key: its words folded one by one (as names fold), in
/// sorted order, so `MILOSEVIC, Slobodan` and `Slobodan Milosevic` meet
/// (name order is not identity). Words fold alike whatever kind of entity
/// bears the name, so a `linkedTo` name needs no guess of its target's kind.
fn name_key(name: &str, folder: &mut WordFolder) -> String {
    let mut words: Vec<String> = folder.fold_text(name).into_iter().map(|w| w.0).collect();
    words.sort_unstable();
    words.join(" ")
}

/// Every name of the entities by (dataset, folded name key) -> ids.
fn names_by_dataset<'a>(
    entities: &[&'a Entity],
    folder: &mut WordFolder,
) -> HashMap<(&'a str, String), Vec<&'a str>> {
    let mut by_name: HashMap<(&str, String), Vec<&str>> = HashMap::new();
    for e in entities {
        for (_, name) in e.names() {
            let key = name_key(name, folder);
            if key.is_empty() {
                continue;
            }
            for d in &e.datasets {
                let ids = by_name.entry((d.as_str(), key.clone())).or_default();
                if !ids.contains(&e.id.as_str()) {
                    ids.push(&e.id);
                }
            }
        }
    }
    by_name
}

/// The label FtM's `UnknownLink.role` gets for OFAC's `Linked To:`.
pub const LINKED_TO_ROLE: &str = "Linked To";

impl Network {
    /// Builds the network from the screenable entities and the relationship
    /// entities (others are ignored).
    pub fn build<'a>(
        entities: impl IntoIterator<Item = &'a Entity>,
        relations: Vec<Entity>,
    ) -> Network {
        let entities: Vec<&Entity> = entities.into_iter().collect();
        let mut folder = WordFolder::default();
        let by_name = names_by_dataset(&entities, &mut folder);
        let mut net = Network::default();
        for e in &entities {
            net.add_linked_to(e, &by_name, &mut folder);
        }
        let (mentioned, unresolved) = mentions::find(&entities, &mut folder);
        for link in mentioned {
            net.push(link);
        }
        net.unresolved.extend(unresolved);
        for r in relations {
            net.add_relation(r);
        }
        net
    }

    /// The links of an entity's `linkedTo` names to the other entries of
    /// its datasets bearing that name; a name naming none is unresolved.
    fn add_linked_to(
        &mut self,
        e: &Entity,
        by_name: &HashMap<(&str, String), Vec<&str>>,
        folder: &mut WordFolder,
    ) {
        for name in e.get(prop::LINKED_TO) {
            let mut targets: Vec<&str> = Vec::new();
            let key = name_key(name, folder);
            for d in &e.datasets {
                if let Some(ids) = by_name.get(&(d.as_str(), key.clone())) {
                    targets.extend(ids.iter().filter(|id| **id != e.id));
                }
            }
            targets.sort_unstable();
            targets.dedup();
            if targets.is_empty() {
                self.unresolved.push(Unresolved {
                    entity_id: e.id.clone(),
                    name: name.clone(),
                    property: prop::LINKED_TO,
                });
            }
            for t in targets {
                let mut properties = BTreeMap::new();
                properties.insert("role".to_string(), vec![LINKED_TO_ROLE.to_string()]);
                self.push(Link {
                    id: format!("{}-linked-{}", e.id, t),
                    schema: "UnknownLink".to_string(),
                    first: ("subject".to_string(), e.id.clone()),
                    second: ("object".to_string(), t.to_string()),
                    properties,
                    datasets: e.datasets.clone(),
                });
            }
        }
    }

    /// The link a relationship entity (`Ownership`, `Family`, ...) stands
    /// for; other entities and relationships without both ends are passed
    /// over.
    fn add_relation(&mut self, r: Entity) {
        let Some(&Relationship {
            schema,
            first: a,
            second: b,
            ..
        }) = Relationship::of(r.schema.name())
        else {
            return;
        };
        let (Some(first), Some(second)) = (r.first(a), r.first(b)) else {
            return;
        };
        let (first, second) = (first.to_string(), second.to_string());
        let mut properties = r.properties.clone();
        properties.remove(a);
        properties.remove(b);
        self.push(Link {
            id: r.id.clone(),
            schema: schema.to_string(),
            first: (a.to_string(), first),
            second: (b.to_string(), second),
            properties,
            datasets: r.datasets.clone(),
        });
    }

    fn push(&mut self, link: Link) {
        let i = self.links.len();
        self.by_entity
            .entry(link.first.1.clone())
            .or_default()
            .push((i, Side::First));
        if link.second.1 != link.first.1 {
            self.by_entity
                .entry(link.second.1.clone())
                .or_default()
                .push((i, Side::Second));
        }
        self.links.push(link);
    }

    /// The links an entity is on, with its side, in both directions.
    pub fn links_of<'a>(&'a self, id: &str) -> impl Iterator<Item = (&'a Link, Side)> + 'a {
        self.by_entity
            .get(id)
            .into_iter()
            .flatten()
            .map(|&(i, side)| (&self.links[i], side))
    }

    /// Every link.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// `linkedTo` names and reference numbers in notes that resolved to no
    /// entity of the same list.
    pub fn unresolved(&self) -> &[Unresolved] {
        &self.unresolved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, schema: Schema, name: &str, dataset: &str) -> Entity {
        let mut e = Entity::new(id, schema);
        e.add(prop::NAME, name);
        e.add_dataset(dataset);
        e
    }

    #[test]
    fn linked_to_resolves_within_the_same_list_only() {
        let group_ofac = entity("o1", Schema::Organization, "MANSUDAE ART STUDIO", "ofac");
        let group_un = entity("u1", Schema::Organization, "MANSUDAE ART STUDIO", "un");
        let mut kim = entity("o2", Schema::Person, "KIM, Tong-chol", "ofac");
        kim.add(prop::LINKED_TO, "Mansudae Art Studio.");
        let net = Network::build([&group_ofac, &group_un, &kim], Vec::new());
        let ends: Vec<&str> = net
            .links_of("o2")
            .map(|(l, s)| l.other_end(s).1.as_str())
            .collect();
        assert_eq!(ends, ["o1"]);
        assert_eq!(net.links_of("u1").count(), 0);
        let (link, side) = net.links_of("o1").next().unwrap();
        assert_eq!(side, Side::Second);
        assert_eq!(link.reverse_property(side), "unknownLinkObject");
        assert_eq!(link.reverse_property(Side::First), "unknownLinkSubject");
        assert!(net.unresolved().is_empty());
    }

    #[test]
    fn ftm_relationships_become_links_by_either_end() {
        let owner = entity("p", Schema::Person, "Ri Su Yong", "os");
        let company = entity("c", Schema::Company, "Korea Ponghwa", "os");
        let mut own = Entity::new("own-1", Schema::Other("Ownership".into()));
        own.add("owner", "p");
        own.add("asset", "c");
        own.add("percentage", "51");
        let mut broken = Entity::new("own-2", Schema::Other("Ownership".into()));
        broken.add("owner", "p");
        let sanction = Entity::new("s-1", Schema::Other("Sanction".into()));
        assert!(is_relationship(&own.schema) && !is_relationship(&sanction.schema));
        let net = Network::build([&owner, &company], vec![own, broken, sanction]);
        assert_eq!(net.links().len(), 1, "a link without two ends is dropped");
        let (link, side) = net.links_of("c").next().unwrap();
        assert_eq!(
            link.other_end(side),
            &("owner".to_string(), "p".to_string())
        );
        assert_eq!(link.reverse_property(side), "ownershipAsset");
        assert_eq!(link.properties["percentage"], ["51"]);
        assert_eq!(net.links_of("p").count(), 1);
    }
}
