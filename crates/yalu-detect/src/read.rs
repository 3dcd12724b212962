//! Reading a data set folder in the event data format.
//!
//! A folder holds some of `persons`, `documents`, `crossings`, `placements`,
//! `organizations`, `relations` and `payments`, each as `NAME.csv` (header
//! row, RFC 4180) or `NAME.jsonl` (one object a line), or both (both are
//! read, CSV first). An absent file means no records of that kind. Columns
//! the format does not define are ignored.
//!
//! Files are read in dependency order (organizations, persons, documents,
//! then the rest) so that every reference can be checked against the ids
//! already read. A row that breaks the contract is a [`Rejection`] with the
//! file, the line and the reason: a missing required field, a date that is
//! not a date, an unknown enum value or country, a reference to an id that
//! is not there (or whose own row was rejected), a duplicate id, a negative
//! amount, an end before its start. With [`ReadOptions::strict`] the first
//! rejection is an error; otherwise reading goes on and every rejection is
//! returned, in file order.
//!
//! Dates of events (document validity, crossings, placements, payments,
//! relations) must be full dates; a timestamp counts on its calendar day.
//! A birth date may be `YYYY`, `YYYY-MM` or a full date.

use crate::day::Day;
use crate::error::DetectError;
use crate::records::*;
use serde::Serialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use yalu_model::FuzzyDate;

/// How to treat rows that break the contract.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Fail on the first rejected row.
    pub strict: bool,
}

/// A row that was not read, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// File name within the data folder (`crossings.csv`).
    pub file: String,
    /// 1-based line number of the row in that file (the header is line 1 of a CSV file).
    pub line: u64,
    /// The row's own id, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why it was refused, naming the field and the value (e.g. a missing
    /// required field, an unknown country, a reference to an absent row).
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Rows read and kept per file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCount {
    /// File name within the data folder (`persons.csv`).
    pub file: String,
    /// Rows read from the file, good or not.
    pub rows: u64,
    /// Rows kept: `rows` less those rejected (duplicates included).
    pub accepted: u64,
}

/// A data set read from a folder.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The rows kept, references resolved.
    pub data: DataSet,
    /// Every row refused (and its dependants), in file then line order.
    pub rejected: Vec<Rejection>,
    /// Rows read and kept per file present, in reading order.
    pub files: Vec<FileCount>,
}

/// The seven kinds of file, in the order they are read.
pub const FILE_KINDS: [&str; 7] = [
    "organizations",
    "persons",
    "documents",
    "crossings",
    "placements",
    "relations",
    "payments",
];

