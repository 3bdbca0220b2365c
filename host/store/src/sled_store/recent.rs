//! A slot's latest decisions, newest first, from the `decisions_by_slot`
//! index written with each decision.

use super::{DECISIONS, DECISIONS_BY_SLOT, SledStore, TREES, keys};
use crate::{Decision, StoreError};
use leadhost_model::{Slot, Time};

/// `org \0 slot \0 time lead \0 seq`.
pub(super) fn key(org: &str, slot: Slot, at: Time, lead: &str, seq: u64) -> Vec<u8> {
    let mut key = keys::lead_prefix(org, slot.world());
    key.extend_from_slice(&keys::time_bytes(at));
    key.extend_from_slice(lead.as_bytes());
    key.push(0);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

impl SledStore {
    /// `org`'s latest `limit` decisions of `slot`, newest first, with the
    /// lead and place of each.
    pub(super) fn latest_decisions_of(
        &self,
        org: &str,
        slot: Slot,
        limit: usize,
    ) -> Result<Vec<(String, u64, Decision)>, StoreError> {
        let prefix = keys::lead_prefix(org, slot.world());
        let mut found = Vec::with_capacity(limit.min(4096));
        for entry in self.tree(DECISIONS_BY_SLOT).scan_prefix(&prefix).rev() {
            if found.len() >= limit {
                break;
            }
            let (index, _) = entry?;
            let corrupt = || StoreError::Corrupt {
                tree: TREES[DECISIONS_BY_SLOT],
                detail: "a key that is not `org \\0 slot \\0 time lead \\0 seq`".into(),
            };
            let rest = index.get(prefix.len() + 8..).ok_or_else(corrupt)?;
            let split = rest
                .iter()
                .position(|&byte| byte == 0)
                .ok_or_else(corrupt)?;
            let lead = std::str::from_utf8(&rest[..split]).map_err(|_| corrupt())?;
            let seq = u64::from_be_bytes(rest[split + 1..].try_into().map_err(|_| corrupt())?);
            if let Some(decision) = self.get(DECISIONS, &keys::sequenced(org, lead, seq))? {
                found.push((lead.to_string(), seq, decision));
            }
        }
        Ok(found)
    }
}
