//! The records of the event data format (`docs/events.md` in the repository), typed.
//!
//! References between records are resolved at read time into indices
//! ([`PersonIx`], [`OrgIx`], ...) into the vectors of [`DataSet`]; the input
//! ids stay on every record for evidence. A reference that may point at a
//! person or an organization is a [`Party`].

use crate::day::Day;
use yalu_model::FuzzyDate;

/// The country value of a record that wrote an ambiguous "Korea" (or
/// "Korean"): one of the two Koreas, not known which. It is neither `kp`
/// nor `kr`: no rule reads it as a DPRK nationality, it does not conflict
/// with either code (`NATIONALITY_CONFLICT`), and resolution treats it as
/// a nationality of its own (two such records agree with each other only).
pub const KOREA_UNSPECIFIED: &str = "korea?";

/// Whether a country value is a definite code (not [`KOREA_UNSPECIFIED`]).
pub fn is_definite_country(code: &str) -> bool {
    code != KOREA_UNSPECIFIED
}

pub type PersonIx = u32;
pub type OrgIx = u32;
pub type DocIx = u32;

/// A person or an organization, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    Person(PersonIx),
    Org(OrgIx),
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every value, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as written in the data.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the value as written in the data (case-insensitive).
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $(if t.eq_ignore_ascii_case($text) { return Some($name::$variant); })+
                None
            }
        }
    };
}

text_enum!(
    /// `persons.gender`.
    Gender { F = "F", M = "M" }
);
text_enum!(
    /// `documents.kind`.
    DocKind { Visa = "visa", WorkPermit = "work_permit", ResidencePermit = "residence_permit", Passport = "passport" }
);
text_enum!(
    /// `documents.category`.
    Category {
        Work = "work", Intern = "intern", Trainee = "trainee", Technician = "technician",
        Entertainer = "entertainer", Student = "student", Tourist = "tourist",
        Business = "business", Official = "official", Other = "other",
    }
);
text_enum!(
    /// `crossings.direction`, relative to `crossings.country`.
    Direction { Entry = "entry", Exit = "exit" }
);
text_enum!(
    /// `placements.sector` and `organizations.sector`.
    Sector {
        Textile = "textile", Seafood = "seafood", Restaurant = "restaurant", Construction = "construction",
        It = "it", Fishing = "fishing", Logging = "logging", Medical = "medical", Mining = "mining",
        Agriculture = "agriculture", Other = "other",
    }
);
text_enum!(
    /// `organizations.kind`.
    OrgKind {
        StaffingAgency = "staffing_agency", Employer = "employer", Restaurant = "restaurant",
        TradingHouse = "trading_house", Bank = "bank", Government = "government", Other = "other",
    }
);
text_enum!(
    /// `relations.kind`.
    RelationKind {
        Owns = "owns", Directs = "directs", Represents = "represents", Family = "family",
        AddressShared = "address_shared", Other = "other",
    }
);
impl RelationKind {
    /// The relation read from its `to` side, ready for "X is ... Y":
    /// `owned by`, `directed by`, `represented by` ...
    pub fn passive(self) -> &'static str {
        match self {
            RelationKind::Owns => "owned by",
            RelationKind::Directs => "directed by",
            RelationKind::Represents => "represented by",
            RelationKind::Family => "related by family to",
            RelationKind::AddressShared => "at the same address as",
            RelationKind::Other => "linked to",
        }
    }
}

text_enum!(
    /// `payments.channel`.
    Channel { Bank = "bank", Cash = "cash", Mobile = "mobile", Crypto = "crypto", Other = "other" }
);

/// `persons.csv`.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub full_name: String,
    pub name_original_script: Option<String>,
    pub birth_date: Option<FuzzyDate>,
    pub gender: Option<Gender>,
    /// Lower-case ISO alpha-2 code.
    pub nationality: Option<&'static str>,
    pub passport_number: Option<String>,
    pub source: Option<String>,
}

/// `documents.csv`.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub person: PersonIx,
    pub kind: DocKind,
    pub category: Option<Category>,
    pub issuing_country: Option<&'static str>,
    pub number: Option<String>,
    pub sponsor: Option<OrgIx>,
    pub issued_on: Option<Day>,
    pub valid_from: Option<Day>,
    pub valid_until: Option<Day>,
}

impl Document {
    /// The document as a reader says it: the category before the kind
    /// (`intern visa`, `student residence permit`), without repeating a
    /// word the kind already has (`work permit`, never `work work permit`).
    pub fn label(&self) -> String {
        let kind = self.kind.as_str().replace('_', " ");
        match self.category {
            Some(c) if !kind.split(' ').any(|w| w == c.as_str()) => {
                format!("{} {kind}", c.as_str())
            }
            _ => kind,
        }
    }

