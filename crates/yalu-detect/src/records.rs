//! The records of the event data format (`docs/events.md` in the repository), typed.
//!
//! References between records are resolved at read time into indices
//! ([`PersonIx`], [`OrgIx`], ...) into the vectors of [`DataSet`]; the input
//! ids stay on every record for evidence. A reference that may point at a
//! person or an organization is a [`Party`].

use crate::day::Day;
use yalu_model::{Entity, FuzzyDate, Schema, prop};

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

/// A person record's index into [`DataSet::persons`] (a record, not a
/// resolved person).
pub type PersonIx = u32;
/// An organisation's index into [`DataSet::organizations`].
pub type OrgIx = u32;
/// A document's index into [`DataSet::documents`].
pub type DocIx = u32;

/// A person or an organization, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// A person record.
    Person(PersonIx),
    /// An organisation.
    Org(OrgIx),
}

/// A closed set of values written as text in the data (the `text_enum!`
/// types): what the reader needs to parse one and to say which are allowed.
pub(crate) trait TextEnum: Sized + 'static {
    /// Every value, in the spec's order.
    const VALUES: &'static [Self];
    /// Reads the value as written in the data (case-insensitive).
    fn from_text(text: &str) -> Option<Self>;
    /// The value as written in the data.
    fn text(&self) -> &'static str;
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[doc = concat!("`", $text, "` in the data.")] #[serde(rename = $text)] $variant),+ }

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

        impl TextEnum for $name {
            const VALUES: &'static [$name] = $name::ALL;
            fn from_text(text: &str) -> Option<$name> {
                $name::parse(text)
            }
            fn text(&self) -> &'static str {
                self.as_str()
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
    /// `person_id`: the record's id, not a person's (resolution decides
    /// which records are one person).
    pub id: String,
    /// As written on the record, any script, any word order.
    pub full_name: String,
    /// The name in its own script (Hangul, Han) when `full_name` is a
    /// transliteration.
    pub name_original_script: Option<String>,
    /// A full date, a year and month, or a year.
    pub birth_date: Option<FuzzyDate>,
    /// `F` or `M`; unknown when not given.
    pub gender: Option<Gender>,
    /// Lower-case ISO alpha-2 code, or [`KOREA_UNSPECIFIED`].
    pub nationality: Option<&'static str>,
    /// The passport number as written.
    pub passport_number: Option<String>,
    /// Where the record came from (border registry, employer roster ...).
    pub source: Option<String>,
}

/// `documents.csv`.
#[derive(Debug, Clone)]
pub struct Document {
    /// `document_id`.
    pub id: String,
    /// The holder's person record.
    pub person: PersonIx,
    /// Visa, work permit, residence permit or passport.
    pub kind: DocKind,
    /// What the document is for (`work`, `intern`, `tourist` ...); decides
    /// with [`General`](crate::ruleset::General) whether it authorises work.
    pub category: Option<Category>,
    /// Lower-case ISO alpha-2 code of the issuing country.
    pub issuing_country: Option<&'static str>,
    /// The document's number.
    pub number: Option<String>,
    /// The organisation that sponsored or invited the holder.
    pub sponsor: Option<OrgIx>,
    /// Day of issue.
    pub issued_on: Option<Day>,
    /// First day of validity; [`Document::start`] falls back to `issued_on`.
    pub valid_from: Option<Day>,
    /// Last day of validity (inclusive); never before the start.
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
    /// `crossing_id`.
    pub id: String,
    /// The traveller's person record.
    pub person: PersonIx,
    /// The document presented at the border.
    pub document: Option<DocIx>,
    /// Entry into or exit from `country`.
    pub direction: Direction,
    /// Lower-case ISO alpha-2 code of the country entered or left.
    pub country: &'static str,
    /// The border post (`Dandong`, `Hunchun` ...).
    pub port: Option<String>,
    /// `crossed_at`, its calendar day.
    pub day: Day,
    /// The travel group, manifest or bus the person crossed with.
    pub group_ref: Option<String>,
}

/// `placements.csv`.
#[derive(Debug, Clone)]
pub struct Placement {
    /// `placement_id`.
    pub id: String,
    /// The worker's person record.
    pub person: PersonIx,
    /// The staffing agency or dispatcher that placed the worker.
    pub agency: Option<OrgIx>,
    /// The employer where the work is done.
    pub client: OrgIx,
    /// City or site (`Dalian`).
    pub site: Option<String>,
    /// Line of work.
    pub sector: Option<Sector>,
    /// Free text (`sewing machine operator`).
    pub role: Option<String>,
    /// First day of work.
    pub start: Day,
    /// Last day of work (inclusive, never before `start`); `None`: still
    /// working, counted up to `as_of`.
    pub end: Option<Day>,
    /// Monthly wage, not negative, in `wage_currency`.
    pub wage_amount: Option<f64>,
    /// ISO 4217 code of the wage, upper case.
    pub wage_currency: Option<String>,
}

/// `organizations.csv`.
#[derive(Debug, Clone)]
pub struct Organization {
    /// `org_id`.
    pub id: String,
    /// As written, any script.
    pub name: String,
    /// The name in its own script when `name` is a transliteration.
    pub name_original_script: Option<String>,
    /// Staffing agency, employer, trading house, bank ...
    pub kind: Option<OrgKind>,
    /// Lower-case ISO alpha-2 code of where it is registered or based.
    pub country: Option<&'static str>,
    /// City as written.
    pub city: Option<String>,
    /// Company registration number as written.
    pub registration_number: Option<String>,
    /// Line of business.
    pub sector: Option<Sector>,
}

