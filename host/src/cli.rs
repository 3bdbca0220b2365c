//! The command line: `leadhost <command>`. Each command lives in its own file.

mod backtest;
mod eval;
mod eval_compare;
mod eval_inputs;
mod eval_run;
mod import;
mod ingest;
mod migrate;
mod nurture;
mod offline;
mod plugin;
mod plugin_check;
mod plugin_common;
mod plugin_rollback;
mod plugin_test;
mod replay;
mod scaffold;
mod seed_history;
mod serve;
mod show;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use backtest::{BacktestArgs, BacktestCliError, backtest};
pub use eval::{EvalArgs, EvalError, EvalOutput, EvalSlot, EvalSummary, eval};
pub use import::{ImportCliError, ImportSummary, import};
pub use ingest::{IngestError, IngestSummary, ingest};
pub use migrate::{KindCount, MigrateError, MigrateReport, OrgReport, migrate};
pub use nurture::{NurtureArgs, NurtureCliError, NurtureCommand, NurtureRun, RunArgs, nurture};
pub use plugin::{PluginArgs, PluginCommand, PluginOutput, plugin};
pub use plugin_check::PluginCheckArgs;
pub use plugin_common::PluginCliError;
pub use plugin_rollback::{RollbackArgs, RolledBack};
pub use plugin_test::PluginTestArgs;
pub use replay::{ReplayArgs, ReplayCliError, replay};
pub use scaffold::{Lang, ScaffoldError, ScaffoldWit, Scaffolded, scaffold, scaffold_for};
pub use seed_history::{SeedError, SeedHistoryArgs, Seeded, seed_history};
pub use serve::{ServeCliError, serve};
pub use show::{ShowError, show};

use crate::import::{DateOrder, Decimal};
use crate::store::Durability;

/// leadhost: lead rules as sandboxed WebAssembly plug-ins.
#[derive(Debug, Parser)]
#[command(name = "leadhost", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Calls a plug-in on an input file, an NDJSON file or a folder of them
    /// and prints one JSON line per input; `--compare` prints only the
    /// inputs on which a second plug-in answers otherwise.
    Eval(EvalArgs),
    /// Ingests leads from NDJSON (one JSON lead a line) into an org's store;
    /// each line is answered on stdout once its lead is durable.
    Ingest(IngestArgs),
    /// Prints a lead (by id or e-mail) with its timeline: activities, host
    /// events and plug-in decisions with their provenance, in order.
    Show(ShowArgs),
    /// Serves the HTTP API (on the embedded default with no arguments:
    /// `./leadhost-data`, a demo org with the first-party plug-ins).
    Serve(ServeArgs),
    /// Imports leads from a CSV file (header row first) into an org.
    Import(ImportArgs),
    /// Plug-in tools: `new` (a scaffold that builds), `test` (sample
    /// cases), `check` (what the host would say of a component or admin
    /// script) and `rollback` (an org's slot to a recorded version).
    Plugin(PluginArgs),
    /// Runs nurture steps ahead of time, in order (`run --days N`), for
    /// demos and dry runs on a copy of the data.
    Nurture(NurtureArgs),
    /// Runs recorded decisions again — each by the version that made it,
    /// on the input it saw — and says which do not reproduce: one
    /// (`--lead ID --decision SEQ`), a lead's (`--lead ID`) or an org's
    /// (`--all`). Exits 1 when a decision answers otherwise than recorded.
    Replay(ReplayArgs),
    /// Runs a candidate on an org's recorded inputs of its slot. A lead
    /// definition is compared with the live verdicts and with sales'
    /// won/lost outcomes (precision, recall, weekly volume), and `--sweep`
    /// tries one config key over a range of values; a routing policy
    /// (`--slot routing-policy`) with where live sent each lead (the rep
    /// each version picks, load per rep).
    Backtest(BacktestArgs),
    /// Copies an embedded store into PostgreSQL (`--from sled:DIR --to
    /// postgres://…`), org by org, each in one transaction, with a progress
    /// bar and a count per kind of record on both sides. Safe to run again:
    /// orgs copied before are counted, not copied twice.
    Migrate(MigrateArgs),
    /// Gives an org (the demo org by default) weeks of past leads with
    /// sales' won/lost outcomes, qualified as they arrived, so a backtest
    /// has history to run on. Deterministic.
    SeedHistory(SeedHistoryArgs),
    /// Compiles one component for `serve` in a process of its own, within
    /// a CPU-time budget (internal: the server runs it).
    #[command(hide = true, name = "compile-worker")]
    CompileWorker(CompileWorkerArgs),
}

