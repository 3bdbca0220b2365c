//! `leadhost plugin new` for every language and slot: the new folder builds
//! with its own `build.sh` (toolchains as `examples/plugins/build.sh`
//! installed them) and `leadhost plugin test` passes its sample cases. The
//! Rust, Python and JavaScript lead definitions read config through their
//! SDK's helpers, so they accept a quoted number and refuse a bad one in the
//! same words; the Rust one ships the guide's 64 KiB guest stack.

use std::path::Path;
use std::process::Command;

use super::super::leadhost;

const LANGS: [&str; 5] = ["rust", "python", "js", "c", "script"];
const SLOTS: [&str; 3] = ["lead-definition", "nurture-track", "routing-policy"];

fn make_and_test(dir: &Path, lang: &str, slot: &str) -> Result<(), String> {
    make_and_test_for(dir, lang, slot, "0.1")
}

/// [`make_and_test`] with `--wit wit`; the component must say it speaks it.
fn make_and_test_for(dir: &Path, lang: &str, slot: &str, wit: &str) -> Result<(), String> {
    let name = format!("new-{lang}-{}-{}", &slot[..5], wit.replace('.', "-"));
    let made = leadhost(&[
        "plugin",
        "new",
        "--lang",
        lang,
        "--slot",
        slot,
        "--wit",
        wit,
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
    let component = folder.join(&file);
    let tested = leadhost(&["plugin", "test", component.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&tested.stdout);
    if !(tested.status.success() && report.contains(" passed, 0 failed")) {
        return Err(format!(
            "plugin test:\n{report}{}",
            String::from_utf8_lossy(&tested.stderr)
        ));
    }
    if slot == "lead-definition" && ["rust", "python", "js"].contains(&lang) {
        reads_config_as_the_sdk_does(&component)?;
    }
    if lang != "script" {
        let checked = leadhost(&["plugin", "check", component.to_str().unwrap()]);
        let report = String::from_utf8_lossy(&checked.stdout);
        let speaks = format!("({}@{wit}.0)", "leadhost:plugin");
        if !report.contains(&speaks) {
            return Err(format!("plugin check does not say {speaks}:\n{report}"));
        }
    }
    if lang == "rust" {
        let bytes = std::fs::read(&component).map_err(|error| error.to_string())?;
        match stack_pointer(&bytes) {
            Some(STACK_BYTES) => {}
            other => {
                return Err(format!(
                    "the guest's stack starts at {other:?}, not {STACK_BYTES}"
                ));
            }
        }
    }
    Ok(())
}

/// The guest stack the authors' guide recommends (`-zstack-size=65536`).
const STACK_BYTES: u64 = 64 * 1024;

/// `leadhost eval` of a lead definition with `min-budget` set as text: the
/// SDK's helpers read `" 350 "` as 350 and refuse `"lots"` naming it, in
/// the words of the Rust SDK's `FieldError`.
fn reads_config_as_the_sdk_does(component: &Path) -> Result<(), String> {
    let input =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/eval/qualify/strong-lead.json");
    let eval = |setting: &str| {
        leadhost(&[
            "eval",
            "qualify",
            "--plugin",
            component.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--config",
            setting,
        ])
    };
    let quoted = eval("min-budget= 350 ");
    let verdict = String::from_utf8_lossy(&quoted.stdout);
    if !(quoted.status.success() && verdict.contains("budget 60000 meets the minimum 350")) {
        return Err(format!(
            "a quoted min-budget:\n{verdict}{}",
            String::from_utf8_lossy(&quoted.stderr)
        ));
    }
    let refused = eval("min-budget=lots");
    let error = String::from_utf8_lossy(&refused.stderr);
    let expected = "config `min-budget` = Scalar::Text(\"lots\"): expected a number";
    if refused.status.success() || !error.contains(expected) {
        return Err(format!("min-budget=lots: want {expected}, got\n{error}"));
    }
    Ok(())
}

/// The initial `__stack_pointer` (the first global) of a component's first
/// core module: rustc's wasm linker puts the stack first in memory, so this
/// is the stack's size. A minimal reading of the binary format, so the test
/// needs no Wasm parser.
fn stack_pointer(component: &[u8]) -> Option<u64> {
    let module = section(component.get(8..)?, 1)?;
    let globals = section(module.get(8..)?, 6)?;
    let (_count, mut at) = leb128(globals)?;
    // valtype i32, mutable, init `i32.const N` (a positive N reads the same as unsigned).
    if globals.get(at..at + 3)? != [0x7f, 0x01, 0x41] {
        return None;
    }
    at += 3;
    leb128(globals.get(at..)?).map(|(value, _)| value)
}

/// The payload of the first section with `id` in a sequence of sections.
fn section(mut bytes: &[u8], id: u8) -> Option<&[u8]> {
    while let Some((&section_id, rest)) = bytes.split_first() {
        let (size, read) = leb128(rest)?;
        let payload = rest.get(read..read + usize::try_from(size).ok()?)?;
        if section_id == id {
            return Some(payload);
        }
        bytes = &rest[read + payload.len()..];
    }
    None
}

/// An unsigned LEB128 number and the bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
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
fn rust_python_and_js_scaffold_for_wit_0_2_and_c_and_scripts_say_they_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = [
        ("rust", "lead-definition"),
        ("python", "lead-definition"),
        ("js", "lead-definition"),
        ("rust", "duplicate-rule"),
    ]
    .iter()
    .filter_map(|(lang, slot)| {
        make_and_test_for(dir.path(), lang, slot, "0.2")
            .err()
            .map(|error| format!("{lang} {slot}: {error}"))
    })
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The duplicate rule, new in 0.2.0, has a Rust scaffold only.
    let refused = leadhost(&[
        "plugin",
        "new",
        "--lang",
        "python",
        "--slot",
        "duplicate-rule",
        "--wit",
        "0.2",
        "matcher",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(
        error.contains("a duplicate rule is made in Rust for WIT 0.2 only"),
        "{error}"
    );
    for lang in ["c", "script"] {
        let refused = leadhost(&[
            "plugin",
            "new",
            "--lang",
            lang,
            "--slot",
            "lead-definition",
            "--wit",
            "0.2",
            "later",
            "--dir",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(refused.status.code(), Some(2), "{lang}");
        let error = String::from_utf8_lossy(&refused.stderr);
        assert!(
            error.contains(&format!("a {lang} plug-in can be made for WIT 0.1 only")),
            "{error}"
        );
        assert!(!dir.path().join("later").exists(), "nothing made");
    }
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
