//! FollowTheMoney JSON lines and OpenSanctions delta files.
//!
//! ## Entities (`entities.ftm.json`)
//!
//! OpenSanctions exports one FtM entity per line:
//! `{"id", "caption", "schema", "properties": {name: [values]}, "datasets",
//! "referents", "target", "first_seen", "last_seen", "last_change"}`.
//! Each line becomes one [`Entity`] exactly as written: ids, schemas
//! (relationship and other non-screening schemas such as `Ownership`,
//! `Sanction`, `Address` are kept as [`yalu_model::Schema::Other`]),
//! properties, datasets, referents, `target` and the three timestamps. Only
//! an entity without any dataset is filed under `opensanctions`. Blank lines
//! are ignored; a line that is not an entity is skipped and reported as
//! `line N` with the JSON parser's reason (an error under
//! [`ReadOptions::strict`]).
//!
//! ## Deltas
//!
//! A delta folder holds an index `delta.json`,
//! `{"versions": {VERSION: URL, ...}, "updated_at": ...}`, and one folder per
//! version with `VERSION/entities.delta.json`. Each line of a delta file is
//! `{"op": "ADD" | "MOD" | "DEL", "entity": {...}}`; a `DEL` entity carries
//! only its `id`. [`read_delta_file`] reads one file into [`DeltaOp`]s,
//! [`apply_delta`] applies one operation to a set of entities keyed by id,
//! [`apply_delta_folder`] applies every version in sorted version order on
//! top of a base list, and [`read_delta_folder`] does so from an empty set
//! and emits the result sorted by id. A version listed in the index whose
//! file is missing is a warning (an error under `strict`), and a version
//! folder the index does not list is reported as a warning too: deltas are
//! never dropped silently.

use crate::{ListError, ReadOptions, ReadStats, RecordError};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use yalu_model::{Entity, country, prop};

/// Dataset given to entities that name none.
pub const DEFAULT_DATASET: &str = "opensanctions";

/// Name of the per-version delta file.
pub const DELTA_FILE: &str = "entities.delta.json";

/// Name of the delta index.
pub const DELTA_INDEX: &str = "delta.json";

/// One operation of a delta file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaOp {
    /// A new entity.
    Add(Entity),
    /// A changed entity, replacing the previous version whole.
    Modify(Entity),
    /// An entity removed, by id.
    Delete(String),
}

impl DeltaOp {
    /// The id the operation concerns.
    pub fn id(&self) -> &str {
        match self {
            DeltaOp::Add(e) | DeltaOp::Modify(e) => &e.id,
            DeltaOp::Delete(id) => id,
        }
    }
}

/// Calls `line_fn` with the 1-based number and text of every non-blank line
/// of a file. Lines that are not UTF-8 are passed as `Err`.
fn for_each_line(
    path: &Path,
    mut line_fn: impl FnMut(usize, Result<&str, String>) -> Result<(), ListError>,
) -> Result<(), ListError> {
    let file = File::open(path).map_err(|e| ListError::io(path, e))?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| ListError::io(path, e))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let mut bytes = buf.as_slice();
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.trim_ascii();
        if bytes.is_empty() {
            continue;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => line_fn(number, Ok(text))?,
            Err(e) => line_fn(number, Err(format!("not UTF-8 text ({e})")))?,
        }
    }
}

/// Parses one FtM entity and checks it has an id.
fn parse_entity(value: serde_json::Result<Entity>) -> Result<Entity, String> {
    let mut entity = value.map_err(|e| format!("not a FollowTheMoney entity: {e}"))?;
    let id = entity.id.trim();
    if id.is_empty() {
        return Err("entity with an empty id".to_string());
    }
    if id.len() != entity.id.len() {
        entity.id = id.to_string();
    }
    if entity.datasets.is_empty() {
        entity.add_dataset(DEFAULT_DATASET);
    }
    Ok(entity)
}

