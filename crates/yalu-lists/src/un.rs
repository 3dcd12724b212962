//! UN Security Council Consolidated List (XML).
//!
//! The UN publishes every Security Council sanctions regime in one XML file
//! (schema `sc-sanctions.xsd`): a `CONSOLIDATED_LIST` root holding
//! `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY` records. A record is a flat
//! list of fields (`DATAID`, `FIRST_NAME`, `UN_LIST_TYPE`,
//! `REFERENCE_NUMBER`, `COMMENTS1`, ...) and of small groups
//! (`NATIONALITY/VALUE`, `INDIVIDUAL_ALIAS/{QUALITY,ALIAS_NAME}`,
//! `INDIVIDUAL_DATE_OF_BIRTH/{TYPE_OF_DATE,DATE,YEAR,FROM_YEAR,TO_YEAR}`,
//! `INDIVIDUAL_DOCUMENT/{TYPE_OF_DOCUMENT,NUMBER}`, addresses...).
//!
//! The file is streamed with [`quick_xml::Reader`]; only the record being
//! read is held in memory, as a small tree of its fields.
//!
//! ## Mapping
//!
//! | UN field | entity |
//! |---|---|
//! | `INDIVIDUAL` / `ENTITY` | schema `Person` / `Organization`, id `unsc-<DATAID>`, dataset `un_sc_sanctions`, `target`, topic `sanction` |
//! | `FIRST_NAME` .. `FOURTH_NAME` | joined with spaces into `name`. They are not split into `firstName`/`lastName`: the UN puts the family name of Korean and Chinese names in `FIRST_NAME` (`MUN` `CHO'NG-CH'O'L`), so the parts do not say which is the given name |
//! | `NAME_ORIGINAL_SCRIPT` | `alias` (or `name` when the record has no Latin name) |
//! | `*_ALIAS` with `QUALITY` `Good`, `a.k.a.`, empty or unknown | `alias`; `Low` gives `weakAlias`, `f.k.a.` gives `previousName`. An alias's own `DATE_OF_BIRTH` / place of birth are added to the person |
//! | `INDIVIDUAL_DATE_OF_BIRTH` | `birthDate` with its precision (`1964-12-23`, `1971`); `BETWEEN` `FROM_YEAR`/`TO_YEAR` becomes one value per year ([`yalu_model::expand_date_expression`]) |
//! | `NATIONALITY/VALUE` | `nationality` as a country code; a name that names no country is kept in `notes` and reported as a warning |
//! | `INDIVIDUAL_PLACE_OF_BIRTH` | `birthPlace` (street, city, province, country joined) |
//! | `INDIVIDUAL_DOCUMENT` | `passportNumber` when the document type says passport (`Passport`, `Numéro de passeport`, `Número de pasaporte`), else `idNumber`; the number only |
//! | `*_ADDRESS` | `address` text and `country` code |
//! | `UN_LIST_TYPE`, `REFERENCE_NUMBER` | `program` (`DPRK`), `programId` (`KPi.012`) |
//! | `TITLE/VALUE`, `DESIGNATION/VALUE` | `title`, `position` |
//! | `GENDER` | `gender` (`male` / `female`) |
//! | `COMMENTS1` | `notes` |
//! | `LISTED_ON`, `LAST_DAY_UPDATED` | `first_seen`, `last_change` (latest value) |
//!
//! ## Bad input
//!
//! A record without a `DATAID`, with an unusable `DATAID`, without any name,
//! nested too deeply or referring to an undefined entity is skipped and
//! reported with its record number, line and byte offset (under
//! [`ReadOptions::strict`] it is an error). An XML syntax error, a truncated
//! file or a missing `CONSOLIDATED_LIST` root is a [`ListError::Format`]
//! naming the file and the position: the records read so far are never
//! presented as the complete list. Entities declared in a DOCTYPE are never
//! expanded: a DOCTYPE that declares entities is refused (this defuses
//! "billion laughs" documents), and a reference to an undefined entity makes
//! its record unreadable.

use crate::{ListError, ReadOptions, ReadStats, RecordError};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use yalu_model::{Entity, FuzzyDate, Schema, country, expand_date_expression, prop};

