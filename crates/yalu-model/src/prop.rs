//! FtM property names used in screening, and how each is compared.
//!
//! Properties are stored by their FtM name (a string) so that any FtM
//! property survives a round trip; these constants name the ones Yalu reads.

pub const NAME: &str = "name";
pub const ALIAS: &str = "alias";
pub const WEAK_ALIAS: &str = "weakAlias";
pub const PREVIOUS_NAME: &str = "previousName";
pub const FIRST_NAME: &str = "firstName";
pub const MIDDLE_NAME: &str = "middleName";
pub const LAST_NAME: &str = "lastName";
pub const FATHER_NAME: &str = "fatherName";
pub const TITLE: &str = "title";
pub const BIRTH_DATE: &str = "birthDate";
pub const BIRTH_PLACE: &str = "birthPlace";
pub const DEATH_DATE: &str = "deathDate";
pub const GENDER: &str = "gender";
pub const NATIONALITY: &str = "nationality";
pub const CITIZENSHIP: &str = "citizenship";
pub const COUNTRY: &str = "country";
pub const JURISDICTION: &str = "jurisdiction";
pub const ADDRESS: &str = "address";
pub const ID_NUMBER: &str = "idNumber";
pub const PASSPORT_NUMBER: &str = "passportNumber";
pub const TAX_NUMBER: &str = "taxNumber";
pub const REGISTRATION_NUMBER: &str = "registrationNumber";
pub const INN_CODE: &str = "innCode";
pub const IMO_NUMBER: &str = "imoNumber";
pub const MMSI: &str = "mmsi";
pub const CALL_SIGN: &str = "callSign";
pub const FLAG: &str = "flag";
pub const EMAIL: &str = "email";
pub const WEBSITE: &str = "website";
pub const PROGRAM: &str = "program";
pub const PROGRAM_ID: &str = "programId";
pub const TOPICS: &str = "topics";
pub const NOTES: &str = "notes";
/// A person's position or office (`Official for Korea Ryonbong General Corporation`).
pub const POSITION: &str = "position";
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
    Name,
    Date,
    Country,
    Identifier,
    Gender,
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
