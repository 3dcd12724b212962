//! Names of the simulated world's firms. A firm's distinguishing word is a
//! Chinese trade name composed from a pool of syllables common in company
//! names ("Hengxin", "Ruitai"), not a serial number: the `n`th firm of a
//! kind gets the `n`th name of that kind's sequence, a permutation of the
//! pool's pairs, so names stay distinct within a kind and the same seed
//! gives the same names. Personal names are composed in `sim.rs` from
//! pools of Korean and Chinese surnames and given-name syllables.
//!
//! The names depend on the firm's number only, never on the simulator's
//! random stream, so the worlds (and the rules' results) are unchanged by
//! them.

use crate::alert::fnv1a;

/// Syllables (pinyin) that Chinese trade names are made of.
const TRADE_SYLLABLES: &[&str] = &[
    "heng", "xin", "da", "tai", "sheng", "hua", "feng", "yuan", "long", "jin", "rui", "kang", "fu",
    "hong", "tian", "cheng", "yi", "ming", "chang", "an", "bao", "ding", "hai", "jia", "lian",
    "run", "shun", "tong", "wei", "xiang", "yong", "zhong",
];

/// How many two-syllable names the pool gives (ordered pairs of two
/// different syllables).
fn pairs() -> usize {
    let k = TRADE_SYLLABLES.len();
    k * (k - 1)
}

/// The `n`th trade name of firms of `kind` ("agency", "plant", ...): two
/// different syllables ("Hengxin"), distinct for every `n` below the
/// number of pairs (992), then with a third syllable in front.
pub fn trade_name(kind: &str, n: usize) -> String {
    let p = pairs();
    let k = TRADE_SYLLABLES.len();
    // A step coprime with the number of pairs (near its golden section)
    // walks through all of them,
    // so that consecutive firms do not share their first syllable; each
    // kind starts elsewhere.
    const STEP: usize = 613;
    let offset = (fnv1a(&[kind]) % p as u64) as usize;
    let i = (offset + (n % p) * STEP) % p;
    let a = i / (k - 1);
    let b = i % (k - 1);
    let b = if b >= a { b + 1 } else { b };
    let mut name = String::new();
    if n >= p {
        name.push_str(TRADE_SYLLABLES[(n / p - 1) % k]);
    }
    name.push_str(TRADE_SYLLABLES[a]);
    name.push_str(TRADE_SYLLABLES[b]);
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_distinct_within_a_kind_and_carry_no_number() {
        let p = pairs();
        for kind in ["agency", "plant"] {
            let names: Vec<String> = (0..p + 40).map(|n| trade_name(kind, n)).collect();
            let distinct: HashSet<&String> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "{kind}");
            assert!(
                names.iter().all(|n| !n.chars().any(|c| c.is_ascii_digit())),
                "{kind}"
            );
            assert!(
                names
                    .iter()
                    .all(|n| n.chars().next().unwrap().is_uppercase())
            );
        }
        // Consecutive firms differ from the first syllable on, and two
        // kinds do not run through the same sequence.
        let starts: HashSet<String> = (0..10)
            .map(|n| trade_name("agency", n)[..2].to_string())
            .collect();
        assert!(starts.len() > 5, "{starts:?}");
        assert_ne!(trade_name("agency", 0), trade_name("plant", 0));
        assert_eq!(trade_name("agency", 7), trade_name("agency", 7));
    }
}
