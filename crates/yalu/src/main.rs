//! `yalu`: the command-line binary. It parses arguments, loads the
//! configuration, calls the library crates and turns their results into
//! output and exit codes. All logic lives in the library crates.
//!
//! Exit codes: 0 success; 1 error (bad input, unreadable file); 2 usage
//! error (from clap); 3 `yalu monitor` found changes for the records.

mod cli;
mod commands;
mod config;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: `yalu serve` allocates from
/// many threads (the runtime's workers and blocking pool, the store's
/// writer, reloads), and glibc's per-thread arenas kept what they had once
/// held, so the server's memory crept up for minutes under steady load
/// (docs/reliability.md, runs I and J).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_tracing(cli.verbose);
    let config = match config::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(1);
        }
    };
    match commands::run(cli.command, &config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .init();
}
