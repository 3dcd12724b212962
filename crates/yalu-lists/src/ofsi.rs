//! UK OFSI Consolidated List of Financial Sanctions Targets (CSV and XLSX).
//!
//! HM Treasury's Office of Financial Sanctions Implementation publishes one
//! row per name: the rows sharing a `Group ID` are one designation. Two
//! layouts are read, both found by header name:
//!
//! - the CSV (29 columns, cp1252, e.g. the list of 13 April 2018): row 1
//!   `Last Updated,dd/mm/yyyy`, row 2 the header `Name 6, Name 1, ... Group
//!   ID`;
//! - the XLSX (36 columns, one sheet, e.g. the list of 14 April 2025), read
//!   with `calamine`: the same two leading rows, plus the columns `Name
//!   Non-Latin Script`, `Non-Latin Script Type`/`Language`, `Passport
//!   Number`, `National Identification Number`/`Details`, `Alias Quality` and
//!   `UK Sanctions List Date Designated`.
//!
//! The newer FCDO "UK Sanctions List" format (published since 2022 in XML,
//! CSV and XLSX with its own columns) is not read: no sample is available.
//!
//! ## Mapping
//!
//! | OFSI column | entity |
//! |---|---|
//! | `Group ID` | id `gb-hmt-<Group ID>`, dataset `gb_hmt_sanctions`, `target`, topic `sanction` |
//! | `Group Type` | `Individual` → `Person`, `Entity` → `Organization`, `Ship` → `Vessel` |
//! | `Name 1`..`Name 5`, `Name 6` (the surname, or the whole name of an entity) | one name per row, by `Alias Type`: `Prime Alias`/`Primary name` → `name`; `AKA`, `Primary name variation` → `alias`, or `weakAlias` when `Alias Quality` is `Low quality`; `FKA` → `previousName`. The primary row also gives `firstName` (`Name 1`) and `lastName` (`Name 6`) |
//! | `Name Non-Latin Script` | `alias`, and a note naming its script and language (`Non-Latin script name (Hangul, Korean): 김정은`) |
//! | `Title` | `title` |
//! | `DOB` | `birthDate`: `dd/mm/yyyy` with `00` for unknown parts (`00/00/1980` → `1980`, `00/05/1970` → `1970-05`), or a year; an impossible date is kept in `notes` with a warning |
//! | `Town of Birth`, `Country of Birth` | `birthPlace`; the country also as `birthCountry` codes |
//! | `Nationality` | `nationality` codes; OFSI's enumerations (`(1) Central African Republic. (2) South Sudan`, `1) Saudi Arabia 2) Qatar`, `a) French, b) Tunisian`) are split, each part read by [`yalu_model::country::codes_in`] |
//! | `Passport Number` (XLSX), numbers in `Passport Details` (CSV) | `passportNumber`; the details in `notes` |
//! | `National Identification Number` (XLSX), `NI Number` (CSV) | `idNumber`; details in `notes` |
//! | `Position` | `position` |
//! | `Address 1`..`6`, `Post/Zip Code`, `Country` | `address`; `Country` also as `country` codes |
//! | `Other Information` | `notes`; its labelled parts `(UK Sanctions List Ref):DPR0001` → `programId`, `(UN Ref):KPi.033` (or an unlabelled `UN Ref KPi.033` in the CSV) → `unscId`, `(Gender)` → `gender`, `(IMO number)` → `imoNumber`, `(Flag of ship)` → `flag`, `(Type of ship)` → `type` |
//! | `Regime` | `program` |
//! | `Listed On` | `first_seen` (the earliest); `UK Sanctions List Date Designated` in `notes` |
//! | `Last Updated` | `last_change` (the latest) |
//!
//! ## Bad input
//!
//! A row without `Group ID`, or a group whose `Group Type` is unknown, is
//! skipped and reported by line (an error under [`ReadOptions::strict`]).
//! A value that cannot be read (a country naming no country, an impossible
//! date) is kept in `notes` with a warning; country values are also
//! tallied, in [`ReadStats::not_countries`] when the country table
//! classifies them as naming no single country (`Africa`, `Congolese`),
//! else in [`ReadStats::unknown_countries`]. Two slips of the published
//! files are read for what they are, each with a warning: a `Country of
//! Birth` that only ends the name begun in `Town of Birth` (`Yakut` +
//! `Autonomous SSR`) is read joined, and a `Country` cell holding an
//! address part (`115088`) while an address cell holds the country
//! (`Russia` in `Post/Zip Code`) gives the country from that cell. A file without the header
//! row, or an XLSX that cannot be opened, is a [`ListError::Format`].

use crate::{ListError, ReadOptions, ReadStats, RecordError};
use std::collections::HashMap;
use std::path::Path;
use yalu_model::country::CountryValue;
use yalu_model::{Entity, FuzzyDate, Schema, country, expand_date_expression, prop};

