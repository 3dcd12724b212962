//! Command-line arguments (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "yalu",
    version,
    about = "Sanctions screening and DPRK overseas-worker evasion detection"
)]
pub struct Cli {
    /// Configuration file (TOML). `YALU_*` environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, inspect, export and compare sanctions lists.
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Screen one name against lists.
    Match(MatchArgs),
    /// Score labelled pairs (JSON lines) and print one JSON line per pair.
    Score(ScoreArgs),
    /// Evaluate the matcher on labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Read event records (visas, crossings, placements, payments) and write
    /// evasion alerts.
    Detect(crate::commands::detect::DetectArgs),
    /// Show the detection rules and their parameters.
    #[command(subcommand)]
    Rules(crate::commands::detect::RulesCommand),
    /// Write a synthetic world in the event data format, with its ground truth.
    Sim(crate::commands::detect::SimArgs),
    /// Screen a whole customer file (CSV or JSON lines) against lists.
    Screen(crate::commands::screen::ScreenArgs),
    /// Report what a list update changes for a customer file (exit 3 when
    /// something changed).
    Monitor(crate::commands::monitor::MonitorArgs),
    /// Serve the screening API (yente-compatible) over the given lists.
    Serve(crate::commands::serve::ServeArgs),
    /// Create, list and revoke API keys for `yalu serve`.
    #[command(subcommand)]
    Keys(crate::commands::keys::KeysCommand),
    /// Import alerts or screening hits as cases for review.
    #[command(subcommand)]
    Cases(crate::commands::cases::CasesCommand),
    /// The whole product in one command: simulate a world, detect, screen,
    /// load the cases and serve the analyst workbench with demo keys.
    Demo(crate::commands::demo::DemoArgs),
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Detect each list's format and print counts by schema, program and country.
    Inspect(InspectArgs),
    /// Write the entities of lists as FollowTheMoney JSON lines.
    Export(ExportArgs),
    /// Compare two versions of a list by entity id.
    Diff(DiffArgs),
    /// Download the official lists into a folder, with checksums and a manifest.
    Fetch(crate::commands::fetch::FetchArgs),
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Fail on the first broken record instead of skipping and counting it.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// List files or folders (an OFAC CSV set is a folder; a lone sdn.csv works too).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
    /// How many programs and countries to show in the human output (all with --json).
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// FollowTheMoney JSON lines.
    Ftm,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "ftm")]
    pub format: ExportFormat,
    /// Output file (standard output when absent).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    #[arg(long)]
    pub json: bool,
    /// How many entities to show per section in the human output.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Lists to screen against (files or folders); defaults to `lists` in
    /// the configuration.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// The name to screen, in any script and any order.
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    /// Country code or name.
    #[arg(long)]
    pub nationality: Option<String>,
    /// Person, Organization, Company, Vessel, Airplane, LegalEntity...
    #[arg(long, default_value = "LegalEntity")]
    pub schema: String,
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long)]
    pub threshold: Option<f64>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Labelled pairs in the korean-names-dev.jsonl layout.
    #[arg(long)]
    pub pairs: PathBuf,
    #[arg(long)]
    pub threshold: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Precision, recall and F1 on labelled pairs.
    Pairs(EvalPairsArgs),
    /// Precision and recall per detection rule against a ground-truth file.
    Detect(crate::commands::detect::EvalDetectArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PairsFormat {
    /// JSON lines: {"id","kind","query","candidate","match"}.
    Jsonl,
    /// CSV: case_group,schema,name1,name2,is_match,...
    NameBench,
}

#[derive(Debug, Args)]
pub struct EvalPairsArgs {
    pub file: PathBuf,
    /// Input layout; guessed from the file name when absent.
    #[arg(long, value_enum)]
    pub format: Option<PairsFormat>,
    #[arg(long)]
    pub threshold: Option<f64>,
    #[arg(long)]
    pub json: bool,
}
