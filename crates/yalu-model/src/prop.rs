//! FtM property names used in screening, and how each is compared.
//!
//! Properties are stored by their FtM name (a string) so that any FtM
//! property survives a round trip; these constants name the ones Yalu reads.

/// The name an entity is listed under (FtM `name`); primary names.
pub const NAME: &str = "name";
/// Other names the entity is known by (a.k.a.).
pub const ALIAS: &str = "alias";
/// Low-quality aliases: nicknames, single words, names a list marks as weak.
pub const WEAK_ALIAS: &str = "weakAlias";
/// Names the entity used before (f.k.a.).
pub const PREVIOUS_NAME: &str = "previousName";
/// A person's given name, when the list gives name parts.
pub const FIRST_NAME: &str = "firstName";
/// A person's middle name.
pub const MIDDLE_NAME: &str = "middleName";
/// A person's family name.
pub const LAST_NAME: &str = "lastName";
/// A patronymic or the father's name.
pub const FATHER_NAME: &str = "fatherName";
/// An honorific or rank (`General`, `Dr.`).
pub const TITLE: &str = "title";
/// Date of birth, as an ISO prefix date (`1984`, `1984-01`, `1984-01-08`).
pub const BIRTH_DATE: &str = "birthDate";
/// Place of birth, as written.
pub const BIRTH_PLACE: &str = "birthPlace";
/// Date of death, as an ISO prefix date.
pub const DEATH_DATE: &str = "deathDate";
/// `male`, `female` or `other`.
pub const GENDER: &str = "gender";
/// Nationality, as country codes (`kp`).
pub const NATIONALITY: &str = "nationality";
/// Citizenship, as country codes.
pub const CITIZENSHIP: &str = "citizenship";
/// A country the entity is linked to (residence, seat, address), as codes.
pub const COUNTRY: &str = "country";
/// Where an organisation is registered, as country codes.
pub const JURISDICTION: &str = "jurisdiction";
/// A postal address, as one line of text.
pub const ADDRESS: &str = "address";
/// A national or other identity number.
pub const ID_NUMBER: &str = "idNumber";
/// A passport number.
pub const PASSPORT_NUMBER: &str = "passportNumber";
/// A tax identifier (TIN, VAT, INN as a tax number).
pub const TAX_NUMBER: &str = "taxNumber";
/// A company or other registration number.
pub const REGISTRATION_NUMBER: &str = "registrationNumber";
/// A Russian taxpayer number (INN).
pub const INN_CODE: &str = "innCode";
/// A vessel's IMO number (or a company's IMO company number).
pub const IMO_NUMBER: &str = "imoNumber";
/// A vessel's Maritime Mobile Service Identity.
pub const MMSI: &str = "mmsi";
/// A vessel's or aircraft's radio call sign.
pub const CALL_SIGN: &str = "callSign";
/// The flag a vessel flies, as country codes.
pub const FLAG: &str = "flag";
/// An e-mail address.
pub const EMAIL: &str = "email";
/// A web site.
pub const WEBSITE: &str = "website";
/// The sanctions programme or regime a listing falls under (`DPRK3`).
pub const PROGRAM: &str = "program";
/// The list's own reference of a listing (`KPi.033`, `DPR0001`).
pub const PROGRAM_ID: &str = "programId";
/// FtM topics (`sanction`, `export.control`).
pub const TOPICS: &str = "topics";
/// Free-text remarks, and values a reader kept but could not interpret.
pub const NOTES: &str = "notes";
/// A person's position or office (`Official for Korea Ryonbong General Corporation`).
pub const POSITION: &str = "position";
/// Where the listing was published.
pub const SOURCE_URL: &str = "sourceUrl";
/// Cryptocurrency wallet addresses (FtM puts them on `CryptoWallet`
/// entities; lists attach them to the holder, so Yalu keeps them here).
pub const CRYPTO_WALLET: &str = "cryptoWallet";
/// Free-text relations such as OFAC's `Linked To:`.
pub const LINKED_TO: &str = "linkedTo";
/// Model of a vessel or aircraft.
pub const MODEL: &str = "model";
/// Tonnage, build year and other asset attributes are kept verbatim.
pub const TYPE: &str = "type";

/// How a property's values are compared during screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    /// A name, compared by the name matcher.
    Name,
    /// A date, compared by its precision.
    Date,
    /// A country code.
    Country,
    /// An identifier (passport, registration, IMO number), compared
    /// after normalisation.
    Identifier,
    /// `male`, `female` or `other`.
    Gender,
    /// Anything else: kept, not compared.
    Text,
}

/// The comparison type of a property name (`Text` for anything unknown).
pub fn property_type(name: &str) -> PropertyType {
    match name {
        NAME | ALIAS | WEAK_ALIAS | PREVIOUS_NAME | FIRST_NAME | MIDDLE_NAME | LAST_NAME
        | FATHER_NAME => PropertyType::Name,
        BIRTH_DATE | DEATH_DATE => PropertyType::Date,
        NATIONALITY | CITIZENSHIP | COUNTRY | JURISDICTION | FLAG => PropertyType::Country,
        ID_NUMBER | PASSPORT_NUMBER | TAX_NUMBER | REGISTRATION_NUMBER | INN_CODE | IMO_NUMBER
        | MMSI | CALL_SIGN | CRYPTO_WALLET | EMAIL => PropertyType::Identifier,
        GENDER => PropertyType::Gender,
        _ => PropertyType::Text,
    }
}

/// Name-bearing properties in the order a caption prefers them.
pub const NAME_PROPERTIES: [&str; 4] = [NAME, ALIAS, PREVIOUS_NAME, WEAK_ALIAS];

/// Identifier properties compared for exact hits.
pub const IDENTIFIER_PROPERTIES: [&str; 10] = [
    ID_NUMBER,
    PASSPORT_NUMBER,
    TAX_NUMBER,
    REGISTRATION_NUMBER,
    INN_CODE,
    IMO_NUMBER,
    MMSI,
    CALL_SIGN,
    CRYPTO_WALLET,
    EMAIL,
];

/// Country-bearing properties.
pub const COUNTRY_PROPERTIES: [&str; 5] = [NATIONALITY, CITIZENSHIP, COUNTRY, JURISDICTION, FLAG];
