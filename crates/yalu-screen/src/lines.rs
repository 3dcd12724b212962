//! Reading a CSV file that a line reader has already cut into lines
//! (Spark's text source, Hadoop's `LineRecordReader`), in pieces read
//! independently of each other, with the rows, row numbers and rejections
//! of [`crate::InputReader`] on the whole file.
//!
//! A line reader cuts at every `\n`, `\r` or `\r\n`, also inside a quoted
//! field, and hands the bytes of each line unchanged (not checked as
//! UTF-8). Whether a line starts a row, continues one or is blank therefore
//! depends on every line before it: a line begins either at the start of a
//! record or inside a quoted field. [`LineRun::scan`] says, for both, what
//! a run of lines does (how many records start in it, and where it ends);
//! [`LineRun::then`] joins consecutive runs and [`positions`] gives the
//! [`LinePosition`] each run begins at (its first line's number, the
//! number of the next row, whether it begins inside a quoted field). With
//! that, [`CsvLines::read`] reads each run on its own:
//!
//! - a row on one line is parsed by the CSV reader of `yalu screen` and
//!   checked by the same code (number of fields, mapped fields that are not
//!   UTF-8, no name, schema, values left out), so every reason is the
//!   CLI's;
//! - a row whose quoted field goes on past its line (a line break inside
//!   quotes) is rejected ([`SPANS_LINES`]): its lines may be read by
//!   different tasks and the line reader has lost which line break (`\n`,
//!   `\r\n`) it had. It keeps its row number, so the rows after it are
//!   numbered as `yalu screen` numbers them;
//! - blank lines are not rows, as in the CSV reader; the header is row 0.
//!
//! The grammar across lines is csv-core's (the parser under the `csv`
//! crate, with the same settings), so the boundaries are those of the CSV
//! reader: a quote inside an unquoted field is a character, not the start
//! of a quoted field.

use crate::error::ScreenError;
use crate::input::{
    ColumnMap, CsvColumns, RejectedRow, RowOutcome, csv_error, csv_reader, header_names,
    refuse_utf16_start,
};
use csv_core::ReadRecordResult;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use yalu_model::Schema;

/// The reason a row whose quoted field spans lines is rejected.
pub const SPANS_LINES: &str = "a quoted field goes on past the end of the line (a line break inside quotes): a file read line by line cannot give this row back whole; `yalu screen` reads it";

/// Where a run of lines begins in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePosition {
    /// The number of the run's first line in the file, from 1.
    pub line: u64,
    /// The number of the next row to start: records started before the
    /// run, the header (row 0) included.
    pub row: u64,
    /// Whether the run begins inside a quoted field of a row started
    /// before it.
    pub in_quoted_field: bool,
}

impl LinePosition {
    /// The start of a file: line 1, where the header (row 0) starts.
    pub const FILE_START: LinePosition = LinePosition {
        line: 1,
        row: 0,
        in_quoted_field: false,
    };
}

impl Default for LinePosition {
    fn default() -> Self {
        LinePosition::FILE_START
    }
}

/// Where a run of lines ends, from one of the states it may begin in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunEnd {
    /// Records (rows, or the header) that start in the run.
    pub records: u64,
    /// Whether the run ends inside a quoted field.
    pub in_quoted_field: bool,
}

/// What a run of consecutive lines does, for both states it may begin in:
/// at the start of a record, or inside a quoted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRun {
    /// Lines in the run, blank lines included.
    pub lines: u64,
    /// How the run ends if its first line starts a record (or is blank).
    pub from_record_start: RunEnd,
    /// How the run ends if its first line continues a quoted field.
    pub from_quoted_field: RunEnd,
}

/// The run of no lines, which [`LineRun::then`] leaves runs unchanged by.
impl Default for LineRun {
    fn default() -> Self {
        LineRun::EMPTY
    }
}

impl LineRun {
    /// No lines: every state stays as it is.
    pub const EMPTY: LineRun = LineRun {
        lines: 0,
        from_record_start: RunEnd {
            records: 0,
            in_quoted_field: false,
        },
        from_quoted_field: RunEnd {
            records: 0,
            in_quoted_field: true,
        },
    };

