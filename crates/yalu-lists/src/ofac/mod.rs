//! OFAC legacy CSV: the SDN list (`sdn.csv`, `alt.csv`, `add.csv`,
//! `sdn_comments.csv`) and the non-SDN consolidated list (`cons_prim.csv`,
//! `cons_alt.csv`, `cons_add.csv`, `cons_comments.csv`).
//!
//! The files have no header row, are cp1252-encoded with CRLF line ends and
//! may end with a 0x1A byte; `-0-` (often followed by a space) means empty.
//! The primary file has one row per listed party: `ent_num, SDN_Name,
//! SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
//! Vess_owner, Remarks`. The side files hold aliases (`ent_num, alt_num,
//! alt_type, alt_name, alt_remarks`), addresses (`ent_num, add_num, address,
//! city/state/postal, country, add_remarks`) and the overflow of long Remarks
//! (`ent_num, text`, glued to the end of the Remarks).
//!
//! Each row becomes one [`Entity`] with id `ofac-<ent_num>`, the dataset
//! `us_ofac_sdn` or `us_ofac_cons` and `target = true`. `SDN_Type` chooses the
//! schema (`individual` → Person, `vessel` → Vessel, `aircraft` → Airplane,
//! anything else → Organization). The name is kept as written (`KIM, Jong
//! Un`) and, for people, split at the first comma into `lastName` and
//! `firstName`. `aka`/`nka` aliases become `alias`, `fka` ones
//! `previousName`; quoted `a.k.a.` names inside the Remarks are OFAC's
//! low-quality aliases and become `weakAlias`. The Remarks are read by
//! [`parse_remarks`] (birth dates with their precision, nationalities as
//! country codes, document numbers, IMO numbers, wallets, `Linked To:`
//! relations...); a clause it does not understand is kept verbatim in
//! `notes` and reported in [`ReadStats::warnings`].
//!
//! The side files are small and are loaded into maps first; the primary
//! file is then parsed row by row and each entity handed to the sink as
//! soon as it is built (only the raw bytes of the file being parsed, a few
//! megabytes, are held, which also keeps line numbers exact). A folder is
//! read as a set; a lone `sdn.csv` or `cons_prim.csv` file is read on its
//! own, without side files.

mod remarks;

pub use remarks::{ParsedRemarks, Problem, RemarkFact, UnparsedClause, extra, parse_remarks};

use crate::detect::find_in;
use crate::{ListError, ListFormat, ReadOptions, ReadStats, RecordError};
use csv::ByteRecord;
use encoding_rs::WINDOWS_1252;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use yalu_model::{Entity, Schema, prop};

/// Columns of the primary file.
const MAIN_COLUMNS: usize = 12;
const ALT_COLUMNS: usize = 5;
const ADD_COLUMNS: usize = 6;
const COMMENT_COLUMNS: usize = 2;

/// Property for a vessel's tonnage, kept as written.
pub const TONNAGE: &str = "tonnage";
/// Property for a vessel's gross registered tonnage, kept as written.
pub const GROSS_REGISTERED_TONNAGE: &str = "grossRegisteredTonnage";

/// The four file names of one OFAC set.
struct FileNames {
    main: &'static str,
    alt: &'static str,
    add: &'static str,
    comments: &'static str,
}

fn file_names(format: ListFormat) -> Option<FileNames> {
    match format {
        ListFormat::OfacSdn => Some(FileNames {
            main: "sdn.csv",
            alt: "alt.csv",
            add: "add.csv",
            comments: "sdn_comments.csv",
        }),
        ListFormat::OfacCons => Some(FileNames {
            main: "cons_prim.csv",
            alt: "cons_alt.csv",
            add: "cons_add.csv",
            comments: "cons_comments.csv",
        }),
        _ => None,
    }
}

/// One alias row of `alt.csv`.
struct Alt {
    kind: String,
    name: String,
    remarks: String,
    line: u64,
}

/// One address row of `add.csv`.
struct Addr {
    address: String,
    city: String,
    country: String,
    remarks: String,
    line: u64,
}

