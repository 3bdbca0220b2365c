//! Plug-ins written in Python, JavaScript and C (`examples/plugins/`),
//! built from source by `examples/plugins/build.sh` (which the README's
//! test command runs first), loaded into the real runtime — so their
//! imports pass the host's checks — and run on their sample cases. Where an
//! example implements the same rule as a first-party Rust plug-in, every
//! answer must be the Rust one, word for word: a cross-language
//! conformance test.

use std::path::PathBuf;

use leadhost::builtin::{self, Builtin};
use leadhost::model::Config;
use leadhost::plugins::{OrgFile, read_cases, run_cases};
use leadhost::runtime::{Plugin, Runtime, RuntimeConfig, Slot};

/// One example plug-in.
struct Example {
    /// Its component's file name in the examples' output folder.
    file: &'static str,
    /// The slot it fills.
    slot: Slot,
    /// Its cases files, relative to `examples/`.
    cases: &'static [&'static str],
    /// The first-party plug-in whose answers it must give.
    same_as: Option<Builtin>,
}

const BANT_CASES: &str = "org-folder/bant-qualifier.cases.json";

const EXAMPLES: [Example; 6] = [
    Example {
        file: "python-qualifier.wasm",
        slot: Slot::LeadDefinition,
        cases: &[BANT_CASES],
        same_as: Some(builtin::BANT_QUALIFIER),
    },
    Example {
        file: "python-nurture.wasm",
        slot: Slot::NurtureTrack,
        cases: &["plugins/python/nurture/python-nurture.cases.json"],
        same_as: None,
    },
    Example {
        file: "js-qualifier.wasm",
        slot: Slot::LeadDefinition,
        cases: &[BANT_CASES, "plugins/js/qualifier/js-qualifier.cases.json"],
        same_as: Some(builtin::BANT_QUALIFIER),
    },
    Example {
        file: "js-routing.wasm",
        slot: Slot::RoutingPolicy,
        cases: &["plugins/js/routing/js-routing.cases.json"],
        same_as: Some(builtin::ROUND_ROBIN),
    },
    // js-routing ported to WIT 0.2.0: js-routing's answers on its cases
    // (which carry no campaign), and its own with campaigns.
    Example {
        file: "js-routing-0-2.wasm",
        slot: Slot::RoutingPolicy,
        cases: &[
            "plugins/js/routing/js-routing.cases.json",
            "plugins/js/routing-0-2/js-routing-0-2.cases.json",
        ],
        same_as: None,
    },
    Example {
        file: "c-qualifier.wasm",
        slot: Slot::LeadDefinition,
        cases: &[BANT_CASES, "plugins/c/qualifier/c-qualifier.cases.json"],
        same_as: Some(builtin::BANT_QUALIFIER),
    },
];

/// Where `examples/plugins/build.sh` put the components.
fn built_dir() -> PathBuf {
    std::env::var_os("LEADHOST_EXAMPLES_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/examples"),
        PathBuf::from,
    )
}

/// A runtime whose compiled code is kept under `target/`: the Python
/// components are 18 MB each, and a second run should not compile them.
fn runtime() -> Runtime {
    Runtime::new(RuntimeConfig {
        cache_dir: Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("languages-cache")),
        ..RuntimeConfig::default()
    })
    .expect("start the runtime")
}

/// The config the example org gives the slot (cases carry none of their own).
fn org_config(slot: Slot) -> Config {
    let folder = leadhost_tests::examples_dir().join("org-folder");
    let file = OrgFile::read(&folder).expect("the example org.toml");
    file.plugins
        .get(slot)
        .map(|entry| entry.config.clone())
        .unwrap_or_default()
}

fn load(runtime: &Runtime, example: &Example) -> Plugin {
    let path = built_dir().join(example.file);
    assert!(
        path.exists(),
        "{} is missing: build the examples with examples/plugins/build.sh {} (scripts/test.sh does)",
        path.display(),
        built_dir().display()
    );
    runtime
        .load_file(&path, Some(example.slot))
        .unwrap_or_else(|error| panic!("the host refuses {}: {error}", example.file))
}

#[test]
fn every_example_passes_its_cases_and_answers_as_the_rust_plug_in_does() {
    let runtime = runtime();
    for example in &EXAMPLES {
        let plugin = load(&runtime, example);
        let reference = example.same_as.map(|builtin| {
            runtime
                .load(builtin.name, builtin.bytes, Some(example.slot))
                .expect("load the first-party plug-in")
        });
        let config = org_config(example.slot);
        for cases_file in example.cases {
            let cases = read_cases(&leadhost_tests::examples_dir().join(cases_file))
                .unwrap_or_else(|error| panic!("{error}"));
            assert!(!cases.is_empty(), "{cases_file} has no cases");
            let results = run_cases(&plugin, &cases, &config);
            for result in &results {
                assert_eq!(
                    result.failure, None,
                    "{} on `{}` ({cases_file})",
                    example.file, result.name
                );
            }
            let Some(reference) = &reference else {
                continue;
            };
            let expected = run_cases(reference, &cases, &config);
            for (ours, theirs) in results.iter().zip(&expected) {
                assert_eq!(
                    ours.answer,
                    theirs.answer,
                    "{} and {} differ on `{}` ({cases_file})",
                    example.file,
                    reference.id().name,
                    ours.name
                );
            }
        }
    }
}

#[test]
fn each_example_imports_only_what_the_host_grants_and_names_its_world() {
    let runtime = runtime();
    for example in &EXAMPLES {
        let plugin = load(&runtime, example);
        assert_eq!(plugin.slot(), example.slot, "{}", example.file);
        // The 0.1.0 examples stay on 0.1.0; the port speaks 0.2.0.
        let version = if example.file.ends_with("-0-2.wasm") {
            "0.2.0"
        } else {
            "0.1.0"
        };
        assert_eq!(plugin.wit_version(), version, "{}", example.file);
    }
}