/// Date values that are not dates (`1984-13-45`) cannot be compared: they
/// move to `notes`, as the other readers keep what they cannot read, and
/// each gives a warning (returned).
fn move_bad_dates_to_notes(entity: &mut Entity) -> Vec<String> {
    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    for (property, values) in entity.properties.iter_mut() {
        if prop::property_type(property) != prop::PropertyType::Date {
            continue;
        }
        values.retain(|v| match yalu_model::expand_date_expression(v) {
            Ok(_) => true,
            Err(e) => {
                reasons.push(format!(
                    "entity `{}`: {property} `{v}` is not a date ({e}); kept in notes",
                    entity.id
                ));
                notes.push(format!("{property}: {v}"));
                false
            }
        });
    }
    entity.properties.retain(|_, values| !values.is_empty());
    for note in notes {
        entity.add(prop::NOTES, note);
    }
    reasons
}

/// Checks the values of the country properties, which FtM writes as codes
/// (`kp`). A known code is kept. A country name (`North Korea`) is
/// replaced by its code, with a warning. A value the country table
/// classifies as naming no single country (`eu`, which FtM uses for the
/// European Union) is kept as written, since FtM allows it, and tallied
/// with a warning. Anything else moves to `notes` with a warning, as bad
/// dates do. Warnings go to `stats` at `location`.
fn check_countries(entity: &mut Entity, path: &Path, location: &str, stats: &mut ReadStats) {
    let mut notes = Vec::new();
    let mut reasons = Vec::new();
    for (property, values) in entity.properties.iter_mut() {
        if prop::property_type(property) != prop::PropertyType::Country {
            continue;
        }
        let mut kept = Vec::with_capacity(values.len());
        for v in values.drain(..) {
            match country::to_code(&v) {
                Some(code) if code == v => kept.push(v),
                Some(code) => {
                    reasons.push(format!(
                        "entity `{}`: {property} `{v}` is a country name, not a code; read as `{code}`",
                        entity.id
                    ));
                    kept.push(code.to_string());
                }
                None => {
                    let reason = stats.no_country(property, &v);
                    if country::not_country(&v).is_some() {
                        reasons.push(format!("entity `{}`: {reason}; kept", entity.id));
                        kept.push(v);
                    } else {
                        reasons.push(format!("entity `{}`: {reason}; kept in notes", entity.id));
                        notes.push(format!("{property}: {v}"));
                    }
                }
            }
        }
        *values = kept;
    }
    entity.properties.retain(|_, values| !values.is_empty());
    for note in notes {
        entity.add(prop::NOTES, note);
    }
    for reason in reasons {
        stats
            .warnings
            .push(RecordError::new(path, location.to_string(), reason));
    }
}

/// Streams FtM JSON lines.
pub fn read(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let path = if path.is_dir() {
        path.join("entities.ftm.json")
    } else {
        path.to_path_buf()
    };
    let mut stats = ReadStats::default();
    for_each_line(&path, |number, line| {
        stats.records += 1;
        let parsed = line.and_then(|text| parse_entity(serde_json::from_str(text)));
        match parsed {
            Ok(mut entity) => {
                let location = format!("line {number}");
                for reason in move_bad_dates_to_notes(&mut entity) {
                    stats
                        .warnings
                        .push(RecordError::new(&path, location.clone(), reason));
                }
                check_countries(&mut entity, &path, &location, &mut stats);
                stats.entities += 1;
                sink(entity);
                Ok(())
            }
            Err(reason) => stats.skip(
                opts,
                RecordError::new(&path, format!("line {number}"), reason),
            ),
        }
    })?;
    Ok(stats)
}

#[derive(Deserialize)]
struct RawDelta {
    op: String,
    entity: serde_json::Value,
}

