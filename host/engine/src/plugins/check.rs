//! What a component must pass before it may serve a slot: it compiles,
//! fills the slot in a supported WIT version, imports only what the host
//! grants, and passes the sample cases beside it (or an upload's own).

use std::path::Path;

use super::cases::{CASES_BUDGET, SampleCase, cases_path, parse_cases, run_cases_within};
use super::folder::{CASES_MAX, read_org_file};
use super::loader::PluginLoader;
use crate::model::Config;
use crate::runtime::{Cancel, ContentHash, Plugin, Slot};

/// Why a component did not pass its check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct CheckFailure {
    /// What failed, for the refusal (`sample case 2 failed: …`).
    pub reason: String,
    /// It failed on the host's load at that moment (a deadline, no
    /// instance slot free, an interrupted compile), not on what the
    /// component does: the same content may pass when checked again.
    pub transient: bool,
}

impl CheckFailure {
    fn lasting(reason: String) -> Self {
        CheckFailure {
            reason,
            transient: false,
        }
    }
}

impl PluginLoader {
    /// Everything a component must pass before it may serve: it compiles,
    /// fills `slot` in a supported WIT version, imports only what the host
    /// grants, and passes its sample cases under `config` within
    /// [`CASES_BUDGET`]: `cases` when given (an upload's own, or none),
    /// else the cases file beside `path`. A compile still running when
    /// `cancel` is cancelled is stopped.
    #[allow(clippy::too_many_arguments, reason = "the check's inputs, each named")]
    pub fn check_with_cases(
        &self,
        name: &str,
        bytes: &[u8],
        slot: Slot,
        path: &Path,
        config: &Config,
        cases: Option<&[SampleCase]>,
        cancel: &Cancel,
    ) -> Result<Plugin, CheckFailure> {
        tracing::debug!(name, %slot, "checking a version");
        let plugin = super::script::load_plugin_with(
            &self.runtime,
            name,
            bytes,
            Some(slot),
            config,
            self.max_script_bytes,
            cancel,
        )
        .map_err(|error| CheckFailure {
            reason: error.cause.to_string(),
            transient: error.cause.is_transient(),
        })?;
        tracing::debug!(name, %slot, "loaded; running its sample cases");
        let file = cases_path(path);
        let cases = match cases {
            Some(cases) => Some(cases.to_vec()),
            // Read as any file of the folder is (no link, no pipe,
            // bounded), once: the bytes read are the bytes checked.
            None if file.exists() => {
                let text = read_org_file(&file, CASES_MAX).map_err(|error| {
                    CheckFailure::lasting(format!("{}: {error}", file.display()))
                })?;
                let cases = parse_cases(&file, &text)
                    .map_err(|error| CheckFailure::lasting(error.to_string()))?;
                Some(cases)
            }
            None => None,
        };
        if let Some(cases) = cases {
            let results = run_cases_within(&plugin, &cases, config, CASES_BUDGET);
            if let Some(failed) = results.iter().find(|result| result.failure.is_some()) {
                let guest = match failed.guest.as_slice() {
                    [] => String::new(),
                    lines => format!("; guest: {}", lines.join(" | ")),
                };
                return Err(CheckFailure {
                    reason: format!(
                        "sample {} failed: {}{guest}",
                        failed.label(),
                        failed.failure.as_deref().unwrap_or_default()
                    ),
                    transient: failed.transient,
                });
            }
            under_org_config(&plugin, &cases, config)?;
        }
        Ok(plugin)
    }
}