/// Dataset name of the UN Security Council consolidated list.
pub const DATASET: &str = "un_sc_sanctions";

/// Deepest element nesting accepted inside a record (the schema needs 3).
const MAX_RECORD_DEPTH: usize = 8;

/// A `BufRead` that counts the line breaks the XML parser has consumed, so
/// each event's line is known without a second pass.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += count_newlines(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            self.newlines += count_newlines(buf.get(..amt).unwrap_or(buf));
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The 1-based line of a byte offset, found by reading the file again (used
/// only for the one fatal error of a read).
fn line_of_offset(path: &Path, offset: u64) -> Option<u64> {
    let file = File::open(path).ok()?;
    let mut reader = BufReader::new(file.take(offset));
    let mut lines = 1;
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            return Some(lines);
        }
        lines += count_newlines(buf);
        let n = buf.len();
        reader.consume(n);
    }
}

/// One element of the record being read.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn new(name: &str) -> Self {
        Node {
            name: name.to_string(),
            ..Node::default()
        }
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Trimmed text of the first non-empty child called `name`.
    fn text_of(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .filter(|c| c.name == name)
            .map(|c| c.text.trim())
            .find(|t| !t.is_empty())
    }

    /// The `VALUE`s of every `name` child (or the child's own text when it
    /// has no `VALUE`), trimmed and non-empty.
    fn values(&self, name: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for group in self.children.iter().filter(|c| c.name == name) {
            let own = group.text.trim();
            if !own.is_empty() {
                out.push(own);
            }
            for v in group.children.iter().filter(|c| c.name == "VALUE") {
                let t = v.text.trim();
                if !t.is_empty() {
                    out.push(t);
                }
            }
        }
        out
    }

    /// The non-empty texts of `fields`, in that order.
    fn parts<'a>(&'a self, fields: &[&str]) -> Vec<&'a str> {
        fields.iter().filter_map(|f| self.text_of(f)).collect()
    }
}

/// Where the record being read started, and what went wrong inside it.
struct OpenRecord {
    number: usize,
    line: u64,
    byte: u64,
    /// Elements from the record element down to the current one.
    stack: Vec<Node>,
    /// Levels opened below [`MAX_RECORD_DEPTH`] (not kept).
    ignored_depth: usize,
    /// First structural problem seen, which makes the record unreadable.
    broken: Option<String>,
}

impl OpenRecord {
    fn append_text(&mut self, text: &str) {
        if self.ignored_depth == 0
            && let Some(top) = self.stack.last_mut()
        {
            top.text.push_str(text);
        }
    }

    fn break_with(&mut self, reason: String) {
        if self.broken.is_none() {
            self.broken = Some(reason);
        }
    }
}

/// Context for turning one record into an entity.
struct Context<'a> {
    path: &'a Path,
    location: String,
    stats: &'a mut ReadStats,
}

impl Context<'_> {
    fn warn(&mut self, reason: String) {
        self.stats
            .warnings
            .push(RecordError::new(self.path, self.location.clone(), reason));
    }
}

/// The `YYYY-MM-DD` (or shorter) date at the start of a UN date value, which
/// may carry a time-zone suffix (`2001-10-06-04:00`).
fn parse_un_date(text: &str) -> Option<FuzzyDate> {
    let t = text.trim();
    if let Ok(d) = t.parse::<FuzzyDate>() {
        return Some(d);
    }
    t.get(..10).and_then(|p| p.parse::<FuzzyDate>().ok())
}

fn format_error(path: &Path, offset: u64, what: impl std::fmt::Display) -> ListError {
    let line = line_of_offset(path, offset)
        .map(|l| format!("line {l}, "))
        .unwrap_or_default();
    ListError::Format {
        path: path.to_path_buf(),
        reason: format!("{line}byte {offset}: {what}; the rest of the file cannot be read"),
    }
}

/// The state of a read between two XML events.
#[derive(Default)]
struct Walk {
    stats: ReadStats,
    /// Element names open outside records, root first.
    outer: Vec<String>,
    root_seen: bool,
    root_closed: bool,
    record: Option<OpenRecord>,
    seen_ids: HashMap<String, usize>,
}

