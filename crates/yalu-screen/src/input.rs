//! Reading customer records (CSV with a header row, or JSON lines) and
//! turning each into a query entity through a column map.
//!
//! A row that cannot become a query (no name, the wrong number of fields,
//! bytes that are not UTF-8, a JSON line that is not an object) is returned
//! as a [`RejectedRow`] with its line and the reason; the reader goes on with
//! the next row. A value that cannot be cleaned (a date that does not parse,
//! a country Yalu does not know) is left out of its row's query only and
//! listed in [`QueryRow::left_out`]; callers that want the row refused
//! instead (`--strict`) treat a non-empty list as a bad row. Only I/O
//! failures and an unusable header stop the reader.

use crate::error::ScreenError;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use yalu_model::prop::{self, PropertyType};
use yalu_model::{Entity, LineCounter, Schema};

/// The layout of an input (and of an output) file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object a line.
    JsonLines,
}

impl InputFormat {
    /// The format a file name suggests: `.csv` is CSV; `.jsonl`, `.ndjson`
    /// and `.json` are JSON lines.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(InputFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(InputFormat::JsonLines),
            _ => None,
        }
    }
}

/// What an input column feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The customer's own id, copied to the output as `query_id`.
    Id,
    /// The row's schema (Person, Organization, Company...), overriding the
    /// run's default.
    Schema,
    /// A FollowTheMoney property of the query entity.
    Property(&'static str),
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Target::Id => "id",
            Target::Schema => "schema",
            Target::Property(p) => p,
        }
    }
}

/// Properties a column may be mapped to.
pub const MAPPABLE_PROPERTIES: &[&str] = &[
    prop::NAME,
    prop::ALIAS,
    prop::PREVIOUS_NAME,
    prop::WEAK_ALIAS,
    prop::FIRST_NAME,
    prop::MIDDLE_NAME,
    prop::LAST_NAME,
    prop::FATHER_NAME,
    prop::BIRTH_DATE,
    prop::BIRTH_PLACE,
    prop::GENDER,
    prop::NATIONALITY,
    prop::CITIZENSHIP,
    prop::COUNTRY,
    prop::JURISDICTION,
    prop::FLAG,
    prop::ADDRESS,
    prop::ID_NUMBER,
    prop::PASSPORT_NUMBER,
    prop::TAX_NUMBER,
    prop::REGISTRATION_NUMBER,
    prop::INN_CODE,
    prop::IMO_NUMBER,
    prop::MMSI,
    prop::CALL_SIGN,
    prop::CRYPTO_WALLET,
    prop::EMAIL,
];

/// Name parts joined into a name when a row has no full name.
const NAME_PARTS: [&str; 3] = [prop::FIRST_NAME, prop::MIDDLE_NAME, prop::LAST_NAME];

fn is_name_target(t: &Target) -> bool {
    matches!(t, Target::Property(p) if prop::property_type(p) == PropertyType::Name)
}

fn parse_target(key: &str) -> Option<Target> {
    if key.eq_ignore_ascii_case("id") {
        return Some(Target::Id);
    }
    if key.eq_ignore_ascii_case("schema") {
        return Some(Target::Schema);
    }
    MAPPABLE_PROPERTIES
        .iter()
        .find(|p| p.eq_ignore_ascii_case(key))
        .map(|p| Target::Property(p))
}

/// Which input column feeds which target (`name=full_name,birthDate=dob`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(Target, String)>,
    /// False for [`ColumnMap::by_name`]: columns that are absent are
    /// simply not used.
    explicit: bool,
}

