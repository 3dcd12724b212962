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
    let columns = read_header(&mut reader, &mut record, path)?;
    let mut rows = Rows {
        path,
        opts,
        columns,
        seen: HashSet::new(),
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| reader.get_mut().line_of(p.byte()))
                    .unwrap_or(0);
                rows.skip_unreadable(e, line, &mut stats)?;
                continue;
            }
        }
        let line = record
            .position()
            .map(|p| reader.get_mut().line_of(p.byte()))
            .unwrap_or(0);
        rows.read_row(&record, line, &mut stats, sink)?;
    }
    Ok(stats)
}

/// The header row's columns; an error when the file is empty or lacks a
/// column every CSL has (`_id`, `source`, `name`).
fn read_header<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    path: &Path,
) -> Result<Columns, ListError> {
    let header = match reader.read_record(record) {
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
    Ok(Columns {
        index,
        count: header.len(),
    })
}

/// What reading the rows after the header needs.
struct Rows<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    columns: Columns,
    /// Entity ids given so far.
    seen: HashSet<String>,
}

impl Rows<'_> {
    /// A row the CSV reader refused: one that is not UTF-8 is counted and
    /// skipped; any other error ends the read.
    fn skip_unreadable(
        &self,
        e: csv::Error,
        line: u64,
        stats: &mut ReadStats,
    ) -> Result<(), ListError> {
        if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
            stats.records += 1;
            return stats.skip(
                self.opts,
                RecordError::new(
                    self.path,
                    format!("line {line}"),
                    format!("row is not UTF-8 text: {e}"),
                ),
            );
        }
        Err(csv_fatal(self.path, e))
    }

    /// One row: a repeated header row is ignored, a row with more cells
    /// than the header skipped, one with fewer read with a warning; the
    /// entity goes to `sink`, or the row is skipped with the reason.
    fn read_row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        stats: &mut ReadStats,
        sink: &mut dyn FnMut(Entity),
    ) -> Result<(), ListError> {
        let path = self.path;
        let columns = &self.columns;
        let location = format!("line {line}");
        if columns.get(record, "_id") == "_id" && columns.get(record, "name") == "name" {
            stats.warnings.push(RecordError::new(
                path,
                location,
                "the header row is repeated here; ignored",
            ));
            return Ok(());
        }
        stats.records += 1;
        if record.len() > columns.count {
            return stats.skip(
                self.opts,
                RecordError::new(
                    path,
                    location,
                    format!(
                        "row has {} cells but the header has {}",
                        record.len(),
                        columns.count
                    ),
                ),
            );
        }
        let mut row = Row {
            path,
            location,
            stats: &mut *stats,
        };
        if record.len() < columns.count {
            row.warn(format!(
                "row has {} of {} cells (truncated?); the missing cells are read as empty",
                record.len(),
                columns.count
            ));
        }
        match build_entity(columns, record, &mut row, &mut self.seen) {
            Ok(entity) => {
                stats.entities += 1;
                sink(entity);
                Ok(())
            }
            Err(reason) => {
                let error = RecordError::new(path, row.location, reason);
                stats.skip(self.opts, error)
            }
        }
    }
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

/// The cells of one row, read by header name.
struct Cells<'r> {
    columns: &'r Columns,
    record: &'r csv::StringRecord,
}

impl<'r> Cells<'r> {
    /// The trimmed cell of a column; empty when absent.
    fn get(&self, name: &str) -> &'r str {
        self.columns.get(self.record, name)
    }

    /// The `;`-separated parts of a cell.
    fn list(&self, name: &str) -> Vec<&'r str> {
        self.columns.list(self.record, name)
    }
}

