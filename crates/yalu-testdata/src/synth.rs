//! Seeded synthetic entities for benchmarks: people with Korean, Chinese,
//! Russian and Western names, companies and vessels, with birth dates and
//! nationalities. The same seed always gives the same entities.

use yalu_model::{Entity, Schema, prop};

const KOREAN_SURNAMES: &[&str] = &[
    "Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Cho", "Yun", "Jang", "Han", "O", "So", "Sin",
    "Kwon", "Hwang", "An", "Song", "Ryu", "Hong", "Jon", "Ko", "Mun", "Yang", "Son", "Pae",
];
const KOREAN_SYLLABLES: &[&str] = &[
    "Chol", "Nam", "Yong", "Song", "Il", "Hyok", "Kwang", "Myong", "Hui", "Sun", "Ok", "Jin",
    "Hyon", "Su", "Min", "Chun", "Gum", "Ryong", "Thae", "Sok", "Kyong", "Un", "Jun", "Ho", "Hak",
    "Man", "Pyong", "Tok", "Dong", "Chang", "Hwa", "Ju", "Ae", "Mi", "Rim", "Sang",
];
const CHINESE_SURNAMES: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu",
    "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo",
];
const CHINESE_GIVEN: &[&str] = &[
    "Wei", "Fang", "Na", "Xiuying", "Min", "Jing", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan",
    "Jie", "Tao", "Ming", "Chao", "Xiulan", "Xia", "Ping", "Gang", "Hui", "Hong",
];
const WESTERN_FIRST: &[&str] = &[
    "John", "Maria", "David", "Anna", "Michael", "Elena", "James", "Olga", "Robert", "Sarah",
    "Ivan", "Sergei", "Natalia", "Peter", "Laura", "Thomas", "Ahmed", "Fatima", "Carlos", "Sofia",
    "Dmitry", "Irina", "Paul", "Julia", "Omar", "Leila", "Mark", "Nina",
];
const WESTERN_LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Petrov",
    "Ivanov",
    "Garcia",
    "Muller",
    "Rossi",
    "Novak",
    "Kowalski",
    "Hansen",
    "Silva",
    "Brown",
    "Volkov",
    "Sokolov",
    "Schmidt",
    "Dubois",
    "Haddad",
    "Rahman",
    "Lopez",
    "Martin",
    "Kuznetsov",
    "Popescu",
    "Nagy",
    "Horvat",
    "Jensen",
    "Berg",
];
const COMPANY_WORDS: &[&str] = &[
    "Koryo", "Paektu", "Sinuiju", "Dandong", "Liaoning", "Golden", "Star", "Ocean", "Pacific",
    "Unity", "Morning", "Phoenix", "Jade", "River", "Harbor", "Northern", "Eastern", "Silk",
    "Dragon", "Taedong", "Amnok", "Chollima", "Mirae", "Haeyang", "Hwasong", "Rason", "Songi",
];
const COMPANY_TRADES: &[&str] = &[
    "Trading",
    "Textile",
    "Seafood",
    "Garment",
    "Labour Services",
    "Construction",
    "Shipping",
    "Mining",
    "Electronics",
    "Import Export",
    "Logistics",
    "Fisheries",
    "Food Processing",
];
const COMPANY_FORMS: &[&str] = &[
    "Co., Ltd.",
    "Corporation",
    "LLC",
    "General Company",
    "Group",
    "Limited",
    "GmbH",
    "JSC",
];
const NATIONALITIES: &[&str] = &["kp", "cn", "ru", "kr", "us", "de", "ae", "my", "sg", "mn"];

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn person_name(rng: &mut fastrand::Rng) -> (String, &'static str) {
    match rng.u8(..10) {
        0..=4 => {
            let given = if rng.bool() {
                format!(
                    "{} {}",
                    pick(rng, KOREAN_SYLLABLES),
                    pick(rng, KOREAN_SYLLABLES).to_lowercase()
                )
            } else {
                format!(
                    "{}-{}",
                    pick(rng, KOREAN_SYLLABLES),
                    pick(rng, KOREAN_SYLLABLES).to_lowercase()
                )
            };
            (
                format!("{} {}", pick(rng, KOREAN_SURNAMES).to_uppercase(), given),
                "kp",
            )
        }
        5..=6 => (
            format!(
                "{} {}",
                pick(rng, CHINESE_SURNAMES),
                pick(rng, CHINESE_GIVEN)
            ),
            "cn",
        ),
        _ => (
            format!("{} {}", pick(rng, WESTERN_FIRST), pick(rng, WESTERN_LAST)),
            NATIONALITIES[rng.usize(2..NATIONALITIES.len())],
        ),
    }
}

/// One synthetic entity; `i` makes the id.
pub fn entity(rng: &mut fastrand::Rng, i: usize) -> Entity {
    let roll = rng.u8(..100);
    if roll < 70 {
        let mut e = Entity::new(format!("synth-{i}"), Schema::Person);
        let (name, nationality) = person_name(rng);
        e.add(prop::NAME, name);
        if rng.u8(..4) == 0 {
            let (alias, _) = person_name(rng);
            e.add(prop::ALIAS, alias);
        }
        let year = rng.i32(1940..2002);
        match rng.u8(..3) {
            0 => e.add(prop::BIRTH_DATE, format!("{year}")),
            _ => e.add(
                prop::BIRTH_DATE,
                format!("{year}-{:02}-{:02}", rng.u8(1..13), rng.u8(1..29)),
            ),
        };
        e.add(prop::NATIONALITY, nationality);
        if rng.bool() {
            e.add(
                prop::PASSPORT_NUMBER,
                format!("{}", rng.u64(100_000_000..999_999_999)),
            );
        }
        e
    } else if roll < 95 {
        let mut e = Entity::new(format!("synth-{i}"), Schema::Company);
        e.add(
            prop::NAME,
            format!(
                "{} {} {} {}",
                pick(rng, COMPANY_WORDS),
                pick(rng, COMPANY_WORDS),
                pick(rng, COMPANY_TRADES),
                pick(rng, COMPANY_FORMS)
            ),
        );
        e.add(
            prop::COUNTRY,
            NATIONALITIES[rng.usize(..NATIONALITIES.len())],
        );
        if rng.bool() {
            e.add(
                prop::REGISTRATION_NUMBER,
                format!("RN{}", rng.u64(1_000_000..99_999_999)),
            );
        }
        e
    } else {
        let mut e = Entity::new(format!("synth-{i}"), Schema::Vessel);
        e.add(
            prop::NAME,
            format!("{} {}", pick(rng, COMPANY_WORDS), pick(rng, COMPANY_WORDS)).to_uppercase(),
        );
        e.add(
            prop::IMO_NUMBER,
            format!("IMO{}", rng.u32(8_000_000..9_999_999)),
        );
        e.add(prop::FLAG, NATIONALITIES[rng.usize(..NATIONALITIES.len())]);
        e
    }
}

/// `n` synthetic entities from `seed`.
pub fn entities(seed: u64, n: usize) -> impl Iterator<Item = Entity> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n).map(move |i| entity(&mut rng, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_varied() {
        let a: Vec<Entity> = entities(7, 200).collect();
        let b: Vec<Entity> = entities(7, 200).collect();
        assert_eq!(a, b);
        let persons = a.iter().filter(|e| e.schema == Schema::Person).count();
        assert!(persons > 100 && persons < 180, "{persons}");
        let c: Vec<Entity> = entities(8, 200).collect();
        assert_ne!(a, c);
    }
}