/// Dataset name of the UK consolidated list (the name OpenSanctions and
/// yente use).
pub const DATASET: &str = "gb_hmt_sanctions";
/// The property holding a designation's UN reference number (`KPi.033`),
/// as FtM names it.
pub const UN_REFERENCE: &str = "unscId";
/// The property holding a post or function.
pub const POSITION: &str = "position";
/// The property holding the country of birth.
pub const BIRTH_COUNTRY: &str = "birthCountry";

/// One row of the sheet, as text cells.
struct SheetRow {
    line: usize,
    cells: Vec<String>,
}

/// Whether the file is a ZIP container (an XLSX workbook).
pub(crate) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// Whether the first lines of a text file are OFSI's CSV layout: a
/// header row `Name 6,...,Group ID` among the first three lines.
pub(crate) fn looks_like_csv(text: &str) -> bool {
    text.lines().take(3).any(|l| {
        let l = l.trim_start_matches('\u{feff}');
        l.starts_with("Name 6,") && l.contains("Group ID")
    })
}

fn load_csv(path: &Path) -> Result<Vec<SheetRow>, ListError> {
    let bytes = std::fs::read(path).map_err(|e| ListError::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // OFSI's CSV is cp1252; a UTF-8 copy is read as it is.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    // lines from the counter: the csv crate's are wrong after `\r\n` line
    // ends and blank lines
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(yalu_model::LineCounter::new(text.as_bytes()));
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| ListError::Format {
                path: path.to_path_buf(),
                reason: format!("not readable as CSV: {e}"),
            })?;
        if !more {
            break;
        }
        let line = record
            .position()
            .map(|p| reader.get_mut().line_of(p.byte()) as usize)
            .unwrap_or(0);
        rows.push(SheetRow {
            line,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

fn load_xlsx(path: &Path) -> Result<Vec<SheetRow>, ListError> {
    use calamine::{Reader, Xlsx, open_workbook};
    let format_error = |reason: String| ListError::Format {
        path: path.to_path_buf(),
        reason,
    };
    let mut book: Xlsx<_> = open_workbook(path)
        .map_err(|e| format_error(format!("not a readable XLSX workbook: {e}")))?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("data"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| format_error("the workbook has no sheet".into()))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| format_error(format!("sheet `{sheet}` cannot be read: {e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            SheetRow {
                line: first_row + i + 1,
                cells,
            }
        })
        .collect())
}

/// The text of an XLSX cell as OFSI's CSV would write it.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// An Excel serial day number (days since 1899-12-30) as `dd/mm/yyyy`.
fn excel_serial_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days from 1970-01-01, then the civil date (proleptic Gregorian).
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{day:02}/{month:02}/{year:04}"))
}

/// Column positions, by lower-case header name.
struct Columns(HashMap<String, usize>);