/// Arguments of the internal `leadhost compile-worker`.
#[derive(Debug, clap::Args)]
pub struct CompileWorkerArgs {
    /// The engine's per-call limits, as JSON (they shape the compiled code).
    #[arg(long)]
    pub limits: String,
    /// The folder of Cranelift's per-function results shared with the host.
    #[arg(long, requires = "functions_staging")]
    pub functions: Option<PathBuf>,
    /// Where this worker writes new per-function results (merged by the
    /// host once the compile has succeeded).
    #[arg(long, requires = "functions")]
    pub functions_staging: Option<PathBuf>,
    /// The component.
    pub input: PathBuf,
    /// Where to write the precompiled code.
    pub output: PathBuf,
}

/// Arguments of `leadhost serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A TOML config file (`listen`, `data_dir`, `durability`, `[limits]`,
    /// `[http]`, `[scheduler]`, `[delivery]`, `[reload]`, `[store]`; every
    /// key in `examples/serve/leadhost.toml`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data folder; wins over the file and `LEADHOST_DATA_DIR`.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on; wins over the file and `LEADHOST_LISTEN`.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Keep the store in this PostgreSQL database
    /// (`postgres://USER[:PASSWORD]@HOST:PORT/DB`) instead of sled in the
    /// data folder; every host given the same URL serves the same orgs.
    /// Wins over the file's `[store] url` and `LEADHOST_STORE`.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
}

/// Arguments of `leadhost migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The store to copy: `sled:DIR`, DIR a data folder (holding store/)
    /// or a sled store's own folder. No server may have it open.
    #[arg(long, value_name = "sled:DIR")]
    pub from: String,
    /// The database to copy into: `postgres://USER[:PASSWORD]@HOST:PORT/DB`
    /// (its schema brought up to date first).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Copy only this org (repeatable); every org by default.
    #[arg(long = "org", value_name = "ORG")]
    pub orgs: Vec<String>,
}

/// Where the store is, for the commands that open it beside a server.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArg {
    /// Open this PostgreSQL database (`postgres://USER[:PASSWORD]@HOST:PORT/DB`)
    /// instead of sled in the data folder: works while servers run on it.
    #[arg(long = "store", value_name = "URL", env = "LEADHOST_STORE")]
    pub url: Option<String>,
}

/// Arguments of `leadhost import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// The org the leads belong to (created with the first-party plug-ins if missing).
    #[arg(long)]
    pub org: String,
    /// Maps a column to a lead field, `custom.NAME` or `-` (skip); repeatable.
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// The file's decimal separator: `point` (1,234.56), `comma` (1.234,56),
    /// or `auto`: a number that reads two ways (`80.000`) fails its row.
    #[arg(long, value_enum, default_value_t = Decimal::Auto, conflicts_with = "decimal_comma")]
    pub decimal: Decimal,
    /// Short for `--decimal comma`.
    #[arg(long)]
    pub decimal_comma: bool,
    /// The order of dates with slashes: `mdy` (3/25/2024), `dmy` (25/3/2024),
    /// or `auto`: the file's own dates decide.
    #[arg(long, value_enum, default_value_t = DateOrder::Auto)]
    pub dates: DateOrder,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
    /// Where the store is: sled in the data folder, or a PostgreSQL database.
    #[command(flatten)]
    pub store: StoreArg,
    /// Rows committed (and flushed) together.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
}

/// Arguments of `leadhost show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The lead's id or e-mail address.
    pub lead: String,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
    /// Where the store is: sled in the data folder, or a PostgreSQL database.
    #[command(flatten)]
    pub store: StoreArg,
    /// The org the lead belongs to.
    #[arg(long, default_value = "demo")]
    pub org: String,
}

