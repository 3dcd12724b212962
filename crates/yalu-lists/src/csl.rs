//! US Consolidated Screening List (CSV).
//!
//! The US International Trade Administration merges the export-control and
//! sanctions lists of the Departments of Commerce, State and the Treasury
//! into one CSV with a header row: `_id, source, entity_number, type,
//! programs, name, title, addresses, federal_register_notice, start_date,
//! end_date, ..., call_sign, vessel_type, gross_tonnage, ..., vessel_flag,
//! vessel_owner, remarks, source_list_url, alt_names, citizenships,
//! dates_of_birth, nationalities, places_of_birth, source_information_url,
//! ids`. Columns are found by header name, so their order does not matter.
//! Multi-valued cells are separated by `;`.
//!
//! ## Mapping
//!
//! | CSL column | entity |
//! |---|---|
//! | `_id` | id `csl-<_id>`, dataset `us_trade_csl`, `target`. The same `_id` can appear under two source lists (an SSI entry repeated on the NS-MBS list); the later row becomes `csl-<_id>-<list code>` with `csl-<_id>` in its `referents`, and a warning |
//! | `source` | `publisher` (the source list, e.g. `Entity List (EL) - Bureau of Industry and Security`) and a topic: `sanction` (Treasury, State ISN), `export.control` (Commerce BIS lists), `debarment` (State ITAR debarred) |
//! | `type` | `Individual` → `Person`, `Entity` → `Organization`, `Vessel` → `Vessel`, `Aircraft` → `Airplane`; empty (the BIS and State lists do not say) → `LegalEntity` |
//! | `entity_number` | for Treasury lists it is the OFAC entity number: referent `ofac-<n>` |
//! | `programs` | `program` |
//! | `name`, `alt_names` | `name`, `alias` |
//! | `title` | `title` |
//! | `addresses` | `address`; a trailing country code gives `country` |
//! | `dates_of_birth` | `birthDate` via [`yalu_model::expand_date_expression`] (`1968-02-11`, `1956`, `circa 1962`, `Feb 1970`); an unreadable date is kept in `notes` with a warning |
//! | `nationalities`, `citizenships` | `nationality`, `citizenship` codes |
//! | `places_of_birth` | `birthPlace` |
//! | `ids` | entries `TYPE, NUMBER[, COUNTRY, ...]`: passports → `passportNumber`; tax, registration numbers → `taxNumber`, `registrationNumber`; `Website`, `Email Address`, `SWIFT/BIC`, `ISIN`, `Vessel Registration Identification` (IMO), digital currency addresses and `Gender` to their properties; directive, listing-date and sanctions-risk statements → `notes`; any other identifier → `idNumber` |
//! | `call_sign`, `vessel_flag`, `vessel_type`, `gross_tonnage`, `gross_registered_tonnage` | `callSign`, `flag`, `type`, `tonnage`, `grossRegisteredTonnage` |
//! | `remarks`, `federal_register_notice`, `end_date`, `vessel_owner` | `notes` |
//! | `start_date` | `first_seen` |
//! | `source_list_url`, `source_information_url` | `sourceUrl` |
//!
//! ## Bad input
//!
//! A row without `_id` or `name`, with more cells than the header or that
//! is not UTF-8 is skipped and reported by line (an error under
//! [`ReadOptions::strict`]). A row with fewer cells than the header (a file
//! cut in the middle of its last row) is read with the missing cells empty
//! and a warning. A repetition of the header row is ignored with a warning.
//! A file whose header lacks `_id`, `source` or `name` is a
//! [`ListError::Format`].

use crate::{ListError, ReadOptions, ReadStats, RecordError};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use yalu_model::country::CountryValue;
use yalu_model::{Entity, Schema, country, expand_date_expression, prop};

/// Dataset name of the Consolidated Screening List.
pub const DATASET: &str = "us_trade_csl";

/// Column positions, by header name.
struct Columns {
    index: HashMap<String, usize>,
    count: usize,
}

impl Columns {
    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index
            .get(name)
            .and_then(|&i| record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn list<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Vec<&'r str> {
        split_list(self.get(record, name))
    }
}

