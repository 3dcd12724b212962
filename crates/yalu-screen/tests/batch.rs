//! Batch runs end to end on the demo list: order, bad rows, strictness,
//! and resuming after a crash that tore the results file.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use yalu_match::{Index, MatchConfig};
use yalu_model::Schema;
use yalu_screen::read_checkpoint;
use yalu_screen::{
    BatchJob, ColumnMap, InputFormat, Observer, Progress, RejectedRow, ScreenError, Screener,
    Silent, checkpoint_path, run_batch,
};

fn demo_index() -> Index {
    let path = yalu_testdata::repo_root().join("demo/lists/ofac-sample");
    let list = yalu_lists::read_path(&path, &Default::default()).unwrap();
    Index::build(list.entities)
}

/// A customer file: listed names in other spellings among ordinary ones,
/// with a few bad rows.
fn customers(dir: &Path, rows: usize) -> PathBuf {
    let listed = [
        "Kim Jeong-eun",
        "Ri Chol-nam",
        "Pak Kyong-thaek",
        "Samhae Trading Corp",
        "Choe Myong-hui",
        "Yun Song-il",
    ];
    let ordinary = ["Anna Schmidt", "John Brown", "Maria Garcia", "Peter Hansen"];
    let mut text = String::from("cust,full_name,dob,nat\n");
    for i in 1..=rows {
        let (name, dob, nat) = match i % 11 {
            0 => ("", "1980", "kp"),                 // no name
            5 => ("Kim Chol", "sometime", "kp"),     // bad date
            7 => ("Ri Song", "1970", "Nowhereland"), // unknown country
            _ if i % 3 == 0 => (listed[i % listed.len()], "", "kp"),
            _ => (ordinary[i % ordinary.len()], "1975-03-02", "de"),
        };
        text.push_str(&format!("C{i},{name},{dob},{nat}\n"));
    }
    let path = dir.join("customers.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn job<'a>(
    input: &'a Path,
    output: &'a Path,
    map: &'a ColumnMap,
    format: InputFormat,
) -> BatchJob<'a> {
    BatchJob {
        input,
        input_format: InputFormat::Csv,
        map,
        schema: Schema::LegalEntity,
        output,
        output_format: format,
        resume: false,
        strict: false,
        chunk_rows: 7,
        settings: "lists=demo".into(),
    }
}

#[derive(Default)]
struct Collect {
    rejected: Vec<RejectedRow>,
    left_out: Vec<(u64, yalu_screen::LeftOutValue)>,
    chunks: usize,
}
impl Observer for Collect {
    fn rejected(&mut self, row: &RejectedRow) {
        self.rejected.push(row.clone());
    }
    fn value_left_out(&mut self, row: &yalu_screen::QueryRow, value: &yalu_screen::LeftOutValue) {
        self.left_out.push((row.row, value.clone()));
    }
    fn progress(&mut self, _p: &Progress) {
        self.chunks += 1;
    }
}

