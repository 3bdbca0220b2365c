//! The blocking-key index: `org \0 key \0 lead` for each blocking key a
//! lead has (`email-domain:acme.example`), so a new lead's duplicate
//! candidates are a few short range reads, newest lead first, however
//! many leads an org keeps.

use super::write::Write;
use super::{MATCH_KEYS, SledStore, keys};
use crate::StoreError;

/// The writes indexing `lead` of `org` under `added` and taking it out
/// from under `removed`.
pub(super) fn writes(org: &str, lead: &str, added: &[String], removed: &[String]) -> Vec<Write> {
    let entry = |key: &String| {
        let mut entry = keys::lead_prefix(org, key);
        entry.extend_from_slice(lead.as_bytes());
        entry
    };
    added
        .iter()
        .map(|key| (MATCH_KEYS, entry(key), Some(Vec::new())))
        .chain(removed.iter().map(|key| (MATCH_KEYS, entry(key), None)))
        .collect()
}

/// An entry's rest after `org \0`, split into its key and lead.
pub(super) fn split(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = rest.iter().position(|&byte| byte == 0)?;
    Some((&rest[..at], &rest[at + 1..]))
}

impl SledStore {
    /// [`crate::Store::leads_by_match_keys`]: a reverse range read per key.
    pub(super) fn leads_by_keys(
        &self,
        org: &str,
        match_keys: &[String],
        per_key: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut found = Vec::new();
        for key in match_keys {
            let prefix = keys::lead_prefix(org, key);
            for entry in self
                .tree(MATCH_KEYS)
                .scan_prefix(&prefix)
                .rev()
                .take(per_key)
            {
                let (entry, _) = entry?;
                let lead = String::from_utf8_lossy(&entry[prefix.len()..]).into_owned();
                found.push((key.clone(), lead));
            }
        }
        Ok(found)
    }
}