/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const ORG_FIELDS: &[&str] = &[
    "org_id",
    "name",
    "name_original_script",
    "kind",
    "country",
    "city",
    "registration_number",
    "sector",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const PERSON_FIELDS: &[&str] = &[
    "person_id",
    "full_name",
    "name_original_script",
    "birth_date",
    "gender",
    "nationality",
    "passport_number",
    "source",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const DOC_FIELDS: &[&str] = &[
    "document_id",
    "person_id",
    "kind",
    "category",
    "issuing_country",
    "number",
    "sponsor_org_id",
    "issued_on",
    "valid_from",
    "valid_until",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const CROSSING_FIELDS: &[&str] = &[
    "crossing_id",
    "person_id",
    "document_id",
    "direction",
    "country",
    "port",
    "crossed_at",
    "group_ref",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const PLACEMENT_FIELDS: &[&str] = &[
    "placement_id",
    "person_id",
    "agency_org_id",
    "client_org_id",
    "site",
    "sector",
    "role",
    "start_on",
    "end_on",
    "wage_amount",
    "wage_currency",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const RELATION_FIELDS: &[&str] = &[
    "relation_id",
    "from_id",
    "to_id",
    "kind",
    "share",
    "since",
    "until",
];
/// The columns of this file in the events spec, in order; the simulator
/// writes them as its header.
pub(crate) const PAYMENT_FIELDS: &[&str] = &[
    "payment_id",
    "payer_id",
    "payee_id",
    "amount",
    "currency",
    "paid_on",
    "channel",
    "reference",
];

/// Required fields per kind (checked in the CSV header and on every row).
fn required(kind: &str) -> &'static [&'static str] {
    match kind {
        "organizations" => &["org_id", "name"],
        "persons" => &["person_id", "full_name"],
        "documents" => &["document_id", "person_id", "kind"],
        "crossings" => &[
            "crossing_id",
            "person_id",
            "direction",
            "country",
            "crossed_at",
        ],
        "placements" => &["placement_id", "person_id", "client_org_id", "start_on"],
        "relations" => &["relation_id", "from_id", "to_id", "kind"],
        "payments" => &[
            "payment_id",
            "payer_id",
            "payee_id",
            "amount",
            "currency",
            "paid_on",
        ],
        _ => &[],
    }
}

fn fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "organizations" => ORG_FIELDS,
        "persons" => PERSON_FIELDS,
        "documents" => DOC_FIELDS,
        "crossings" => CROSSING_FIELDS,
        "placements" => PLACEMENT_FIELDS,
        "relations" => RELATION_FIELDS,
        "payments" => PAYMENT_FIELDS,
        _ => &[],
    }
}

/// One row's values for the fields of its kind, by position in the kind's
/// field list; an empty cell is `None`.
struct Row<'a> {
    vals: [Option<&'a str>; 12],
    names: &'static [&'static str],
}

impl<'a> Row<'a> {
    fn get(&self, i: usize) -> Option<&'a str> {
        self.vals[i]
    }

    fn req(&self, i: usize) -> Result<&'a str, String> {
        self.vals[i].ok_or_else(|| format!("missing required field `{}`", self.names[i]))
    }

    /// An optional text field, owned.
    fn text(&self, i: usize) -> Option<String> {
        self.vals[i].map(str::to_string)
    }

    /// An optional date field.
    fn day(&self, i: usize) -> Result<Option<Day>, String> {
        self.get(i)
            .map(|t| Day::parse(t).map_err(|e| format!("`{}`: {e}", self.names[i])))
            .transpose()
    }

    /// An optional amount: a finite number, not negative.
    fn amount(&self, i: usize) -> Result<Option<f64>, String> {
        self.get(i)
            .map(|t| match t.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                Ok(_) => Err(format!(
                    "`{}`: `{t}` is negative or not finite",
                    self.names[i]
                )),
                Err(_) => Err(format!("`{}`: `{t}` is not a number", self.names[i])),
            })
            .transpose()
    }

    /// An optional field of a closed set of values; an unknown value is an
    /// error that lists the allowed ones.
    fn choice<T: TextEnum>(&self, i: usize) -> Result<Option<T>, String> {
        self.get(i)
            .map(|t| {
                T::from_text(t).ok_or_else(|| {
                    let allowed: Vec<&str> = T::VALUES.iter().map(TextEnum::text).collect();
                    format!(
                        "`{}`: unknown value `{t}` (allowed: {})",
                        self.names[i],
                        allowed.join(", ")
                    )
                })
            })
            .transpose()
    }
}

/// What a file reader hands each row (or its parse error) to, with its line.
type RowSink<'s> = dyn FnMut(u64, Result<Row, String>) -> Result<(), DetectError> + 's;

/// Reads every file of a data set folder.
pub fn read_dir(dir: &Path, opts: &ReadOptions) -> Result<Loaded, DetectError> {
    if !dir.is_dir() {
        return Err(DetectError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        });
    }
    let mut st = State::default();
    let mut loaded = Loaded::default();
    for kind in FILE_KINDS {
        for ext in ["csv", "jsonl"] {
            let path = dir.join(format!("{kind}.{ext}"));
            if path.is_file() {
                read_file(&path, kind, ext, &mut st, &mut loaded, opts)?;
            }
        }
        reject_duplicates(&mut st, kind, &mut loaded, opts)?;
    }
    sort_rejections(&mut loaded);
    loaded.data = st.data;
    Ok(loaded)
}

