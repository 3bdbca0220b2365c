//! Locks that serialize work on one e-mail, one lead or one org's reps,
//! while unrelated work runs in parallel.
//!
//! Each org has its own stripes, so a lock held across one org's plug-in
//! call (a new lead's e-mail stripe is held while it is qualified, the
//! routing lock while its policy runs) can never make another org wait:
//! a slow or hostile plug-in degrades only its own org.
//!
//! Always taken in the order e-mail → lead → org routing, and never two of
//! one kind at once, so they cannot deadlock.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Arc, RwLock};

use parking_lot::{ArcMutexGuard, Mutex, RawMutex};

/// Stripes per kind and org: enough that one org's unrelated leads rarely
/// share one, small enough that 1,000 orgs cost well under a megabyte.
const STRIPES: usize = 64;

/// A held lock; released when dropped.
pub(super) type Held = ArcMutexGuard<RawMutex, ()>;

/// The engine's locks.
pub(super) struct Locks {
    hasher: RandomState,
    /// org → its stripes, made on first use.
    orgs: RwLock<HashMap<String, Arc<OrgLocks>>>,
}

/// One org's stripes.
struct OrgLocks {
    emails: Vec<Arc<Mutex<()>>>,
    leads: Vec<Arc<Mutex<()>>>,
    routing: Arc<Mutex<()>>,
    campaigns: Arc<Mutex<()>>,
}

impl Locks {
    pub fn new() -> Self {
        Locks {
            hasher: RandomState::new(),
            orgs: RwLock::default(),
        }
    }

    fn org(&self, org: &str) -> Arc<OrgLocks> {
        if let Some(locks) = self
            .orgs
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(org)
        {
            return locks.clone();
        }
        let stripes = || (0..STRIPES).map(|_| Arc::new(Mutex::new(()))).collect();
        self.orgs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(org.to_string())
            .or_insert_with(|| {
                Arc::new(OrgLocks {
                    emails: stripes(),
                    leads: stripes(),
                    routing: Arc::new(Mutex::new(())),
                    campaigns: Arc::new(Mutex::new(())),
                })
            })
            .clone()
    }

    /// Serializes submissions of one e-mail in one org (dedup).
    pub fn email(&self, org: &str, email: &str) -> Held {
        self.org(org).emails[self.stripe(email)].lock_arc()
    }

    /// Serializes changes to one lead.
    pub fn lead(&self, org: &str, lead: &str) -> Held {
        self.org(org).leads[self.stripe(lead)].lock_arc()
    }

    /// Serializes changes to one org's reps' load.
    pub fn routing(&self, org: &str) -> Held {
        self.org(org).routing.lock_arc()
    }

    /// Serializes changes to one org's campaigns (an id taken once).
    /// Taken alone, never with another lock.
    pub fn campaigns(&self, org: &str) -> Held {
        self.org(org).campaigns.lock_arc()
    }

    fn stripe(&self, key: impl Hash) -> usize {
        (self.hasher.hash_one(key) % STRIPES as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_orgs_held_locks_never_block_another_org() {
        let locks = Locks::new();
        // One org holds every e-mail and lead stripe and its routing lock...
        let mut held: Vec<Held> = (0..STRIPES)
            .flat_map(|stripe| {
                [
                    locks.org("busy").emails[stripe].lock_arc(),
                    locks.org("busy").leads[stripe].lock_arc(),
                ]
            })
            .collect();
        held.push(locks.routing("busy"));
        // ...while another org takes its own at once, from another thread.
        let taken = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _email = locks.email("calm", "jo@alpenbahn.example");
                    let _lead = locks.lead("calm", "ld-0000000001");
                    let _routing = locks.routing("calm");
                })
                .join()
                .is_ok()
        });
        assert!(taken);
        // The busy org's own keys are held.
        assert!(locks.org("busy").routing.try_lock().is_none());
        drop(held);
        assert!(locks.org("busy").routing.try_lock().is_some());
    }
}
