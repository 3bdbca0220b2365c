//! `leadhost plugin new` for every language and slot: the new folder builds
//! with its own `build.sh` (toolchains as `examples/plugins/build.sh`
//! installed them) and `leadhost plugin test` passes its sample cases.

use std::path::Path;
use std::process::Command;

use super::super::leadhost;

const LANGS: [&str; 5] = ["rust", "python", "js", "c", "script"];
const SLOTS: [&str; 3] = ["lead-definition", "nurture-track", "routing-policy"];

fn make_and_test(dir: &Path, lang: &str, slot: &str) -> Result<(), String> {
    let name = format!("new-{lang}-{}", &slot[..5]);
    let made = leadhost(&[
        "plugin",
        "new",
        "--lang",
        lang,
        "--slot",
        slot,
        &name,
        "--dir",
        dir.to_str().unwrap(),
    ]);
    if !made.status.success() {
        return Err(format!("new: {}", String::from_utf8_lossy(&made.stderr)));
    }
    let folder = dir.join(&name);
    let file = if lang == "script" {
        format!("{name}.rhai")
    } else {
        let built = Command::new(folder.join("build.sh"))
            // The Rust scaffolds share one target folder, so only the first
            // compiles the SDK.
            .env("CARGO_TARGET_DIR", dir.join("cargo-target"))
            .output()
            .map_err(|error| format!("build.sh: {error}"))?;
        if !built.status.success() {
            return Err(format!(
                "build.sh: {}",
                String::from_utf8_lossy(&built.stderr)
            ));
        }
        format!("{name}.wasm")
    };
    let tested = leadhost(&["plugin", "test", folder.join(&file).to_str().unwrap()]);
    let report = String::from_utf8_lossy(&tested.stdout);
    if tested.status.success() && report.contains(" passed, 0 failed") {
        Ok(())
    } else {
        Err(format!(
            "plugin test:\n{report}{}",
            String::from_utf8_lossy(&tested.stderr)
        ))
    }
}

#[test]
fn every_language_and_slot_scaffolds_a_plugin_that_builds_and_passes_its_cases() {
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = LANGS
        .iter()
        .flat_map(|lang| SLOTS.iter().map(move |slot| (*lang, *slot)))
        .filter_map(|(lang, slot)| {
            make_and_test(dir.path(), lang, slot)
                .err()
                .map(|error| format!("{lang} {slot}: {error}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn new_refuses_a_bad_name_and_an_existing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let bad = leadhost(&[
        "plugin",
        "new",
        "--lang",
        "script",
        "--slot",
        "routing-policy",
        "My_Router",
        "--dir",
        path,
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`My_Router` is not a plug-in name"));
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    std::fs::write(dir.path().join("taken/keep.txt"), "mine").unwrap();
    let taken = leadhost(&[
        "plugin",
        "new",
        "--lang",
        "c",
        "--slot",
        "lead-definition",
        "taken",
        "--dir",
        path,
    ]);
    assert_eq!(taken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken/keep.txt")).unwrap(),
        "mine"
    );
}
