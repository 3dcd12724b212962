//! # yalu-py
//!
//! The extension module `yalu._yalu` behind the Python package `yalu`
//! (`python/`, built by maturin as one abi3 wheel for CPython 3.9 and
//! newer). It is a thin layer: every result comes from the library crates
//! and is handed to Python through their own serde types.
//!
//! | Python | library |
//! |---|---|
//! | `Index.from_lists(paths)` | `yalu_lists::read_path`, `yalu_match::Index::build` |
//! | `Index.from_entities(dicts)` | `yalu_lists::ftm::entity_from_value` |
//! | `index.match(query)` | `yalu_server::query_entity`, `Index::search_counted`, `yalu_server::EntityMatches` (yente's shape) |
//! | `score(a, b)` | `yalu_match::score_entities` |
//! | `index.screen_batch(rows, mapping)`, `index.screen_records(...)` | `yalu_screen::RecordMapper`, `Screener`, `csv_fields` (the columns of `yalu screen`) |
//! | `index.monitor_records(old, ...)` | `yalu_screen::row_changes` |
//! | `index.screen_csv_lines(header, lines, start)`, `index.monitor_csv_lines(old, ...)` | `yalu_screen::CsvLines` (a CSV file cut into lines, as `yalu.spark.read_csv` reads it) |
//! | `scan_csv_lines(lines)`, `csv_line_positions(runs)` | `yalu_screen::LineRun`, `yalu_screen::positions` |
//! | `diff(old, new)` | `yalu_lists::diff` |
//! | `detect(data_dir, ...)` | `yalu_detect::run` |
//!
//! Screening releases the GIL and runs on rayon: the global pool (every
//! core) or, with `threads=N`, a pool of N threads (Spark gives each task
//! its own cores). Failures raise `yalu.YaluError` with a stable `code`:
//! the API's codes for queries (`unknown_schema`, `invalid_property_value`,
//! `invalid_parameter`...), and each library error's `code()` otherwise
//! (`list_io`, `invalid_column_map`, `invalid_header`, `data_io`...).

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};
use pythonize::{depythonize, pythonize};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use yalu_match::{MatchConfig, SearchOptions, score_entities};
use yalu_model::{Entity, Schema};
use yalu_screen::{Baseline, HitChange, RowLeftOut, row_changes};
use yalu_screen::{ColumnMap, QueryRow, RecordMapper, RejectedRow, RowOutcome, Screener};
use yalu_screen::{CsvLines, LinePosition, LineRun};
use yalu_server::{
    ApiError, DEFAULT_CUTOFF, EntityExample, EntityMatches, ErrorCode, MAX_LIMIT, ScoredEntity,
    TotalSpec, query_entity,
};

pyo3::create_exception!(
    _yalu,
    YaluError,
    PyException,
    "A Yalu failure. `code` is a stable error code (`unknown_schema`, `list_io`, `invalid_column_map`...), `detail` says what and where."
);

/// A `YaluError` with `code` and `detail` attributes.
fn yalu_err(code: &str, detail: impl Into<String>) -> PyErr {
    let detail = detail.into();
    let err = YaluError::new_err(format!("{code}: {detail}"));
    Python::attach(|py| {
        let value = err.value(py);
        // An exception instance always takes attributes.
        let _ = value.setattr("code", code);
        let _ = value.setattr("detail", detail);
    });
    err
}

fn api_err(e: ApiError) -> PyErr {
    yalu_err(e.code.as_str(), e.detail)
}

fn parameter(detail: impl Into<String>) -> PyErr {
    yalu_err(ErrorCode::InvalidParameter.as_str(), detail)
}

fn list_err(e: yalu_lists::ListError) -> PyErr {
    yalu_err(e.code(), e.to_string())
}

fn screen_err(e: yalu_screen::ScreenError) -> PyErr {
    yalu_err(e.code(), e.to_string())
}

fn to_py<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    Ok(pythonize(py, value)
        .map_err(|e| PyException::new_err(format!("converting a result to Python: {e}")))?
        .unbind())
}

fn threshold_of(threshold: Option<f64>) -> PyResult<f64> {
    let t = threshold.unwrap_or(MatchConfig::default().threshold);
    if !(0.0..=1.0).contains(&t) {
        return Err(parameter(format!("threshold must be within 0..1, got {t}")));
    }
    Ok(t)
}

