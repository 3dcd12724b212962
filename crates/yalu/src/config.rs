//! The one typed configuration of the `yalu` binary, loaded in one place:
//! defaults, then a TOML file (`--config FILE`, else `yalu.toml` in the
//! working directory if present), then `YALU_*` environment variables
//! (`YALU_SCREENING__THRESHOLD=0.8` sets `screening.threshold`). No other
//! code reads environment variables.

use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub screening: ScreeningConfig,
    /// Lists loaded when a command is given no `--list`.
    pub lists: Vec<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScreeningConfig {
    /// Score at or above which a result is a match.
    pub threshold: f64,
    /// Results returned per query.
    pub limit: usize,
}

impl Default for ScreeningConfig {
    fn default() -> Self {
        ScreeningConfig {
            threshold: 0.70,
            limit: 5,
        }
    }
}

/// `YALU_REQUIRE_*` variables belong to the test harness (they turn test
/// skips into failures), not to the configuration.
const TEST_HARNESS_PREFIX: &str = "YALU_REQUIRE_";

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut builder = config::Config::builder();
        match file {
            Some(path) => {
                if !path.is_file() {
                    anyhow::bail!("config file {} does not exist", path.display());
                }
                builder =
                    builder.add_source(config::File::from(path).format(config::FileFormat::Toml));
            }
            None => {
                builder = builder.add_source(
                    config::File::with_name("yalu.toml")
                        .format(config::FileFormat::Toml)
                        .required(false),
                );
            }
        }
        let env: std::collections::HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("YALU_") && !k.starts_with(TEST_HARNESS_PREFIX))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("YALU")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        let raw = builder.build().context("reading configuration")?;
        let config: Config = raw
            .try_deserialize()
            .context("invalid configuration (file or YALU_* variables)")?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let t = self.screening.threshold;
        if !(0.0..=1.0).contains(&t) {
            anyhow::bail!("screening.threshold must be within 0..1, got {t}");
        }
        if self.screening.limit == 0 {
            anyhow::bail!("screening.limit must be at least 1");
        }
        Ok(())
    }
}