/// Where an event starts: its byte offset and its 1-based line.
#[derive(Clone, Copy)]
struct At {
    byte: u64,
    line: u64,
}

/// Streams the UN Security Council consolidated list.
pub fn read(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let file = File::open(path).map_err(|e| ListError::io(path, e))?;
    let counter = LineCounter {
        inner: BufReader::with_capacity(64 * 1024, file),
        newlines: 0,
    };
    let mut reader = Reader::from_reader(counter);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text_start = false;
        config.trim_text_end = false;
    }

    let mut walk = Walk::default();
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let at = At {
            byte: reader.buffer_position(),
            line: reader.get_ref().newlines + 1,
        };
        let event = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                // quick-xml sets `error_position` for syntax errors only; a
                // byte that is not UTF-8 lies in the event starting at
                // `at.byte`, `valid_up_to` bytes into its content.
                let offset = match &e {
                    quick_xml::Error::Encoding(quick_xml::encoding::EncodingError::Utf8(u)) => {
                        at.byte + u.valid_up_to() as u64
                    }
                    quick_xml::Error::Encoding(_) => at.byte,
                    _ => reader.error_position(),
                };
                return Err(format_error(path, offset, format!("XML error: {e}")));
            }
        };
        let (name, empty) = match &event {
            Event::Start(s) => (s.name().into_inner().to_string(), false),
            Event::Empty(s) => (s.name().into_inner().to_string(), true),
            Event::Eof => break,
            other => {
                other_event(&mut walk, other, at, path, opts, sink)?;
                continue;
            }
        };
        open_element(&mut walk, name, empty, at, path, opts, sink)?;
    }
    check_complete(&walk, path, reader.buffer_position())?;
    Ok(walk.stats)
}

