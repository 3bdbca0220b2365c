//! Shadow decisions on sled: `org \0 slot \0 id` (big-endian, from sled's
//! id generator) → the decision; the oldest beyond the bound are trimmed.

use std::ops::ControlFlow;

use super::{SHADOWS, SledStore, TREES, decode, encode, keys};
use crate::StoreError;
use crate::shadow::{SHADOWS_KEPT, ShadowDecision, ShadowStore};
use leadhost_model::Slot;

/// How often (in puts) the bound is enforced: a count of the org's range
/// per put would cost more than the put.
const TRIM_EVERY: u64 = 64;

fn prefix(org: &str, slot: Slot) -> Vec<u8> {
    keys::lead_prefix(org, slot.world())
}

impl ShadowStore for SledStore {
    fn put_shadow(&self, org: &str, decision: &ShadowDecision) -> Result<(), StoreError> {
        let id = self.shared.db.generate_id()?;
        let mut key = prefix(org, decision.slot);
        key.extend_from_slice(&id.to_be_bytes());
        let tree = self.tree(SHADOWS);
        tree.insert(key, encode(decision))?;
        let puts = {
            let mut puts = self
                .shared
                .shadow_puts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = puts.entry(prefix(org, decision.slot)).or_default();
            *count += 1;
            *count
        };
        // Counted per org and slot: the id generator is shared with other
        // trees, so its residues say nothing about one range.
        if puts % TRIM_EVERY == 0 {
            let keys: Vec<_> = tree
                .scan_prefix(prefix(org, decision.slot))
                .keys()
                .collect::<Result<_, _>>()?;
            for old in keys.iter().take(keys.len().saturating_sub(SHADOWS_KEPT)) {
                tree.remove(old)?;
            }
        }
        Ok(())
    }

    fn shadows(
        &self,
        org: &str,
        slot: Slot,
        visit: &mut dyn FnMut(ShadowDecision) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        for entry in self.tree(SHADOWS).scan_prefix(prefix(org, slot)).rev() {
            let (_, value) = entry?;
            if visit(decode(TREES[SHADOWS], &value)?).is_break() {
                break;
            }
        }
        Ok(())
    }
}