#[test]
fn hits_in_input_order_and_bad_rows_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = customers(dir.path(), 60);
    let out = dir.path().join("hits.csv");
    let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob,nationality=nat").unwrap();
    let index = demo_index();
    let screener = Screener::new(&index, MatchConfig::default(), 3);
    let mut seen = Collect::default();
    let s = run_batch(
        &job(&input, &out, &map, InputFormat::Csv),
        &screener,
        &mut seen,
    )
    .unwrap();
    assert_eq!(s.rows_read, 60);
    assert_eq!(s.rejected, seen.rejected.len() as u64);
    // Rows without a name (11, 22, ...) are rejected; a bad date (rows 5,
    // 16, ...) or an unknown country (rows 7, 18, ...) is left out of its
    // row's query, and the row is screened with the rest.
    let expected_bad = (1..=60).filter(|i| i % 11 == 0).count();
    assert_eq!(seen.rejected.len(), expected_bad);
    assert_eq!(seen.rejected[0].row, 11);
    let expected_left_out = (1..=60).filter(|i| matches!(i % 11, 5 | 7)).count();
    assert_eq!(seen.left_out.len(), expected_left_out);
    assert_eq!(s.values_left_out, expected_left_out as u64);
    let (row, first) = &seen.left_out[0];
    assert_eq!(*row, 5);
    assert_eq!((first.column.as_str(), first.code), ("dob", "invalid_date"));
    assert!(
        first.to_string().contains("`sometime` is not a date"),
        "{first}"
    );
    let (row, second) = &seen.left_out[1];
    assert_eq!(*row, 7);
    assert_eq!(
        (second.column.as_str(), second.value.as_str()),
        ("nat", "Nowhereland")
    );
    assert_eq!(seen.chunks, 60usize.div_ceil(7));

    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        yalu_screen::CSV_HEADER
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows: Vec<u64> = records.iter().map(|r| r[0].parse().unwrap()).collect();
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "hits come in input order");
    // Every listed-name row finds its entry; ordinary rows find nothing.
    let hit_rows: std::collections::BTreeSet<u64> = rows.iter().copied().collect();
    for i in 1..=60u64 {
        let listed = i % 3 == 0 && !matches!(i % 11, 0 | 5 | 7);
        assert_eq!(hit_rows.contains(&i), listed, "row {i}");
    }
    assert_eq!(s.rows_with_hits, hit_rows.len() as u64);
    let kim = records.iter().find(|r| &r[2] == "Kim Jeong-eun").unwrap();
    assert_eq!(&kim[3], "ofac-9001");
    assert_eq!(&kim[1], &format!("C{}", &kim[0]));
    assert!(kim[6].parse::<f64>().unwrap() >= 0.7);
    assert_eq!(&kim[8], "us_ofac_sdn");
    let ck = read_checkpoint(&checkpoint_path(&out)).unwrap();
    assert!(ck.complete);
    assert_eq!(ck.output_bytes, std::fs::metadata(&out).unwrap().len());
}

#[test]
fn json_lines_output_carries_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let input = customers(dir.path(), 12);
    let out = dir.path().join("hits.jsonl");
    let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob,nationality=nat").unwrap();
    let index = demo_index();
    let screener = Screener::new(&index, MatchConfig::default(), 3);
    run_batch(
        &job(&input, &out, &map, InputFormat::JsonLines),
        &screener,
        &mut Silent,
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(l["row"].as_u64().unwrap() % 3 == 0);
        assert!(l["explanations"]["name"]["detail"].is_string(), "{l}");
        assert!(l["datasets"].is_array());
        assert_eq!(l["match"], true);
    }
}