fn limit_of(limit: usize) -> PyResult<usize> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(parameter(format!(
            "limit must be within 1..={MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(limit)
}

/// A query dict in yente's shape (`{"schema": "Person", "properties":
/// {"name": [...]}}`), cleaned as `/match` cleans it.
fn query_of(
    key: &str,
    query: &Bound<'_, PyAny>,
) -> PyResult<(
    Entity,
    yalu_server::CleanedExample,
    Vec<yalu_server::QueryWarning>,
)> {
    let example: EntityExample = depythonize(query).map_err(|e| {
        yalu_err(
            ErrorCode::InvalidRequest.as_str(),
            format!(
                "{key}: not an entity example ({{\"schema\": ..., \"properties\": {{...}}}}): {e}"
            ),
        )
    })?;
    query_entity(key, example).map_err(api_err)
}

/// Rayon pools of a given size, built once each.
fn pool(threads: Option<usize>) -> PyResult<Option<Arc<rayon::ThreadPool>>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let Some(n) = threads else { return Ok(None) };
    if n == 0 {
        return Err(parameter("threads must be at least 1"));
    }
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(p) = pools.get(&n) {
        return Ok(Some(p.clone()));
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| PyException::new_err(format!("starting {n} threads: {e}")))?,
    );
    pools.insert(n, p.clone());
    Ok(Some(p))
}

fn in_pool<T: Send>(pool: &Option<Arc<rayon::ThreadPool>>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// A column map from `None` (columns named like their target), a
/// `"name=COL,birthDate=COL"` text, or a dict `{"name": "COL"}` (a list of
/// columns feeds one target from several).
fn column_map(mapping: Option<&Bound<'_, PyAny>>) -> PyResult<ColumnMap> {
    let Some(mapping) = mapping.filter(|m| !m.is_none()) else {
        return Ok(ColumnMap::by_name());
    };
    let spec = if let Ok(text) = mapping.extract::<String>() {
        text
    } else {
        let pairs: Vec<(String, Value)> = depythonize::<serde_json::Map<String, Value>>(mapping)
            .map_err(|e| {
                yalu_err(
                    "invalid_column_map",
                    format!("mapping must be a text or a dict of target -> column: {e}"),
                )
            })?
            .into_iter()
            .collect();
        let mut parts = Vec::new();
        for (target, columns) in pairs {
            let columns = match columns {
                Value::String(c) => vec![c],
                Value::Array(items) => items
                    .into_iter()
                    .map(|c| match c {
                        Value::String(c) => Ok(c),
                        other => Err(other),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|v| {
                        yalu_err(
                            "invalid_column_map",
                            format!("mapping `{target}`: {v} is not a column name"),
                        )
                    })?,
                other => {
                    return Err(yalu_err(
                        "invalid_column_map",
                        format!("mapping `{target}`: {other} is not a column name"),
                    ));
                }
            };
            for c in columns {
                if c.contains(',') || c.contains('=') {
                    return Err(yalu_err(
                        "invalid_column_map",
                        format!("mapping `{target}`: column `{c}` has a `,` or `=`"),
                    ));
                }
                parts.push(format!("{target}={c}"));
            }
        }
        parts.join(",")
    };
    ColumnMap::parse(&spec).map_err(screen_err)
}

fn schema_of(schema: &str) -> PyResult<Schema> {
    let parsed: Schema = schema.parse().unwrap_or(Schema::LegalEntity);
    if !parsed.is_screenable() {
        return Err(yalu_err(
            ErrorCode::UnknownSchema.as_str(),
            format!(
                "schema `{schema}` is not a screening schema (Person, Organization, Company, PublicBody, Vessel, Airplane, LegalEntity)"
            ),
        ));
    }
    Ok(parsed)
}

/// Rows turned into queries, rejections and values left out, in row order.
struct ReadRows {
    queries: Vec<QueryRow>,
    rejected: Vec<RejectedRow>,
    left_out: Vec<RowLeftOut>,
}

fn read_rows(mapper: &RecordMapper, records: &[Vec<Value>], first_row: u64) -> ReadRows {
    collect_rows(
        records
            .iter()
            .enumerate()
            .map(|(i, fields)| mapper.row(first_row + i as u64, 0, fields)),
    )
}

fn collect_rows(outcomes: impl IntoIterator<Item = RowOutcome>) -> ReadRows {
    let outcomes = outcomes.into_iter();
    let mut out = ReadRows {
        queries: Vec::with_capacity(outcomes.size_hint().0),
        rejected: Vec::new(),
        left_out: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            RowOutcome::Query(q) => {
                out.left_out.extend(q.left_out.iter().map(|v| RowLeftOut {
                    row: q.row,
                    line: q.line,
                    value: v.clone(),
                }));
                out.queries.push(q);
            }
            RowOutcome::Rejected(r) => out.rejected.push(r),
        }
    }
    out
}

/// Lines given as `bytes` or `bytearray` (a binary Arrow column's values).
fn lines_of(lines: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u8>>> {
    lines
        .try_iter()?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            bytes_of(&item).ok_or_else(|| {
                yalu_err(
                    ErrorCode::InvalidRequest.as_str(),
                    format!("lines[{i}] is not bytes"),
                )
            })
        })
        .collect()
}

