//! The mini-language of the OFAC `Remarks` column.
//!
//! A remark is a list of clauses separated by `;` and closed by a `.`:
//! `DOB 07 Aug 1968; POB Pyongyang, Korea, North; nationality Korea, North;
//! Passport 563120356 (Korea, North); a.k.a. 'KOMID'.` Each clause starts
//! with a label (`DOB`, `Passport`, `Linked To:`, `Digital Currency Address -
//! ETH`, ...), optionally preceded by `alt.` for a second value of the same
//! kind. [`parse_remarks`] turns the clauses it knows into FtM property
//! values ([`RemarkFact`]) and returns every clause it could not interpret
//! verbatim ([`UnparsedClause`]) so the caller can keep it as a note.
//!
//! The parser is a pure function over plain string slicing: it never panics,
//! whatever the input.

use std::fmt;
use std::sync::LazyLock;
use yalu_model::{DatePrecision, FuzzyDate, country, days_in_month, expand_date_expression, prop};

/// One value read from a remark clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemarkFact {
    /// The FtM property the value belongs to (`birthDate`, `passportNumber`,
    /// `notes`...).
    pub property: &'static str,
    /// The value, cleaned for its property (an ISO date, a country code).
    pub value: String,
}

/// Why a clause could not be interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// No known label starts the clause.
    UnknownClause,
    /// A date clause (`DOB ...`) whose value is not a date.
    BadDate,
    /// A country clause (`nationality ...`) naming no known country.
    UnknownCountry,
    /// A known label with a missing or malformed value (an alias without
    /// its closing quote, a wallet without an address...).
    BadValue,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::UnknownClause => "unknown remark clause",
            Problem::BadDate => "unreadable date",
            Problem::UnknownCountry => "unknown country",
            Problem::BadValue => "malformed value",
        })
    }
}

/// A clause [`parse_remarks`] could not interpret, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnparsedClause {
    /// The clause as written.
    pub text: String,
    /// The part the problem is about: the country name of an
    /// `UnknownCountry` clause (`Congolese` in `nationality Congolese`),
    /// else the whole clause.
    pub value: String,
    /// Why it was not understood.
    pub problem: Problem,
}

/// What [`parse_remarks`] read from one remark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedRemarks {
    /// Property values, in clause order.
    pub facts: Vec<RemarkFact>,
    /// Clauses not understood, in clause order.
    pub unparsed: Vec<UnparsedClause>,
}

impl ParsedRemarks {
    /// The values read for one property, in order.
    pub fn values(&self, property: &str) -> Vec<&str> {
        self.facts
            .iter()
            .filter(|f| f.property == property)
            .map(|f| f.value.as_str())
            .collect()
    }

    fn fact(&mut self, property: &'static str, value: impl Into<String>) {
        let value = value.into();
        if !value.trim().is_empty() {
            self.facts.push(RemarkFact { property, value });
        }
    }

    fn unparsed(&mut self, text: &str, problem: Problem) {
        self.unparsed_value(text, text, problem);
    }

    fn unparsed_value(&mut self, text: &str, value: &str, problem: Problem) {
        self.unparsed.push(UnparsedClause {
            text: text.to_string(),
            value: value.to_string(),
            problem,
        });
    }
}

/// FtM property names used here that `yalu_model::prop` does not name.
pub mod extra {
    /// When an organisation was founded or registered.
    pub const INCORPORATION_DATE: &str = "incorporationDate";
    /// When a vessel or aircraft was built.
    pub const BUILD_DATE: &str = "buildDate";
    /// A telephone or fax number.
    pub const PHONE: &str = "phone";
    /// An organisation's line of business.
    pub const SECTOR: &str = "sector";
    /// A person's post or function.
    pub const POSITION: &str = "position";
    /// An aircraft's manufacturer serial number.
    pub const SERIAL_NUMBER: &str = "serialNumber";
    /// A bank's SWIFT/BIC code.
    pub const SWIFT_BIC: &str = "swiftBic";
    /// Flags a vessel flew before, as country codes.
    pub const PAST_FLAGS: &str = "pastFlags";
    /// Who operates a vessel or aircraft.
    pub const OPERATOR: &str = "operator";
}

