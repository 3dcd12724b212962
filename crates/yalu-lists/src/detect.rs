//! Recognising a list's format from a file or folder.

use crate::ListError;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The list formats Yalu reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ListFormat {
    /// OFAC SDN legacy CSV: a folder with `sdn.csv` (and optionally
    /// `alt.csv`, `add.csv`, `sdn_comments.csv`), or a lone `sdn.csv`.
    OfacSdn,
    /// OFAC non-SDN consolidated legacy CSV: `cons_prim.csv` and its
    /// `cons_alt.csv`, `cons_add.csv`, `cons_comments.csv`.
    OfacCons,
    /// UN Security Council consolidated list XML.
    UnXml,
    /// FollowTheMoney JSON lines (`entities.ftm.json`).
    FtmJson,
    /// OpenSanctions delta folder (`delta.json` index and versioned
    /// `entities.delta.json` files).
    FtmDelta,
    /// US Consolidated Screening List CSV.
    Csl,
    /// UK OFSI consolidated list, CSV or XLSX.
    Ofsi,
}

impl ListFormat {
    /// The stable dataset name entities of this format are filed under.
    pub fn dataset(self) -> &'static str {
        match self {
            ListFormat::OfacSdn => "us_ofac_sdn",
            ListFormat::OfacCons => "us_ofac_cons",
            ListFormat::UnXml => "un_sc_sanctions",
            ListFormat::FtmJson | ListFormat::FtmDelta => "opensanctions",
            ListFormat::Csl => "us_trade_csl",
            ListFormat::Ofsi => crate::ofsi::DATASET,
        }
    }

    /// A human label for reports.
    pub fn label(self) -> &'static str {
        match self {
            ListFormat::OfacSdn => "OFAC SDN (legacy CSV)",
            ListFormat::OfacCons => "OFAC non-SDN consolidated (legacy CSV)",
            ListFormat::UnXml => "UN Security Council consolidated list (XML)",
            ListFormat::FtmJson => "FollowTheMoney JSON lines",
            ListFormat::FtmDelta => "OpenSanctions delta files",
            ListFormat::Csl => "US Consolidated Screening List (CSV)",
            ListFormat::Ofsi => "UK OFSI consolidated list (CSV or XLSX)",
        }
    }
}

