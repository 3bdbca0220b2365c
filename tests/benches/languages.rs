//! The same `qualify` rule in every language leadhost runs, side by side:
//! component size, compile time (Cranelift, uncached), and the time of one
//! call on a fresh instance (median and p99 of `--calls`, default 500) on
//! the example org's strong lead, with the org's config.
//!
//! Run: `cargo bench -p leadhost-tests --bench languages` (`-- --only
//! python-qualifier` for one row, e.g. under `perf`) after
//! `examples/plugins/build.sh` (the README's test command runs it).

use std::path::PathBuf;
use std::time::Duration;

use leadhost::builtin::{self, BANT_QUALIFIER};
use leadhost::model::QualifyInput;
use leadhost::plugins::{OrgFile, load_plugin};
use leadhost::runtime::{CallContext, Plugin, Runtime, RuntimeConfig, Slot};

fn number(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(default)
}

fn examples_built() -> PathBuf {
    std::env::var_os("LEADHOST_EXAMPLES_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/examples"),
        PathBuf::from,
    )
}

/// Every implementation's name, as `--only` takes it.
const NAMES: [&str; 5] = [
    "bant-qualifier",
    "python-qualifier",
    "js-qualifier",
    "c-qualifier",
    "qualify.rhai",
];

/// `(language, file name, bytes)` of each implementation of the rule, or
/// of the one named `only` (only its file is read).
fn implementations(only: Option<&str>) -> Vec<(&'static str, String, Vec<u8>)> {
    if let Some(only) = only {
        assert!(
            NAMES.contains(&only),
            "--only {only}: no such implementation; one of {}",
            NAMES.join(", ")
        );
    }
    let wanted = |name: &str| only.is_none_or(|only| only == name);
    let mut all = Vec::new();
    if wanted("bant-qualifier") {
        all.push((
            "Rust",
            "bant-qualifier".to_string(),
            BANT_QUALIFIER.bytes.to_vec(),
        ));
    }
    for (language, file) in [
        ("Python", "python-qualifier.wasm"),
        ("JavaScript", "js-qualifier.wasm"),
        ("C", "c-qualifier.wasm"),
    ] {
        if !wanted(file.trim_end_matches(".wasm")) {
            continue;
        }
        let path = examples_built().join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error}; build the examples with examples/plugins/build.sh",
                path.display()
            )
        });
        all.push((language, file.trim_end_matches(".wasm").to_string(), bytes));
    }
    if wanted("qualify.rhai") {
        let script = leadhost_tests::examples_dir().join("../plugins/script/examples/qualify.rhai");
        all.push((
            "script (Rhai)",
            "qualify.rhai".to_string(),
            std::fs::read(&script).unwrap_or_else(|error| panic!("{}: {error}", script.display())),
        ));
    }
    all
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let calls = number(&args, "--calls", 500).max(1);
    let runtime = Runtime::new(RuntimeConfig::default()).expect("start the runtime");
    let folder = leadhost_tests::examples_dir().join("org-folder");
    let config = OrgFile::read(&folder)
        .expect("the example org.toml")
        .plugins
        .get(Slot::LeadDefinition)
        .map(|entry| entry.config.clone())
        .unwrap_or_default();
    let mut input: QualifyInput = leadhost_tests::example("eval/qualify/strong-lead.json");
    input.config = config;
    let context = CallContext::for_org("bench");

    println!(
        "{:<22} {:>12} {:>12} {:>12} {:>12} {:>10}",
        "language", "size", "compile", "call p50", "call p99", "fuel"
    );
    // `--only NAME`: one implementation (by file name), e.g. to profile it.
    let only = args
        .iter()
        .position(|arg| arg == "--only")
        .and_then(|at| args.get(at + 1))
        .map(String::as_str);
    for (language, name, bytes) in implementations(only) {
        // A script's size and compile time are its engine component's.
        let (component, size) = if name.ends_with(".rhai") {
            (
                builtin::script_runner(Slot::LeadDefinition)
                    .expect("a script runner for qualify")
                    .bytes,
                bytes.len(),
            )
        } else {
            (bytes.as_slice(), bytes.len())
        };
        let compile = runtime.inspect(&name, component).compile_time;
        let plugin: Plugin = load_plugin(
            &runtime,
            &name,
            &bytes,
            Some(Slot::LeadDefinition),
            &input.config,
        )
        .expect("it loads");
        let size = if name.ends_with(".rhai") {
            format!("{size} B+{:.1}M", component.len() as f64 / 1e6)
        } else if size > 1_000_000 {
            format!("{:.1} MB", size as f64 / 1e6)
        } else {
            format!("{:.0} KB", size as f64 / 1e3)
        };
        // The script host keeps its instances between calls (answering as
        // a fresh one would); its fresh-instance cost is shown beside.
        let variants = match name.ends_with(".rhai") {
            true => vec![
                (format!("{language}, kept"), plugin.clone()),
                (
                    format!("{language}, fresh"),
                    plugin.without_instance_reuse(),
                ),
            ],
            false => vec![(language.to_string(), plugin)],
        };
        for (label, plugin) in variants {
            // The first call warms (and, for the script host, sets up the
            // instance it keeps); the fuel shown is a timed call's.
            plugin
                .call(&context, &input)
                .expect("it qualifies the sample");
            let mut fuel = 0;
            let mut times: Vec<Duration> = (0..calls)
                .map(|_| {
                    let called = plugin.call(&context, &input).expect("it qualifies");
                    fuel = called.fuel_used;
                    called.duration
                })
                .collect();
            times.sort_unstable();
            println!(
                "{:<22} {:>12} {:>10.0}ms {:>10.0}µs {:>10.0}µs {:>10}",
                label,
                size,
                compile.as_secs_f64() * 1e3,
                percentile(&times, 0.5).as_secs_f64() * 1e6,
                percentile(&times, 0.99).as_secs_f64() * 1e6,
                fuel,
            );
        }
    }
    println!(
        "({calls} calls each, on a fresh instance but for the script's kept row; a script's size is its text plus the Rhai component)"
    );
}
