//! Rollback: the one way back to an earlier version of an org's slot, for
//! the API and the CLI alike. The version is named by a prefix of its hash,
//! matched against that org's and slot's history only; its kept copy goes
//! the way of an upload (checked, written into the org's folder, reloaded).
//!
//! A `leadhost plugin rollback` run while a server holds the store cannot
//! read the history itself, so it leaves a request in the org's folder
//! (`rollback-<slot>.request`, holding the prefix); the server's watcher
//! sees it, runs this same rollback and answers in a hidden result file
//! (`.rollback-<slot>.result`) that the command waits for.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::folder::{FolderError, OrgFolders, write_atomically};
use super::install::{CasesChange, InstallError, Place};
use super::loader::{LoadError, PluginLoader};
use crate::model::{ContentHash, Slot};
use crate::runtime::Cancel;
use crate::store::{Activation, PluginVersion};

/// The one version of `slot` in `history` named by `to`: a prefix of its
/// component's hash, optionally followed by `:` and a prefix of its
/// `config_digest` (`cc1a7bf2:9e01`), case and surrounding spaces ignored.
/// A component that served under several configs is named by its latest
/// one unless the config is given.
///
/// Errors: [`InstallError::BadVersion`] for text that is not that,
/// [`InstallError::UnknownVersion`] when no version matches,
/// [`InstallError::AmbiguousVersion`] when several different versions do.
pub fn pick_version(
    history: &[PluginVersion],
    slot: Slot,
    to: &str,
) -> Result<PluginVersion, InstallError> {
    let to = to.trim().to_ascii_lowercase();
    let (hash, config) = parse_version(&to).ok_or_else(|| InstallError::BadVersion(to.clone()))?;
    let mut matching: Vec<&PluginVersion> = history
        .iter()
        .filter(|version| {
            version.slot == slot
                && version.hash.to_string().starts_with(hash)
                && config.is_none_or(|config| {
                    !version.config_digest.is_empty() && version.config_digest.starts_with(config)
                })
        })
        .collect();
    // The latest entry names a version (a version may come back).
    matching.reverse();
    let mut versions: Vec<(ContentHash, &str)> = matching
        .iter()
        .map(|version| match config {
            Some(_) => (version.hash, version.config_digest.as_str()),
            None => (version.hash, ""),
        })
        .collect();
    versions.sort_unstable();
    versions.dedup();
    match (versions.len(), matching.first()) {
        (0, _) | (_, None) => Err(InstallError::UnknownVersion { slot, prefix: to }),
        (1, Some(version)) => Ok((*version).clone()),
        (count, _) => Err(InstallError::AmbiguousVersion {
            slot,
            prefix: to,
            count,
        }),
    }
}

/// Longest version reference: a whole sha256 in hex, `:`, a whole config
/// digest.
const REFERENCE_MAX: usize = 64 + 1 + 64;

/// `HASH[:CONFIG]`, each 1 to 64 hex digits (already trimmed and lower-cased).
fn parse_version(to: &str) -> Option<(&str, Option<&str>)> {
    let hex = |part: &str| {
        (1..=64).contains(&part.len()) && part.bytes().all(|byte| byte.is_ascii_hexdigit())
    };
    match to.split_once(':') {
        Some((hash, config)) if hex(hash) && hex(config) => Some((hash, Some(config))),
        None if hex(to) => Some((to, None)),
        _ => None,
    }
}

impl PluginLoader {
    /// Makes the version of `org`'s `slot` named by `prefix` (see
    /// [`pick_version`]) active again, from its kept copy, under its
    /// recorded name, with its recorded config.
    ///
    /// Errors: those of [`pick_version`]; [`InstallError::Refused`] when the
    /// version no longer loads; files or the store failing.
    pub fn rollback(
        &self,
        org: &str,
        slot: Slot,
        prefix: &str,
    ) -> Result<PluginVersion, InstallError> {
        self.locked(org, || self.rollback_locked(org, slot, prefix))
    }

    /// [`PluginLoader::rollback`], the org's lock already held.
    pub(super) fn rollback_locked(
        &self,
        org: &str,
        slot: Slot,
        prefix: &str,
    ) -> Result<PluginVersion, InstallError> {
        let history = self
            .engine
            .store()
            .plugin_versions(org)
            .map_err(LoadError::from)?;
        let version = pick_version(&history, slot, prefix)?;
        let bytes = self.kept_copy(&version.hash)?;
        // Exactly the recorded version: its name, its component, the
        // config it served with (when its entry recorded one) and the
        // sample cases it passed (when recorded; a later build's cases in
        // the folder may not fit it).
        let config = (!version.config_digest.is_empty()).then(|| version.config.clone());
        let cases_text = match version.cases_digest.as_deref() {
            Some(digest) if !digest.is_empty() => Some(self.kept_cases_copy(digest)?),
            _ => None,
        };
        let cases = match (version.cases_digest.as_deref(), &cases_text) {
            (_, Some(text)) => CasesChange::Write(text, super::sample_cases::parse(text)?),
            (Some(_), None) => CasesChange::Remove,
            (None, _) => CasesChange::Keep,
        };
        let place = Place {
            name: &version.name,
            bytes: &bytes,
            how: Activation::Rollback,
            config,
            cases,
        };
        self.place(org, slot, place, &Cancel::new())
    }