fn build_entity(
    columns: &Columns,
    record: &csv::StringRecord,
    row: &mut Row<'_>,
    seen: &mut HashSet<String>,
) -> Result<Entity, String> {
    let cells = Cells { columns, record };
    let get = |name: &str| cells.get(name);
    let list = |name: &str| cells.list(name);

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
    let id = unique_id(raw_id, &base_id, source, row, seen);

    let mut e = Entity::new(id.clone(), schema);
    if id != base_id {
        e.referents.push(base_id);
    }
    e.add_dataset(DATASET);
    e.target = true;
    add_source(&mut e, source, get("entity_number"));
    e.add_all(prop::PROGRAM, list("programs"));
    e.add(prop::NAME, name);
    e.add_all(prop::ALIAS, list("alt_names"));
    e.add(prop::TITLE, get("title"));
    add_addresses(&mut e, &cells);
    add_birth_dates(&mut e, &cells, row);
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
    add_vessel(&mut e, &cells, row);
    add_notes_and_start(&mut e, &cells, row);
    e.add(prop::SOURCE_URL, get("source_list_url"));
    e.add(prop::SOURCE_URL, get("source_information_url"));
    Ok(e)
}

/// The entity id `csl-<_id>` (`base_id`), or, when an earlier row took it,
/// that id with the source's code (or the row's line) and a number as
/// needed, with a warning. The id is recorded in `seen`.
fn unique_id(
    raw_id: &str,
    base_id: &str,
    source: &str,
    row: &mut Row<'_>,
    seen: &mut HashSet<String>,
) -> String {
    let mut id = base_id.to_string();
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
    id
}

/// The publishing agency (`source`), its topic, and for a Treasury row the
/// OFAC entry it repeats (`entity_number`) as a referent.
fn add_source(e: &mut Entity, source: &str, number: &str) {
    e.add("publisher", source);
    if let Some(topic) = source_topic(source) {
        e.add(prop::TOPICS, topic);
    }
    if !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && source.to_ascii_lowercase().contains("treasury")
    {
        let referent = format!("ofac-{number}");
        if !e.referents.contains(&referent) {
            e.referents.push(referent);
        }
    }
}

/// `addresses`, each with the country its last part names.
fn add_addresses(e: &mut Entity, cells: &Cells<'_>) {
    for address in cells.list("addresses") {
        e.add(prop::ADDRESS, address);
        let last = address.rsplit(',').next().unwrap_or("").trim();
        if let Some(code) = country::to_code(last) {
            e.add(prop::COUNTRY, code);
        }
    }
}

/// `dates_of_birth`, each expanded into dates; one not understood goes to
/// the notes with a warning.
fn add_birth_dates(e: &mut Entity, cells: &Cells<'_>, row: &mut Row<'_>) {
    for dob in cells.list("dates_of_birth") {
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
}

/// The vessel columns: call sign, flag, type, tonnages and owner.
fn add_vessel(e: &mut Entity, cells: &Cells<'_>, row: &mut Row<'_>) {
    e.add(prop::CALL_SIGN, cells.get("call_sign"));
    let flag = cells.get("vessel_flag");
    if !flag.is_empty() {
        row.country(e, prop::FLAG, flag);
    }
    e.add(prop::TYPE, cells.get("vessel_type"));
    e.add("tonnage", cells.get("gross_tonnage"));
    e.add(
        "grossRegisteredTonnage",
        cells.get("gross_registered_tonnage"),
    );
    let owner = cells.get("vessel_owner");
    if !owner.is_empty() {
        e.add(prop::NOTES, format!("Vessel owner: {owner}"));
    }
}

/// `remarks`, `federal_register_notice` and `end_date` in notes;
/// `start_date` as `first_seen`.
fn add_notes_and_start(e: &mut Entity, cells: &Cells<'_>, row: &mut Row<'_>) {
    e.add(prop::NOTES, cells.get("remarks"));
    let notice = cells.get("federal_register_notice");
    if !notice.is_empty() {
        e.add(prop::NOTES, format!("Federal Register: {notice}"));
    }
    let end = cells.get("end_date");
    if !end.is_empty() {
        e.add(prop::NOTES, format!("End date: {end}"));
    }
    let start = cells.get("start_date");
    if !start.is_empty() {
        match start.parse::<yalu_model::FuzzyDate>() {
            Ok(d) => e.first_seen = Some(d.to_string()),
            Err(err) => row.warn(format!("start_date `{start}` is not a date ({err})")),
        }
    }
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