impl ColumnMap {
    /// Parses `target=COLUMN` pairs separated by commas. Targets are `id`,
    /// `schema` and the FtM properties in [`MAPPABLE_PROPERTIES`] (case does
    /// not matter); a property may be fed by several columns.
    pub fn parse(spec: &str) -> Result<ColumnMap, ScreenError> {
        let mut entries = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, column) = part
                .split_once('=')
                .ok_or_else(|| ScreenError::Map(format!("`{part}` is not target=COLUMN")))?;
            let (key, column) = (key.trim(), column.trim());
            let target = parse_target(key).ok_or_else(|| {
                ScreenError::Map(format!(
                    "unknown target `{key}` (id, schema, {})",
                    MAPPABLE_PROPERTIES.join(", ")
                ))
            })?;
            if column.is_empty() {
                return Err(ScreenError::Map(format!("`{part}` names no column")));
            }
            if matches!(target, Target::Id | Target::Schema)
                && entries.iter().any(|(t, _)| t == &target)
            {
                return Err(ScreenError::Map(format!(
                    "`{}` is mapped twice",
                    target.name()
                )));
            }
            entries.push((target, column.to_string()));
        }
        if entries.is_empty() {
            return Err(ScreenError::Map("no target=COLUMN pair".into()));
        }
        Ok(ColumnMap {
            entries,
            explicit: true,
        })
    }

    /// The map used without `--map`: every column whose name is a target
    /// (`id`, `schema`, `name`, `birthDate`, `nationality`...) feeds it.
    pub fn by_name() -> ColumnMap {
        let mut entries = vec![
            (Target::Id, "id".to_string()),
            (Target::Schema, "schema".to_string()),
        ];
        entries.extend(
            MAPPABLE_PROPERTIES
                .iter()
                .map(|p| (Target::Property(p), p.to_string())),
        );
        ColumnMap {
            entries,
            explicit: false,
        }
    }

    /// A canonical text form, used to refuse resuming with another map.
    pub fn describe(&self) -> String {
        let pairs: Vec<String> = self
            .entries
            .iter()
            .map(|(t, c)| format!("{}={c}", t.name()))
            .collect();
        format!(
            "{}{}",
            if self.explicit { "" } else { "by-name:" },
            pairs.join(",")
        )
    }
}

/// A row ready to screen.
#[derive(Debug, Clone)]
pub struct QueryRow {
    /// 1-based data row number (the header is not a row).
    pub row: u64,
    /// Line in the input file where the row starts.
    pub line: u64,
    /// The customer's id, from the column mapped to `id`.
    pub query_id: Option<String>,
    /// The query: the row's schema and its mapped, cleaned values (a name
    /// joined from first, middle and last name when no full name is given).
    pub entity: Entity,
    /// Values left out of the query because they could not be cleaned.
    pub left_out: Vec<LeftOutValue>,
}

/// A value left out of a row's query, with its column and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LeftOutValue {
    /// The input column (or JSON key) the value came from.
    pub column: String,
    /// The FtM property the column feeds (`birthDate`, `nationality`...).
    pub property: String,
    /// The value as given.
    pub value: String,
    /// `invalid_date` or `invalid_country`.
    pub code: &'static str,
    /// Why the value could not be cleaned, for people.
    pub reason: String,
}

impl std::fmt::Display for LeftOutValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column `{}`: {}", self.column, self.reason)
    }
}

/// A row that could not be screened, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RejectedRow {
    /// The row's number, from 1 (the header is not a row).
    pub row: u64,
    /// The file line the row starts on; 0 for a row that came from no file
    /// (records given to the Python binding), and then left out of JSON.
    #[serde(skip_serializing_if = "no_line")]
    pub line: u64,
    /// Why it was rejected (the wrong number of fields, a field that is not
    /// UTF-8, no name, not a JSON object...), for people.
    pub reason: String,
}

/// Whether a row came from no file (its `line` is 0).
pub(crate) fn no_line(line: &u64) -> bool {
    *line == 0
}

/// What the reader made of one row.
// Most rows are queries and each is moved once into its chunk: boxing the
// large variant would only add an allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RowOutcome {
    /// The row became a query, perhaps with values left out.
    Query(QueryRow),
    /// The row cannot be screened; a strict run stops on it.
    Rejected(RejectedRow),
}

/// Where rows come from: a CSV file with its mapped header, or JSON lines.
enum Source {
    Csv(CsvSource),
    Json(JsonLinesSource),
}

