//! The files `leadhost plugin new` writes, embedded at build time from
//! `host/templates/` (and, so they cannot drift, the released WIT and the
//! JavaScript examples' pinned toolchain from where they live).
//!
//! A path may hold placeholders (`src/{{name}}.js`); so may a
//! [`Kind::Template`] or [`Kind::Executable`] body. A [`Kind::Verbatim`]
//! body is written as it is.

use super::{Lang, ScaffoldWit};
use crate::runtime::Slot;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Placeholders replaced.
    Template,
    /// Placeholders replaced, and made executable (a `build.sh`).
    Executable,
    /// Written as is: generated or copied files (WIT, C bindings, a lock file).
    Verbatim,
}

/// One file: its path in the new folder, its contents and how it is written.
pub(super) type File = (&'static str, &'static str, Kind);

use Kind::{Executable, Template, Verbatim};

/// `include_str!` of a file under `host/templates/`.
macro_rules! template {
    ($($path:tt)+) => {
        include_str!(concat!("../../../templates/", $($path)+))
    };
}

/// The contract 0.2.0, for the toolchains that read WIT.
const WIT_0_2: &[File] = &[
    (
        "wit/types.wit",
        include_str!("../../../../wit/v0.2.0/types.wit"),
        Verbatim,
    ),
    (
        "wit/worlds.wit",
        include_str!("../../../../wit/v0.2.0/worlds.wit"),
        Verbatim,
    ),
    (
        "wit/log.wit",
        include_str!("../../../../wit/v0.2.0/log.wit"),
        Verbatim,
    ),
];

/// The contract, for the toolchains that read WIT (all but Rust's SDK, which carries it).
const WIT: &[File] = &[
    (
        "wit/types.wit",
        include_str!("../../../../wit/v0.1.0/types.wit"),
        Verbatim,
    ),
    (
        "wit/worlds.wit",
        include_str!("../../../../wit/v0.1.0/worlds.wit"),
        Verbatim,
    ),
    (
        "wit/log.wit",
        include_str!("../../../../wit/v0.1.0/log.wit"),
        Verbatim,
    ),
];

/// `.cargo/config.toml` carries the guest stack the authors' guide
/// recommends (64 KiB), the same setting as this workspace's own.
const RUST: &[File] = &[
    ("Cargo.toml", template!("rust/Cargo.toml"), Template),
    (
        ".cargo/config.toml",
        template!("rust/cargo-config.toml"),
        Verbatim,
    ),
    ("build.sh", template!("rust/build.sh"), Executable),
    ("README.md", template!("rust/README.md"), Template),
    (".gitignore", template!("rust/gitignore"), Verbatim),
];

const PYTHON: &[File] = &[
    ("src/bugs.py", template!("python/bugs.py"), Verbatim),
    ("build.sh", template!("python/build.sh"), Executable),
    ("README.md", template!("python/README.md"), Template),
    (".gitignore", template!("python/gitignore"), Verbatim),
];

/// The JavaScript toolchain is the examples' pin: the same lock file lets
/// every JS plug-in share one install under `LEADHOST_TOOLS`.
const JS: &[File] = &[
    ("build.sh", template!("js/build.sh"), Executable),
    ("README.md", template!("js/README.md"), Template),
    (".gitignore", template!("js/gitignore"), Verbatim),
    (
        "toolchain/package.json",
        include_str!("../../../../examples/plugins/js/toolchain/package.json"),
        Verbatim,
    ),
    (
        "toolchain/package-lock.json",
        include_str!("../../../../examples/plugins/js/toolchain/package-lock.json"),
        Verbatim,
    ),
];

const C: &[File] = &[
    ("src/text_buf.h", template!("c/text_buf.h"), Template),
    ("src/text_buf.c", template!("c/text_buf.c"), Template),
    (
        "src/component_type.c",
        template!("c/component_type.c"),
        Template,
    ),
    ("build.sh", template!("c/build.sh"), Executable),
    ("README.md", template!("c/README.md"), Template),
    (".gitignore", template!("c/gitignore"), Verbatim),
];

const SCRIPT: &[File] = &[("README.md", template!("script/README.md"), Template)];

