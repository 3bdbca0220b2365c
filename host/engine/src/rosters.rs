//! Each org's reps, read from the store once and then kept current by the
//! engine's own writes. Routing reads the whole roster for every lead; with
//! thousands of reps, decoding it from sled each time cost more than the
//! policy call itself.
//!
//! Consistency rests on the routing lock: every write of a rep (a new or
//! changed rep, load from an assignment or a release) happens under the
//! org's routing lock, and the roster is updated after the store accepted
//! the write and before the lock is released. So whoever holds the lock
//! sees exactly what the store holds.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::model::Rep;
use crate::store::{Store, StoreError};

/// The rosters of the orgs routed so far.
#[derive(Debug, Default)]
pub(super) struct Rosters {
    /// org → its reps, ordered by id like the store's scan.
    orgs: RwLock<HashMap<String, Arc<Vec<Rep>>>>,
}

impl Rosters {
    /// `org`'s reps; read from the store the first time, or every time
    /// when other hosts write the store too ([`Store::shared`]: their
    /// assignments change the load). Call with the org's routing lock held
    /// if the answer must be current.
    pub fn get(&self, store: &dyn Store, org: &str) -> Result<Arc<Vec<Rep>>, StoreError> {
        if store.shared() {
            return Ok(Arc::new(store.reps(org)?));
        }
        if let Some(reps) = self
            .orgs
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(org)
        {
            return Ok(Arc::clone(reps));
        }
        let reps = Arc::new(store.reps(org)?);
        self.orgs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(org.to_string(), Arc::clone(&reps));
        Ok(reps)
    }

    /// [`Rosters::get`] and the rep owning `domain`'s account: what
    /// routing reads, asked together of a shared store (one round trip).
    pub fn get_with_owner(
        &self,
        store: &dyn Store,
        org: &str,
        domain: Option<&str>,
    ) -> Result<(Arc<Vec<Rep>>, Option<String>), StoreError> {
        if store.shared() {
            let (reps, owner) = store.reps_and_account_owner(org, domain)?;
            return Ok((Arc::new(reps), owner));
        }
        let owner = match domain {
            Some(domain) => store.account_owner(org, domain)?,
            None => None,
        };
        Ok((self.get(store, org)?, owner))
    }

    /// Forgets `org`'s roster (the next read takes it from the store): for
    /// a write whose outcome is unknown, e.g. one whose flush failed.
    pub fn forget(&self, org: &str) {
        self.orgs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(org);
    }

    /// Takes in reps the store has just written, under the routing lock.
    pub fn written(&self, org: &str, changed: &[Rep]) {
        if changed.is_empty() {
            return;
        }
        let mut orgs = self
            .orgs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // An org not read yet is read whole, store first, when needed.
        let Some(reps) = orgs.get_mut(org) else {
            return;
        };
        let reps = Arc::make_mut(reps);
        for rep in changed {
            match reps.binary_search_by(|known| known.id.as_str().cmp(&rep.id)) {
                Ok(at) => reps[at] = rep.clone(),
                Err(at) => reps.insert(at, rep.clone()),
            }
        }
    }
}
