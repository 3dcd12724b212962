//! Query-string parameters, parsed by hand so repeated parameters
//! (`topics=a&topics=b`) work as in yente and every bad value gets a stable
//! error code naming the parameter.

use crate::error::{ApiError, ErrorCode};
use std::str::FromStr;
use utoipa::IntoParams;
use yalu_model::{Entity, FuzzyDate, Schema, prop};

/// Parsed `key=value` pairs, in order.
pub struct RawParams(Vec<(String, String)>);

/// One decoded `key=value` pair of a query string.
pub type QueryPair<'q> = (std::borrow::Cow<'q, str>, std::borrow::Cow<'q, str>);

/// The `key=value` pairs of a query string. A key or value that is not
/// UTF-8 once percent-decoded (`q=Jos%E9`, Latin-1) is refused rather than
/// read with replacement characters, which would search for another name.
pub fn query_pairs(query: Option<&str>) -> Result<Vec<QueryPair<'_>>, ApiError> {
    let query = query.unwrap_or("");
    for piece in query.split('&') {
        let mut bytes = Vec::with_capacity(piece.len());
        let raw = piece.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            match (raw[i], raw.get(i + 1).copied(), raw.get(i + 2).copied()) {
                (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                    bytes.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                    i += 3;
                }
                (b, _, _) => {
                    bytes.push(b);
                    i += 1;
                }
            }
        }
        if std::str::from_utf8(&bytes).is_err() {
            let name = piece.split('=').next().unwrap_or(piece);
            return Err(ApiError::parameter(format!(
                "`{name}` is not UTF-8 text once percent-decoded (send UTF-8, e.g. `%C3%A9` for é)"
            )));
        }
    }
    Ok(form_urlencoded::parse(query.as_bytes()).collect())
}