/// Any event but an element opening and the end of the file: an element
/// closing, text, a reference, or the prolog's declaration and DOCTYPE
/// (both checked); comments and processing instructions are passed over.
fn other_event(
    walk: &mut Walk,
    event: &Event<'_>,
    at: At,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<(), ListError> {
    match event {
        Event::End(_) => close_element(walk, path, opts, sink)?,
        Event::Text(text) => {
            if let Some(open) = walk.record.as_mut() {
                open.append_text(&text.xml10_content());
            }
        }
        Event::CData(data) => {
            if let Some(open) = walk.record.as_mut() {
                open.append_text(&data.xml10_content());
            }
        }
        Event::GeneralRef(reference) => {
            if let Some(open) = walk.record.as_mut() {
                append_reference(open, reference);
            }
        }
        Event::Decl(decl) => check_declaration(decl, path, at.byte)?,
        Event::DocType(doctype) => {
            if doctype.to_ascii_uppercase().contains("<!ENTITY") {
                return Err(format_error(
                    path,
                    at.byte,
                    "the DOCTYPE declares entities, which are refused (entity expansion is never performed)",
                ));
            }
        }
        Event::Start(_) | Event::Empty(_) | Event::Comment(_) | Event::PI(_) | Event::Eof => {}
    }
    Ok(())
}

/// An element closes: inside a record it goes to its parent, or finishes
/// the record when it is the record element; outside, it leaves the
/// enclosing elements (the root closing ends the document).
fn close_element(
    walk: &mut Walk,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<(), ListError> {
    let Some(mut open) = walk.record.take() else {
        walk.outer.pop();
        if walk.outer.is_empty() {
            walk.root_closed = true;
        }
        return Ok(());
    };
    if open.ignored_depth > 0 {
        open.ignored_depth -= 1;
        walk.record = Some(open);
    } else if open.stack.len() > 1 {
        if let Some(done) = open.stack.pop()
            && let Some(parent) = open.stack.last_mut()
        {
            parent.children.push(done);
        }
        walk.record = Some(open);
    } else {
        finish_record(path, opts, open, &mut walk.stats, &mut walk.seen_ids, sink)?;
    }
    Ok(())
}

/// The character a reference in a record's text stands for; an undefined
/// entity breaks the record (entities are never expanded).
fn append_reference(open: &mut OpenRecord, reference: &quick_xml::events::BytesRef<'_>) {
    match resolve_reference(reference) {
        Some(c) => {
            let mut tmp = [0u8; 4];
            open.append_text(c.encode_utf8(&mut tmp));
        }
        None => {
            let name: &str = reference;
            open.break_with(format!(
                "reference to the undefined entity `&{name};` (entities are never expanded)"
            ));
        }
    }
}

/// Refuses an XML declaration naming an encoding other than UTF-8.
fn check_declaration(
    decl: &quick_xml::events::BytesDecl<'_>,
    path: &Path,
    byte: u64,
) -> Result<(), ListError> {
    if let Some(Ok(enc)) = decl.encoding() {
        let enc = enc.to_ascii_lowercase();
        if enc != "utf-8" && enc != "utf8" {
            return Err(format_error(
                path,
                byte,
                format!("encoding `{enc}` is not supported (the UN list is UTF-8)"),
            ));
        }
    }
    Ok(())
}

/// An element opens: inside a record it joins the record's tree (too deep
/// breaks the record); outside, it must be the one root, and an
/// `INDIVIDUAL` or `ENTITY` starts a record.
fn open_element(
    walk: &mut Walk,
    name: String,
    empty: bool,
    at: At,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<(), ListError> {
    if let Some(open) = walk.record.as_mut() {
        if open.ignored_depth > 0 || open.stack.len() >= MAX_RECORD_DEPTH {
            open.break_with(format!("elements nested more than {MAX_RECORD_DEPTH} deep"));
            if !empty {
                open.ignored_depth += 1;
            }
        } else if empty {
            if let Some(top) = open.stack.last_mut() {
                top.children.push(Node::new(&name));
            }
        } else {
            open.stack.push(Node::new(&name));
        }
        return Ok(());
    }
    if !walk.root_seen {
        if name != "CONSOLIDATED_LIST" {
            return Err(format_error(
                path,
                at.byte,
                format!("the root element is <{name}>, not <CONSOLIDATED_LIST>"),
            ));
        }
        walk.root_seen = true;
    } else if walk.root_closed {
        return Err(format_error(
            path,
            at.byte,
            format!("element <{name}> after the end of <CONSOLIDATED_LIST>"),
        ));
    }
    if name == "INDIVIDUAL" || name == "ENTITY" {
        walk.stats.records += 1;
        let open = OpenRecord {
            number: walk.stats.records,
            line: at.line,
            byte: at.byte,
            stack: vec![Node::new(&name)],
            ignored_depth: 0,
            broken: None,
        };
        if empty {
            finish_record(path, opts, open, &mut walk.stats, &mut walk.seen_ids, sink)?;
        } else {
            walk.record = Some(open);
        }
    } else if !empty {
        walk.outer.push(name);
    } else if walk.outer.is_empty() {
        // An empty root: `<CONSOLIDATED_LIST/>`.
        walk.root_closed = true;
    }
    Ok(())
}

/// At the end of the file: refuses a document cut inside a record or an
/// element, or without its root. `position` is the reader's last offset.
fn check_complete(walk: &Walk, path: &Path, position: u64) -> Result<(), ListError> {
    if let Some(open) = &walk.record {
        let kind = open
            .stack
            .first()
            .map(|n| n.name.clone())
            .unwrap_or_default();
        return Err(format_error(
            path,
            position,
            format!(
                "the file ends inside <{kind}> (record {}, which starts at line {}); it is truncated",
                open.number, open.line
            ),
        ));
    }
    if !walk.root_seen {
        return Err(format_error(
            path,
            position,
            "no <CONSOLIDATED_LIST> element",
        ));
    }
    if !walk.outer.is_empty() || !walk.root_closed {
        return Err(format_error(
            path,
            position,
            format!(
                "the file ends inside <{}>; it is truncated",
                walk.outer.join("/")
            ),
        ));
    }
    Ok(())
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten();
    }
    let name: &str = reference;
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn finish_record(
    path: &Path,
    opts: &ReadOptions,
    mut open: OpenRecord,
    stats: &mut ReadStats,
    seen_ids: &mut HashMap<String, usize>,
    sink: &mut dyn FnMut(Entity),
) -> Result<(), ListError> {
    let Some(root) = open.stack.pop() else {
        return Ok(());
    };
    let dataid = root.text_of("DATAID").map(str::to_string);
    let location = match &dataid {
        Some(id) => format!(
            "record {} (DATAID {id}), line {}, byte {}",
            open.number, open.line, open.byte
        ),
        None => format!(
            "record {}, line {}, byte {}",
            open.number, open.line, open.byte
        ),
    };
    if let Some(reason) = open.broken.take() {
        return stats.skip(opts, RecordError::new(path, location, reason));
    }
    let mut ctx = Context {
        path,
        location: location.clone(),
        stats: &mut *stats,
    };
    match build_entity(&root, &mut ctx) {
        Ok(entity) => {
            if let Some(first) = seen_ids.get(&entity.id) {
                ctx.warn(format!(
                    "DATAID repeats record {first}; both are kept under the id {}",
                    entity.id
                ));
            } else {
                seen_ids.insert(entity.id.clone(), open.number);
            }
            stats.entities += 1;
            sink(entity);
            Ok(())
        }
        Err(reason) => stats.skip(opts, RecordError::new(path, location, reason)),
    }
}

/// Builds the entity of one `INDIVIDUAL` or `ENTITY` element.
fn build_entity(root: &Node, ctx: &mut Context<'_>) -> Result<Entity, String> {
    let Some(dataid) = root.text_of("DATAID") else {
        return Err(format!("<{}> without a DATAID", root.name));
    };
    if !dataid
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || dataid.len() > 64
    {
        return Err(format!("DATAID `{dataid}` is not an identifier"));
    }
    let individual = root.name == "INDIVIDUAL";
    let schema = if individual {
        Schema::Person
    } else {
        Schema::Organization
    };
    let mut e = Entity::new(format!("unsc-{dataid}"), schema);
    e.add_dataset(DATASET);
    e.target = true;
    e.add(prop::TOPICS, "sanction");

    add_names(&mut e, root)?;
    add_aliases(&mut e, root, ctx);
    for v in root.values("TITLE") {
        e.add(prop::TITLE, v);
    }
    for v in root.values("DESIGNATION") {
        e.add(prop::POSITION, v);
    }
    add_nationalities(&mut e, root, ctx);
    add_listing(&mut e, root, ctx);
    add_addresses(&mut e, root, ctx);
    add_birth(&mut e, root, ctx);
    add_documents(&mut e, root);
    Ok(e)
}

/// The name (`FIRST_NAME`..`FOURTH_NAME`) and the name in its original
/// script, which is the name when the parts are empty; an error when the
/// record has neither.
fn add_names(e: &mut Entity, root: &Node) -> Result<(), String> {
    let name = root
        .parts(&["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"])
        .join(" ");
    let original = root.text_of("NAME_ORIGINAL_SCRIPT");
    if !name.trim().is_empty() {
        e.add(prop::NAME, &name);
        if let Some(o) = original {
            e.add(prop::ALIAS, o);
        }
    } else if let Some(o) = original {
        e.add(prop::NAME, o);
    } else {
        return Err("record without a name".to_string());
    }
    Ok(())
}

/// `INDIVIDUAL_ALIAS` and `ENTITY_ALIAS`: the name under the property its
/// `QUALITY` calls for, with the birth date and place some aliases carry.
fn add_aliases(e: &mut Entity, root: &Node, ctx: &mut Context<'_>) {
    for alias in root
        .named("INDIVIDUAL_ALIAS")
        .chain(root.named("ENTITY_ALIAS"))
    {
        let Some(alias_name) = alias.text_of("ALIAS_NAME") else {
            continue;
        };
        let quality = alias.text_of("QUALITY").unwrap_or("").to_ascii_lowercase();
        let property = match quality.as_str() {
            "low" => prop::WEAK_ALIAS,
            "f.k.a." | "fka" => prop::PREVIOUS_NAME,
            _ => prop::ALIAS,
        };
        e.add(property, unquote(alias_name));
        if let Some(dob) = alias.text_of("DATE_OF_BIRTH") {
            add_date(e, dob, ctx);
        }
        let place = alias
            .parts(&["CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"])
            .join(", ");
        e.add(prop::BIRTH_PLACE, place);
    }
}

/// `NATIONALITY` values as country codes; a value naming no country goes
/// to the notes with a warning.
fn add_nationalities(e: &mut Entity, root: &Node, ctx: &mut Context<'_>) {
    for v in root.values("NATIONALITY") {
        if is_not_available(v) {
            continue;
        }
        let codes = un_country(v);
        if codes.is_empty() {
            let reason = ctx.stats.no_country("NATIONALITY", v);
            ctx.warn(format!("{reason}; kept in notes"));
            e.add(prop::NOTES, format!("Nationality: {v}"));
        }
        for code in codes {
            e.add(prop::NATIONALITY, code);
        }
    }
}

/// The listing: `UN_LIST_TYPE` (program), `REFERENCE_NUMBER`, `COMMENTS1`,
/// `GENDER`, `LISTED_ON` (`first_seen`) and the latest `LAST_DAY_UPDATED`
/// (`last_change`).
fn add_listing(e: &mut Entity, root: &Node, ctx: &mut Context<'_>) {
    if let Some(v) = root.text_of("UN_LIST_TYPE") {
        e.add(prop::PROGRAM, v);
    }
    if let Some(v) = root.text_of("REFERENCE_NUMBER") {
        e.add(prop::PROGRAM_ID, v);
    }
    if let Some(v) = root.text_of("COMMENTS1") {
        e.add(prop::NOTES, v);
    }
    if let Some(g) = root.text_of("GENDER") {
        match g.to_ascii_lowercase().as_str() {
            "male" => {
                e.add(prop::GENDER, "male");
            }
            "female" => {
                e.add(prop::GENDER, "female");
            }
            _ => {}
        }
    }
    if let Some(listed) = root.text_of("LISTED_ON") {
        match parse_un_date(listed) {
            Some(d) => e.first_seen = Some(d.to_string()),
            None => ctx.warn(format!("LISTED_ON `{listed}` is not a date")),
        }
    }
    e.last_change = root
        .values("LAST_DAY_UPDATED")
        .into_iter()
        .filter_map(parse_un_date)
        .max()
        .map(|d| d.to_string());
}

/// `INDIVIDUAL_ADDRESS` and `ENTITY_ADDRESS`, each as one address, its
/// country also as a code.
fn add_addresses(e: &mut Entity, root: &Node, ctx: &mut Context<'_>) {
    for addr in root
        .named("INDIVIDUAL_ADDRESS")
        .chain(root.named("ENTITY_ADDRESS"))
    {
        let text = addr
            .parts(&["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"])
            .join(", ");
        e.add(prop::ADDRESS, text);
        if let Some(c) = addr.text_of("COUNTRY") {
            add_country(e, prop::COUNTRY, c, "address country", ctx);
        }
    }
}

/// `INDIVIDUAL_DATE_OF_BIRTH` and `INDIVIDUAL_PLACE_OF_BIRTH`.
fn add_birth(e: &mut Entity, root: &Node, ctx: &mut Context<'_>) {
    for dob in root.named("INDIVIDUAL_DATE_OF_BIRTH") {
        add_birth_date(e, dob, ctx);
    }
    for pob in root.named("INDIVIDUAL_PLACE_OF_BIRTH") {
        let text = pob
            .parts(&["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"])
            .join(", ");
        e.add(prop::BIRTH_PLACE, text);
    }
}

/// `INDIVIDUAL_DOCUMENT` numbers, as passport numbers when the document
/// type says passport, else as identification numbers.
fn add_documents(e: &mut Entity, root: &Node) {
    for doc in root.named("INDIVIDUAL_DOCUMENT") {
        let Some(number) = doc.text_of("NUMBER") else {
            continue;
        };
        let kind = doc
            .parts(&["TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2"])
            .join(" ");
        let property = if is_passport(&kind) {
            prop::PASSPORT_NUMBER
        } else {
            prop::ID_NUMBER
        };
        e.add(property, number);
    }
}

/// An alias without the quotes some records put around it (`"KOMID"`).
fn unquote(name: &str) -> &str {
    let t = name.trim();
    for (open, close) in [('"', '"'), ('\u{201c}', '\u{201d}'), ('\'', '\'')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close))
            && !inner.trim().is_empty()
            && !inner.contains(open)
        {
            return inner.trim();
        }
    }
    t
}

/// The codes of a UN country value (`Sudan/South Sudan` names two). The UN
/// writes names, never codes, so a two-letter value (`na` for "not
/// available") is not read as a code.
fn un_country(text: &str) -> Vec<&'static str> {
    if text.trim().chars().count() <= 2 {
        return Vec::new();
    }
    country::codes_in(text)
}

