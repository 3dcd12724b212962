//! Small hand-made data sets for the rule and reader tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use yalu_detect::ReadOptions;
use yalu_detect::{Alert, Outcome, RuleSet};

/// A data set written as CSV files, row by row.
#[derive(Default)]
pub struct Fixture {
    files: BTreeMap<&'static str, (String, Vec<String>)>,
    pub rules: Option<String>,
}

pub const PERSONS: &str =
    "person_id,full_name,name_original_script,birth_date,gender,nationality,passport_number,source";
pub const DOCUMENTS: &str = "document_id,person_id,kind,category,issuing_country,number,sponsor_org_id,issued_on,valid_from,valid_until";
pub const CROSSINGS: &str =
    "crossing_id,person_id,document_id,direction,country,port,crossed_at,group_ref";
pub const PLACEMENTS: &str = "placement_id,person_id,agency_org_id,client_org_id,site,sector,role,start_on,end_on,wage_amount,wage_currency";
pub const ORGS: &str =
    "org_id,name,name_original_script,kind,country,city,registration_number,sector";
pub const RELATIONS: &str = "relation_id,from_id,to_id,kind,share,since,until";
pub const PAYMENTS: &str = "payment_id,payer_id,payee_id,amount,currency,paid_on,channel,reference";

impl Fixture {
    pub fn new() -> Fixture {
        let mut f = Fixture::default();
        f.org("c1", "Dalian Ocean Seafood Processing");
        f.org("a1", "Dandong Hongxiang Trading");
        f
    }

    pub fn row(&mut self, file: &'static str, header: &str, row: &str) -> &mut Self {
        self.files
            .entry(file)
            .or_insert_with(|| (header.to_string(), Vec::new()))
            .1
            .push(row.to_string());
        self
    }

    pub fn org(&mut self, id: &str, name: &str) -> &mut Self {
        self.row("organizations", ORGS, &format!("{id},{name},,,CN,,,"))
    }

    /// A person with a distinct name and birth date derived from the id.
    pub fn person(&mut self, id: &str, nationality: &str) -> &mut Self {
        let n: u32 = id.bytes().map(|b| b as u32).sum::<u32>() + id.len() as u32 * 7;
        let given = [
            "Chol", "Yong", "Myong", "Hyok", "Song", "Gwang", "Jin", "Hui", "Ok", "Sun",
        ];
        let name = format!("Pak {} {}", given[(n % 10) as usize], id.to_uppercase());
        let birth = format!("19{:02}-{:02}-{:02}", 60 + n % 35, 1 + n % 12, 1 + n % 28);
        self.row(
            "persons",
            PERSONS,
            &format!("{id},{name},,{birth},M,{nationality},P{id},test"),
        )
    }

    pub fn doc(
        &mut self,
        id: &str,
        person: &str,
        kind: &str,
        category: &str,
        from: &str,
        until: &str,
    ) -> &mut Self {
        self.row(
            "documents",
            DOCUMENTS,
            &format!("{id},{person},{kind},{category},CN,,,{from},{from},{until}"),
        )
    }

    pub fn cross(
        &mut self,
        id: &str,
        person: &str,
        direction: &str,
        day: &str,
        doc: &str,
        group: &str,
    ) -> &mut Self {
        self.row(
            "crossings",
            CROSSINGS,
            &format!("{id},{person},{doc},{direction},CN,Dandong,{day},{group}"),
        )
    }

    pub fn place(
        &mut self,
        id: &str,
        person: &str,
        agency: &str,
        client: &str,
        start: &str,
        end: &str,
    ) -> &mut Self {
        self.row(
            "placements",
            PLACEMENTS,
            &format!("{id},{person},{agency},{client},Dalian,seafood,,{start},{end},2000,CNY"),
        )
    }

    pub fn place_wage(
        &mut self,
        id: &str,
        person: &str,
        client: &str,
        start: &str,
        end: &str,
        wage: f64,
    ) -> &mut Self {
        self.row(
            "placements",
            PLACEMENTS,
            &format!("{id},{person},,{client},Dalian,seafood,,{start},{end},{wage},CNY"),
        )
    }

    pub fn pay(&mut self, id: &str, payer: &str, payee: &str, amount: f64, day: &str) -> &mut Self {
        self.row(
            "payments",
            PAYMENTS,
            &format!("{id},{payer},{payee},{amount},CNY,{day},bank,"),
        )
    }

    pub fn relation(&mut self, id: &str, from: &str, to: &str, kind: &str) -> &mut Self {
        self.row(
            "relations",
            RELATIONS,
            &format!("{id},{from},{to},{kind},,,"),
        )
    }

    pub fn write(&self, dir: &std::path::Path) {
        for (name, (header, rows)) in &self.files {
            let mut text = format!("{header}\n");
            for r in rows {
                text.push_str(r);
                text.push('\n');
            }
            std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
        }
    }

    pub fn run(&self) -> Outcome {
        self.run_with(None)
    }

    /// Runs with sanctions lists to screen against.
    pub fn run_with(&self, lists: Option<&yalu_links::Lists>) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        let set = match &self.rules {
            Some(t) => RuleSet::from_toml(t, "test").unwrap(),
            None => RuleSet::default(),
        };
        let out = yalu_detect::run(dir.path(), lists, &set, &ReadOptions::default()).unwrap();
        assert!(
            out.rejected.is_empty(),
            "fixture rows rejected: {:?}",
            out.rejected
        );
        out
    }

    pub fn alerts(&self, rule: &str) -> Vec<Alert> {
        self.run()
            .alerts
            .into_iter()
            .filter(|a| a.rule == rule)
            .collect()
    }
}

/// `YYYY-MM-DD` of a day offset from a start date.
pub fn day(start: &str, offset: i32) -> String {
    yalu_detect::Day::parse(start)
        .unwrap()
        .plus(offset)
        .to_string()
}