fn bytes_of(item: &Bound<'_, PyAny>) -> Option<Vec<u8>> {
    if let Ok(b) = item.cast::<PyBytes>() {
        Some(b.as_bytes().to_vec())
    } else {
        item.cast::<PyByteArray>().ok().map(|b| b.to_vec())
    }
}

/// A `LinePosition` dict (`{"line", "row", "in_quoted_field"}`), the file's
/// start for None.
fn position_of(start: Option<&Bound<'_, PyAny>>) -> PyResult<LinePosition> {
    match start.filter(|s| !s.is_none()) {
        None => Ok(LinePosition::FILE_START),
        Some(s) => depythonize(s).map_err(|e| {
            parameter(format!(
                "start must be a position {{\"line\", \"row\", \"in_quoted_field\"}}: {e}"
            ))
        }),
    }
}

/// The CSV reader of a file cut into lines, from its header line.
fn csv_lines(
    origin: &str,
    header: &Bound<'_, PyAny>,
    settings: &BatchSettings,
) -> PyResult<CsvLines> {
    let header = bytes_of(header)
        .ok_or_else(|| parameter("header must be bytes (the file's first line)"))?;
    CsvLines::new(
        Path::new(origin),
        &header,
        &settings.map,
        settings.schema.clone(),
    )
    .map_err(screen_err)
}

/// One hit as a results line of `yalu screen` (its CSV values, typed).
#[derive(Serialize)]
struct HitRow {
    row: u64,
    query_id: String,
    query_name: String,
    entity_id: String,
    caption: String,
    schema: String,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    datasets: String,
    lookalikes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanations: Option<std::collections::BTreeMap<String, yalu_match::Explanation>>,
}

#[derive(Serialize)]
struct Screened {
    rows: u64,
    hits: Vec<HitRow>,
    rejected: Vec<RejectedRow>,
    left_out: Vec<RowLeftOut>,
    /// For lines: the position after them.
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<LinePosition>,
}

#[derive(Serialize)]
struct Monitored {
    rows: u64,
    changes: Vec<HitChange>,
    rejected: Vec<RejectedRow>,
    left_out: Vec<RowLeftOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<LinePosition>,
}

#[derive(Serialize, Clone)]
struct ListInfo {
    path: String,
    dataset: String,
    format: String,
    entities: usize,
    /// Records skipped, `file: location: reason`.
    skipped: Vec<String>,
    warnings: usize,
}