/// A CSV input after its header: the reader (counting lines), the record
/// buffer and the mapped columns.
struct CsvSource {
    reader: csv::Reader<LineCounter<File>>,
    record: csv::ByteRecord,
    columns: CsvColumns,
}

/// A JSON-lines input: the reader, the line buffer, the lines and bytes
/// consumed, and the mapped keys.
struct JsonLinesSource {
    reader: BufReader<File>,
    buf: Vec<u8>,
    line: u64,
    bytes: u64,
    columns: Vec<(Target, String)>,
}

/// Reads an input file row by row, in order, holding one row at a time.
pub struct InputReader {
    path: PathBuf,
    source: Source,
    default_schema: Schema,
    rows: u64,
    total_bytes: u64,
}

/// A UTF-16 file (byte-order mark) would be read as garbage columns with NUL
/// bytes: say what it is. Leaves the file at its start.
fn refuse_utf16(path: &Path, file: &mut File) -> Result<(), ScreenError> {
    use std::io::{Read, Seek};
    let mut bom = [0u8; 2];
    let n = file.read(&mut bom).map_err(|e| ScreenError::io(path, e))?;
    file.rewind().map_err(|e| ScreenError::io(path, e))?;
    refuse_utf16_start(path, &bom[..n])
}

/// The check of [`refuse_utf16`] on a file's first bytes.
pub(crate) fn refuse_utf16_start(path: &Path, start: &[u8]) -> Result<(), ScreenError> {
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Err(ScreenError::Header {
            path: path.to_path_buf(),
            reason: "UTF-16 text (it starts with a UTF-16 byte-order mark); convert it to UTF-8"
                .into(),
        });
    }
    Ok(())
}

/// The CSV dialect of every CSV input: RFC 4180 quoting, rows of any
/// length (a row with the wrong number of fields is a rejected row, not an
/// error).
pub(crate) fn csv_reader() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.flexible(true);
    builder
}

/// Column names of a header record: text (lossy), without a byte-order
/// mark or surrounding spaces.
pub(crate) fn header_names(record: &csv::ByteRecord) -> Vec<String> {
    record
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect()
}

/// The mapped columns of a CSV header, and how many fields a row needs.
#[derive(Debug, Clone)]
pub(crate) struct CsvColumns {
    columns: Vec<(Target, usize, String)>,
    width: usize,
}

impl CsvColumns {
    pub(crate) fn new(
        origin: &Path,
        map: &ColumnMap,
        header: &[String],
    ) -> Result<CsvColumns, ScreenError> {
        Ok(CsvColumns {
            columns: resolve_header(origin, map, header)?,
            width: header.len(),
        })
    }

    /// One CSV record: a query, or the reason it is rejected (the wrong
    /// number of fields, a mapped field that is not UTF-8, no name...).
    pub(crate) fn row(
        &self,
        row: u64,
        line: u64,
        record: &csv::ByteRecord,
        default_schema: &Schema,
    ) -> RowOutcome {
        if record.len() != self.width {
            return RowOutcome::Rejected(RejectedRow {
                row,
                line,
                reason: format!(
                    "{} fields where the header has {}",
                    record.len(),
                    self.width
                ),
            });
        }
        let mut values: Vec<(&Target, &str, Vec<&str>)> = Vec::new();
        for (target, index, column) in &self.columns {
            let raw = record.get(*index).unwrap_or_default();
            let Ok(text) = std::str::from_utf8(raw) else {
                return RowOutcome::Rejected(RejectedRow {
                    row,
                    line,
                    reason: format!("column `{column}` is not valid UTF-8"),
                });
            };
            values.push((target, column, split_cell(target, text)));
        }
        build(row, line, &values, default_schema)
    }
}