impl Columns {
    fn get<'r>(&self, row: &'r SheetRow, name: &str) -> &'r str {
        self.0
            .get(name)
            .and_then(|&i| row.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Splits OFSI's numbered and lettered enumerations into their parts:
/// `(1) Iraq (2) Syria`, `1) Saudi Arabia 2) Qatar`, `a) French, b)
/// Tunisian`, `(1) to (6) Algeria (7) Morocco`. A value without markers is
/// one part. Empty parts and connectors (`to`, `-`) are dropped.
pub fn split_enumeration(text: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let open = c == '(';
        let label_at = if open { i + 1 } else { i };
        // A marker starts the text or follows a space or punctuation.
        let boundary = i == 0 || chars[i - 1].1.is_whitespace() || ",.;:(".contains(chars[i - 1].1);
        if boundary || open {
            let mut j = label_at;
            while j < chars.len() && chars[j].1.is_ascii_digit() && j - label_at < 2 {
                j += 1;
            }
            let digits = j - label_at;
            if digits == 0
                && j < chars.len()
                && ('a'..='h').contains(&chars[j].1)
                && (open || boundary)
            {
                j += 1;
            }
            if j > label_at && j < chars.len() && chars[j].1 == ')' {
                let after = chars.get(j + 1).map(|c| c.1);
                if open || after.is_none_or(|c| c.is_whitespace() || c == '(') {
                    let end = chars.get(j + 1).map(|c| c.0).unwrap_or(text.len());
                    cuts.push((start, end));
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    let mut parts = Vec::new();
    let mut from = 0;
    for (start, end) in cuts.iter().copied().chain([(text.len(), text.len())]) {
        parts.push(&text[from..start]);
        from = end;
    }
    parts
        .into_iter()
        .map(|p| {
            p.trim()
                .trim_matches(|c: char| c.is_whitespace() || ",.;-".contains(c))
                .to_string()
        })
        .filter(|p| {
            !p.is_empty() && !p.eq_ignore_ascii_case("to") && !p.eq_ignore_ascii_case("and")
        })
        .collect()
}

/// A date as OFSI writes it: `dd/mm/yyyy` with `00` for unknown parts, or
/// a year. `Ok(None)` for a date wholly unknown (`00/00/0000`).
pub fn parse_ofsi_date(text: &str) -> Result<Option<FuzzyDate>, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('/').map(str::trim).collect();
    if let [d, m, y] = parts.as_slice()
        && [d, m, y]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let (d, m, y): (u32, u32, u32) = (
            d.parse().map_err(|_| format!("`{t}`: bad day"))?,
            m.parse().map_err(|_| format!("`{t}`: bad month"))?,
            y.parse().map_err(|_| format!("`{t}`: bad year"))?,
        );
        if y == 0 {
            return Ok(None);
        }
        let iso = match (d, m) {
            (_, 0) => format!("{y:04}"),
            (0, m) => format!("{y:04}-{m:02}"),
            (d, m) => format!("{y:04}-{m:02}-{d:02}"),
        };
        return iso
            .parse::<FuzzyDate>()
            .map(Some)
            .map_err(|e| e.to_string());
    }
    if let Ok(d) = t.parse::<FuzzyDate>() {
        return Ok(Some(d));
    }
    match expand_date_expression(t)
        .map_err(|e| e.to_string())?
        .as_slice()
    {
        [one] => Ok(Some(*one)),
        _ => Err(format!("`{t}` is not one date")),
    }
}

/// The identifiers in a free-text details cell: the first token of each
/// enumerated part that holds a digit (`Passport No: 592667 (Qatari
/// passport ...)` → `592667`).
fn identifiers(details: &str) -> Vec<String> {
    split_enumeration(details)
        .iter()
        .filter_map(|part| {
            part.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(')
                .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
                .find(|t| t.len() >= 4 && t.bytes().any(|b| b.is_ascii_digit()))
                .map(str::to_string)
        })
        .collect()
}

/// The labelled parts of `Other Information`: `(UK Sanctions List
/// Ref):DPR0001. (UN Ref):KPi.033. (Gender):Male`.
fn labelled_parts(text: &str) -> Vec<(String, String)> {
    let mut marks: Vec<(usize, usize, String)> = Vec::new();
    let mut search = 0;
    while let Some(rel) = text[search..].find("):") {
        let close = search + rel;
        if let Some(open) = text[..close].rfind('(') {
            let label = &text[open + 1..close];
            if !label.is_empty()
                && label.len() <= 60
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '/' || c == '-')
            {
                marks.push((open, close + 2, label.trim().to_ascii_lowercase()));
            }
        }
        search = close + 2;
    }
    let mut out = Vec::new();
    for (i, (_, value_start, label)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map(|m| m.0).unwrap_or(text.len());
        let value = text[*value_start..end.max(*value_start)]
            .trim()
            .trim_end_matches('.')
            .trim();
        out.push((label.clone(), value.to_string()));
    }
    out
}

/// A UN reference number in the UN's own spelling (`KPi.033`, `QDe.004`,
/// older forms such as `QE.A.146.14` as written).
fn normalise_un_ref(raw: &str) -> Option<String> {
    let t = raw.trim().trim_end_matches(['.', ',', ';']).trim();
    if !t.contains('.') || !t.bytes().any(|b| b.is_ascii_digit()) || t.len() > 20 {
        return None;
    }
    let (prefix, number) = t.split_once('.')?;
    if prefix.len() == 3
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        let mut p: Vec<char> = prefix.chars().collect();
        p[0] = p[0].to_ascii_uppercase();
        p[1] = p[1].to_ascii_uppercase();
        p[2] = p[2].to_ascii_lowercase();
        return Some(format!("{}.{number}", p.into_iter().collect::<String>()));
    }
    Some(t.to_string())
}

/// The reference at the start of a labelled value: its first word, joined
/// with the next when OFSI put a space after the dot (`CDi. 038`).
fn first_reference(value: &str) -> String {
    let mut words = value.split_whitespace();
    let first = words.next().unwrap_or("");
    match words.next() {
        Some(next)
            if first.ends_with('.')
                && first.len() <= 4
                && next
                    .trim_end_matches(['.', ',', ';'])
                    .bytes()
                    .all(|b| b.is_ascii_digit()) =>
        {
            format!("{first}{next}")
        }
        _ => first.to_string(),
    }
}

/// An unlabelled `UN Ref KPe.018` / `UN REF:QE.A.146.14` / `UN Ref.KPI.067`
/// in free text (the CSV layout).
fn unlabelled_un_ref(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("un ref")?;
    let rest = &text[at + "un ref".len()..];
    let rest = rest.trim_start_matches(|c: char| c == '.' || c == ':' || c.is_whitespace());
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    normalise_un_ref(&token)
}

/// Where one row is, for messages.
struct Here<'a> {
    path: &'a Path,
    location: String,
}