fn parse_delta(text: &str) -> Result<DeltaOp, String> {
    let raw: RawDelta =
        serde_json::from_str(text).map_err(|e| format!("not a delta operation: {e}"))?;
    match raw.op.to_ascii_uppercase().as_str() {
        "ADD" => parse_entity(serde_json::from_value(raw.entity)).map(DeltaOp::Add),
        "MOD" => parse_entity(serde_json::from_value(raw.entity)).map(DeltaOp::Modify),
        "DEL" => {
            let id = raw
                .entity
                .get("id")
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .unwrap_or("");
            if id.is_empty() {
                Err("DEL operation without an entity id".to_string())
            } else {
                Ok(DeltaOp::Delete(id.to_string()))
            }
        }
        other => Err(format!(
            "unknown delta operation `{other}` (expected ADD, MOD or DEL)"
        )),
    }
}

/// Reads one `entities.delta.json` file, handing each operation to `sink` in
/// file order. `records` counts operations, `entities` the ADD and MOD ones.
pub fn read_delta_file(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(DeltaOp),
) -> Result<ReadStats, ListError> {
    let mut stats = ReadStats::default();
    for_each_line(path, |number, line| {
        stats.records += 1;
        match line.and_then(parse_delta) {
            Ok(mut op) => {
                if let DeltaOp::Add(e) | DeltaOp::Modify(e) = &mut op {
                    check_countries(e, path, &format!("line {number}"), &mut stats);
                    stats.entities += 1;
                }
                sink(op);
                Ok(())
            }
            Err(reason) => stats.skip(
                opts,
                RecordError::new(path, format!("line {number}"), reason),
            ),
        }
    })?;
    Ok(stats)
}

/// Applies one operation: ADD and MOD store the entity under its id
/// (replacing any previous version), DEL removes it.
pub fn apply_delta(base: &mut BTreeMap<String, Entity>, op: DeltaOp) {
    match op {
        DeltaOp::Add(e) | DeltaOp::Modify(e) => {
            base.insert(e.id.clone(), e);
        }
        DeltaOp::Delete(id) => {
            base.remove(&id);
        }
    }
}

/// The folder of a delta set, given the folder or its `delta.json`.
fn delta_folder(path: &Path) -> PathBuf {
    let is_index = path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case(DELTA_INDEX));
    if is_index && path.is_file() {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        path.to_path_buf()
    }
}

/// The versions listed in a folder's `delta.json`, sorted.
fn read_index(folder: &Path) -> Result<BTreeSet<String>, ListError> {
    let index = folder.join(DELTA_INDEX);
    let text = std::fs::read_to_string(&index).map_err(|e| ListError::io(&index, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| ListError::Format {
        path: index.clone(),
        reason: format!("not a delta index: {e}"),
    })?;
    let versions = value
        .get("versions")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| ListError::Format {
            path: index.clone(),
            reason: "no `versions` object in the delta index".to_string(),
        })?;
    Ok(versions.keys().cloned().collect())
}

/// A warning, or an error under `strict`.
fn warn_or_fail(
    stats: &mut ReadStats,
    opts: &ReadOptions,
    warning: RecordError,
) -> Result<(), ListError> {
    if opts.strict {
        return Err(ListError::Record(Box::new(warning)));
    }
    stats.warnings.push(warning);
    Ok(())
}

/// A version name safe to use as a folder name.
fn safe_version(version: &str) -> bool {
    !version.is_empty()
        && version != "."
        && version != ".."
        && !version.contains(['/', '\\', '\0'])
        && !version.contains(':')
}

