//! Builds the Wasm guests the harness runs, from source, into this
//! workspace's own `target/` (never `/work/main/target`, so no lock is taken
//! on the main workspace's build):
//!
//! - `bant-qualifier` and `script-qualify` (the script host of the lead
//!   definition slot): the main workspace's crates, built by a nested cargo
//!   as `host/guest-build` builds them (profile `guest`, `wasm32-wasip2`,
//!   the main workspace's `.cargo/config.toml` and `Cargo.lock`);
//! - `extism-plugin/`: the same BANT rule as an Extism plug-in, for
//!   `wasm32-unknown-unknown`.
//!
//! Writes `$OUT_DIR/guests.rs` with one `&[u8]` constant per guest.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let peers = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let repo = peers
        .join("../..")
        .canonicalize()
        .expect("the leadhost repository");
    let target = peers.join("target");

    let main_inputs: Vec<PathBuf> = [
        "wit",
        "sdk/src",
        "sdk/Cargo.toml",
        "plugins/bant-qualifier",
        "plugins/script/engine",
        "plugins/script/qualify",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
    ]
    .iter()
    .map(|watched| repo.join(watched))
    .collect();
    for watched in &main_inputs {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    for watched in [
        "extism-plugin/src",
        "extism-plugin/Cargo.toml",
        "extism-plugin/Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", peers.join(watched).display());
    }

    let components = target.join("guests");
    let built = components.join("wasm32-wasip2/guest");
    let main_guests = [
        built.join("bant_qualifier.wasm"),
        built.join("script_qualify.wasm"),
    ];
    // The main workspace's guests are built only when their inputs changed
    // since: a rerun for the Extism plug-in alone then never needs the main
    // workspace's lock (which `--locked` refuses to update while its
    // manifests have uncommitted edits).
    if !up_to_date(&main_guests, &main_inputs) {
        cargo(
            &repo,
            &[
                "--manifest-path",
                &repo.join("Cargo.toml").display().to_string(),
                "--target",
                "wasm32-wasip2",
                "--profile",
                "guest",
                "-p",
                "bant-qualifier",
                "-p",
                "script-qualify",
            ],
            &components,
        );
    }
    let extism = target.join("extism-guest");
    let plugin = peers.join("extism-plugin");
    cargo(
        &plugin,
        &[
            "--manifest-path",
            &plugin.join("Cargo.toml").display().to_string(),
            "--target",
            "wasm32-unknown-unknown",
            "--release",
        ],
        &extism,
    );

    let mut constants = String::new();
    for (name, path, purpose) in [
        (
            "BANT_QUALIFIER",
            built.join("bant_qualifier.wasm"),
            "The `bant-qualifier` component (lead definition).",
        ),
        (
            "SCRIPT_QUALIFY",
            built.join("script_qualify.wasm"),
            "The script host of the lead-definition slot: runs a `qualify.rhai` rule.",
        ),
        (
            "EXTISM_BANT",
            extism.join("wasm32-unknown-unknown/release/peers_extism_bant.wasm"),
            "The BANT rule as an Extism plug-in (`extism-plugin/`).",
        ),
    ] {
        assert!(path.is_file(), "cargo built nothing at {}", path.display());
        writeln!(constants, "/// {purpose}").unwrap();
        writeln!(
            constants,
            "pub const {name}: &[u8] = include_bytes!({:?});",
            path.display().to_string()
        )
        .unwrap();
    }
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("guests.rs");
    fs::write(out, constants).expect("write guests.rs");
}

/// Whether every file in `outputs` exists and is newer than every file in
/// (or under) `inputs`.
fn up_to_date(outputs: &[PathBuf], inputs: &[PathBuf]) -> bool {
    let oldest_output = outputs
        .iter()
        .map(|output| fs::metadata(output).and_then(|meta| meta.modified()).ok())
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().min());
    let Some(oldest_output) = oldest_output else {
        return false;
    };
    inputs
        .iter()
        .all(|input| newest(input).is_some_and(|at| at < oldest_output))
}

/// The newest modification time of `path` or anything under it.
fn newest(path: &Path) -> Option<std::time::SystemTime> {
    let meta = fs::metadata(path).ok()?;
    let mut latest = meta.modified().ok()?;
    if meta.is_dir() {
        for entry in fs::read_dir(path).ok()?.flatten() {
            latest = latest.max(newest(&entry.path())?);
        }
    }
    Some(latest)
}

/// Runs `cargo build <args> --locked --target-dir <target_dir>` in `dir`,
/// one job at a time unless `CARGO_BUILD_JOBS` says otherwise; panics with
/// cargo's output when it fails.
fn cargo(dir: &Path, args: &[&str], target_dir: &Path) {
    let mut cargo = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(dir)
        .arg("build")
        .args(args)
        .arg("--locked")
        .arg("--target-dir")
        .arg(target_dir);
    // The outer build's flags and wrappers are not the guests' business;
    // the main workspace's `.cargo/config.toml` sets the guests' own.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
    ] {
        cargo.env_remove(var);
    }
    if env::var_os("CARGO_BUILD_JOBS").is_none() {
        cargo.env("CARGO_BUILD_JOBS", "1");
    }
    let output = cargo.output().expect("run cargo for a Wasm guest");
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("because --locked was passed") {
            "\nhint: the lock file is out of date with its manifests (uncommitted edits?); \
             a cargo build there updates it"
        } else if stderr.contains("target may not be installed")
            || stderr.contains("can't find crate for `core`")
        {
            "\nhint: `rustup target add wasm32-wasip2 wasm32-unknown-unknown`"
        } else {
            ""
        };
        panic!(
            "building Wasm guests in {} failed:\n{stderr}{hint}",
            dir.display()
        );
    }
}
