//! The host's layers, as the crates under `host/` declare them: data flows
//! one way (binary → api and ui → engine → runtime and store (its PostgreSQL
//! backend beside it) → model), so no crate may
//! depend on one above it, and the lower layers must not know Wasm, HTTP or
//! the database they are not about. The compiler enforces what the
//! manifests allow; this test keeps the manifests honest.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Each host crate: the leadhost crates it may depend on, and outside
/// crates it must not (directly). Crates not listed here are not host
/// layers (plug-ins, the SDK, tests).
const LAYERS: &[(&str, &[&str], &[&str])] = &[
    (
        "leadhost-model",
        &[],
        &["wasmtime", "sled", "axum", "tokio", "hyper", "reqwest"],
    ),
    (
        "leadhost-store",
        &["leadhost-model"],
        &["wasmtime", "axum", "tokio", "hyper", "reqwest", "clap"],
    ),
    (
        "leadhost-store-postgres",
        &["leadhost-model", "leadhost-store"],
        &["wasmtime", "sled", "axum", "hyper", "reqwest", "clap"],
    ),
    (
        "leadhost-runtime",
        &["leadhost-model"],
        &["sled", "axum", "hyper", "reqwest", "clap"],
    ),
    (
        "leadhost-engine",
        &[
            "leadhost-model",
            "leadhost-runtime",
            "leadhost-store",
            "leadhost-store-postgres",
            "leadhost-guest-build",
        ],
        &["wasmtime", "sled", "axum", "hyper", "utoipa-axum"],
    ),
    (
        "leadhost-api",
        &["leadhost-model", "leadhost-engine"],
        &["wasmtime", "sled", "clap", "notify", "reqwest"],
    ),
    (
        "leadhost-ui",
        &["leadhost-model", "leadhost-engine"],
        &["wasmtime", "sled", "clap", "notify", "reqwest", "utoipa"],
    ),
    (
        "leadhost",
        &[
            "leadhost-model",
            "leadhost-runtime",
            "leadhost-store",
            "leadhost-store-postgres",
            "leadhost-engine",
            "leadhost-api",
            "leadhost-ui",
        ],
        &["wasmtime", "sled"],
    ),
];

/// Every workspace package's dependencies, by name (all kinds: normal,
/// build and dev).
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| {
            let deps = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .map(|dep| dep["name"].as_str().unwrap().to_string())
                .collect();
            (package["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn no_host_crate_depends_on_a_layer_above_it_or_on_what_it_must_not_know() {
    let packages = dependencies();
    let mut wrong = Vec::new();
    for (name, allowed, forbidden) in LAYERS {
        let deps = packages
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is a workspace member"));
        for dep in deps {
            let host_crate = dep.starts_with("leadhost");
            if host_crate && !allowed.contains(&dep.as_str()) {
                wrong.push(format!("{name} depends on {dep}, a layer it may not use"));
            }
            if forbidden.contains(&dep.as_str()) {
                wrong.push(format!("{name} depends on {dep}, which it must not know"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_crate_under_host_is_a_known_layer() {
    let packages = dependencies();
    let known: Vec<&str> = LAYERS.iter().map(|(name, _, _)| *name).collect();
    let unknown: Vec<&String> = packages
        .keys()
        .filter(|name| name.starts_with("leadhost") && !known.contains(&name.as_str()))
        .filter(|name| {
            !["leadhost-sdk", "leadhost-tests", "leadhost-guest-build"].contains(&name.as_str())
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "add these crates to LAYERS with what they may use: {unknown:?}"
    );
}

/// The API's handlers go through the engine's methods: no file of the API
/// reaches for the store or the plug-in registry behind the engine's back.
/// (The manifests already keep the store's crate out; this keeps the
/// engine's accessors to them out as well.)
#[test]
fn no_api_handler_touches_the_store_or_the_registry() {
    let api = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/api/src");
    let mut found = Vec::new();
    let mut folders = vec![api];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read host/api/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            for (number, line) in text.lines().enumerate() {
                // The accessors, and the fields of `setup::Host` that
                // hold the same things (`host.store.…`, `host.runtime.…`).
                if [
                    ".store()",
                    ".store.",
                    ".store,",
                    ".store)",
                    ".store;",
                    ".runtime.",
                    ".runtime,",
                    ".runtime)",
                    ".runtime;",
                    ".plugins()",
                    "leadhost_store",
                    "leadhost_runtime",
                ]
                .iter()
                .any(|reach| line.contains(reach))
                {
                    found.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