impl InputReader {
    /// Opens `path`. For CSV the header is read now: an explicitly mapped
    /// column that is missing, or no name column at all, is an error.
    pub fn open(
        path: &Path,
        format: InputFormat,
        map: &ColumnMap,
        default_schema: Schema,
    ) -> Result<InputReader, ScreenError> {
        let mut file = File::open(path).map_err(|e| ScreenError::io(path, e))?;
        let total_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        refuse_utf16(path, &mut file)?;
        let source = match format {
            InputFormat::Csv => {
                let mut reader = csv_reader()
                    .has_headers(true)
                    .from_reader(LineCounter::new(file));
                let header = header_names(reader.byte_headers().map_err(|e| csv_error(path, e))?);
                Source::Csv(CsvSource {
                    reader,
                    record: csv::ByteRecord::new(),
                    columns: CsvColumns::new(path, map, &header)?,
                })
            }
            InputFormat::JsonLines => Source::Json(JsonLinesSource {
                reader: BufReader::with_capacity(1 << 16, file),
                buf: Vec::new(),
                line: 0,
                bytes: 0,
                columns: map.entries.clone(),
            }),
        };
        Ok(InputReader {
            path: path.to_path_buf(),
            source,
            default_schema,
            rows: 0,
            total_bytes,
        })
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the input file in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        match &self.source {
            Source::Csv(csv) => csv.reader.position().byte(),
            Source::Json(json) => json.bytes,
        }
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<RowOutcome>, ScreenError> {
        match &mut self.source {
            Source::Csv(csv) => csv.next_row(&self.path, &mut self.rows, &self.default_schema),
            Source::Json(json) => json.next_row(&self.path, &mut self.rows, &self.default_schema),
        }
    }
}

impl CsvSource {
    /// The next CSV record as a row (numbered from `rows`), or `None` at
    /// the end of the file.
    fn next_row(
        &mut self,
        path: &Path,
        rows: &mut u64,
        default_schema: &Schema,
    ) -> Result<Option<RowOutcome>, ScreenError> {
        let reader = &mut self.reader;
        let more = reader.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map(|p| reader.get_mut().line_of(p.byte()));
            csv_error_at(path, e, line)
        })?;
        if !more {
            return Ok(None);
        }
        *rows += 1;
        let line = self
            .record
            .position()
            .map(|p| reader.get_mut().line_of(p.byte()))
            .unwrap_or(0);
        Ok(Some(self.columns.row(
            *rows,
            line,
            &self.record,
            default_schema,
        )))
    }
}

impl JsonLinesSource {
    /// The next non-blank line as a row (numbered from `rows`), or `None`
    /// at the end of the file.
    fn next_row(
        &mut self,
        path: &Path,
        rows: &mut u64,
        default_schema: &Schema,
    ) -> Result<Option<RowOutcome>, ScreenError> {
        loop {
            self.buf.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| ScreenError::io(path, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            self.bytes += n as u64;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            *rows += 1;
            return Ok(Some(self.row(*rows, default_schema)));
        }
    }

    /// The line in the buffer as row `row`: a query, or the reason it is
    /// rejected (not JSON, not an object, a field of the wrong type...).
    fn row(&self, row: u64, default_schema: &Schema) -> RowOutcome {
        let line = self.line;
        let reject = |reason: String| RowOutcome::Rejected(RejectedRow { row, line, reason });
        let value: serde_json::Value = match serde_json::from_slice(&self.buf) {
            Ok(v) => v,
            Err(e) => return reject(format!("not valid JSON: {e}")),
        };
        let Some(object) = value.as_object() else {
            return reject("not a JSON object".into());
        };
        let mut owned: Vec<(&Target, &str, Vec<String>)> = Vec::new();
        for (target, key) in self.columns.iter() {
            let cell = match object.get(key) {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(v) => match json_strings(v) {
                    Some(s) => s,
                    None => {
                        return reject(format!(
                            "field `{key}` must be a string, a number or a list of them"
                        ));
                    }
                },
            };
            owned.push((target, key, cell));
        }
        build(row, line, &split_owned_cells(&owned), default_schema)
    }
}

/// Rows that arrive already split into fields (a Spark or pandas
/// DataFrame, Python dicts): the same column map, checks and rejections as
/// a CSV file whose header is `columns`. A field is a JSON value: a string,
/// a number, null, or a list of them (a list gives several values).
#[derive(Debug, Clone)]
pub struct RecordMapper {
    columns: Vec<(Target, usize, String)>,
    width: usize,
    default_schema: Schema,
}

impl RecordMapper {
    /// Resolves `map` against `columns` like a CSV header: an explicitly
    /// mapped column that is missing, or no name column, is an error naming
    /// `origin` (what the rows come from).
    pub fn new(
        origin: &Path,
        map: &ColumnMap,
        columns: &[String],
        default_schema: Schema,
    ) -> Result<RecordMapper, ScreenError> {
        Ok(RecordMapper {
            columns: resolve_header(origin, map, columns)?,
            width: columns.len(),
            default_schema,
        })
    }

