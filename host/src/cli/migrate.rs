//! `leadhost migrate --from sled:DIR --to postgres://…`: copies an embedded
//! store into PostgreSQL, org by org, each in one transaction, then checks
//! the count of every kind of record on both sides.
//!
//! Safe to run again: an org already copied is counted, not copied twice
//! (its `sled_copies` row says so), and a copy that stopped part-way left
//! nothing behind. An org the database made itself is never written over.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::MigrateArgs;
use crate::store::export::{Counts, Kind};
use crate::store::{SledStore, StoreError};
use leadhost_store_postgres::{CopyState, PostgresStore, redact};

/// `migrate` failed before or while copying.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// `--from` is not `sled:DIR`.
    #[error(
        "--from `{0}`: expected `sled:DIR`, DIR a data folder (holding store/) or a sled store's folder"
    )]
    Source(String),
    /// The folder holds no sled store.
    #[error("--from {}: no leadhost store there (neither {}/store nor a sled store's own files)", .0.display(), .0.display())]
    NoStore(PathBuf),
    /// The sled store could not be opened (in use by a running server, ...).
    #[error("--from {path}: {source}")]
    Open {
        /// The folder.
        path: String,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// The database could not be reached, or its schema is newer.
    #[error("--to {url}: {source}")]
    Database {
        /// The URL, its password hidden.
        url: String,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// Reading or writing failed part-way (the org being copied is left
    /// out whole: run again).
    #[error("copying org {org}: {source}")]
    Copy {
        /// The org.
        org: String,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// Some orgs were not copied or did not verify (the report says which).
    #[error("{0}")]
    Incomplete(String),
}

/// What `migrate` did, org by org.
#[derive(Debug, Serialize)]
pub struct MigrateReport {
    /// The sled store copied.
    pub from: String,
    /// The database, its password hidden.
    pub to: String,
    /// Admin tokens (of no org) new to the database.
    pub admin_tokens_copied: u64,
    /// Each org of the sled store, in id order.
    pub orgs: Vec<OrgReport>,
    /// Plug-in files (components, sample cases) the copied versions name,
    /// put in the database from the data folder's kept copies, so a host
    /// on a data folder of its own can serve them.
    pub plugin_files: PluginFiles,
}

/// The plug-in files of the copied orgs' versions.
#[derive(Debug, Default, Serialize)]
pub struct PluginFiles {
    /// Put in the database (once each; already there counts too).
    pub copied: u64,
    /// Named by a version but absent from the data folder (and not
    /// first-party, which every host has): a host without them cannot
    /// take up that version. Digests, in order.
    pub missing: Vec<String>,
}

/// What became of one org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Copied now.
    Copied,
    /// Copied by an earlier run from this store: counted, not copied.
    AlreadyCopied,
    /// Not copied: the database holds it from elsewhere.
    Refused,
}

/// One org's copy.
#[derive(Debug, Serialize)]
pub struct OrgReport {
    /// The org.
    pub org: String,
    /// `copied`, `already-copied` or `refused` ([`Outcome`]).
    pub outcome: Outcome,
    /// Why an org was not copied now: when and from where an earlier run
    /// copied it, or why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether every kind's counts agree: a fresh copy must (`false`
    /// fails the command); `null` for an org an earlier run copied, whose
    /// counts are shown but not judged (the hosts serving it change them);
    /// `false` for one refused.
    pub verified: Option<bool>,
    /// Per kind of record: rows in sled and in PostgreSQL.
    pub counts: Vec<KindCount>,
}

/// One kind's counts on both sides.
#[derive(Debug, Serialize)]
pub struct KindCount {
    /// The kind (the PostgreSQL table's name).
    pub kind: &'static str,
    /// Rows in the sled store.
    pub sled: u64,
    /// Rows in the database.
    pub postgres: u64,
}

/// Copies what `args` names; the report comes back even when some orgs
/// were refused or did not verify, with [`MigrateError::Incomplete`] after
/// it (the caller prints the one, then fails with the other).
pub fn migrate(args: &MigrateArgs) -> Result<(MigrateReport, Option<MigrateError>), MigrateError> {
    let folder = args
        .from
        .strip_prefix("sled:")
        .filter(|folder| !folder.is_empty())
        .ok_or_else(|| MigrateError::Source(args.from.clone()))?;
    let path = store_folder(Path::new(folder))?;
    let sled = SledStore::open(&path, crate::store::Durability::Flush).map_err(|source| {
        MigrateError::Open {
            path: path.display().to_string(),
            source,
        }
    })?;
    let database = PostgresStore::open(&args.to).map_err(|source| MigrateError::Database {
        url: redact(&args.to),
        source,
    })?;
    let source_name = std::fs::canonicalize(&path)
        .unwrap_or(path.clone())
        .display()
        .to_string();
    let mut orgs: Vec<String> = crate::store::Store::orgs(&sled)
        .map_err(|source| MigrateError::Open {
            path: source_name.clone(),
            source,
        })?
        .into_iter()
        .map(|org| org.id)
        .filter(|org| args.orgs.is_empty() || args.orgs.contains(org))
        .collect();
    orgs.sort();
    if let Some(missing) = args.orgs.iter().find(|org| !orgs.contains(org)) {
        return Err(MigrateError::Incomplete(format!(
            "--org {missing}: no such org in {source_name}"
        )));
    }
    let mut admin = Vec::new();
    sled.export_tokens(&mut |hash, token, value| {
        if token.org.is_none() {
            admin.push((hash, value));
        }
        Ok(())
    })
    .map_err(|source| MigrateError::Open {
        path: source_name.clone(),
        source,
    })?;
    let admin_tokens_copied =
        database
            .copy_tokens(admin)
            .map_err(|source| MigrateError::Database {
                url: redact(&args.to),
                source,
            })?;
    let mut report = MigrateReport {
        from: source_name.clone(),
        to: redact(&args.to),
        admin_tokens_copied,
        orgs: Vec::new(),
        plugin_files: PluginFiles::default(),
    };
    for org in &orgs {
        report
            .orgs
            .push(copy_org(&sled, &database, org, &source_name)?);
    }
    let copied: Vec<&str> = report
        .orgs
        .iter()
        .filter(|org| org.outcome != Outcome::Refused)
        .map(|org| org.org.as_str())
        .collect();
    report.plugin_files =
        copy_plugin_files(&sled, &database, &path, &copied).map_err(|source| {
            MigrateError::Database {
                url: redact(&args.to),
                source,
            }
        })?;
    let failed: Vec<String> = report
        .orgs
        .iter()
        .filter(|org| {
            org.outcome == Outcome::Refused
                || (org.outcome == Outcome::Copied && org.verified != Some(true))
        })
        .map(|org| match org.outcome {
            Outcome::Refused => format!("{} (refused)", org.org),
            _ => format!("{} (not verified)", org.org),
        })
        .collect();
    let incomplete = (!failed.is_empty()).then(|| {
        MigrateError::Incomplete(format!(
            "not copied or not verified: {} (see the report)",
            failed.join(", ")
        ))
    });
    Ok((report, incomplete))
}

/// Puts in the database the kept copies (`<data>/components/`, beside the
/// store's folder) of every component and sample-cases text the versions
/// of `orgs` name; first-party components are in every host's binary.
fn copy_plugin_files(
    sled: &SledStore,
    database: &PostgresStore,
    store: &Path,
    orgs: &[&str],
) -> Result<PluginFiles, StoreError> {
    let kept = store.parent().unwrap_or(store).join("components");
    let first_party: Vec<String> = crate::builtin::ALL
        .iter()
        .chain(&crate::builtin::OTHER_ROUTING_POLICIES)
        .map(|builtin| crate::runtime::ContentHash::of(builtin.bytes).to_string())
        .collect();
    let mut wanted = std::collections::BTreeSet::new();
    for org in orgs {
        for version in crate::store::Store::plugin_versions(sled, org)? {
            let hash = version.hash.to_string();
            if !first_party.contains(&hash) {
                wanted.insert((hash.clone(), kept.join(format!("{hash}.wasm"))));
            }
            if let Some(digest) = version.cases_digest.filter(|digest| !digest.is_empty()) {
                let path = kept.join(format!("{digest}.cases.json"));
                wanted.insert((digest, path));
            }
        }
    }
    let mut files = PluginFiles::default();
    for (digest, path) in wanted {
        match std::fs::read(&path) {
            Ok(bytes) if crate::runtime::ContentHash::of(&bytes).to_string() == digest => {
                crate::store::Store::put_plugin_file(database, &digest, &bytes)?;
                files.copied += 1;
            }
            _ => files.missing.push(digest),
        }
    }
    Ok(files)
}

/// The sled store's own folder: DIR/store for a data folder, else DIR.
fn store_folder(folder: &Path) -> Result<PathBuf, MigrateError> {
    let nested = folder.join("store");
    if nested.join("conf").is_file() {
        return Ok(nested);
    }
    if folder.join("conf").is_file() {
        return Ok(folder.to_path_buf());
    }
    Err(MigrateError::NoStore(folder.to_path_buf()))
}

/// Copies (or, copied before, counts) one org.
fn copy_org(
    sled: &SledStore,
    database: &PostgresStore,
    org: &str,
    source: &str,
) -> Result<OrgReport, MigrateError> {
    let failed = |source| MigrateError::Copy {
        org: org.to_string(),
        source,
    };
    let mut in_sled = Counts::default();
    sled.export_org(org, &mut |row| {
        in_sled.add(row.kind());
        Ok(())
    })
    .map_err(failed)?;
    let state = database.copy_state(org).map_err(failed)?;
    let (outcome, note) = match state {
        CopyState::Present => (
            Outcome::Refused,
            Some(
                "the database holds an org of this id that no copy made: it is never \
                 written over (name the other orgs with --org to copy them alone, or remove it from the database)"
                    .to_string(),
            ),
        ),
        CopyState::Copied {
            source: copied_from,
            at,
        } if copied_from != source => (
            Outcome::Refused,
            Some(format!(
                "copied at {} from another store, {copied_from}: two stores never \
                 merge into one org (name the other orgs with --org to copy them alone)",
                at.to_rfc3339()
            )),
        ),
        CopyState::Copied { source, at } => (
            Outcome::AlreadyCopied,
            Some(format!(
                "copied at {} from {source}; counted, not copied again (the hosts may \
                 have changed it since)",
                at.to_rfc3339()
            )),
        ),
        CopyState::Absent => {
            let progress = ProgressBar::new(in_sled.total()).with_style(
                ProgressStyle::with_template("{prefix} {bar:40} {pos}/{len} records ({eta})")
                    .expect("a valid template"),
            );
            progress.set_prefix(org.to_string());
            database
                .copy_org(
                    org,
                    source,
                    |visit| sled.export_org(org, visit),
                    &mut |sent| progress.set_position(sent),
                )
                .map_err(failed)?;
            progress.finish_and_clear();
            (Outcome::Copied, None)
        }
    };
    let in_database = match outcome {
        Outcome::Refused => Counts::default(),
        _ => database.counts(org).map_err(failed)?,
    };
    let counts: Vec<KindCount> = Kind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind: kind.name(),
            sled: in_sled.of(kind),
            postgres: in_database.of(kind),
        })
        .collect();
    Ok(OrgReport {
        org: org.to_string(),
        outcome,
        note,
        verified: match outcome {
            Outcome::Copied => Some(counts.iter().all(|count| count.sled == count.postgres)),
            Outcome::Refused => Some(false),
            // Counted, not checked: the hosts may have changed it since.
            _ => None,
        },
        counts,
    })
}