impl Here<'_> {
    /// Records a warning about this row.
    fn warn(&self, stats: &mut ReadStats, reason: String) {
        stats
            .warnings
            .push(RecordError::new(self.path, self.location.clone(), reason));
    }
}

/// Adds the codes of the countries a (possibly enumerated) cell names; a
/// part naming no country goes to the notes with a warning that says why
/// (unknown, or classified by the country table as a region, a disputed
/// territory or an ambiguous name).
fn add_countries(
    e: &mut Entity,
    property: &str,
    column: &str,
    cell: &str,
    here: &Here<'_>,
    stats: &mut ReadStats,
) {
    for part in split_enumeration(cell) {
        match country::classify(&part) {
            CountryValue::Countries(codes) => {
                for code in codes {
                    e.add(property, code);
                }
            }
            CountryValue::NotCountry(_) | CountryValue::Unknown => {
                let reason = stats.no_country(column, &part);
                here.warn(stats, format!("{reason}; kept in notes"));
                e.add(prop::NOTES, format!("{column}: {part}"));
            }
        }
    }
}

/// A `Country of Birth` cell that only ends the name the `Town of Birth`
/// cell began: OFSI sometimes splits one name across the two cells
/// (`Kular Ust-Yansky District, Yakut` + `Autonomous SSR`; `Bekabad,
/// Uzbekistan` + `SSR`). When the cell alone names nothing the tables know
/// and the town's last part followed by the cell names a country, returns
/// that joined name (`Yakut Autonomous SSR`, `Uzbekistan SSR`).
fn birth_country_split_from_town(town: &str, cell: &str) -> Option<String> {
    if town.is_empty() || !names_nothing_known(cell) || split_enumeration(cell).len() != 1 {
        return None;
    }
    let tail = town.rsplit(',').next()?.trim();
    let joined = format!("{tail} {cell}");
    match country::classify(&joined) {
        CountryValue::Countries(_) => Some(joined),
        _ => None,
    }
}

/// Whether a cell has a value and no part of it (`(1) Iraq (2) Syria` has
/// two) is a country, a place or a classified value the tables know.
fn names_nothing_known(cell: &str) -> bool {
    let parts = split_enumeration(cell);
    !parts.is_empty()
        && parts
            .iter()
            .all(|p| country::classify(p) == CountryValue::Unknown)
}

/// The address cells, in order, that may hold a country written in the
/// wrong column.
/// The address columns, as lower-case header keys and as OFSI names them.
const ADDRESS_CELLS: [(&str, &str); 7] = [
    ("address 1", "Address 1"),
    ("address 2", "Address 2"),
    ("address 3", "Address 3"),
    ("address 4", "Address 4"),
    ("address 5", "Address 5"),
    ("address 6", "Address 6"),
    ("post/zip code", "Post/Zip Code"),
];

/// When the `Country` cell names nothing the tables know (`115088`) and an
/// address cell is, as a whole, a country name or code (`Russia` in
/// `Post/Zip Code`), the row's cells are shifted: returns that cell's
/// column and value, the last such cell first. The `Country` value itself
/// stays in the address, where it belongs.
fn country_in_address_cells<'r>(
    country_cell: &str,
    cells: &[(&'static str, &'r str)],
) -> Option<(&'static str, &'r str)> {
    if !names_nothing_known(country_cell) {
        return None;
    }
    cells
        .iter()
        .rev()
        .find(|(_, v)| country::to_code(v).is_some())
        .copied()
}

fn schema_of(group_type: &str) -> Option<Schema> {
    match group_type.trim().to_ascii_lowercase().as_str() {
        "individual" => Some(Schema::Person),
        "entity" => Some(Schema::Organization),
        "ship" => Some(Schema::Vessel),
        _ => None,
    }
}

fn iso_date(text: &str) -> Option<String> {
    parse_ofsi_date(text).ok().flatten().map(|d| d.to_string())
}

/// Streams the OFSI consolidated list (CSV or XLSX).
pub fn read(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let rows = load_rows(path)?;
    let (header_at, cols) = header_columns(&rows, path)?;
    let mut stats = ReadStats::default();
    let (order, groups) = group_rows(&rows[header_at + 1..], &cols, path, opts, &mut stats)?;
    for gid in order {
        let members = &groups[&gid];
        let here = Here {
            path,
            location: format!("line {} (Group ID {gid})", members[0].line),
        };
        let group_type = cols.get(members[0], "group type");
        let Some(schema) = schema_of(group_type) else {
            stats.skip(
                opts,
                RecordError::new(
                    path,
                    here.location.clone(),
                    format!(
                        "unknown Group Type `{group_type}` (expected Individual, Entity or Ship)"
                    ),
                ),
            )?;
            continue;
        };
        if members
            .iter()
            .any(|r| schema_of(cols.get(r, "group type")).as_ref() != Some(&schema))
        {
            stats.warnings.push(RecordError::new(
                path,
                here.location.clone(),
                format!("rows of the group disagree on Group Type; read as `{group_type}`"),
            ));
        }
        let e = build(&gid, schema, members, &cols, &here, &mut stats);
        stats.entities += 1;
        sink(e);
    }
    Ok(stats)
}

