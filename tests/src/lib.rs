//! Helpers shared by leadhost's end-to-end tests and benchmarks: the paths
//! of the fixture components built from `fixtures/`, and sample inputs.

#![deny(missing_docs)]

/// Paths of the fixture components, built by `build.rs`.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

use std::path::PathBuf;

/// The workspace's `examples/` folder.
pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Reads and parses an example input, e.g. `eval/qualify/strong-lead.json`.
pub fn example<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = examples_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("parse {}: {error}", path.display()))
}
