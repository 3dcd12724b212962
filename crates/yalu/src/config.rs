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
    /// `yalu serve`: address, limits, refresh schedule.
    pub server: ServerConfig,
    /// Where Yalu keeps its data (API keys; later cases and the audit log).
    pub store: StoreConfig,
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
            // The scorer's own default: one threshold, declared once.
            threshold: yalu_match::MatchConfig::default().threshold,
            limit: 5,
        }
    }
}

/// `[server]`: the screening API (`yalu serve`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on (`--bind` overrides it).
    pub bind: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Most queries in one `/match` request.
    pub max_batch: usize,
    /// Longest a request may run, in seconds.
    pub request_timeout_secs: u64,
    /// Screening requests (match, search) whose work runs at once. The
    /// work is CPU-bound, so the default is twice the cores this process
    /// may use: more slots add no throughput and starve the async workers
    /// that read requests and answer `overloaded`, so excess load would
    /// wait unseen in socket buffers instead of being shed.
    pub max_concurrent: usize,
    /// Screening requests that may wait for one of those; one more is
    /// answered 503 `overloaded` at once, before its key is checked.
    pub max_queued: usize,
    /// Re-read the lists on this schedule (`90s`, `30m`, `1h`, `1d`).
    pub refresh_every: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8000".to_string(),
            max_body_bytes: 1 << 20,
            max_batch: 100,
            request_timeout_secs: 30,
            max_concurrent: default_max_concurrent(),
            max_queued: 128,
            refresh_every: None,
        }
    }
}

/// Twice the cores this process may use (at least 2).
fn default_max_concurrent() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) * 2
}

/// `[store]`: Yalu's database.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The SQLite file (created on first use).
    pub path: PathBuf,
    /// A PostgreSQL URL (`postgres://user@host:5432/db`); when set, keys,
    /// cases and the audit log live there instead of in `path`.
    pub database: Option<String>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: PathBuf::from("yalu.db"),
            database: None,
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