/// Reads one file (`kind` in the format `ext`) into `st`: counts its rows
/// in `loaded.files` and reports the refused ones in `loaded.rejected`,
/// or fails at the first refused one when `opts.strict`.
fn read_file(
    path: &Path,
    kind: &'static str,
    ext: &str,
    st: &mut State,
    loaded: &mut Loaded,
    opts: &ReadOptions,
) -> Result<(), DetectError> {
    let file_name = format!("{kind}.{ext}");
    st.file = file_name.clone();
    let mut count = FileCount {
        file: file_name.clone(),
        rows: 0,
        accepted: 0,
    };
    let mut on_row = |line: u64, row: Result<Row, String>| -> Result<(), DetectError> {
        count.rows += 1;
        // A row that cannot be read has no id: never report the
        // previous row's.
        st.last_id = None;
        let outcome = row.and_then(|row| st.accept(kind, line, &row));
        match outcome {
            Ok(()) => {
                count.accepted += 1;
                Ok(())
            }
            Err(reason) => {
                let rejection = Rejection {
                    file: file_name.clone(),
                    line,
                    id: st.last_id.take(),
                    reason,
                };
                if opts.strict {
                    return Err(DetectError::Rejected(rejection));
                }
                loaded.rejected.push(rejection);
                Ok(())
            }
        }
    };
    if ext == "csv" {
        read_csv(path, kind, &mut on_row)?;
    } else {
        read_jsonl(path, kind, &mut on_row)?;
    }
    loaded.files.push(count);
    Ok(())
}

/// Drops the records of `kind` whose id an earlier record already has,
/// each reported as a rejection (the first, when `opts.strict`, fails the
/// read) and taken off its file's accepted count.
fn reject_duplicates(
    st: &mut State,
    kind: &'static str,
    loaded: &mut Loaded,
    opts: &ReadOptions,
) -> Result<(), DetectError> {
    let duplicates = st.drop_duplicates(kind);
    if opts.strict
        && let Some(first) = duplicates.iter().min_by_key(|r| (r.file.clone(), r.line))
    {
        return Err(DetectError::Rejected(first.clone()));
    }
    for d in &duplicates {
        if let Some(c) = loaded.files.iter_mut().find(|c| c.file == d.file) {
            c.accepted -= 1;
        }
    }
    loaded.rejected.extend(duplicates);
    Ok(())
}

/// Puts the report of refused rows in file order, then line order.
fn sort_rejections(loaded: &mut Loaded) {
    let file_rank = |f: &str| {
        loaded
            .files
            .iter()
            .position(|c| c.file == f)
            .unwrap_or(usize::MAX)
    };
    let mut rejected = std::mem::take(&mut loaded.rejected);
    rejected.sort_by_key(|r| (file_rank(&r.file), r.line));
    loaded.rejected = rejected;
}

