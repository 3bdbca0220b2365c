//! Opening the sled store: its settings, its trees, and the indexes an
//! earlier release did not keep.

use std::path::Path;
use std::sync::Arc;

use sled::Tree;

use super::{LEAD_SUMMARIES, LEADS, SCHEDULE, SCHEDULE_BY_ORG, Shared, SledStore, TREES, keys};
use crate::LeadRecord;
use crate::StoreError;
use crate::codec::{decode, encode};
use crate::lead_ids::LeadNumbers;
use crate::options::{Durability, SledOptions};

impl SledStore {
    /// Opens (or creates) the store in `path`, compressed.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, StoreError> {
        SledStore::open_with(
            path,
            SledOptions {
                durability,
                ..SledOptions::default()
            },
        )
    }

    /// Opens (or creates) the store in `path` with `options`.
    pub fn open_with(path: &Path, options: SledOptions) -> Result<Self, StoreError> {
        let durability = options.durability;
        let db = sled::Config::new()
            .path(path)
            .use_compression(options.compression)
            .cache_capacity(options.cache_bytes)
            .compression_factor(1)
            .open()
            .map_err(|error| match error {
                // sled reports its lock held elsewhere as an `Other` I/O
                // error with this text (sled 0.34, `Config::open`).
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("could not acquire lock") =>
                {
                    StoreError::InUse { path: path.into() }
                }
                other => other.into(),
            })?;
        let trees = TREES
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<Result<Vec<_>, _>>()?;
        index_schedule_by_org(&trees)?;
        summarize_leads(&db, &trees)?;
        Ok(SledStore {
            shared: Arc::new(Shared {
                db,
                trees,
                durability,
                group: Arc::default(),
                lead_numbers: LeadNumbers::default(),
                shadow_puts: Default::default(),
            }),
        })
    }
}

/// Builds the by-org index of the schedule for a store written before it
/// existed (both trees are written together from then on).
fn index_schedule_by_org(trees: &[Tree]) -> Result<(), StoreError> {
    let (schedule, by_org) = (&trees[SCHEDULE], &trees[SCHEDULE_BY_ORG]);
    if !by_org.is_empty() || schedule.is_empty() {
        return Ok(());
    }
    for entry in schedule.iter() {
        let (key, value) = entry?;
        let (at, org, lead) = keys::split_wake(&key).ok_or_else(|| StoreError::Corrupt {
            tree: TREES[SCHEDULE],
            detail: "a key that is not `time org \\0 lead`".into(),
        })?;
        by_org.insert(keys::org_wake(at, &org, &lead), value)?;
    }
    by_org.flush()?;
    Ok(())
}

/// The key, in sled's default tree, saying the lead summaries are
/// complete: set once they were built from the leads, or the store began
/// with them.
pub(super) const SUMMARIES_BUILT: &[u8] = b"lead_summaries built";

/// Builds every lead's summary for a store written before summaries
/// existed (a lead's commit writes both from then on). Until the marker is
/// set the tree counts for nothing: a build cut short starts over.
fn summarize_leads(db: &sled::Db, trees: &[Tree]) -> Result<(), StoreError> {
    if db.contains_key(SUMMARIES_BUILT)? {
        return Ok(());
    }
    let (leads, summaries) = (&trees[LEADS], &trees[LEAD_SUMMARIES]);
    summaries.clear()?;
    for entry in leads.iter() {
        let (key, value) = entry?;
        let record: LeadRecord = decode(TREES[LEADS], &value)?;
        summaries.insert(key, encode(&crate::LeadSummary::of(&record)))?;
    }
    summaries.flush()?;
    db.insert(SUMMARIES_BUILT, &[1])?;
    db.flush()?;
    Ok(())
}
