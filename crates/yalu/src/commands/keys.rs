//! `yalu keys create|list|revoke`: API keys for `yalu serve`.

use crate::cli::{KeysCommand, RoleArg, StoreArg};
use crate::config::Config;
use std::process::ExitCode;
use yalu_store::{Role, Store};

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