fn split_list(cell: &str) -> Vec<&str> {
    cell.split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// The short code a source names in parentheses: `SSI` in
/// `Sectoral Sanctions Identifications List (SSI) - Treasury Department`.
fn source_code(source: &str) -> Option<String> {
    let open = source.find('(')?;
    let rest = source.get(open + 1..)?;
    let close = rest.find(')')?;
    let code: String = rest
        .get(..close)?
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    (!code.is_empty()).then_some(code)
}

/// The FtM topic of a source list.
fn source_topic(source: &str) -> Option<&'static str> {
    let s = source.to_ascii_lowercase();
    if s.contains("itar debarred") || s.contains("(dtc)") {
        Some("debarment")
    } else if s.contains("bureau of industry and security") {
        Some("export.control")
    } else if s.contains("treasury") || s.contains("sanction") {
        Some("sanction")
    } else {
        None
    }
}

fn schema_of(kind: &str) -> Option<Schema> {
    match kind.to_ascii_lowercase().as_str() {
        "individual" => Some(Schema::Person),
        "entity" => Some(Schema::Organization),
        "vessel" => Some(Schema::Vessel),
        "aircraft" => Some(Schema::Airplane),
        "" => Some(Schema::LegalEntity),
        _ => None,
    }
}

struct Row<'a> {
    path: &'a Path,
    location: String,
    stats: &'a mut ReadStats,
}

impl Row<'_> {
    fn warn(&mut self, reason: String) {
        self.stats
            .warnings
            .push(RecordError::new(self.path, self.location.clone(), reason));
    }

    /// Adds the codes of a country value; a value naming no country is
    /// kept in the notes, tallied and warned about with the reason.
    fn country(&mut self, e: &mut Entity, property: &str, text: &str) {
        match country::classify(text) {
            CountryValue::Countries(codes) => {
                for code in codes {
                    e.add(property, code);
                }
            }
            CountryValue::NotCountry(_) | CountryValue::Unknown => {
                let reason = self.stats.no_country(property, text);
                self.warn(format!("{reason}; kept in notes"));
                e.add(prop::NOTES, format!("{property}: {text}"));
            }
        }
    }
}

/// Streams the US Consolidated Screening List CSV.
pub fn read(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let file = std::fs::File::open(path).map_err(|e| ListError::io(path, e))?;
    // lines from the counter: the csv crate's are wrong after `\r\n` line
    // ends and blank lines
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(yalu_model::LineCounter::new(file));
    let mut stats = ReadStats::default();
    let mut record = csv::StringRecord::new();

    let header = match reader.read_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            return Err(ListError::Format {
                path: path.to_path_buf(),
                reason: "empty file: no CSL header row".to_string(),
            });
        }
        Err(e) => return Err(csv_fatal(path, e)),
    };
    let mut index = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        index.entry(name).or_insert(i);
    }
    for required in ["_id", "source", "name"] {
        if !index.contains_key(required) {
            return Err(ListError::Format {
                path: path.to_path_buf(),
                reason: format!(
                    "the header row has no `{required}` column; not a Consolidated Screening List"
                ),
            });
        }
    }
    let columns = Columns {
        index,
        count: header.len(),
    };
    let mut seen: HashSet<String> = HashSet::new();

    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| reader.get_mut().line_of(p.byte()))
                    .unwrap_or(0);
                if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    stats.records += 1;
                    stats.skip(
                        opts,
                        RecordError::new(
                            path,
                            format!("line {line}"),
                            format!("row is not UTF-8 text: {e}"),
                        ),
                    )?;
                    continue;
                }
                return Err(csv_fatal(path, e));
            }
        }
        let line = record
            .position()
            .map(|p| reader.get_mut().line_of(p.byte()))
            .unwrap_or(0);
        let location = format!("line {line}");
        if columns.get(&record, "_id") == "_id" && columns.get(&record, "name") == "name" {
            stats.warnings.push(RecordError::new(
                path,
                location,
                "the header row is repeated here; ignored",
            ));
            continue;
        }
        stats.records += 1;
        if record.len() > columns.count {
            stats.skip(
                opts,
                RecordError::new(
                    path,
                    location,
                    format!(
                        "row has {} cells but the header has {}",
                        record.len(),
                        columns.count
                    ),
                ),
            )?;
            continue;
        }
        let mut row = Row {
            path,
            location,
            stats: &mut stats,
        };
        if record.len() < columns.count {
            row.warn(format!(
                "row has {} of {} cells (truncated?); the missing cells are read as empty",
                record.len(),
                columns.count
            ));
        }
        match build_entity(&columns, &record, &mut row, &mut seen) {
            Ok(entity) => {
                stats.entities += 1;
                sink(entity);
            }
            Err(reason) => {
                let error = RecordError::new(path, row.location, reason);
                stats.skip(opts, error)?;
            }
        }
    }
    Ok(stats)
}

