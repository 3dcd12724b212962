//! `yalu keys create|list|revoke`: API keys for `yalu serve`.

use crate::config::Config;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use yalu_store::{Role, Store};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it once (it is stored only as a hash).
    Create(CreateArgs),
    /// List keys: id, role, label, created, revoked. Never the secrets.
    List(ListArgs),
    /// Revoke a key by id; requests with it get 401 at once.
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct StoreArg {
    /// The key store (default `store.path`, yalu.db).
    #[arg(long, value_name = "FILE", conflicts_with = "database")]
    pub store: Option<PathBuf>,
    /// The store as a database URL (`postgres://...`) or SQLite file path;
    /// default `store.database`, else `store.path`.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Match, search, entities, catalog.
    Screener,
    /// A screener who may also read /metrics.
    Analyst,
    /// May also reload the index.
    Admin,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The display name of who uses the key (`--name "Ana Li"`): the
    /// workbench shows it wherever this key acted, beside the key id.
    #[arg(long, visible_alias = "name")]
    pub label: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The key id (the part after `yalu_`, as `keys list` shows it).
    pub id: String,
    #[command(flatten)]
    pub store: StoreArg,
}

fn open(arg: &StoreArg, config: &Config) -> anyhow::Result<Store> {
    open_store(arg.store.as_deref(), arg.database.as_deref(), config)
}

/// Opens the store: `--store FILE`, else `--database URL`, else
/// `store.database`, else `store.path`.
pub fn open_store(
    file: Option<&std::path::Path>,
    database: Option<&str>,
    config: &Config,
) -> anyhow::Result<Store> {
    if let Some(path) = file {
        return Ok(Store::open(path)?);
    }
    match database.or(config.store.database.as_deref()) {
        Some(url) => Ok(Store::open_url(url)?),
        None => Ok(Store::open(&config.store.path)?),
    }
}

pub fn run(cmd: KeysCommand, config: &Config) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Create(args) => {
            let role = match args.role {
                RoleArg::Screener => Role::Screener,
                RoleArg::Analyst => Role::Analyst,
                RoleArg::Admin => Role::Admin,
            };
            let store = open(&args.store, config)?;
            let created = store.keys().create(role, args.label.as_deref())?;
            eprintln!(
                "created key {} with role {}; it is shown once and cannot be recovered:",
                created.id, created.role
            );
            println!("{}", created.key);
        }
        KeysCommand::List(args) => {
            let store = open(&args.store, config)?;
            let keys = store.keys().list()?;
            if args.json {
                let rows: Vec<serde_json::Value> = keys
                    .iter()
                    .map(|k| {
                        serde_json::json!({
                            "id": k.id, "role": k.role.as_str(), "label": k.label,
                            "created_at": k.created_at, "revoked_at": k.revoked_at,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!(
                    "{:<14} {:<9} {:<21} {:<21} label",
                    "id", "role", "created", "revoked"
                );
                for k in &keys {
                    println!(
                        "{:<14} {:<9} {:<21} {:<21} {}",
                        k.id,
                        k.role,
                        k.created_at,
                        k.revoked_at.as_deref().unwrap_or("-"),
                        k.label.as_deref().unwrap_or("")
                    );
                }
            }
        }
        KeysCommand::Revoke(args) => {
            let store = open(&args.store, config)?;
            if !store.keys().revoke(&args.id)? {
                anyhow::bail!("no active key with id `{}` (see `yalu keys list`)", args.id);
            }
            eprintln!("revoked key {}", args.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
