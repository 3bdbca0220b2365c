//! Locks that serialize work on one e-mail, one lead or one org's reps,
//! while unrelated work runs in parallel.
//!
//! Each org has its own stripes, so a lock held across one org's plug-in
//! call (a new lead's e-mail stripe is held while it is qualified, the
//! routing lock while its policy runs) can never make another org wait:
//! a slow or hostile plug-in degrades only its own org.
//!
//! Always taken in the order e-mail → lead → org routing, and never two of
//! one kind at once — but for two leads through [`Locks::two_leads`], which
//! takes their stripes in stripe order, and one only when they share it —
//! so they cannot deadlock.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Arc, RwLock};

use parking_lot::{ArcMutexGuard, Mutex, RawMutex};

/// Stripes per kind and org: enough that one org's unrelated leads rarely
/// share one, small enough that 1,000 orgs cost well under a megabyte.
const STRIPES: usize = 64;

/// A held lock; released when dropped.
pub(crate) type Held = ArcMutexGuard<RawMutex, ()>;

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

    /// Serializes changes to two leads at once (a duplicate folded into
    /// another): their stripes in stripe order, the one stripe once when
    /// they share it (a stripe is not re-entrant).
    pub fn two_leads(&self, org: &str, a: &str, b: &str) -> (Held, Option<Held>) {
        let locks = self.org(org);
        let (a, b) = (self.stripe(a), self.stripe(b));
        let first = locks.leads[a.min(b)].lock_arc();
        let second = (a != b).then(|| locks.leads[a.max(b)].lock_arc());
        (first, second)
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

    #[test]
    fn two_leads_on_one_stripe_take_it_once_and_two_stripes_in_one_order() {
        let locks = Locks::new();
        let stripe = locks.stripe("ld-1");
        let twin = (2..)
            .map(|n| format!("ld-{n}"))
            .find(|id| locks.stripe(id.as_str()) == stripe)
            .unwrap();
        // Would wait on itself forever if it took the shared stripe twice.
        let (_one, none) = locks.two_leads("acme", "ld-1", &twin);
        assert!(none.is_none());
        drop(_one);
        let other = (2..)
            .map(|n| format!("ld-{n}"))
            .find(|id| locks.stripe(id.as_str()) != stripe)
            .unwrap();
        let held = locks.two_leads("acme", "ld-1", &other);
        assert!(held.1.is_some(), "two stripes, both held");
        drop(held);
        // Both orders of one pair take the lower stripe first: a thread
        // taking (a, b) and one taking (b, a) cannot hold one each.
        let locks = std::sync::Arc::new(locks);
        let racers: Vec<_> = [
            ("ld-1", other.clone()),
            (other.as_str().to_owned().leak(), "ld-1".to_string()),
        ]
        .into_iter()
        .map(|(a, b)| {
            let locks = locks.clone();
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    drop(locks.two_leads("acme", a, &b));
                }
            })
        })
        .collect();
        racers.into_iter().for_each(|racer| racer.join().unwrap());
    }
}