fn csv_fatal(path: &Path, e: csv::Error) -> ListError {
    let line = e
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ListError::io(path, io),
        _ => ListError::Format {
            path: path.to_path_buf(),
            reason: format!("{line}{message}"),
        },
    }
}

fn build_entity(
    columns: &Columns,
    record: &csv::StringRecord,
    row: &mut Row<'_>,
    seen: &mut HashSet<String>,
) -> Result<Entity, String> {
    let get = |name: &str| columns.get(record, name);
    let list = |name: &str| columns.list(record, name);

    let raw_id = get("_id");
    if raw_id.is_empty() {
        return Err("row without an _id".to_string());
    }
    let name = get("name");
    if name.is_empty() {
        return Err("row without a name".to_string());
    }
    let kind = get("type");
    let schema = schema_of(kind).unwrap_or_else(|| {
        row.warn(format!("unknown type `{kind}`; read as LegalEntity"));
        Schema::LegalEntity
    });
    let source = get("source");

    let base_id = format!("csl-{raw_id}");
    let mut id = base_id.clone();
    if seen.contains(&id) {
        let suffix = source_code(source).unwrap_or_else(|| row.location.replace(' ', ""));
        id = format!("{base_id}-{suffix}");
        let mut n = 2;
        while seen.contains(&id) {
            id = format!("{base_id}-{suffix}-{n}");
            n += 1;
        }
        row.warn(format!(
            "_id {raw_id} appears on an earlier row; this row is kept as {id} (referent {base_id})"
        ));
    }
    seen.insert(id.clone());

    let mut e = Entity::new(id.clone(), schema);
    if id != base_id {
        e.referents.push(base_id);
    }
    e.add_dataset(DATASET);
    e.target = true;
    e.add("publisher", source);
    if let Some(topic) = source_topic(source) {
        e.add(prop::TOPICS, topic);
    }
    let number = get("entity_number");
    if !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && source.to_ascii_lowercase().contains("treasury")
    {
        let referent = format!("ofac-{number}");
        if !e.referents.contains(&referent) {
            e.referents.push(referent);
        }
    }
    e.add_all(prop::PROGRAM, list("programs"));
    e.add(prop::NAME, name);
    e.add_all(prop::ALIAS, list("alt_names"));
    e.add(prop::TITLE, get("title"));

    for address in list("addresses") {
        e.add(prop::ADDRESS, address);
        let last = address.rsplit(',').next().unwrap_or("").trim();
        if let Some(code) = country::to_code(last) {
            e.add(prop::COUNTRY, code);
        }
    }
    for dob in list("dates_of_birth") {
        match expand_date_expression(dob) {
            Ok(dates) => {
                for d in dates {
                    e.add(prop::BIRTH_DATE, d.to_string());
                }
            }
            Err(err) => {
                row.warn(format!(
                    "date of birth `{dob}` not understood ({err}); kept in notes"
                ));
                e.add(prop::NOTES, format!("Date of birth: {dob}"));
            }
        }
    }
    for c in list("nationalities") {
        row.country(&mut e, prop::NATIONALITY, c);
    }
    for c in list("citizenships") {
        row.country(&mut e, prop::CITIZENSHIP, c);
    }
    e.add_all(prop::BIRTH_PLACE, list("places_of_birth"));
    for entry in list("ids") {
        add_identifier(&mut e, entry, row);
    }

    e.add(prop::CALL_SIGN, get("call_sign"));
    let flag = get("vessel_flag");
    if !flag.is_empty() {
        row.country(&mut e, prop::FLAG, flag);
    }
    e.add(prop::TYPE, get("vessel_type"));
    e.add("tonnage", get("gross_tonnage"));
    e.add("grossRegisteredTonnage", get("gross_registered_tonnage"));
    let owner = get("vessel_owner");
    if !owner.is_empty() {
        e.add(prop::NOTES, format!("Vessel owner: {owner}"));
    }

    e.add(prop::NOTES, get("remarks"));
    let notice = get("federal_register_notice");
    if !notice.is_empty() {
        e.add(prop::NOTES, format!("Federal Register: {notice}"));
    }
    let end = get("end_date");
    if !end.is_empty() {
        e.add(prop::NOTES, format!("End date: {end}"));
    }
    let start = get("start_date");
    if !start.is_empty() {
        match start.parse::<yalu_model::FuzzyDate>() {
            Ok(d) => e.first_seen = Some(d.to_string()),
            Err(err) => row.warn(format!("start_date `{start}` is not a date ({err})")),
        }
    }
    e.add(prop::SOURCE_URL, get("source_list_url"));
    e.add(prop::SOURCE_URL, get("source_information_url"));
    Ok(e)
}

