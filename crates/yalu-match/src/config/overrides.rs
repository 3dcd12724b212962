//! A screening request's overrides of the scorer settings, in yente's two
//! shapes: `config` (settings by name, a group of settings as a nested
//! object) and `weights` (real-valued settings by name, or nomenklatura's
//! feature names where a setting corresponds, see
//! [`NOMENKLATURA_WEIGHTS`]).
//!
//! Every setting a request may override is declared once, in [`SETTINGS`],
//! with where its value lives and how its value is read; the names are
//! those of the serialised [`MatchConfig`].

use super::{MatchConfig, NOMENKLATURA_WEIGHTS};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A setting named in an override that the scorer does not have: left out,
/// and reported so the caller can warn (yente lets such keys pass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoredSetting {
    /// A `config` key that names no setting and no group of settings.
    Config(String),
    /// A key inside a `config` group that names no setting of that group.
    GroupConfig {
        /// The group (`name`, `disagreeing_lists`).
        group: String,
        /// The key inside the group, as sent.
        key: String,
    },
    /// A `weights` key that names neither a real-valued setting nor a
    /// nomenklatura feature of [`NOMENKLATURA_WEIGHTS`].
    Weight(String),
}

impl IgnoredSetting {
    /// The key as the request wrote it: `group.key` for a key inside a
    /// group.
    pub fn key(&self) -> String {
        match self {
            IgnoredSetting::Config(key) | IgnoredSetting::Weight(key) => key.clone(),
            IgnoredSetting::GroupConfig { group, key } => format!("{group}.{key}"),
        }
    }
}

/// An override the scorer refuses: a value of the wrong type or outside
/// its setting's range, or a weight on something that is no weight.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingError {
    /// A `config` value that its setting cannot take.
    #[error("config `{setting}`: expected {expected}, got {value}")]
    InvalidValue {
        /// The setting, `group.key` inside a group.
        setting: String,
        /// What the setting takes.
        expected: &'static str,
        /// The value as sent.
        value: Value,
    },
    /// A weight that is not a finite number.
    #[error("weight `{weight}` must be a finite number")]
    NonFiniteWeight {
        /// The weight's key.
        weight: String,
    },
    /// A weight naming a setting that is not a real number (a count, or a
    /// group of settings).
    #[error("weight `{weight}` names a setting that is not a number")]
    NotAWeight {
        /// The weight's key.
        weight: String,
    },
}

/// Where a setting's value lives in a [`MatchConfig`], by the kind of
/// value it takes.
#[derive(Clone, Copy)]
enum Field {
    /// A real number: a weight, a factor, a similarity, a threshold.
    Real(fn(&mut MatchConfig) -> &mut f64),
    /// A count: a whole number, at least 0.
    Count(fn(&mut MatchConfig) -> &mut usize),
}

/// One setting a request may override.
struct Setting {
    /// The group the setting belongs to (the field of [`MatchConfig`]
    /// holding it), `None` for a setting of [`MatchConfig`] itself.
    group: Option<&'static str>,
    /// The setting's name within its group.
    name: &'static str,
    /// Where its value lives.
    field: Field,
}

impl Setting {
    /// Sets the setting in `config` to `value`, if the setting can take
    /// it.
    fn set(&self, config: &mut MatchConfig, value: &Value) -> Result<(), SettingError> {
        let refused = |expected| SettingError::InvalidValue {
            setting: match self.group {
                Some(group) => format!("{group}.{}", self.name),
                None => self.name.to_string(),
            },
            expected,
            value: value.clone(),
        };
        match self.field {
            Field::Real(field) => {
                *field(config) = value.as_f64().ok_or_else(|| refused("a number"))?
            }
            Field::Count(field) => {
                *field(config) =
                    count_value(value).ok_or_else(|| refused("a whole number of at least 0"))?
            }
        }
        Ok(())
    }
}

/// A count from a JSON value: a whole number at least 0, also when written
/// as a float (`655.0`).
fn count_value(value: &Value) -> Option<usize> {
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    let whole = match value.as_u64() {
        Some(n) => n,
        None => {
            let x = value.as_f64()?;
            if x.fract() != 0.0 || !(0.0..TWO_POW_64).contains(&x) {
                return None;
            }
            x as u64
        }
    };
    usize::try_from(whole).ok()
}

