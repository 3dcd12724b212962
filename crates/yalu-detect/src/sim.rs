//! A synthetic world in the event data format, with the patterns it plants.
//!
//! [`write_world`] writes a data set folder for `workers` DPRK workers
//! (plus honest negatives in proportion), `truth.jsonl` (see [`crate::eval`])
//! and a small sanctions list in FtM JSON lines (`list/entities.ftm.json`).
//! The same seed writes the same files.
//!
//! The world follows 2017-2019 reporting from Dandong (2016-2020 timeline).
//! The simulator never reads the rule file: sizes, gaps, stays and shares
//! come from distributions of its own, wide enough to fall on both sides
//! of the rules' limits, and the truth is what happened in the world (a bus
//! that went to one site is a group crossing to a site, whatever its size).
//!
//! * **Intern crews** (about 60 % of the workers): trading houses turned
//!   staffing agencies in Dandong send 2-6 buses of 8-40 workers, 7-50
//!   days apart, each crossing at Dandong as one group (`group_ref`) and
//!   starting at a textile or seafood plant in Dandong, Shenyang or Dalian
//!   within a week. Workers hold one-month intern visas, renewed by leaving
//!   after 18-34 days and coming back 1-12 days later on a new one. Every
//!   other house brings its crews home in mid-2019; the others keep them on
//!   past the deadline, sending them out for show before 2019-12-22 and
//!   back after it: mostly 5-60 days before and 7-120 days after, one house
//!   in five up to 150 days before and 270 after.
//! * **Restaurant teams** (about 15 %): 2-12 waitresses on five-year
//!   entertainer visas; the whole team is swapped for a new one that starts
//!   3-90 days after the old one leaves (one restaurant in five stays shut
//!   90-300 days), and stays past the deadline.
//! * **Construction crews on work permits** (about 13 %): 4-15 workers per
//!   site; every other crew's permits were issued after 2017-09-11. Some
//!   sites pay 30-100 % of the crew's wages to the agency instead. A crew
//!   on earlier permits, which ends before the deadline, worked as the
//!   resolutions allowed: it is no group-to-site or dispatch pattern (its
//!   wages paid to the agency still are).
//! * **Status switches** (about 7 %): textile crews of 3-13 whose work
//!   permits end in 2018 and who stay at the same plant on trainee visas
//!   starting 1-60 days later.
//! * Front companies: some restaurants and sites are directed by DPRK
//!   officials, and some plants are owned by a listed trading house.
//! * Second records: some workers appear again as Chinese nationals with
//!   the same passport (an agency roster), others under a new passport
//!   with a different spelling of their name.
//!
//! Negatives that no alert may name, at every difficulty: Chinese workers
//! and agencies (including ethnic Koreans with Korean names, some the exact
//! namesakes, born the same day, of DPRK workers without a Chinese-identity
//! record), South Korean (`kr`) nationals and other foreign workers on work
//! permits who travel home every month, and lawful DPRK travellers:
//! officials, consular staff and students who go home over the deadline,
//! trade representatives on short business trips.
//!
//! From [`SimOptions::difficulty`] 1, near misses and hard cases: DPRK
//! delegations of ten and more that go to no work site; Chinese agencies
//! with a 5-40 % DPRK minority on pre-2375 permits that expired before the
//! deadline; rent, supplier and tax payments by employers of DPRK crews;
//! South Koreans whose nationality is written as a bare "Korea";
//! restaurants that swapped DPRK teams on pre-2375 permits, some of whose
//! staff come back after the deadline only to visit, once or on several
//! business trips;
//! DPRK namesakes of workers born years apart; a worker's record in Hangul
//! only; and a Chinese citizen with the name and birth date of a worker's
//! Chinese-identity record, which resolution cannot tell from it (the
//! evaluation counts the merge).

use crate::day::Day;
use crate::error::DetectError;
use crate::eval::TruthLine;
use crate::sim_names::trade_name;
use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Ground-truth file name within the output folder.
pub const TRUTH_FILE: &str = "truth.jsonl";
/// Folder of the sanctions list within the output folder.
pub const LIST_DIR: &str = "list";

/// What world to simulate.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// DPRK workers to place; negatives and organisations scale with it.
    pub workers: usize,
    /// Seed of the random generator: the same seed (and options) writes
    /// the same files.
    pub seed: u64,
    /// 0: the workers and the plain negatives (foreign workers, DPRK
    /// officials and students who travel lawfully). 1: also near misses
    /// (lawful DPRK delegations of ten and more, mixed agencies with
    /// pre-2017 DPRK permit holders, employers' rent, supplier and tax
    /// payments) and hard resolution cases. 2: twice as many of each.
    pub difficulty: u8,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct SimStats {
    /// Person records written (a worker may have several).
    pub persons: usize,
    /// Document rows written.
    pub documents: usize,
    /// Crossing rows written.
    pub crossings: usize,
    /// Placement rows written.
    pub placements: usize,
    /// Organisation rows written.
    pub organizations: usize,
    /// Relation rows written.
    pub relations: usize,
    /// Payment rows written.
    pub payments: usize,
    /// `pattern` lines of the truth file (planted patterns).
    pub patterns: usize,
    /// `negative` lines of the truth file.
    pub negatives: usize,
}

/// SplitMix64: small, fast and stable across versions, so a seed always
/// gives the same world.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }
}

// (DPRK spelling, South spelling, Hangul)
const SURNAMES: &[(&str, &str, &str)] = &[
    ("Kim", "Kim", "김"),
    ("Ri", "Lee", "리"),
    ("Pak", "Park", "박"),
    ("Choe", "Choi", "최"),
    ("Jong", "Jeong", "정"),
    ("Kang", "Kang", "강"),
    ("Han", "Han", "한"),
    ("Yun", "Yoon", "윤"),
    ("Jang", "Jang", "장"),
    ("Hwang", "Hwang", "황"),
    ("Song", "Song", "송"),
    ("Sin", "Shin", "신"),
    ("O", "Oh", "오"),
    ("An", "Ahn", "안"),
    ("Jo", "Cho", "조"),
    ("Hong", "Hong", "홍"),
    ("Ju", "Joo", "주"),
    ("Mun", "Moon", "문"),
    ("Paek", "Baek", "백"),
    ("Kwon", "Kwon", "권"),
];
const SYLLABLES: &[(&str, &str, &str)] = &[
    ("Chol", "cheol", "철"),
    ("Su", "su", "수"),
    ("Yong", "yeong", "영"),
    ("Il", "il", "일"),
    ("Myong", "myeong", "명"),
    ("Hyok", "hyeok", "혁"),
    ("Song", "seong", "성"),
    ("Gwang", "gwang", "광"),
    ("Jin", "jin", "진"),
    ("Hui", "hui", "희"),
    ("Ok", "ok", "옥"),
    ("Sun", "sun", "순"),
    ("Hyang", "hyang", "향"),
    ("Mi", "mi", "미"),
    ("Kum", "geum", "금"),
    ("Nam", "nam", "남"),
    ("Ho", "ho", "호"),
    ("Hak", "hak", "학"),
    ("Chun", "chun", "춘"),
    ("Ae", "ae", "애"),
    ("Ran", "ran", "란"),
    ("Hwa", "hwa", "화"),
    ("Dok", "deok", "덕"),
    ("Man", "man", "만"),
    ("Bok", "bok", "복"),
    ("Yon", "yeon", "연"),
    ("Thae", "tae", "태"),
    ("Hun", "hun", "훈"),
];
const HAN_SURNAMES: &[(&str, &str)] = &[
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Zhao", "赵"),
    ("Huang", "黄"),
    ("Zhou", "周"),
    ("Wu", "吴"),
];
const HAN_GIVEN: &[(&str, &str)] = &[
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yang", "洋"),
    ("Yong", "勇"),
    ("Yan", "艳"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiu", "秀"),
    ("Hua", "华"),
];

/// A Korean name: DPRK spelling, South spelling, Hangul.
struct KoreanName {
    north: String,
    south: String,
    hangul: String,
}

/// How a Chinese record of a DPRK worker reads (see
/// `World::chinese_record`).
struct ChineseRecord<'r> {
    /// The name as the Chinese record spells it.
    name: &'r str,
    /// Its alias (the Hangul), or empty.
    alias: &'r str,
    /// The nationality as written (`CN`, `China`).
    nationality: &'r str,
    /// Where the record comes from (`hukou extract`, `site roster`).
    source: &'r str,
}

struct Files {
    persons: csv::Writer<BufWriter<std::fs::File>>,
    documents: csv::Writer<BufWriter<std::fs::File>>,
    crossings: csv::Writer<BufWriter<std::fs::File>>,
    placements: csv::Writer<BufWriter<std::fs::File>>,
    organizations: csv::Writer<BufWriter<std::fs::File>>,
    relations: csv::Writer<BufWriter<std::fs::File>>,
    payments: csv::Writer<BufWriter<std::fs::File>>,
}

struct World {
    rng: Rng,
    files: Files,
    stats: SimStats,
    truth: Vec<TruthLine>,
    used_names: HashSet<(String, i32)>,
    next_passport: u64,
    pattern_no: usize,
}

fn d(y: i32, m: u8, day: u8) -> Day {
    Day::ymd(y, m, day)
}

const DEADLINE: (i32, u8, u8) = (2019, 12, 22);
/// Last day of the simulated world.
const WORLD_END: (i32, u8, u8) = (2020, 12, 31);