/// Where an `ids` entry goes, by its type.
enum IdKind {
    Property(&'static str),
    Country,
    Gender,
    Imo,
    IncorporationDate,
    Note,
}

fn id_kind(kind: &str) -> IdKind {
    let k = kind.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if has(&[
        "directive",
        "sanctions",
        "listing date",
        "effective date",
        "divestment date",
        "target type",
        "issuer name",
        "organization type",
        "caatsa",
        "ifca",
        "transactions prohibited",
    ]) {
        IdKind::Note
    } else if has(&["established date", "incorporation date"]) {
        IdKind::IncorporationDate
    } else if k == "gender" {
        IdKind::Gender
    } else if has(&["nationality of registration", "nationality country"]) {
        IdKind::Country
    } else if k.contains("vessel registration identification") || k == "imo" || k == "imo number" {
        IdKind::Imo
    } else if k.contains("passport") {
        IdKind::Property(prop::PASSPORT_NUMBER)
    } else if k == "website" {
        IdKind::Property(prop::WEBSITE)
    } else if k.starts_with("email") {
        IdKind::Property(prop::EMAIL)
    } else if k.starts_with("digital currency address") {
        IdKind::Property(prop::CRYPTO_WALLET)
    } else if k == "mmsi" {
        IdKind::Property(prop::MMSI)
    } else if k == "swift/bic" {
        IdKind::Property("swiftBic")
    } else if k == "isin" {
        IdKind::Property("isinCode")
    } else if k == "equity ticker" {
        IdKind::Property("ticker")
    } else if k.starts_with("bik") {
        IdKind::Property("bikCode")
    } else if has(&[
        "tax id",
        "tax identification",
        "nit #",
        "r.f.c.",
        "fiscal code",
        "fein",
        "v.a.t.",
        "vat number",
        "c.u.i.t.",
        "ruc #",
    ]) || k == "rfc"
        || k == "inn"
    {
        IdKind::Property(prop::TAX_NUMBER)
    } else if has(&[
        "registration id",
        "registration number",
        "registration no",
        "registration document",
        "gazette",
        "credit code",
        "c.r. no",
        "certificate of incorporation",
        "company number",
        "legal entity number",
        "registered charity",
        "ogrn",
    ]) {
        IdKind::Property(prop::REGISTRATION_NUMBER)
    } else {
        IdKind::Property(prop::ID_NUMBER)
    }
}

/// Reads one `TYPE, NUMBER[, COUNTRY, ...]` entry of the `ids` column.
fn add_identifier(e: &mut Entity, entry: &str, row: &mut Row<'_>) {
    let mut parts = entry.splitn(3, ',').map(str::trim);
    let kind = parts.next().unwrap_or("");
    let value = parts.next().unwrap_or("");
    if value.is_empty() {
        e.add(prop::NOTES, entry);
        return;
    }
    match id_kind(kind) {
        IdKind::Note => {
            // `Secondary sanctions risk:, North Korea Sanctions Regulations, ...`
            let rest = entry.split_once(',').map(|(_, r)| r.trim()).unwrap_or("");
            let note = if kind.ends_with([':', '-']) {
                format!("{kind} {rest}")
            } else {
                format!("{kind}: {rest}")
            };
            e.add(prop::NOTES, note);
        }
        IdKind::Gender => match value.to_ascii_lowercase().as_str() {
            g @ ("male" | "female") => {
                e.add(prop::GENDER, g);
            }
            _ => {
                e.add(prop::NOTES, entry);
            }
        },
        IdKind::Country => row.country(e, prop::COUNTRY, value),
        IdKind::Imo => {
            let number = value.strip_prefix("IMO").map(str::trim).unwrap_or(value);
            e.add(prop::IMO_NUMBER, number);
        }
        IdKind::IncorporationDate => match expand_date_expression(value) {
            Ok(dates) => {
                for d in dates {
                    e.add("incorporationDate", d.to_string());
                }
            }
            Err(_) => {
                e.add(prop::NOTES, entry);
            }
        },
        IdKind::Property(property) => {
            e.add(property, value);
        }
    }
}
