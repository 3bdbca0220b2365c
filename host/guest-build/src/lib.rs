//! Compiles Wasm guests (first-party plug-ins, test fixtures) from source,
//! for build scripts.
//!
//! Guests are workspace crates built for `wasm32-wasip2` by a nested cargo in
//! its own target dir (`target/guests`), so nothing built is ever committed.
//! The build script gets a Rust file of constants naming each component.
//!
//! ```no_run
//! use leadhost_guest_build::{Guest, build};
//! let out = build(&[Guest { package: "bant-qualifier", purpose: "BANT lead definition", embed: true }]);
//! // `include!(concat!(env!("OUT_DIR"), "/guests.rs"))` then gives `BANT_QUALIFIER` and `BANT_QUALIFIER_PATH`.
//! # let _ = out;
//! ```

#![deny(missing_docs)]

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target every guest is built for.
pub const TARGET: &str = "wasm32-wasip2";

/// The cargo profile guests are built with (see the workspace `Cargo.toml`).
pub const PROFILE: &str = "guest";

/// One guest crate to build.
#[derive(Debug, Clone, Copy)]
pub struct Guest {
    /// The crate's package name (a workspace member with crate type `cdylib`).
    pub package: &'static str,
    /// One line saying what the guest is and what it must do; becomes the
    /// constant's doc comment.
    pub purpose: &'static str,
    /// Whether to embed the component's bytes (a `&[u8]` constant) besides its path.
    pub embed: bool,
}

impl Guest {
    /// The constant's name: the package name in upper snake case.
    pub fn const_name(&self) -> String {
        self.package.replace('-', "_").to_uppercase()
    }

    fn file_name(&self) -> String {
        format!("{}.wasm", self.package.replace('-', "_"))
    }
}

/// The workspace root: the folder above the calling crate that holds `Cargo.lock`
/// or a `[workspace]` manifest.
pub fn workspace_root() -> PathBuf {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("run from a build script"));
    manifest_dir
        .ancestors()
        .find(|dir| {
            fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|text| text.contains("[workspace]"))
        })
        .expect("the calling crate is inside the leadhost workspace")
        .to_path_buf()
}

/// Builds `guests` and writes `$OUT_DIR/guests.rs` with a constant per guest.
/// Returns the path of that file. Panics (failing the build) with cargo's
/// output when a guest does not compile.
pub fn build(guests: &[Guest]) -> PathBuf {
    let root = workspace_root();
    // The script components share their engine crate. Only the Rust SDK's
    // crate, not all of sdk/: its Python and JS helpers are no guest's input,
    // and their builds and tests touch files there (`__pycache__`,
    // examples/plugins/check-rebuild.sh), which would rebuild every guest.
    for watched in [
        "wit",
        "sdk/src",
        "sdk/Cargo.toml",
        "plugins/script/engine",
        "Cargo.lock",
        ".cargo/config.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let target_dir = root.join("target").join("guests");
    let mut cargo = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(&root)
        .args([
            "build",
            "--target",
            TARGET,
            "--profile",
            PROFILE,
            "--target-dir",
        ])
        .arg(&target_dir);
    for guest in guests {
        cargo.args(["-p", guest.package]);
        let dir = package_dir(&root, guest.package);
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    // The outer build's flags and wrappers (clippy, coverage, the host's
    // RUSTFLAGS) are not the guests' business.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cargo.env_remove(var);
    }
    let output = cargo.output().expect("run cargo for the Wasm guests");
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("target may not be installed")
            || stderr.contains("can't find crate for `core`")
        {
            "\nhint: install the target with `rustup target add wasm32-wasip2`"
        } else {
            ""
        };
        panic!("building the Wasm guests failed:\n{stderr}{hint}");
    }

    let built = target_dir.join(TARGET).join(PROFILE);
    let mut constants = String::new();
    for guest in guests {
        let path = built.join(guest.file_name());
        assert!(
            path.is_file(),
            "cargo built no component at {}",
            path.display()
        );
        let name = guest.const_name();
        let path = path.display().to_string();
        writeln!(
            constants,
            "/// Path of the `{}` component: {}",
            guest.package, guest.purpose
        )
        .unwrap();
        writeln!(constants, "pub const {name}_PATH: &str = {path:?};").unwrap();
        if guest.embed {
            writeln!(
                constants,
                "/// The `{}` component: {}",
                guest.package, guest.purpose
            )
            .unwrap();
            writeln!(
                constants,
                "pub const {name}: &[u8] = include_bytes!({path:?});"
            )
            .unwrap();
        }
    }
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("run from a build script")).join("guests.rs");
    fs::write(&out, constants).expect("write guests.rs");
    out
}

/// Fails the build when a guest's constant appears in none of the `.rs` files
/// under `dirs`: every fixture must be used by some test.
pub fn require_used(guests: &[Guest], dirs: &[&Path]) {
    let mut sources = String::new();
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        collect_sources(dir, &mut sources);
    }
    let unused: Vec<_> = guests
        .iter()
        .map(Guest::const_name)
        .filter(|name| !sources.contains(name.as_str()))
        .collect();
    assert!(
        unused.is_empty(),
        "fixtures no test uses (remove them or test them): {unused:?}"
    );
}

fn collect_sources(dir: &Path, into: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_sources(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push_str(&fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// Finds a package's folder among the workspace's guest folders.
fn package_dir(root: &Path, package: &str) -> PathBuf {
    let short = package.strip_prefix("fixture-").unwrap_or(package);
    let script = package.strip_prefix("script-").unwrap_or(package);
    [
        root.join("plugins").join(package),
        root.join("plugins/script").join(script),
        root.join("tests/fixtures").join(short),
    ]
    .into_iter()
    .find(|dir| dir.join("Cargo.toml").is_file())
    .unwrap_or_else(|| panic!("no guest crate folder for package `{package}`"))
}
