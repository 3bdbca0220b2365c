//! Striped locks that serialize work on one e-mail, one lead or one org's
//! reps, while unrelated work runs in parallel.
//!
//! Always taken in the order e-mail → lead → org routing, and never two of
//! one kind at once, so they cannot deadlock.

use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard};

/// Stripes per kind: enough that unrelated leads rarely share one.
const STRIPES: usize = 256;

/// The engine's locks.
pub(super) struct Locks {
    hasher: RandomState,
    emails: Vec<Mutex<()>>,
    leads: Vec<Mutex<()>>,
    routing: Vec<Mutex<()>>,
}

impl Locks {
    pub fn new() -> Self {
        let stripes = || (0..STRIPES).map(|_| Mutex::new(())).collect();
        Locks {
            hasher: RandomState::new(),
            emails: stripes(),
            leads: stripes(),
            routing: stripes(),
        }
    }

    /// Serializes submissions of one e-mail in one org (dedup).
    pub fn email(&self, org: &str, email: &str) -> MutexGuard<'_, ()> {
        lock(&self.emails[self.stripe((org, email))])
    }

    /// Serializes changes to one lead.
    pub fn lead(&self, org: &str, lead: &str) -> MutexGuard<'_, ()> {
        lock(&self.leads[self.stripe((org, lead))])
    }

    /// Serializes changes to one org's reps' load.
    pub fn routing(&self, org: &str) -> MutexGuard<'_, ()> {
        lock(&self.routing[self.stripe(org)])
    }

    fn stripe(&self, key: impl Hash) -> usize {
        (self.hasher.hash_one(key) % STRIPES as u64) as usize
    }
}

fn lock(mutex: &Mutex<()>) -> MutexGuard<'_, ()> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
