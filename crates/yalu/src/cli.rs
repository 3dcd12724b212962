//! Command-line arguments (clap): every command's arguments, in one place;
//! `commands/` holds what each command does with them.

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
    Detect(DetectArgs),
    /// Show the detection rules and their parameters.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a synthetic world in the event data format, with its ground truth.
    Sim(SimArgs),
    /// Screen a whole customer file (CSV or JSON lines) against lists.
    Screen(ScreenArgs),
    /// Report what a list update changes for a customer file (exit 3 when
    /// something changed).
    Monitor(MonitorArgs),
    /// Serve the screening API (yente-compatible) over the given lists.
    Serve(ServeArgs),
    /// Create, list and revoke API keys for `yalu serve`.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Import alerts or screening hits as cases for review.
    #[command(subcommand)]
    Cases(CasesCommand),
    /// The whole product in one command: simulate a world, detect, screen,
    /// load the cases and serve the analyst workbench with demo keys.
    Demo(DemoArgs),
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
    Fetch(FetchArgs),
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
    Detect(EvalDetectArgs),
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

// ---------------------------------------------------------------- yalu cases
#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Import alerts or hits (JSON lines) as cases; the same finding twice
    /// is one case, and a hit closed as a false positive stays suppressed.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["alerts", "hits"]))]