    /// First day of validity: `valid_from`, else `issued_on`.
    pub fn start(&self) -> Option<Day> {
        self.valid_from.or(self.issued_on)
    }

    /// The day the authorisation was granted: `issued_on`, else `valid_from`.
    pub fn issued(&self) -> Option<Day> {
        self.issued_on.or(self.valid_from)
    }
}

/// `crossings.csv`.
#[derive(Debug, Clone)]
pub struct Crossing {
    pub id: String,
    pub person: PersonIx,
    pub document: Option<DocIx>,
    pub direction: Direction,
    pub country: &'static str,
    pub port: Option<String>,
    pub day: Day,
    pub group_ref: Option<String>,
}

/// `placements.csv`.
#[derive(Debug, Clone)]
pub struct Placement {
    pub id: String,
    pub person: PersonIx,
    pub agency: Option<OrgIx>,
    pub client: OrgIx,
    pub site: Option<String>,
    pub sector: Option<Sector>,
    pub role: Option<String>,
    pub start: Day,
    /// `None`: still working.
    pub end: Option<Day>,
    pub wage_amount: Option<f64>,
    pub wage_currency: Option<String>,
}

/// `organizations.csv`.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub name_original_script: Option<String>,
    pub kind: Option<OrgKind>,
    pub country: Option<&'static str>,
    pub city: Option<String>,
    pub registration_number: Option<String>,
    pub sector: Option<Sector>,
}

/// `relations.csv`.
#[derive(Debug, Clone)]
pub struct Relation {
    pub id: String,
    pub from: Party,
    pub to: Party,
    pub kind: RelationKind,
    pub share: Option<f64>,
    pub since: Option<Day>,
    pub until: Option<Day>,
}

/// `payments.csv`.
#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub payer: Party,
    pub payee: Party,
    pub amount: f64,
    pub currency: String,
    pub day: Day,
    pub channel: Option<Channel>,
    pub reference: Option<String>,
}

/// Every record of a data set, references resolved to indices.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    pub persons: Vec<Person>,
    pub documents: Vec<Document>,
    pub crossings: Vec<Crossing>,
    pub placements: Vec<Placement>,
    pub organizations: Vec<Organization>,
    pub relations: Vec<Relation>,
    pub payments: Vec<Payment>,
}

impl DataSet {
    /// The input id of a party.
    pub fn party_id(&self, party: Party) -> &str {
        match party {
            Party::Person(p) => &self.persons[p as usize].id,
            Party::Org(o) => &self.organizations[o as usize].id,
        }
    }

    /// The latest event day in the data: crossings, placement starts and
    /// ends, payments, the day a document was issued or starts. The end of
    /// a document's validity is left out (a five-year visa reaches far
    /// past the data).
    pub fn latest_event_day(&self) -> Option<Day> {
        let d = self.documents.iter().filter_map(|d| d.start());
        let c = self.crossings.iter().map(|c| c.day).chain(d);
        let p = self
            .placements
            .iter()
            .flat_map(|p| [Some(p.start), p.end])
            .flatten();
        let y = self.payments.iter().map(|p| p.day);
        c.chain(p).chain(y).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: DocKind, category: Option<Category>) -> Document {
        Document {
            id: "d1".into(),
            person: 0,
            kind,
            category,
            issuing_country: None,
            number: None,
            sponsor: None,
            issued_on: None,
            valid_from: None,
            valid_until: None,
        }
    }

    #[test]
    fn document_labels_never_repeat_a_word() {
        assert_eq!(
            doc(DocKind::WorkPermit, Some(Category::Work)).label(),
            "work permit"
        );
        assert_eq!(
            doc(DocKind::Visa, Some(Category::Work)).label(),
            "work visa"
        );
        assert_eq!(
            doc(DocKind::Visa, Some(Category::Intern)).label(),
            "intern visa"
        );
        assert_eq!(
            doc(DocKind::ResidencePermit, Some(Category::Student)).label(),
            "student residence permit"
        );
        assert_eq!(doc(DocKind::Passport, None).label(), "passport");
        for kind in DocKind::ALL {
            for cat in Category::ALL {
                let label = doc(*kind, Some(*cat)).label();
                let words: Vec<&str> = label.split(' ').collect();
                assert!(words.windows(2).all(|w| w[0] != w[1]), "{label}");
            }
        }
    }
}
