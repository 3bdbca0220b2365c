//! `leadhost plugin check FILE`: what a component is and whether the host
//! would take it — its world and WIT version, what it imports (each marked
//! granted or not), its size, how long it takes to compile, what one call
//! on a sample input costs, and, if the host would refuse it, why.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::plugin_common::PluginCliError;
use crate::model::{MatchInput, NurtureInput, QualifyInput, RouteInput};
use crate::plugins::{cases_path, read_cases};
use crate::runtime::{CallContext, Plugin, Runtime, RuntimeConfig, Slot, SlotInput};

/// Arguments of `leadhost plugin check`.
#[derive(Debug, clap::Args)]
pub struct PluginCheckArgs {
    /// The component (`.wasm`) or admin script (`.rhai`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

use crate::builtin::{SAMPLE_MATCH, SAMPLE_NURTURE, SAMPLE_QUALIFY, SAMPLE_ROUTE, script_runner};
use crate::model::Config;
use crate::plugins::is_script;
use crate::runtime::ContentHash;

/// Calls timed for the per-call figure (the median is reported).
const TIMED_CALLS: usize = 21;

/// The report; [`PluginCliError::Refused`] (with the report) when the
/// host would refuse the component.
pub fn check(args: &PluginCheckArgs) -> Result<String, PluginCliError> {
    let bytes = std::fs::read(&args.file).map_err(|error| {
        PluginCliError::Read(format!("cannot read {}: {error}", args.file.display()))
    })?;
    let name = args.file.file_stem().map_or_else(
        || "plugin".into(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    let runtime = Runtime::new(RuntimeConfig::default())
        .map_err(|error| PluginCliError::Refused(error.to_string()))?;
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_script(&file_name) {
        return check_script(args, &runtime, &file_name, &bytes);
    }
    let inspection = runtime.inspect(&name, &bytes);
    let mut report = String::new();
    let _ = writeln!(report, "file     {}", args.file.display());
    let _ = writeln!(
        report,
        "size     {} bytes ({:.1} KiB)",
        inspection.size,
        inspection.size as f64 / 1024.0
    );
    let _ = writeln!(report, "sha256   {}", inspection.hash);
    if let Ok(plugin) = &inspection.loaded {
        let _ = writeln!(
            report,
            "world    {} (leadhost:plugin@{})",
            plugin.slot(),
            plugin.wit_version()
        );
    }
    for (at, (import, granted)) in inspection.imports.iter().enumerate() {
        let label = if at == 0 { "imports" } else { "" };
        let mark = if *granted { "granted" } else { "NOT GRANTED" };
        let _ = writeln!(report, "{label:<8} {import}  ({mark})");
    }
    if inspection.imports.is_empty() {
        let _ = writeln!(report, "imports  nothing");
    }
    for (at, export) in inspection.exports.iter().enumerate() {
        let label = if at == 0 { "exports" } else { "" };
        let _ = writeln!(report, "{label:<8} {export}");
    }
    let _ = writeln!(
        report,
        "compile  {:.0} ms (Cranelift; the host keeps compiled code, so only a new version pays it)",
        inspection.compile_time.as_secs_f64() * 1000.0
    );
    match &inspection.loaded {
        Ok(plugin) => {
            let _ = writeln!(report, "call     {}", timed_call(plugin, &args.file));
            let _ = write!(report, "verdict  the host would load it");
            Ok(report)
        }
        Err(error) => {
            let _ = write!(report, "verdict  REFUSED: {}", error.cause);
            Err(PluginCliError::CheckRefused(report))
        }
    }
}

/// The report on an admin script: the slot it fills (from its function),
/// the component that runs it, the cost of a call, and whether the host
/// would take it (it must answer the slot's example input).
fn check_script(
    args: &PluginCheckArgs,
    runtime: &Runtime,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, PluginCliError> {
    let mut report = String::new();
    let _ = writeln!(report, "file     {}", args.file.display());
    let _ = writeln!(report, "size     {} bytes of script", bytes.len());
    let _ = writeln!(report, "sha256   {}", ContentHash::of(bytes));
    match crate::plugins::load_plugin(runtime, file_name, bytes, None, &Config::new()) {
        Ok(plugin) => {
            let runner =
                script_runner(plugin.slot()).expect("a script loaded for a slot scripts fill");
            let _ = writeln!(
                report,
                "world    {} (leadhost:plugin@{}), an admin script",
                plugin.slot(),
                plugin.wit_version()
            );
            let _ = writeln!(
                report,
                "runs in  {} ({} bytes), the host's script component",
                runner.name,
                runner.bytes.len()
            );
            let _ = writeln!(report, "call     {}", timed_call(&plugin, &args.file));
            let _ = write!(report, "verdict  the host would load it");
            Ok(report)
        }
        Err(error) => {
            let _ = write!(report, "verdict  REFUSED: {}", error.cause);
            Err(PluginCliError::CheckRefused(report))
        }
    }
}

/// The median of [`TIMED_CALLS`] calls on fresh instances, on the first
/// sample case beside the component or the slot's example input.
fn timed_call(plugin: &Plugin, file: &std::path::Path) -> String {
    let cases = read_cases(&cases_path(file)).ok().unwrap_or_default();
    let sample = cases
        .iter()
        .find(|case| case.malformed.is_none())
        .map(|case| case.input.clone());
    let sample_name = match &sample {
        Some(_) => format!("first case of {}", cases_path(file).display()),
        None => "the example input of its slot".into(),
    };
    let result = match plugin.slot() {
        Slot::LeadDefinition => time::<QualifyInput>(plugin, sample, SAMPLE_QUALIFY),
        Slot::NurtureTrack => time::<NurtureInput>(plugin, sample, SAMPLE_NURTURE),
        Slot::RoutingPolicy => time::<RouteInput>(plugin, sample, SAMPLE_ROUTE),
        Slot::DuplicateRule => time::<MatchInput>(plugin, sample, SAMPLE_MATCH),
    };
    match result {
        Ok((micros, fuel)) => format!(
            "{micros} µs on a fresh instance, {fuel} fuel (median of {TIMED_CALLS}, {sample_name})"
        ),
        Err(error) => format!("the sample call failed: {error} ({sample_name})"),
    }
}

fn time<I>(
    plugin: &Plugin,
    sample: Option<serde_json::Value>,
    fallback: &str,
) -> Result<(u128, u64), String>
where
    I: SlotInput + serde::de::DeserializeOwned,
{
    let input: I = match sample {
        Some(value) => serde_json::from_value(value),
        None => serde_json::from_str(fallback),
    }
    .map_err(|error| format!("the sample input does not parse: {error}"))?;
    let context = CallContext::for_org("check");
    let mut runs = Vec::with_capacity(TIMED_CALLS);
    let mut fuel = 0;
    for _ in 0..TIMED_CALLS {
        let called = plugin
            .call(&context, &input)
            .map_err(|error| error.cause.to_string())?;
        runs.push(called.duration.as_micros());
        fuel = called.fuel_used;
    }
    runs.sort_unstable();
    Ok((runs[TIMED_CALLS / 2], fuel))
}
