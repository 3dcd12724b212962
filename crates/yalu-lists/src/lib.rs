//! # yalu-lists
//!
//! Streaming readers for the sanctions lists Yalu screens against. Each source
//! format has its own module; all of them turn records into
//! [`yalu_model::Entity`] values and hand them to a sink one at a time, so a
//! list is never held twice in memory.
//!
//! | module | format | dataset name | entity ids |
//! |---|---|---|---|
//! | [`ofac`] | OFAC legacy CSV (SDN set and non-SDN consolidated set) | `us_ofac_sdn`, `us_ofac_cons` | `ofac-<ent_num>` |
//! | [`un`] | UN Security Council consolidated XML | `un_sc_sanctions` | `unsc-<DATAID>` |
//! | [`ftm`] | OpenSanctions FollowTheMoney JSON lines, and delta files | `opensanctions` (entities keep their own `datasets`) | as given |
//! | [`csl`] | US Consolidated Screening List CSV | `us_trade_csl` | `csl-<_id>` |
//! | [`ofsi`] | UK OFSI consolidated list, CSV (cp1252) and XLSX | `gb_hmt_sanctions` | `gb-hmt-<Group ID>` |
//!
//! ## Tutorial
//!
//! ```no_run
//! use yalu_lists::{read_path, ReadOptions};
//!
//! let list = read_path("../shared/data/lists/ofac/sdn-2021-07-07".as_ref(), &ReadOptions::default())?;
//! println!("{}: {} entities, {} records skipped", list.dataset, list.entities.len(), list.stats.skipped.len());
//! # Ok::<(), yalu_lists::ListError>(())
//! ```
//!
//! ## Surface
//!
//! Everything a caller needs is at the crate root: [`read_path`],
//! [`stream_path`], [`detect_format`], [`ReadOptions`], [`ReadStats`],
//! [`ListError`], [`diff()`] and [`ListSummary`]. The format modules stay
//! public as namespaces, one per source format, for callers that know the
//! format and want its reader or its constants (`ofsi::BIRTH_COUNTRY`,
//! `ftm::DeltaOp`). Everything else is at the root.
//!
//! A broken record never aborts a file: it is skipped and reported in
//! [`ReadStats::skipped`] with the file, the line or record and the reason.
//! With [`ReadOptions::strict`] the first broken record is an error instead.

pub mod csl;
mod detect;
mod diff;
mod error;
pub mod ftm;
pub mod ofac;
pub mod ofsi;
mod stats;
pub mod un;

pub use detect::{ListFormat, detect_format};
pub use diff::{EntityChange, EntityRef, ListDiff, PropertyChange, diff, entity_changes};
pub use error::{ListError, RecordError};
pub use stats::ListSummary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yalu_model::Entity;

/// How readers treat broken records.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Make the first broken record fatal instead of skipping it.
    pub strict: bool,
}

/// What a read saw besides the entities it produced.
#[derive(Debug, Clone, Default)]
pub struct ReadStats {
    /// Records read from the source (including skipped ones).
    pub records: usize,
    /// Entities handed to the sink.
    pub entities: usize,
    /// Records skipped, each with its location and reason.
    pub skipped: Vec<RecordError>,
    /// Problems that did not stop a record from being read (an unparsed
    /// remark, an unknown country name); kept for `lists inspect`.
    pub warnings: Vec<RecordError>,
    /// Country and nationality values that named no country, as
    /// `field: value`, with how often each was seen. Each occurrence is
    /// also a warning; this tally is what `lists inspect` and the
    /// country-coverage test report.
    pub unknown_countries: BTreeMap<String, usize>,
    /// Country and nationality values that the country table classifies
    /// as naming no single country (a continent, a disputed territory, a
    /// name two countries share: see [`yalu_model::country::not_country`]),
    /// as `field: value`, with how often each was seen. Like an unknown
    /// value, each is kept in the record and warned about with the reason;
    /// unlike one, it has been looked at and needs no table entry.
    pub not_countries: BTreeMap<String, usize>,
}

impl ReadStats {
    /// Records a broken record: an error under `strict`, else skipped.
    pub fn skip(&mut self, opts: &ReadOptions, error: RecordError) -> Result<(), ListError> {
        if opts.strict {
            return Err(ListError::Record(Box::new(error)));
        }
        self.skipped.push(error);
        Ok(())
    }

    /// Counts a country or nationality value that named no country.
    pub fn unknown_country(&mut self, field: &str, value: &str) {
        count_country_value(&mut self.unknown_countries, field, value);
    }

    /// Tallies a country or nationality value that gave no code, as
    /// classified ([`ReadStats::not_countries`]) or unknown
    /// ([`ReadStats::unknown_countries`]), and returns the reason for the
    /// reader's warning: ``Country `Africa` names no single country
    /// (`Africa` is a region, continent or union, not one country)``.
    pub fn no_country(&mut self, field: &str, value: &str) -> String {
        let value = value.trim();
        match yalu_model::country::not_country(value) {
            Some(n) => {
                count_country_value(&mut self.not_countries, field, value);
                format!("{field} `{value}` names no single country ({})", n.reason())
            }
            None => {
                count_country_value(&mut self.unknown_countries, field, value);
                format!("{field} `{value}` names no known country")
            }
        }
    }
}

/// Counts one country value in a tally.
fn count_country_value(tally: &mut BTreeMap<String, usize>, field: &str, value: &str) {
    *tally
        .entry(format!("{field}: {}", value.trim()))
        .or_default() += 1;
}

/// One list read into memory.
#[derive(Debug, Clone)]
pub struct LoadedList {
    /// The file or folder read.
    pub path: PathBuf,
    /// Its format, as detected.
    pub format: ListFormat,
    /// Stable dataset name (`us_ofac_sdn`, `un_sc_sanctions`, ...).
    pub dataset: String,
    /// The entities, in the order read.
    pub entities: Vec<Entity>,
    /// What the read saw besides the entities.
    pub stats: ReadStats,
}

impl LoadedList {
    /// The entities, each carrying this list's dataset (as an index that
    /// unites several lists needs them).
    pub fn into_dataset_entities(self) -> Vec<Entity> {
        let dataset = self.dataset;
        self.entities
            .into_iter()
            .map(|mut e| {
                e.add_dataset(&dataset);
                e
            })
            .collect()
    }
}

/// Streams the entities of one list (a file or a folder) into `sink`.
pub fn stream_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Entity),
) -> Result<(ListFormat, ReadStats), ListError> {
    let format = detect_format(path)?;
    let stats = match format {
        ListFormat::OfacSdn | ListFormat::OfacCons => ofac::read(path, format, opts, sink)?,
        ListFormat::UnXml => un::read(path, opts, sink)?,
        ListFormat::FtmJson => ftm::read(path, opts, sink)?,
        ListFormat::FtmDelta => ftm::read_delta_folder(path, opts, sink)?,
        ListFormat::Csl => csl::read(path, opts, sink)?,
        ListFormat::Ofsi => ofsi::read(path, opts, sink)?,
    };
    Ok((format, stats))
}

/// Reads one list (a file or a folder) into memory.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<LoadedList, ListError> {
    let mut entities = Vec::new();
    let (format, stats) = stream_path(path, opts, &mut |e| entities.push(e))?;
    Ok(LoadedList {
        path: path.to_path_buf(),
        format,
        dataset: format.dataset().to_string(),
        entities,
        stats,
    })
}
