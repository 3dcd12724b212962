//! A search request: the text, its options, field filters, sort and facets.

use crate::SearchError;
use yalu_model::{Entity, prop};

/// One text search.
#[derive(Debug, Clone)]
pub struct TextQuery {
    /// The text. Words are separated by spaces; every word must match unless
    /// `OR` (or `|` when [`TextQuery::simple`]) stands between words. A word
    /// starting with `-` (or preceded by `NOT`) excludes entities that have
    /// it; `+` and `AND` are accepted and change nothing; a trailing `*` asks
    /// for a prefix (every word is also tried as a prefix anyway); double
    /// quotes group words, each of which must match. Empty: every entity
    /// passing the filters, by id.
    pub q: String,
    /// Tolerate typos: one edit in a word of 3-5 letters, two in longer ones.
    pub fuzzy: bool,
    /// yente's `simple_query_string` syntax (`|` for OR) instead of the
    /// Lucene-like one (`OR`, `AND`, `NOT`).
    pub simple: bool,
    /// `field:value` filters: values of one field are alternatives, fields
    /// combine with AND.
    pub filters: Vec<FieldFilter>,
    /// Facets to count over all results (not only the page).
    pub facets: Vec<Facet>,
    /// Applied in order; default: score descending, then id.
    pub sort: Vec<SortKey>,
    /// Page size: at most this many hits are returned (default 10).
    pub limit: usize,
    /// Results skipped before the page starts, for paging (default 0).
    pub offset: usize,
}

impl TextQuery {
    /// A query for `q` with yente's defaults (10 results, facets on
    /// countries, topics and datasets).
    pub fn new(q: &str) -> TextQuery {
        TextQuery {
            q: q.to_string(),
            fuzzy: false,
            simple: false,
            filters: Vec::new(),
            facets: vec![Facet::Countries, Facet::Topics, Facet::Datasets],
            sort: Vec::new(),
            limit: 10,
            offset: 0,
        }
    }
}

/// One parsed word of the query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryWord {
    pub text: String,
    pub negated: bool,
}

/// The words of a query and whether any of them suffices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedText {
    pub words: Vec<QueryWord>,
    pub any: bool,
}

/// Cuts the query text into words (see [`TextQuery::q`]).
pub(crate) fn parse_text(q: &str, simple: bool) -> ParsedText {
    let mut words = Vec::new();
    let mut any = false;
    let mut negate_next = false;
    let mut pieces: Vec<String> = Vec::new();
    // Quotes only group: split on whitespace outside and inside alike.
    for raw in q.split_whitespace() {
        let raw = raw.trim_matches('"');
        if !raw.is_empty() {
            pieces.push(raw.to_string());
        }
    }
    for piece in pieces {
        let operator = if simple {
            match piece.as_str() {
                "|" => Some("OR"),
                "+" => Some("AND"),
                "-" => Some("NOT"),
                _ => None,
            }
        } else {
            match piece.as_str() {
                "OR" | "||" => Some("OR"),
                "AND" | "&&" => Some("AND"),
                "NOT" | "!" => Some("NOT"),
                _ => None,
            }
        };
        match operator {
            Some("OR") => {
                any = true;
                continue;
            }
            Some("AND") => continue,
            Some(_) => {
                negate_next = true;
                continue;
            }
            None => {}
        }
        let mut text = piece.as_str();
        let mut negated = std::mem::take(&mut negate_next);
        if let Some(rest) = text.strip_prefix('-') {
            negated = true;
            text = rest;
        } else if let Some(rest) = text.strip_prefix('+') {
            text = rest;
        }
        if simple && text.contains('|') {
            any = true;
        }
        for part in text.split('|') {
            let part = part.trim_end_matches('*');
            if !part.is_empty() {
                words.push(QueryWord {
                    text: part.to_string(),
                    negated,
                });
            }
        }
    }
    ParsedText { words, any }
}

/// A `field:value` filter (yente's `filter` parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFilter {
    /// `countries`, `topics`, `datasets`, `schema`, `id`, or a property name
    /// (with or without a `properties.` prefix).
    pub field: String,
    /// The value an entity must have in the field, compared ignoring ASCII
    /// case (`kp` finds `KP`).
    pub value: String,
}

impl FieldFilter {
    /// Parses `field:value`.
    pub fn parse(raw: &str) -> Result<FieldFilter, SearchError> {
        let Some((field, value)) = raw.split_once(':') else {
            return Err(SearchError::BadFilter(raw.to_string()));
        };
        let field = field.trim();
        let field = field.strip_prefix("properties.").unwrap_or(field);
        let value = value.trim();
        if field.is_empty() || value.is_empty() {
            return Err(SearchError::BadFilter(raw.to_string()));
        }
        Ok(FieldFilter {
            field: field.to_string(),
            value: value.to_string(),
        })
    }

    /// Whether the entity has the value in the field (case-insensitive).
    pub fn accepts(&self, e: &Entity) -> bool {
        let eq = |v: &str| v.eq_ignore_ascii_case(&self.value) || v == self.value;
        match self.field.as_str() {
            "countries" => prop::COUNTRY_PROPERTIES
                .iter()
                .any(|p| e.get(p).iter().any(|v| eq(v))),
            "topics" => e.get(prop::TOPICS).iter().any(|v| eq(v)),
            "datasets" | "dataset" => e.datasets.iter().any(|v| eq(v)),
            "schema" => eq(e.schema.name()),
            "id" | "entity_id" => eq(&e.id) || e.referents.iter().any(|r| eq(r)),
            p => e.get(p).iter().any(|v| eq(v)),
        }
    }
}