/// The side files, keyed by `ent_num`.
#[derive(Default)]
struct Side {
    alt_file: Option<PathBuf>,
    add_file: Option<PathBuf>,
    comments_file: Option<PathBuf>,
    alts: HashMap<u64, Vec<Alt>>,
    addrs: HashMap<u64, Vec<Addr>>,
    /// Remarks continuation text and the line of its first row.
    comments: HashMap<u64, (String, u64)>,
}

/// Streams an OFAC SDN or consolidated CSV set.
///
/// `path` is a folder holding the set (side files optional) or a lone
/// primary file. A missing primary file is [`ListError::Io`]; a broken row
/// is skipped and recorded in [`ReadStats::skipped`] (an error under
/// [`ReadOptions::strict`]). [`ReadStats::records`] counts the rows of the
/// primary file.
pub fn read(
    path: &Path,
    format: ListFormat,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let names = file_names(format).ok_or_else(|| ListError::Format {
        path: path.to_path_buf(),
        reason: format!("{} is not an OFAC CSV format", format.label()),
    })?;
    let mut stats = ReadStats::default();
    let mut side = Side::default();
    let main = if path.is_dir() {
        let main = find_in(path, names.main).ok_or_else(|| {
            ListError::io(
                path.join(names.main),
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the OFAC primary file is missing",
                ),
            )
        })?;
        side.alt_file = find_in(path, names.alt);
        side.add_file = find_in(path, names.add);
        side.comments_file = find_in(path, names.comments);
        main
    } else {
        path.to_path_buf()
    };
    load_side(&mut side, opts, &mut stats)?;
    read_main(&main, format, &mut side, opts, &mut stats, sink)?;
    report_orphans(&side, &main, &mut stats);
    Ok(stats)
}

/// Decodes one cp1252 field: trimmed, a stray 0x1A dropped, `-0-` empty.
fn decode(bytes: &[u8]) -> String {
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    let t = text.trim().trim_end_matches('\u{1a}').trim();
    if t == "-0-" {
        String::new()
    } else {
        t.to_string()
    }
}

/// Reads every row of one CSV file, decoding its fields. Rows with the
/// wrong number of columns and CSV errors are skipped (or fatal under
/// `strict`); the trailing 0x1A "row" is ignored. `row` gets the file's
/// line number and the decoded fields. Returns the number of rows seen
/// (skipped ones included).
fn for_each_row<const COLUMNS: usize>(
    path: &Path,
    opts: &ReadOptions,
    stats: &mut ReadStats,
    mut row: impl FnMut(&mut ReadStats, u64, [String; COLUMNS]) -> Result<(), ListError>,
) -> Result<usize, ListError> {
    // The files are a few megabytes at most; holding the bytes lets line
    // numbers be computed exactly (the CSV parser reports a CRLF record as
    // starting on the previous line's `\n`).
    let bytes = std::fs::read(path).map_err(|e| ListError::io(path, e))?;
    let mut lines = LineCounter::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut record = ByteRecord::new();
    let mut rows = 0;
    loop {
        let byte_before = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    return Err(ListError::io(
                        path,
                        std::io::Error::new(io.kind(), io.to_string()),
                    ));
                }
                let line = lines.line_at(e.position().map_or(byte_before, |p| p.byte()));
                rows += 1;
                stats.skip(
                    opts,
                    RecordError::new(path, format!("line {line}"), format!("CSV error: {e}")),
                )?;
                continue;
            }
        }
        if is_blank(&record) {
            continue;
        }
        let line = lines.line_at(record.position().map_or(byte_before, |p| p.byte()));
        rows += 1;
        if record.len() != COLUMNS {
            stats.skip(
                opts,
                RecordError::new(
                    path,
                    format!("line {line}"),
                    format!("expected {COLUMNS} columns, found {}", record.len()),
                ),
            )?;
            continue;
        }
        let fields = std::array::from_fn(|i| record.get(i).map(decode).unwrap_or_default());
        row(stats, line, fields)?;
    }
    Ok(rows)
}

