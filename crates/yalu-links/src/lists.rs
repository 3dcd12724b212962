//! What screening and detection read: the screening index and the network
//! between its entities, built once from the loaded lists.

use crate::{Link, Network, Side, is_relationship};
use std::time::Instant;
use yalu_match::{Explanation, Index};
use yalu_model::Entity;

/// The explanation key of how a screening result stands in the sanctions
/// network ([`Lists::network_explanation`]).
pub const NETWORK_FEATURE: &str = "network";

/// The loaded lists: screenable entities indexed for matching, and the
/// links between them (relationship entities are kept as links only).
pub struct Lists {
    /// The screening index over every loaded entity but relationships.
    pub index: Index,
    /// The links between the indexed entities, by either end.
    pub network: Network,
    /// How long [`Lists::build`] took to build the index, in seconds.
    pub index_seconds: f64,
    /// How long it took to build the network, in seconds.
    pub network_seconds: f64,
}

/// A listed entity (a screening target) that an entity is linked to.
#[derive(Debug, Clone, Copy)]
pub struct ListedLink<'a> {
    /// The link between the entity asked about and the listed entity.
    pub link: &'a Link,
    /// The side the entity asked about is on.
    pub side: Side,
    /// The listed entity at the other end.
    pub listed: &'a Entity,
}

impl ListedLink<'_> {
    /// How the entity is linked: `owned by KIM Tong-chol (ofac-22702)`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} ({})",
            self.link.reads(self.side),
            self.listed.caption(),
            self.listed.id
        )
    }
}

impl Lists {
    /// Splits relationship entities from screenable ones, indexes the
    /// latter and builds the network over both.
    pub fn build(entities: impl IntoIterator<Item = Entity>) -> Lists {
        let (relations, entities): (Vec<_>, Vec<_>) = entities
            .into_iter()
            .partition(|e| is_relationship(&e.schema));
        let phase = Instant::now();
        let index = Index::build(entities);
        let index_seconds = phase.elapsed().as_secs_f64();
        let phase = Instant::now();
        let network = Network::build(index.entities(), relations);
        Lists {
            index,
            network,
            index_seconds,
            network_seconds: phase.elapsed().as_secs_f64(),
        }
    }

    /// The listed entities (`target`) one link away from `id`, in both
    /// directions, with the link. Links to entities that are not loaded or
    /// not targets are left out.
    pub fn listed_links(&self, id: &str) -> Vec<ListedLink<'_>> {
        self.network
            .links_of(id)
            .filter_map(|(link, side)| {
                let other = self.index.get(&link.other_end(side).1)?;
                other.target.then_some(ListedLink {
                    link,
                    side,
                    listed: other,
                })
            })
            .collect()
    }

    /// How a screening result that is not itself listed stands in the
    /// network: linked to listed entities (named, with the link, in
    /// `detail` and `candidate`, feature score 1) or to none (score 0).
    /// It moves the result's score by nothing: the score is the likeness of
    /// the query to this entity, the network says why it may matter all
    /// the same. `None` for a listed entity, whose listing says it.
    /// `found` is [`Lists::listed_links`] of the entity.
    pub fn network_explanation(
        &self,
        entity: &Entity,
        found: &[ListedLink<'_>],
    ) -> Option<Explanation> {
        if entity.target {
            return None;
        }
        let detail = if found.is_empty() {
            "not listed itself, and linked to no listed entity in the loaded lists".to_string()
        } else {
            let through: Vec<String> = found.iter().map(ListedLink::describe).collect();
            format!(
                "not listed itself; linked to listed entities: {}",
                through.join("; ")
            )
        };
        let candidate = (!found.is_empty()).then(|| {
            found
                .iter()
                .map(|l| l.listed.caption())
                .collect::<Vec<_>>()
                .join("; ")
        });
        Some(Explanation {
            detail,
            score: if found.is_empty() { 0.0 } else { 1.0 },
            query: None,
            candidate,
            contribution: 0.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yalu_model::{Schema, prop};

    #[test]
    fn listed_links_lead_to_targets_only() {
        let mut owner = Entity::new("p", Schema::Person);
        owner.add(prop::NAME, "Ri Su Yong");
        owner.target = true;
        let mut company = Entity::new("c", Schema::Company);
        company.add(prop::NAME, "Korea Ponghwa Trading");
        let mut sister = Entity::new("s", Schema::Company);
        sister.add(prop::NAME, "Ponghwa Shipping");
        let relation = |id: &str, schema: &str, a: (&str, &str), b: (&str, &str)| {
            let mut r = Entity::new(id, Schema::Other(schema.into()));
            r.add(a.0, a.1);
            r.add(b.0, b.1);
            r
        };
        let lists = Lists::build([
            owner,
            company,
            sister,
            relation("o1", "Ownership", ("owner", "p"), ("asset", "c")),
            relation("o2", "Ownership", ("owner", "c"), ("asset", "s")),
        ]);
        assert_eq!(lists.index.len(), 3, "relationships are not screened");
        let found = lists.listed_links("c");
        assert_eq!(found.len(), 1, "the unlisted sister company is left out");
        assert_eq!(found[0].describe(), "owned by Ri Su Yong (p)");
        // From the listed end, the company is not a target.
        assert!(lists.listed_links("p").is_empty());
        assert!(lists.listed_links("s").is_empty(), "one link away only");
    }
}