/// Every file of a `lang` plug-in for `slot`.
pub(super) fn files(lang: Lang, slot: Slot, version: ScaffoldWit) -> Vec<File> {
    let (common, wit): (&[File], bool) = match lang {
        Lang::Rust => (RUST, false),
        Lang::Python => (PYTHON, true),
        Lang::Js => (JS, true),
        Lang::C => (C, true),
        Lang::Script => (SCRIPT, false),
    };
    let mut files = common.to_vec();
    files.push(source(lang, slot));
    files.push(("{{name}}.cases.json", cases(slot), Verbatim));
    if wit {
        files.extend_from_slice(match version {
            ScaffoldWit::V0_1 => WIT,
            ScaffoldWit::V0_2 => WIT_0_2,
        });
    }
    if lang == Lang::C {
        files.extend_from_slice(&c_bindings(slot));
    }
    files
}

/// The rule itself: the one file that differs by language and slot.
fn source(lang: Lang, slot: Slot) -> File {
    use Slot::{LeadDefinition as Qualify, NurtureTrack as Nurture, RoutingPolicy as Route};
    let (path, body) = match (lang, slot) {
        (Lang::Rust, Qualify) => ("src/lib.rs", template!("rust/lead-definition.rs")),
        (Lang::Rust, Nurture) => ("src/lib.rs", template!("rust/nurture-track.rs")),
        (Lang::Rust, Route) => ("src/lib.rs", template!("rust/routing-policy.rs")),
        (Lang::Python, Qualify) => ("src/app.py", template!("python/lead-definition.py")),
        (Lang::Python, Nurture) => ("src/app.py", template!("python/nurture-track.py")),
        (Lang::Python, Route) => ("src/app.py", template!("python/routing-policy.py")),
        (Lang::Js, Qualify) => ("src/{{name}}.js", template!("js/lead-definition.js")),
        (Lang::Js, Nurture) => ("src/{{name}}.js", template!("js/nurture-track.js")),
        (Lang::Js, Route) => ("src/{{name}}.js", template!("js/routing-policy.js")),
        (Lang::C, Qualify) => ("src/{{name}}.c", template!("c/lead-definition.c")),
        (Lang::C, Nurture) => ("src/{{name}}.c", template!("c/nurture-track.c")),
        (Lang::C, Route) => ("src/{{name}}.c", template!("c/routing-policy.c")),
        (Lang::Script, Qualify) => ("{{name}}.rhai", template!("script/lead-definition.rhai")),
        (Lang::Script, Nurture) => ("{{name}}.rhai", template!("script/nurture-track.rhai")),
        (Lang::Script, Route) => ("{{name}}.rhai", template!("script/routing-policy.rhai")),
        (Lang::Rust, Slot::DuplicateRule) => ("src/lib.rs", template!("rust/duplicate-rule.rs")),
        (_, Slot::DuplicateRule) => {
            unreachable!("scaffold_from makes a duplicate rule in Rust only")
        }
    };
    (path, body, Template)
}

/// The sample cases: one set per slot, which every language's rule passes.
fn cases(slot: Slot) -> &'static str {
    match slot {
        Slot::LeadDefinition => template!("common/lead-definition.cases.json"),
        Slot::NurtureTrack => template!("common/nurture-track.cases.json"),
        Slot::RoutingPolicy => template!("common/routing-policy.cases.json"),
        Slot::DuplicateRule => template!("common/duplicate-rule.cases.json"),
    }
}

/// The README's account of the rule and its config (`{{rule}}`).
pub(super) fn rule(slot: Slot) -> &'static str {
    match slot {
        Slot::LeadDefinition => template!("common/lead-definition.rule.md"),
        Slot::NurtureTrack => template!("common/nurture-track.rule.md"),
        Slot::RoutingPolicy => template!("common/routing-policy.rule.md"),
        Slot::DuplicateRule => template!("common/duplicate-rule.rule.md"),
    }
}

/// The README's test and org-folder sections (`{{use}}`), the same for every plug-in.
pub(super) const USE: &str = template!("common/use.md");