/// The sheet's rows, from the XLSX workbook (a ZIP file) or the CSV.
fn load_rows(path: &Path) -> Result<Vec<SheetRow>, ListError> {
    let mut head = [0u8; 4];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| ListError::io(path, e))?;
        let _ = f.read(&mut head).map_err(|e| ListError::io(path, e))?;
    }
    if is_zip(&head) {
        load_xlsx(path)
    } else {
        load_csv(path)
    }
}

/// The header row (`Name 6, ... Group ID`, among the first 5 rows): its
/// position and the columns by name; an error without it or without the
/// `Group Type` and `Regime` columns.
fn header_columns(rows: &[SheetRow], path: &Path) -> Result<(usize, Columns), ListError> {
    let header_at = rows
        .iter()
        .take(5)
        .position(|r| {
            let has = |n: &str| r.cells.iter().any(|c| c.eq_ignore_ascii_case(n));
            has("Name 6") && has("Group ID")
        })
        .ok_or_else(|| ListError::Format {
            path: path.to_path_buf(),
            reason: "no OFSI header row (`Name 6, Name 1, ... Group ID`) in the first 5 rows"
                .into(),
        })?;
    let mut index = HashMap::new();
    for (i, name) in rows[header_at].cells.iter().enumerate() {
        index.entry(name.trim().to_ascii_lowercase()).or_insert(i);
    }
    for required in ["group type", "regime"] {
        if !index.contains_key(required) {
            return Err(ListError::Format {
                path: path.to_path_buf(),
                reason: format!("the header row has no `{required}` column"),
            });
        }
    }
    Ok((header_at, Columns(index)))
}

/// The Group IDs in the order they first appear, and the rows of each.
type Groups<'r> = (Vec<String>, HashMap<String, Vec<&'r SheetRow>>);

/// The rows after the header gathered by `Group ID`, with the ids in the
/// order they first appear; blank rows are passed over, a row without a
/// `Group ID` is skipped.
fn group_rows<'r>(
    rows: &'r [SheetRow],
    cols: &Columns,
    path: &Path,
    opts: &ReadOptions,
    stats: &mut ReadStats,
) -> Result<Groups<'r>, ListError> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<&SheetRow>> = HashMap::new();
    for row in rows {
        if row.cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        stats.records += 1;
        let gid = cols.get(row, "group id");
        if gid.is_empty() {
            stats.skip(
                opts,
                RecordError::new(path, format!("line {}", row.line), "row has no Group ID"),
            )?;
            continue;
        }
        groups
            .entry(gid.to_string())
            .or_insert_with(|| {
                order.push(gid.to_string());
                Vec::new()
            })
            .push(row);
    }
    Ok((order, groups))
}

/// One row of a group, with the columns to read it by and where it is.
struct GroupRow<'r> {
    row: &'r SheetRow,
    cols: &'r Columns,
    here: Here<'r>,
}

impl<'r> GroupRow<'r> {
    /// The trimmed cell of a column (lower-case header name); empty when absent.
    fn get(&self, name: &str) -> &'r str {
        self.cols.get(self.row, name)
    }

    /// Whether the sheet has the column (lower-case header name).
    fn has_column(&self, name: &str) -> bool {
        self.cols.0.contains_key(name)
    }
}

fn build(
    gid: &str,
    schema: Schema,
    rows: &[&SheetRow],
    cols: &Columns,
    here: &Here<'_>,
    stats: &mut ReadStats,
) -> Entity {
    let is_person = schema == Schema::Person;
    let mut e = Entity::new(format!("gb-hmt-{gid}"), schema);
    e.add_dataset(DATASET);
    e.target = true;
    e.add(prop::TOPICS, "sanction");
    let mut has_primary = false;
    let mut first_seen: Option<String> = None;
    let mut last_change: Option<String> = None;
    for row in rows {
        let r = GroupRow {
            row,
            cols,
            here: Here {
                path: here.path,
                location: format!("line {} (Group ID {gid})", row.line),
            },
        };
        has_primary |= add_row_names(&mut e, &r, is_person);
        let title = r.get("title");
        if is_person {
            e.add(prop::TITLE, title);
        } else if !title.is_empty() {
            e.add(prop::NOTES, format!("Title: {title}"));
        }
        add_row_birth(&mut e, &r, stats);
        add_countries(
            &mut e,
            prop::NATIONALITY,
            "Nationality",
            r.get("nationality"),
            &r.here,
            stats,
        );
        add_row_documents(&mut e, &r);
        for position in split_enumeration(r.get("position")) {
            if is_person {
                e.add(POSITION, position);
            } else {
                e.add(prop::NOTES, format!("Position: {position}"));
            }
        }
        add_row_address(&mut e, &r, stats);
        add_other_information(&mut e, &r, stats);
        e.add(prop::PROGRAM, r.get("regime"));
        add_row_dates(&mut e, &r, &mut first_seen, &mut last_change);
    }
    if !has_primary {
        // No primary-name row: the first name read stands for the group.
        let first = prop::NAME_PROPERTIES
            .iter()
            .find_map(|p| e.first(p).map(str::to_string));
        if let Some(n) = first {
            e.add(prop::NAME, n);
        }
    }
    e.first_seen = first_seen;
    e.last_change = last_change;
    e.fill_caption();
    e
}

