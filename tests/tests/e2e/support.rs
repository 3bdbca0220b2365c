//! Shared set-up: one runtime per test binary, so compiled code is reused.

use std::sync::OnceLock;

use leadhost::model::QualifyInput;
use leadhost::runtime::{Limits, Plugin, Runtime, RuntimeConfig, Slot};

/// The runtime most tests share (default limits, memory-only cache).
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new(RuntimeConfig::default()).expect("start the runtime"))
}

/// A runtime with its own limits.
pub fn runtime_with(limits: Limits) -> Runtime {
    Runtime::new(RuntimeConfig {
        limits,
        cache_dir: None,
    })
    .expect("start the runtime")
}

/// Loads the component at `path` into `runtime` for `slot`.
pub fn load(runtime: &Runtime, path: &str, slot: Slot) -> Plugin {
    runtime
        .load_file(std::path::Path::new(path), Some(slot))
        .unwrap_or_else(|error| panic!("load {path}: {error}"))
}

/// The strong sample lead of `examples/eval`.
pub fn strong_lead() -> QualifyInput {
    leadhost_tests::example("eval/strong-lead.json")
}
