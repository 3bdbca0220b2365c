//! `leadhost plugin new`: a new plug-in folder that builds and passes its
//! own sample cases before its author has changed a line.
//!
//! Why: the hard part of a first plug-in is not the rule but the toolchain
//! (which world, which flags, what the host refuses, how to test). So every
//! language × slot starts from a small, real rule with a `build.sh` that
//! installs what it needs the way the examples do, sample cases in the
//! host's format, and a README saying how to test it and drop it into an
//! org. Templates are embedded in the binary (`host/templates/`), so the
//! command works wherever `leadhost` is installed; the Rust SDK and the
//! shared toolchain folder are taken from the checkout it was built from.
//!
//! ```no_run
//! use leadhost::cli::{Lang, scaffold};
//! use leadhost::runtime::Slot;
//!
//! let made = scaffold(Lang::Python, Slot::RoutingPolicy, "nearest-rep", std::path::Path::new("."))?;
//! println!("{}", made.next_steps); // cd ./nearest-rep && ./build.sh && leadhost plugin test nearest-rep.wasm
//! # Ok::<(), leadhost::cli::ScaffoldError>(())
//! ```

mod templates;

use std::io;
use std::path::{Path, PathBuf};

use crate::runtime::Slot;
use templates::Kind;

/// The language a new plug-in is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Rust on the leadhost SDK (`cargo build --target wasm32-wasip2`).
    Rust,
    /// Python, built with componentize-py.
    Python,
    /// JavaScript, built with componentize-qjs (QuickJS).
    Js,
    /// C, built with clang's wasm32 target and wasm-tools.
    C,
    /// An admin script (Rhai), run by the host's first-party script component; nothing to build.
    Script,
}

impl Lang {
    /// Every language, in the order `--help` lists them.
    pub const ALL: [Lang; 5] = [Lang::Rust, Lang::Python, Lang::Js, Lang::C, Lang::Script];
}

/// The WIT version a new plug-in is built against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ScaffoldWit {
    /// `leadhost:plugin@0.1.0`.
    #[default]
    #[value(name = "0.1")]
    V0_1,
    /// `leadhost:plugin@0.2.0`: the inputs carry the lead's campaign
    /// context and `qualify`'s its previous qualification. Rust (the SDK's
    /// `wit-0-2` feature), Python and JavaScript.
    #[value(name = "0.2")]
    V0_2,
}

/// What [`scaffold`] made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Scaffolded {
    /// The new folder, `DIR/NAME`.
    pub folder: PathBuf,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
    /// What to run next (build, test), as shell commands to show the author.
    pub next_steps: String,
}

/// A plug-in folder could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name cannot name a plug-in (it becomes file, crate and component names).
    #[error(
        "`{name}` is not a plug-in name: {why} (use lowercase letters, digits and `-`, 1 to 64 characters, starting with a letter)"
    )]
    InvalidName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The language has no scaffold for the WIT version asked for.
    #[error(
        "a {lang} plug-in can be made for WIT 0.1 only: {why}; use --wit 0.1, or Rust, Python or JavaScript for 0.2"
    )]
    NoWitScaffold {
        /// The language, as `--lang` names it.
        lang: &'static str,
        /// Why.
        why: &'static str,
    },
    /// The duplicate rule is scaffolded in Rust against WIT 0.2 only.
    #[error(
        "a duplicate rule is made in Rust for WIT 0.2 only (`--lang rust --wit 0.2`): the world is new in 0.2.0, and the other languages have no template for it yet; `plugins/standard-matching` is a complete one"
    )]
    NoDuplicateRuleScaffold,
    /// The folder exists and holds something; nothing is overwritten.
    #[error("{} already exists and is not an empty folder; choose another name or --dir", .0.display())]
    NotEmpty(PathBuf),
    /// A file or folder could not be read or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Makes `dir/name/`: a `lang` plug-in for `slot` that builds (`./build.sh`,
/// except for scripts) and passes its own `name.cases.json`.
///
/// Refuses a name that is not lowercase letters, digits and `-` (1–64,
/// starting with a letter), and a `dir/name` that exists and is not an empty
/// folder. A Rust plug-in depends on the SDK of the checkout this binary was
/// built from; see [`scaffold_from`] to name another.
pub fn scaffold(
    lang: Lang,
    slot: Slot,
    name: &str,
    dir: &Path,
) -> Result<Scaffolded, ScaffoldError> {
    scaffold_for(lang, slot, ScaffoldWit::default(), name, dir)
}

/// [`scaffold`] against the WIT version `wit`; C and admin scripts are
/// made for 0.1 only ([`ScaffoldError::NoWitScaffold`]).
pub fn scaffold_for(
    lang: Lang,
    slot: Slot,
    wit: ScaffoldWit,
    name: &str,
    dir: &Path,
) -> Result<Scaffolded, ScaffoldError> {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    scaffold_from(&checkout, lang, slot, wit, name, dir)
}