/// The row's name (`Name 1`..`Name 6`) under the property its `Alias Type`
/// and `Alias Quality` call for, the first and last names of a person's
/// primary name, and the non-Latin-script name. Returns whether the row
/// gave the primary name.
fn add_row_names(e: &mut Entity, r: &GroupRow<'_>, is_person: bool) -> bool {
    let name = ["name 1", "name 2", "name 3", "name 4", "name 5", "name 6"]
        .iter()
        .map(|c| r.get(c))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let alias_type = r.get("alias type").to_ascii_lowercase();
    let low_quality = r
        .get("alias quality")
        .to_ascii_lowercase()
        .starts_with("low");
    let property = match alias_type.as_str() {
        "prime alias" | "primary name" => prop::NAME,
        "fka" => prop::PREVIOUS_NAME,
        _ if low_quality => prop::WEAK_ALIAS,
        _ => prop::ALIAS,
    };
    let mut primary = false;
    if property == prop::NAME && !name.is_empty() {
        primary = true;
        if is_person {
            e.add(prop::FIRST_NAME, r.get("name 1"));
            e.add(prop::LAST_NAME, r.get("name 6"));
        }
    }
    e.add(property, &name);
    let non_latin = r.get("name non-latin script");
    if !non_latin.is_empty() {
        e.add(prop::ALIAS, non_latin);
        let about: Vec<&str> = [
            r.get("non-latin script type"),
            r.get("non-latin script language"),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        e.add(
            prop::NOTES,
            format!("Non-Latin script name ({}): {non_latin}", about.join(", ")),
        );
    }
    primary
}

/// `DOB`, `Town of Birth` and `Country of Birth` (joined with the town's
/// last part when OFSI split one name across the two cells).
fn add_row_birth(e: &mut Entity, r: &GroupRow<'_>, stats: &mut ReadStats) {
    let dob = r.get("dob");
    if !dob.is_empty() {
        match parse_ofsi_date(dob) {
            Ok(Some(d)) => {
                e.add(prop::BIRTH_DATE, d.to_string());
            }
            Ok(None) => {}
            Err(reason) => {
                r.here.warn(
                    stats,
                    format!("DOB not understood ({reason}); kept in notes"),
                );
                e.add(prop::NOTES, format!("DOB: {dob}"));
            }
        }
    }
    let town = r.get("town of birth");
    for town in split_enumeration(town) {
        e.add(prop::BIRTH_PLACE, town);
    }
    let birth_country = r.get("country of birth");
    let birth_country = match birth_country_split_from_town(town, birth_country) {
        Some(joined) => {
            r.here.warn(
                stats,
                format!(
                    "Country of Birth `{birth_country}` ends the name begun in Town of Birth `{town}`; read as `{joined}`"
                ),
            );
            joined
        }
        None => birth_country.to_string(),
    };
    add_countries(
        e,
        BIRTH_COUNTRY,
        "Country of Birth",
        &birth_country,
        &r.here,
        stats,
    );
}

/// Passport and national identification numbers: from their own columns
/// in the XLSX, picked out of the details in the CSV; the details in notes.
fn add_row_documents(e: &mut Entity, r: &GroupRow<'_>) {
    let passport_details = r.get("passport details");
    if r.has_column("passport number") {
        for n in split_enumeration(r.get("passport number")) {
            e.add(prop::PASSPORT_NUMBER, n);
        }
    } else {
        e.add_all(prop::PASSPORT_NUMBER, identifiers(passport_details));
    }
    if !passport_details.is_empty() {
        e.add(prop::NOTES, format!("Passport: {passport_details}"));
    }
    if r.has_column("national identification number") {
        for n in split_enumeration(r.get("national identification number")) {
            e.add(prop::ID_NUMBER, n);
        }
        let details = r.get("national identification details");
        if !details.is_empty() {
            e.add(prop::NOTES, format!("National identification: {details}"));
        }
    } else {
        let ni = r.get("ni number");
        e.add_all(prop::ID_NUMBER, identifiers(ni));
        if !ni.is_empty() {
            e.add(prop::NOTES, format!("National identification: {ni}"));
        }
    }
}

/// `Address 1`..`6`, `Post/Zip Code` and `Country` as one address, and the
/// country codes (from an address cell when the cells are shifted).
fn add_row_address(e: &mut Entity, r: &GroupRow<'_>, stats: &mut ReadStats) {
    let address_cells: Vec<(&'static str, &str)> = ADDRESS_CELLS
        .iter()
        .map(|(key, label)| (*label, r.get(key)))
        .collect();
    let country_cell = r.get("country");
    let address: Vec<&str> = address_cells
        .iter()
        .map(|(_, v)| *v)
        .chain([country_cell])
        .filter(|p| !p.is_empty())
        .collect();
    e.add(prop::ADDRESS, address.join(", "));
    match country_in_address_cells(country_cell, &address_cells) {
        Some((column, value)) => {
            r.here.warn(
                stats,
                format!(
                    "Country `{country_cell}` names no country but {column} `{value}` does: the address cells are shifted; country read from {column}"
                ),
            );
            add_countries(e, prop::COUNTRY, "Country", value, &r.here, stats);
        }
        None => add_countries(e, prop::COUNTRY, "Country", country_cell, &r.here, stats),
    }
}

/// `Other Information` in notes, and its labelled parts (references,
/// gender, ship details); an unlabelled `UN Ref` when it has no labels.
fn add_other_information(e: &mut Entity, r: &GroupRow<'_>, stats: &mut ReadStats) {
    let other = r.get("other information");
    if other.is_empty() {
        return;
    }
    e.add(prop::NOTES, other);
    let parts = labelled_parts(other);
    let mut un_labelled = false;
    for (label, value) in &parts {
        match label.as_str() {
            "uk sanctions list ref" => {
                let reference = value.split_whitespace().next().unwrap_or("");
                e.add(
                    prop::PROGRAM_ID,
                    reference.trim_end_matches(['.', ',', ';']),
                );
            }
            "un ref" => {
                un_labelled = true;
                if let Some(reference) = normalise_un_ref(&first_reference(value)) {
                    e.add(UN_REFERENCE, reference);
                }
            }
            "gender" => match value.to_ascii_lowercase().as_str() {
                "male" => {
                    e.add(prop::GENDER, "male");
                }
                "female" => {
                    e.add(prop::GENDER, "female");
                }
                _ => {}
            },
            "imo number" => {
                e.add(prop::IMO_NUMBER, value);
            }
            "flag of ship" => {
                add_countries(e, prop::FLAG, "Flag of ship", value, &r.here, stats);
            }
            "type of ship" => {
                e.add(prop::TYPE, value);
            }
            _ => {}
        }
    }
    if parts.is_empty()
        && !un_labelled
        && let Some(reference) = unlabelled_un_ref(other)
    {
        e.add(UN_REFERENCE, reference);
    }
}

/// `Listed On` (the group's earliest goes to `first_seen`), `UK Sanctions
/// List Date Designated` (notes) and `Last Updated` (the latest goes to
/// `last_change`).
fn add_row_dates(
    e: &mut Entity,
    r: &GroupRow<'_>,
    first_seen: &mut Option<String>,
    last_change: &mut Option<String>,
) {
    if let Some(d) = iso_date(r.get("listed on"))
        && first_seen.as_ref().is_none_or(|f| d < *f)
    {
        *first_seen = Some(d);
    }
    if let Some(d) = iso_date(r.get("uk sanctions list date designated")) {
        e.add(
            prop::NOTES,
            format!("UK Sanctions List date designated: {d}"),
        );
    }
    if let Some(d) = iso_date(r.get("last updated"))
        && last_change.as_ref().is_none_or(|l| d > *l)
    {
        *last_change = Some(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_are_split() {
        assert_eq!(
            split_enumeration("(1) Central African Republic. (2) South Sudan"),
            vec!["Central African Republic", "South Sudan"]
        );
        assert_eq!(
            split_enumeration("1) Saudi Arabia 2) Qatar"),
            vec!["Saudi Arabia", "Qatar"]
        );
        assert_eq!(
            split_enumeration("a) French, b) Tunisian"),
            vec!["French", "Tunisian"]
        );
        assert_eq!(
            split_enumeration("(a) Jordanian (b) American"),
            vec!["Jordanian", "American"]
        );
        assert_eq!(
            split_enumeration("(1) to (6) Algeria (7) Morocco"),
            vec!["Algeria", "Morocco"]
        );
        assert_eq!(split_enumeration("(1) - (2) Egypt"), vec!["Egypt"]);
        assert_eq!(
            split_enumeration("Iran (Islamic Republic of)"),
            vec!["Iran (Islamic Republic of)"]
        );
        assert_eq!(
            split_enumeration("Kuwait (residence as at Mar 2009) (UN address)"),
            vec!["Kuwait (residence as at Mar 2009) (UN address)"]
        );
        assert!(split_enumeration("").is_empty());
    }

    #[test]
    fn ofsi_dates() {
        let d = |t: &str| parse_ofsi_date(t).map(|o| o.map(|d| d.to_string()));
        assert_eq!(d("00/00/1980"), Ok(Some("1980".into())));
        assert_eq!(d("00/05/1970"), Ok(Some("1970-05".into())));
        assert_eq!(d("12/00/1970"), Ok(Some("1970".into())));
        assert_eq!(d("01/08/1979"), Ok(Some("1979-08-01".into())));
        assert_eq!(d("1954"), Ok(Some("1954".into())));
        assert_eq!(d("00/00/0000"), Ok(None));
        assert!(d("31/02/1970").is_err());
        assert!(d("13/13/1970").is_err());
        assert!(d("soon").is_err());
    }

    #[test]
    fn other_information() {
        let text = "(UK Sanctions List Ref):DPR0100. (UN Ref):KPe.064. Listed as asset of X (OFSI ID: 13635, UN Reference Number: UN Ref KPe.099) (IMO number):7408873 (Flag of ship):North Korea (Gender):Male";
        let parts = labelled_parts(text);
        let get = |l: &str| parts.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
        assert_eq!(get("uk sanctions list ref"), Some("DPR0100"));
        assert!(get("un ref").unwrap().starts_with("KPe.064"));
        assert_eq!(get("imo number"), Some("7408873"));
        assert_eq!(get("flag of ship"), Some("North Korea"));
        assert_eq!(get("gender"), Some("Male"));
        assert_eq!(normalise_un_ref("KPI.067."), Some("KPi.067".into()));
        assert_eq!(first_reference("CDi. 038. Listed pursuant"), "CDi.038.");
        assert_eq!(first_reference("KPe.055. Registered owner"), "KPe.055.");
        assert_eq!(
            unlabelled_un_ref("Annex XIII. UN listing. UN Ref.KPI.067. More"),
            Some("KPi.067".into())
        );
        assert_eq!(
            unlabelled_un_ref("UN REF:QE.A.146.14. Also"),
            Some("QE.A.146.14".into())
        );
        assert_eq!(unlabelled_un_ref("nothing here"), None);
        assert_eq!(excel_serial_date(25_569.0), Some("01/01/1970".into()));
        assert_eq!(excel_serial_date(45_761.0), Some("14/04/2025".into()));
    }

    #[test]
    fn a_birth_country_split_across_two_cells_is_joined() {
        let join = birth_country_split_from_town;
        assert_eq!(
            join("Kular Ust-Yansky District, Yakut", "Autonomous SSR").as_deref(),
            Some("Yakut Autonomous SSR")
        );
        assert_eq!(
            join("Bekabad, Uzbekistan", "SSR").as_deref(),
            Some("Uzbekistan SSR")
        );
        // A cell that names a country, a place or a classified value, or an
        // enumeration, is read as it is.
        assert_eq!(join("Bekabad", "Uzbekistan"), None);
        assert_eq!(join("Birao", "Africa"), None);
        assert_eq!(
            join("(1) Simferopol (2) Zaporozhye", "(1) Ukraine (2) Ukraine"),
            None
        );
        // No town, or a join that names nothing either.
        assert_eq!(join("", "SSR"), None);
        assert_eq!(join("Atlantis", "SSR"), None);
    }

    #[test]
    fn a_country_in_the_wrong_address_cell_is_found() {
        let cells = [
            ("Address 1", "BUILDING 2"),
            ("Address 6", "Moscow"),
            ("Post/Zip Code", "Russia"),
        ];
        assert_eq!(
            country_in_address_cells("115088", &cells),
            Some(("Post/Zip Code", "Russia"))
        );
        // A Country cell that is a country, or a classified value, or
        // empty, is not second-guessed.
        assert_eq!(country_in_address_cells("Russia", &cells), None);
        assert_eq!(country_in_address_cells("Africa", &cells), None);
        assert_eq!(country_in_address_cells("", &cells), None);
        // A street named after a country is no country cell.
        let street = [("Address 1", "Syria Street 4"), ("Post/Zip Code", "")];
        assert_eq!(country_in_address_cells("115088", &street), None);
    }

    #[test]
    fn identifiers_in_details() {
        assert_eq!(
            identifiers("Passport No: 592667 (Qatari passport issued on 3 May 2007)."),
            vec!["592667"]
        );
        assert_eq!(
            identifiers("(1) A-333602 (Indian) issued (2) G827238 (Tunisian)"),
            vec!["A-333602", "G827238"]
        );
        assert!(identifiers("Uganda Passport.").is_empty());
    }
}