/// `na`, `n/a`: the UN's way of saying a value is not available.
fn is_not_available(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "na" | "n/a" | "n.a."
    )
}

fn is_passport(kind: &str) -> bool {
    let k = kind.to_lowercase();
    k.contains("passport") || k.contains("passeport") || k.contains("pasaporte")
}

fn add_country(e: &mut Entity, property: &str, text: &str, what: &str, ctx: &mut Context<'_>) {
    if is_not_available(text) {
        return;
    }
    let codes = un_country(text);
    if codes.is_empty() {
        // The value stays in the record: in the address or birth place
        // the caller built from the same element.
        let reason = ctx.stats.no_country(what, text);
        ctx.warn(reason);
    }
    for code in codes {
        e.add(property, code);
    }
}

/// Adds one date value (`DATE` or `YEAR` form, or a year range), keeping
/// its precision; an unreadable one goes to the notes with a warning.
fn add_date(e: &mut Entity, text: &str, ctx: &mut Context<'_>) {
    if let Some(d) = parse_un_date(text) {
        e.add(prop::BIRTH_DATE, d.to_string());
        return;
    }
    match expand_date_expression(text) {
        Ok(dates) => {
            for d in dates {
                e.add(prop::BIRTH_DATE, d.to_string());
            }
        }
        Err(err) => {
            ctx.warn(format!(
                "date of birth `{text}` not understood ({err}); kept in notes"
            ));
            e.add(prop::NOTES, format!("Date of birth: {text}"));
        }
    }
}