/// Removes the flagged records of one kind.
fn drop_from(data: &mut DataSet, kind: &str, drop: &[bool]) {
    fn retain<T>(v: &mut Vec<T>, drop: &[bool]) {
        let mut i = 0;
        v.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
    match kind {
        "crossings" => retain(&mut data.crossings, drop),
        "placements" => retain(&mut data.placements, drop),
        "relations" => retain(&mut data.relations, drop),
        "payments" => retain(&mut data.payments, drop),
        _ => {}
    }
}

fn io_err(path: &Path, source: std::io::Error) -> DetectError {
    DetectError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The column of each field of `kind` in a CSV `header` (the first, when
/// a name repeats; `None` when absent); fails when a required field has
/// none.
fn csv_columns(
    path: &Path,
    kind: &str,
    header: &csv::StringRecord,
) -> Result<Vec<Option<usize>>, DetectError> {
    let names = fields(kind);
    let mut cols: Vec<Option<usize>> = vec![None; names.len()];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        if let Some(f) = names.iter().position(|n| *n == h) {
            cols[f].get_or_insert(i);
        }
    }
    for req in required(kind) {
        let f = names
            .iter()
            .position(|n| n == req)
            .expect("required field is a field");
        if cols[f].is_none() {
            return Err(DetectError::File {
                path: path.to_path_buf(),
                reason: format!("the header has no `{req}` column (a required field)"),
            });
        }
    }
    Ok(cols)
}

fn read_csv(path: &Path, kind: &str, on_row: &mut RowSink) -> Result<(), DetectError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(yalu_model::LineCounter::new(file));
    let header = rdr
        .headers()
        .map_err(|e| DetectError::File {
            path: path.to_path_buf(),
            reason: format!("unreadable header: {e}"),
        })?
        .clone();
    let names = fields(kind);
    let cols = csv_columns(path, kind, &header)?;
    let width = header.len();
    let mut record = csv::StringRecord::new();
    loop {
        // lines from the counter: the csv crate's are wrong after `\r\n`
        // line ends and blank lines
        let start = rdr.position().byte();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let at = record.position().map_or(start, |p| p.byte());
                let line = rdr.get_mut().line_of(at);
                if record.len() != width {
                    if record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty()) {
                        continue; // a blank line
                    }
                    on_row(
                        line,
                        Err(format!(
                            "the row has {} fields, the header {width}",
                            record.len()
                        )),
                    )?;
                    continue;
                }
                let mut vals = [None; 12];
                for (f, col) in cols.iter().enumerate() {
                    vals[f] = col
                        .and_then(|c| record.get(c))
                        .map(str::trim)
                        .filter(|v| !v.is_empty());
                }
                on_row(line, Ok(Row { vals, names }))?;
            }
            Err(e) => {
                let at = e.position().map_or(start, |p| p.byte());
                let line = rdr.get_mut().line_of(at);
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(DetectError::File {
                        path: path.to_path_buf(),
                        reason: e.to_string(),
                    });
                }
                on_row(line, Err(format!("unreadable CSV row: {e}")))?;
            }
        }
    }
    Ok(())
}

fn read_jsonl(path: &Path, kind: &str, on_row: &mut RowSink) -> Result<(), DetectError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let names = fields(kind);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| io_err(path, e))?;
        if n == 0 {
            break;
        }
        line += 1;
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim(),
            Err(_) => {
                on_row(line, Err("the line is not UTF-8".to_string()))?;
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(text) {
            Ok(o) => o,
            Err(e) => {
                on_row(line, Err(format!("not a JSON object: {e}")))?;
                continue;
            }
        };
        let mut owned: Vec<Option<String>> = vec![None; names.len()];
        let mut bad = None;
        for (f, name) in names.iter().enumerate() {
            match object.get(*name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::String(s)) => {
                    let s = s.trim();
                    if !s.is_empty() {
                        owned[f] = Some(s.to_string());
                    }
                }
                Some(serde_json::Value::Number(n)) => owned[f] = Some(n.to_string()),
                Some(serde_json::Value::Bool(b)) => owned[f] = Some(b.to_string()),
                Some(_) => bad = Some(format!("field `{name}` is not a string or a number")),
            }
        }
        if let Some(reason) = bad {
            on_row(line, Err(reason))?;
            continue;
        }
        let mut vals = [None; 12];
        for (f, v) in owned.iter().enumerate() {
            vals[f] = v.as_deref();
        }
        on_row(line, Ok(Row { vals, names }))?;
    }
    Ok(())
}