impl RawParams {
    /// Decodes a request's query string (`None`: no query string, no
    /// parameters); `invalid_parameter` when it is not UTF-8.
    pub fn parse(query: Option<&str>) -> Result<RawParams, ApiError> {
        Ok(RawParams(
            query_pairs(query)?
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// A parameter that may appear once.
    pub fn single(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name);
        let first = values.next().map(|(_, v)| v.as_str());
        if values.next().is_some() {
            return Err(ApiError::parameter(format!(
                "`{name}` may be given only once"
            )));
        }
        Ok(first)
    }

    /// Every value of a repeatable parameter (empty values ignored).
    pub fn many(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A parameter that may appear once, parsed as a number (space around
    /// it trimmed); `None` when absent, `invalid_parameter` when it is not a
    /// number of type `T`.
    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.single(name)? {
            None => Ok(None),
            Some(v) => {
                v.trim().parse().map(Some).map_err(|_| {
                    ApiError::parameter(format!("`{name}` must be a number, got `{v}`"))
                })
            }
        }
    }

    /// A score parameter (`threshold`, `cutoff`): a number within 0..1, or
    /// `None` when absent.
    pub fn score(&self, name: &str) -> Result<Option<f64>, ApiError> {
        let v: Option<f64> = self.number(name)?;
        if let Some(x) = v
            && !(0.0..=1.0).contains(&x)
        {
            return Err(ApiError::parameter(format!(
                "`{name}` must be within 0..1, got {x}"
            )));
        }
        Ok(v)
    }

    /// A count parameter (`limit`, `offset`) within `min..=max`, `default`
    /// when absent.
    pub fn bounded(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let v = self.number::<usize>(name)?.unwrap_or(default);
        if v < min || v > max {
            return Err(ApiError::parameter(format!(
                "`{name}` must be within {min}..{max}, got {v}"
            )));
        }
        Ok(v)
    }
}

/// Parses a schema name that Yalu screens.
pub fn screening_schema(name: &str) -> Result<Schema, ApiError> {
    match name.parse::<Schema>() {
        Ok(Schema::Other(_)) | Err(_) => Err(ApiError::new(
            ErrorCode::UnknownSchema,
            format!(
                "`{name}` is not a schema Yalu screens (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity, Thing)"
            ),
        )),
        Ok(s) => Ok(s),
    }
}

/// A `changed_since` value: a date or date-time in ISO form.
pub fn changed_since(value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    let (date, time) = match v.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (v, None),
    };
    let bad = || {
        ApiError::new(
            ErrorCode::InvalidDate,
            format!(
                "`changed_since` must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS), got `{value}`"
            ),
        )
    };
    FuzzyDate::from_str(date).map_err(|_| bad())?;
    if let Some(t) = time {
        let ok = t.len() >= 5
            && t.is_char_boundary(5)
            && t[..5].bytes().enumerate().all(|(i, b)| {
                if i == 2 {
                    b == b':'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !ok {
            return Err(bad());
        }
    }
    Ok(v.to_string())
}

/// Query parameters of `POST /match/{dataset}` (documentation and parsing).
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// Results per query (default 5, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// Score at or above which a result is a match (default 0.70).
    #[param(minimum = 0, maximum = 1)]
    pub threshold: Option<f64>,
    /// Results scoring below this are not returned (default 0.50, never
    /// above `threshold`).
    #[param(minimum = 0, maximum = 1)]
    pub cutoff: Option<f64>,
    /// Algorithm name (see `/algorithms`; `best` and `default` are aliases).
    #[allow(
        dead_code,
        reason = "checked against the one algorithm when parsed; nothing to choose"
    )]
    pub algorithm: Option<String>,
    /// Only results from these datasets.
    #[param(required = false)]
    pub include_dataset: Vec<String>,
    /// No results from these datasets.
    #[param(required = false)]
    pub exclude_dataset: Vec<String>,
    /// No results of these schemas (or their descendants).
    #[param(required = false)]
    pub exclude_schema: Vec<String>,
    /// Only results with one of these topics.
    #[param(required = false)]
    pub topics: Vec<String>,
    /// Only entities changed on or after this date.
    pub changed_since: Option<String>,
    /// Never return these ids (or entities with them as referents).
    #[param(required = false, max_items = 500)]
    pub exclude_entity_ids: Vec<String>,
}

/// Query parameters of `GET /search/{dataset}`: their documentation (the
/// handler reads them from [`RawParams`]).
#[derive(Debug, Default, IntoParams)]
#[allow(dead_code, reason = "documents the parameters; never built")]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to search for in names, aliases and identifiers and, with less
    /// weight, addresses and notes; every word must match (`OR` between
    /// words relaxes that, `-word` excludes), whole, as a prefix, or in any
    /// script or romanisation. Empty lists entities by id.
    pub q: Option<String>,
    /// Only entities of this schema or its descendants (default Thing).
    pub schema: Option<String>,
    /// Results per page (default 10, at most 500).
    #[param(minimum = 0, maximum = 500)]
    pub limit: Option<usize>,
    /// Results to skip (at most 10000).
    #[param(minimum = 0, maximum = 10000)]
    pub offset: Option<usize>,
    /// Only entities linked to one of these countries (ISO codes).
    #[param(required = false)]
    pub countries: Vec<String>,
    /// Only entities with one of these topics.
    #[param(required = false)]
    pub topics: Vec<String>,
    /// Only entities from one of these datasets.
    #[param(required = false)]
    pub datasets: Vec<String>,
    /// Same as `datasets` (yente clients send extra datasets so).
    #[param(required = false)]
    pub include_dataset: Vec<String>,
    /// Facets to count over all results: any of `countries`, `topics`,
    /// `datasets`, `schema` (default the first three).
    #[param(required = false)]
    pub facets: Vec<String>,
    /// No results of these schemas (or their descendants).
    #[param(required = false)]
    pub exclude_schema: Vec<String>,
    /// No results from these datasets.
    #[param(required = false)]
    pub exclude_dataset: Vec<String>,
    /// Only entities changed on or after this date.
    pub changed_since: Option<String>,
    /// `field:value` filters (`countries:kp`, `properties.idNumber:123`);
    /// values of one field are alternatives, fields combine with AND.
    #[param(required = false)]
    pub filter: Vec<String>,
    /// Tolerate typos (one edit in words of 3-5 letters, two in longer).
    pub fuzzy: Option<bool>,
    /// Read `q` in the simple syntax (`|` for OR, `-` for NOT).
    pub simple: Option<bool>,
    /// Sort keys, `field` or `field:asc|desc` (score, caption, id, schema,
    /// first_seen, last_seen, last_change); default score descending.
    #[param(required = false)]
    pub sort: Vec<String>,
}

/// Which entities a query may return. Applied before scoring.
#[derive(Debug, Default)]
pub struct EntityFilter {
    /// The path dataset (`None` for `default`).
    pub dataset: Option<String>,
    /// Entity must be in one of these (empty: no constraint).
    pub any_dataset: Vec<String>,
    /// Entity must be in none of these datasets.
    pub exclude_datasets: Vec<String>,
    /// Entity schema must descend from this.
    pub schema: Option<Schema>,
    /// Entity schema must descend from none of these.
    pub exclude_schemas: Vec<Schema>,
    /// Entity must have one of these topics (`sanction`, `role.pep`...;
    /// empty: no constraint).
    pub topics: Vec<String>,
    /// Entity must have one of these country codes (ISO alpha-2, as the
    /// entity stores them) in a country property (empty: no constraint).
    pub countries: Vec<String>,
    /// Entity's `last_change` must be on or after this ISO date or
    /// date-time; entities without one are left out (`None`: no
    /// constraint).
    pub changed_since: Option<String>,
    /// Entities with one of these ids, as id or referent, are left out.
    pub exclude_ids: Vec<String>,
}

impl EntityFilter {
    /// True when the entity passes every constraint of the filter.
    pub fn accepts(&self, e: &Entity) -> bool {
        if let Some(d) = &self.dataset
            && !e.datasets.contains(d)
        {
            return false;
        }
        if !self.any_dataset.is_empty() && !self.any_dataset.iter().any(|d| e.datasets.contains(d))
        {
            return false;
        }
        if self.exclude_datasets.iter().any(|d| e.datasets.contains(d)) {
            return false;
        }
        if let Some(s) = &self.schema
            && !e.schema.is_a(s)
        {
            return false;
        }
        if self.exclude_schemas.iter().any(|s| e.schema.is_a(s)) {
            return false;
        }
        if !self.topics.is_empty() {
            let topics = e.get(prop::TOPICS);
            if !self.topics.iter().any(|t| topics.contains(t)) {
                return false;
            }
        }
        if !self.countries.is_empty()
            && !prop::COUNTRY_PROPERTIES
                .iter()
                .any(|p| e.get(p).iter().any(|c| self.countries.contains(c)))
        {
            return false;
        }
        if let Some(since) = &self.changed_since {
            match &e.last_change {
                Some(changed) if changed.as_str() >= since.as_str() => {}
                _ => return false,
            }
        }
        if !self.exclude_ids.is_empty()
            && (self.exclude_ids.contains(&e.id)
                || e.referents.iter().any(|r| self.exclude_ids.contains(r)))
        {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_must_decode_to_utf8() {
        let ok = query_pairs(Some("q=Jos%C3%A9+Kim&limit=3")).unwrap();
        assert_eq!(ok[0].1, "José Kim");
        for bad in ["q=Jos%E9", "q=%FF%FE", "limit=1&%E9=x"] {
            let e = query_pairs(Some(bad)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameter, "{bad}");
            assert!(e.detail.contains("UTF-8"), "{}", e.detail);
        }
        // A stray `%` is literal, as form_urlencoded reads it.
        assert_eq!(query_pairs(Some("q=100%")).unwrap()[0].1, "100%");
    }

    #[test]
    fn repeated_and_single_parameters() {
        let p = RawParams::parse(Some(
            "topics=a&topics=b&limit=3&limit=4&threshold=x&q=Kim+Jong",
        ))
        .unwrap();
        assert_eq!(p.many("topics"), vec!["a", "b"]);
        assert_eq!(
            p.single("limit").unwrap_err().code,
            ErrorCode::InvalidParameter
        );
        assert_eq!(
            p.score("threshold").unwrap_err().code,
            ErrorCode::InvalidParameter
        );
        assert_eq!(p.single("q").unwrap(), Some("Kim Jong"));
        let p = RawParams::parse(Some("threshold=1.5&limit=501")).unwrap();
        assert!(p.score("threshold").is_err());
        assert!(p.bounded("limit", 5, 1, 500).is_err());
        assert_eq!(
            RawParams::parse(None)
                .unwrap()
                .bounded("limit", 5, 1, 500)
                .unwrap(),
            5
        );
    }

    #[test]
    fn schemas_and_dates() {
        assert_eq!(screening_schema("Person").unwrap(), Schema::Person);
        assert_eq!(screening_schema("Thing").unwrap(), Schema::Thing);
        assert_eq!(
            screening_schema("Ownership").unwrap_err().code,
            ErrorCode::UnknownSchema
        );
        assert!(changed_since("2024-01-31").is_ok());
        assert!(changed_since("2024-01-31T10:00:00").is_ok());
        assert_eq!(
            changed_since("2024-13-01").unwrap_err().code,
            ErrorCode::InvalidDate
        );
        assert!(changed_since("yesterday").is_err());
        assert!(changed_since("2024-01-31Tnoon").is_err());
        assert!(changed_since("2024-01-31T\u{e9}\u{e9}\u{e9}").is_err());
    }

    #[test]
    fn filter_combines_constraints() {
        let mut e = Entity::new("ofac-1", Schema::Company);
        e.add_dataset("us_ofac_sdn");
        e.add(prop::COUNTRY, "kp");
        e.referents.push("old-1".into());
        let f = EntityFilter::default();
        assert!(f.accepts(&e));
        let f = EntityFilter {
            dataset: Some("un_sc_sanctions".into()),
            ..Default::default()
        };
        assert!(!f.accepts(&e));
        let f = EntityFilter {
            exclude_schemas: vec![Schema::Organization],
            ..Default::default()
        };
        assert!(!f.accepts(&e), "Company descends from Organization");
        let f = EntityFilter {
            countries: vec!["kp".into()],
            ..Default::default()
        };
        assert!(f.accepts(&e));
        let f = EntityFilter {
            exclude_ids: vec!["old-1".into()],
            ..Default::default()
        };
        assert!(!f.accepts(&e));
        let f = EntityFilter {
            changed_since: Some("2020-01-01".into()),
            ..Default::default()
        };
        assert!(!f.accepts(&e), "no last_change: not known to have changed");
    }
}