    /// Runs the rollbacks requested in `org`'s folder by a command that
    /// could not open the store, and answers each in its result file; the
    /// org's lock is held.
    pub(super) fn answer_rollback_requests_locked(&self, org: &str) {
        for slot in Slot::ALL {
            let request = request_path(&self.folders, org, slot);
            // Only a regular file (not a symlink, a FIFO or a device),
            // read no further than a request can be long.
            let regular = std::fs::symlink_metadata(&request).is_ok_and(|meta| meta.is_file());
            if !regular {
                if let Ok(meta) = std::fs::symlink_metadata(&request) {
                    let removed = if meta.is_dir() {
                        std::fs::remove_dir(&request)
                    } else {
                        std::fs::remove_file(&request)
                    };
                    match removed {
                        Ok(()) => {
                            tracing::warn!(org, %slot, "a rollback request that is not a regular file; removed")
                        }
                        Err(error) => {
                            tracing::debug!(org, %slot, %error, "a rollback request that is not a regular file, left in place")
                        }
                    }
                }
                continue;
            }
            let prefix = read_request(&request);
            if let Err(error) = std::fs::remove_file(&request) {
                tracing::warn!(org, %slot, %error, "cannot remove a rollback request");
                continue;
            }
            let answer = match prefix {
                Some(prefix) => match self.rollback_locked(org, slot, &prefix) {
                    Ok(version) => RollbackAnswer::Done(Box::new(version)),
                    Err(error) => RollbackAnswer::Refused(error.to_string()),
                },
                None => RollbackAnswer::Refused(
                    "a rollback request holds a version as `HASH[:CONFIG]`: a prefix of its hash and, optionally, of its config digest, each 1 to 64 hex digits".into(),
                ),
            };
            let text = serde_json::to_vec(&answer).expect("an answer is JSON");
            let result = result_path(&self.folders, org, slot);
            if let Err(error) = write_atomically(&result, &text) {
                tracing::error!(org, %slot, %error, "cannot answer a rollback request");
            }
        }
    }
}

/// How a server answered a rollback request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RollbackAnswer {
    /// The version now active.
    Done(Box<PluginVersion>),
    /// Why not: the rollback's own error message.
    Refused(String),
}

/// A rollback request found no server to answer it, or its files failed.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The request or the answer could not be written or read.
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// Nothing answered in time; the request is withdrawn.
    #[error(
        "no server answered the rollback request within {} s; is a server watching {}?",
        .waited.as_secs(),
        .folder.display()
    )]
    NoAnswer {
        /// How long it waited.
        waited: Duration,
        /// The org's folder.
        folder: PathBuf,
    },
}

/// Asks the server watching `folders` to roll `org`'s `slot` back to the
/// version named by `prefix`, and waits up to `wait` for its answer.
pub fn request_rollback(
    folders: &OrgFolders,
    org: &str,
    slot: Slot,
    prefix: &str,
    wait: Duration,
) -> Result<RollbackAnswer, RequestError> {
    let result = result_path(folders, org, slot);
    let _ = std::fs::remove_file(&result);
    let request = request_path(folders, org, slot);
    write_atomically(&request, prefix.trim().as_bytes())?;
    let deadline = Instant::now() + wait;
    loop {
        if let Ok(text) = std::fs::read(&result) {
            let _ = std::fs::remove_file(&result);
            return serde_json::from_slice(&text).map_err(|error| {
                FolderError {
                    path: result.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
                }
                .into()
            });
        }
        if Instant::now() >= deadline {
            let _ = std::fs::remove_file(&request);
            return Err(RequestError::NoAnswer {
                waited: wait,
                folder: folders.org_dir(org),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The version reference a request file holds: `HASH[:CONFIG]` as
/// [`pick_version`] reads it, at most [`REFERENCE_MAX`] bytes (surrounding
/// white space ignored); `None` for anything else, which is never read
/// past a few bytes more than the longest reference.
fn read_request(path: &std::path::Path) -> Option<String> {
    // Checked on the file opened, not on its name: a tenant can swap the
    // name between a check and an open (a FIFO would hold a reload worker
    // for good, a link would read a file outside the folder).
    let bytes = super::folder::read_org_file(path, REFERENCE_MAX as u64 + 16).ok()?;
    let to = std::str::from_utf8(&bytes)
        .ok()?
        .trim()
        .to_ascii_lowercase();
    parse_version(&to).is_some().then_some(to)
}

fn request_path(folders: &OrgFolders, org: &str, slot: Slot) -> PathBuf {
    folders
        .org_dir(org)
        .join(format!("rollback-{slot}.request"))
}

fn result_path(folders: &OrgFolders, org: &str, slot: Slot) -> PathBuf {
    folders
        .org_dir(org)
        .join(format!(".rollback-{slot}.result"))
}

#[cfg(test)]
mod tests;