    /// Scans lines (without their terminators).
    pub fn scan<L: AsRef<[u8]>>(lines: &[L]) -> LineRun {
        let end = |in_quoted_field: bool| {
            let mut grammar = Boundaries::new(in_quoted_field);
            let mut records = 0;
            for line in lines {
                if let Line::Starts { .. } = grammar.line(line.as_ref()) {
                    records += 1;
                }
            }
            RunEnd {
                records,
                in_quoted_field: grammar.in_quoted_field,
            }
        };
        LineRun {
            lines: lines.len() as u64,
            from_record_start: end(false),
            from_quoted_field: end(true),
        }
    }

    /// Where the run ends when it begins in the given state.
    pub fn from(&self, in_quoted_field: bool) -> RunEnd {
        if in_quoted_field {
            self.from_quoted_field
        } else {
            self.from_record_start
        }
    }

    /// This run followed by `next` (the lines right after it).
    pub fn then(&self, next: &LineRun) -> LineRun {
        let end = |in_quoted_field: bool| {
            let first = self.from(in_quoted_field);
            let second = next.from(first.in_quoted_field);
            RunEnd {
                records: first.records + second.records,
                in_quoted_field: second.in_quoted_field,
            }
        };
        LineRun {
            lines: self.lines + next.lines,
            from_record_start: end(false),
            from_quoted_field: end(true),
        }
    }

    /// The position after the run, when it begins at `start`.
    pub fn end(&self, start: LinePosition) -> LinePosition {
        let end = self.from(start.in_quoted_field);
        LinePosition {
            line: start.line + self.lines,
            row: start.row + end.records,
            in_quoted_field: end.in_quoted_field,
        }
    }
}

/// Where each of consecutive runs begins, the first at the file's start.
pub fn positions(runs: &[LineRun]) -> Vec<LinePosition> {
    let mut at = LinePosition::FILE_START;
    runs.iter()
        .map(|run| {
            let start = at;
            at = run.end(start);
            start
        })
        .collect()
}

/// What a line is, given where the line before it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// Empty, at the start of a record: not a row.
    Blank,
    /// A record starts on the line; `whole` when it also ends there.
    Starts { whole: bool },
    /// The line continues a quoted field of a record started before it.
    Continues,
}

/// csv-core's grammar followed line by line.
struct Boundaries {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    in_quoted_field: bool,
}

impl Boundaries {
    fn new(in_quoted_field: bool) -> Boundaries {
        let mut grammar = Boundaries {
            core: csv_core::Reader::new(),
            out: vec![0; 1 << 12],
            ends: vec![0; 64],
            in_quoted_field: false,
        };
        // csv-core drops a byte-order mark at the start of its input only;
        // a line reader has dropped the file's own already. An empty line
        // first (skipped, as blank lines are) keeps a line's leading bytes.
        grammar.feed(b"\n");
        if in_quoted_field {
            grammar.feed(b"\"");
            grammar.in_quoted_field = true;
        }
        grammar
    }

    /// Feeds bytes and counts the records that end in them.
    fn feed(&mut self, mut input: &[u8]) -> u64 {
        let mut records = 0;
        while !input.is_empty() {
            let (result, read, _, _) = self.core.read_record(input, &mut self.out, &mut self.ends);
            input = &input[read..];
            if result == ReadRecordResult::Record {
                records += 1;
            }
        }
        records
    }

    fn line(&mut self, line: &[u8]) -> Line {
        let continues = self.in_quoted_field;
        if !continues && line.is_empty() {
            return Line::Blank;
        }
        // A line holds no terminator: a record can only end at the one fed
        // after it, and one that does not end there is in a quoted field.
        self.feed(line);
        let ended = self.feed(b"\n") > 0;
        self.in_quoted_field = !ended;
        if continues {
            Line::Continues
        } else {
            Line::Starts { whole: ended }
        }
    }
}