/// [`scaffold`] with the SDK (`checkout/sdk`) and the toolchain folder
/// (`checkout/target/tools`, the examples' `LEADHOST_TOOLS` default) of the
/// leadhost checkout at `checkout`. When `checkout` does not exist (a binary
/// moved away from its checkout), build scripts keep their toolchains in
/// `~/.cache/leadhost/tools` instead.
pub fn scaffold_from(
    checkout: &Path,
    lang: Lang,
    slot: Slot,
    wit: ScaffoldWit,
    name: &str,
    dir: &Path,
) -> Result<Scaffolded, ScaffoldError> {
    validate_name(name)?;
    if slot == Slot::DuplicateRule && (lang != Lang::Rust || wit != ScaffoldWit::V0_2) {
        return Err(ScaffoldError::NoDuplicateRuleScaffold);
    }
    if wit == ScaffoldWit::V0_2 {
        let refused = |lang, why| Err(ScaffoldError::NoWitScaffold { lang, why });
        match lang {
            Lang::C => return refused("c", "its bindings are generated for 0.1.0"),
            Lang::Script => {
                return refused("script", "the script host component speaks 0.1.0");
            }
            Lang::Rust | Lang::Python | Lang::Js => {}
        }
    }
    let folder = dir.join(name);
    let created = prepare(&folder)?;
    let values = Values::new(checkout, lang, slot, wit, name);
    let mut files = Vec::new();
    let written =
        templates::files(lang, slot, wit)
            .into_iter()
            .try_for_each(|(path, body, kind)| {
                let path = folder.join(values.render(path));
                let body = match kind {
                    Kind::Verbatim => body.to_string(),
                    Kind::Template | Kind::Executable => values.render(body),
                };
                write(&path, &body, kind == Kind::Executable)?;
                files.push(path);
                Ok(())
            });
    if let Err(error) = written {
        // Leave no half-made plug-in behind: a second try must not meet NotEmpty.
        if created {
            let _ = std::fs::remove_dir_all(&folder);
        }
        return Err(error);
    }
    let next_steps = next_steps(lang, &folder, name);
    Ok(Scaffolded {
        folder,
        files,
        next_steps,
    })
}

/// Checks `name` against the rules [`ScaffoldError::InvalidName`] states.
fn validate_name(name: &str) -> Result<(), ScaffoldError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 64 {
        Some("it is longer than 64 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("it must start with a lowercase letter")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some("it may hold only lowercase letters, digits and `-`")
    } else {
        None
    };
    match why {
        Some(why) => Err(ScaffoldError::InvalidName {
            name: name.to_string(),
            why,
        }),
        None => Ok(()),
    }
}

/// Makes sure `folder` exists and is empty; true when this call created it.
fn prepare(folder: &Path) -> Result<bool, ScaffoldError> {
    let io_error = |source| ScaffoldError::Io {
        path: folder.to_path_buf(),
        source,
    };
    match std::fs::read_dir(folder) {
        Ok(mut entries) => match entries.next() {
            None => Ok(false),
            Some(_) => Err(ScaffoldError::NotEmpty(folder.to_path_buf())),
        },
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(folder).map_err(io_error)?;
            Ok(true)
        }
        Err(_) if folder.exists() => Err(ScaffoldError::NotEmpty(folder.to_path_buf())),
        Err(error) => Err(io_error(error)),
    }
}