/// Arguments of `leadhost ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// The NDJSON file; standard input when absent or `-`.
    #[arg(value_name = "FILE.ndjson")]
    pub file: Option<PathBuf>,
    /// The data folder (created if missing).
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
    /// Where the store is: sled in the data folder, or a PostgreSQL database.
    #[command(flatten)]
    pub store: StoreArg,
    /// The org the leads belong to (created with the first-party plug-ins if missing).
    #[arg(long, default_value = "demo")]
    pub org: String,
    /// Leads ingested at once; their flushes are shared.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Where the leads came from, as their timeline records it.
    #[arg(long, default_value = "ingest")]
    pub via: String,
    /// When a lead counts as stored: `flush` (durable) or `relaxed`.
    #[arg(long, default_value = "flush", value_parser = durability())]
    pub durability: Durability,
}

/// `--durability`: the store's own spelling, with the choices in `--help`.
fn durability() -> impl clap::builder::TypedValueParser<Value = Durability> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["flush", "relaxed"])
        .map(|text: String| text.parse().expect("a possible value parses"))
}

impl From<EvalError> for CliError {
    fn from(error: EvalError) -> Self {
        CliError::Eval(Box::new(error))
    }
}

/// A command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `eval` failed (boxed: a plug-in's error is large, and every command
    /// returns this type).
    #[error(transparent)]
    Eval(Box<EvalError>),
    /// `eval` ran over every input, and some input was malformed, some
    /// call failed, or (with `--compare`) some answers differ; each is
    /// listed above.
    #[error("{}", eval_outcome(.0))]
    EvalFound(EvalSummary),
    /// `ingest` failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// `serve` failed.
    #[error(transparent)]
    Serve(#[from] ServeCliError),
    /// `import` failed.
    #[error(transparent)]
    Import(#[from] ImportCliError),
    /// Some rows of an import were rejected (the others were imported).
    #[error("rows rejected: {0} (listed above); the other rows were imported")]
    Rejected(usize),
    /// `show` failed.
    #[error(transparent)]
    Show(#[from] ShowError),
    /// `plugin` failed.
    #[error(transparent)]
    Plugin(#[from] PluginCliError),
    /// `nurture` failed.
    #[error(transparent)]
    Nurture(#[from] NurtureCliError),
    /// `replay` failed or found decisions that did not reproduce.
    #[error(transparent)]
    Replay(#[from] ReplayCliError),
    /// `backtest` failed.
    #[error(transparent)]
    Backtest(#[from] BacktestCliError),
    /// `seed-history` failed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// Output could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// `migrate` failed.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// The compile worker failed (its reason is on stderr already).
    #[error("the compile worker failed")]
    CompileWorker(u8),
}

impl CliError {
    /// The process exit code: 2 for bad input, 1 for a failed plug-in call.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Eval(error) => error.exit_code(),
            CliError::EvalFound(summary) => summary.exit_code(),
            CliError::Ingest(IngestError::Setup(_) | IngestError::Read(_)) => 2,
            CliError::Ingest(_) => 1,
            CliError::Show(ShowError::Engine(crate::engine::EngineError::Store(_))) => 1,
            CliError::Show(_) => 2,
            CliError::Serve(ServeCliError::Config(_)) => 2,
            CliError::Serve(_) => 1,
            CliError::Import(ImportCliError::Stopped { .. }) => 1,
            CliError::Import(_) => 2,
            CliError::Rejected(_) => 1,
            CliError::Plugin(
                PluginCliError::Refused(_)
                | PluginCliError::CasesFailed { .. }
                | PluginCliError::CheckRefused(_),
            ) => 1,
            CliError::Plugin(_) => 2,
            CliError::Nurture(NurtureCliError::Setup(_)) => 2,
            CliError::Nurture(_) => 1,
            CliError::Replay(error) => error.exit_code(),
            CliError::Backtest(error) => error.exit_code(),
            CliError::Seed(SeedError::Setup(_)) => 2,
            CliError::Seed(_) => 1,
            CliError::Migrate(MigrateError::Source(_) | MigrateError::NoStore(_)) => 2,
            CliError::Migrate(_) => 1,
            CliError::Output(_) => 1,
            CliError::CompileWorker(code) => *code,
        }
    }
}

/// Why an `eval` run that went over every input did not succeed.
fn eval_outcome(summary: &EvalSummary) -> String {
    match summary.differ {
        _ if summary.malformed > 0 => format!(
            "{} of {} inputs malformed or unreadable (listed above)",
            summary.malformed, summary.inputs
        ),
        Some(differ) => format!("answers differ on {differ} of {} inputs", summary.inputs),
        None => format!(
            "{} of {} calls failed (listed above)",
            summary.failed, summary.inputs
        ),
    }
}

/// Writes a text report and a newline to stdout; a closed pipe (`| head`)
/// is an error like any other write, not a panic.
fn print_text(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    std::io::Write::write_all(&mut stdout, text.as_bytes())?;
    std::io::Write::write_all(&mut stdout, b"\n")?;
    Ok(())
}

fn print(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value).map_err(std::io::Error::from)?;
    std::io::Write::write_all(&mut stdout, b"\n")?;
    Ok(())
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Eval(args) => {
            let summary = eval(
                &args,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            )?;
            match summary.exit_code() {
                0 => Ok(()),
                _ => Err(CliError::EvalFound(summary)),
            }
        }
        Command::Show(args) => print(&show(&args)?),
        Command::Serve(args) => Ok(serve(&args)?),
        Command::Plugin(args) => match plugin(&args) {
            Ok(PluginOutput::Text(report)) => print_text(&report),
            Ok(PluginOutput::RolledBack(rolled_back)) => print(&rolled_back),
            // The report goes to stdout like a passing one; the error says
            // in one line why the exit code is not 0.
            Err(PluginCliError::CasesFailed { report, failed }) => {
                print_text(&report)?;
                Err(PluginCliError::CasesFailed {
                    report: String::new(),
                    failed,
                }
                .into())
            }
            Err(PluginCliError::CheckRefused(report)) => {
                print_text(&report)?;
                Err(PluginCliError::CheckRefused(String::new()).into())
            }
            Err(error) => Err(error.into()),
        },
        Command::Nurture(args) => print(&nurture(&args)?),
        Command::Replay(args) => {
            let audit = replay(&args)?;
            if args.json {
                print(&audit)?;
            } else {
                print_text(&replay::report(&audit))?;
            }
            Ok(replay::outcome(&audit)?)
        }
        Command::SeedHistory(args) => print(&seed_history(&args)?),
        Command::Migrate(args) => {
            let (report, incomplete) = migrate(&args)?;
            print(&report)?;
            match incomplete {
                Some(error) => Err(error.into()),
                None => Ok(()),
            }
        }
        Command::Backtest(args) => {
            let report = backtest(&args)?;
            if args.json {
                print(&report)?;
            } else {
                print_text(&backtest::report(&report))?;
            }
            Ok(backtest::outcome(&report)?)
        }
        Command::CompileWorker(args) => {
            match crate::runtime::run_worker(
                &args.limits,
                args.functions
                    .as_deref()
                    .zip(args.functions_staging.as_deref()),
                &args.input,
                &args.output,
            ) {
                0 => Ok(()),
                code => Err(CliError::CompileWorker(u8::try_from(code).unwrap_or(1))),
            }
        }
        Command::Import(args) => {
            let summary = import(&args)?;
            eprintln!(
                "imported: {} new, {} merged, {} unchanged, {} rejected (job {})",
                summary.created, summary.merged, summary.unchanged, summary.rejected, summary.job
            );
            match summary.rejected {
                0 => Ok(()),
                rejected => Err(CliError::Rejected(rejected)),
            }
        }
        Command::Ingest(args) => {
            let summary = ingest(&args)?;
            eprintln!(
                "ingested: {} new, {} merged, {} unchanged, {} rejected",
                summary.created, summary.merged, summary.unchanged, summary.rejected
            );
            Ok(())
        }
    }
}