/// The rows of `records` as field values (JSON values) under `columns`.
fn records_of(records: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<Value>>> {
    depythonize(records).map_err(|e| {
        yalu_err(
            ErrorCode::InvalidRequest.as_str(),
            format!("records must be a list of lists of strings, numbers or None: {e}"),
        )
    })
}

/// An in-memory screening index over sanctions-list entities. Build it once
/// (`Index.from_lists`, `Index.from_entities`) and screen from any number of
/// threads; it is immutable.
#[pyclass(frozen, module = "yalu._yalu", name = "Index")]
struct PyIndex {
    /// The screening index and the lists' link network.
    network: yalu_links::Lists,
    lists: Vec<ListInfo>,
}

#[pymethods]
impl PyIndex {
    /// Reads lists (files or folders in any format Yalu reads: OFAC CSV, UN
    /// XML, FtM JSON lines, CSL, OFSI) and builds the index. Broken records
    /// are skipped and listed in `index.lists`; with `strict=True` the first
    /// one raises.
    #[staticmethod]
    #[pyo3(signature = (paths, strict = false))]
    fn from_lists(py: Python<'_>, paths: Vec<PathBuf>, strict: bool) -> PyResult<PyIndex> {
        if paths.is_empty() {
            return Err(parameter("from_lists needs at least one list path"));
        }
        py.detach(|| {
            let opts = yalu_lists::ReadOptions { strict };
            let mut infos = Vec::new();
            let mut entities = Vec::new();
            for path in &paths {
                let list = yalu_lists::read_path(path, &opts).map_err(list_err)?;
                infos.push(ListInfo {
                    path: path.display().to_string(),
                    dataset: list.dataset.clone(),
                    format: format!("{:?}", list.format),
                    entities: list.entities.len(),
                    skipped: list.stats.skipped.iter().map(|s| s.to_string()).collect(),
                    warnings: list.stats.warnings.len(),
                });
                entities.extend(list.entities);
            }
            Ok(PyIndex {
                network: yalu_links::Lists::build(entities),
                lists: infos,
            })
        })
    }

    /// Builds the index from FollowTheMoney entity dicts (`{"id", "schema",
    /// "properties": {...}, "datasets": [...]}`), checked as the FtM reader
    /// checks them; a dict that is no entity raises `invalid_entity`.
    #[staticmethod]
    fn from_entities(py: Python<'_>, entities: &Bound<'_, PyAny>) -> PyResult<PyIndex> {
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        for (i, item) in entities.try_iter()?.enumerate() {
            let item = item?;
            let value: Value = depythonize(&item)
                .map_err(|e| yalu_err("invalid_entity", format!("entity {i}: {e}")))?;
            let (entity, w) = yalu_lists::ftm::entity_from_value(value)
                .map_err(|reason| yalu_err("invalid_entity", format!("entity {i}: {reason}")))?;
            warnings.extend(w);
            out.push(entity);
        }
        let info = ListInfo {
            path: String::new(),
            dataset: yalu_lists::ftm::DEFAULT_DATASET.to_string(),
            format: "FtmEntities".into(),
            entities: out.len(),
            skipped: Vec::new(),
            warnings: warnings.len(),
        };
        Ok(py.detach(|| PyIndex {
            network: yalu_links::Lists::build(out),
            lists: vec![info],
        }))
    }

    fn __len__(&self) -> usize {
        self.network.index.len()
    }

    fn __repr__(&self) -> String {
        format!("<yalu.Index of {} entities>", self.network.index.len())
    }

    /// What each list read contributed: path, dataset, format, entities,
    /// skipped records (with file, location and reason), warnings.
    #[getter]
    fn lists(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.lists)
    }

    /// The entity with this id as an FtM dict, or None.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<Option<Py<PyAny>>> {
        self.network.index.get(id).map(|e| to_py(py, e)).transpose()
    }

    /// Every entity's id, in index order.
    fn ids(&self) -> Vec<String> {
        self.network
            .index
            .entities()
            .map(|e| e.id.clone())
            .collect()
    }

    /// Screens one query in yente's shape (`{"schema": "Person",
    /// "properties": {"name": ["..."], "birthDate": ["..."]}}`) and returns
    /// yente's answer for it: `results` (entity, `score`, `match`,
    /// `explanations` feature by feature), `total`, the cleaned `query` and
    /// `warnings` for values left out. Results score at least
    /// `min(cutoff, threshold)` (cutoff 0.5 as in yente); `match` is
    /// `score >= threshold` (default 0.70).
    #[pyo3(signature = (query, threshold = None, limit = 10, cutoff = None))]
    fn r#match(
        &self,
        py: Python<'_>,
        query: &Bound<'_, PyAny>,
        threshold: Option<f64>,
        limit: usize,
        cutoff: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let threshold = threshold_of(threshold)?;
        let limit = limit_of(limit)?;
        let cutoff = cutoff.unwrap_or(DEFAULT_CUTOFF).min(threshold);
        let (entity, cleaned, warnings) = query_of("query", query)?;
        let config = MatchConfig {
            threshold,
            ..MatchConfig::default()
        };
        let answer = py.detach(|| {
            let opts = SearchOptions {
                limit,
                cutoff,
                filter: None,
            };
            let (hits, matched) = self.network.index.search_counted(&entity, &config, &opts);
            EntityMatches {
                status: 200,
                results: hits
                    .into_iter()
                    .map(|h| ScoredEntity::from_hit(h, threshold, &self.network))
                    .collect(),
                total: TotalSpec::exact(matched),
                query: cleaned,
                warnings,
            }
        });
        to_py(py, &answer)
    }

    /// Screens rows given as dicts (column -> value: a string, a number,
    /// None, or a list of them) exactly as `yalu screen` screens the rows of
    /// a file whose header is every key seen. Returns `{"rows", "hits",
    /// "rejected", "left_out"}`: `hits` has the columns of `yalu screen`'s
    /// CSV results (`row, query_id, query_name, entity_id, caption, schema,
    /// score, match, datasets, lookalikes`; `explanations` too with
    /// `explain=True`), rows numbered from `first_row`; bad rows are in
    /// `rejected` with the reason, values left out of a query in `left_out`.
    /// Releases the GIL and screens on every core (or `threads` threads).
    #[pyo3(signature = (rows, mapping = None, schema = "LegalEntity", threshold = None, limit = 5, first_row = 1, explain = false, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn screen_batch(
        &self,
        py: Python<'_>,
        rows: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        first_row: u64,
        explain: bool,
        threads: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let mut columns: Vec<String> = Vec::new();
        let mut position: HashMap<String, usize> = HashMap::new();
        let mut dicts = Vec::new();
        for (i, row) in rows.try_iter()?.enumerate() {
            let row = row?;
            let object: serde_json::Map<String, Value> = depythonize(&row).map_err(|e| {
                yalu_err(
                    ErrorCode::InvalidRequest.as_str(),
                    format!(
                        "row {}: not a dict of column -> value: {e}",
                        first_row + i as u64
                    ),
                )
            })?;
            for key in object.keys() {
                if !position.contains_key(key) {
                    position.insert(key.clone(), columns.len());
                    columns.push(key.clone());
                }
            }
            dicts.push(object);
        }
        let records: Vec<Vec<Value>> = dicts
            .into_iter()
            .map(|mut o| {
                columns
                    .iter()
                    .map(|c| o.remove(c).unwrap_or(Value::Null))
                    .collect()
            })
            .collect();
        self.screen(
            py, columns, records, mapping, schema, threshold, limit, first_row, explain, threads,
        )
    }

    /// Like `screen_batch` for rows given as lists of field values under
    /// `columns` (a DataFrame's batch): a row with another number of fields
    /// is rejected as a CSV row would be. This is what `yalu.spark` calls.
    #[pyo3(signature = (columns, records, mapping = None, schema = "LegalEntity", threshold = None, limit = 5, first_row = 1, explain = false, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn screen_records(
        &self,
        py: Python<'_>,
        columns: Vec<String>,
        records: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        first_row: u64,
        explain: bool,
        threads: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let records = records_of(records)?;
        self.screen(
            py, columns, records, mapping, schema, threshold, limit, first_row, explain, threads,
        )
    }

    /// What this index (the new lists) changes for the rows compared with
    /// `old` (the old lists), row by row as `yalu monitor --old` does:
    /// `{"rows", "changes", "rejected", "left_out"}`, each change with its
    /// `kind` (new, gone, score_changed), `cause` (listed, delisted,
    /// entry_changed with `entry_changes`...), old and new score.
    #[pyo3(signature = (old, columns, records, mapping = None, schema = "LegalEntity", threshold = None, limit = 5, first_row = 1, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn monitor_records(
        &self,
        py: Python<'_>,
        old: &PyIndex,
        columns: Vec<String>,
        records: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        first_row: u64,
        threads: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let records = records_of(records)?;
        let settings = BatchSettings::new(mapping, schema, threshold, limit, threads)?;
        let mapper = settings.mapper(&columns)?;
        let result = py.detach(|| {
            let read = read_rows(&mapper, &records, first_row);
            self.monitor_read(old, read, records.len() as u64, &settings)
        });
        to_py(py, &result)
    }

    /// Screens lines of a CSV file (`bytes` each, without the line break,
    /// as a line reader such as Spark's text source gives them) exactly as
    /// `yalu screen` screens the file: `header` is the file's first line,
    /// `start` where the lines begin (`{"line", "row", "in_quoted_field"}`
    /// from `csv_line_positions`; None for the file's first line). Rows are
    /// parsed and checked by `yalu screen`'s CSV reader (the wrong number of
    /// fields, bytes that are not UTF-8... with the CLI's reasons); a row
    /// with a line break inside quotes is rejected. Returns what
    /// `screen_records` returns, and `end`, the position after the lines.
    /// `origin` names the file in errors.
    #[pyo3(signature = (header, lines, start = None, mapping = None, schema = "LegalEntity", threshold = None, limit = 5, explain = false, threads = None, origin = "lines"))]
    #[allow(clippy::too_many_arguments)]
    fn screen_csv_lines(
        &self,
        py: Python<'_>,
        header: &Bound<'_, PyAny>,
        lines: &Bound<'_, PyAny>,
        start: Option<&Bound<'_, PyAny>>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        explain: bool,
        threads: Option<usize>,
        origin: &str,
    ) -> PyResult<Py<PyAny>> {
        let settings = BatchSettings::new(mapping, schema, threshold, limit, threads)?;
        let reader = csv_lines(origin, header, &settings)?;
        let lines = lines_of(lines)?;
        let start = position_of(start)?;
        let result = py.detach(|| -> PyResult<Screened> {
            let (rows, end) = reader.read(&lines, start).map_err(screen_err)?;
            let count = rows.len() as u64;
            let mut screened = self.screen_read(collect_rows(rows), count, &settings, explain);
            screened.end = Some(end);
            Ok(screened)
        })?;
        to_py(py, &result)
    }

    /// `monitor_records` for lines of a CSV file, read as `screen_csv_lines`
    /// reads them; returns `end` too.
    #[pyo3(signature = (old, header, lines, start = None, mapping = None, schema = "LegalEntity", threshold = None, limit = 5, threads = None, origin = "lines"))]
    #[allow(clippy::too_many_arguments)]
    fn monitor_csv_lines(
        &self,
        py: Python<'_>,
        old: &PyIndex,
        header: &Bound<'_, PyAny>,
        lines: &Bound<'_, PyAny>,
        start: Option<&Bound<'_, PyAny>>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        threads: Option<usize>,
        origin: &str,
    ) -> PyResult<Py<PyAny>> {
        let settings = BatchSettings::new(mapping, schema, threshold, limit, threads)?;
        let reader = csv_lines(origin, header, &settings)?;
        let lines = lines_of(lines)?;
        let start = position_of(start)?;
        let result = py.detach(|| -> PyResult<Monitored> {
            let (rows, end) = reader.read(&lines, start).map_err(screen_err)?;
            let count = rows.len() as u64;
            let mut monitored = self.monitor_read(old, collect_rows(rows), count, &settings);
            monitored.end = Some(end);
            Ok(monitored)
        })?;
        to_py(py, &result)
    }
}