/// A case that brings its own config tests the plug-in, not the org's
/// config: its input is run once more under `config` (the org's), and the
/// plug-in must answer it — any answer, since the case's expectation was
/// written for its own config. Else a config the plug-in cannot read
/// (`min-budget = "lots"`) would pass and send every lead to review.
fn under_org_config(
    plugin: &Plugin,
    cases: &[SampleCase],
    config: &Config,
) -> Result<(), CheckFailure> {
    let with_own_config: Vec<(usize, SampleCase)> = cases
        .iter()
        .enumerate()
        .filter(|(_, case)| case.malformed.is_none())
        .filter_map(|(index, case)| {
            let mut input = case.input.clone();
            let own = input.as_object_mut()?.remove("config")?;
            (!own.is_null()).then(|| {
                let case = SampleCase {
                    input,
                    ..case.clone()
                };
                (index, case)
            })
        })
        .collect();
    let inputs: Vec<SampleCase> = with_own_config
        .iter()
        .map(|(_, case)| case.clone())
        .collect();
    let results = run_cases_within(plugin, &inputs, config, CASES_BUDGET);
    for ((index, case), result) in with_own_config.iter().zip(&results) {
        if let Err(error) = &result.answer {
            return Err(CheckFailure {
                reason: format!(
                    "sample {} under the org's config (not its own) does not answer: {error}",
                    super::cases::case_label(index + 1, &case.name)
                ),
                transient: result.transient,
            });
        }
    }
    Ok(())
}

/// The digest of everything a slot's check depends on: the name, the
/// component, the config and the sample cases beside it (unreadable cases
/// count as none: reading them again is part of the check).
pub(super) fn checked_digest(
    name: &str,
    component: ContentHash,
    config: &Config,
    path: &Path,
) -> ContentHash {
    let cases = read_org_file(&cases_path(path), CASES_MAX).unwrap_or_default();
    checked_digest_of(name, component, config, &cases)
}

/// [`checked_digest`] of the cases text `cases` (an upload's own).
pub(super) fn checked_digest_of(
    name: &str,
    component: ContentHash,
    config: &Config,
    cases: &[u8],
) -> ContentHash {
    let config = serde_json::to_vec(config).unwrap_or_default();
    let mut all = Vec::with_capacity(name.len() + 64 + config.len() + cases.len() + 16);
    for part in [name.as_bytes(), component.as_bytes(), &config, cases] {
        all.extend_from_slice(&(part.len() as u64).to_be_bytes());
        all.extend_from_slice(part);
    }
    ContentHash::of(&all)
}

impl PluginLoader {
    /// A config change must not leave the plug-in unable to decide what it
    /// decided before: when `plugin` is the component serving `org`'s
    /// `slot` and `config` is new, the slot's example input (with no config
    /// of its own) is run under the serving config and under `config`; if
    /// it answered before and does not now, the change is refused. A
    /// plug-in that never answered it (a test fixture that always traps)
    /// is not judged by it.
    pub(super) fn config_still_answers(
        &self,
        org: &str,
        plugin: &Plugin,
        config: &Config,
    ) -> Result<(), CheckFailure> {
        let slot = plugin.slot();
        let Some(serving) = self.registry().active(org, slot) else {
            return Ok(());
        };
        if serving.plugin.id() != plugin.id() || serving.config == *config {
            return Ok(());
        }
        let example = crate::builtin::sample_input(slot);
        let mut input: serde_json::Value =
            serde_json::from_str(example).expect("the example inputs are JSON");
        if let Some(input) = input.as_object_mut() {
            input.remove("config");
        }
        let case = [SampleCase {
            name: "the slot's example input".into(),
            input,
            expect: serde_json::json!({}),
            malformed: None,
        }];
        let before = run_cases_within(plugin, &case, &serving.config, CASES_BUDGET);
        if before.iter().any(|result| result.answer.is_err()) {
            return Ok(());
        }
        let after = run_cases_within(plugin, &case, config, CASES_BUDGET);
        match after.first() {
            Some(result) if result.answer.is_err() => Err(CheckFailure {
                reason: format!(
                    "under the new config it no longer answers the slot's example input, which it answered under the config serving: {}",
                    result
                        .answer
                        .as_ref()
                        .err()
                        .map(String::as_str)
                        .unwrap_or_default()
                ),
                transient: result.transient,
            }),
            _ => Ok(()),
        }
    }
}