/// Reads runs of a CSV file's lines into rows, as [`crate::InputReader`]
/// reads the whole file.
#[derive(Debug, Clone)]
pub struct CsvLines {
    origin: PathBuf,
    columns: CsvColumns,
    default_schema: Schema,
}

impl CsvLines {
    /// `header` is the file's first record (its first line that is not
    /// blank), resolved against `map` as [`crate::InputReader::open`]
    /// resolves a file's header; `origin` names the file in errors. A
    /// header with a line break inside quotes is an error.
    pub fn new(
        origin: &Path,
        header: &[u8],
        map: &ColumnMap,
        default_schema: Schema,
    ) -> Result<CsvLines, ScreenError> {
        refuse_utf16_start(origin, header)?;
        if let Line::Starts { whole: false } = Boundaries::new(false).line(header) {
            return Err(ScreenError::Header {
                path: origin.to_path_buf(),
                reason: "the header has a line break inside quotes".into(),
            });
        }
        let mut reader = csv_reader().has_headers(false).from_reader(header);
        let mut record = csv::ByteRecord::new();
        reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(origin, e))?;
        let names = header_names(&record);
        Ok(CsvLines {
            origin: origin.to_path_buf(),
            columns: CsvColumns::new(origin, map, &names)?,
            default_schema,
        })
    }

    /// The rows that start on `lines`, in order, and the position after
    /// them. `start` is where the lines begin ([`positions`]); the header
    /// (row 0) is skipped.
    pub fn read<L: AsRef<[u8]>>(
        &self,
        lines: &[L],
        start: LinePosition,
    ) -> Result<(Vec<RowOutcome>, LinePosition), ScreenError> {
        enum Pending {
            Parse { row: u64, line: u64 },
            Spans { row: u64, line: u64 },
        }
        let mut grammar = Boundaries::new(start.in_quoted_field);
        let mut at = start;
        let mut pending = Vec::new();
        // The one-line rows, each with its terminator, after an empty line
        // (which keeps a leading byte-order mark of the first).
        let mut text = b"\n".to_vec();
        for line in lines {
            let bytes = line.as_ref();
            if let Line::Starts { whole } = grammar.line(bytes) {
                let (row, line) = (at.row, at.line);
                at.row += 1;
                if row > 0 && whole {
                    pending.push(Pending::Parse { row, line });
                    text.extend_from_slice(bytes);
                    text.push(b'\n');
                } else if row > 0 {
                    pending.push(Pending::Spans { row, line });
                }
            }
            at.line += 1;
        }
        at.in_quoted_field = grammar.in_quoted_field;
        let mut reader = csv_reader().has_headers(false).from_reader(&text[..]);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            match p {
                Pending::Parse { row, line } => {
                    let more = reader
                        .read_byte_record(&mut record)
                        .map_err(|e| csv_error(&self.origin, e))?;
                    if !more {
                        return Err(ScreenError::Csv {
                            path: self.origin.clone(),
                            line,
                            reason: "the line gave no CSV record".into(),
                        });
                    }
                    out.push(self.columns.row(row, line, &record, &self.default_schema));
                }
                Pending::Spans { row, line } => out.push(RowOutcome::Rejected(RejectedRow {
                    row,
                    line,
                    reason: SPANS_LINES.into(),
                })),
            }
        }
        Ok((out, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, InputReader};
    use proptest::prelude::*;
    use std::io::Write;

    /// Lines as a line reader cuts them: at `\n`, `\r` and `\r\n`.
    fn cut(text: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        let mut line = Vec::new();
        let mut i = 0;
        while i < text.len() {
            match text[i] {
                b'\n' => lines.push(std::mem::take(&mut line)),
                b'\r' => {
                    lines.push(std::mem::take(&mut line));
                    if text.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
                b => line.push(b),
            }
            i += 1;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The file's rows through `InputReader`, and through `CsvLines` in
    /// runs of `piece` lines read separately.
    fn both(text: &[u8], map: &str, piece: usize) -> (Vec<RowOutcome>, Vec<RowOutcome>) {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(text).unwrap();
        let map = ColumnMap::parse(map).unwrap();
        let mut reader =
            InputReader::open(f.path(), InputFormat::Csv, &map, Schema::Person).expect("header");
        let mut whole = Vec::new();
        while let Some(r) = reader.next_row().unwrap() {
            whole.push(r);
        }
        let lines = cut(text);
        let header = lines
            .iter()
            .find(|l| !l.is_empty())
            .cloned()
            .unwrap_or_default();
        let reader = CsvLines::new(f.path(), &header, &map, Schema::Person).unwrap();
        let runs: Vec<&[Vec<u8>]> = lines.chunks(piece.max(1)).collect();
        let scans: Vec<LineRun> = runs.iter().map(|r| LineRun::scan(r)).collect();
        let starts = positions(&scans);
        let mut pieces = Vec::new();
        let mut at = LinePosition::FILE_START;
        for (run, start) in runs.iter().zip(&starts) {
            assert_eq!(&at, start, "the scan's position agrees with the reader's");
            let (rows, end) = reader.read(run, *start).unwrap();
            pieces.extend(rows);
            at = end;
        }
        (whole, pieces)
    }

    /// A row as text, with its line when `line`. `yalu screen` gives a row
    /// after a `\r\n` the line before (csv-core ends a record at the `\r`
    /// and counts the line at the `\n`, read with the next record), and a
    /// row after blank lines the first blank line's: lines only agree on
    /// files without either.
    fn key(r: &RowOutcome, line: bool) -> String {
        let line = |l: u64| if line { l } else { 0 };
        match r {
            RowOutcome::Query(q) => format!(
                "{} line {} query {:?} {:?} {:?}",
                q.row,
                line(q.line),
                q.query_id,
                q.entity,
                q.left_out
            ),
            RowOutcome::Rejected(x) => {
                format!("{} line {} rejected {}", x.row, line(x.line), x.reason)
            }
        }
    }

    #[test]
    fn lines_give_the_rows_of_the_file_and_reject_rows_across_lines() {
        let text = b"id,name,dob\r\n\
                     c1,Kim Jong Un,1984\r\n\
                     c2,\"Pak, Pong Ju\",31 Febtember\n\
                     \n\
                     c3,too,many,fields\n\
                     c4,Caf\xe9,1970\n\
                     c5,\"two\nlines\",1970\n\
                     c6,\"three\r\nlines,\"\"quoted\"\"\n\",1960\n\
                     c7,O\"Brien,1950\n\
                     c8,short\n\
                     c9,\"Ri Chol\",1940";
        let (whole, pieces) = both(text, "id=id,name=name,birthDate=dob", 1000);
        assert_eq!(whole.len(), 9);
        assert_eq!(pieces.len(), whole.len());
        for (a, b) in whole.iter().zip(&pieces) {
            if let RowOutcome::Rejected(r) = b
                && r.reason == SPANS_LINES
            {
                assert!(matches!(r.row, 5 | 6), "{r:?}");
                continue;
            }
            assert_eq!(key(a, false), key(b, false));
        }
        let spans: Vec<(u64, u64)> = pieces
            .iter()
            .filter_map(|r| match r {
                RowOutcome::Rejected(x) if x.reason == SPANS_LINES => Some((x.row, x.line)),
                _ => None,
            })
            .collect();
        assert_eq!(spans, [(5, 7), (6, 9)]);
        // Cut into runs of every length, read apart, the rows are the same.
        for piece in 1..=4 {
            let (_, again) = both(text, "id=id,name=name,birthDate=dob", piece);
            assert_eq!(
                again.iter().map(|r| key(r, true)).collect::<Vec<_>>(),
                pieces.iter().map(|r| key(r, true)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn runs_join_and_the_header_is_checked() {
        let lines: Vec<&[u8]> = vec![b"x\"", b"a,\"b", b"", b"e", b"f\"", b"g"];
        let all = LineRun::scan(&lines);
        assert_eq!(all.lines, 6);
        // From a record's start, `x"` is a row (the quote a character) and
        // `a,"b` opens a quote that `f"` closes.
        assert_eq!(
            all.from_record_start,
            RunEnd {
                records: 3,
                in_quoted_field: false
            }
        );
        // From inside a quote, `x"` closes it.
        assert_eq!(
            all.from_quoted_field,
            RunEnd {
                records: 2,
                in_quoted_field: false
            }
        );
        assert_eq!(
            LineRun::scan(&lines[..4]).from_record_start,
            RunEnd {
                records: 2,
                in_quoted_field: true
            }
        );
        for cut in 0..=lines.len() {
            let joined = LineRun::scan(&lines[..cut]).then(&LineRun::scan(&lines[cut..]));
            assert_eq!(joined, all);
        }
        let none: [&[u8]; 0] = [];
        assert_eq!(LineRun::scan(&none), LineRun::default());
        assert_eq!(LineRun::default().then(&all), all);
        assert_eq!(all.then(&LineRun::default()), all);
        let map = ColumnMap::parse("name=name").unwrap();
        let origin = Path::new("x.csv");
        let err = CsvLines::new(origin, b"id,\"na", &map, Schema::Person).unwrap_err();
        assert!(
            err.to_string().contains("line break inside quotes"),
            "{err}"
        );
        let err = CsvLines::new(origin, b"\xff\xfei\0d\0", &map, Schema::Person).unwrap_err();
        assert!(err.to_string().contains("UTF-16"), "{err}");
        let err = CsvLines::new(origin, b"id,full", &map, Schema::Person).unwrap_err();
        assert_eq!(err.code(), "invalid_header");
        assert!(CsvLines::new(origin, b"\xef\xbb\xbfid,name", &map, Schema::Person).is_ok());
    }

    proptest! {
        /// On any text of quotes, commas, letters, line breaks and a
        /// non-UTF-8 byte, the rows read in runs are the file's rows, but
        /// for those rejected because they span lines, which are exactly
        /// the rows whose record holds a line break.
        #[test]
        fn runs_agree_with_the_reader(
            body in proptest::collection::vec(
                prop_oneof![
                    Just(&b"\""[..]), Just(&b","[..]), Just(&b"\n"[..]), Just(&b"\r\n"[..]),
                    Just(&b"a"[..]), Just(&b"Kim"[..]), Just(&b" "[..]), Just(&b"\xe9"[..]),
                ],
                0..80,
            ),
            piece in 1usize..6,
        ) {
            let mut text = b"id,name\n".to_vec();
            text.extend(body.concat());
            // A quote left open at the end of a file without a last line
            // break is rejected too, where `yalu screen` reads the rest of
            // the file as the field: the test's files end with one.
            text.push(b'\n');
            let (whole, pieces) = both(&text, "id=id,name=name", piece);
            prop_assert_eq!(whole.len(), pieces.len());
            let mut rows = csv_reader().has_headers(true).from_reader(&text[..]);
            let records: Vec<csv::ByteRecord> =
                rows.byte_records().map(|r| r.unwrap()).collect();
            prop_assert_eq!(records.len(), whole.len());
            let lines = !text.contains(&b'\r') && !text.windows(2).any(|w| w == b"\n\n");
            for ((a, b), record) in whole.iter().zip(&pieces).zip(&records) {
                let spans = record.iter().any(|f| f.contains(&b'\n'));
                match b {
                    RowOutcome::Rejected(r) if r.reason == SPANS_LINES => {
                        prop_assert!(spans, "{:?}", record);
                        let (row, line) = match a {
                            RowOutcome::Query(q) => (q.row, q.line),
                            RowOutcome::Rejected(x) => (x.row, x.line),
                        };
                        prop_assert_eq!(r.row, row);
                        if lines {
                            prop_assert_eq!(r.line, line);
                        }
                    }
                    _ => {
                        prop_assert!(!spans, "{:?}", record);
                        prop_assert_eq!(key(a, lines), key(b, lines));
                    }
                }
            }
        }
    }
}