/// A facet counted over all results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// Values of every country property (nationality, jurisdiction...),
    /// ISO codes as the list readers store them.
    Countries,
    /// FtM topics (`sanction`, `role.pep`, `crime`...).
    Topics,
    /// The lists an entity is on (`us_ofac_sdn`, `un_sc_sanctions`...).
    Datasets,
    /// The FtM schema (`Person`, `Company`, `Vessel`...).
    Schema,
}

impl Facet {
    /// Parses a `facets` value (`countries`, `topics`, `datasets`, `schema`).
    pub fn parse(name: &str) -> Result<Facet, SearchError> {
        match name {
            "countries" => Ok(Facet::Countries),
            "topics" => Ok(Facet::Topics),
            "datasets" => Ok(Facet::Datasets),
            "schema" => Ok(Facet::Schema),
            other => Err(SearchError::UnknownFacet(other.to_string())),
        }
    }

    /// The facet's name on the wire, as [`Facet::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Countries => "countries",
            Facet::Topics => "topics",
            Facet::Datasets => "datasets",
            Facet::Schema => "schema",
        }
    }

    /// The facet's values on one entity, deduplicated.
    pub(crate) fn values(self, e: &Entity) -> Vec<&str> {
        let mut values: Vec<&str> = match self {
            Facet::Countries => prop::COUNTRY_PROPERTIES
                .iter()
                .flat_map(|p| e.get(p).iter().map(String::as_str))
                .collect(),
            Facet::Topics => e.get(prop::TOPICS).iter().map(String::as_str).collect(),
            Facet::Datasets => e.datasets.iter().map(String::as_str).collect(),
            Facet::Schema => vec![e.schema.name()],
        };
        values.sort_unstable();
        values.dedup();
        values
    }
}

/// What results can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Relevance to the query text (`score` or `_score`).
    Score,
    /// The entity's display name.
    Caption,
    /// The entity id (`id` or `entity_id`).
    Id,
    /// The FtM schema name.
    Schema,
    /// When the entity was first seen on a list (`first_seen`).
    FirstSeen,
    /// When it was last seen on a list (`last_seen`).
    LastSeen,
    /// When its entry last changed (`last_change`).
    LastChange,
}

/// One sort key: `field` or `field:asc|desc` (score defaults to descending,
/// everything else to ascending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// What to sort by.
    pub field: SortField,
    /// Largest first when true.
    pub descending: bool,
}

impl SortKey {
    /// Parses a `sort` value: `field` or `field:asc|desc`.
    pub fn parse(raw: &str) -> Result<SortKey, SearchError> {
        let bad = || SearchError::BadSort(raw.to_string());
        let (field, dir) = match raw.split_once(':') {
            Some((f, d)) => (f.trim(), Some(d.trim())),
            None => (raw.trim(), None),
        };
        let field = match field {
            "score" | "_score" => SortField::Score,
            "caption" => SortField::Caption,
            "id" | "entity_id" => SortField::Id,
            "schema" => SortField::Schema,
            "first_seen" => SortField::FirstSeen,
            "last_seen" => SortField::LastSeen,
            "last_change" => SortField::LastChange,
            _ => return Err(bad()),
        };
        let descending = match dir {
            None => field == SortField::Score,
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(bad()),
        };
        Ok(SortKey { field, descending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(p: &ParsedText) -> Vec<(&str, bool)> {
        p.words
            .iter()
            .map(|w| (w.text.as_str(), w.negated))
            .collect()
    }

    #[test]
    fn lucene_like_syntax() {
        let p = parse_text("Mansudae -Art NOT Studio Over* \"Project Group\"", false);
        assert!(!p.any);
        assert_eq!(
            words(&p),
            vec![
                ("Mansudae", false),
                ("Art", true),
                ("Studio", true),
                ("Over", false),
                ("Project", false),
                ("Group", false)
            ]
        );
        let p = parse_text("Kim OR Ri", false);
        assert!(p.any);
        assert_eq!(words(&p), vec![("Kim", false), ("Ri", false)]);
    }

    #[test]
    fn simple_syntax() {
        let p = parse_text("Kim | Ri", true);
        assert!(p.any);
        let p = parse_text("Kim|Ri -Jong", true);
        assert!(p.any);
        assert_eq!(
            words(&p),
            vec![("Kim", false), ("Ri", false), ("Jong", true)]
        );
        // `OR` is a word in the simple syntax.
        assert!(!parse_text("Kim OR Ri", true).any);
    }

    #[test]
    fn filters_sort_facets_parse_or_refuse() {
        let f = FieldFilter::parse("properties.idNumber: 123").unwrap();
        assert_eq!((f.field.as_str(), f.value.as_str()), ("idNumber", "123"));
        for bad in ["countries", ":kp", "countries:"] {
            assert!(matches!(
                FieldFilter::parse(bad),
                Err(SearchError::BadFilter(_))
            ));
        }
        assert_eq!(
            SortKey::parse("caption").unwrap(),
            SortKey {
                field: SortField::Caption,
                descending: false
            }
        );
        assert!(SortKey::parse("score").unwrap().descending);
        assert!(SortKey::parse("last_change:desc").unwrap().descending);
        assert!(SortKey::parse("colour").is_err());
        assert!(SortKey::parse("id:up").is_err());
        assert_eq!(Facet::parse("schema").unwrap(), Facet::Schema);
        assert!(Facet::parse("colours").is_err());
    }
}
