//! One module per command family. Each parses nothing itself (clap did),
//! calls the library crates and renders the result.

pub mod cases;
pub mod demo;
pub mod detect;
pub mod fetch;
pub mod keys;
mod lists;
mod match_score;
pub mod monitor;
pub mod screen_file;
pub mod serve;

use crate::cli::Command;
use crate::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;
use yalu_lists::{LoadedList, ReadOptions};

pub fn run(command: Command, config: &Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Lists(cmd) => lists::run(cmd),
        Command::Match(args) => match_score::run_match(args, config),
        Command::Score(args) => match_score::run_score(args, config),
        Command::Eval(crate::cli::EvalCommand::Detect(args)) => detect::run_eval(args, config),
        Command::Eval(cmd) => match_score::run_eval(cmd, config),
        Command::Detect(args) => detect::run_detect(args, config),
        Command::Rules(cmd) => detect::run_rules(cmd),
        Command::Sim(args) => detect::run_sim(args),
        Command::Serve(args) => serve::run(args, config),
        Command::Keys(cmd) => keys::run(cmd, config),
        Command::Cases(cmd) => cases::run(cmd, config),
        Command::Demo(args) => demo::run(args, config),
        Command::Screen(args) => screen_file::run(args, config),
        Command::Monitor(args) => monitor::run(args, config),
    }
}

/// The lists a command works on: its `--list` paths, else `lists` from the
/// configuration; an error naming both when neither gives any.
pub fn list_paths<'a>(
    given: &'a [PathBuf],
    config: &'a Config,
    purpose: &str,
) -> anyhow::Result<&'a [PathBuf]> {
    let paths = if given.is_empty() {
        &config.lists
    } else {
        given
    };
    if paths.is_empty() {
        anyhow::bail!("no list to {purpose}: give --list PATH or set `lists` in the configuration");
    }
    Ok(paths)
}

/// How many skipped records to print before summarising the rest.
const SHOWN_PROBLEMS: usize = 10;

/// Reads lists, telling the user on stderr about every skipped record
/// (the first ones in full, then a count), so nothing is dropped silently.
pub fn load_lists(paths: &[PathBuf], strict: bool) -> anyhow::Result<Vec<LoadedList>> {
    let opts = ReadOptions { strict };
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let list = yalu_lists::read_path(path, &opts)?;
        let skipped = &list.stats.skipped;
        for problem in skipped.iter().take(SHOWN_PROBLEMS) {
            eprintln!("skipped: {problem}");
        }
        if skipped.len() > SHOWN_PROBLEMS {
            eprintln!(
                "skipped: {} more records in {} (use --strict to stop at the first)",
                skipped.len() - SHOWN_PROBLEMS,
                path.display()
            );
        }
        tracing::info!(
            path = %path.display(),
            entities = list.entities.len(),
            skipped = skipped.len(),
            warnings = list.stats.warnings.len(),
            "list read"
        );
        out.push(list);
    }
    Ok(out)
}
