//! Uploads (and rollbacks, see `rollback.rs`): both write into the org's
//! folder and then reload it, the same path a file drop takes, under the org's reload lock so the
//! watcher cannot take the change for a plain file edit.

use super::cases::SampleCase;
use super::check::CheckFailure;
use super::loader::{LoadError, PluginLoader, SlotOutcome};
use super::org_file::{OrgFile, OrgFileError};
use super::{Refusal, folder::write_atomically};
use crate::model::Config;
use crate::runtime::{Cancel, ContentHash, Slot};
use crate::store::{Activation, PluginVersion};

/// An upload or rollback was not done.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// The component was refused; the previous version keeps serving.
    #[error("{}", .0.reason)]
    Refused(Refusal),
    /// The check failed on the host's load at that moment (a deadline, no
    /// instance slot free), not on the component: nothing was refused or
    /// changed, and the same upload may pass when sent again.
    #[error("the check could not finish now ({0}); nothing was changed: send it again shortly")]
    Interrupted(String),
    /// The name cannot be a file name.
    #[error("`{0}` is not a plug-in name: use 1 to 64 letters, digits, `-` or `_`")]
    BadName(String),
    /// Writing it would take the org's plug-in files past its share of the
    /// disk (`[limits] org_disk_mib`); nothing was written.
    #[error(
        "the org's plug-in files take {} KiB and this adds {} KiB, past its bound of {} MiB (`[limits] org_disk_mib`); nothing was written",
        .used >> 10, .adding.div_ceil(1024), .limit >> 20
    )]
    OrgDiskFull {
        /// Bytes taken now.
        used: u64,
        /// Bytes this would add.
        adding: u64,
        /// The bound.
        limit: u64,
    },
    /// A config given over the API is larger than a slot's config may be.
    #[error("the config is {bytes} bytes as JSON; a slot's config is at most {limit} bytes")]
    ConfigTooLarge {
        /// Its size as JSON.
        bytes: usize,
        /// [`MAX_CONFIG_BYTES`].
        limit: usize,
    },
    /// The name's file serves another slot of the org.
    #[error("`{file}` is the org's {slot} plug-in: give this one another name")]
    NameTaken {
        /// The file name.
        file: String,
        /// The slot it serves.
        slot: Slot,
    },
    /// The text cannot name a version.
    #[error(
        "`{0}` does not name a version: give a prefix of its hash and, to pick one of its configs, `:` and a prefix of its `config_digest` (each 1 to 64 hex digits, e.g. `cc1a7bf2` or `cc1a7bf2:9e01`)"
    )]
    BadVersion(String),
    /// No version of the slot matches.
    #[error("no version of {slot} matches `{prefix}`")]
    UnknownVersion {
        /// The slot.
        slot: Slot,
        /// The prefix asked for.
        prefix: String,
    },
    /// More than one version matches.
    #[error("`{prefix}` matches {count} versions of {slot}: give more of the hash")]
    AmbiguousVersion {
        /// The slot.
        slot: Slot,
        /// The prefix asked for.
        prefix: String,
        /// How many matched.
        count: usize,
    },
    /// Sample cases that cannot be read, or that the plug-in fails.
    #[error("sample cases: {0}")]
    Cases(String),
    /// The slot has no plug-in serving (for its cases).
    #[error("nothing serves {0}")]
    EmptySlot(Slot),
    /// The slot has no shadow running to promote.
    #[error(
        "{0} has no shadow running to promote: name one with `shadow = \"candidate.wasm\"` in its `[plugins.{0}]` entry of org.toml (GET …/plugins/{0}/shadow says why one is refused)"
    )]
    NoShadow(Slot),
    /// The shadow's file was replaced since it started shadowing.
    #[error(
        "{file} changed since it started shadowing (as {shadowed}): its shadow decisions are another version's; let the new one shadow first"
    )]
    ShadowChanged {
        /// The file.
        file: String,
        /// The hash that shadowed.
        shadowed: String,
    },
    /// `org.toml` is broken: fix it first.
    #[error("org.toml cannot be used, so nothing was changed; fix it first ({0})")]
    OrgFile(#[from] OrgFileError),
    /// Files or the store failed.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// The largest config a slot takes over the API, as JSON: 16 KiB. A rule's
/// config is a few thresholds and lists; more would only grow `org.toml`
/// (read at most 1 MiB) and every version's record.
pub const MAX_CONFIG_BYTES: usize = 16 << 10;

/// What an upload or a rollback puts in place.
pub(super) struct Place<'a> {
    /// The plug-in's name (its file's stem, or a script's file name).
    pub name: &'a str,
    /// The component (or script).
    pub bytes: &'a [u8],
    /// Why it is put in place.
    pub how: Activation,
    /// The config it serves with; `None`: the config its plug-in has.
    pub config: Option<Config>,
    /// What happens to its sample cases.
    pub cases: CasesChange<'a>,
}