fn add_birth_date(e: &mut Entity, dob: &Node, ctx: &mut Context<'_>) {
    let kind = dob
        .text_of("TYPE_OF_DATE")
        .unwrap_or("")
        .to_ascii_uppercase();
    let from = dob.text_of("FROM_YEAR");
    let to = dob.text_of("TO_YEAR");
    // Whether the element gives a date at all (readable or not).
    let mut found = false;
    if kind == "BETWEEN" || from.is_some() || to.is_some() {
        match (from, to) {
            (Some(a), Some(b)) => {
                add_date(e, &format!("{a} to {b}"), ctx);
                found = true;
            }
            (Some(a), None) | (None, Some(a)) => {
                add_date(e, a, ctx);
                found = true;
            }
            (None, None) => {}
        }
    }
    for field in ["DATE", "YEAR"] {
        for node in dob.named(field) {
            let t = node.text.trim();
            if !t.is_empty() {
                add_date(e, t, ctx);
                found = true;
            }
        }
    }
    let note = dob
        .text_of("NOTE")
        .filter(|n| !n.eq_ignore_ascii_case("approximately"));
    match note {
        // Some records give the date only in the note (`Nov. 1973`).
        Some(note) if !found => match expand_date_expression(note) {
            Ok(dates) => {
                for d in dates {
                    e.add(prop::BIRTH_DATE, d.to_string());
                }
            }
            Err(_) => {
                ctx.warn(format!(
                    "date of birth given only as `{note}`; kept in notes"
                ));
                e.add(prop::NOTES, format!("Date of birth: {note}"));
            }
        },
        Some(note) => {
            e.add(prop::NOTES, format!("Date of birth: {note}"));
        }
        None if !found && !kind.is_empty() => {
            ctx.warn(format!("date of birth of type {kind} without a date"));
        }
        None => {}
    }
}