/// `relations.csv`.
#[derive(Debug, Clone)]
pub struct Relation {
    /// `relation_id`.
    pub id: String,
    /// The owner, director, representative ... (`from_id`).
    pub from: Party,
    /// The party owned, directed, represented ... (`to_id`).
    pub to: Party,
    /// What the link is; read `from` *kind* `to`.
    pub kind: RelationKind,
    /// Ownership share in percent (0–100), for `owns`.
    pub share: Option<f64>,
    /// First day the relation held.
    pub since: Option<Day>,
    /// Last day the relation held.
    pub until: Option<Day>,
}

/// `payments.csv`.
#[derive(Debug, Clone)]
pub struct Payment {
    /// `payment_id`.
    pub id: String,
    /// Who paid.
    pub payer: Party,
    /// Who was paid.
    pub payee: Party,
    /// The sum paid in `currency`, not negative.
    pub amount: f64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// `paid_on`.
    pub day: Day,
    /// How it was paid (bank, cash, mobile, crypto ...).
    pub channel: Option<Channel>,
    /// Free text (`wages March`).
    pub reference: Option<String>,
}

/// Every record of a data set, references resolved to indices.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    /// Person records, indexed by [`PersonIx`].
    pub persons: Vec<Person>,
    /// Documents, indexed by [`DocIx`].
    pub documents: Vec<Document>,
    /// Border crossings, in input order.
    pub crossings: Vec<Crossing>,
    /// Placements, in input order.
    pub placements: Vec<Placement>,
    /// Organisations, indexed by [`OrgIx`].
    pub organizations: Vec<Organization>,
    /// Relations, in input order.
    pub relations: Vec<Relation>,
    /// Payments, in input order.
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

impl Person {
    /// The record as an FtM `Person` to screen against sanctions lists,
    /// with the record's id: its name (and its name in its own script),
    /// birth date, nationality and passport number, each when given.
    pub fn screening_query(&self) -> Entity {
        let mut e = Entity::new(self.id.clone(), Schema::Person);
        e.add(prop::NAME, &self.full_name);
        if let Some(original) = &self.name_original_script {
            e.add(prop::NAME, original);
        }
        if let Some(dob) = &self.birth_date {
            e.add(prop::BIRTH_DATE, dob.to_string());
        }
        if let Some(n) = self.nationality {
            e.add(prop::NATIONALITY, n);
        }
        if let Some(pp) = &self.passport_number {
            e.add(prop::PASSPORT_NUMBER, pp);
        }
        e
    }
}

impl Organization {
    /// The record as an FtM `Organization` to screen against sanctions
    /// lists, with the record's id: its name (and its name in its own
    /// script) and country, each when given.
    pub fn screening_query(&self) -> Entity {
        let mut e = Entity::new(self.id.clone(), Schema::Organization);
        e.add(prop::NAME, &self.name);
        if let Some(original) = &self.name_original_script {
            e.add(prop::NAME, original);
        }
        if let Some(c) = self.country {
            e.add(prop::COUNTRY, c);
        }
        e
    }
}

impl DataSet {
    /// Every person record, then every organisation, as the entities to
    /// screen against sanctions lists (see [`Person::screening_query`] and
    /// [`Organization::screening_query`]), in input order.
    pub fn screening_queries(&self) -> Vec<Entity> {
        let persons = self.persons.iter().map(Person::screening_query);
        let organizations = self.organizations.iter().map(Organization::screening_query);
        persons.chain(organizations).collect()
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

    #[test]
    fn persons_then_organisations_are_screened_with_what_their_records_give() {
        let data = DataSet {
            persons: vec![
                Person {
                    id: "p1".into(),
                    full_name: "Kim Chol Su".into(),
                    name_original_script: Some("김철수".into()),
                    birth_date: Some(FuzzyDate::ymd(1990, 4, 2).unwrap()),
                    gender: None,
                    nationality: Some("kp"),
                    passport_number: Some("836410023".into()),
                    source: Some("border registry".into()),
                },
                Person {
                    id: "p2".into(),
                    full_name: "Pak Yong Ho".into(),
                    name_original_script: None,
                    birth_date: None,
                    gender: None,
                    nationality: None,
                    passport_number: None,
                    source: None,
                },
            ],
            organizations: vec![Organization {
                id: "o1".into(),
                name: "Dalian Seafood Processing".into(),
                name_original_script: Some("大连海产加工".into()),
                kind: Some(OrgKind::Employer),
                country: Some("cn"),
                city: Some("Dalian".into()),
                registration_number: Some("9121".into()),
                sector: None,
            }],
            ..DataSet::default()
        };
        let queries = data.screening_queries();
        let ids: Vec<&str> = queries.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["p1", "p2", "o1"]);

        let kim = &queries[0];
        assert_eq!(kim.schema, Schema::Person);
        assert_eq!(kim.get("name"), ["Kim Chol Su", "김철수"]);
        assert_eq!(kim.get("birthDate"), ["1990-04-02"]);
        assert_eq!(kim.get("nationality"), ["kp"]);
        assert_eq!(kim.get("passportNumber"), ["836410023"]);

        let pak = &queries[1];
        assert_eq!(pak.get("name"), ["Pak Yong Ho"]);
        for absent in ["birthDate", "nationality", "passportNumber"] {
            assert!(pak.get(absent).is_empty(), "{absent}");
        }

        let firm = &queries[2];
        assert_eq!(firm.schema, Schema::Organization);
        assert_eq!(
            firm.get("name"),
            ["Dalian Seafood Processing", "大连海产加工"]
        );
        assert_eq!(firm.get("country"), ["cn"]);
        // Only name and country are screened for an organisation.
        assert_eq!(firm.properties.len(), 2);
    }
}