fn csv_err(path: &Path, e: csv::Error) -> DetectError {
    DetectError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl World {
    fn korean_name(&mut self, dob: Day) -> KoreanName {
        loop {
            let s = *self.rng.pick(SURNAMES);
            let g1 = *self.rng.pick(SYLLABLES);
            let g2 = *self.rng.pick(SYLLABLES);
            if g1.0 == g2.0 {
                continue;
            }
            let north = format!("{} {} {}", s.0, g1.0, g2.0);
            if !self.used_names.insert((north.clone(), dob.0)) {
                continue;
            }
            return KoreanName {
                north,
                south: format!("{} {}-{}", s.1, capitalize(g1.1), g2.1),
                hangul: format!("{}{}{}", s.2, g1.2, g2.2),
            };
        }
    }

    fn birth(&mut self) -> Day {
        d(1970, 1, 1).plus(self.rng.range(0, 30 * 365) as i32)
    }

    fn passport(&mut self) -> String {
        self.next_passport += 1 + self.rng.range(0, 50) as u64;
        format!("{:09}", self.next_passport)
    }

    fn id(&mut self, prefix: &str, n: usize) -> String {
        format!("{prefix}{n:07}")
    }

    fn person(&mut self, row: [&str; 8]) -> Result<String, DetectError> {
        self.stats.persons += 1;
        let id = row[0].to_string();
        self.files
            .persons
            .write_record(row)
            .map_err(|e| csv_err(Path::new("persons.csv"), e))?;
        Ok(id)
    }

    fn new_person_id(&mut self) -> String {
        let n = self.stats.persons + 1;
        self.id("p", n)
    }

    /// A DPRK national with a fresh name; returns (id, name, dob, passport).
    fn dprk_person(
        &mut self,
        gender: &str,
        source: &str,
    ) -> Result<(String, KoreanName, Day, String), DetectError> {
        let dob = self.birth();
        let name = self.korean_name(dob);
        let passport = self.passport();
        let id = self.new_person_id();
        let dob_s = dob.to_string();
        let nat = *self.rng.pick(&["KP", "KP", "North Korea", "DPRK"]);
        self.person([
            &id,
            &name.north,
            &name.hangul,
            &dob_s,
            gender,
            nat,
            &passport,
            source,
        ])?;
        Ok((id, name, dob, passport))
    }

    #[allow(clippy::too_many_arguments)]
    fn doc(
        &mut self,
        person: &str,
        kind: &str,
        category: &str,
        number: &str,
        sponsor: &str,
        from: Day,
        until: Day,
    ) -> Result<String, DetectError> {
        self.stats.documents += 1;
        let id = self.id("d", self.stats.documents);
        let (f, u) = (from.to_string(), until.to_string());
        let issuer = if kind == "passport" { "KP" } else { "CN" };
        self.files
            .documents
            .write_record([
                &id, person, kind, category, issuer, number, sponsor, &f, &f, &u,
            ])
            .map_err(|e| csv_err(Path::new("documents.csv"), e))?;
        Ok(id)
    }

    fn cross(
        &mut self,
        person: &str,
        doc: &str,
        dir: &str,
        port: &str,
        day: Day,
        group: &str,
    ) -> Result<(), DetectError> {
        self.stats.crossings += 1;
        let id = self.id("x", self.stats.crossings);
        let when = if self.stats.crossings.is_multiple_of(3) {
            format!(
                "{day}T{:02}:{:02}:00Z",
                6 + self.stats.crossings % 10,
                self.stats.crossings % 60
            )
        } else {
            day.to_string()
        };
        self.files
            .crossings
            .write_record([&id, person, doc, dir, "CN", port, &when, group])
            .map_err(|e| csv_err(Path::new("crossings.csv"), e))
    }

    /// The person `id` again under a new passport, in the southern
    /// spelling (an agency roster); returns the new record.
    fn roster_record(
        &mut self,
        id: &str,
        name: &KoreanName,
        dob: Day,
        gender: &str,
    ) -> Result<String, DetectError> {
        let id2 = self.new_person_id();
        let p2 = self.passport();
        let dob_s = dob.to_string();
        self.person([
            &id2,
            &name.south.to_uppercase(),
            "",
            &dob_s,
            gender,
            "KP",
            &p2,
            "agency roster",
        ])?;
        self.truth.push(TruthLine::SamePerson {
            ids: vec![id.to_string(), id2.clone()],
        });
        Ok(id2)
    }

    /// The person `id` again in Hangul only, under a new passport.
    fn hangul_record(
        &mut self,
        id: &str,
        name: &KoreanName,
        dob: Day,
        gender: &str,
    ) -> Result<(), DetectError> {
        let id4 = self.new_person_id();
        let p4 = self.passport();
        let dob_s = dob.to_string();
        self.person([
            &id4,
            &name.hangul,
            &name.south,
            &dob_s,
            gender,
            "Korea, North",
            &p4,
            "dormitory register",
        ])?;
        self.truth.push(TruthLine::SamePerson {
            ids: vec![id.to_string(), id4],
        });
        Ok(())
    }

    /// The DPRK worker `id` recorded again as a Chinese citizen on the
    /// same passport, as `record` writes it: ground truth that both are one
    /// person, and a planted `NATIONALITY_CONFLICT` on `id`. Returns the
    /// Chinese record's id.
    fn chinese_record(
        &mut self,
        id: &str,
        dob: Day,
        passport: &str,
        gender: &str,
        record: ChineseRecord,
    ) -> Result<String, DetectError> {
        let id3 = self.new_person_id();
        let dob_s = dob.to_string();
        self.person([
            &id3,
            record.name,
            record.alias,
            &dob_s,
            gender,
            record.nationality,
            passport,
            record.source,
        ])?;
        self.truth.push(TruthLine::SamePerson {
            ids: vec![id.to_string(), id3.clone()],
        });
        self.pattern(
            "NATIONALITY_CONFLICT",
            &[id],
            format!("{id} also recorded as Chinese ({id3})"),
        );
        Ok(id3)
    }

    /// A visit from `from`, with no sponsor: one stay as a tourist, or
    /// three to five business trips of 5-25 days every few weeks.
    fn visits(&mut self, person: &str, from: Day) -> Result<(), DetectError> {
        let (cat, trips) = if self.rng.chance(0.5) {
            ("tourist", 1)
        } else {
            ("business", self.rng.range(3, 6))
        };
        let mut t = from;
        let v = self.doc(person, "visa", cat, "", "", t.plus(-10), t.plus(365))?;
        for _ in 0..trips {
            let stay = self.rng.range(5, 25) as i32;
            self.cross(person, &v, "entry", "Dandong", t, "")?;
            self.cross(person, &v, "exit", "Dandong", t.plus(stay), "")?;
            t = t.plus(stay + self.rng.range(5, 20) as i32);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        person: &str,
        agency: &str,
        client: &str,
        site: &str,
        sector: &str,
        role: &str,
        start: Day,
        end: Option<Day>,
        wage: u32,
    ) -> Result<String, DetectError> {
        self.stats.placements += 1;
        let id = self.id("pl", self.stats.placements);
        let (s, e) = (
            start.to_string(),
            end.map(|e| e.to_string()).unwrap_or_default(),
        );
        let w = wage.to_string();
        self.files
            .placements
            .write_record([
                &id, person, agency, client, site, sector, role, &s, &e, &w, "CNY",
            ])
            .map_err(|e| csv_err(Path::new("placements.csv"), e))?;
        Ok(id)
    }

    fn org(
        &mut self,
        name: &str,
        original: &str,
        kind: &str,
        city: &str,
        sector: &str,
    ) -> Result<String, DetectError> {
        self.stats.organizations += 1;
        let id = format!("o{:05}", self.stats.organizations);
        let country = if kind == "trading_house" && original.contains('조') {
            "KP"
        } else {
            "CN"
        };
        let reg = format!("91210{:08}", self.stats.organizations * 7919 % 100_000_000);
        self.files
            .organizations
            .write_record([&id, name, original, kind, country, city, &reg, sector])
            .map_err(|e| csv_err(Path::new("organizations.csv"), e))?;
        Ok(id)
    }

    fn relation(
        &mut self,
        from: &str,
        to: &str,
        kind: &str,
        since: Day,
    ) -> Result<(), DetectError> {
        self.stats.relations += 1;
        let id = self.id("r", self.stats.relations);
        let share = if kind == "owns" { "51" } else { "" };
        self.files
            .relations
            .write_record([&id, from, to, kind, share, &since.to_string(), ""])
            .map_err(|e| csv_err(Path::new("relations.csv"), e))
    }

    fn pay(
        &mut self,
        payer: &str,
        payee: &str,
        amount: u32,
        day: Day,
        reference: &str,
    ) -> Result<(), DetectError> {
        self.stats.payments += 1;
        let id = self.id("pay", self.stats.payments);
        self.files
            .payments
            .write_record([
                &id,
                payer,
                payee,
                &amount.to_string(),
                "CNY",
                &day.to_string(),
                "bank",
                reference,
            ])
            .map_err(|e| csv_err(Path::new("payments.csv"), e))
    }

    fn pattern(&mut self, rule: &str, keys: &[&str], note: String) {
        self.pattern_no += 1;
        self.truth.push(TruthLine::Pattern {
            pattern_id: format!("T{:06}", self.pattern_no),
            rule: rule.to_string(),
            key_ids: keys.iter().map(|k| k.to_string()).collect(),
            note,
        });
    }

    fn negative(&mut self, id: &str, note: &str) {
        self.truth.push(TruthLine::Negative {
            id: id.to_string(),
            note: note.to_string(),
        });
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

const CITIES: &[&str] = &["Dandong", "Shenyang", "Dalian"];
const PLANT_WORDS: &[&str] = &[
    "Haifeng",
    "Jinhai",
    "Donggang",
    "Xinyu",
    "Hongda",
    "Yalujiang",
    "Huaxin",
    "Lianhe",
    "Shengli",
    "Baihe",
    "Tianyi",
    "Fuxing",
    "Jiahe",
    "Ruixiang",
    "Longsheng",
    "Xinghai",
    "Dongfang",
    "Hengtai",
];
const HOUSE_WORDS: &[&str] = &[
    "Sobaeksu",
    "Unha",
    "Kumsong",
    "Myohyang",
    "Paektusan",
    "Rungra",
    "Chilbo",
    "Taedonggang",
    "Moranbong",
    "Ryugyong",
    "Kwangmyong",
    "Samjiyon",
    "Manpung",
    "Haebangsan",
    "Jangsu",
    "Songdowon",
];

fn place_name(rng: &mut Rng, n: usize, words: &[&str]) -> String {
    format!("{} {}", rng.pick(words), trade_name("plant", n))
}

/// Writes a synthetic world to `dir`.
pub fn write_world(dir: &Path, opts: &SimOptions) -> Result<SimStats, DetectError> {
    std::fs::create_dir_all(dir.join(LIST_DIR)).map_err(|e| DetectError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut s = Scenario::new(open_files(dir)?, opts);

    // ---- DPRK officials (who do not work); some direct companies later
    s.dprk_officials()?;
    // ---- intern crews: staggered dispatch by trading houses
    s.intern_crews()?;
    // ---- restaurant teams rotated on five-year entertainer visas
    s.restaurant_teams()?;
    // ---- construction crews on work permits, some paid to the agency
    s.construction_crews()?;
    // ---- status switch: work permit ends, trainee visa at the same plant
    s.status_switches()?;

    // ---- negatives
    // DPRK students: long stays, summer breaks only
    s.dprk_students()?;
    // officials who direct nothing; one of them directs a Chinese company
    s.unused_officials()?;
    // Chinese workers through Chinese agencies, paid by lump sums
    let (cn_clients, cn_workers_by_client) = s.chinese_workers()?;
    // Chinese plants pay their staffing agency a monthly lump sum
    s.chinese_lump_sums(&cn_clients, &cn_workers_by_client)?;
    // South Korean nationals and other foreigners on work documents who travel often
    s.foreigners()?;

    // ---- lawful DPRK travellers, at every difficulty: consular staff and
    // students who go home over the deadline, trade representatives on
    // short trips; none of them works
    let university = s.lawful_dprk_travellers()?;

    // ---- near misses (difficulty 1 and more)
    // DPRK delegations of ten and more that cross together and go to no work site
    s.delegations()?;
    // Chinese staffing agencies with a minority of DPRK workers on permits
    // issued before UNSCR 2375 that expired before the deadline; the DPRK
    // workers cross as one group and are spread over several clients
    s.mixed_agencies()?;
    // DPRK namesakes of workers, born years apart (never the same person)
    s.namesakes(&university)?;
    // employers of DPRK crews also pay rent, suppliers and taxes
    s.non_wage_payments()?;

    // decoys on the list: names nobody in the data carries
    s.decoys();
    // restaurants that swapped their DPRK team lawfully, before UNSCR 2375,
    // the new team's permits issued before it and its work ended by the
    // deadline (drawn last, so the worlds before it are unchanged)
    s.lawful_team_swaps()?;

    // finish
    s.finish(dir)
}

/// Creates the seven CSV files in `dir`, each with its header row.
fn open_files(dir: &Path) -> Result<Files, DetectError> {
    let open = |name: &str,
                header: &[&str]|
     -> Result<csv::Writer<BufWriter<std::fs::File>>, DetectError> {
        let path = dir.join(name);
        let f = std::fs::File::create(&path).map_err(|e| DetectError::Io {
            path: path.clone(),
            source: e,
        })?;
        let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, f));
        w.write_record(header).map_err(|e| csv_err(&path, e))?;
        Ok(w)
    };
    Ok(Files {
        persons: open("persons.csv", crate::read::PERSON_FIELDS)?,
        documents: open("documents.csv", crate::read::DOC_FIELDS)?,
        crossings: open("crossings.csv", crate::read::CROSSING_FIELDS)?,
        placements: open("placements.csv", crate::read::PLACEMENT_FIELDS)?,
        organizations: open("organizations.csv", crate::read::ORG_FIELDS)?,
        relations: open("relations.csv", crate::read::RELATION_FIELDS)?,
        payments: open("payments.csv", crate::read::PAYMENT_FIELDS)?,
    })
}

/// DPRK officials, and which of them direct or represent a company.
struct Officials {
    ids: Vec<String>,
    cursor: usize,
    used: HashSet<String>,
}

impl Officials {
    /// The next official not yet linked to a company, now marked as used.
    fn take(&mut self) -> Option<String> {
        let o = self.ids.get(self.cursor)?.clone();
        self.cursor += 1;
        self.used.insert(o.clone());
        Some(o)
    }
}

/// A trading house sending intern crews, and how it handles the deadline.
struct InternHouse {
    no: usize,
    agency: String,
    agency_name: String,
    /// Crews kept on past the deadline (else brought home).
    churn: bool,
    /// How long before the deadline the crews go home.
    churn_out: i32,
    /// How long after the deadline they come back.
    churn_back: i32,
    listed: bool,
}

/// A bus of interns: the plant it goes to and its dates.
struct InternBus {
    client: String,
    city: &'static str,
    sector: &'static str,
    group: String,
    start: Day,
    cross_day: Day,
    planned_end: Day,
}

/// A restaurant staffed by a catering trading house, and its team swap.
struct Restaurant {
    no: usize,
    agency: String,
    client: String,
    name: String,
    city: &'static str,
    a_start: Day,
    rotation: Day,
    b_start: Day,
}

/// A construction crew: its site, permits and dates, and how it is paid.
struct Crew {
    agency: String,
    client: String,
    city: &'static str,
    group: String,
    issued: Day,
    start: Day,
    end: Day,
    /// Permits issued after UNSCR 2375.
    after: bool,
    /// Wages paid to the agency.
    sweep: bool,
    /// The share of the wages the client pays to the agency.
    sweep_share: u32,
}

/// Chinese plants (id, city), and each plant's workers as (agency, wage).
type ChinesePlants = (Vec<(String, &'static str)>, Vec<Vec<(String, u32)>>);

/// The world being written and what its sections share.
struct Scenario {
    w: World,
    /// DPRK workers asked for (at least one).
    n: usize,
    /// The difficulty: rounds of near misses and hard cases.
    hard: usize,
    deadline: Day,
    world_end: Day,
    /// Entries of the sanctions list.
    listed: Vec<serde_json::Value>,
    /// (north name, south name, dob) for namesakes
    dprk_worker_names: Vec<(String, String, Day)>,
    officials: Officials,
    /// (client, monthly wage bill, first day, last day) of construction crews
    crew_clients: Vec<(String, u32, Day, Day)>,
}

impl Scenario {
    /// An empty world writing to `files`, seeded from `opts`.
    fn new(files: Files, opts: &SimOptions) -> Self {
        Scenario {
            w: World {
                rng: Rng(opts.seed ^ SEED_SALT),
                files,
                stats: SimStats::default(),
                truth: Vec::new(),
                used_names: HashSet::new(),
                next_passport: 745_000_000 + opts.seed % 1000 * 100_000,
                pattern_no: 0,
            },
            n: opts.workers.max(1),
            hard: opts.difficulty as usize,
            deadline: d(DEADLINE.0, DEADLINE.1, DEADLINE.2),
            world_end: d(WORLD_END.0, WORLD_END.1, WORLD_END.2),
            listed: Vec::new(),
            dprk_worker_names: Vec::new(),
            officials: Officials {
                ids: Vec::new(),
                cursor: 0,
                used: HashSet::new(),
            },
            crew_clients: Vec::new(),
        }
    }

    /// DPRK officials (who do not work), travelling home now and then.
    fn dprk_officials(&mut self) -> Result<(), DetectError> {
        let w = &mut self.w;
        let n_officials = (self.n / 100).max(3);
        for _ in 0..n_officials {
            let (id, _, _, _) = w.dprk_person("M", "consulate register")?;
            let from = d(2016, 1, 1).plus(w.rng.range(0, 200) as i32);
            let v = w.doc(&id, "visa", "official", "", "", from, from.plus(4 * 365))?;
            // trips of 60-120 days away and 90-200 days in China, none around the deadline
            let mut t = from;
            w.cross(&id, &v, "entry", "Dandong", t, "")?;
            loop {
                let stay = w.rng.range(90, 200) as i32;
                let out = w.rng.range(60, 120) as i32;
                let x = t.plus(stay);
                let back = x.plus(out);
                if back > d(2019, 10, 31) {
                    break;
                }
                w.cross(&id, &v, "exit", "Dandong", x, "")?;
                w.cross(&id, &v, "entry", "Dandong", back, "")?;
                t = back;
            }
            self.officials.ids.push(id);
        }
        Ok(())
    }

    /// Intern crews: trading houses dispatching buses of interns in staggered batches.
    fn intern_crews(&mut self) -> Result<(), DetectError> {
        let intern_target = self.n * 60 / 100;
        let mut interns = 0;
        let mut house_no = 0;
        while interns < intern_target {
            house_no += 1;
            interns += self.intern_house(house_no)?;
        }
        Ok(())
    }

    /// One trading house sending 2-6 buses of interns; returns its interns.
    fn intern_house(&mut self, house_no: usize) -> Result<usize, DetectError> {
        let house_word = *self.w.rng.pick(HOUSE_WORDS);
        let agency_name = format!(
            "Dandong {house_word} {} Trading Co., Ltd.",
            trade_name("house", house_no)
        );
        let agency = self
            .w
            .org(&agency_name, "", "trading_house", "Dandong", "other")?;
        // houses alternate: crews kept on past the deadline, or brought home
        let churn = house_no % 2 == 1;
        // how long before the deadline the crews go home, and when they
        // come back: mostly close to it, some houses months away
        let churn_out = if self.w.rng.chance(0.8) {
            self.w.rng.range(5, 60)
        } else {
            self.w.rng.range(60, 150)
        } as i32;
        let churn_back = if self.w.rng.chance(0.8) {
            self.w.rng.range(7, 120)
        } else {
            self.w.rng.range(120, 270)
        } as i32;
        let listed_house = house_no % 7 == 1;
        if listed_house {
            self.listed.push(serde_json::json!({
                "id": format!("sim-listed-{house_no}"),
                "schema": "Company",
                "properties": {"name": [format!("Dandong {house_word} {} Trading Company", trade_name("house", house_no))], "country": ["kp"]},
                "datasets": ["sim_sanctions"],
                "target": true
            }));
            self.w.pattern(
                "SANCTIONED_COUNTERPARTY",
                &[&agency],
                format!("listed trading house {agency_name}"),
            );
        }
        let house = InternHouse {
            no: house_no,
            agency,
            agency_name,
            churn,
            churn_out,
            churn_back,
            listed: listed_house,
        };
        let batches = self.w.rng.range(2, 6) as usize;
        let mut start = d(2017, 1, 10).plus(self.w.rng.range(0, 520) as i32);
        let mut batch_sizes: Vec<String> = Vec::new();
        let first_start = start;
        let mut interns = 0;
        for b in 0..batches {
            if b > 0 {
                start = start.plus(self.w.rng.range(7, 50) as i32);
            }
            let size = self.intern_bus(&house, b, start)?;
            interns += size;
            batch_sizes.push(size.to_string());
        }
        let (agency, agency_name) = (&house.agency, &house.agency_name);
        self.w.pattern(
            "STAGGERED_DISPATCH",
            &[agency],
            format!(
                "{agency_name}: {batches} batches of {} over {} days",
                batch_sizes.join(", "),
                start.since(first_start)
            ),
        );
        self.w.pattern(
            "AGENCY_DPRK_CONCENTRATION",
            &[agency],
            format!("{agency_name} places only DPRK workers"),
        );
        Ok(interns)
    }

    /// One bus of 8-40 interns crossing together to a textile or seafood
    /// plant (owned by the house if it is listed); returns its size.
    fn intern_bus(
        &mut self,
        house: &InternHouse,
        b: usize,
        start: Day,
    ) -> Result<usize, DetectError> {
        let size = self.w.rng.range(8, 40) as usize;
        let city = *self.w.rng.pick(CITIES);
        let sector = if self.w.rng.chance(0.5) {
            "textile"
        } else {
            "seafood"
        };
        let client_name = format!(
            "{city} {} {} Co., Ltd.",
            place_name(&mut self.w.rng, house.no * 10 + b, PLANT_WORDS),
            if sector == "textile" {
                "Garment"
            } else {
                "Seafood Processing"
            }
        );
        let client = self.w.org(&client_name, "", "employer", city, sector)?;
        if house.listed && b == 0 {
            let since = start.plus(-200);
            self.w.relation(&house.agency, &client, "owns", since)?;
            self.w.pattern(
                "FRONT_COMPANY_LINK",
                &[&client],
                format!("{client_name} owned by listed {}", house.agency_name),
            );
        }
        let group = format!("BUS-{}-{b}", house.no);
        let cross_day = start.plus(-(self.w.rng.range(0, 7) as i32));
        let planned_end = d(2019, 5, 1).plus(self.w.rng.range(0, 180) as i32);
        let bus = InternBus {
            client,
            city,
            sector,
            group,
            start,
            cross_day,
            planned_end,
        };
        let mut batch_first = String::new();
        for _ in 0..size {
            let id = self.intern(house, &bus)?;
            if batch_first.is_empty() {
                batch_first = id;
            }
        }
        let (client, group) = (&bus.client, &bus.group);
        self.w.pattern(
            "GROUP_CROSSING_TO_SITE",
            &[client, &batch_first],
            format!("bus {group} of {size} to {client_name}"),
        );
        Ok(size)
    }

    /// One intern: records, monthly visa runs, placement and the patterns
    /// they make; returns the intern's id.
    fn intern(&mut self, house: &InternHouse, bus: &InternBus) -> Result<String, DetectError> {
        let gender = if bus.sector == "textile" {
            "F"
        } else {
            *self.w.rng.pick(&["F", "M"])
        };
        let (id, name, dob, passport) = self.w.dprk_person(gender, "border register")?;
        let second = self.intern_other_records(&id, &name, dob, &passport, gender)?;
        let (end, churn_exit) = self.intern_visa_runs(&id, second.as_deref(), house, bus)?;
        let deadline = self.deadline;
        let (agency, client, churn_back) = (&house.agency, &bus.client, house.churn_back);
        let w = &mut self.w;
        let wage = w.rng.range(1800, 2600) as u32;
        w.place(
            &id, agency, client, bus.city, bus.sector, "operator", bus.start, end, wage,
        )?;
        w.pattern(
            "NONWORK_VISA_EMPLOYMENT",
            &[&id],
            format!("{id} on intern visas at {client}"),
        );
        w.pattern(
            "VISA_RUN_CYCLE",
            &[&id],
            format!("{id} monthly intern visa runs"),
        );
        if house.churn {
            w.pattern(
                "INCOME_AFTER_DEADLINE",
                &[&id],
                format!("{id} kept on after the deadline"),
            );
            w.pattern(
                "DEADLINE_CHURN",
                &[&id],
                format!(
                    "{id} out {} days before the deadline, back {churn_back} days after it",
                    deadline.since(churn_exit)
                ),
            );
        }
        Ok(id)
    }

    /// An intern's other records: a roster record under a new passport, one
    /// in Hangul only, a Chinese identity on the same passport (with a
    /// Chinese namesake); returns the roster record used from mid-2019 on.
    fn intern_other_records(
        &mut self,
        id: &str,
        name: &KoreanName,
        dob: Day,
        passport: &str,
        gender: &str,
    ) -> Result<Option<String>, DetectError> {
        let second = if self.w.rng.chance(0.03) {
            Some(self.w.roster_record(id, name, dob, gender)?)
        } else {
            None
        };
        if self.hard > 0 && self.w.rng.chance(0.02 * self.hard as f64) {
            self.w.hangul_record(id, name, dob, gender)?;
        }
        if self.w.rng.chance(0.03) {
            self.chinese_identity(id, name, dob, passport, gender)?;
        } else {
            // candidates for Chinese namesakes: not a worker who also has a Chinese
            // record, which a namesake born the same day could not be told from
            self.dprk_worker_names
                .push((name.north.clone(), name.south.clone(), dob));
        }
        Ok(second)
    }

    /// The intern `id` recorded as a Chinese citizen on the same passport,
    /// and (hard worlds) a real Chinese citizen of that name born the same
    /// day.
    fn chinese_identity(
        &mut self,
        id: &str,
        name: &KoreanName,
        dob: Day,
        passport: &str,
        gender: &str,
    ) -> Result<(), DetectError> {
        let hard = self.hard;
        let w = &mut self.w;
        let name3 = name.north.to_uppercase();
        w.chinese_record(
            id,
            dob,
            passport,
            gender,
            ChineseRecord {
                name: &name3,
                alias: &name.hangul,
                nationality: "CN",
                source: "hukou extract",
            },
        )?;
        let dob_s = dob.to_string();
        if hard > 0 && w.rng.chance(0.25) {
            let idn = w.new_person_id();
            let hukou = format!("2106{:014}", w.rng.range(0, 99_999_999_999_999));
            w.person([&idn, &name3, "", &dob_s, gender, "CN", &hukou, "hukou"])?;
            w.negative(
                &idn,
                "Chinese namesake, born the same day, of a worker's Chinese identity",
            );
        }
        Ok(())
    }

    /// An intern's monthly visa runs, and the house's sending its crews out
    /// around the deadline; returns the last day of work (none if kept on)
    /// and the day the intern went out for the deadline.
    fn intern_visa_runs(
        &mut self,
        id: &str,
        second: Option<&str>,
        house: &InternHouse,
        bus: &InternBus,
    ) -> Result<(Option<Day>, Day), DetectError> {
        let (deadline, world_end) = (self.deadline, self.world_end);
        let (agency, churn, churn_out, churn_back) = (
            &house.agency,
            house.churn,
            house.churn_out,
            house.churn_back,
        );
        let w = &mut self.w;
        // visa runs
        let mut t = bus.cross_day;
        let mut v = w.doc(id, "visa", "intern", "", agency, t, t.plus(29))?;
        w.cross(id, &v, "entry", "Dandong", t, &bus.group)?;
        let mut churned = false;
        // the day this worker actually went out for the deadline
        let mut churn_exit = deadline;
        let end;
        loop {
            let mut x = t.plus(w.rng.range(18, 34) as i32);
            if !churn && x >= bus.planned_end {
                end = Some(x);
                w.cross(id, "", "exit", "Dandong", x, "")?;
                break;
            }
            let mut back = x.plus(w.rng.range(1, 12) as i32);
            // the house sends the crew out from `churn_out` days
            // before the deadline, and at the latest on its eve
            // (never a routine run that would bring them back on
            // or after the deadline)
            if churn && !churned && (x >= deadline.plus(-churn_out) || back >= deadline) {
                x = x.min(deadline.plus(-1)).max(t.plus(1));
                back = deadline.plus(churn_back);
                churned = true;
                churn_exit = x;
            }
            if churn && back > world_end.plus(-20) {
                end = None;
                break;
            }
            w.cross(id, "", "exit", "Dandong", x, "")?;
            let holder = match second {
                Some(s) if back >= d(2019, 6, 1) => s,
                _ => id,
            };
            v = w.doc(holder, "visa", "intern", "", agency, back, back.plus(29))?;
            w.cross(holder, &v, "entry", "Dandong", back, "")?;
            t = back;
        }
        Ok((end, churn_exit))
    }

    /// Restaurant teams rotated on five-year entertainer visas.
    fn restaurant_teams(&mut self) -> Result<(), DetectError> {
        let restaurant_target = self.n * 15 / 100;
        let mut staff = 0;
        let mut rest_no = 0;
        while staff < restaurant_target {
            staff += self.restaurant_supplier(&mut rest_no)?;
        }
        Ok(())
    }

    /// One catering trading house staffing 2-4 restaurants; returns its workers.
    fn restaurant_supplier(&mut self, rest_no: &mut usize) -> Result<usize, DetectError> {
        let house_word = *self.w.rng.pick(HOUSE_WORDS);
        let agency = self.w.org(
            &format!(
                "{house_word} {} Catering Trading Co.",
                trade_name("catering", *rest_no)
            ),
            "",
            "trading_house",
            "Dandong",
            "restaurant",
        )?;
        let restaurants = self.w.rng.range(2, 4);
        let mut agency_workers = 0;
        for _ in 0..restaurants {
            *rest_no += 1;
            agency_workers += self.restaurant(house_word, &agency, *rest_no)?;
        }
        if agency_workers > 0 {
            self.w.pattern(
                "AGENCY_DPRK_CONCENTRATION",
                &[&agency],
                "restaurant supplier".into(),
            );
        }
        // its crews went out on different dates: a dispatch split into batches
        self.w.pattern(
            "STAGGERED_DISPATCH",
            &[&agency],
            format!("restaurant supplier {agency}: {agency_workers} workers in crews sent on different dates"),
        );
        Ok(agency_workers)
    }

    /// One restaurant (some directed by a DPRK official) whose team is
    /// swapped for a new one; returns the waitresses of both teams.
    fn restaurant(
        &mut self,
        house_word: &str,
        agency: &str,
        rest_no: usize,
    ) -> Result<usize, DetectError> {
        let city = *self.w.rng.pick(CITIES);
        let rname = format!(
            "{city} {house_word} {} Korean Restaurant",
            trade_name("restaurant", rest_no)
        );
        let client = self.w.org(
            &rname,
            &format!("{house_word}관"),
            "restaurant",
            city,
            "restaurant",
        )?;
        let directs = ("directs", "directed", d(2016, 3, 1));
        self.front_company(directs, &client, &rname, rest_no.is_multiple_of(5))?;
        let a_start = d(2016, 3, 1).plus(self.w.rng.range(0, 300) as i32);
        let rotation = d(2018, 3, 1).plus(self.w.rng.range(0, 460) as i32);
        // the new team starts days or weeks later; some restaurants stay
        // closed for a season or a refit
        let gap = if self.w.rng.chance(0.8) {
            self.w.rng.range(3, 90)
        } else {
            self.w.rng.range(90, 300)
        };
        let b_start = rotation.plus(gap as i32);
        let r = Restaurant {
            no: rest_no,
            agency: agency.to_string(),
            client,
            name: rname,
            city,
            a_start,
            rotation,
            b_start,
        };
        let mut staff = 0;
        let mut first_new = String::new();
        for team in 0..2 {
            let (size, team_first) = self.restaurant_team(&r, team)?;
            staff += size;
            if team == 1 {
                first_new = team_first;
            }
        }
        let (client, rname) = (&r.client, &r.name);
        self.w.pattern(
            "TEAM_ROTATION",
            &[client, &first_new],
            format!(
                "{rname} swapped its team around {rotation}, the new one starting {} days later",
                b_start.since(rotation)
            ),
        );
        Ok(staff)
    }

    /// A restaurant's old (0) or new (1) team of 2-12 waitresses on
    /// entertainer visas; returns its size and its first member.
    fn restaurant_team(
        &mut self,
        r: &Restaurant,
        team: usize,
    ) -> Result<(usize, String), DetectError> {
        let (agency, client, city, rname) = (&r.agency, &r.client, r.city, &r.name);
        let w = &mut self.w;
        let size = w.rng.range(2, 12);
        let group = format!("TEAM-{}-{team}", r.no);
        let mut team_first = String::new();
        for _ in 0..size {
            let (id, _, _, _) = w.dprk_person("F", "restaurant staff list")?;
            if team_first.is_empty() {
                team_first = id.clone();
            }
            let (start, end) = if team == 0 {
                (r.a_start, Some(r.rotation.plus(w.rng.range(0, 7) as i32)))
            } else {
                (r.b_start, None)
            };
            let v = w.doc(
                &id,
                "visa",
                "entertainer",
                "",
                client,
                start.plus(-20),
                start.plus(-20 + 5 * 365),
            )?;
            w.cross(&id, &v, "entry", "Dandong", start.plus(-2), &group)?;
            if let Some(e) = end {
                w.cross(&id, &v, "exit", "Dandong", e.plus(1), &group)?;
            }
            w.place(
                &id,
                agency,
                client,
                city,
                "restaurant",
                "waitress and singer",
                start,
                end,
                1500,
            )?;
            w.pattern(
                "NONWORK_VISA_EMPLOYMENT",
                &[&id],
                format!("{id} on an entertainer visa"),
            );
            if team == 1 {
                w.pattern(
                    "INCOME_AFTER_DEADLINE",
                    &[&id],
                    format!("{id} still at {rname}"),
                );
            }
        }
        w.pattern(
            "GROUP_CROSSING_TO_SITE",
            &[client, &team_first],
            format!("team {group} of {size} to {rname}"),
        );
        Ok((size as usize, team_first))
    }

    /// Construction crews on work permits, some paid to the agency.
    fn construction_crews(&mut self) -> Result<(), DetectError> {
        let crew_target = self.n * 13 / 100;
        let mut builders = 0;
        let mut crew_no = 0;
        while builders < crew_target {
            builders += self.construction_supplier(&mut crew_no)?;
        }
        Ok(())
    }

    /// One construction trading house with 2-4 crews, on permits issued
    /// before or after UNSCR 2375; returns its workers.
    fn construction_supplier(&mut self, crew_no: &mut usize) -> Result<usize, DetectError> {
        let house_word = *self.w.rng.pick(HOUSE_WORDS);
        let agency = self.w.org(
            &format!(
                "{house_word} {} Construction Trading Co.",
                trade_name("construction", *crew_no)
            ),
            "",
            "trading_house",
            "Dandong",
            "construction",
        )?;
        let crews = self.w.rng.range(2, 5);
        let mut agency_workers = 0;
        // crews whose work was not authorised lawfully (permits issued after
        // UNSCR 2375); the crews on earlier permits, which end before the
        // deadline, worked as the resolutions allowed
        let mut unlawful_starts: HashSet<i32> = HashSet::new();
        let mut unlawful_workers = 0;
        for _ in 0..crews {
            *crew_no += 1;
            let (size, unlawful_start) = self.construction_crew(&agency, *crew_no)?;
            agency_workers += size;
            if let Some(start) = unlawful_start {
                unlawful_starts.insert(start.0);
                unlawful_workers += size;
            }
        }
        if unlawful_workers > 0 {
            self.w.pattern(
                "AGENCY_DPRK_CONCENTRATION",
                &[&agency],
                format!(
                    "construction supplier: {unlawful_workers} of its {agency_workers} workers on post-2375 permits"
                ),
            );
        }
        // its crews on post-2375 permits went out on different dates: a
        // dispatch split into batches
        if unlawful_starts.len() >= 2 {
            self.w.pattern(
                "STAGGERED_DISPATCH",
                &[&agency],
                format!(
                    "construction supplier {agency}: {unlawful_workers} workers on post-2375 permits in crews starting on {} different dates",
                    unlawful_starts.len()
                ),
            );
        }
        Ok(agency_workers)
    }

    /// One construction crew of 4-15 at a site (some represented by a DPRK
    /// official), its wages and patterns; returns its size and, if its
    /// permits were issued after UNSCR 2375, its first day.
    fn construction_crew(
        &mut self,
        agency: &str,
        crew_no: usize,
    ) -> Result<(usize, Option<Day>), DetectError> {
        // crews alternate: permits issued before UNSCR 2375, then after it
        let after = crew_no.is_multiple_of(2);
        let (client, cname, city) = self.construction_site(crew_no)?;
        let sweep = crew_no.is_multiple_of(3);
        // the share of the wages the client pays to the agency (the rest
        // reaches the workers in cash)
        let sweep_share = self.w.rng.range(30, 100) as u32;
        let represents = ("represents", "represented", d(2017, 1, 1));
        self.front_company(represents, &client, &cname, crew_no % 7 == 2)?;
        let (issued, start, end) = self.crew_permits(after);
        let size = self.w.rng.range(4, 16);
        let crew = Crew {
            agency: agency.to_string(),
            client,
            city,
            group: format!("CREW-{crew_no}"),
            issued,
            start,
            end,
            after,
            sweep,
            sweep_share,
        };
        let mut crew_first = String::new();
        let mut workers = Vec::new();
        for _ in 0..size {
            let (id, wage) = self.construction_worker(&crew)?;
            if crew_first.is_empty() {
                crew_first = id.clone();
            }
            workers.push((id, wage));
        }
        self.crew_clients.push((
            crew.client.clone(),
            workers.iter().map(|(_, wg)| *wg).sum(),
            start,
            end,
        ));
        let months = self.crew_wages(&crew, &workers)?;
        let (client, group) = (&crew.client, &crew.group);
        if after {
            self.w.pattern(
                "GROUP_CROSSING_TO_SITE",
                &[client, &crew_first],
                format!("crew {group} of {size} on post-2375 permits to {cname}"),
            );
        }
        if sweep && months > 0 {
            self.w.pattern(
                "BULK_WAGE_SINGLE_PAYEE",
                &[client, agency],
                format!("{cname} pays {sweep_share} % of the crew's wages to {agency}"),
            );
        }
        Ok((size as usize, after.then_some(start)))
    }

    /// A construction company in Shenyang or Dalian: its id, name and city.
    fn construction_site(
        &mut self,
        crew_no: usize,
    ) -> Result<(String, String, &'static str), DetectError> {
        let city = *self.w.rng.pick(&["Shenyang", "Dalian"]);
        let cname = format!(
            "{city} {} Construction Engineering Co., Ltd.",
            place_name(&mut self.w.rng, crew_no, PLANT_WORDS)
        );
        let client = self.w.org(&cname, "", "employer", city, "construction")?;
        Ok((client, cname, city))
    }

    /// When `chosen` and an unused DPRK official is left, the official
    /// directs or represents the organisation `org` (named `name`) from a
    /// day on: a front company. `relation`: the relation kind, the word for
    /// it in the truth note, the day.
    fn front_company(
        &mut self,
        relation: (&str, &str, Day),
        org: &str,
        name: &str,
        chosen: bool,
    ) -> Result<(), DetectError> {
        let (kind, done, since) = relation;
        if chosen && let Some(o) = self.officials.take() {
            self.w.relation(&o, org, kind, since)?;
            self.w.pattern(
                "FRONT_COMPANY_LINK",
                &[org],
                format!("{name} {done} by DPRK official {o}"),
            );
        }
        Ok(())
    }

    /// A crew's work permits: issued on, first and last day of work. Before
    /// UNSCR 2375 (2016-2017, ending in the first half of 2019) or after it
    /// (from 2017-10, ending in 2019).
    fn crew_permits(&mut self, after: bool) -> (Day, Day, Day) {
        let rng = &mut self.w.rng;
        if after {
            let i = d(2017, 10, 1).plus(rng.range(0, 150) as i32);
            (i, i.plus(20), d(2019, 3, 1).plus(rng.range(0, 180) as i32))
        } else {
            let i = d(2016, 1, 10).plus(rng.range(0, 500) as i32);
            (i, i.plus(20), d(2019, 1, 1).plus(rng.range(0, 150) as i32))
        }
    }

    /// One construction worker on a work permit (some also on a site roster
    /// as Chinese); returns the worker's id and monthly wage.
    fn construction_worker(&mut self, crew: &Crew) -> Result<(String, u32), DetectError> {
        let w = &mut self.w;
        let (id, name, dob, passport) = w.dprk_person("M", "labour bureau")?;
        if w.rng.chance(0.03) {
            w.chinese_record(
                &id,
                dob,
                &passport,
                "M",
                ChineseRecord {
                    name: &name.north,
                    alias: "",
                    nationality: "China",
                    source: "site roster",
                },
            )?;
        } else {
            self.dprk_worker_names
                .push((name.north.clone(), name.south.clone(), dob));
        }
        let (issued, start, end) = (crew.issued, crew.start, crew.end);
        let wp = w.doc(
            &id,
            "work_permit",
            "work",
            "",
            &crew.client,
            issued,
            end.plus(60).max(issued.plus(3 * 365)),
        )?;
        w.cross(&id, &wp, "entry", "Dandong", start.plus(-3), &crew.group)?;
        w.cross(&id, &wp, "exit", "Dandong", end.plus(2), &crew.group)?;
        let wage = w.rng.range(2200, 3200) as u32;
        w.place(
            &id,
            &crew.agency,
            &crew.client,
            crew.city,
            "construction",
            "labourer",
            start,
            Some(end),
            wage,
        )?;
        if crew.after {
            w.pattern(
                "WORK_AUTH_AFTER_2375",
                &[&id],
                format!("{id} permit issued {issued}"),
            );
        }
        Ok((id, wage))
    }

    /// A crew's monthly wages, to each worker or a share of the bill to the
    /// agency; returns the months paid to the agency.
    fn crew_wages(&mut self, crew: &Crew, workers: &[(String, u32)]) -> Result<usize, DetectError> {
        let (client, agency) = (&crew.client, &crew.agency);
        let w = &mut self.w;
        // monthly wages, paid on the 10th for the month before
        let mut m = crew.start.month_start();
        let mut months = 0;
        while m <= crew.end {
            let (y, mo, _) = m.ymd_parts();
            let next = if mo == 12 {
                d(y + 1, 1, 1)
            } else {
                d(y, mo + 1, 1)
            };
            let payday = next.plus(9);
            let label = m.month_label();
            if crew.sweep {
                let total: u32 = workers.iter().map(|(_, wg)| *wg).sum();
                let amount = total * crew.sweep_share / 100;
                w.pay(
                    client,
                    agency,
                    amount,
                    payday,
                    &format!("labour service fee {label}"),
                )?;
                months += 1;
            } else {
                for (id, wage) in workers {
                    w.pay(client, id, *wage, payday, &format!("salary {label}"))?;
                }
            }
            m = next;
        }
        Ok(months)
    }

    /// Status switches: work permits end, trainee visas at the same plant.
    fn status_switches(&mut self) -> Result<(), DetectError> {
        let switch_target = self.n * 7 / 100;
        let mut switched = 0;
        let mut sw_no = 0;
        while switched < switch_target {
            switched += self.textile_supplier(&mut sw_no)?;
        }
        Ok(())
    }

    /// One textile trading house with 2-3 crews that switch status; returns
    /// its workers.
    fn textile_supplier(&mut self, sw_no: &mut usize) -> Result<usize, DetectError> {
        let house_word = *self.w.rng.pick(HOUSE_WORDS);
        let agency = self.w.org(
            &format!(
                "{house_word} {} Textile Export Co.",
                trade_name("textile", *sw_no)
            ),
            "",
            "trading_house",
            "Dandong",
            "textile",
        )?;
        let crews = self.w.rng.range(2, 4);
        let mut agency_workers = 0;
        let mut starts = std::collections::BTreeSet::new();
        for _ in 0..crews {
            *sw_no += 1;
            let (size, start) = self.switch_crew(&agency, *sw_no)?;
            agency_workers += size;
            starts.insert(start.0);
        }
        if agency_workers > 0 {
            self.w.pattern(
                "AGENCY_DPRK_CONCENTRATION",
                &[&agency],
                "textile supplier".into(),
            );
        }
        // its crews went out on different dates: a dispatch split into
        // batches (unless the draws put every crew on one day)
        if starts.len() >= 2 {
            self.w.pattern(
                "STAGGERED_DISPATCH",
                &[&agency],
                format!("textile supplier {agency}: {agency_workers} workers in crews sent on {} different dates", starts.len()),
            );
        }
        Ok(agency_workers)
    }

    /// One knitwear crew of 3-13 whose work permits end in 2018 and who stay
    /// on trainee visas; returns its size and the day it started.
    fn switch_crew(&mut self, agency: &str, sw_no: usize) -> Result<(usize, Day), DetectError> {
        let w = &mut self.w;
        let city = *w.rng.pick(CITIES);
        let cname = format!(
            "{city} {} Knitwear Factory",
            place_name(&mut w.rng, sw_no, PLANT_WORDS)
        );
        let client = w.org(&cname, "", "employer", city, "textile")?;
        let issued = d(2015, 6, 1).plus(w.rng.range(0, 360) as i32);
        let until = d(2018, 1, 1).plus(w.rng.range(0, 240) as i32);
        let end = until.plus(w.rng.range(120, 300) as i32);
        let size = w.rng.range(3, 14);
        let mut crew_first = String::new();
        for _ in 0..size {
            let (id, _, _, _) = w.dprk_person("F", "labour bureau")?;
            if crew_first.is_empty() {
                crew_first = id.clone();
            }
            let wp = w.doc(&id, "work_permit", "work", "", &client, issued, until)?;
            // the employer arranges a trainee visa some time after the
            // permit ends, while it keeps the crew on
            let tv_from = until.plus(w.rng.range(1, end.since(until) as i64 - 1) as i32);
            w.doc(
                &id,
                "visa",
                "trainee",
                "",
                &client,
                tv_from,
                tv_from.plus(365),
            )?;
            w.cross(
                &id,
                &wp,
                "entry",
                "Dandong",
                issued.plus(5),
                &format!("SW-{sw_no}"),
            )?;
            w.cross(&id, "", "exit", "Dandong", end.plus(1), "")?;
            w.place(
                &id,
                agency,
                &client,
                city,
                "textile",
                "sewing",
                issued.plus(10),
                Some(end),
                2000,
            )?;
            w.pattern(
                "STATUS_SWITCH_SAME_EMPLOYER",
                &[&id, &client],
                format!(
                    "{id} switched to a trainee visa {} days after the permit ended",
                    tv_from.since(until)
                ),
            );
            w.pattern(
                "NONWORK_VISA_EMPLOYMENT",
                &[&id],
                format!("{id} on a trainee visa at {client}"),
            );
        }
        w.pattern(
            "GROUP_CROSSING_TO_SITE",
            &[&client, &crew_first],
            format!("crew SW-{sw_no} of {size} to {cname}"),
        );
        Ok((size as usize, issued.plus(10)))
    }

    /// DPRK students: long stays, summer breaks only (negatives).
    fn dprk_students(&mut self) -> Result<(), DetectError> {
        let w = &mut self.w;
        for _ in 0..(self.n * 5 / 100).max(2) {
            let gender = *w.rng.pick(&["F", "M"]);
            let (id, _, _, _) = w.dprk_person(gender, "university register")?;
            let year = w.rng.range(2016, 2018) as i32;
            let v = w.doc(
                &id,
                "visa",
                "student",
                "",
                "",
                d(year, 8, 20),
                d(year + 4, 7, 31),
            )?;
            for y in year..=2019 {
                let back = d(y, 8, 25).plus(w.rng.range(0, 5) as i32);
                w.cross(&id, &v, "entry", "Dandong", back, "")?;
                if y < 2019 {
                    let out = d(y + 1, 7, 1).plus(w.rng.range(0, 9) as i32);
                    w.cross(&id, &v, "exit", "Dandong", out, "")?;
                }
            }
            w.negative(&id, "DPRK student, no work");
        }
        Ok(())
    }

    /// The officials who direct nothing (negatives), one of them directing a
    /// Chinese company with only Chinese staff.
    fn unused_officials(&mut self) -> Result<(), DetectError> {
        let (w, officials) = (&mut self.w, &self.officials);
        for o in &officials.ids {
            if !officials.used.contains(o) {
                w.negative(o, "DPRK official, no work");
            }
        }
        // one unused official directs a Chinese company with only Chinese staff
        let chinese_company = w.org(
            "Shenyang Xinghai Logistics Co., Ltd.",
            "沈阳星海物流有限公司",
            "employer",
            "Shenyang",
            "other",
        )?;
        if let Some(o) = officials
            .ids
            .iter()
            .find(|o| !officials.used.contains(*o))
            .cloned()
        {
            w.relation(&o, &chinese_company, "directs", d(2017, 5, 1))?;
        }
        w.negative(&chinese_company, "Chinese company with Chinese staff only");
        Ok(())
    }

    /// Chinese workers through Chinese agencies (negatives); returns the
    /// plants with their cities, and each plant's (agency, wage) per worker.
    fn chinese_workers(&mut self) -> Result<ChinesePlants, DetectError> {
        let n_cn = (self.n * 25 / 100).max(10);
        let cn_agencies: Vec<String> = (0..(n_cn / 200).max(1))
            .map(|i| {
                let name = format!(
                    "Liaoning {} Human Resources Service Co., Ltd.",
                    trade_name("cn-agency", i)
                );
                self.w
                    .org(&name, "", "staffing_agency", "Shenyang", "other")
            })
            .collect::<Result<_, _>>()?;
        for a in &cn_agencies {
            self.w
                .negative(a, "Chinese staffing agency, Chinese workers only");
        }
        let mut cn_clients = Vec::new();
        for i in 0..(n_cn / 40).max(2) {
            let city = *self.w.rng.pick(CITIES);
            let c = self.w.org(
                &format!("{city} {} Food Co., Ltd.", trade_name("cn-food", i)),
                "",
                "employer",
                city,
                "seafood",
            )?;
            self.w.negative(&c, "Chinese plant, Chinese workers only");
            cn_clients.push((c, city));
        }
        let mut cn_workers_by_client: Vec<Vec<(String, u32)>> = vec![Vec::new(); cn_clients.len()];
        for i in 0..n_cn {
            let ci = i % cn_clients.len();
            let (client, city) = cn_clients[ci].clone();
            let agency = cn_agencies[i % cn_agencies.len()].clone();
            let wage = self.chinese_worker(i, &client, city, &agency)?;
            cn_workers_by_client[ci].push((agency, wage));
        }
        Ok((cn_clients, cn_workers_by_client))
    }

    /// One Chinese worker at a Chinese plant (every third an ethnic Korean,
    /// some the exact namesakes of DPRK workers; some visit South Korea
    /// every month); returns the wage.
    fn chinese_worker(
        &mut self,
        i: usize,
        client: &str,
        city: &str,
        agency: &str,
    ) -> Result<u32, DetectError> {
        let w = &mut self.w;
        let dob;
        let (full, original) = if i.is_multiple_of(3) && !self.dprk_worker_names.is_empty() {
            // ethnic Korean in China, sometimes the exact namesake of a DPRK worker born the same day
            let k = w.rng.range(0, self.dprk_worker_names.len() as i64 - 1) as usize;
            let (north, south, wdob) = self.dprk_worker_names[k].clone();
            if i.is_multiple_of(6) {
                dob = wdob;
                (north, String::new())
            } else {
                dob = w.birth();
                (south, String::new())
            }
        } else {
            dob = w.birth();
            let s = *w.rng.pick(HAN_SURNAMES);
            let g = *w.rng.pick(HAN_GIVEN);
            (format!("{} {}", s.0, g.0), format!("{}{}", s.1, g.1))
        };
        let id = w.new_person_id();
        let idn = format!("2106{:014}", w.rng.range(0, 99_999_999_999_999));
        let gender = *w.rng.pick(&["F", "M"]);
        w.person([
            &id,
            &full,
            &original,
            &dob.to_string(),
            gender,
            "CN",
            &idn,
            "hukou",
        ])?;
        let start = d(2016, 6, 1).plus(w.rng.range(0, 900) as i32);
        let end = if w.rng.chance(0.5) {
            None
        } else {
            Some(start.plus(w.rng.range(200, 900) as i32))
        };
        let wage = w.rng.range(3000, 4500) as u32;
        w.place(
            &id, agency, client, city, "seafood", "worker", start, end, wage,
        )?;
        // some ethnic Koreans visit South Korea every month
        if i.is_multiple_of(9) {
            let mut t = d(2018, 1, 5).plus(w.rng.range(0, 30) as i32);
            while t < d(2020, 3, 1) {
                w.cross(&id, "", "exit", "Dalian", t, "")?;
                t = t.plus(w.rng.range(3, 8) as i32);
                w.cross(&id, "", "entry", "Dalian", t, "")?;
                t = t.plus(w.rng.range(20, 35) as i32);
            }
        }
        w.negative(&id, "Chinese worker");
        Ok(wage)
    }

    /// Chinese plants paying their staffing agency a monthly lump sum.
    fn chinese_lump_sums(
        &mut self,
        cn_clients: &[(String, &str)],
        cn_workers_by_client: &[Vec<(String, u32)>],
    ) -> Result<(), DetectError> {
        for (ci, (client, _)) in cn_clients.iter().enumerate() {
            let total: u32 = cn_workers_by_client[ci].iter().map(|x| x.1).sum();
            if let Some((agency, _)) = cn_workers_by_client[ci].first() {
                for m in 0..24 {
                    let day = d(2018, 1, 10).plus(m * 30);
                    self.w
                        .pay(client, agency, total, day, "labour dispatch fee")?;
                }
            }
        }
        Ok(())
    }

    /// South Korean nationals and other foreigners on work documents who
    /// travel often (negatives).
    fn foreigners(&mut self) -> Result<(), DetectError> {
        let n_foreign = (self.n * 8 / 100).max(4);
        let kr_employer = self.w.org(
            "Shenyang Hanil Electronics Co., Ltd.",
            "",
            "employer",
            "Shenyang",
            "other",
        )?;
        let other_employer = self.w.org(
            "Dalian Northport Shipyard Co., Ltd.",
            "",
            "employer",
            "Dalian",
            "construction",
        )?;
        self.w.negative(&kr_employer, "South Korean-owned employer");
        self.w
            .negative(&other_employer, "employer of foreign specialists");
        for i in 0..n_foreign {
            self.foreign_worker(i, &kr_employer, &other_employer)?;
        }
        Ok(())
    }

    /// One foreign engineer on a work permit who travels home every month.
    fn foreign_worker(
        &mut self,
        i: usize,
        kr_employer: &str,
        other_employer: &str,
    ) -> Result<(), DetectError> {
        let dob = self.w.birth();
        let (full, original, nat, employer, port) =
            self.foreign_identity(i, dob, kr_employer, other_employer);
        let w = &mut self.w;
        let id = w.new_person_id();
        let pass = format!("F{:08}", w.rng.range(0, 99_999_999));
        let gender = *w.rng.pick(&["F", "M"]);
        w.person([
            &id,
            &full,
            &original,
            &dob.to_string(),
            gender,
            nat,
            &pass,
            "employer filing",
        ])?;
        let issued = d(2017, 10, 1).plus(w.rng.range(0, 300) as i32);
        let wp = w.doc(
            &id,
            "work_permit",
            "work",
            "",
            &employer,
            issued,
            issued.plus(2 * 365),
        )?;
        w.doc(
            &id,
            "visa",
            "business",
            "",
            &employer,
            issued,
            issued.plus(2 * 365),
        )?;
        w.place(
            &id,
            "",
            &employer,
            port,
            "other",
            "engineer",
            issued.plus(10),
            Some(issued.plus(2 * 365)),
            12000,
        )?;
        let mut t = issued.plus(3);
        w.cross(&id, &wp, "entry", port, t, "")?;
        while t < issued.plus(2 * 365 - 40) {
            t = t.plus(w.rng.range(20, 30) as i32);
            w.cross(&id, "", "exit", port, t, "")?;
            t = t.plus(w.rng.range(3, 7) as i32);
            w.cross(&id, &wp, "entry", port, t, "")?;
        }
        w.negative(
            &id,
            if nat == "Korea" {
                "South Korean written as \"Korea\", on a work permit, frequent traveller"
            } else {
                "foreign worker on a work permit, frequent traveller"
            },
        );
        Ok(())
    }

    /// A foreigner's name, original name, nationality, employer and port:
    /// every other one a South Korean (some written as a bare "Korea"), the
    /// others Russian, Vietnamese, Filipino or Uzbek.
    fn foreign_identity(
        &mut self,
        i: usize,
        dob: Day,
        kr_employer: &str,
        other_employer: &str,
    ) -> (String, String, &'static str, String, &'static str) {
        let hard = self.hard;
        let w = &mut self.w;
        if i.is_multiple_of(2) {
            let name = w.korean_name(dob);
            // near miss: the nationality written as a bare "Korea"
            let nat = if hard > 0 && w.rng.chance(0.25 * hard as f64) {
                "Korea"
            } else {
                "KR"
            };
            (
                name.south,
                name.hangul,
                nat,
                kr_employer.to_string(),
                "Shenyang",
            )
        } else {
            let nat = *w.rng.pick(&["RU", "VN", "PH", "UZ"]);
            let (first, last) = match nat {
                "RU" => (
                    *w.rng.pick(&["Ivan", "Sergei", "Olga", "Dmitry"]),
                    *w.rng.pick(&["Petrov", "Smirnov", "Volkova", "Orlov"]),
                ),
                "VN" => (
                    *w.rng.pick(&["Nguyen", "Tran", "Le", "Pham"]),
                    *w.rng.pick(&["Van Anh", "Thi Lan", "Minh Duc", "Quoc Bao"]),
                ),
                "PH" => (
                    *w.rng.pick(&["Jose", "Maria", "Mark", "Grace"]),
                    *w.rng.pick(&["Santos", "Reyes", "Cruz", "Garcia"]),
                ),
                _ => (
                    *w.rng.pick(&["Aziz", "Dilnoza", "Rustam", "Kamola"]),
                    *w.rng.pick(&["Karimov", "Yusupova", "Aliev", "Rakhimova"]),
                ),
            };
            (
                format!("{first} {last} {i}"),
                String::new(),
                nat,
                other_employer.to_string(),
                "Dalian",
            )
        }
    }

    /// Lawful DPRK travellers (negatives): consular staff and students home
    /// over the deadline, trade representatives on short trips; returns the
    /// university.
    fn lawful_dprk_travellers(&mut self) -> Result<String, DetectError> {
        let consulate = self.w.org(
            "Consulate General of the DPRK in Shenyang",
            "조선민주주의인민공화국 심양총령사관",
            "government",
            "Shenyang",
            "other",
        )?;
        let university = self.w.org(
            "Liaoning University",
            "辽宁大学",
            "other",
            "Shenyang",
            "other",
        )?;
        let commerce = self.w.org(
            "Liaoning Provincial Department of Commerce",
            "辽宁省商务厅",
            "government",
            "Shenyang",
            "other",
        )?;
        for o in [&consulate, &university, &commerce] {
            self.w.negative(o, "government body or school");
        }
        let lawful = (self.n * 2 / 100).max(3) * (1 + self.hard);
        for k in 0..lawful {
            let kind = k % 3;
            let gender = *self.w.rng.pick(&["F", "M"]);
            let source = [
                "consular register",
                "university register",
                "trade mission register",
            ][kind];
            let (id, _, _, _) = self.w.dprk_person(gender, source)?;
            let port = *self.w.rng.pick(&["Dandong", "Shenyang", "Dalian"]);
            if kind < 2 {
                self.home_over_deadline(&id, kind == 0, port, &consulate, &university)?;
            } else {
                self.trade_representative(&id, port, &commerce)?;
            }
        }
        Ok(university)
    }

    /// A DPRK consular official (or student) who goes home over the new year.
    fn home_over_deadline(
        &mut self,
        id: &str,
        consular: bool,
        port: &str,
        consulate: &str,
        university: &str,
    ) -> Result<(), DetectError> {
        let deadline = self.deadline;
        let w = &mut self.w;
        let (cat, sponsor, from) = if consular {
            (
                "official",
                consulate,
                d(2016, 6, 1).plus(w.rng.range(0, 700) as i32),
            )
        } else {
            (
                "student",
                university,
                d(w.rng.range(2016, 2018) as i32, 8, 20),
            )
        };
        let v = w.doc(id, "visa", cat, "", sponsor, from, from.plus(4 * 365))?;
        if consular && w.rng.chance(0.3) {
            w.relation(id, consulate, "represents", from)?;
        }
        let arrived = from.plus(w.rng.range(1, 10) as i32);
        w.cross(id, &v, "entry", port, arrived, "")?;
        // home over the new year
        let out = deadline.plus(-(w.rng.range(0, 40) as i32));
        let back = deadline.plus(w.rng.range(5, 80) as i32);
        w.cross(id, &v, "exit", port, out, "")?;
        w.cross(id, &v, "entry", port, back, "")?;
        w.negative(
            id,
            if consular {
                "DPRK consular staff home over the deadline, no work"
            } else {
                "DPRK student home for the winter break, no work"
            },
        );
        Ok(())
    }

    /// A DPRK trade representative on short business trips.
    fn trade_representative(
        &mut self,
        id: &str,
        port: &str,
        commerce: &str,
    ) -> Result<(), DetectError> {
        let w = &mut self.w;
        let sponsor = if w.rng.chance(0.5) {
            commerce.to_string()
        } else {
            String::new()
        };
        let mut t = d(2018, 1, 1).plus(w.rng.range(0, 400) as i32);
        let v = w.doc(
            id,
            "visa",
            "business",
            "",
            &sponsor,
            t.plus(-5),
            d(2021, 6, 30),
        )?;
        w.cross(id, &v, "entry", port, t, "")?;
        while t < d(2020, 3, 1) {
            let x = t.plus(w.rng.range(5, 40) as i32);
            let back = x.plus(w.rng.range(2, 25) as i32);
            w.cross(id, &v, "exit", port, x, "")?;
            w.cross(id, &v, "entry", port, back, "")?;
            t = back;
        }
        w.negative(id, "DPRK trade representative on short trips, no work");
        Ok(())
    }

    /// DPRK delegations of ten and more that cross together and go to no
    /// work site (near misses).
    fn delegations(&mut self) -> Result<(), DetectError> {
        let w = &mut self.w;
        for g in 0..self.hard * (self.n / 250).max(1) {
            let size = w.rng.range(10, 30);
            let group = format!("DELEG-{g}");
            let day = d(2017, 3, 1).plus(w.rng.range(0, 1000) as i32);
            let stay = w.rng.range(3, 20) as i32;
            let cat = *w.rng.pick(&["official", "tourist"]);
            for _ in 0..size {
                let (id, _, _, _) = w.dprk_person("M", "delegation list")?;
                let v = w.doc(&id, "visa", cat, "", "", day.plus(-10), day.plus(30))?;
                w.cross(&id, &v, "entry", "Dandong", day, &group)?;
                w.cross(&id, &v, "exit", "Dandong", day.plus(stay), &group)?;
                w.negative(&id, "member of a DPRK delegation, no work");
            }
        }
        Ok(())
    }

    /// Chinese staffing agencies with a minority of DPRK workers on
    /// pre-2375 permits that expired before the deadline (near misses).
    fn mixed_agencies(&mut self) -> Result<(), DetectError> {
        for a in 0..self.hard * (self.n / 400).max(1) {
            self.mixed_agency(a)?;
        }
        Ok(())
    }

    /// One mixed agency: its clients, its DPRK minority crossing as one
    /// group, and its Chinese majority.
    fn mixed_agency(&mut self, a: usize) -> Result<(), DetectError> {
        let agency = self.w.org(
            &format!(
                "Liaoning {} Human Resources Co., Ltd.",
                trade_name("mixed-agency", a)
            ),
            "",
            "staffing_agency",
            "Shenyang",
            "other",
        )?;
        self.w
            .negative(&agency, "Chinese agency, DPRK minority on pre-2017 permits");
        let n_clients = self.w.rng.range(2, 6);
        let mut clients: Vec<String> = Vec::new();
        for c in 0..n_clients {
            let city = *self.w.rng.pick(CITIES);
            let id = self.w.org(
                &format!(
                    "{city} {} Food Co., Ltd.",
                    trade_name("mixed-food", a * 8 + c as usize)
                ),
                "",
                "employer",
                city,
                "seafood",
            )?;
            self.w.negative(
                &id,
                "client of a mixed agency, DPRK workers on pre-2017 permits",
            );
            clients.push(id);
        }
        let total = self.w.rng.range(30, 120) as usize;
        let share = self.w.rng.range(5, 40) as usize;
        let n_dprk = (total * share / 100).max(1);
        let issued = d(2015, 1, 1).plus(self.w.rng.range(0, 600) as i32);
        let until = issued.plus(self.w.rng.range(400, 900) as i32);
        let group = format!("MIX-{a}");
        for k in 0..total {
            let client = clients[self.w.rng.range(0, clients.len() as i64 - 1) as usize].clone();
            if k < n_dprk {
                self.mixed_dprk_worker(&agency, &client, issued, until, &group)?;
            } else {
                self.mixed_chinese_worker(&agency, &client)?;
            }
        }
        Ok(())
    }

    /// Near misses of TEAM_ROTATION (difficulty 1 and more): restaurants
    /// that replaced their DPRK team lawfully.
    fn lawful_team_swaps(&mut self) -> Result<(), DetectError> {
        for k in 0..self.hard * (self.n / 800).max(1) {
            self.lawful_team_swap(k)?;
        }
        Ok(())
    }

    /// One restaurant hiring DPRK staff directly on work permits: its first
    /// team leaves between 2015 and mid-2017, a new team on permits issued
    /// before 2017-09-11 starts 3-200 days later and goes home before the
    /// deadline.
    fn lawful_team_swap(&mut self, k: usize) -> Result<(), DetectError> {
        let w = &mut self.w;
        let city = *w.rng.pick(CITIES);
        let name = format!(
            "{city} {} Korean Cuisine Co., Ltd.",
            trade_name("lawful-restaurant", k)
        );
        let client = w.org(&name, "", "restaurant", city, "restaurant")?;
        w.negative(
            &client,
            "restaurant that swapped its DPRK team on permits issued before UNSCR 2375",
        );
        let swap = d(2015, 3, 1).plus(w.rng.range(0, 850) as i32);
        let new_start = swap.plus(w.rng.range(3, 200) as i32);
        let new_issued = new_start.plus(-(w.rng.range(10, 40) as i32));
        let adopted = d(2017, 9, 11);
        let new_issued = if new_issued > adopted {
            adopted.plus(-(w.rng.range(1, 30) as i32))
        } else {
            new_issued
        };
        let old_start = swap.plus(-(w.rng.range(400, 1000) as i32));
        let home = d(2019, 12, 22).plus(-(w.rng.range(5, 300) as i32));
        for team in 0..2 {
            let size = w.rng.range(3, 12);
            for _ in 0..size {
                let (id, _, _, _) = w.dprk_person("F", "restaurant roster")?;
                let (issued, start, end) = if team == 0 {
                    (
                        old_start.plus(-10),
                        old_start,
                        swap.plus(-(w.rng.range(0, 10) as i32)),
                    )
                } else {
                    (new_issued, new_start, home)
                };
                let wp = w.doc(
                    &id,
                    "work_permit",
                    "work",
                    "",
                    &client,
                    issued,
                    end.plus(30),
                )?;
                w.cross(&id, &wp, "entry", "Dandong", start.plus(-2), "")?;
                w.place(
                    &id,
                    "",
                    &client,
                    city,
                    "restaurant",
                    "waitress",
                    start,
                    Some(end),
                    2200,
                )?;
                w.cross(&id, &wp, "exit", "Dandong", end.plus(2), "")?;
                // some come back after the deadline, only to visit, once
                // or on business trips (near misses of the travel rules:
                // their work was before)
                if team == 1 && w.rng.chance(0.4) {
                    let from = end.plus(31).max(d(2019, 12, 22).plus(7));
                    let from = from.plus(w.rng.range(0, 120) as i32);
                    w.visits(&id, from)?;
                    w.negative(
                        &id,
                        "former DPRK restaurant worker on a pre-2375 permit, home before the deadline, visiting after it: no work since",
                    );
                } else {
                    w.negative(
                        &id,
                        "DPRK restaurant worker on a pre-2375 permit, home before the deadline",
                    );
                }
            }
        }
        Ok(())
    }

    /// A mixed agency's DPRK worker on a pre-2375 permit that expired before
    /// the deadline.
    fn mixed_dprk_worker(
        &mut self,
        agency: &str,
        client: &str,
        issued: Day,
        until: Day,
        group: &str,
    ) -> Result<(), DetectError> {
        let w = &mut self.w;
        let gender = *w.rng.pick(&["F", "M"]);
        let (id, _, _, _) = w.dprk_person(gender, "agency roster")?;
        let wp = w.doc(&id, "work_permit", "work", "", client, issued, until)?;
        w.cross(&id, &wp, "entry", "Dandong", issued.plus(3), group)?;
        let start = issued.plus(w.rng.range(5, 12) as i32);
        let end = until.plus(-(w.rng.range(0, 30) as i32));
        w.place(
            &id,
            agency,
            client,
            "Dalian",
            "seafood",
            "worker",
            start,
            Some(end),
            2400,
        )?;
        w.cross(&id, &wp, "exit", "Dandong", end.plus(2), "")?;
        w.negative(
            &id,
            "DPRK worker on a pre-2017 permit that expired before the deadline",
        );
        Ok(())
    }

    /// A mixed agency's Chinese worker.
    fn mixed_chinese_worker(&mut self, agency: &str, client: &str) -> Result<(), DetectError> {
        let w = &mut self.w;
        let dob = w.birth();
        let s = *w.rng.pick(HAN_SURNAMES);
        let g = *w.rng.pick(HAN_GIVEN);
        let id = w.new_person_id();
        let idn = format!("2102{:014}", w.rng.range(0, 99_999_999_999_999));
        let gender = *w.rng.pick(&["F", "M"]);
        w.person([
            &id,
            &format!("{} {}", s.0, g.0),
            &format!("{}{}", s.1, g.1),
            &dob.to_string(),
            gender,
            "CN",
            &idn,
            "agency roster",
        ])?;
        let start = d(2015, 1, 1).plus(w.rng.range(0, 1200) as i32);
        w.place(
            &id, agency, client, "Dalian", "seafood", "worker", start, None, 3500,
        )?;
        w.negative(&id, "Chinese worker of a mixed agency");
        Ok(())
    }

    /// DPRK namesakes of workers, born years apart, studying at `university`
    /// (near misses).
    fn namesakes(&mut self, university: &str) -> Result<(), DetectError> {
        let w = &mut self.w;
        for _ in 0..self.hard * (self.n / 100).max(2) {
            if self.dprk_worker_names.is_empty() {
                break;
            }
            let k = w.rng.range(0, self.dprk_worker_names.len() as i64 - 1) as usize;
            let (north, _, wdob) = self.dprk_worker_names[k].clone();
            let years = w.rng.range(3, 20) as i32 * if w.rng.chance(0.5) { 1 } else { -1 };
            let dob = wdob.plus(years * 365);
            let id = w.new_person_id();
            let pass = w.passport();
            let gender = *w.rng.pick(&["F", "M"]);
            w.person([
                &id,
                &north,
                "",
                &dob.to_string(),
                gender,
                "KP",
                &pass,
                "university register",
            ])?;
            let from = d(2018, 8, 20);
            w.doc(
                &id,
                "visa",
                "student",
                "",
                university,
                from,
                from.plus(4 * 365),
            )?;
            w.negative(&id, "DPRK namesake of a worker, born years apart");
        }
        Ok(())
    }

    /// Rent, supplier and tax payments by employers of DPRK crews (near
    /// misses).
    fn non_wage_payments(&mut self) -> Result<(), DetectError> {
        let w = &mut self.w;
        let landlord = w.org(
            "Shenyang Huafu Property Management Co.",
            "",
            "other",
            "Shenyang",
            "other",
        )?;
        let supplier = w.org(
            "Dalian Jinqiao Building Materials Co.",
            "",
            "other",
            "Dalian",
            "construction",
        )?;
        let tax = w.org(
            "Shenyang Municipal Tax Service",
            "",
            "government",
            "Shenyang",
            "other",
        )?;
        for o in [&landlord, &supplier, &tax] {
            w.negative(o, "payee of rent, supplies or taxes");
        }
        let hard = self.hard;
        if hard > 0 {
            for (client, bill, start, end) in self.crew_clients.clone() {
                if !w.rng.chance(0.4 * hard as f64) {
                    continue;
                }
                let (payee, what) = match w.rng.range(0, 2) {
                    0 => (landlord.clone(), "dormitory rent"),
                    1 => (supplier.clone(), "materials invoice"),
                    _ => (tax.clone(), "tax"),
                };
                let share = w.rng.range(10, 150) as u32;
                let months = w.rng.range(3, 18) as i32;
                for m in 0..months {
                    let day = start.plus(15 + 30 * m);
                    if day > end {
                        break;
                    }
                    let label = day.month_label();
                    w.pay(
                        &client,
                        &payee,
                        bill * share / 100,
                        day,
                        &format!("{what} {label}"),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Decoys on the list: names nobody in the data carries.
    fn decoys(&mut self) {
        self.listed.push(serde_json::json!({
            "id": "sim-listed-kmdtc", "schema": "Company",
            "properties": {"name": ["Korea Mining Development Trading Corporation"], "country": ["kp"]},
            "datasets": ["sim_sanctions"], "target": true}));
        self.listed.push(serde_json::json!({
            "id": "sim-listed-person-1", "schema": "Person",
            "properties": {"name": ["Kim Jong Sik"], "birthDate": ["1962-03-03"], "nationality": ["kp"]},
            "datasets": ["sim_sanctions"], "target": true}));
    }

    /// Flushes the CSV files, writes the truth and the list, and counts.
    fn finish(self, dir: &Path) -> Result<SimStats, DetectError> {
        let Scenario { w, listed, .. } = self;
        let Files {
            persons,
            documents,
            crossings,
            placements,
            organizations,
            relations,
            payments,
        } = w.files;
        for (name, mut f) in [
            ("persons.csv", persons),
            ("documents.csv", documents),
            ("crossings.csv", crossings),
            ("placements.csv", placements),
            ("organizations.csv", organizations),
            ("relations.csv", relations),
            ("payments.csv", payments),
        ] {
            f.flush().map_err(|e| DetectError::Io {
                path: dir.join(name),
                source: e,
            })?;
        }
        let write_lines = |path: &Path, lines: Vec<String>| -> Result<(), DetectError> {
            let io = |e| DetectError::Io {
                path: path.to_path_buf(),
                source: e,
            };
            let mut f = BufWriter::new(std::fs::File::create(path).map_err(io)?);
            for l in lines {
                f.write_all(l.as_bytes()).map_err(io)?;
                f.write_all(b"\n").map_err(io)?;
            }
            f.flush().map_err(io)
        };
        let mut stats = w.stats;
        stats.patterns = w
            .truth
            .iter()
            .filter(|t| matches!(t, TruthLine::Pattern { .. }))
            .count();
        stats.negatives = w
            .truth
            .iter()
            .filter(|t| matches!(t, TruthLine::Negative { .. }))
            .count();
        write_lines(
            &dir.join(TRUTH_FILE),
            w.truth
                .iter()
                .map(|t| serde_json::to_string(t).expect("serialises"))
                .collect(),
        )?;
        write_lines(
            &dir.join(LIST_DIR).join("entities.ftm.json"),
            listed.iter().map(|v| v.to_string()).collect(),
        )?;
        Ok(stats)
    }
}

/// Mixed into the seed so that seed 0 is not a degenerate state.
const SEED_SALT: u64 = 0x5eed_0a1d_2019_1222;