    /// One row: `row` is its 1-based number, `line` where it comes from
    /// (0 when there are no lines).
    pub fn row(&self, row: u64, line: u64, fields: &[serde_json::Value]) -> RowOutcome {
        let reject = |reason: String| RowOutcome::Rejected(RejectedRow { row, line, reason });
        if fields.len() != self.width {
            return reject(format!(
                "{} fields where the header has {}",
                fields.len(),
                self.width
            ));
        }
        let mut owned: Vec<(&Target, &str, Vec<String>)> = Vec::with_capacity(self.columns.len());
        for (target, index, column) in &self.columns {
            let cell = match &fields[*index] {
                serde_json::Value::Null => Vec::new(),
                v => match json_strings(v) {
                    Some(s) => s,
                    None => {
                        return reject(format!(
                            "field `{column}` must be a string, a number or a list of them"
                        ));
                    }
                },
            };
            owned.push((target, column, cell));
        }
        build(row, line, &split_owned_cells(&owned), &self.default_schema)
    }
}

pub(crate) fn csv_error(path: &Path, e: csv::Error) -> ScreenError {
    let line = e.position().map(|p| p.line());
    csv_error_at(path, e, line)
}

/// A CSV error at `line` (from a [`LineCounter`]; the `csv` crate's own
/// line numbers are wrong after `\r\n` line ends and blank lines).
pub(crate) fn csv_error_at(path: &Path, e: csv::Error, line: Option<u64>) -> ScreenError {
    let line = line.unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ScreenError::io(path, io),
        other => ScreenError::Csv {
            path: path.to_path_buf(),
            line,
            reason: format!("{other:?}"),
        },
    }
}

fn resolve_header(
    path: &Path,
    map: &ColumnMap,
    header: &[String],
) -> Result<Vec<(Target, usize, String)>, ScreenError> {
    let mut out = Vec::new();
    for (target, column) in &map.entries {
        match header.iter().position(|h| h == column) {
            Some(i) => out.push((target.clone(), i, column.clone())),
            None if map.explicit => {
                return Err(ScreenError::Header {
                    path: path.to_path_buf(),
                    reason: format!(
                        "--map names column `{column}`, which the header does not have (columns: {})",
                        header.join(", ")
                    ),
                });
            }
            None => {}
        }
    }
    if !out.iter().any(|(t, _, _)| is_name_target(t)) {
        return Err(ScreenError::Header {
            path: path.to_path_buf(),
            reason: format!(
                "no name column; map one with --map name=COLUMN (columns: {})",
                header.join(", ")
            ),
        });
    }
    Ok(out)
}

/// A CSV cell may hold several dates, countries or identifiers separated by
/// `;`. Names are never split.
fn split_cell<'a>(target: &Target, text: &'a str) -> Vec<&'a str> {
    let splits = match target {
        Target::Property(p) => !matches!(
            prop::property_type(p),
            PropertyType::Name | PropertyType::Text
        ),
        _ => false,
    };
    if splits {
        text.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        let t = text.trim();
        if t.is_empty() { Vec::new() } else { vec![t] }
    }
}

/// Cells read as owned strings (from JSON), split like CSV cells.
fn split_owned_cells<'a>(
    owned: &'a [(&'a Target, &'a str, Vec<String>)],
) -> Vec<(&'a Target, &'a str, Vec<&'a str>)> {
    owned
        .iter()
        .map(|(t, k, v)| (*t, *k, v.iter().flat_map(|s| split_cell(t, s)).collect()))
        .collect()
}

