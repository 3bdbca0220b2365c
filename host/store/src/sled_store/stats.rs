//! What the store holds, for ids and for the benchmarks.

use super::{LEADS, SledStore, TREES, keys, lead_ids};
use crate::StoreError;

impl SledStore {
    /// The highest lead number `org` has stored (0 for none).
    pub(super) fn last_lead_number(&self, org: &str) -> Result<u64, StoreError> {
        let prefix = keys::scoped(org, lead_ids::PREFIX);
        let last = self.tree(LEADS).scan_prefix(&prefix).keys().next_back();
        Ok(match last.transpose()? {
            Some(key) => std::str::from_utf8(&key[prefix.len() - lead_ids::PREFIX.len()..])
                .ok()
                .and_then(lead_ids::number_of)
                .unwrap_or(0),
            None => 0,
        })
    }

    /// Bytes of live keys and values in every tree, by tree: what the
    /// records take before sled's own overhead.
    pub fn live_bytes(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let mut sizes = Vec::with_capacity(TREES.len());
        for (name, tree) in TREES.iter().zip(&self.shared.trees) {
            let mut bytes = 0u64;
            for entry in tree.iter() {
                let (key, value) = entry?;
                bytes += (key.len() + value.len()) as u64;
            }
            sizes.push((*name, bytes));
        }
        Ok(sizes)
    }
}