/// The config line the README's `org.toml` example gives the slot (`{{config_example}}`).
pub(super) fn config_example(slot: Slot) -> &'static str {
    match slot {
        Slot::LeadDefinition => "{ min-budget = 20000 }",
        Slot::NurtureTrack => "{ interval-days = 3, channel = \"email\" }",
        Slot::RoutingPolicy => "{ fallback-queue = \"inside-sales\" }",
        Slot::DuplicateRule => "{ min-confidence = 0.6 }",
    }
}

/// wit-bindgen 0.63.0's C bindings of the slot's world: generated once and
/// shipped, so a C plug-in builds on a machine without wit-bindgen.
fn c_bindings(slot: Slot) -> [File; 2] {
    macro_rules! bindings {
        ($world:literal, $file:literal) => {
            [
                (
                    concat!("bindings/", $file, ".h"),
                    template!(concat!("c/bindings/", $world, "/", $file, ".h")),
                    Verbatim,
                ),
                (
                    concat!("bindings/", $file, ".c"),
                    template!(concat!("c/bindings/", $world, "/", $file, ".c")),
                    Verbatim,
                ),
            ]
        };
    }
    match slot {
        Slot::LeadDefinition => bindings!("lead-definition", "lead_definition"),
        Slot::NurtureTrack => bindings!("nurture-track", "nurture_track"),
        Slot::RoutingPolicy => bindings!("routing-policy", "routing_policy"),
        Slot::DuplicateRule => unreachable!("scaffold_from makes a duplicate rule in Rust only"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of `path` among a plug-in's files.
    fn body(files: &[File], path: &str) -> &'static str {
        let found = files.iter().find(|(file, _, _)| *file == path);
        found.unwrap_or_else(|| panic!("no {path}")).1
    }

    #[test]
    fn a_rust_plugin_gets_the_workspaces_guest_stack_setting() {
        let files = files(Lang::Rust, Slot::LeadDefinition, ScaffoldWit::V0_1);
        let config = body(&files, ".cargo/config.toml");
        // The same line as this workspace's own, which the authors' guide describes.
        let ours = include_str!("../../../../.cargo/config.toml");
        let rustflags =
            |text: &'static str| text.lines().find(|line| line.starts_with("rustflags"));
        assert_eq!(rustflags(config), rustflags(ours));
        assert!(config.contains("-zstack-size=65536"), "{config}");
        // cargo reads .cargo/config.toml from its working directory only.
        let build = body(&files, "build.sh");
        assert!(build.contains("(cd \"$here\" && cargo build"), "{build}");
    }

    #[test]
    fn python_and_js_plugins_import_the_sdk_helpers_instead_of_copying_them() {
        // The duplicate rule is scaffolded in Rust only.
        for slot in Slot::ALL
            .into_iter()
            .filter(|slot| *slot != Slot::DuplicateRule)
        {
            let python = files(Lang::Python, slot, ScaffoldWit::V0_1);
            let app = body(&python, "src/app.py");
            assert!(app.contains("from leadhost_sdk import fields"), "{slot:?}");
            assert!(
                !app.contains("def config_"),
                "{slot:?}: a config reader of its own"
            );
            let build = body(&python, "build.sh");
            assert!(build.contains("{{sdk_path}}}/python\""), "{slot:?}");
            assert!(build.contains("-p \"$sdk\""), "{slot:?}");

            let js = files(Lang::Js, slot, ScaffoldWit::V0_1);
            let source = body(&js, "src/{{name}}.js");
            assert!(source.contains("from 'leadhost-sdk'"), "{slot:?}");
            assert!(
                !source.contains("function config"),
                "{slot:?}: a config reader of its own"
            );
            let build = body(&js, "build.sh");
            assert!(build.contains("{{sdk_path}}}/js\""), "{slot:?}");
            assert!(build.contains("--module-root \"$here\""), "{slot:?}");
            // Nothing of the SDK is among the files written.
            assert!(js.iter().all(|(path, _, _)| !path.contains("leadhost-sdk")));
        }
        // The helpers the scaffolds import are where build.sh looks for them.
        let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
        assert!(sdk.join("python/leadhost_sdk/fields.py").is_file());
        assert!(sdk.join("js/fields.js").is_file() && sdk.join("js/package.json").is_file());
    }
}