/// What a batch call (`screen_records`, `monitor_records`, the CSV lines
/// calls) reads from its arguments, checked once for all.
struct BatchSettings {
    map: ColumnMap,
    schema: Schema,
    config: MatchConfig,
    limit: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl BatchSettings {
    fn new(
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        threads: Option<usize>,
    ) -> PyResult<BatchSettings> {
        Ok(BatchSettings {
            map: column_map(mapping)?,
            schema: schema_of(schema)?,
            config: MatchConfig {
                threshold: threshold_of(threshold)?,
                ..MatchConfig::default()
            },
            limit: limit_of(limit)?,
            pool: pool(threads)?,
        })
    }

    /// The mapper of rows given as fields under `columns`.
    fn mapper(&self, columns: &[String]) -> PyResult<RecordMapper> {
        RecordMapper::new(Path::new("rows"), &self.map, columns, self.schema.clone())
            .map_err(screen_err)
    }
}

impl PyIndex {
    #[allow(clippy::too_many_arguments)]
    fn screen(
        &self,
        py: Python<'_>,
        columns: Vec<String>,
        records: Vec<Vec<Value>>,
        mapping: Option<&Bound<'_, PyAny>>,
        schema: &str,
        threshold: Option<f64>,
        limit: usize,
        first_row: u64,
        explain: bool,
        threads: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let settings = BatchSettings::new(mapping, schema, threshold, limit, threads)?;
        let mapper = settings.mapper(&columns)?;
        let result = py.detach(|| {
            let read = read_rows(&mapper, &records, first_row);
            self.screen_read(read, records.len() as u64, &settings, explain)
        });
        to_py(py, &result)
    }