/// Writes one file, making its folder; `executable` sets mode 0755.
fn write(path: &Path, body: &str, executable: bool) -> Result<(), ScaffoldError> {
    let io_error = |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    std::fs::write(path, body).map_err(io_error)?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(io_error)?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

/// The placeholders' values for one plug-in.
struct Values {
    /// `(placeholder, value)`; the README's sections first, as they hold placeholders too.
    pairs: Vec<(&'static str, String)>,
}

impl Values {
    fn new(checkout: &Path, lang: Lang, slot: Slot, wit: ScaffoldWit, name: &str) -> Self {
        // Canonical, so the paths written into Cargo.toml and build.sh do not
        // depend on the directory `leadhost` was run from.
        let checkout = checkout
            .canonicalize()
            .unwrap_or_else(|_| checkout.to_path_buf());
        let tools = if checkout.is_dir() {
            checkout.join("target").join("tools").display().to_string()
        } else {
            // Expanded by bash in build.sh: a per-user folder when there is no checkout.
            "${XDG_CACHE_HOME:-$HOME/.cache}/leadhost/tools".to_string()
        };
        let world = slot.world();
        let (input, eval) = match slot {
            Slot::LeadDefinition => ("qualify_input", "qualify"),
            Slot::NurtureTrack => ("nurture_input", "nurture"),
            Slot::RoutingPolicy => ("route_input", "route"),
            Slot::DuplicateRule => ("match_input", "match"),
        };
        let artifact = match lang {
            Lang::Script => format!("{name}.rhai"),
            _ => format!("{name}.wasm"),
        };
        let pairs = vec![
            ("{{rule}}", templates::rule(slot).to_string()),
            ("{{use}}", templates::USE.to_string()),
            (
                "{{config_example}}",
                templates::config_example(slot).to_string(),
            ),
            ("{{name}}", name.to_string()),
            (
                "{{wit_version}}",
                match wit {
                    ScaffoldWit::V0_1 => "0.1.0",
                    ScaffoldWit::V0_2 => "0.2.0",
                }
                .to_string(),
            ),
            ("{{slot}}", world.to_string()),
            ("{{world}}", world.to_string()),
            ("{{world_snake}}", world.replace('-', "_")),
            ("{{export}}", slot.export().to_string()),
            ("{{export_snake}}", slot.export().replace('-', "_")),
            ("{{input_snake}}", input.to_string()),
            ("{{eval}}", eval.to_string()),
            ("{{artifact}}", artifact),
            ("{{sdk_path}}", checkout.join("sdk").display().to_string()),
            (
                "{{sdk_features}}",
                match wit {
                    ScaffoldWit::V0_1 => String::new(),
                    ScaffoldWit::V0_2 => ", features = [\"wit-0-2\"]".to_string(),
                },
            ),
            ("{{tools_dir}}", tools),
        ];
        Values { pairs }
    }

    fn render(&self, text: &str) -> String {
        self.pairs
            .iter()
            .fold(text.to_string(), |text, (placeholder, value)| {
                text.replace(placeholder, value)
            })
    }
}

/// The commands to show after scaffolding.
fn next_steps(lang: Lang, folder: &Path, name: &str) -> String {
    let folder = folder.display();
    match lang {
        Lang::Script => format!(
            "cd {folder} && leadhost plugin test {name}.rhai\n\
             then copy {name}.rhai and {name}.cases.json into an org folder (see README.md)"
        ),
        _ => format!(
            "cd {folder} && ./build.sh && leadhost plugin test {name}.wasm\n\
             then copy {name}.wasm and {name}.cases.json into an org folder (see README.md)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_letters_digits_and_dashes_starting_with_a_letter() {
        for good in ["a", "budget-gate", "route2", &"a".repeat(64)] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "2fast",
            "-x",
            "Budget",
            "budget_gate",
            "a b",
            "../x",
            "é",
            &long,
        ] {
            let error = validate_name(bad).unwrap_err();
            assert!(matches!(error, ScaffoldError::InvalidName { .. }), "{bad}");
        }
        let message = validate_name("Budget").unwrap_err().to_string();
        assert!(
            message.contains("start with a lowercase letter"),
            "{message}"
        );
    }

    #[test]
    fn a_folder_with_something_in_it_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("taken")).unwrap();
        std::fs::write(dir.path().join("taken/notes.txt"), "mine").unwrap();
        let error = scaffold(Lang::Js, Slot::RoutingPolicy, "taken", dir.path()).unwrap_err();
        assert!(matches!(error, ScaffoldError::NotEmpty(_)), "{error}");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("taken"))
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1);

        // A plain file in the way is refused too; an empty folder is used.
        std::fs::write(dir.path().join("file"), "").unwrap();
        let error = scaffold(Lang::C, Slot::NurtureTrack, "file", dir.path()).unwrap_err();
        assert!(matches!(error, ScaffoldError::NotEmpty(_)), "{error}");
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        scaffold(Lang::Script, Slot::NurtureTrack, "empty", dir.path()).unwrap();
    }

    #[test]
    fn every_language_and_slot_has_every_placeholder_replaced() {
        let dir = tempfile::tempdir().unwrap();
        for lang in Lang::ALL {
            for slot in Slot::ALL {
                let name = format!("{lang:?}-{}", slot.export()).to_lowercase();
                // A duplicate rule: in Rust for 0.2 only, refused otherwise.
                let wit = match (lang, slot) {
                    (Lang::Rust, Slot::DuplicateRule) => ScaffoldWit::V0_2,
                    (_, Slot::DuplicateRule) => {
                        let refused = scaffold(lang, slot, &name, dir.path()).unwrap_err();
                        assert!(
                            matches!(refused, ScaffoldError::NoDuplicateRuleScaffold),
                            "{refused}"
                        );
                        continue;
                    }
                    _ => ScaffoldWit::V0_1,
                };
                let made = scaffold_for(lang, slot, wit, &name, dir.path()).unwrap();
                assert!(
                    made.files
                        .contains(&made.folder.join(format!("{name}.cases.json")))
                );
                assert!(made.files.contains(&made.folder.join("README.md")));
                let distinct: std::collections::BTreeSet<_> = made.files.iter().collect();
                assert_eq!(
                    distinct.len(),
                    made.files.len(),
                    "{name}: two files on one path"
                );
                for file in &made.files {
                    let text = std::fs::read_to_string(file).unwrap();
                    let path = file.display().to_string();
                    assert!(
                        !text.contains("{{") && !path.contains("{{"),
                        "{path} keeps a placeholder"
                    );
                }
                let build = made.folder.join("build.sh");
                assert_eq!(build.exists(), lang != Lang::Script, "{name}");
                #[cfg(unix)]
                if lang != Lang::Script {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&build).unwrap().permissions().mode();
                    assert_eq!(mode & 0o777, 0o755, "{name}");
                }
            }
        }
    }
}