/// Applies every version of a delta folder (the folder or its `delta.json`)
/// in sorted version order on top of `base`. The returned `entities` is the
/// size of `base` afterwards; `records` counts the operations read.
pub fn apply_delta_folder(
    base: &mut BTreeMap<String, Entity>,
    folder: &Path,
    opts: &ReadOptions,
) -> Result<ReadStats, ListError> {
    let folder = delta_folder(folder);
    let versions = read_index(&folder)?;
    let index = folder.join(DELTA_INDEX);
    let mut stats = ReadStats::default();

    for version in &versions {
        if !safe_version(version) {
            warn_or_fail(
                &mut stats,
                opts,
                RecordError::new(
                    &index,
                    format!("version `{version}`"),
                    "not a usable folder name; version ignored",
                ),
            )?;
            continue;
        }
        let file = folder.join(version).join(DELTA_FILE);
        if !file.is_file() {
            warn_or_fail(
                &mut stats,
                opts,
                RecordError::new(
                    &index,
                    format!("version {version}"),
                    format!(
                        "listed in the index but {} is missing; version not applied",
                        file.display()
                    ),
                ),
            )?;
            continue;
        }
        let part = read_delta_file(&file, opts, &mut |op| apply_delta(base, op))?;
        stats.records += part.records;
        stats.skipped.extend(part.skipped);
        stats.warnings.extend(part.warnings);
    }

    // Version folders the index does not list are reported, not applied.
    if let Ok(entries) = std::fs::read_dir(&folder) {
        let mut unlisted: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join(DELTA_FILE).is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !versions.contains(name))
            .collect();
        unlisted.sort();
        for name in unlisted {
            stats.warnings.push(RecordError::new(
                &index,
                format!("version {name}"),
                "a version folder the index does not list; not applied",
            ));
        }
    }
    stats.entities = base.len();
    Ok(stats)
}

/// Reads an OpenSanctions delta set from an empty start and emits the
/// resulting entities sorted by id. `path` is the delta folder, its
/// `delta.json`, or a single `entities.delta.json` file.
pub fn read_delta_folder(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<ReadStats, ListError> {
    let mut entities = BTreeMap::new();
    let folder = delta_folder(path);
    let mut stats = if folder.is_dir() {
        apply_delta_folder(&mut entities, &folder, opts)?
    } else {
        read_delta_file(path, opts, &mut |op| apply_delta(&mut entities, op))?
    };
    stats.entities = entities.len();
    for entity in entities.into_values() {
        sink(entity);
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_that_is_no_date_moves_to_notes_with_a_warning() {
        let mut e: Entity = serde_json::from_str(
            r#"{"id":"x","schema":"Person","properties":{"name":["Kim"],"birthDate":["1984-13-45","1971"],"deathDate":["soon"]}}"#,
        )
        .unwrap();
        let reasons = move_bad_dates_to_notes(&mut e);
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].contains("birthDate `1984-13-45`"), "{reasons:?}");
        assert_eq!(e.get(prop::BIRTH_DATE), ["1971"]);
        assert!(!e.has(prop::DEATH_DATE));
        assert_eq!(
            e.get(prop::NOTES),
            ["birthDate: 1984-13-45", "deathDate: soon"]
        );
    }

    #[test]
    fn country_values_are_codes_or_say_why() {
        let mut e: Entity = serde_json::from_str(
            r#"{"id":"x","schema":"Person","properties":{"name":["Kim"],"nationality":["kp","North Korea","Atlantis"],"country":["eu","ru"]}}"#,
        )
        .unwrap();
        let mut stats = ReadStats::default();
        check_countries(&mut e, Path::new("f.json"), "line 3", &mut stats);
        assert_eq!(e.get(prop::NATIONALITY), ["kp", "kp"]);
        assert_eq!(e.get(prop::COUNTRY), ["eu", "ru"]);
        assert_eq!(e.get(prop::NOTES), ["nationality: Atlantis"]);
        assert_eq!(
            stats.unknown_countries.get("nationality: Atlantis"),
            Some(&1)
        );
        assert_eq!(stats.not_countries.get("country: eu"), Some(&1));
        assert_eq!(stats.warnings.len(), 3, "{:?}", stats.warnings);
        assert!(stats.warnings.iter().all(|w| w.location == "line 3"));
        assert!(
            stats.warnings.iter().any(|w| w.reason.contains("region")),
            "{:?}",
            stats.warnings
        );
    }
}