#[test]
fn strict_stops_at_the_first_bad_row_after_writing_the_rows_before() {
    let dir = tempfile::tempdir().unwrap();
    let input = customers(dir.path(), 30);
    let out = dir.path().join("hits.csv");
    let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob,nationality=nat").unwrap();
    let index = demo_index();
    let screener = Screener::new(&index, MatchConfig::default(), 3);
    let mut j = job(&input, &out, &map, InputFormat::Csv);
    j.strict = true;
    let err = run_batch(&j, &screener, &mut Silent).unwrap_err();
    match &err {
        ScreenError::BadRow {
            line, row, reason, ..
        } => {
            assert_eq!((*row, *line), (5, 6));
            assert!(reason.contains("sometime"), "{reason}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("customers.csv: line 6"), "{err}");
    let ck = read_checkpoint(&checkpoint_path(&out)).unwrap();
    assert_eq!(ck.rows_done, 4);
    assert!(!ck.complete);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().skip(1).all(|l| l.starts_with("3,")), "{text}");
}

/// Stops a run (by panicking, as a crash would) after `n` chunks are
/// checkpointed.
struct CrashAfter(usize);
impl Observer for CrashAfter {
    fn progress(&mut self, _p: &Progress) {
        self.0 -= 1;
        if self.0 == 0 {
            panic!("simulated crash");
        }
    }
}

#[test]
fn resume_after_a_torn_write_gives_the_uninterrupted_output() {
    for format in [InputFormat::Csv, InputFormat::JsonLines] {
        let dir = tempfile::tempdir().unwrap();
        let input = customers(dir.path(), 80);
        let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob,nationality=nat").unwrap();
        let index = demo_index();
        let screener = Screener::new(&index, MatchConfig::default(), 3);
        let ext = if format == InputFormat::Csv {
            "csv"
        } else {
            "jsonl"
        };

        let whole = dir.path().join(format!("whole.{ext}"));
        let full = run_batch(&job(&input, &whole, &map, format), &screener, &mut Silent).unwrap();

        let out = dir.path().join(format!("cut.{ext}"));
        let crashed = catch_unwind(AssertUnwindSafe(|| {
            run_batch(
                &job(&input, &out, &map, format),
                &screener,
                &mut CrashAfter(4),
            )
        }));
        assert!(crashed.is_err());
        let ck = read_checkpoint(&checkpoint_path(&out)).unwrap();
        assert_eq!(ck.rows_done, 28);
        // What a kill during the next chunk leaves: whole lines of an
        // uncheckpointed chunk and a torn last line.
        let whole_text = std::fs::read(&whole).unwrap();
        let mut torn = std::fs::read(&out).unwrap();
        assert!(whole_text.starts_with(&torn));
        let extra = &whole_text[torn.len()..];
        torn.extend_from_slice(&extra[..extra.len() / 2]);
        std::fs::write(&out, &torn).unwrap();

        // Without --resume a fresh run starts over; with it, it continues.
        let mut j = job(&input, &out, &map, format);
        j.resume = true;
        let resumed = run_batch(&j, &screener, &mut Silent).unwrap();
        assert_eq!(resumed.resumed_after_rows, Some(28));
        assert_eq!(std::fs::read(&out).unwrap(), whole_text, "{ext}");
        assert_eq!(
            (
                resumed.rows_read,
                resumed.rows_with_hits,
                resumed.hits,
                resumed.rejected
            ),
            (
                full.rows_read,
                full.rows_with_hits,
                full.hits,
                full.rejected
            )
        );
        // A second resume of a finished run does nothing.
        let again = run_batch(&j, &screener, &mut Silent).unwrap();
        assert!(again.already_complete);
        assert_eq!(std::fs::read(&out).unwrap(), whole_text);
    }
}

#[test]
fn resume_refuses_other_settings_and_unknown_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = customers(dir.path(), 20);
    let out = dir.path().join("hits.csv");
    let map = ColumnMap::parse("id=cust,name=full_name,birthDate=dob,nationality=nat").unwrap();
    let index = demo_index();
    let screener = Screener::new(&index, MatchConfig::default(), 3);
    run_batch(
        &job(&input, &out, &map, InputFormat::Csv),
        &screener,
        &mut Silent,
    )
    .unwrap();

    let strict_cfg = MatchConfig {
        threshold: 0.9,
        ..MatchConfig::default()
    };
    let other = Screener::new(&index, strict_cfg, 3);
    let mut j = job(&input, &out, &map, InputFormat::Csv);
    j.resume = true;
    let err = run_batch(&j, &other, &mut Silent).unwrap_err().to_string();
    assert!(
        err.contains("other settings") && err.contains("threshold=0.9"),
        "{err}"
    );

    let stray = dir.path().join("stray.csv");
    std::fs::write(&stray, "row\n1\n").unwrap();
    let mut j = job(&input, &stray, &map, InputFormat::Csv);
    j.resume = true;
    let err = run_batch(&j, &screener, &mut Silent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no checkpoint"), "{err}");
    assert_eq!(std::fs::read_to_string(&stray).unwrap(), "row\n1\n");
}

#[test]
fn bad_rows_name_their_line_after_crlf_line_ends_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crlf.csv");
    // line 1 header, 2 c1, 3 blank, 4 c2 (no name), 5 c3, 6-7 blank, 8 c4
    // (a field too many)
    std::fs::write(
        &input,
        "cust,full_name\r\nc1,Kim Jong Un\r\n\r\nc2,\r\nc3,Anna Schmidt\r\n\n\r\nc4,Bob,extra\r\n",
    )
    .unwrap();
    let out = dir.path().join("hits.csv");
    let map = ColumnMap::parse("id=cust,name=full_name").unwrap();
    let index = demo_index();
    let screener = Screener::new(&index, MatchConfig::default(), 3);
    let mut seen = Collect::default();
    run_batch(
        &job(&input, &out, &map, InputFormat::Csv),
        &screener,
        &mut seen,
    )
    .unwrap();
    let got: Vec<(u64, u64)> = seen.rejected.iter().map(|r| (r.row, r.line)).collect();
    assert_eq!(got, [(2, 4), (4, 8)]);
}
