//! `leadhost plugin test FILE [--cases FILE]`: runs a plug-in's sample cases
//! through the real runtime — the same check a hot reload makes — and
//! prints a pass/fail table with, for each failure, where the answer
//! differs from what the case expects.
//!
//! Each row names its case as `case 3 "name"` (1-based, the name when the
//! case has one). Every case runs, even after a malformed or failing one. A
//! list that differs is reported by its first differing element, and a
//! call that failed shows, on its own row, what the guest said before it
//! (the end of its stderr, its last `warn`/`error` log lines).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::plugin_common::{PluginCliError, load_plugin_file, parse_config};
use crate::plugins::{cases_path, read_cases, run_cases};
use crate::runtime::Slot;

/// Arguments of `leadhost plugin test`.
#[derive(Debug, clap::Args)]
pub struct PluginTestArgs {
    /// The plug-in: a component (`.wasm`) or an admin script (`.rhai`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The cases file (default: `<stem>.cases.json` beside FILE).
    #[arg(long, value_name = "FILE")]
    pub cases: Option<PathBuf>,
    /// For a script, the slot it fills (default: from the function it defines).
    #[arg(long, value_parser = super::plugin_common::parse_slot)]
    pub slot: Option<Slot>,
    /// Config for inputs that carry none (`KEY=VALUE`; numbers and
    /// `true`/`false` are typed); repeatable.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Where to keep compiled code between runs.
    #[arg(long, value_name = "DIR", env = "LEADHOST_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// Runs the cases; the table on success, [`PluginCliError::CasesFailed`]
/// (with the table) when any case fails.
pub fn test(args: &PluginTestArgs) -> Result<String, PluginCliError> {
    let config = parse_config(&args.config)?;
    let plugin = load_plugin_file(&args.file, args.slot, args.cache_dir.clone(), &config)?;
    let cases_file = args.cases.clone().unwrap_or_else(|| cases_path(&args.file));
    let cases = read_cases(&cases_file).map_err(|error| {
        if args.cases.is_none() && !cases_file.exists() {
            PluginCliError::Cases(format!(
                "{} has no cases file: write {} or pass --cases FILE",
                args.file.display(),
                cases_file.display()
            ))
        } else {
            PluginCliError::Cases(error.to_string())
        }
    })?;
    if cases.is_empty() {
        return Err(PluginCliError::Cases(format!(
            "{} holds no cases",
            cases_file.display()
        )));
    }
    let results = run_cases(&plugin, &cases, &config);
    let mut table = format!(
        "{} ({}) on {}\n",
        plugin.id(),
        plugin.slot(),
        file_name(&cases_file)
    );
    let mut failed = 0;
    for result in &results {
        match &result.failure {
            None => {
                let _ = writeln!(table, "  pass  {}", result.label());
            }
            Some(failure) => {
                failed += 1;
                let _ = writeln!(table, "  FAIL  {}", result.label());
                for line in failure.lines() {
                    let _ = writeln!(table, "        {line}");
                }
                for line in &result.guest {
                    let _ = writeln!(table, "        guest: {line}");
                }
                if let Ok(answer) = &result.answer {
                    let _ = writeln!(table, "        answer: {answer}");
                }
            }
        }
    }
    let _ = write!(table, "{} passed, {failed} failed", results.len() - failed);
    if failed > 0 {
        Err(PluginCliError::CasesFailed {
            report: table,
            failed,
        })
    } else {
        Ok(table)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