/// A table entry: `setting!(Real threshold)` for a setting of
/// [`MatchConfig`], `setting!(Real name.order_factor)` for one of a group.
macro_rules! setting {
    ($kind:ident $field:ident) => {
        Setting {
            group: None,
            name: stringify!($field),
            field: Field::$kind(|c| &mut c.$field),
        }
    };
    ($kind:ident $group:ident . $field:ident) => {
        Setting {
            group: Some(stringify!($group)),
            name: stringify!($field),
            field: Field::$kind(|c| &mut c.$group.$field),
        }
    };
}

/// Every setting a request may override.
const SETTINGS: [Setting; 42] = [
    setting!(Real threshold),
    setting!(Real weak_alias_factor),
    setting!(Real birth_date_same_day),
    setting!(Real birth_date_same_year),
    setting!(Real birth_date_within_year),
    setting!(Real birth_date_conflict),
    setting!(Real country_agree),
    setting!(Real country_conflict),
    setting!(Real identifier_floor),
    setting!(Real identifier_bonus),
    setting!(Real gender_conflict),
    setting!(Count max_candidates),
    setting!(Real name.mismatch_weight),
    setting!(Real name.substitution_penalty),
    setting!(Real name.unmatched_penalty),
    setting!(Real name.unmatched_subset_penalty),
    setting!(Real name.unmatched_org_penalty),
    setting!(Real name.min_pair_similarity),
    setting!(Real name.korean_variant_similarity),
    setting!(Real name.skeleton_similarity),
    setting!(Real name.initial_similarity),
    setting!(Real name.acronym_similarity),
    setting!(Real name.han_mismatch_similarity),
    setting!(Real name.hangul_one_jamo_similarity),
    setting!(Real name.hangul_mismatch_similarity),
    setting!(Real name.extra_edit_cost),
    setting!(Real name.korean_syllable_edit_cost),
    setting!(Real name.order_factor),
    setting!(Real name.no_word_match_factor),
    setting!(Real name.legal_mismatch_factor),
    setting!(Real name.patronym_swap_factor),
    setting!(Real name.truncation_similarity),
    setting!(Real name.truncation_short_similarity),
    setting!(Real name.ocr_edit_cost),
    setting!(Real name.stripped_similarity),
    setting!(Real name.weak_support_factor),
    setting!(Real name.korean_missing_syllable_penalty),
    setting!(Real name.korean_syllable_swap_factor),
    setting!(Real name.contradicted_word_penalty),
    setting!(Real disagreeing_lists.birth_date_conflict),
    setting!(Real disagreeing_lists.near_exact_name),
    setting!(Count disagreeing_lists.distinctive_letters),
];

/// The setting `name` of `group` (`None`: of [`MatchConfig`] itself).
fn setting(group: Option<&str>, name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.group == group && s.name == name)
}

/// Whether `name` is a group of settings (a field of [`MatchConfig`]
/// holding settings of its own).
fn is_group(name: &str) -> bool {
    SETTINGS.iter().any(|s| s.group == Some(name))
}

impl MatchConfig {
    /// These settings with a request's overrides applied: first each
    /// `config` setting by name (a group's settings as a nested object,
    /// `{"name": {"order_factor": 0.9}}`), then each of `weights`, a
    /// real-valued setting of [`MatchConfig`] itself or a nomenklatura
    /// feature of [`NOMENKLATURA_WEIGHTS`] times its factor.
    ///
    /// A key that names nothing the scorer has is left out and returned as
    /// an [`IgnoredSetting`], in the order met. A value the setting cannot
    /// take (a wrong type, a count that is negative or not whole, a group
    /// that is not an object) or a weight on something that is no real
    /// setting is a [`SettingError`].
    pub fn with_overrides(
        &self,
        config: &Map<String, Value>,
        weights: &BTreeMap<String, f64>,
    ) -> Result<(MatchConfig, Vec<IgnoredSetting>), SettingError> {
        let mut overridden = self.clone();
        let mut ignored = Vec::new();
        overridden.apply_config(config, &mut ignored)?;
        overridden.apply_weights(weights, &mut ignored)?;
        Ok((overridden, ignored))
    }

    /// Sets each setting of `config`; keys naming no setting go to
    /// `ignored`.
    fn apply_config(
        &mut self,
        config: &Map<String, Value>,
        ignored: &mut Vec<IgnoredSetting>,
    ) -> Result<(), SettingError> {
        for (key, value) in config {
            if is_group(key) {
                self.apply_group(key, value, ignored)?;
            } else if let Some(setting) = setting(None, key) {
                setting.set(self, value)?;
            } else {
                ignored.push(IgnoredSetting::Config(key.clone()));
            }
        }
        Ok(())
    }