    /// Screens rows read (on rayon, in the settings' pool).
    fn screen_read(
        &self,
        read: ReadRows,
        rows: u64,
        settings: &BatchSettings,
        explain: bool,
    ) -> Screened {
        let screener = Screener::new(&self.network.index, settings.config.clone(), settings.limit);
        let per_row: Vec<Vec<HitRow>> = in_pool(&settings.pool, || {
            read.queries
                .par_iter()
                .map(|q| {
                    screener
                        .screen(&q.entity)
                        .iter()
                        .map(|h| hit_row(q, h, explain))
                        .collect()
                })
                .collect()
        });
        Screened {
            rows,
            hits: per_row.into_iter().flatten().collect(),
            rejected: read.rejected,
            left_out: read.left_out,
            end: None,
        }
    }

    /// What this index (the new lists) changes for rows read, against `old`.
    fn monitor_read(
        &self,
        old: &PyIndex,
        read: ReadRows,
        rows: u64,
        settings: &BatchSettings,
    ) -> Monitored {
        let new = Screener::new(&self.network.index, settings.config.clone(), settings.limit);
        let old_screener =
            Screener::new(&old.network.index, settings.config.clone(), settings.limit);
        let baseline = Baseline::Lists(&old_screener);
        let changes: Vec<Vec<HitChange>> = in_pool(&settings.pool, || {
            read.queries
                .par_iter()
                .map(|q| row_changes(q, &baseline, &new, Some(&old.network.index)))
                .collect()
        });
        Monitored {
            rows,
            changes: changes.into_iter().flatten().collect(),
            rejected: read.rejected,
            left_out: read.left_out,
            end: None,
        }
    }
}

fn hit_row(q: &QueryRow, h: &yalu_match::Hit<'_>, explain: bool) -> HitRow {
    let [
        _row,
        query_id,
        query_name,
        entity_id,
        caption,
        schema,
        score,
        _is_match,
        datasets,
        lookalikes,
    ] = yalu_screen::csv_fields(q, h);
    HitRow {
        row: q.row,
        query_id,
        query_name,
        entity_id,
        caption,
        schema,
        // The results file's value (4 decimals), read back as a number.
        score: score.parse().unwrap_or(h.scored.score),
        is_match: h.scored.is_match,
        datasets,
        lookalikes,
        explanations: explain.then(|| h.scored.explanations.clone()),
    }
}

/// Scores one pair of entities given as yente query dicts (`{"schema",
/// "properties"}`): `{"score", "match", "explanations"}`, the first being
/// the query side. Values that cannot be cleaned are left out (as in
/// `/match`).
#[pyfunction]
#[pyo3(signature = (a, b, threshold = None))]
fn score(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    threshold: Option<f64>,
) -> PyResult<Py<PyAny>> {
    let config = MatchConfig {
        threshold: threshold_of(threshold)?,
        ..MatchConfig::default()
    };
    let (a, _, _) = query_of("a", a)?;
    let (b, _, _) = query_of("b", b)?;
    let scored = py.detach(|| score_entities(&a, &b, &config));
    to_py(py, &scored)
}

/// What changed from the `old` index's entities to the `new` one's, by
/// entity id (as `yalu lists diff`): `{"added", "removed", "changed",
/// "unchanged"}`.
#[pyfunction]
fn diff(py: Python<'_>, old: &PyIndex, new: &PyIndex) -> PyResult<Py<PyAny>> {
    let d = py.detach(|| {
        let o: Vec<Entity> = old.network.index.entities().cloned().collect();
        let n: Vec<Entity> = new.network.index.entities().cloned().collect();
        yalu_lists::diff(&o, &n)
    });
    to_py(py, &d)
}

/// What a run of a CSV file's lines (`bytes` each, without the line break)
/// does for the reading of the file: `{"lines", "from_record_start",
/// "from_quoted_field"}`, each end `{"records", "in_quoted_field"}`. With
/// `before` (the run of the lines just before), the run of both: a task
/// scans its batches one after the other. `csv_line_positions` turns the
/// runs of a file's consecutive pieces into where each begins.
#[pyfunction]
#[pyo3(signature = (lines, before = None))]
fn scan_csv_lines(
    py: Python<'_>,
    lines: &Bound<'_, PyAny>,
    before: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let lines = lines_of(lines)?;
    let before: LineRun = match before.filter(|b| !b.is_none()) {
        None => LineRun::default(),
        Some(b) => depythonize(b).map_err(|e| parameter(format!("before is not a run: {e}")))?,
    };
    let run = py.detach(|| before.then(&LineRun::scan(&lines)));
    to_py(py, &run)
}

/// Where each of a file's consecutive pieces begins (`{"line", "row",
/// "in_quoted_field"}`, the first at the file's start), from their runs
/// (`scan_csv_lines`), in file order.
#[pyfunction]
fn csv_line_positions(py: Python<'_>, runs: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let runs: Vec<LineRun> =
        depythonize(runs).map_err(|e| parameter(format!("runs must be a list of runs: {e}")))?;
    to_py(py, &yalu_screen::positions(&runs))
}

#[derive(Serialize)]
struct Detected {
    alerts: Vec<yalu_detect::Alert>,
    rejected: Vec<yalu_detect::Rejection>,
    files: Vec<yalu_detect::FileCount>,
    records: yalu_detect::RecordCounts,
    persons: usize,
    summary: Vec<yalu_detect::RuleSummary>,
}

/// Runs detection on a data set folder (the event format of
/// `docs/events.md`), as `yalu detect` does: `{"alerts", "rejected",
/// "files", "records", "persons", "summary"}`. `lists` (paths or an
/// `Index`) screens persons and organisations against sanctions lists;
/// `rules` is a rule file (default: the built-in rules).
#[pyfunction]
#[pyo3(signature = (data_dir, lists = None, rules = None, strict = false))]
fn detect(
    py: Python<'_>,
    data_dir: PathBuf,
    lists: Option<&Bound<'_, PyAny>>,
    rules: Option<PathBuf>,
    strict: bool,
) -> PyResult<Py<PyAny>> {
    let built;
    let index: Option<&yalu_links::Lists> = match lists.filter(|l| !l.is_none()) {
        None => None,
        Some(l) => {
            if let Ok(ix) = l.cast::<PyIndex>() {
                built = ix.clone().unbind();
                Some(&built.get().network)
            } else {
                let paths: Vec<PathBuf> = l.extract()?;
                built = Py::new(py, PyIndex::from_lists(py, paths, strict)?)?;
                Some(&built.get().network)
            }
        }
    };
    let set = match rules {
        Some(p) => yalu_detect::RuleSet::load(&p),
        None => Ok(yalu_detect::RuleSet::default()),
    }
    .map_err(|e| yalu_err(e.code(), e.to_string()))?;
    let opts = yalu_detect::ReadOptions { strict };
    let outcome = py
        .detach(|| yalu_detect::run(&data_dir, index, &set, &opts))
        .map_err(|e| yalu_err(e.code(), e.to_string()))?;
    let result = Detected {
        summary: yalu_detect::summarize(&outcome.alerts),
        persons: outcome.resolution.persons.len(),
        alerts: outcome.alerts,
        rejected: outcome.rejected,
        files: outcome.files,
        records: outcome.records,
    };
    to_py(py, &result)
}

#[pymodule]
fn _yalu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyIndex>()?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(detect, m)?)?;
    m.add_function(wrap_pyfunction!(scan_csv_lines, m)?)?;
    m.add_function(wrap_pyfunction!(csv_line_positions, m)?)?;
    m.add("SPANS_LINES", yalu_screen::SPANS_LINES)?;
    m.add("YaluError", m.py().get_type::<YaluError>())?;
    m.add("CSV_COLUMNS", yalu_screen::CSV_HEADER.to_vec())?;
    Ok(())
}