fn json_strings(v: &serde_json::Value) -> Option<Vec<String>> {
    match v {
        serde_json::Value::String(s) => Some(vec![s.clone()]),
        serde_json::Value::Number(n) => Some(vec![n.to_string()]),
        serde_json::Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    serde_json::Value::String(s) => out.push(s.clone()),
                    serde_json::Value::Number(n) => out.push(n.to_string()),
                    serde_json::Value::Null => {}
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Turns the mapped values of one row into a query, or the reason it
/// cannot be one.
fn build(
    row: u64,
    line: u64,
    values: &[(&Target, &str, Vec<&str>)],
    default_schema: &Schema,
) -> RowOutcome {
    match build_query(values, default_schema, row) {
        Ok((query_id, entity, left_out)) => RowOutcome::Query(QueryRow {
            row,
            line,
            query_id,
            entity,
            left_out,
        }),
        Err(reason) => RowOutcome::Rejected(RejectedRow { row, line, reason }),
    }
}

fn build_query(
    values: &[(&Target, &str, Vec<&str>)],
    default_schema: &Schema,
    row: u64,
) -> Result<(Option<String>, Entity, Vec<LeftOutValue>), String> {
    let mut query_id = None;
    let mut schema = default_schema.clone();
    for (target, column, cell) in values {
        match target {
            Target::Id => query_id = cell.first().map(|s| s.to_string()),
            Target::Schema => {
                if let Some(s) = cell.first() {
                    let parsed: Schema = s.parse().unwrap_or(Schema::LegalEntity);
                    if !parsed.is_screenable() {
                        return Err(format!(
                            "column `{column}`: `{s}` is not a screening schema (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity)"
                        ));
                    }
                    schema = parsed;
                }
            }
            Target::Property(_) => {}
        }
    }
    let mut entity = Entity::new(format!("row-{row}"), schema);
    let mut left_out = Vec::new();
    for (target, column, cell) in values {
        let Target::Property(p) = target else {
            continue;
        };
        for value in cell {
            if let Err(w) = entity.add_cleaned(p, value) {
                left_out.push(LeftOutValue {
                    column: column.to_string(),
                    code: w.kind.code(),
                    property: w.property,
                    value: w.value,
                    reason: w.reason,
                });
            }
        }
    }
    if entity.names().is_empty() {
        let parts: Vec<&str> = NAME_PARTS.iter().filter_map(|p| entity.first(p)).collect();
        if parts.is_empty() {
            let columns: Vec<&str> = values
                .iter()
                .filter(|(t, _, _)| is_name_target(t))
                .map(|(_, c, _)| *c)
                .collect();
            return Err(format!(
                "no name (column{} `{}` empty)",
                if columns.len() == 1 { "" } else { "s" },
                columns.join("`, `")
            ));
        }
        let joined = parts.join(" ");
        entity.add(prop::NAME, joined);
    }
    Ok((query_id, entity, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(content: &str, ext: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f
    }

    fn all(reader: &mut InputReader) -> Vec<RowOutcome> {
        let mut out = Vec::new();
        while let Some(r) = reader.next_row().unwrap() {
            out.push(r);
        }
        out
    }

    #[test]
    fn map_parsing() {
        let m = ColumnMap::parse("name=Full Name, birthdate=dob,id=cust").unwrap();
        assert_eq!(m.entries[1].0, Target::Property(prop::BIRTH_DATE));
        assert_eq!(m.entries[0].1, "Full Name");
        assert!(ColumnMap::parse("colour=x").is_err());
        assert!(ColumnMap::parse("name").is_err());
        assert!(ColumnMap::parse("id=a,id=b").is_err());
        assert!(ColumnMap::parse("alias=a,alias=b").is_ok());
    }

    #[test]
    fn csv_rows_and_every_kind_of_bad_row() {
        let f = file(
            "cust,full,dob,nat\n\
             c1,KIM Jong Un,1984-01-08,North Korea\n\
             c2,,1990,kp\n\
             c3,PAK Pong Ju,31 Febtember,kp\n\
             c4,RI Chol,1970,Atlantis\n\
             c5,too,many,fields,here\n\
             c6,\"SO Chol\",1960;1961,kp;cn\n",
            ".csv",
        );
        let map = ColumnMap::parse("id=cust,name=full,birthDate=dob,nationality=nat").unwrap();
        let mut r = InputReader::open(f.path(), InputFormat::Csv, &map, Schema::Person).unwrap();
        let rows = all(&mut r);
        assert_eq!(rows.len(), 6);
        let RowOutcome::Query(q) = &rows[0] else {
            panic!("{:?}", rows[0])
        };
        assert_eq!((q.row, q.line), (1, 2));
        assert_eq!(q.query_id.as_deref(), Some("c1"));
        assert_eq!(q.entity.get(prop::NATIONALITY), ["kp"]);
        assert_eq!(q.entity.get(prop::BIRTH_DATE), ["1984-01-08"]);
        let reasons: Vec<(u64, u64, String)> = rows
            .iter()
            .filter_map(|r| match r {
                RowOutcome::Rejected(x) => Some((x.row, x.line, x.reason.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert_eq!((reasons[0].0, reasons[0].1), (2, 3));
        assert!(reasons[0].2.contains("no name"), "{}", reasons[0].2);
        assert!(reasons[1].2.contains("5 fields"), "{}", reasons[1].2);
        // A bad date or country is left out of its row's query, which is
        // screened with the rest.
        let RowOutcome::Query(bad_date) = &rows[2] else {
            panic!("{:?}", rows[2])
        };
        assert_eq!(bad_date.entity.get(prop::NATIONALITY), ["kp"]);
        assert!(!bad_date.entity.has(prop::BIRTH_DATE));
        assert_eq!(bad_date.left_out.len(), 1);
        assert_eq!(bad_date.left_out[0].code, "invalid_date");
        assert!(
            bad_date.left_out[0]
                .to_string()
                .starts_with("column `dob`: `31 Febtember` is not a date"),
            "{}",
            bad_date.left_out[0]
        );
        let RowOutcome::Query(bad_country) = &rows[3] else {
            panic!("{:?}", rows[3])
        };
        assert_eq!(bad_country.entity.get(prop::BIRTH_DATE), ["1970"]);
        assert!(!bad_country.entity.has(prop::NATIONALITY));
        assert_eq!(
            (
                bad_country.left_out[0].column.as_str(),
                bad_country.left_out[0].value.as_str()
            ),
            ("nat", "Atlantis")
        );
        assert!(q.left_out.is_empty());
        let RowOutcome::Query(last) = &rows[5] else {
            panic!()
        };
        assert_eq!(last.entity.get(prop::NATIONALITY), ["kp", "cn"]);
        assert_eq!(last.entity.get(prop::BIRTH_DATE).len(), 2);
    }

    /// Rows handed over as fields (a DataFrame) become the same queries and
    /// rejections as the same rows read from a CSV file.
    #[test]
    fn record_mapper_agrees_with_the_csv_reader() {
        let text = "cust,full,dob,nat,kind\n\
                    c1,KIM Jong Un,1984-01-08,North Korea,Person\n\
                    c2,,1990,kp,\n\
                    c3,PAK Pong Ju,31 Febtember,kp;cn,\n\
                    c4,RI Chol,1970,Atlantis,Ownership\n";
        let f = file(text, ".csv");
        let map = ColumnMap::parse("id=cust,name=full,birthDate=dob,nationality=nat,schema=kind")
            .unwrap();
        let mut r = InputReader::open(f.path(), InputFormat::Csv, &map, Schema::Person).unwrap();
        let from_csv = all(&mut r);
        let header: Vec<String> = ["cust", "full", "dob", "nat", "kind"]
            .map(String::from)
            .to_vec();
        let mapper =
            RecordMapper::new(Path::new("DataFrame"), &map, &header, Schema::Person).unwrap();
        let mut from_fields = Vec::new();
        for (i, line) in text.lines().skip(1).enumerate() {
            let fields: Vec<serde_json::Value> = line
                .split(',')
                .map(|c| {
                    if c.is_empty() {
                        serde_json::Value::Null
                    } else {
                        serde_json::Value::String(c.into())
                    }
                })
                .collect();
            from_fields.push(mapper.row(i as u64 + 1, i as u64 + 2, &fields));
        }
        assert_eq!(from_csv.len(), from_fields.len());
        for (a, b) in from_csv.iter().zip(&from_fields) {
            match (a, b) {
                (RowOutcome::Query(a), RowOutcome::Query(b)) => {
                    assert_eq!(
                        (a.row, &a.query_id, &a.left_out),
                        (b.row, &b.query_id, &b.left_out)
                    );
                    assert_eq!(a.entity, b.entity);
                }
                (RowOutcome::Rejected(a), RowOutcome::Rejected(b)) => assert_eq!(a, b),
                _ => panic!("{a:?} vs {b:?}"),
            }
        }
        // A short row and a value of the wrong type are rejected with the
        // row number, like a CSV row with the wrong number of fields.
        let RowOutcome::Rejected(short) = mapper.row(9, 0, &[serde_json::json!("x")]) else {
            panic!()
        };
        assert_eq!(short.reason, "1 fields where the header has 5");
        let odd = [
            serde_json::json!("c9"),
            serde_json::json!({"a": 1}),
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
        ];
        let RowOutcome::Rejected(odd) = mapper.row(10, 0, &odd) else {
            panic!()
        };
        assert!(
            odd.reason.contains("`full` must be a string"),
            "{}",
            odd.reason
        );
        let missing = RecordMapper::new(Path::new("DataFrame"), &map, &header[..2], Schema::Person);
        assert!(matches!(missing, Err(ScreenError::Header { .. })));
    }

    #[test]
    fn header_errors() {
        let f = file("a,b\n1,2\n", ".csv");
        let by_name = InputReader::open(
            f.path(),
            InputFormat::Csv,
            &ColumnMap::by_name(),
            Schema::Person,
        );
        assert!(matches!(by_name, Err(ScreenError::Header { .. })));
        let map = ColumnMap::parse("name=missing").unwrap();
        let err = InputReader::open(f.path(), InputFormat::Csv, &map, Schema::Person)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("missing") && err.contains("a, b"), "{err}");
    }

    #[test]
    fn json_lines_with_defaults_and_name_parts() {
        let f = file(
            "{\"id\":\"x1\",\"name\":\"Kim Jong Un\",\"nationality\":[\"kp\"],\"schema\":\"Person\"}\n\
             \n\
             {\"firstName\":\"Chol\",\"lastName\":\"Ri\",\"birthDate\":1970}\n\
             [1,2]\n\
             {\"name\":{\"x\":1}}\n\
             {\"name\":\"A\",\"schema\":\"Ownership\"}\n\
             not json\n",
            ".jsonl",
        );
        let mut r = InputReader::open(
            f.path(),
            InputFormat::JsonLines,
            &ColumnMap::by_name(),
            Schema::LegalEntity,
        )
        .unwrap();
        let rows = all(&mut r);
        assert_eq!(rows.len(), 6);
        let RowOutcome::Query(a) = &rows[0] else {
            panic!()
        };
        assert_eq!(a.entity.schema, Schema::Person);
        let RowOutcome::Query(b) = &rows[1] else {
            panic!("{:?}", rows[1])
        };
        assert_eq!((b.row, b.line), (2, 3));
        assert_eq!(b.entity.first(prop::NAME), Some("Chol Ri"));
        assert_eq!(b.entity.get(prop::BIRTH_DATE), ["1970"]);
        for (i, needle) in [
            (2, "not a JSON object"),
            (3, "must be a string"),
            (4, "Ownership"),
            (5, "not valid JSON"),
        ] {
            let RowOutcome::Rejected(x) = &rows[i] else {
                panic!("{:?}", rows[i])
            };
            assert!(x.reason.contains(needle), "{}", x.reason);
        }
        assert_eq!(r.bytes_read(), r.total_bytes());
    }
}