pub struct ImportArgs {
    /// Alerts written by `yalu detect` (JSON lines).
    #[arg(long, value_name = "FILE")]
    pub alerts: Option<PathBuf>,
    /// Hits written by `yalu screen --format jsonl`.
    #[arg(long, value_name = "FILE")]
    pub hits: Option<PathBuf>,
    /// The lists the hits were screened against: each hit's list entry is
    /// fingerprinted from them, as the server does, so a changed entry is
    /// raised again after a false-positive closing. Without it, the hit's
    /// own entry fields are used.
    #[arg(long = "list", value_name = "PATH", requires = "hits")]
    pub lists: Vec<PathBuf>,
    /// The event data set the alerts were detected on (`yalu detect
    /// --data DIR`): each alert then carries the case page's evidence, a
    /// per-person timeline and the network of agencies, workers and clients.
    #[arg(long, value_name = "DIR", requires = "alerts")]
    pub data: Option<PathBuf>,
    /// Rule file whose `[resolution]` policy joins person records (as given
    /// to `yalu detect --rules`); default: the built-in rules.
    #[arg(long, value_name = "FILE", requires = "data")]
    pub rules: Option<PathBuf>,
    /// Who is importing, for the audit log.
    #[arg(long, default_value = "cli")]
    pub actor: String,
    /// The store as a database URL (`postgres://...`) or SQLite file path;
    /// default `store.database`, else `store.path`.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

// ---------------------------------------------------------------- yalu demo
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub bind: String,
    /// Folder for the world, the results and the store; wiped and rebuilt
    /// on each run (default: `yalu-demo` in the temporary folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Real sanctions lists to screen and serve instead of the simulated
    /// list and the shipped DPRK designations.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// More lists to screen and serve beside the demo's own (or beside
    /// `--list`), e.g. an FtM export with relationship entities. Beside the
    /// demo's own lists, an FtM file joins the demo's FtM list (the server
    /// serves one FtM list); its entities keep the datasets they name.
    #[arg(long = "add-list", value_name = "PATH")]
    pub add_lists: Vec<PathBuf>,
    /// Seed of the simulated world (the same seed gives the same world).
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// DPRK workers in the simulated world.
    #[arg(long, default_value_t = 300)]
    pub workers: usize,
    /// Also write the keys and counts as JSON to this file (for scripts).
    #[arg(long, value_name = "FILE")]
    pub keys_out: Option<PathBuf>,
    /// Prepare everything, print the keys, and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

// ---------------------------------------------------------------- yalu detect
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Data set folder (persons, documents, crossings, placements,
    /// organizations, relations, payments as .csv or .jsonl).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Sanctions lists for SANCTIONED_COUNTERPARTY and FRONT_COMPANY_LINK.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// Rule file read over the default rules (rules/default.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Any rejected row (or broken list record) is fatal.
    #[arg(long)]
    pub strict: bool,
    /// Alerts, one JSON line each (not needed with --explain).
    #[arg(long, value_name = "FILE", required_unless_present = "explain")]
    pub out: Option<PathBuf>,
    /// Instead of writing alerts, print for one person record or
    /// organisation id each rule's evaluation: whether it fired, which
    /// conditions held and which failed, by how much.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// With --explain: the explanation as JSON.
    #[arg(long, requires = "explain")]
    pub json: bool,
    /// Rejected-rows report (JSON lines); default: next to --out, with
    /// `.rejected.jsonl` in place of its extension.
    #[arg(long, value_name = "FILE")]
    pub rejected: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print each rule with its parameters and the source that motivates it.
    List(RulesListArgs),
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Rule file read over the default rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Folder to write the synthetic data set into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// DPRK workers in the world (other people are added in proportion).
    #[arg(long, default_value_t = 1000)]
    pub workers: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 0: workers and plain negatives (lawful DPRK travellers included);
    /// 1: also near misses and hard resolution cases; 2: twice as many.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub difficulty: u8,
}

#[derive(Debug, Args)]
pub struct EvalDetectArgs {
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Ground truth written by `yalu sim` (truth.jsonl).
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

// ---------------------------------------------------------------- yalu fetch
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Folder to keep the lists in (one sub-folder per source, plus
    /// manifest.json).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Sources to fetch: ofac-sdn, ofac-cons, un, opensanctions, uk-ofsi (repeat or
    /// comma-separate; default: all).
    #[arg(long = "source", value_name = "SOURCE", value_delimiter = ',')]
    pub sources: Vec<yalu_fetch::Source>,
    /// A mirror serving `<folder>/<file>` as in the local folder
    /// (e.g. http://127.0.0.1:8080/); default: the official URLs.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Seconds allowed per file.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    #[arg(long)]
    pub json: bool,
}

// ---------------------------------------------------------------- yalu keys
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

// ---------------------------------------------------------------- yalu monitor
#[derive(Debug, Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The lists as they were (files or folders). Gives each change its
    /// cause (listed, delisted, entry changed, with the entry's diff).
    #[arg(long = "old", value_name = "PATH")]
    pub old: Vec<PathBuf>,
    /// The lists as they are now.
    #[arg(long = "new", value_name = "PATH", required = true)]
    pub new: Vec<PathBuf>,
    /// Results of an earlier `yalu screen` of the same input, instead of
    /// screening it against --old (use the same --threshold and --limit).
    #[arg(long, value_name = "RESULTS")]
    pub previous: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

// ---------------------------------------------------------------- yalu screen file
/// File layouts for `--input-format` / `--output-format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object a line.
    Jsonl,
}

/// Arguments shared by `screen` and `monitor`: the input and how to read it.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Customer file: CSV with a header row, or JSON lines.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Input layout; guessed from the extension (.csv, .jsonl/.ndjson/.json).
    #[arg(long, value_enum)]
    pub input_format: Option<FileFormat>,
    /// Which column feeds which property: `name=COL,birthDate=COL,
    /// nationality=COL,id=COL,schema=COL,...` (any FtM name, date, country
    /// or identifier property). Without it, columns named like a property
    /// are used.
    #[arg(long, value_name = "TARGET=COLUMN,...")]
    pub map: Option<String>,
    /// Schema of rows that give none: Person, Organization, Company,
    /// Vessel, LegalEntity (either)...
    #[arg(long, default_value = "LegalEntity")]
    pub schema: String,
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Hits kept per row (best first).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Stop at the first bad input row, bad value or broken list record
    /// instead of reporting and skipping it (without it, a date or country
    /// that cannot be read is left out of its row's query with a warning).
    #[arg(long)]
    pub strict: bool,
    /// Rows screened together (in parallel) and checkpointed at once.
    #[arg(long, default_value_t = yalu_screen::DEFAULT_CHUNK_ROWS, value_name = "N")]
    pub chunk_rows: usize,
}

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Lists to screen against (files or folders); defaults to `lists` in
    /// the configuration.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Results file: one line per hit.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Results layout; guessed from the extension.
    #[arg(long, value_enum)]
    pub output_format: Option<FileFormat>,
    /// Continue an interrupted run from its results file and checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

// ---------------------------------------------------------------- yalu serve
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Lists to serve (files or folders); defaults to `lists` in the
    /// configuration. Each becomes a dataset; `default` is their union.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
    /// Address to listen on (default `server.bind`, 127.0.0.1:8000).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Re-read the lists on this schedule: `90s`, `30m`, `1h`, `1d`.
    #[arg(long, value_name = "DURATION")]
    pub refresh_every: Option<String>,
    /// The key store (default `store.path`, yalu.db).
    #[arg(long, value_name = "FILE", conflicts_with = "database")]
    pub store: Option<PathBuf>,
    /// Keys, cases and the audit log in this database: a `postgres://`
    /// URL or a SQLite file path (default `store.database`, else `store.path`).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Serve without API keys. For local demos only: anyone who can reach
    /// the port may screen and reload.
    #[arg(long)]
    pub no_auth: bool,
    /// Fail on the first broken list record instead of skipping it.
    #[arg(long)]
    pub strict: bool,
}