/// Ids read so far and the records kept.
#[derive(Default)]
struct State {
    data: DataSet,
    persons: HashMap<String, PersonIx>,
    orgs: HashMap<String, OrgIx>,
    docs: HashMap<String, DocIx>,
    /// Ids of rejected rows per kind, with their line: a later row with
    /// the same id is a duplicate, and a reference to one is told apart
    /// from a dangling one.
    rejected_ids: HashMap<&'static str, HashMap<String, u64>>,
    /// (file, line) of every kept record, per kind, in record order.
    origin: HashMap<&'static str, Vec<(String, u64)>>,
    /// The file being read.
    file: String,
    countries: HashMap<String, Option<&'static str>>,
    last_id: Option<String>,
}

/// "Korea" or "Korean" with nothing saying which: read as
/// [`crate::records::KOREA_UNSPECIFIED`], not rejected (the spec asks for
/// codes or common names, and this common name names two countries).
fn is_ambiguous_korea(text: &str) -> bool {
    let t: String = text
        .trim()
        .trim_end_matches('.')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    matches!(t.as_str(), "korea" | "korean")
}

impl State {
    fn accept(&mut self, kind: &'static str, line: u64, row: &Row) -> Result<(), String> {
        self.last_id = row.get(0).map(str::to_string);
        let id = row.req(0)?;
        if let Some(first) = self.rejected_ids.get(kind).and_then(|r| r.get(id)) {
            return Err(format!(
                "duplicate id `{id}` (first on line {first}, rejected)"
            ));
        }
        let kept = match kind {
            "persons" => self.persons.get(id),
            "organizations" => self.orgs.get(id),
            "documents" => self.docs.get(id),
            // the other kinds are checked for duplicates once read (see `drop_duplicates`)
            _ => None,
        };
        if let Some(ix) = kept {
            let (file, first) = &self.origin[kind][*ix as usize];
            return Err(format!(
                "duplicate id `{id}` (first in {file} line {first})"
            ));
        }
        let result = self.build(kind, row);
        match &result {
            Ok(()) => self
                .origin
                .entry(kind)
                .or_default()
                .push((self.file.clone(), line)),
            Err(_) => {
                self.rejected_ids
                    .entry(kind)
                    .or_default()
                    .insert(id.to_string(), line);
            }
        }
        result
    }

