//! Malformed input through every reading command of the real binary:
//! `yalu lists inspect`, `match`, `screen`, `detect`, `eval pairs`,
//! `cases import`.
//!
//! [`cases`] is the table: each input (truncated files, UTF-16 with a BOM,
//! Latin-1 bytes, semicolon CSV, a 10 MB field, 100,000 levels of `[`, the
//! date `1984-13-45`, negative amounts, dangling ids, a billion-laughs UN
//! list) on each command that reads it, with the exit code expected and the
//! text stderr or stdout must hold: the file, the line or record, and the
//! reason. Every cell also checks that nothing panicked. Fixtures are built
//! in a temporary folder; `docs/reliability.md` records the answers.

use assert_cmd::Command;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    yalu_testdata::repo_root().join("demo/lists/ofac-sample")
}

/// Ten million bytes: the "huge field".
const HUGE: usize = 10_000_000;

fn utf16(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

fn nested() -> String {
    format!("{}\n", "[".repeat(100_000))
}

const UN_LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-01-01T00:00:00.000Z">
<INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>CHOL</FIRST_NAME><SECOND_NAME>KIM</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER><LISTED_ON>2016-03-02</LISTED_ON></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>OK SUN</FIRST_NAME><SECOND_NAME>PAK</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.002</REFERENCE_NUMBER><LISTED_ON>2016-03-02</LISTED_ON></INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES/>
</CONSOLIDATED_LIST>
"#;

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CONSOLIDATED_LIST dateGenerated="2024-01-01T00:00:00.000Z">
<INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>&lol9;</FIRST_NAME><SECOND_NAME>KIM</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER><LISTED_ON>2016-03-02</LISTED_ON></INDIVIDUAL>
</INDIVIDUALS>
</CONSOLIDATED_LIST>
"#;

const FTM: &str =
    r#"{"id":"a","schema":"Person","properties":{"name":["Kim Chol"],"birthDate":["1971-03-02"]}}"#;
const PERSONS: &str = "person_id,full_name,birth_date,nationality\nw1,Kim Chol Su,1990-04-02,KP\n";
const PAIR: &str = r#"{"id":"p1","kind":"k","query":{"schema":"Person","properties":{"name":["Kim Chol"]}},"candidate":{"schema":"Person","properties":{"name":["Kim Chol"]}},"match":true}"#;
const ALERT: &str = r#"{"alert_id":"YA-1","rule":"VISA_RUN_CYCLE","severity":"high","subject_ids":["p1"],"evidence_ids":["v1"],"period_start":"2024-01-01","period_end":null,"summary":"runs","estimated_revenue_usd":10.0}"#;

/// The fixtures, written once into a temporary folder.
struct Fixtures {
    dir: tempfile::TempDir,
}

impl Fixtures {
    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.p(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn build() -> Fixtures {
        let f = Fixtures {
            dir: tempfile::tempdir().unwrap(),
        };
        // Lists.
        let cut = UN_LIST.find("<SECOND_NAME>PAK").unwrap();
        f.write("un_trunc.xml", &UN_LIST[..cut]);
        f.write("un_utf16.xml", utf16(UN_LIST));
        f.write(
            "un_latin1.xml",
            UN_LIST
                .replace("OK SUN", "OK S\u{fc}N")
                .replace('\u{fc}', "\u{1}"),
        );
        // Put a lone Latin-1 byte (0xDC, Ü) where the placeholder is.
        let mut latin = std::fs::read(f.p("un_latin1.xml")).unwrap();
        for b in latin.iter_mut() {
            if *b == 1 {
                *b = 0xDC;
            }
        }
        f.write("un_latin1.xml", latin);
        f.write("laughs.xml", LAUGHS);
        f.write(
            "ftm_trunc.json",
            format!("{FTM}\n{}", &FTM.replace("\"a\"", "\"b\"")[..50]),
        );
        f.write("ftm_utf16.json", utf16(&format!("{FTM}\n")));
        let mut latin = format!("{FTM}\n").into_bytes();
        latin.extend_from_slice(
            b"{\"id\":\"c\",\"schema\":\"Person\",\"properties\":{\"name\":[\"J\xf6rg Kim\"]}}\n",
        );
        f.write("ftm_latin1.json", latin);
        f.write("ftm_nested.json", format!("{FTM}\n{}", nested()));
        f.write(
            "ftm_huge.json",
            format!(
                "{FTM}\n{{\"id\":\"h\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"{}\"]}}}}\n",
                "K".repeat(HUGE)
            ),
        );
        f.write(
            "ftm_date.json",
            FTM.replace("1971-03-02", "1984-13-45") + "\n",
        );
        f.write(
            "ofac_semi/sdn.csv",
            "9001;\"KIM, Jong Un\";\"individual\";\"DPRK2\";-0- ;-0- ;-0- ;-0- ;-0- ;-0- ;-0- ;\"DOB 08 Jan 1984\"\n",
        );

        // Customer files.
        let cust = "id,name,birth_date\n1,Kim Jong Un,1984-01-08\n";
        f.write("cust_trunc.csv", format!("{cust}2,\"Ri Chol"));
        f.write("cust_utf16.csv", utf16(cust));
        let mut latin = cust.as_bytes().to_vec();
        latin.extend_from_slice(b"2,J\xf6rg Ri,1971\n");
        f.write("cust_latin1.csv", latin);
        f.write("cust_semi.csv", cust.replace(',', ";"));
        f.write(
            "cust_huge.csv",
            format!("{cust}2,{},1971\n3,Ri Chol Nam,\n", "K".repeat(HUGE)),
        );
        f.write(
            "cust_nested.jsonl",
            format!("{{\"id\":\"1\",\"name\":\"Kim Jong Un\"}}\n{}", nested()),
        );
        f.write("cust_date.csv", format!("{cust}2,Ri Chol Nam,1984-13-45\n"));

        // Event data sets: a good persons file plus one broken file each.
        let with = |dir: &str, name: &str, bytes: Vec<u8>| {
            if name != "persons.csv" {
                f.write(&format!("{dir}/persons.csv"), PERSONS);
            }
            f.write(&format!("{dir}/{name}"), bytes);
        };
        with(
            "ev_trunc",
            "persons.csv",
            format!("{PERSONS}w2,\"Pak Ok").into_bytes(),
        );
        with("ev_utf16", "persons.csv", utf16(PERSONS));
        let mut latin = PERSONS.as_bytes().to_vec();
        latin.extend_from_slice(b"w2,J\xf6rg Pak,1990,KP\n");
        with("ev_latin1", "persons.csv", latin);
        with(
            "ev_semi",
            "persons.csv",
            PERSONS.replace(',', ";").into_bytes(),
        );
        with(
            "ev_huge",
            "persons.csv",
            format!("{PERSONS}w2,{},1990-01-01,KP\n", "K".repeat(HUGE)).into_bytes(),
        );
        with("ev_nested", "persons.jsonl", nested().into_bytes());
        with(
            "ev_date",
            "persons.csv",
            format!("{PERSONS}w2,Pak Ok Sun,1984-13-45,KP\n").into_bytes(),
        );
        with(
            "ev_negative",
            "payments.csv",
            b"payment_id,payer_id,payee_id,amount,currency,paid_on\np1,w1,w1,-500,USD,2020-01-01\n"
                .to_vec(),
        );
        with(
            "ev_dangling",
            "placements.csv",
            b"placement_id,person_id,client_org_id,start_on,end_on\nq1,w404,c1,2019-01-01,\n"
                .to_vec(),
        );
        f.write(
            "ev_dangling/organizations.csv",
            "org_id,name\nc1,Dalian Seafood Co.\n",
        );

        // Labelled pairs.
        f.write("pairs_trunc.jsonl", format!("{PAIR}\n{}", &PAIR[..60]));
        f.write("pairs_utf16.jsonl", utf16(&format!("{PAIR}\n")));
        let mut latin = format!("{PAIR}\n").into_bytes();
        latin.extend_from_slice(
            &PAIR
                .replace("Kim Chol\"]}},\"c", "Kim Ch\u{1}l\"]}},\"c")
                .into_bytes(),
        );
        for b in latin.iter_mut() {
            if *b == 1 {
                *b = 0xF6;
            }
        }
        f.write("pairs_latin1.jsonl", latin);
        f.write("pairs_nested.jsonl", format!("{PAIR}\n{}", nested()));
        f.write(
            "pairs_huge.jsonl",
            PAIR.replacen("Kim Chol", &"K".repeat(HUGE), 1) + "\n",
        );
        f.write(
            "pairs_date.jsonl",
            PAIR.replacen(
                "\"name\":[\"Kim Chol\"]",
                "\"name\":[\"Kim Chol\"],\"birthDate\":[\"1984-13-45\"]",
                1,
            ) + "\n",
        );
        f.write(
            "bench_semi.csv",
            "case_group;schema;name1;name2;is_match\ng;Person;Kim;Kim;true\n",
        );

        // Alerts and hits for `cases import`.
        f.write("alerts_trunc.jsonl", format!("{ALERT}\n{}", &ALERT[..50]));
        f.write("alerts_utf16.jsonl", utf16(&format!("{ALERT}\n")));
        let mut latin = format!("{ALERT}\n").into_bytes();
        latin.extend_from_slice(
            &ALERT
                .replace("YA-1", "YA-2")
                .replace("runs", "r\u{1}ns")
                .into_bytes(),
        );
        for b in latin.iter_mut() {
            if *b == 1 {
                *b = 0xFC;
            }
        }
        f.write("alerts_latin1.jsonl", latin);
        f.write("alerts_nested.jsonl", format!("{ALERT}\n{}", nested()));
        f.write(
            "alerts_huge.jsonl",
            ALERT.replace("\"runs\"", &format!("\"{}\"", "S".repeat(HUGE))) + "\n",
        );
        f.write(
            "alerts_date.jsonl",
            format!(
                "{ALERT}\n{}\n",
                ALERT
                    .replace("YA-1", "YA-3")
                    .replace("2024-01-01", "1984-13-45")
            ),
        );
        f.write(
            "alerts_negative.jsonl",
            format!(
                "{ALERT}\n{}\n",
                ALERT.replace("YA-1", "YA-4").replace("10.0", "-10.0")
            ),
        );
        f.write(
            "hits_dangling.jsonl",
            r#"{"row":1,"query_id":"r1","query_name":"Kim","entity_id":"no-such-entry","caption":"X","schema":"Person","score":0.9,"match":true,"datasets":["x"]}"#
                .to_string()
                + "\n",
        );
        f
    }
}

/// What a run answered.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// One cell of the table.
struct Case {
    input: &'static str,
    command: &'static str,
    args: Vec<OsString>,
    /// Expected exit code.
    code: i32,
    /// Each must appear in stderr (the file, the location, the reason).
    stderr: Vec<String>,
    /// Each must appear in stdout.
    stdout: Vec<String>,
}

fn args(parts: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    parts.iter().map(|p| p.as_ref().to_os_string()).collect()
}

fn s(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

fn run(dir: &Path, args: &[OsString]) -> Outcome {
    let out = Command::cargo_bin("yalu")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[allow(clippy::vec_init_then_push)]
fn cases(f: &Fixtures) -> Vec<Case> {
    let demo = demo();
    let db = f.p("cases.db");
    let db = db.as_os_str();
    let mut c = Vec::new();
    macro_rules! case {
        ($input:expr, $command:expr, [$($arg:expr),*], $code:expr, stderr [$($e:expr),*], stdout [$($o:expr),*]) => {
            c.push(Case {
                input: $input,
                command: $command,
                args: args(&[$(&$arg),*]),
                code: $code,
                stderr: s(&[$($e),*]),
                stdout: s(&[$($o),*]),
            })
        };
    }
    let p = |n: &str| f.p(n);
    let map = "name=name,birthDate=birth_date";

    // lists inspect (the list readers; `match` and `screen` share them).
    case!("truncated UN XML", "lists inspect", ["lists", "inspect", p("un_trunc.xml")], 1,
        stderr ["un_trunc.xml: line 5", "truncated"], stdout []);
    case!("truncated FtM JSON lines", "lists inspect", ["lists", "inspect", p("ftm_trunc.json")], 0,
        stderr ["skipped: ", "ftm_trunc.json: line 2: not a FollowTheMoney entity"], stdout ["entities  1", "1 records skipped"]);
    case!("truncated FtM JSON lines, --strict", "lists inspect", ["lists", "inspect", "--strict", p("ftm_trunc.json")], 1,
        stderr ["error: ", "ftm_trunc.json: line 2"], stdout []);
    case!("UTF-16 (BOM) UN XML", "lists inspect", ["lists", "inspect", p("un_utf16.xml")], 1,
        stderr ["un_utf16.xml: not a list format", "UTF-16"], stdout []);
    case!("UTF-16 (BOM) FtM", "lists inspect", ["lists", "inspect", p("ftm_utf16.json")], 1,
        stderr ["ftm_utf16.json: not a list format", "UTF-16"], stdout []);
    case!("Latin-1 byte in UN XML", "lists inspect", ["lists", "inspect", p("un_latin1.xml")], 1,
        stderr ["un_latin1.xml: line 5, byte ", "UTF-8"], stdout []);
    case!("Latin-1 byte in FtM", "lists inspect", ["lists", "inspect", p("ftm_latin1.json")], 0,
        stderr ["ftm_latin1.json: line 2: not UTF-8 text"], stdout ["entities  1", "1 records skipped"]);
    case!("semicolon OFAC sdn.csv", "lists inspect", ["lists", "inspect", p("ofac_semi")], 0,
        stderr ["sdn.csv: line 1: expected 12 columns, found 2"], stdout ["entities  0", "1 records skipped"]);
    case!("semicolon OFAC sdn.csv, --strict", "lists inspect", ["lists", "inspect", "--strict", p("ofac_semi")], 1,
        stderr ["sdn.csv: line 1: expected 12 columns"], stdout []);
    case!("10 MB name in FtM", "lists inspect", ["lists", "inspect", p("ftm_huge.json")], 0,
        stderr [], stdout ["entities  2"]);
    case!("100,000 levels of [ in FtM", "lists inspect", ["lists", "inspect", p("ftm_nested.json")], 0,
        stderr ["ftm_nested.json: line 2: not a FollowTheMoney entity"], stdout ["entities  1", "1 records skipped"]);
    case!("birthDate 1984-13-45 in FtM", "lists inspect", ["lists", "inspect", p("ftm_date.json")], 0,
        stderr [], stdout ["entities  1", "0 records skipped, 1 values kept as notes"]);
    case!("billion laughs as the UN list", "lists inspect", ["lists", "inspect", p("laughs.xml")], 1,
        stderr ["laughs.xml: line 2", "DOCTYPE declares entities", "never performed"], stdout []);

    // match
    case!("billion laughs as the UN list", "match", ["match", "--list", p("laughs.xml"), "--name", "Kim"], 1,
        stderr ["laughs.xml: line 2", "DOCTYPE declares entities"], stdout []);
    case!("truncated UN XML", "match", ["match", "--list", p("un_trunc.xml"), "--name", "Kim Chol"], 1,
        stderr ["un_trunc.xml: line 5", "truncated"], stdout []);
    case!("date 1984-13-45", "match", ["match", "--list", &demo, "--name", "Kim Jong Un", "--birth-date", "1984-13-45"], 1,
        stderr ["--birth-date", "1984-13-45", "not a date"], stdout []);
    case!("10 MB name in the list", "match", ["match", "--list", p("ftm_huge.json"), "--name", "Kim Chol"], 0,
        stderr [], stdout ["2 entities indexed", "Kim Chol"]);
    case!("UTF-16 (BOM) FtM", "match", ["match", "--list", p("ftm_utf16.json"), "--name", "Kim"], 1,
        stderr ["ftm_utf16.json", "UTF-16"], stdout []);

    // screen
    let out = |n: &str| p(&format!("out/{n}"));
    case!("truncated CSV (open quote)", "screen", ["screen", "--list", &demo, "--input", p("cust_trunc.csv"), "--output", out("trunc.csv"), "--map", map], 0,
        stderr ["cust_trunc.csv line 3 (row 2)"], stdout ["rows read 2", "rejected rows 1"]);
    case!("UTF-16 (BOM) CSV", "screen", ["screen", "--list", &demo, "--input", p("cust_utf16.csv"), "--output", out("utf16.csv"), "--map", map], 1,
        stderr ["cust_utf16.csv", "UTF-16"], stdout []);
    case!(
        "Latin-1 byte in CSV",
        "screen",
        [
            "screen",
            "--list",
            &demo,
            "--input",
            p("cust_latin1.csv"),
            "--output",
            out("latin1.csv"),
            "--map",
            map
        ],
        0,
        stderr["cust_latin1.csv line 3 (row 2): column `name` is not valid UTF-8"],
        stdout["rejected rows 1"]
    );
    case!("semicolon CSV", "screen", ["screen", "--list", &demo, "--input", p("cust_semi.csv"), "--output", out("semi.csv"), "--map", map], 1,
        stderr ["cust_semi.csv", "column `name`", "id;name;birth_date"], stdout []);
    case!("10 MB name field", "screen", ["screen", "--list", &demo, "--input", p("cust_huge.csv"), "--output", out("huge.csv"), "--map", map], 0,
        stderr [], stdout ["rows read 3", "rejected rows 0"]);
    case!("100,000 levels of [ (JSON lines)", "screen", ["screen", "--list", &demo, "--input", p("cust_nested.jsonl"), "--output", out("nested.jsonl"), "--map", "name=name"], 0,
        stderr ["cust_nested.jsonl line 2 (row 2): not valid JSON"], stdout ["rows read 2", "rejected rows 1"]);
    case!("date 1984-13-45", "screen", ["screen", "--list", &demo, "--input", p("cust_date.csv"), "--output", out("date.csv"), "--map", map], 0,
        stderr ["cust_date.csv line 3 (row 2): column `birth_date`", "1984-13-45", "screened without this value"], stdout ["rejected rows 0", "values left out 1"]);
    case!("date 1984-13-45, --strict", "screen", ["screen", "--strict", "--list", &demo, "--input", p("cust_date.csv"), "--output", out("strict.csv"), "--map", map], 1,
        stderr ["cust_date.csv: line 3 (row 2)", "strict.csv is INCOMPLETE"], stdout []);
    case!("billion laughs as the UN list", "screen", ["screen", "--list", p("laughs.xml"), "--input", p("cust_date.csv"), "--output", out("laughs.csv"), "--map", map], 1,
        stderr ["laughs.xml: line 2", "DOCTYPE declares entities"], stdout []);

    // detect
    let detect = |dir: &str| -> Vec<OsString> {
        args(&[
            &"detect",
            &"--data",
            &p(dir),
            &"--out",
            &p(&format!("{dir}/alerts.jsonl")),
        ])
    };
    macro_rules! detect_case {
        ($input:expr, $dir:expr, $code:expr, stderr [$($e:expr),*], stdout [$($o:expr),*]) => {
            c.push(Case {
                input: $input,
                command: "detect",
                args: detect($dir),
                code: $code,
                stderr: s(&[$($e),*]),
                stdout: s(&[$($o),*]),
            })
        };
    }
    detect_case!(
        "truncated CSV (open quote)",
        "ev_trunc",
        0,
        stderr["rejected: persons.csv line 3: the row has 2 fields"],
        stdout["1 rows rejected (listed in"]
    );
    detect_case!("UTF-16 (BOM) CSV", "ev_utf16", 1,
        stderr ["persons.csv: unreadable header", "invalid utf-8"], stdout []);
    detect_case!("Latin-1 byte in CSV", "ev_latin1", 0,
        stderr ["rejected: persons.csv line 3", "invalid utf-8"], stdout ["1 rows rejected"]);
    detect_case!("semicolon CSV", "ev_semi", 1,
        stderr ["persons.csv: the header has no `person_id` column"], stdout []);
    detect_case!("10 MB name field", "ev_huge", 0,
        stderr [], stdout ["read 2 persons", "0 rows rejected"]);
    detect_case!(
        "100,000 levels of [ (JSON lines)",
        "ev_nested",
        0,
        stderr["rejected: persons.jsonl line 1: not a JSON object"],
        stdout["1 rows rejected"]
    );
    detect_case!(
        "date 1984-13-45",
        "ev_date",
        0,
        stderr["rejected: persons.csv line 3 (w2): `birth_date`: `1984-13-45` has a month outside 1-12"],
        stdout["1 rows rejected"]
    );
    detect_case!("negative amount (payments.csv)", "ev_negative", 0,
        stderr ["rejected: payments.csv line 2 (p1): `amount`: `-500` is negative"], stdout ["0 payments", "1 rows rejected"]);
    detect_case!("dangling person_id", "ev_dangling", 0,
        stderr ["rejected: placements.csv line 2 (q1): `person_id` refers to `w404`, which is not in persons"], stdout ["0 placements", "1 rows rejected"]);
    case!("date 1984-13-45, --strict", "detect", ["detect", "--strict", "--data", p("ev_date"), "--out", p("ev_date/strict.jsonl")], 1,
        stderr ["persons.csv line 3", "1984-13-45"], stdout []);
    case!("billion laughs as the UN list", "detect", ["detect", "--data", p("ev_date"), "--list", p("laughs.xml"), "--out", p("ev_date/laughs.jsonl")], 1,
        stderr ["laughs.xml: line 2", "DOCTYPE declares entities"], stdout []);

    // eval pairs
    case!("truncated JSON lines", "eval pairs", ["eval", "pairs", p("pairs_trunc.jsonl")], 1,
        stderr ["pairs_trunc.jsonl: line 2: EOF while parsing"], stdout []);
    case!("UTF-16 (BOM) JSON lines", "eval pairs", ["eval", "pairs", p("pairs_utf16.jsonl")], 1,
        stderr ["pairs_utf16.jsonl: line 1: not UTF-8 text"], stdout []);
    case!("Latin-1 byte in JSON lines", "eval pairs", ["eval", "pairs", p("pairs_latin1.jsonl")], 1,
        stderr ["pairs_latin1.jsonl: line 2: not UTF-8 text"], stdout []);
    case!("semicolon CSV (name-bench)", "eval pairs", ["eval", "pairs", "--format", "name-bench", p("bench_semi.csv")], 1,
        stderr ["bench_semi.csv: line 1: missing column `case_group`"], stdout []);
    case!("100,000 levels of [", "eval pairs", ["eval", "pairs", p("pairs_nested.jsonl")], 1,
        stderr ["pairs_nested.jsonl: line 2"], stdout []);
    case!("10 MB name field", "eval pairs", ["eval", "pairs", p("pairs_huge.jsonl")], 0,
        stderr [], stdout ["1 pairs"]);
    case!("date 1984-13-45", "eval pairs", ["eval", "pairs", p("pairs_date.jsonl")], 1,
        stderr ["pairs_date.jsonl: line 1: query property `birthDate`: `1984-13-45` is not a date"], stdout []);

    // cases import
    macro_rules! import_case {
        ($input:expr, $flag:expr, $file:expr, $code:expr, stderr [$($e:expr),*], stdout [$($o:expr),*]) => {
            c.push(Case {
                input: $input,
                command: "cases import",
                args: args(&[&"cases", &"import", &"--database", &db, &$flag, &p($file)]),
                code: $code,
                stderr: s(&[$($e),*]),
                stdout: s(&[$($o),*]),
            })
        };
    }
    import_case!("truncated JSON lines", "--alerts", "alerts_trunc.jsonl", 1,
        stderr ["alerts_trunc.jsonl line 2: not JSON"], stdout []);
    import_case!("UTF-16 (BOM) JSON lines", "--alerts", "alerts_utf16.jsonl", 1,
        stderr ["alerts_utf16.jsonl line 1", "UTF-8"], stdout []);
    import_case!("Latin-1 byte in JSON lines", "--alerts", "alerts_latin1.jsonl", 1,
        stderr ["alerts_latin1.jsonl line 2", "UTF-8"], stdout []);
    import_case!("100,000 levels of [", "--alerts", "alerts_nested.jsonl", 1,
        stderr ["alerts_nested.jsonl line 2: not JSON", "recursion limit"], stdout []);
    import_case!("date 1984-13-45 (period_start)", "--alerts", "alerts_date.jsonl", 1,
        stderr ["alerts_date.jsonl line 2: field `period_start` is not a date", "nothing was imported"], stdout []);
    import_case!("negative estimated_revenue_usd", "--alerts", "alerts_negative.jsonl", 1,
        stderr ["alerts_negative.jsonl line 2: field `estimated_revenue_usd` is negative", "nothing was imported"], stdout []);
    import_case!("10 MB summary", "--alerts", "alerts_huge.jsonl", 0,
        stderr [], stdout ["1 alerts read; 1 cases created"]);
    c.push(Case {
        input: "hit on an entry in no --list (dangling entity_id)",
        command: "cases import",
        args: args(&[
            &"cases",
            &"import",
            &"--database",
            &db,
            &"--hits",
            &p("hits_dangling.jsonl"),
            &"--list",
            &demo,
        ]),
        code: 0,
        stderr: vec![],
        stdout: s(&["1 hits read; 1 cases created"]),
    });
    c
}

#[test]
fn every_malformed_input_gets_a_located_error_and_no_panic() {
    let f = Fixtures::build();
    std::fs::create_dir_all(f.p("out")).unwrap();
    let table = cases(&f);
    let mut failures = Vec::new();
    let mut report =
        String::from("| input | command | exit | first line of stderr |\n|---|---|---|---|\n");
    for case in &table {
        let o = run(f.dir.path(), &case.args);
        let first = o
            .stderr
            .lines()
            .next()
            .unwrap_or("")
            .replace(&*f.dir.path().to_string_lossy(), "");
        report.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            case.input,
            case.command,
            o.code,
            first.chars().take(140).collect::<String>()
        ));
        let mut problems = Vec::new();
        if o.code != case.code {
            problems.push(format!("exit {} (expected {})", o.code, case.code));
        }
        if o.stderr.contains("panicked") || o.code == 101 {
            problems.push("panicked".to_string());
        }
        if o.code != 0 && !o.stderr.contains("error: ") {
            problems.push("a failure without an `error:` line".to_string());
        }
        for want in &case.stderr {
            if !o.stderr.contains(want.as_str()) {
                problems.push(format!("stderr lacks {want:?}"));
            }
        }
        for want in &case.stdout {
            if !o.stdout.contains(want.as_str()) {
                problems.push(format!("stdout lacks {want:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} / {}: {}\n  stderr: {}\n  stdout: {}",
                case.input,
                case.command,
                problems.join("; "),
                o.stderr.chars().take(600).collect::<String>(),
                o.stdout.chars().take(300).collect::<String>()
            ));
        }
    }
    eprintln!("{report}");
    eprintln!("{} inputs checked", table.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_partial_output_is_presented_as_complete() {
    let f = Fixtures::build();
    let demo = demo();
    // screen --strict stops at the bad row: the results file holds the rows
    // before it, its checkpoint says incomplete, and stderr says so.
    let out = f.p("strict.csv");
    let o = run(
        f.dir.path(),
        &args(&[
            &"screen",
            &"--strict",
            &"--list",
            &demo,
            &"--input",
            &f.p("cust_date.csv"),
            &"--output",
            &out,
            &"--map",
            &"name=name,birthDate=birth_date",
        ]),
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty(), "no summary on failure: {}", o.stdout);
    assert!(o.stderr.contains("INCOMPLETE"), "{}", o.stderr);
    let checkpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.p("strict.csv.progress.json")).unwrap()).unwrap();
    assert_eq!(checkpoint["complete"], false);
    assert_eq!(checkpoint["rows_done"], 1);

    // Without --strict the bad date is left out of its row's query, the
    // summary counts it and the checkpoint says complete.
    let out = f.p("lenient.csv");
    let o = run(
        f.dir.path(),
        &args(&[
            &"screen",
            &"--json",
            &"--list",
            &demo,
            &"--input",
            &f.p("cust_date.csv"),
            &"--output",
            &out,
            &"--map",
            &"name=name,birthDate=birth_date",
        ]),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let summary: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(summary["rejected"], 0, "{summary}");
    assert_eq!(summary["values_left_out"], 1, "{summary}");
    assert_eq!(summary["rows_read"], 2, "{summary}");
    let checkpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.p("lenient.csv.progress.json")).unwrap()).unwrap();
    assert_eq!(checkpoint["complete"], true);

    // detect lists every bad row in the rejected report, with no id taken
    // from a neighbouring row, and says so in its summary.
    for (dir, line, id) in [
        ("ev_trunc", 3, None),
        ("ev_date", 3, Some("w2")),
        ("ev_negative", 2, Some("p1")),
        ("ev_dangling", 2, Some("q1")),
    ] {
        let alerts = f.p(&format!("{dir}/alerts.jsonl"));
        let o = run(
            f.dir.path(),
            &args(&[&"detect", &"--data", &f.p(dir), &"--out", &alerts]),
        );
        assert_eq!(o.code, 0, "{dir}: {}", o.stderr);
        assert!(
            o.stdout.contains("1 rows rejected (listed in"),
            "{dir}: {}",
            o.stdout
        );
        let report = std::fs::read_to_string(f.p(&format!("{dir}/alerts.rejected.jsonl"))).unwrap();
        let rows: Vec<serde_json::Value> = report
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 1, "{dir}: {report}");
        assert_eq!(rows[0]["line"], line, "{dir}");
        assert_eq!(rows[0]["id"].as_str(), id, "{dir}: {report}");
        assert!(!rows[0]["reason"].as_str().unwrap().is_empty());
        // --strict: exit 1, and no alerts file claiming a finished run.
        let strict_out = f.p(&format!("{dir}/strict.jsonl"));
        let o = run(
            f.dir.path(),
            &args(&[
                &"detect",
                &"--strict",
                &"--data",
                &f.p(dir),
                &"--out",
                &strict_out,
            ]),
        );
        assert_eq!(o.code, 1, "{dir}");
        assert!(
            o.stderr.contains(&format!("line {line}")),
            "{dir}: {}",
            o.stderr
        );
        assert!(
            !strict_out.exists(),
            "{dir}: --strict left {}",
            strict_out.display()
        );
    }

    // cases import: one bad alert and nothing of the file is imported.
    let db = f.p("import.db");
    let o = run(
        f.dir.path(),
        &args(&[
            &"cases",
            &"import",
            &"--database",
            &db,
            &"--alerts",
            &f.p("alerts_negative.jsonl"),
        ]),
    );
    assert_eq!(o.code, 1);
    let store = yalu_store::Store::open(&db).unwrap();
    let (cases, total) = store
        .cases()
        .list(&yalu_store::CaseFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (cases.len(), total.value),
        (0, 0),
        "the good alert before the bad one was not imported"
    );
}