/// How the value after a label is read.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A date expression (`07 Aug 1968`, `circa 1962`, `1962 to 1964`).
    Date(&'static str),
    /// A country name turned into a code.
    Country(&'static str),
    /// A document or registry number; details in parentheses or after
    /// `issued`/`expires` are cut off (and the clause kept as a note).
    Ident(&'static str),
    /// A value kept as written.
    Text(&'static str),
    /// A single token (website, e-mail) without a trailing full stop.
    Token(&'static str),
    Gender,
    /// `Digital Currency Address - XBT <address>`.
    Wallet,
    /// `a.k.a. 'NAME'`, `f.k.a.`, `n.k.a.`: OFAC's low-quality aliases.
    WeakAlias,
    /// Understood, but only meaningful as text: the clause goes to `notes`.
    Note,
}

use Kind::*;

/// Clause labels, matched case-insensitively; the longest match wins.
const LABELS: &[(&str, Kind)] = &[
    // Dates.
    ("DOB", Date(prop::BIRTH_DATE)),
    ("Date of Birth", Date(prop::BIRTH_DATE)),
    (
        "Organization Established Date",
        Date(extra::INCORPORATION_DATE),
    ),
    ("Aircraft Manufacture Date", Date(extra::BUILD_DATE)),
    ("Vessel Year of Build", Date(extra::BUILD_DATE)),
    // Places and plain text.
    ("POB", Text(prop::BIRTH_PLACE)),
    ("Place of Birth", Text(prop::BIRTH_PLACE)),
    ("Title", Text(prop::TITLE)),
    ("Alternate Title:", Text(prop::TITLE)),
    ("Alternate Title,", Text(prop::TITLE)),
    ("Position:", Text(extra::POSITION)),
    ("Linked To:", Text(prop::LINKED_TO)),
    ("Aircraft Model", Text(prop::MODEL)),
    ("Aircraft Operator", Text(extra::OPERATOR)),
    ("Vessel Type", Text(prop::TYPE)),
    ("Other Vessel Type", Text(prop::TYPE)),
    ("Organization Type:", Text(extra::SECTOR)),
    ("Phone Number", Text(extra::PHONE)),
    ("Phone", Text(extra::PHONE)),
    ("Telephone", Text(extra::PHONE)),
    ("Telephone No.", Text(extra::PHONE)),
    ("Telephone Number", Text(extra::PHONE)),
    ("Website", Token(prop::WEBSITE)),
    ("Email Address", Token(prop::EMAIL)),
    ("Email", Token(prop::EMAIL)),
    ("E-mail", Token(prop::EMAIL)),
    // Countries.
    ("nationality", Country(prop::NATIONALITY)),
    ("citizen", Country(prop::CITIZENSHIP)),
    ("citizenship", Country(prop::CITIZENSHIP)),
    ("Nationality of Registration", Country(prop::COUNTRY)),
    ("Vessel Flag", Country(prop::FLAG)),
    ("Flag", Country(prop::FLAG)),
    ("Former Vessel Flag", Country(extra::PAST_FLAGS)),
    ("Other Vessel Flag", Country(prop::FLAG)),
    ("Registration Country", Country(prop::JURISDICTION)),
    ("Gender", Gender),
    // Passports.
    ("Passport", Ident(prop::PASSPORT_NUMBER)),
    ("Passport No.", Ident(prop::PASSPORT_NUMBER)),
    ("Diplomatic Passport", Ident(prop::PASSPORT_NUMBER)),
    ("Official Passport", Ident(prop::PASSPORT_NUMBER)),
    ("Service Passport", Ident(prop::PASSPORT_NUMBER)),
    // Personal identity documents.
    ("National ID No.", Ident(prop::ID_NUMBER)),
    ("National ID Number", Ident(prop::ID_NUMBER)),
    ("National ID", Ident(prop::ID_NUMBER)),
    ("Identification Number", Ident(prop::ID_NUMBER)),
    ("ID No.", Ident(prop::ID_NUMBER)),
    ("Cedula No.", Ident(prop::ID_NUMBER)),
    ("C.U.R.P.", Ident(prop::ID_NUMBER)),
    ("CURP", Ident(prop::ID_NUMBER)),
    ("CURP #", Ident(prop::ID_NUMBER)),
    ("Personal ID Card", Ident(prop::ID_NUMBER)),
    ("D.N.I.", Ident(prop::ID_NUMBER)),
    ("DNI", Ident(prop::ID_NUMBER)),
    ("National Foreign ID Number", Ident(prop::ID_NUMBER)),
    ("Birth Certificate Number", Ident(prop::ID_NUMBER)),
    ("Driver's License No.", Ident(prop::ID_NUMBER)),
    ("Electoral Registry No.", Ident(prop::ID_NUMBER)),
    ("SSN", Ident(prop::ID_NUMBER)),
    ("Residency Number", Ident(prop::ID_NUMBER)),
    ("Kenyan ID No.", Ident(prop::ID_NUMBER)),
    ("Turkish Identification Number", Ident(prop::ID_NUMBER)),
    ("Refugee ID Card", Ident(prop::ID_NUMBER)),
    ("Stateless Person ID Card", Ident(prop::ID_NUMBER)),
    ("Travel Document Number", Ident(prop::ID_NUMBER)),
    ("Immigration No.", Ident(prop::ID_NUMBER)),
    ("Moroccan Personal ID No.", Ident(prop::ID_NUMBER)),
    ("UAE Identification", Ident(prop::ID_NUMBER)),
    ("Social Security Number", Ident(prop::ID_NUMBER)),
    ("Citizen's Card Number", Ident(prop::ID_NUMBER)),
    ("Pasaporte", Ident(prop::PASSPORT_NUMBER)),
    ("Matricula", Ident(prop::ID_NUMBER)),
    (
        "Cartilla de Servicio Militar Nacional",
        Ident(prop::ID_NUMBER),
    ),
    (
        "Numero Unico de Identificacion Tributaria (NUIT)",
        Ident(prop::TAX_NUMBER),
    ),
    (
        "Numero Unico de Identificacao Tributaria (NUIT)",
        Ident(prop::TAX_NUMBER),
    ),
    ("Numero de Identidad", Ident(prop::ID_NUMBER)),
    ("Credencial electoral", Ident(prop::ID_NUMBER)),
    ("LE Number", Ident(prop::ID_NUMBER)),
    ("Tazkira National ID Card", Ident(prop::ID_NUMBER)),
    ("Pilot License Number", Ident(prop::ID_NUMBER)),
    ("Military Registration Number", Ident(prop::ID_NUMBER)),
    ("Permit Number", Ident(prop::ID_NUMBER)),
    ("Seafarer's Identification Document", Ident(prop::ID_NUMBER)),
    ("VisaNumberID", Ident(prop::ID_NUMBER)),
    ("U.S.A. Passport", Ident(prop::PASSPORT_NUMBER)),
    ("Stateless Person Passport", Ident(prop::PASSPORT_NUMBER)),
    ("Romanian Tax Registration", Ident(prop::TAX_NUMBER)),
    ("SRE Permit No.", Ident(prop::REGISTRATION_NUMBER)),
    ("Tourism License", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Paraguayan tax identification number",
        Ident(prop::TAX_NUMBER),
    ),
    // Tax numbers.
    ("Tax ID No.", Ident(prop::TAX_NUMBER)),
    ("Tax Identification Number", Ident(prop::TAX_NUMBER)),
    ("RFC", Ident(prop::TAX_NUMBER)),
    ("R.F.C.", Ident(prop::TAX_NUMBER)),
    ("NIT #", Ident(prop::TAX_NUMBER)),
    ("NIT", Ident(prop::TAX_NUMBER)),
    ("RUC #", Ident(prop::TAX_NUMBER)),
    ("RUC", Ident(prop::TAX_NUMBER)),
    ("RIF #", Ident(prop::TAX_NUMBER)),
    ("RIF", Ident(prop::TAX_NUMBER)),
    ("RTN", Ident(prop::TAX_NUMBER)),
    ("V.A.T. Number", Ident(prop::TAX_NUMBER)),
    ("VAT Number", Ident(prop::TAX_NUMBER)),
    ("Italian Fiscal Code", Ident(prop::TAX_NUMBER)),
    ("Fiscal Code", Ident(prop::TAX_NUMBER)),
    ("CUIT", Ident(prop::TAX_NUMBER)),
    ("C.U.I.T.", Ident(prop::TAX_NUMBER)),
    ("C.U.I.P.", Ident(prop::ID_NUMBER)),
    (
        "Cadastro Nacional de Pessoa Juridica (CNPJ)",
        Ident(prop::TAX_NUMBER),
    ),
    ("CNPJ", Ident(prop::TAX_NUMBER)),
    ("Tax Registration Number", Ident(prop::TAX_NUMBER)),
    // Company, vessel and aircraft registrations.
    ("Registration ID", Ident(prop::REGISTRATION_NUMBER)),
    ("Registration Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Registration No.", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Business Registration Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Business Registration Document #",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Business Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Company Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Company ID", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Commercial Registry Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Commercial Registration Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Certificate of Incorporation Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Folio Mercantil No.", Ident(prop::REGISTRATION_NUMBER)),
    ("Matricula Mercantil No", Ident(prop::REGISTRATION_NUMBER)),
    ("Matricula Mercantil No.", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Public Registration Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("C.R. No.", Ident(prop::REGISTRATION_NUMBER)),
    ("Trade License No.", Ident(prop::REGISTRATION_NUMBER)),
    ("License", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Chamber of Commerce Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Legal Entity Number", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Government Gazette Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("GovernmentGazette Number", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Unified Social Credit Code (USCC)",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Economic Register Number (CBLS)",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Central Registration System Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("D-U-N-S Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Enterprise Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Registered Charity No.", Ident(prop::REGISTRATION_NUMBER)),
    ("Serial No.", Ident(prop::REGISTRATION_NUMBER)),
    ("UK Company Number", Ident(prop::REGISTRATION_NUMBER)),
    ("US FEIN", Ident(prop::TAX_NUMBER)),
    (
        "Istanbul Chamber of Comm. No.",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    (
        "Dubai Chamber of Commerce Membership No.",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Branch Unit Number", Ident(prop::REGISTRATION_NUMBER)),
    (
        "United Social Credit Code Certificate (USCCC)",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Romanian C.R.", Ident(prop::REGISTRATION_NUMBER)),
    ("File Number", Ident(prop::REGISTRATION_NUMBER)),
    ("Organization Code", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Afghan Money Service Provider License Number",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Aircraft Tail Number", Ident(prop::REGISTRATION_NUMBER)),
    (
        "Aircraft Serial Identification",
        Ident(extra::SERIAL_NUMBER),
    ),
    (
        "Vessel Registration Identification",
        Ident(prop::REGISTRATION_NUMBER),
    ),
    ("Identification Number IMO", Ident(prop::IMO_NUMBER)),
    ("IMO", Ident(prop::IMO_NUMBER)),
    ("MMSI", Ident(prop::MMSI)),
    ("Vessel Call Sign", Ident(prop::CALL_SIGN)),
    ("Other Vessel Call Sign", Ident(prop::CALL_SIGN)),
    ("Call Sign", Ident(prop::CALL_SIGN)),
    ("SWIFT/BIC", Ident(extra::SWIFT_BIC)),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        Ident(extra::SERIAL_NUMBER),
    ),
    // Crypto wallets and weak aliases.
    ("Digital Currency Address", Wallet),
    ("a.k.a.", WeakAlias),
    ("f.k.a.", WeakAlias),
    ("n.k.a.", WeakAlias),
    ("d.b.a.", WeakAlias),
    // Understood, kept as notes.
    ("Additional Sanctions Information -", Note),
    ("Secondary sanctions risk:", Note),
    (
        "Transactions Prohibited For Persons Owned or Controlled By",
        Note,
    ),
    ("Executive Order", Note),
    ("CAATSA Section", Note),
    ("IFCA Determination", Note),
    ("For more information", Note),
    ("Issuer Name", Note),
    ("Chinese Commercial Code", Note),
    ("UN/LOCODE", Note),
    ("Previous Aircraft Tail Number", Note),
    ("All Branches Worldwide", Note),
    ("and all other locations worldwide", Note),
    ("and all other offices worldwide", Note),
    ("Tribe:", Note),
    ("Subtribe:", Note),
    ("TELEX", Note),
    ("Wanted by", Note),
    ("This designation", Note),
    ("United States financial institutions are prohibited", Note),
    ("Temporary suspension", Note),
    ("ethnicity", Note),
    ("currently incarcerated", Note),
    ("Holder of a", Note),
    ("Associated with", Text(prop::LINKED_TO)),
    ("Operations in", Note),
    ("Listing Date", Note),
    ("Effective Date", Note),
    ("Purchase/Sales For Divestment Date", Note),
    ("ISIN", Note),
    ("Equity Ticker", Note),
    ("Target Type", Note),
    ("Fax", Note),
    ("Fax:", Note),
    ("Fax No.", Note),
    ("BIK (RU)", Note),
    ("Aircraft Construction Number", Note),
    ("Aircraft Mode S Transponder Code", Note),
    ("Aircraft Manufacturer", Note),
    ("Vessel Tonnage", Note),
    ("all offices worldwide", Note),
    ("arrested", Note),
    ("ICTY indictee", Note),
    ("Ukraine-/Russia-Related Sanctions", Note),
    ("Russian Harmful Foreign Activities", Note),
    ("Prohibited Transactions", Note),
    ("Location:", Note),
];

/// Lower-case abbreviations that keep their full stop when they end a remark.
const ABBREVIATIONS: [&str; 12] = [
    "ltd", "inc", "co", "corp", "jr", "sr", "bhd", "pte", "pvt", "st", "no", "cia",
];

/// Reads the facts of one OFAC remark. Never panics; every clause is either
/// turned into facts or returned in the `unparsed` field of [`ParsedRemarks`].
pub fn parse_remarks(text: &str) -> ParsedRemarks {
    let mut out = ParsedRemarks::default();
    let text = strip_terminator(text.trim());
    for clause in text.split(';') {
        let clause = clause.trim();
        if clause.is_empty() {
            continue;
        }
        parse_clause(clause, &mut out);
    }
    out
}

/// Removes the full stop that closes a remark, unless it belongs to an
/// abbreviation (`S.A.`, `CO., LTD.`) that ends the last clause.
fn strip_terminator(text: &str) -> &str {
    let Some(body) = text.strip_suffix('.') else {
        return text;
    };
    let last_word = body
        .rsplit([' ', ','])
        .next()
        .unwrap_or("")
        .trim_start_matches(['(', '\'']);
    let abbreviation = !last_word.is_empty()
        && last_word.len() <= 12
        && ((last_word.contains('.')
            && last_word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-'))
            || ABBREVIATIONS.contains(&last_word.to_lowercase().as_str()));
    // A dotted token such as `www.site.com` keeps its dot here too; website,
    // identifier, country and date values drop a trailing dot themselves.
    if abbreviation { text } else { body }
}

/// `text` starts with `label`, ignoring ASCII case, and the label ends at a
/// word boundary. Returns the rest after the label.
fn after_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let head = text.get(..label.len())?;
    if !head.eq_ignore_ascii_case(label) {
        return None;
    }
    let rest = text.get(label.len()..)?;
    let label_ends_word = label.chars().last().is_some_and(|c| !c.is_alphanumeric());
    let boundary = label_ends_word
        || rest.is_empty()
        || rest.starts_with(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '#' | '(' | '-' | '.' | ',')
        });
    boundary.then_some(rest)
}

/// [`LABELS`] grouped by their lower-cased first byte, longest first, so a
/// clause is only compared with the labels that could start it.
static LABELS_BY_FIRST_BYTE: LazyLock<Vec<Vec<(&'static str, Kind)>>> = LazyLock::new(|| {
    let mut table: Vec<Vec<(&'static str, Kind)>> = vec![Vec::new(); 256];
    for &(label, kind) in LABELS {
        if let Some(slot) = label
            .bytes()
            .next()
            .and_then(|b| table.get_mut(usize::from(b.to_ascii_lowercase())))
        {
            slot.push((label, kind));
        }
    }
    for slot in &mut table {
        slot.sort_by_key(|(label, _)| std::cmp::Reverse(label.len()));
    }
    table
});

/// The kind of the longest label starting `clause`, and the text after it.
fn find_label(clause: &str) -> Option<(Kind, &str)> {
    let first = clause.bytes().next()?.to_ascii_lowercase();
    LABELS_BY_FIRST_BYTE
        .get(usize::from(first))?
        .iter()
        .find_map(|&(label, kind)| after_label(clause, label).map(|rest| (kind, rest)))
}

fn strip_alt(clause: &str) -> &str {
    for prefix in ["alt. ", "alt "] {
        if let Some(head) = clause.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            return clause.get(prefix.len()..).unwrap_or("").trim_start();
        }
    }
    clause
}

fn parse_clause(clause: &str, out: &mut ParsedRemarks) {
    let body = strip_alt(clause);
    let Some((kind, rest)) = find_label(body) else {
        if !read_unlabelled(clause, body, out) {
            out.unparsed(clause, Problem::UnknownClause);
        }
        return;
    };
    let value = rest
        .trim_start_matches(|c: char| c.is_whitespace() || c == ':')
        .trim();
    match kind {
        Date(property) => match read_dates(value) {
            Some(dates) => {
                for d in dates {
                    out.fact(property, d);
                }
            }
            None => out.unparsed(clause, Problem::BadDate),
        },
        Country(property) => read_country(clause, value, property, out),
        Ident(property) => read_ident(clause, value, property, out),
        Text(property) => {
            if value.is_empty() {
                out.unparsed(clause, Problem::BadValue);
            } else {
                out.fact(property, value);
            }
        }
        Token(property) => {
            let token = value.trim_end_matches('.').trim();
            if token.is_empty() || token.contains(char::is_whitespace) {
                out.unparsed(clause, Problem::BadValue);
            } else {
                out.fact(property, token);
            }
        }
        Gender => read_gender(clause, value, out),
        Wallet => read_wallet(clause, value, out),
        WeakAlias => match quoted(value) {
            Some(name) => out.fact(prop::WEAK_ALIAS, name),
            None => out.unparsed(clause, Problem::BadValue),
        },
        Note => out.fact(prop::NOTES, clause),
    }
}

/// A country clause (`Nationality Iran.`): the country's code; `None
/// Identified` only as a note; `possibly Palestinian` as the code and the
/// clause in a note.
fn read_country(clause: &str, value: &str, property: &'static str, out: &mut ParsedRemarks) {
    let name = value.trim_end_matches('.').trim();
    if name.eq_ignore_ascii_case("None Identified") {
        out.fact(prop::NOTES, clause);
        return;
    }
    // `nationality possibly Palestinian`: the code, and the doubt
    // kept in a note.
    let (name, doubtful) = match strip_prefix_ignore_case(name, "possibly ") {
        Some(rest) => (rest.trim(), true),
        None => (name, false),
    };
    match country_code(name) {
        Some(code) => {
            out.fact(property, code);
            if doubtful {
                out.fact(prop::NOTES, clause);
            }
        }
        None => out.unparsed_value(clause, name, Problem::UnknownCountry),
    }
}

/// A `Gender` clause: `Male` or `Female`.
fn read_gender(clause: &str, value: &str, out: &mut ParsedRemarks) {
    let g = value.trim_end_matches('.').trim();
    if g.eq_ignore_ascii_case("male") {
        out.fact(prop::GENDER, "male");
    } else if g.eq_ignore_ascii_case("female") {
        out.fact(prop::GENDER, "female");
    } else {
        out.unparsed(clause, Problem::BadValue);
    }
}

/// A digital currency address clause (`- ETH 0xabc...`): the currency,
/// then the address.
fn read_wallet(clause: &str, value: &str, out: &mut ParsedRemarks) {
    let mut words = value.trim_start_matches(['-', ' ']).split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(_currency), Some(address), None) => {
            out.fact(prop::CRYPTO_WALLET, address.trim_end_matches('.'));
        }
        _ => out.unparsed(clause, Problem::BadValue),
    }
}

/// First words of a clause that names a post or rank (`Former Minister of
/// Interior`, `Major General`, `Member ETA`).
const ROLE_WORDS: &[&str] = &[
    "former",
    "ex",
    "current",
    "member",
    "minister",
    "president",
    "vice",
    "deputy",
    "chairman",
    "chairwoman",
    "chair",
    "head",
    "chief",
    "director",
    "managing",
    "general",
    "commander",
    "sub-commander",
    "secretary",
    "governor",
    "colonel",
    "lieutenant",
    "major",
    "brigadier",
    "captain",
    "admiral",
    "lt",
    "ceo",
    "rector",
    "prosecutor",
    "prosecutor-general",
    "principal",
    "first",
    "constituent",
    "presidential",
    "leader",
    "founder",
    "manager",
    "ambassador",
    "advisor",
    "adviser",
    "officer",
    "official",
    "senator",
    "mayor",
    "judge",
    "representative",
    "coordinator",
    "hojjatoleslam",
    "ayatollah",
    "sheikh",
    "mullah",
    "doctor",
    "spokesman",
    "spokesperson",
    "treasurer",
    "financier",
    "owner",
    "co-founder",
    "executive",
    "senior",
];

/// First words of a clause naming a relative (`wife of Izzat Ibrahim`).
const RELATIVE_WORDS: &[&str] = &[
    "wife",
    "husband",
    "son",
    "daughter",
    "brother",
    "sister",
    "father",
    "mother",
    "half-brother",
    "half-sister",
    "brother-in-law",
    "sister-in-law",
    "son-in-law",
    "daughter-in-law",
    "father-in-law",
    "mother-in-law",
    "nephew",
    "niece",
    "cousin",
    "uncle",
    "aunt",
    "stepson",
    "stepdaughter",
    "grandson",
    "granddaughter",
];

/// Reads a clause without a label: a bare website or e-mail address, a
/// relative (`wife of X` → `linkedTo` X, clause kept in `notes`) or a post
/// (`Former Minister of Interior` → `position`). Returns whether it did.
fn read_unlabelled(clause: &str, body: &str, out: &mut ParsedRemarks) -> bool {
    let lower = body.to_ascii_lowercase();
    let first_token = body.split_whitespace().next().unwrap_or("");
    let rest_after_first = body.get(first_token.len()..).unwrap_or("").trim();
    if lower.starts_with("www.") || lower.starts_with("http://") || lower.starts_with("https://") {
        if rest_after_first.is_empty() || rest_after_first.eq_ignore_ascii_case("(website)") {
            out.fact(prop::WEBSITE, first_token.trim_end_matches('.'));
            return true;
        }
        return false;
    }
    if first_token.contains('@') {
        let rest = rest_after_first.trim_end_matches('.');
        if rest.is_empty() || rest.eq_ignore_ascii_case("(email)") {
            out.fact(prop::EMAIL, first_token.trim_end_matches('.'));
            return true;
        }
        return false;
    }
    let first_word = first_token
        .trim_end_matches([',', '.', ':'])
        .to_ascii_lowercase();
    if RELATIVE_WORDS.contains(&first_word.as_str())
        && let Some(name) = strip_prefix_ignore_case(rest_after_first, "of ")
        && !name.trim().is_empty()
    {
        out.fact(prop::LINKED_TO, name.trim());
        out.fact(prop::NOTES, clause);
        return true;
    }
    let first_word = first_word
        .strip_prefix("ex-")
        .map_or(first_word.as_str(), |_| "ex");
    if ROLE_WORDS.contains(&first_word) && !body.bytes().any(|b| b.is_ascii_digit()) {
        out.fact(extra::POSITION, body);
        return true;
    }
    false
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// The text between the first and the last single quote, when the value is
/// `'...'` (optionally followed by a full stop).
fn quoted(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('\'')?;
    let end = inner.rfind('\'')?;
    let tail = inner.get(end + 1..)?.trim();
    if !tail.is_empty() && tail != "." {
        return None;
    }
    let name = inner.get(..end)?.trim();
    (!name.is_empty()).then_some(name)
}

/// Reads an identifier: the number up to a parenthesis or `issued`/
/// `expires`. A number written `IMO 1234567` is an IMO number whatever the
/// label. When details were cut off the whole clause is kept as a note.
fn read_ident(clause: &str, value: &str, property: &'static str, out: &mut ParsedRemarks) {
    let value = value.trim_start_matches(['#', ':', ' ']).trim();
    // `Passport issued in Sarajevo`: a document without its number.
    if ["issued", "expires"]
        .iter()
        .any(|w| strip_prefix_ignore_case(value, w).is_some())
    {
        out.fact(prop::NOTES, clause);
        return;
    }
    let mut end = value.len();
    if let Some(i) = value.find(" (") {
        end = end.min(i);
    }
    for marker in [" issued", " expires", ", issued", ", expires"] {
        if let Some(i) = find_ignore_case(value, marker) {
            end = end.min(i);
        }
    }
    let number = value.get(..end).unwrap_or(value);
    let details = value.get(end..).unwrap_or("").trim();
    let number = number.trim().trim_end_matches(['.', ',']).trim();
    let (property, number) = match imo_digits(number) {
        Some(digits) => (prop::IMO_NUMBER, digits),
        None => (property, number),
    };
    if number.is_empty() {
        out.unparsed(clause, Problem::BadValue);
        return;
    }
    out.fact(property, number);
    if !details.is_empty() && details != "." {
        out.fact(prop::NOTES, clause);
    }
}

/// `IMO 1234567` or `IMO1234567` → `1234567`.
fn imo_digits(number: &str) -> Option<&str> {
    let head = number.get(..3)?;
    if !head.eq_ignore_ascii_case("imo") {
        return None;
    }
    let digits = number.get(3..)?.trim();
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// A country name or code as OFAC writes it, to a lower-case ISO code.
/// Adds the few OFAC spellings the shared table lacks.
pub(crate) fn country_code(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_end_matches('.').trim();
    if name.is_empty() {
        return None;
    }
    if let Some(code) = country::to_code(name) {
        return Some(code);
    }
    if let [code] = country::codes_in(name).as_slice() {
        return Some(code);
    }
    let lower = name.to_lowercase();
    // `Region: Crimea`, `Region: Gaza`: a region named as an address country.
    if let Some(region) = lower.strip_prefix("region:") {
        return country::to_code(region.trim());
    }
    None
}

/// Reads a date expression into ISO prefix dates (`1968-08-07`, `1968-08`,
/// `1962`), keeping their precision. A range covering whole years
/// (`01 Jan 1960 to 31 Dec 1961`) becomes those years, a range covering one
/// whole month becomes that month; `circa 1979-1980` is read as a range.
fn read_dates(value: &str) -> Option<Vec<String>> {
    let value = value.trim().trim_end_matches(['.', ';']).trim();
    if value.is_empty() {
        return None;
    }
    let normalised = year_dash_range(value);
    let dates = expand_date_expression(normalised.as_deref().unwrap_or(value)).ok()?;
    let dates = match dates.as_slice() {
        [start, end] => whole_period(start, end).unwrap_or(dates),
        _ => dates,
    };
    if dates.is_empty() {
        return None;
    }
    Some(dates.iter().map(ToString::to_string).collect())
}

/// `1979-1980` or `circa 1979-1980` → `1979 to 1980`.
fn year_dash_range(value: &str) -> Option<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let last = words.last()?;
    let (a, b) = last.split_once('-')?;
    let is_year = |s: &str| s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit());
    if !(is_year(a) && is_year(b)) {
        return None;
    }
    let mut out = words.get(..words.len() - 1)?.join(" ");
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(a);
    out.push_str(" to ");
    out.push_str(b);
    Some(out)
}

fn whole_period(start: &FuzzyDate, end: &FuzzyDate) -> Option<Vec<FuzzyDate>> {
    if start.precision() != DatePrecision::Day || end.precision() != DatePrecision::Day {
        return None;
    }
    let (sm, sd, em, ed) = (start.month?, start.day?, end.month?, end.day?);
    let last_day = days_in_month(end.year, em);
    if sd != 1 || ed != last_day {
        return None;
    }
    if sm == 1 && em == 12 {
        let years = (start.year..=end.year)
            .map(FuzzyDate::year)
            .collect::<Vec<_>>();
        // Long spans keep only their ends, as `expand_date_expression` does.
        if years.len() <= 10 {
            return Some(years);
        }
        return Some(vec![FuzzyDate::year(start.year), FuzzyDate::year(end.year)]);
    }
    if start.year == end.year && sm == em {
        return Some(vec![FuzzyDate {
            year: start.year,
            month: Some(sm),
            day: None,
        }]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, property: &str) -> Vec<String> {
        let parsed = parse_remarks(text);
        assert!(parsed.unparsed.is_empty(), "{text}: {:?}", parsed.unparsed);
        parsed
            .values(property)
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn birth_dates_keep_precision() {
        assert_eq!(one("DOB 07 Aug 1968.", prop::BIRTH_DATE), ["1968-08-07"]);
        assert_eq!(one("DOB Aug 1968.", prop::BIRTH_DATE), ["1968-08"]);
        assert_eq!(one("DOB 1962.", prop::BIRTH_DATE), ["1962"]);
        assert_eq!(one("DOB circa 1962.", prop::BIRTH_DATE), ["1962"]);
        assert_eq!(
            one("DOB 1962 to 1964.", prop::BIRTH_DATE),
            ["1962", "1963", "1964"]
        );
        assert_eq!(
            one("DOB circa 1979-1980.", prop::BIRTH_DATE),
            ["1979", "1980"]
        );
        assert_eq!(
            one("DOB 01 Jan 1960 to 31 Dec 1961.", prop::BIRTH_DATE),
            ["1960", "1961"]
        );
        assert_eq!(
            one("DOB 01 Mar 1958 to 31 Mar 1958.", prop::BIRTH_DATE),
            ["1958-03"]
        );
        assert_eq!(
            one("DOB 10 Sep 1967 to 15 Dec 1967.", prop::BIRTH_DATE),
            ["1967-09-10", "1967-12-15"]
        );
        assert_eq!(
            one("DOB 1950; alt. DOB 1951.", prop::BIRTH_DATE),
            ["1950", "1951"]
        );
    }

    #[test]
    fn bad_date_is_reported() {
        let p = parse_remarks("DOB sometime in the sixties; Gender Male.");
        assert_eq!(p.values(prop::GENDER), ["male"]);
        assert_eq!(
            p.unparsed,
            [UnparsedClause {
                text: "DOB sometime in the sixties".into(),
                value: "DOB sometime in the sixties".into(),
                problem: Problem::BadDate
            }]
        );
        assert!(p.values(prop::BIRTH_DATE).is_empty());
        let p = parse_remarks("DOB 31 Feb 1970.");
        assert_eq!(p.unparsed[0].problem, Problem::BadDate);
    }

    #[test]
    fn countries_never_confuse_the_koreas() {
        let p = parse_remarks(
            "POB Pyongyang, Korea, North; nationality Korea, North; alt. nationality Korea, South; citizen Russia.",
        );
        assert!(p.unparsed.is_empty(), "{:?}", p.unparsed);
        assert_eq!(p.values(prop::BIRTH_PLACE), ["Pyongyang, Korea, North"]);
        assert_eq!(p.values(prop::NATIONALITY), ["kp", "kr"]);
        assert_eq!(p.values(prop::CITIZENSHIP), ["ru"]);
        let p = parse_remarks("nationality Atlantis.");
        assert_eq!(p.unparsed[0].problem, Problem::UnknownCountry);
        assert_eq!(one("nationality Palestinian.", prop::NATIONALITY), ["ps"]);
    }

    #[test]
    fn gender() {
        assert_eq!(one("Gender Male.", prop::GENDER), ["male"]);
        assert_eq!(one("Gender Female", prop::GENDER), ["female"]);
        assert_eq!(
            parse_remarks("Gender Unknown.").unparsed[0].problem,
            Problem::BadValue
        );
    }

    #[test]
    fn documents() {
        let p = parse_remarks(
            "Passport 563120356 (Korea, North); alt. Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004; Diplomatic Passport 654110084 (Korea, North).",
        );
        assert!(p.unparsed.is_empty());
        assert_eq!(
            p.values(prop::PASSPORT_NUMBER),
            ["563120356", "G025057", "654110084"]
        );
        assert_eq!(
            p.values(prop::NOTES)[0],
            "Passport 563120356 (Korea, North)"
        );
        assert_eq!(
            one(
                "National ID No. 660000 73767 (Belgium); Cedula No. 16247821 (Colombia); C.U.R.P. ABCD800101HDFRRN09; Identification Number 210302198701102136 (China); Personal ID Card 12345.",
                prop::ID_NUMBER
            ),
            [
                "660000 73767",
                "16247821",
                "ABCD800101HDFRRN09",
                "210302198701102136",
                "12345"
            ]
        );
        assert_eq!(
            one(
                "Tax ID No. 7744001497 (Russia); RFC ABC123456XYZ; NIT # 800146749-7 (Colombia); R.F.C. XYZ-010101.",
                prop::TAX_NUMBER
            ),
            ["7744001497", "ABC123456XYZ", "800146749-7", "XYZ-010101"]
        );
        assert_eq!(
            one(
                "Registration ID 14063277; Business Registration Number 1037739709138 (Russia); Company Number 01074897 (United Kingdom); Commercial Registry Number 1404087 (Colombia); Certificate of Incorporation Number 1234.",
                prop::REGISTRATION_NUMBER
            ),
            ["14063277", "1037739709138", "01074897", "1404087", "1234"]
        );
    }

    #[test]
    fn vessels() {
        let p = parse_remarks(
            "Vessel Registration Identification IMO 9101833; MMSI 445000000; Vessel Call Sign HMYX; Vessel Flag Korea, North; Former Vessel Flag Tuvalu; Vessel Year of Build 1984; Identification Number IMO 5342883; Vessel Registration Identification RS 150443 (Russia).",
        );
        assert!(p.unparsed.is_empty(), "{:?}", p.unparsed);
        assert_eq!(p.values(prop::IMO_NUMBER), ["9101833", "5342883"]);
        assert_eq!(p.values(prop::MMSI), ["445000000"]);
        assert_eq!(p.values(prop::CALL_SIGN), ["HMYX"]);
        assert_eq!(p.values(prop::FLAG), ["kp"]);
        assert_eq!(p.values(extra::PAST_FLAGS), ["tv"]);
        assert_eq!(p.values(extra::BUILD_DATE), ["1984"]);
        assert_eq!(p.values(prop::REGISTRATION_NUMBER), ["RS 150443"]);
    }

    #[test]
    fn contacts_wallets_and_links() {
        let p = parse_remarks(
            "Website www.sberbank.ru; Email Address info@example.kp; Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96; alt. Digital Currency Address - XBT 1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo; Linked To: LAZARUS GROUP; Phone Number 8613314257947; Title Director; Organization Established Date 17 Dec 2016; Website www.example.com.",
        );
        assert!(p.unparsed.is_empty(), "{:?}", p.unparsed);
        assert_eq!(
            p.values(prop::WEBSITE),
            ["www.sberbank.ru", "www.example.com"]
        );
        assert_eq!(p.values(prop::EMAIL), ["info@example.kp"]);
        assert_eq!(
            p.values(prop::CRYPTO_WALLET),
            [
                "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                "1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo"
            ]
        );
        assert_eq!(p.values(prop::LINKED_TO), ["LAZARUS GROUP"]);
        assert_eq!(p.values(extra::PHONE), ["8613314257947"]);
        assert_eq!(p.values(prop::TITLE), ["Director"]);
        assert_eq!(p.values(extra::INCORPORATION_DATE), ["2016-12-17"]);
    }

    #[test]
    fn final_full_stop_of_an_abbreviation_stays() {
        assert_eq!(
            one("Linked To: PETROLEOS DE VENEZUELA, S.A.", prop::LINKED_TO),
            ["PETROLEOS DE VENEZUELA, S.A."]
        );
        assert_eq!(
            one("Linked To: SHIPPING CO., LTD.", prop::LINKED_TO),
            ["SHIPPING CO., LTD."]
        );
        assert_eq!(one("Linked To: HIZBALLAH.", prop::LINKED_TO), ["HIZBALLAH"]);
        assert_eq!(
            one(
                "Linked To: GANADERIAS DEL VALLE S.A.; Gender Male.",
                prop::LINKED_TO
            ),
            ["GANADERIAS DEL VALLE S.A."]
        );
    }

    #[test]
    fn weak_aliases() {
        let p = parse_remarks("a.k.a. 'KOMID'; f.k.a. 'ANA I'; n.k.a. 'NU'MAN'.");
        assert!(p.unparsed.is_empty());
        assert_eq!(p.values(prop::WEAK_ALIAS), ["KOMID", "ANA I", "NU'MAN"]);
        // A remark cut off inside an alias keeps the fragment as unparsed.
        let p = parse_remarks("a.k.a. 'snowsjo");
        assert_eq!(p.unparsed[0].text, "a.k.a. 'snowsjo");
        assert_eq!(p.unparsed[0].problem, Problem::BadValue);
    }

    #[test]
    fn unlabelled_posts_relatives_and_contacts() {
        let p = parse_remarks(
            "Former Minister of Interior; Major General; wife of Izzat Ibrahim al-Duri; www.almanar.com.lb; info@sanabel.org.uk (email).",
        );
        assert!(p.unparsed.is_empty(), "{:?}", p.unparsed);
        assert_eq!(
            p.values(extra::POSITION),
            ["Former Minister of Interior", "Major General"]
        );
        assert_eq!(p.values(prop::LINKED_TO), ["Izzat Ibrahim al-Duri"]);
        assert_eq!(p.values(prop::NOTES), ["wife of Izzat Ibrahim al-Duri"]);
        assert_eq!(p.values(prop::WEBSITE), ["www.almanar.com.lb"]);
        assert_eq!(p.values(prop::EMAIL), ["info@sanabel.org.uk"]);
        // A post is free text without numbers; `Member 12` is not one.
        assert_eq!(parse_remarks("Member 12.").unparsed.len(), 1);
    }

    #[test]
    fn qualified_values() {
        let p = parse_remarks(
            "nationality possibly Palestinian; Passport issued in Sarajevo, Bosnia-Herzegovina; Former Vessel Flag None Identified; d.b.a. 'ANARQUIA PAINTBALL'; nationality North Macedonia, The Republic of.",
        );
        assert!(p.unparsed.is_empty(), "{:?}", p.unparsed);
        assert_eq!(p.values(prop::NATIONALITY), ["ps", "mk"]);
        assert!(p.values(prop::PASSPORT_NUMBER).is_empty());
        assert!(p.values(extra::PAST_FLAGS).is_empty());
        assert_eq!(p.values(prop::WEAK_ALIAS), ["ANARQUIA PAINTBALL"]);
        assert_eq!(
            p.values(prop::NOTES),
            [
                "nationality possibly Palestinian",
                "Passport issued in Sarajevo, Bosnia-Herzegovina",
                "Former Vessel Flag None Identified"
            ]
        );
    }

    #[test]
    fn unknown_clause_is_kept() {
        let p = parse_remarks("Gender Male; Favourite colour blue; DOB 1970.");
        assert_eq!(p.values(prop::GENDER), ["male"]);
        assert_eq!(p.values(prop::BIRTH_DATE), ["1970"]);
        assert_eq!(
            p.unparsed,
            [UnparsedClause {
                text: "Favourite colour blue".into(),
                value: "Favourite colour blue".into(),
                problem: Problem::UnknownClause
            }]
        );
    }

    #[test]
    fn sanctions_information_goes_to_notes() {
        let text = "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210";
        assert_eq!(one(text, prop::NOTES), [text]);
    }

    #[test]
    fn labels_need_a_word_boundary() {
        // `Flagship` is not `Flag ship`, and `DOBSON` is not a date.
        let p = parse_remarks("Flagship Holdings; DOBSON.");
        assert_eq!(p.unparsed.len(), 2);
        assert!(p.facts.is_empty());
    }

    #[test]
    fn random_input_does_not_panic() {
        // Fragments of real clauses, multi-byte characters and separators,
        // glued in pseudo-random order.
        const PIECES: [&str; 24] = [
            "DOB ",
            "alt. ",
            "a.k.a. '",
            "'",
            ";",
            ".",
            " ",
            "1984",
            "Jan",
            " to ",
            "-",
            "Passport ",
            "(",
            ")",
            "IMO",
            "é",
            "조선",
            "Digital Currency Address - ",
            "XBT ",
            "nationality ",
            "Korea, North",
            "Linked To:",
            "www.",
            "@",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            let len = state % 12;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            state = state.wrapping_add(1);
            let p = parse_remarks(&text);
            assert!(
                p.facts.iter().all(|f| !f.value.trim().is_empty()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "",
            ".",
            ";",
            ";;;.",
            "'",
            "a.k.a. '",
            "a.k.a. ''",
            "DOB",
            "DOB .",
            "alt.",
            "alt. ",
            "Passport (x)",
            "Digital Currency Address -",
            "IMO",
            "é;ü.ß",
            "DOB 9999-0000",
            "DOB circa -",
            "Linked To:",
            "\u{1a}",
        ] {
            let p = parse_remarks(s);
            for f in &p.facts {
                assert!(
                    !f.value.trim().is_empty(),
                    "{s:?} gave an empty {}",
                    f.property
                );
            }
        }
    }
}
