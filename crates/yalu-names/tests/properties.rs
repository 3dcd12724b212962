//! Property tests: the pipeline never panics on arbitrary Unicode, folding is idempotent, and
//! every token is lowercase ASCII with a weight in 0..=1.

use proptest::prelude::*;
use yalu_names::{NameKind, fold, index_keys, normalize};

fn kinds() -> impl Strategy<Value = NameKind> {
    prop_oneof![
        Just(NameKind::Person),
        Just(NameKind::Organization),
        Just(NameKind::Other)
    ]
}

/// Names mixing the scripts and punctuation the pipeline treats specially.
fn namey() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[A-Za-z]{1,8}",
            "[가-힣]{1,3}",
            "[一-龥]{1,3}",
            "[а-яА-ЯёЁіїєґ]{1,8}",
            "[ء-ي]{1,6}",
            "[α-ω]{1,6}",
            Just("'".to_string()),
            Just("’".to_string()),
            Just("-".to_string()),
            Just(".".to_string()),
            Just(", ".to_string()),
            Just(" ".to_string()),
            Just("&".to_string()),
            Just("LLC".to_string()),
            Just("ООО".to_string()),
            Just("有限公司".to_string()),
            "[0-9]{1,3}",
            Just("ŏ".to_string()),
            Just("\u{0306}".to_string()),
        ],
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

/// Latin-script names with diacritics, apostrophes, initials, commas, legal forms, digits.
fn latin() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[A-Za-z]{1,9}",
            "[A-Za-zÀ-ÿŏŭĀ-ž]{1,6}",
            Just("'".to_string()),
            Just("’".to_string()),
            Just("`".to_string()),
            Just("-".to_string()),
            Just(".".to_string()),
            Just(", ".to_string()),
            Just(" ".to_string()),
            Just("&".to_string()),
            Just("S.A.".to_string()),
            Just("Co. Ltd".to_string()),
            Just("Joint Stock Company".to_string()),
            Just("bin".to_string()),
            "[0-9]{1,3}",
            Just("Forty".to_string()),
            Just("III".to_string()),
        ],
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_on_any_unicode(s in "\\PC{0,60}", kind in kinds()) {
        let n = normalize(&s, kind);
        for v in &n.variants {
            for t in &v.tokens {
                prop_assert!(t.text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{:?}", t.text);
                prop_assert!(!t.text.is_empty());
                prop_assert!((0.0..=1.0).contains(&t.weight));
            }
        }
        let _ = index_keys(&s, kind);
    }

    #[test]
    fn fold_is_idempotent_on_latin_text(s in latin(), kind in kinds()) {
        let once = fold(&s, kind);
        prop_assert_eq!(fold(&once, kind), once.clone());
        // and normalising the folded text gives the same first variant
        let again = normalize(&once, kind);
        let first = again.variants.first().map(|v| v.text()).unwrap_or_default();
        prop_assert_eq!(first, once);
    }

    #[test]
    fn fold_reaches_a_fixed_point_on_any_unicode(s in "\\PC{0,40}", kind in kinds()) {
        // a romanisation may spell a legal form (Chinese `sa` read as S.A. in an organisation
        // name) and change once more; after that, folding changes nothing
        let twice = fold(&fold(&s, kind), kind);
        prop_assert_eq!(fold(&twice, kind), twice);
    }

    #[test]
    fn fold_reaches_a_fixed_point_on_mixed_scripts(s in namey(), kind in kinds()) {
        let twice = fold(&fold(&s, kind), kind);
        prop_assert_eq!(fold(&twice, kind), twice);
    }

    #[test]
    fn variants_are_bounded(s in namey(), kind in kinds()) {
        let n = normalize(&s, kind);
        prop_assert!(n.variants.len() <= yalu_names::MAX_VARIANTS);
        for v in &n.variants {
            prop_assert!(v.tokens.len() <= yalu_names::MAX_TOKENS);
        }
    }
}

#[test]
fn huge_input_is_capped() {
    let s = "김".repeat(100_000);
    let n = normalize(&s, NameKind::Person);
    assert!(n.variants.len() <= yalu_names::MAX_VARIANTS);
    assert!(n.variants[0].tokens.len() <= yalu_names::MAX_TOKENS);
}