    /// Rejects every record of an unreferenced kind whose id an earlier
    /// record of that kind already has.
    fn drop_duplicates(&mut self, kind: &'static str) -> Vec<Rejection> {
        use rayon::prelude::*;
        let ids: Vec<&str> = match kind {
            "crossings" => self.data.crossings.iter().map(|r| r.id.as_str()).collect(),
            "placements" => self.data.placements.iter().map(|r| r.id.as_str()).collect(),
            "relations" => self.data.relations.iter().map(|r| r.id.as_str()).collect(),
            "payments" => self.data.payments.iter().map(|r| r.id.as_str()).collect(),
            _ => return Vec::new(),
        };
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.par_sort_unstable_by(|a, b| ids[*a as usize].cmp(ids[*b as usize]).then(a.cmp(b)));
        let origin = self.origin.get(kind).map(Vec::as_slice).unwrap_or(&[]);
        let mut drop = vec![false; ids.len()];
        let mut rejections = Vec::new();
        let mut group_first = order.first().map_or(0, |f| *f as usize);
        for w in order.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if ids[a] != ids[b] {
                group_first = b;
                continue;
            }
            drop[b] = true;
            let (file, line) = origin[b].clone();
            let (ffile, fline) = &origin[group_first];
            rejections.push(Rejection {
                file,
                line,
                id: Some(ids[b].to_string()),
                reason: format!("duplicate id `{}` (first in {ffile} line {fline})", ids[b]),
            });
        }
        drop_from(&mut self.data, kind, &drop);
        if let Some(o) = self.origin.get_mut(kind) {
            let mut i = 0;
            o.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
        }
        rejections
    }

    fn country(&mut self, field: &str, text: Option<&str>) -> Result<Option<&'static str>, String> {
        let Some(t) = text else { return Ok(None) };
        let code = match self.countries.get(t) {
            Some(c) => *c,
            None => {
                let c = yalu_model::country::to_code(t)
                    .or_else(|| is_ambiguous_korea(t).then_some(crate::records::KOREA_UNSPECIFIED));
                self.countries.insert(t.to_string(), c);
                c
            }
        };
        code.map(Some)
            .ok_or_else(|| format!("`{field}`: `{t}` is not a known country code or name"))
    }

    fn missing_ref(&self, field: &str, target: &'static str, id: &str) -> String {
        match self.rejected_ids.get(target).and_then(|s| s.get(id)) {
            Some(line) => {
                format!(
                    "`{field}` refers to `{id}`, whose own row ({target} line {line}) was rejected"
                )
            }
            _ => format!("`{field}` refers to `{id}`, which is not in {target}"),
        }
    }

    fn person(&self, field: &str, id: &str) -> Result<PersonIx, String> {
        self.persons
            .get(id)
            .copied()
            .ok_or_else(|| self.missing_ref(field, "persons", id))
    }

    fn org(&self, field: &str, id: &str) -> Result<OrgIx, String> {
        self.orgs
            .get(id)
            .copied()
            .ok_or_else(|| self.missing_ref(field, "organizations", id))
    }

    fn party(&self, field: &str, id: &str) -> Result<Party, String> {
        if let Some(p) = self.persons.get(id) {
            return Ok(Party::Person(*p));
        }
        if let Some(o) = self.orgs.get(id) {
            return Ok(Party::Org(*o));
        }
        for target in ["persons", "organizations"] {
            if let Some(line) = self.rejected_ids.get(target).and_then(|s| s.get(id)) {
                return Err(format!(
                    "`{field}` refers to `{id}`, whose own row ({target} line {line}) was rejected"
                ));
            }
        }
        Err(format!(
            "`{field}` refers to `{id}`, which is in neither persons nor organizations"
        ))
    }

    /// Reads one row of file `kind` into the data set.
    fn build(&mut self, kind: &str, row: &Row) -> Result<(), String> {
        match kind {
            "organizations" => self.organization(row),
            "persons" => self.person_row(row),
            "documents" => self.document(row),
            "crossings" => self.crossing(row),
            "placements" => self.placement(row),
            "relations" => self.relation(row),
            "payments" => self.payment(row),
            _ => unreachable!("unknown kind {kind}"),
        }
    }

    fn organization(&mut self, row: &Row) -> Result<(), String> {
        let org = Organization {
            id: row.req(0)?.to_string(),
            name: row.req(1)?.to_string(),
            name_original_script: row.text(2),
            kind: row.choice::<OrgKind>(3)?,
            country: self.country("country", row.get(4))?,
            city: row.text(5),
            registration_number: row.text(6),
            sector: row.choice::<Sector>(7)?,
        };
        self.orgs
            .insert(org.id.clone(), self.data.organizations.len() as OrgIx);
        self.data.organizations.push(org);
        Ok(())
    }

    fn person_row(&mut self, row: &Row) -> Result<(), String> {
        let birth_date = row
            .get(3)
            .map(|t| {
                t.parse::<FuzzyDate>()
                    .map_err(|e| format!("`birth_date`: {e}"))
            })
            .transpose()?;
        let p = Person {
            id: row.req(0)?.to_string(),
            full_name: row.req(1)?.to_string(),
            name_original_script: row.text(2),
            birth_date,
            gender: row.choice::<Gender>(4)?,
            nationality: self.country("nationality", row.get(5))?,
            passport_number: row.text(6),
            source: row.text(7),
        };
        self.persons
            .insert(p.id.clone(), self.data.persons.len() as PersonIx);
        self.data.persons.push(p);
        Ok(())
    }

    fn document(&mut self, row: &Row) -> Result<(), String> {
        let d = Document {
            id: row.req(0)?.to_string(),
            person: self.person("person_id", row.req(1)?)?,
            kind: row
                .choice::<DocKind>(2)?
                .ok_or("missing required field `kind`")?,
            category: row.choice::<Category>(3)?,
            issuing_country: self.country("issuing_country", row.get(4))?,
            number: row.text(5),
            sponsor: row
                .get(6)
                .map(|o| self.org("sponsor_org_id", o))
                .transpose()?,
            issued_on: row.day(7)?,
            valid_from: row.day(8)?,
            valid_until: row.day(9)?,
        };
        if let (Some(from), Some(until)) = (d.start(), d.valid_until)
            && until < from
        {
            return Err(format!(
                "`valid_until` {until} is before the start of validity {from}"
            ));
        }
        self.docs
            .insert(d.id.clone(), self.data.documents.len() as DocIx);
        self.data.documents.push(d);
        Ok(())
    }

    fn crossing(&mut self, row: &Row) -> Result<(), String> {
        let person = self.person("person_id", row.req(1)?)?;
        let document = match row.get(2) {
            Some(d) => match self.docs.get(d) {
                Some(ix) => Some(*ix),
                None => return Err(self.missing_ref("document_id", "documents", d)),
            },
            None => None,
        };
        let c = Crossing {
            id: row.req(0)?.to_string(),
            person,
            document,
            direction: row
                .choice::<Direction>(3)?
                .ok_or("missing required field `direction`")?,
            country: self
                .country("country", row.get(4))?
                .ok_or("missing required field `country`")?,
            port: row.text(5),
            day: row.day(6)?.ok_or("missing required field `crossed_at`")?,
            group_ref: row.text(7),
        };
        self.data.crossings.push(c);
        Ok(())
    }

    fn placement(&mut self, row: &Row) -> Result<(), String> {
        let p = Placement {
            id: row.req(0)?.to_string(),
            person: self.person("person_id", row.req(1)?)?,
            agency: row
                .get(2)
                .map(|o| self.org("agency_org_id", o))
                .transpose()?,
            client: self.org("client_org_id", row.req(3)?)?,
            site: row.text(4),
            sector: row.choice::<Sector>(5)?,
            role: row.text(6),
            start: row.day(7)?.ok_or("missing required field `start_on`")?,
            end: row.day(8)?,
            wage_amount: row.amount(9)?,
            wage_currency: row.get(10).map(|c| c.to_ascii_uppercase()),
        };
        if let Some(end) = p.end
            && end < p.start
        {
            return Err(format!("`end_on` {end} is before `start_on` {}", p.start));
        }
        self.data.placements.push(p);
        Ok(())
    }

    fn relation(&mut self, row: &Row) -> Result<(), String> {
        let share = row.amount(4)?;
        if let Some(v) = share
            && v > 100.0
        {
            return Err(format!("`share`: {v} is outside 0-100"));
        }
        let r = Relation {
            id: row.req(0)?.to_string(),
            from: self.party("from_id", row.req(1)?)?,
            to: self.party("to_id", row.req(2)?)?,
            kind: row
                .choice::<RelationKind>(3)?
                .ok_or("missing required field `kind`")?,
            share,
            since: row.day(5)?,
            until: row.day(6)?,
        };
        self.data.relations.push(r);
        Ok(())
    }

    fn payment(&mut self, row: &Row) -> Result<(), String> {
        let p = Payment {
            id: row.req(0)?.to_string(),
            payer: self.party("payer_id", row.req(1)?)?,
            payee: self.party("payee_id", row.req(2)?)?,
            amount: row.amount(3)?.ok_or("missing required field `amount`")?,
            currency: row.req(4)?.to_ascii_uppercase(),
            day: row.day(5)?.ok_or("missing required field `paid_on`")?,
            channel: row.choice::<Channel>(6)?,
            reference: row.text(7),
        };
        self.data.payments.push(p);
        Ok(())
    }
}

/// The path of a data file, for messages.
pub fn file_path(dir: &Path, file: &str) -> PathBuf {
    dir.join(file)
}