/// Turns byte offsets into 1-based line numbers, counting incrementally.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Offset up to which newlines have been counted.
    offset: usize,
    /// 1 + the newlines in `bytes[..offset]`.
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a
    /// line break (a record "starts" at the break that ended the last one).
    fn line_at(&mut self, byte: u64) -> u64 {
        let len = self.bytes.len();
        let mut start = usize::try_from(byte).unwrap_or(len).min(len);
        while self
            .bytes
            .get(start)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self
            .bytes
            .get(self.offset..start)
            .map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count());
        self.line += newlines as u64;
        self.offset = start;
        self.line
    }
}

/// A row holding nothing but whitespace or the 0x1A end-of-file mark.
fn is_blank(record: &ByteRecord) -> bool {
    record
        .iter()
        .all(|f| f.iter().all(|&b| b == 0x1a || b.is_ascii_whitespace()))
}

/// Parses an `ent_num` column.
fn ent_num(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .map_err(|_| format!("ent_num `{text}` is not a number"))
}

fn load_side(side: &mut Side, opts: &ReadOptions, stats: &mut ReadStats) -> Result<(), ListError> {
    if let Some(path) = side.alt_file.clone() {
        let alts = &mut side.alts;
        for_each_row::<ALT_COLUMNS>(&path, opts, stats, |stats, line, f| {
            let [num, _alt_num, kind, name, remarks] = f;
            match ent_num(&num) {
                Ok(n) => alts.entry(n).or_default().push(Alt {
                    kind,
                    name,
                    remarks,
                    line,
                }),
                Err(reason) => stats.skip(
                    opts,
                    RecordError::new(&path, format!("line {line}"), reason),
                )?,
            }
            Ok(())
        })?;
    }
    if let Some(path) = side.add_file.clone() {
        let addrs = &mut side.addrs;
        for_each_row::<ADD_COLUMNS>(&path, opts, stats, |stats, line, f| {
            let [num, _add_num, address, city, country, remarks] = f;
            match ent_num(&num) {
                Ok(n) => addrs.entry(n).or_default().push(Addr {
                    address,
                    city,
                    country,
                    remarks,
                    line,
                }),
                Err(reason) => stats.skip(
                    opts,
                    RecordError::new(&path, format!("line {line}"), reason),
                )?,
            }
            Ok(())
        })?;
    }
    if let Some(path) = side.comments_file.clone() {
        let comments = &mut side.comments;
        for_each_row::<COMMENT_COLUMNS>(&path, opts, stats, |stats, line, f| {
            let [num, text] = f;
            match ent_num(&num) {
                Ok(n) => {
                    let entry = comments.entry(n).or_insert_with(|| (String::new(), line));
                    entry.0.push_str(&text);
                }
                Err(reason) => stats.skip(
                    opts,
                    RecordError::new(&path, format!("line {line}"), reason),
                )?,
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn read_main(
    path: &Path,
    format: ListFormat,
    side: &mut Side,
    opts: &ReadOptions,
    stats: &mut ReadStats,
    sink: &mut dyn FnMut(Entity),
) -> Result<(), ListError> {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let rows = for_each_row::<MAIN_COLUMNS>(path, opts, stats, |stats, line, fields| {
        let num = match ent_num(&fields[0]) {
            Ok(n) => n,
            Err(reason) => {
                return stats.skip(opts, RecordError::new(path, format!("line {line}"), reason));
            }
        };
        if fields[1].is_empty() {
            return stats.skip(
                opts,
                RecordError::new(
                    path,
                    format!("line {line}"),
                    format!("ent_num {num} has no name"),
                ),
            );
        }
        if let Some(first) = seen.get(&num) {
            return stats.skip(
                opts,
                RecordError::new(
                    path,
                    format!("line {line}"),
                    format!("ent_num {num} is listed twice (first on line {first})"),
                ),
            );
        }
        seen.insert(num, line);
        let entity = build_entity(num, line, fields, format, side, path, stats);
        stats.entities += 1;
        sink(entity);
        Ok(())
    })?;
    stats.records += rows;
    Ok(())
}

fn schema_of(sdn_type: &str) -> Option<Schema> {
    match sdn_type.to_ascii_lowercase().as_str() {
        "individual" => Some(Schema::Person),
        "vessel" => Some(Schema::Vessel),
        "aircraft" => Some(Schema::Airplane),
        "" | "entity" => Some(Schema::Organization),
        _ => None,
    }
}

/// Splits `DPRK3] [DPRK-NKSPEA` (or `[SDGT] [IRGC]`) into programs.
fn programs(text: &str) -> impl Iterator<Item = &str> {
    text.split(['[', ']'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn build_entity(
    num: u64,
    line: u64,
    fields: [String; MAIN_COLUMNS],
    format: ListFormat,
    side: &mut Side,
    path: &Path,
    stats: &mut ReadStats,
) -> Entity {
    let [
        _num,
        name,
        sdn_type,
        program,
        title,
        call_sign,
        vess_type,
        tonnage,
        grt,
        vess_flag,
        vess_owner,
        remarks,
    ] = fields;
    let id = format!("ofac-{num}");
    let location = format!("line {line} ({id})");
    let schema = schema_of(&sdn_type).unwrap_or_else(|| {
        warn(
            stats,
            path,
            location.clone(),
            format!("unknown SDN_Type `{sdn_type}`, read as an organization"),
        );
        Schema::Organization
    });
    let is_person = schema == Schema::Person;
    let mut e = Entity::new(id.clone(), schema);
    e.add_dataset(format.dataset());
    e.target = true;

    e.add(prop::NAME, &name);
    if is_person && let Some((last, first)) = name.split_once(',') {
        e.add(prop::LAST_NAME, last);
        e.add(prop::FIRST_NAME, first);
    }
    for p in programs(&program) {
        e.add(prop::PROGRAM, p);
    }
    if is_person {
        e.add(prop::TITLE, &title);
    } else if !title.is_empty() {
        e.add(prop::NOTES, format!("Title: {title}"));
    }
    e.add(prop::CALL_SIGN, &call_sign);
    e.add(prop::TYPE, &vess_type);
    e.add(TONNAGE, &tonnage);
    e.add(GROSS_REGISTERED_TONNAGE, &grt);
    add_flag(&mut e, &vess_flag, path, &location, stats);
    if !vess_owner.is_empty() {
        e.add(prop::NOTES, format!("Owner: {vess_owner}"));
    }

    // Remarks, with their overflow from the comments file.
    let mut remarks = remarks;
    if let Some((more, _)) = side.comments.remove(&num) {
        remarks.push_str(&more);
    }
    if !remarks.is_empty() {
        add_remarks(&mut e, &remarks, &title, path, &location, stats);
    }
    if let Some(alts) = side.alts.remove(&num) {
        let file = side.alt_file.as_deref().unwrap_or(Path::new(""));
        add_alts(&mut e, &id, alts, file, stats);
    }
    if let Some(addrs) = side.addrs.remove(&num) {
        let file = side.add_file.as_deref().unwrap_or(Path::new(""));
        add_addresses(&mut e, &id, addrs, file, stats);
    }
    e
}

/// `Vess_flag` as a country code; a value naming no country goes to the
/// notes with a warning. `None Identified` is OFAC's way of saying there
/// is no flag.
fn add_flag(e: &mut Entity, vess_flag: &str, path: &Path, location: &str, stats: &mut ReadStats) {
    if vess_flag.is_empty() || vess_flag.eq_ignore_ascii_case("None Identified") {
        return;
    }
    match remarks::country_code(vess_flag) {
        Some(code) => {
            e.add(prop::FLAG, code);
        }
        None => {
            e.add(prop::NOTES, format!("Flag: {vess_flag}"));
            let reason = stats.no_country("Vess_flag", vess_flag);
            warn(
                stats,
                path,
                location.to_string(),
                format!("{reason}; kept in notes"),
            );
        }
    }
}

/// The facts read from the remarks (with their overflow from the comments
/// file), and the clauses not understood in notes with a warning each; a
/// post or clause repeating the `Title` column is skipped.
fn add_remarks(
    e: &mut Entity,
    remarks: &str,
    title: &str,
    path: &Path,
    location: &str,
    stats: &mut ReadStats,
) {
    let parsed = parse_remarks(remarks);
    for fact in &parsed.facts {
        // A post repeating the Title column is already read.
        if fact.property == extra::POSITION && fact.value.eq_ignore_ascii_case(title) {
            continue;
        }
        e.add(fact.property, &fact.value);
    }
    for clause in &parsed.unparsed {
        // A clause repeating the Title column (`Chairman of the
        // Workers' Party of Korea`) is already read.
        if clause.problem == Problem::UnknownClause && clause.text.eq_ignore_ascii_case(title) {
            continue;
        }
        e.add(prop::NOTES, &clause.text);
        let reason = if clause.problem == Problem::UnknownCountry {
            format!(
                "{}, in the clause: `{}`",
                stats.no_country("Remarks", &clause.value),
                clause.text
            )
        } else {
            format!("{}: `{}`", clause.problem, clause.text)
        };
        warn(stats, path, location.to_string(), reason);
    }
}

/// The rows of the alias file (`alt.csv`) for one entry: `aka`/`nka` as
/// aliases, `fka` as previous names, their remarks in notes.
fn add_alts(e: &mut Entity, id: &str, alts: Vec<Alt>, file: &Path, stats: &mut ReadStats) {
    for alt in alts {
        let property = match alt.kind.to_ascii_lowercase().as_str() {
            "aka" | "nka" => prop::ALIAS,
            "fka" => prop::PREVIOUS_NAME,
            other => {
                warn(
                    stats,
                    file,
                    format!("line {} ({id})", alt.line),
                    format!("unknown alias type `{other}`, read as an alias"),
                );
                prop::ALIAS
            }
        };
        if alt.name.is_empty() {
            warn(
                stats,
                file,
                format!("line {} ({id})", alt.line),
                "empty alias".into(),
            );
            continue;
        }
        e.add(property, &alt.name);
        if !alt.remarks.is_empty() {
            e.add(prop::NOTES, format!("{}: {}", alt.name, alt.remarks));
        }
    }
}

/// The rows of the address file (`add.csv`) for one entry: each as one
/// address, its country also as a code, its remarks in notes.
fn add_addresses(e: &mut Entity, id: &str, addrs: Vec<Addr>, file: &Path, stats: &mut ReadStats) {
    for a in addrs {
        let full: Vec<&str> = [a.address.as_str(), a.city.as_str(), a.country.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        e.add(prop::ADDRESS, full.join(", "));
        if !a.country.is_empty() && !a.country.eq_ignore_ascii_case("undetermined") {
            match remarks::country_code(&a.country) {
                Some(code) => {
                    e.add(prop::COUNTRY, code);
                }
                None => {
                    // The value stays in the record, in the address.
                    let reason = stats.no_country("Country", &a.country);
                    warn(stats, file, format!("line {} ({id})", a.line), reason)
                }
            }
        }
        e.add(prop::NOTES, &a.remarks);
    }
}

fn warn(stats: &mut ReadStats, file: &Path, location: String, reason: String) {
    stats
        .warnings
        .push(RecordError::new(file, location, reason));
}

/// Side-file rows whose `ent_num` is not in the primary file.
fn report_orphans(side: &Side, main: &Path, stats: &mut ReadStats) {
    let main_name = main
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut orphans: Vec<(PathBuf, u64, u64)> = Vec::new();
    if let Some(file) = &side.alt_file {
        for (num, rows) in &side.alts {
            orphans.extend(rows.iter().map(|r| (file.clone(), r.line, *num)));
        }
    }
    if let Some(file) = &side.add_file {
        for (num, rows) in &side.addrs {
            orphans.extend(rows.iter().map(|r| (file.clone(), r.line, *num)));
        }
    }
    if let Some(file) = &side.comments_file {
        for (num, (_, line)) in &side.comments {
            orphans.push((file.clone(), *line, *num));
        }
    }
    orphans.sort();
    for (file, line, num) in orphans {
        stats.warnings.push(RecordError::new(
            file,
            format!("line {line}"),
            format!("ent_num {num} is not in {main_name}"),
        ));
    }
}
