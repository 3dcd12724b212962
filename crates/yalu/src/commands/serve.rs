//! `yalu serve`: the screening API over HTTP.

use crate::cli::ServeArgs;
use crate::config::{Config, ServerConfig};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use yalu_match::MatchConfig;
use yalu_server::{Auth, IndexSource, Limits, MatchDefaults, ServerOptions};
use yalu_store::Store;

pub fn run(args: ServeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let server = &config.server;
    let bind_text = args.bind.as_deref().unwrap_or(&server.bind);
    let bind: SocketAddr = bind_text.parse().map_err(|e| {
        anyhow::anyhow!("--bind `{bind_text}` is not an address like 127.0.0.1:8000: {e}")
    })?;
    let refresh_every = args
        .refresh_every
        .as_deref()
        .or(server.refresh_every.as_deref())
        .map(parse_duration)
        .transpose()?;
    let lists = super::list_paths(&args.lists, config, "serve")?.to_vec();
    if server.max_batch == 0 || server.max_concurrent == 0 || server.max_body_bytes == 0 {
        anyhow::bail!(
            "server.max_batch, server.max_concurrent and server.max_body_bytes must be at least 1"
        );
    }
    let store = open_case_store(&args, config)?;
    let auth = auth(&args, store.as_ref(), bind)?;
    let options = ServerOptions {
        bind,
        source: IndexSource {
            lists,
            strict: args.strict,
        },
        auth,
        limits: limits(server),
        defaults: match_defaults(config),
        refresh_every,
        reload_on_sighup: true,
        case_store: store,
    };
    yalu_server::run(options, |addr| {
        eprintln!(
            "yalu serve: listening on http://{addr} (loading the index; /readyz answers 503 until it is in)"
        );
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The store of keys and cases. Without keys, a store (for cases) is
/// opened only when one is named: a screening demo should not leave a
/// database file behind.
fn open_case_store(args: &ServeArgs, config: &Config) -> anyhow::Result<Option<Arc<Store>>> {
    let wants_store = !args.no_auth || args.store.is_some() || args.database.is_some();
    if !wants_store {
        return Ok(None);
    }
    Ok(Some(Arc::new(crate::commands::keys::open_store(
        args.store.as_deref(),
        args.database.as_deref(),
        config,
    )?)))
}

/// Who may call: nobody is checked under `--no-auth` (with a warning),
/// else API keys from the store (with a notice while there are none).
fn auth(args: &ServeArgs, store: Option<&Arc<Store>>, bind: SocketAddr) -> anyhow::Result<Auth> {
    if args.no_auth {
        eprintln!(
            "WARNING: --no-auth: every endpoint is open to anyone who can reach {bind}, reloads included. Use it for local demos only."
        );
        if store.is_none() {
            eprintln!("--no-auth without --store or --database: the case routes are off");
        }
        return Ok(Auth::Disabled);
    }
    let store = store.ok_or_else(|| anyhow::anyhow!("no key store opened"))?;
    if store.keys().active_count()? == 0 {
        eprintln!(
            "no API key exists yet in {}: requests get 401 until you run `yalu keys create --role screener` (no restart needed)",
            store.describe()
        );
    }
    Ok(Auth::Keys(store.clone()))
}

/// The server's request limits from the configuration (each count at
/// least 1, the time limit at least a second).
pub(crate) fn limits(server: &ServerConfig) -> Limits {
    Limits {
        max_body_bytes: server.max_body_bytes.max(1),
        max_batch: server.max_batch.max(1),
        request_timeout: Duration::from_secs(server.request_timeout_secs.max(1)),
        max_concurrent: server.max_concurrent.max(1),
        max_queued: server.max_queued,
        ..Limits::default()
    }
}

/// The threshold and result count of a screening request that gives none,
/// from the configuration.
pub(crate) fn match_defaults(config: &Config) -> MatchDefaults {
    MatchDefaults {
        config: MatchConfig {
            threshold: config.screening.threshold,
            ..MatchConfig::default()
        },
        limit: config.screening.limit,
    }
}

/// `90s`, `30m`, `1h`, `2d` (a bare number is seconds).
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        anyhow::anyhow!("duration `{text}`: expected a number and a unit (s, m, h, d), like 1h")
    })?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        other => anyhow::bail!("duration `{text}`: unknown unit `{other}` (s, m, h, d)"),
    };
    if seconds == 0 {
        anyhow::bail!("duration `{text}` must be longer than zero");
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse_duration("15").unwrap(), Duration::from_secs(15));
        assert!(parse_duration("0h").is_err());
        assert!(parse_duration("1 week").is_err());
        assert!(parse_duration("h").is_err());
    }
}