    /// Sets the settings of the group `group` from `value`, an object of
    /// settings by name; keys naming no setting of the group go to
    /// `ignored`.
    fn apply_group(
        &mut self,
        group: &str,
        value: &Value,
        ignored: &mut Vec<IgnoredSetting>,
    ) -> Result<(), SettingError> {
        let Some(settings) = value.as_object() else {
            return Err(SettingError::InvalidValue {
                setting: group.to_string(),
                expected: "an object of settings",
                value: value.clone(),
            });
        };
        for (key, value) in settings {
            match setting(Some(group), key) {
                Some(setting) => setting.set(self, value)?,
                None => ignored.push(IgnoredSetting::GroupConfig {
                    group: group.to_string(),
                    key: key.clone(),
                }),
            }
        }
        Ok(())
    }

    /// Sets each of `weights`; keys naming neither a setting nor a
    /// nomenklatura feature go to `ignored`.
    fn apply_weights(
        &mut self,
        weights: &BTreeMap<String, f64>,
        ignored: &mut Vec<IgnoredSetting>,
    ) -> Result<(), SettingError> {
        for (key, &weight) in weights {
            if !weight.is_finite() {
                return Err(SettingError::NonFiniteWeight {
                    weight: key.clone(),
                });
            }
            let (name, factor) = NOMENKLATURA_WEIGHTS
                .iter()
                .find(|(feature, _, _)| feature == key)
                .map_or((key.as_str(), 1.0), |&(_, setting, factor)| {
                    (setting, factor)
                });
            let not_a_weight = || SettingError::NotAWeight {
                weight: key.clone(),
            };
            if is_group(name) {
                return Err(not_a_weight());
            }
            match setting(None, name).map(|s| s.field) {
                Some(Field::Real(field)) => *field(self) = weight * factor,
                Some(Field::Count(_)) => return Err(not_a_weight()),
                None => ignored.push(IgnoredSetting::Weight(key.clone())),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn weights(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|&(k, w)| (k.to_string(), w)).collect()
    }

    #[test]
    fn the_table_names_every_setting_of_the_serialised_config() {
        let serialised = serde_json::to_value(MatchConfig::default()).unwrap();
        let mut expected = Vec::new();
        for (key, value) in serialised.as_object().unwrap() {
            match value.as_object() {
                Some(group) => expected.extend(group.keys().map(|k| format!("{key}.{k}"))),
                None => expected.push(key.clone()),
            }
        }
        let mut declared: Vec<String> = SETTINGS
            .iter()
            .map(|s| match s.group {
                Some(group) => format!("{group}.{}", s.name),
                None => s.name.to_string(),
            })
            .collect();
        expected.sort();
        declared.sort();
        assert_eq!(declared, expected);
    }

    #[test]
    fn known_settings_are_applied() {
        let base = MatchConfig::default();
        let (cfg, ignored) = base
            .with_overrides(
                &config(json!({
                    "max_candidates": 7,
                    "country_agree": 0.5,
                    "name": {"order_factor": 0.9},
                    "disagreeing_lists": {"distinctive_letters": 10.0, "near_exact_name": 1}
                })),
                &weights(&[("gender_conflict", 0.1)]),
            )
            .unwrap();
        assert!(ignored.is_empty(), "{ignored:?}");
        assert_eq!(cfg.max_candidates, 7);
        assert_eq!(cfg.country_agree, 0.5);
        assert_eq!(cfg.name.order_factor, 0.9);
        assert_eq!(cfg.disagreeing_lists.distinctive_letters, 10);
        assert_eq!(cfg.disagreeing_lists.near_exact_name, 1.0);
        assert_eq!(cfg.gender_conflict, 0.1);
        // The rest keeps its value.
        assert_eq!(cfg.threshold, base.threshold);
        assert_eq!(cfg.name.mismatch_weight, base.name.mismatch_weight);
        // A weight overrides a `config` value of the same setting.
        let (cfg, _) = base
            .with_overrides(
                &config(json!({"country_agree": 0.5})),
                &weights(&[("country_agree", 0.25)]),
            )
            .unwrap();
        assert_eq!(cfg.country_agree, 0.25);
    }

    #[test]
    fn unknown_keys_are_left_out_and_reported_in_order() {
        let base = MatchConfig::default();
        let (cfg, ignored) = base
            .with_overrides(
                &config(json!({
                    "nm_number_mismatch": 0.3,
                    "name": {"nonsense": 1, "order_factor": 0.9}
                })),
                // A nested setting is no weight: weights name settings of
                // the scorer itself.
                &weights(&[("name_literal_match", 0.8), ("order_factor", 0.5)]),
            )
            .unwrap();
        assert_eq!(cfg.name.order_factor, 0.9);
        assert_eq!(
            ignored,
            [
                IgnoredSetting::GroupConfig {
                    group: "name".into(),
                    key: "nonsense".into()
                },
                IgnoredSetting::Config("nm_number_mismatch".into()),
                IgnoredSetting::Weight("name_literal_match".into()),
                IgnoredSetting::Weight("order_factor".into()),
            ]
        );
        let keys: Vec<String> = ignored.iter().map(IgnoredSetting::key).collect();
        assert_eq!(
            keys,
            [
                "name.nonsense",
                "nm_number_mismatch",
                "name_literal_match",
                "order_factor"
            ]
        );
    }

    #[test]
    fn values_a_setting_cannot_take_are_refused() {
        let base = MatchConfig::default();
        let refused = |value: Value| {
            base.with_overrides(&config(value), &BTreeMap::new())
                .unwrap_err()
        };
        // A count is whole and at least 0.
        for bad in [
            json!(7.5),
            json!(-1),
            json!(-1.0),
            json!(1e30),
            json!("many"),
        ] {
            let err = refused(json!({ "max_candidates": bad }));
            assert!(
                matches!(&err, SettingError::InvalidValue { setting, .. } if setting == "max_candidates"),
                "{err}"
            );
        }
        assert_eq!(
            refused(json!({"disagreeing_lists": {"distinctive_letters": 2.5}})).to_string(),
            "config `disagreeing_lists.distinctive_letters`: expected a whole number of at least 0, got 2.5"
        );
        // A real setting takes a number, a group an object.
        assert_eq!(
            refused(json!({"threshold": "high"})).to_string(),
            "config `threshold`: expected a number, got \"high\""
        );
        assert!(matches!(
            refused(json!({"threshold": null})),
            SettingError::InvalidValue { .. }
        ));
        assert!(matches!(
            refused(json!({"name": 0.5})),
            SettingError::InvalidValue {
                expected: "an object of settings",
                ..
            }
        ));
        assert!(matches!(
            refused(json!({"name": {"order_factor": [1]}})),
            SettingError::InvalidValue { .. }
        ));
    }

    #[test]
    fn weights_map_nomenklatura_features_to_settings() {
        let base = MatchConfig::default();
        // A qualifier's negative weight is Yalu's penalty.
        let (cfg, ignored) = base
            .with_overrides(
                &Map::new(),
                &weights(&[
                    ("country_mismatch", -0.3),
                    ("dob_year_disjoint", -0.2),
                    ("gender_mismatch", -0.25),
                    ("weak_alias_match", 0.7),
                    ("identifier_match", 0.8),
                ]),
            )
            .unwrap();
        assert!(ignored.is_empty(), "{ignored:?}");
        assert_eq!(cfg.country_conflict, 0.3);
        assert_eq!(cfg.birth_date_conflict, 0.2);
        assert_eq!(cfg.gender_conflict, 0.25);
        assert_eq!(cfg.weak_alias_factor, 0.7);
        assert_eq!(cfg.identifier_floor, 0.8);
        // Weights are real numbers on real settings.
        let refused = |key: &str, w: f64| {
            base.with_overrides(&Map::new(), &weights(&[(key, w)]))
                .unwrap_err()
        };
        assert_eq!(
            refused("country_agree", f64::NAN),
            SettingError::NonFiniteWeight {
                weight: "country_agree".into()
            }
        );
        for key in ["name", "disagreeing_lists", "max_candidates"] {
            assert_eq!(
                refused(key, 0.5),
                SettingError::NotAWeight { weight: key.into() }
            );
        }
    }

    #[test]
    fn no_overrides_leave_the_settings_as_they_are() {
        let base = MatchConfig::default();
        let (cfg, ignored) = base.with_overrides(&Map::new(), &BTreeMap::new()).unwrap();
        assert!(ignored.is_empty());
        assert_eq!(
            serde_json::to_value(cfg).unwrap(),
            serde_json::to_value(base).unwrap()
        );
    }
}