/// What an upload or a rollback does to the plug-in's sample cases file.
pub(super) enum CasesChange<'a> {
    /// Checked against the folder's cases file, which stays as it is.
    Keep,
    /// Checked against these (the text and its cases), which replace the
    /// folder's only if it passes: an upload's own, or a rolled-back
    /// version's kept ones.
    Write(&'a [u8], Vec<SampleCase>),
    /// Checked with no cases, and the folder's cases file (a later
    /// build's, which this version never passed) removed: a rollback to a
    /// version that had none. Nothing is lost: every version's cases are
    /// kept with it.
    Remove,
}

/// Whether `name` can name a plug-in (and its file).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl PluginLoader {
    /// Checks `bytes` for `org`'s `slot`; only if they pass, writes them
    /// into the folder as `<name>.wasm`, points `org.toml` at them and
    /// reloads. A refused upload touches no file.
    pub fn install(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
    ) -> Result<PluginVersion, InstallError> {
        self.install_with(org, slot, name, bytes, &Cancel::new())
    }

    /// [`PluginLoader::install`] for a request: its compile stops once
    /// `cancel` is cancelled (the request timed out or its client left).
    pub fn install_with(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        cancel: &Cancel,
    ) -> Result<PluginVersion, InstallError> {
        self.install_with_cases(org, slot, name, bytes, None, cancel)
    }

    /// [`PluginLoader::install_with`] bringing the plug-in's sample cases
    /// (`cases`: the text of a cases file, a JSON array): the component is
    /// checked against them, and they replace `<name>.cases.json` only if
    /// it passes.
    pub fn install_with_cases(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        cases: Option<&[u8]>,
        cancel: &Cancel,
    ) -> Result<PluginVersion, InstallError> {
        if !valid_name(name) {
            return Err(InstallError::BadName(name.into()));
        }
        let cases = match cases {
            Some(text) => CasesChange::Write(text, super::sample_cases::parse(text)?),
            None => CasesChange::Keep,
        };
        self.locked(org, || {
            let place = Place {
                name,
                bytes,
                how: Activation::Upload,
                config: None,
                cases,
            };
            self.place(org, slot, place, cancel)
        })
    }

    /// Checks, writes and reloads; the org's lock is held. The version
    /// serves with `config` when given (a rollback's recorded config), else
    /// with the config its plug-in has: the slot's, when `org.toml` names
    /// the same file, else the one it last served with in this slot, else
    /// none. One plug-in's config never goes to another.
    pub(super) fn place(
        &self,
        org: &str,
        slot: Slot,
        Place {
            name,
            bytes,
            how,
            config,
            cases,
        }: Place<'_>,
        cancel: &Cancel,
    ) -> Result<PluginVersion, InstallError> {
        let dir = self.folders.org_dir(org);
        let file = OrgFile::read(&dir)?;
        // A script keeps its own name (`qualify.rhai`); a component's name
        // is its file's stem.
        let component = if super::script::is_script(name) {
            name.to_string()
        } else {
            format!("{name}.wasm")
        };
        // One file, one slot: writing this one would swap another slot's
        // plug-in under it (and the other slot would refuse it).
        if let Some(other) = Slot::ALL.into_iter().find(|other| {
            *other != slot
                && file
                    .plugins
                    .get(*other)
                    .is_some_and(|entry| entry.component == component)
        }) {
            return Err(InstallError::NameTaken {
                file: component,
                slot: other,
            });
        }
        if how == Activation::Upload {
            let adding = bytes.len()
                + match &cases {
                    CasesChange::Write(text, _) => text.len(),
                    _ => 0,
                };
            self.check_quota(org, adding as u64)?;
        }
        if how == Activation::Config {
            let json = serde_json::to_vec(&config).map_or(0, |json| json.len());
            if json > MAX_CONFIG_BYTES {
                return Err(InstallError::ConfigTooLarge {
                    bytes: json,
                    limit: MAX_CONFIG_BYTES,
                });
            }
            // The version's record holds it, and its changes.
            self.check_quota(org, 2 * json as u64)?;
        }
        let entry = file.plugins.get(slot);
        let config = match (config, entry) {
            (Some(config), _) => config,
            (None, Some(entry)) if entry.component == component => entry.config.clone(),
            (None, _) => self.last_config(org, slot, name)?,
        };
        let path = dir.join(&component);
        let checked = self
            .check_with_cases(
                name,
                bytes,
                slot,
                &path,
                &config,
                match &cases {
                    CasesChange::Keep => None,
                    CasesChange::Write(_, cases) => Some(cases.as_slice()),
                    CasesChange::Remove => Some(&[]),
                },
                cancel,
            )
            .and_then(|plugin| {
                self.config_still_answers(org, &plugin, &config)
                    .map(|()| plugin)
            })
            .and_then(|plugin| {
                // Before anything is written: a refused version leaves the
                // folder as it was.
                let max_change = entry.and_then(|entry| entry.max_change);
                self.within_max_change(org, slot, &plugin, &config, max_change)
                    .map(|_| plugin)
            });
        if let Ok(plugin) = &checked {
            // It passed every check: keep its compiled code, so the reload
            // below does not compile it again.
            self.runtime.keep(plugin);
        }
        if let Err(CheckFailure {
            reason,
            transient: true,
        }) = checked
        {
            // Not the component's fault: nothing is refused or remembered,
            // and whoever sent it may send it again shortly.
            return Err(InstallError::Interrupted(reason));
        }
        if let Err(CheckFailure { reason, .. }) = checked {
            let refusal = Refusal {
                name: name.into(),
                hash: ContentHash::of(bytes).to_string(),
                reason,
                at: self.engine.now(),
            };
            let hash = ContentHash::of(bytes);
            // Keyed by the cases that were checked: an upload's own, which
            // were never written, else the folder's.
            let digest = match &cases {
                CasesChange::Write(text, _) => {
                    super::check::checked_digest_of(name, hash, &config, text)
                }
                CasesChange::Remove => super::check::checked_digest_of(name, hash, &config, b""),
                CasesChange::Keep => super::check::checked_digest(name, hash, &config, &path),
            };
            self.engine
                .plugins()
                .refuse(org, slot, refusal.clone(), digest, false);
            return Err(InstallError::Refused(refusal));
        }
        let cases_file = super::cases_path(&path);
        match cases {
            CasesChange::Write(text, _) => {
                write_atomically(&cases_file, text).map_err(LoadError::from)?;
            }
            CasesChange::Remove => match std::fs::remove_file(&cases_file) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(LoadError::from(super::FolderError {
                        path: cases_file,
                        source: error,
                    })
                    .into());
                }
                _ => {}
            },
            CasesChange::Keep => {}
        }
        write_atomically(&path, bytes).map_err(LoadError::from)?;
        let named =
            entry.is_some_and(|entry| entry.component == component && entry.config == config);
        if !named {
            self.folders
                .set_slot_entry(org, slot, &component, &config)
                .map_err(LoadError::from)?;
        }
        let reload = self.reload_locked(org, how)?;
        match reload.slot(slot) {
            Some(SlotOutcome::Activated(version)) => Ok(version.clone()),
            Some(SlotOutcome::Refused(refusal)) => Err(InstallError::Refused(refusal.clone())),
            _ => {
                // Already active with this content: the version serving is
                // the slot's last entry.
                let history = self
                    .engine
                    .store()
                    .plugin_versions(org)
                    .map_err(LoadError::from)?;
                let last = history
                    .into_iter()
                    .rev()
                    .find(|version| version.slot == slot);
                Ok(last.unwrap_or_else(|| PluginVersion {
                    slot,
                    name: name.into(),
                    hash: ContentHash::of(bytes),
                    how,
                    at: self.engine.now(),
                    config_digest: crate::store::config_digest(&config),
                    config,
                    config_changes: Vec::new(),
                    cases_digest: None,
                    impact: None,
                }))
            }
        }
    }

    /// The config `name` last served with in `org`'s `slot`, if recorded.
    fn last_config(&self, org: &str, slot: Slot, name: &str) -> Result<Config, LoadError> {
        let history = self.engine.store().plugin_versions(org)?;
        Ok(history
            .into_iter()
            .rev()
            .find(|version| {
                version.slot == slot && version.name == name && !version.config_digest.is_empty()
            })
            .map(|version| version.config)
            .unwrap_or_default())
    }
}