fn head(path: &Path, n: usize) -> Result<Vec<u8>, ListError> {
    let mut buf = vec![0u8; n];
    let mut f = File::open(path).map_err(|e| ListError::io(path, e))?;
    let mut filled = 0;
    loop {
        let read = f
            .read(&mut buf[filled..])
            .map_err(|e| ListError::io(path, e))?;
        if read == 0 {
            break;
        }
        filled += read;
        if filled == n {
            break;
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Finds which format a path holds. A folder is recognised by the files in
/// it; a file by its name and its first bytes.
pub fn detect_format(path: &Path) -> Result<ListFormat, ListError> {
    let meta = std::fs::metadata(path).map_err(|e| ListError::io(path, e))?;
    if meta.is_dir() {
        return detect_folder(path);
    }
    let name = file_name(path);
    match name.as_str() {
        "sdn.csv" => return Ok(ListFormat::OfacSdn),
        "cons_prim.csv" => return Ok(ListFormat::OfacCons),
        "delta.json" => return Ok(ListFormat::FtmDelta),
        _ => {}
    }
    let bytes = head(path, 4096)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ListError::UnknownFormat {
            path: path.to_path_buf(),
            reason: "UTF-16 text (it starts with a UTF-16 byte-order mark); convert it to UTF-8"
                .into(),
        });
    }
    if crate::ofsi::is_zip(&bytes) {
        // The only ZIP-based format read is an XLSX workbook, and the only
        // workbook read is OFSI's; its reader checks the header row.
        if name.ends_with(".xlsx") || name.ends_with(".xlsm") {
            return Ok(ListFormat::Ofsi);
        }
        return Err(ListError::UnknownFormat {
            path: path.to_path_buf(),
            reason:
                "a ZIP archive; only an OFSI consolidated list workbook (.xlsx) is read from one"
                    .into(),
        });
    }
    detect_text(path, &bytes)
}

/// The format of a folder, by the files it holds.
fn detect_folder(path: &Path) -> Result<ListFormat, ListError> {
    let has = |name: &str| path.join(name).is_file();
    if has("sdn.csv") || has("SDN.CSV") {
        Ok(ListFormat::OfacSdn)
    } else if has("cons_prim.csv") || has("CONS_PRIM.CSV") {
        Ok(ListFormat::OfacCons)
    } else if has("delta.json") {
        Ok(ListFormat::FtmDelta)
    } else if has("entities.ftm.json") {
        Ok(ListFormat::FtmJson)
    } else {
        Err(ListError::UnknownFormat {
            path: path.to_path_buf(),
            reason:
                "the folder holds none of sdn.csv, cons_prim.csv, entities.ftm.json, delta.json"
                    .into(),
        })
    }
}

/// The format of a text file, by its first bytes: XML, JSON lines, or one
/// of the CSV layouts.
fn detect_text(path: &Path, bytes: &[u8]) -> Result<ListFormat, ListError> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        if text.contains("<CONSOLIDATED_LIST") {
            return Ok(ListFormat::UnXml);
        }
        return Err(ListError::UnknownFormat {
            path: path.to_path_buf(),
            reason: "XML without a CONSOLIDATED_LIST root (only the UN consolidated list is read)"
                .into(),
        });
    }
    if trimmed.starts_with('{') {
        let first = trimmed.lines().next().unwrap_or("");
        if first.contains("\"op\"") {
            return Ok(ListFormat::FtmDelta);
        }
        if first.contains("\"schema\"") {
            return Ok(ListFormat::FtmJson);
        }
        return Err(ListError::UnknownFormat {
            path: path.to_path_buf(),
            reason: "JSON whose first line is not a FollowTheMoney entity".into(),
        });
    }
    let first_line = trimmed.lines().next().unwrap_or("");
    if first_line.starts_with("_id,source,entity_number") {
        return Ok(ListFormat::Csl);
    }
    if crate::ofsi::looks_like_csv(trimmed) {
        return Ok(ListFormat::Ofsi);
    }
    Err(ListError::UnknownFormat {
        path: path.to_path_buf(),
        reason:
            "expected an OFAC CSV folder or sdn.csv, a UN XML file, FtM JSON lines, a CSL CSV or an OFSI CSV or XLSX"
                .into(),
    })
}

/// Finds a file in a folder whatever the case of its name.
pub(crate) fn find_in(folder: &Path, name: &str) -> Option<PathBuf> {
    let exact = folder.join(name);
    if exact.is_file() {
        return Some(exact);
    }
    let upper = folder.join(name.to_ascii_uppercase());
    upper.is_file().then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(content.as_bytes())
            .unwrap();
        p
    }

    #[test]
    fn detects_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let un = write(
            dir.path(),
            "list.xml",
            "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"x\">",
        );
        assert_eq!(detect_format(&un).unwrap(), ListFormat::UnXml);
        let ftm = write(
            dir.path(),
            "x.json",
            "{\"id\": \"a\", \"schema\": \"Person\"}\n",
        );
        assert_eq!(detect_format(&ftm).unwrap(), ListFormat::FtmJson);
        let csl = write(dir.path(), "c.csv", "_id,source,entity_number,type\n");
        assert_eq!(detect_format(&csl).unwrap(), ListFormat::Csl);
        let ofsi = write(
            dir.path(),
            "conlist.csv",
            "Last Updated,13/04/2018,,\nName 6,Name 1,Name 2,Group Type,Regime,Group ID\n",
        );
        assert_eq!(detect_format(&ofsi).unwrap(), ListFormat::Ofsi);
        let zip = write(dir.path(), "x.zip", "PK\u{3}\u{4}rest");
        let err = detect_format(&zip).unwrap_err().to_string();
        assert!(err.contains("ZIP"), "{err}");
        let other = write(dir.path(), "o.csv", "a,b,c\n");
        let err = detect_format(&other).unwrap_err().to_string();
        assert!(err.contains("o.csv"), "{err}");
        assert!(detect_format(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn utf16_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "{\"id\":\"a\",\"schema\":\"Person\"}\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        std::fs::write(&p, bytes).unwrap();
        let err = detect_format(&p).unwrap_err().to_string();
        assert!(err.contains("x.json") && err.contains("UTF-16"), "{err}");
    }

    #[test]
    fn detects_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(detect_format(dir.path()).is_err());
        write(dir.path(), "sdn.csv", "");
        assert_eq!(detect_format(dir.path()).unwrap(), ListFormat::OfacSdn);
    }
}
