//! Instances kept between calls, for the one kind of plug-in allowed them:
//! a first-party component the host knows keeps nothing between calls but
//! a cache (the script host, whose interpreter takes ~1 ms to set up and
//! whose compiled scripts are its cache; DESIGN.md, principle 2). Every
//! other call gets a fresh instance. How a kept instance still answers as
//! a fresh one would is on [`super::Plugin::with_instance_reuse`].
//!
//! Kept instances hold slots of the pooling allocator, so they are bounded
//! host-wide and per org ([`IdleBudget`]); the engine's pool has room for
//! the host-wide bound on top of `concurrent_calls`, so a kept instance
//! never takes a call's slot. An instance is kept only by the org that used
//! it, only after a call that ended normally (an answer, a refusal or an
//! invalid answer: the guest returned), with at most [`KEPT_MEMORY_MAX`]
//! of memory, and for at most [`CALLS_PER_INSTANCE`] calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use wasmtime::Store;

use super::Instance;
use crate::sandbox::CallState;

/// Calls one kept instance serves before it is let go, so a guest heap
/// that fragments within its limit does not live for ever.
pub const CALLS_PER_INSTANCE: u32 = 10_000;

/// The share of the fuel limit a kept instance is armed below what a fresh
/// one has left after set-up (1/50: 1,000,000 of the default 50,000,000):
/// room for a call to cost a little more on a fresh instance than on a
/// warm one (a cold cache, a heap not yet grown), so a call that completes
/// kept completes fresh. A call that needs more runs fresh.
pub const FUEL_MARGIN: u64 = 50;

/// The most linear memory a kept instance may hold, in bytes (16 MiB): a
/// call that grew its instance past it leaves it to be dropped, so kept
/// instances hold at most 16 MiB each host-wide, not the 64 MiB a call may
/// use. The script host holds a few MiB after a call.
pub const KEPT_MEMORY_MAX: usize = 16 << 20;

/// How long a kept instance must have waited unused before another org
/// that finds the host's budget full may take its place: an org that went
/// quiet does not hold reuse from the others for good, and busy orgs do
/// not take turns evicting each other.
pub const IDLE_EVICTABLE_AFTER: Duration = Duration::from_secs(5);

/// Instances kept at once per org: a few orgs' scripts cannot hold every
/// kept slot.
pub const IDLE_PER_ORG: usize = 4;

/// Instances kept at once host-wide for `concurrent_calls`: an eighth of
/// them (16 for the default 128), so none below 8 — a host set to a few
/// calls at a time keeps exactly that many instance slots.
pub fn idle_total(concurrent_calls: u32) -> usize {
    concurrent_calls as usize / 8
}

/// How many instances may be kept, host-wide and per org.
pub struct IdleBudget {
    /// Most kept host-wide.
    total: usize,
    /// Most kept per org.
    per_org: usize,
    /// Kept now: host-wide, and by org.
    kept: Mutex<(usize, HashMap<String, usize>)>,
    /// The plug-ins that keep instances, to evict a stale one from.
    keepers: Mutex<Vec<Weak<IdleInstances>>>,
}

impl IdleBudget {
    /// A budget of `total` instances, `per_org` of them for any one org.
    pub fn new(total: usize, per_org: usize) -> Arc<Self> {
        Arc::new(IdleBudget {
            total,
            per_org,
            kept: Mutex::new((0, HashMap::new())),
            keepers: Mutex::default(),
        })
    }

    /// Counts `keeper`'s kept instances among those another org may evict.
    pub(super) fn register(&self, keeper: &Arc<IdleInstances>) {
        let mut keepers = self.keepers.lock().unwrap_or_else(|p| p.into_inner());
        keepers.retain(|keeper| keeper.strong_count() > 0);
        keepers.push(Arc::downgrade(keeper));
    }

    fn kept(&self) -> MutexGuard<'_, (usize, HashMap<String, usize>)> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Room for one more instance of `org`, released when dropped; `None`
    /// when the org keeps its most already, or the host does and no other
    /// org's instance has waited [`IDLE_EVICTABLE_AFTER`] to be evicted.
    fn reserve(self: &Arc<Self>, org: &str) -> Option<Reservation> {
        match self.try_reserve(org) {
            Err(Full::Host) if self.evict_stale(org) => self.try_reserve(org).ok(),
            reserved => reserved.ok(),
        }
    }

    /// Drops the kept instances of orgs other than `org` unused for
    /// [`IDLE_EVICTABLE_AFTER`]; whether any were.
    fn evict_stale(&self, org: &str) -> bool {
        let keepers: Vec<Arc<IdleInstances>> = self
            .keepers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        // No budget lock is held here: dropping an instance releases its
        // reservation, which takes it.
        let mut evicted = false;
        for keeper in keepers {
            evicted |= keeper.evict_stale(org, IDLE_EVICTABLE_AFTER) > 0;
        }
        evicted
    }

    fn try_reserve(self: &Arc<Self>, org: &str) -> Result<Reservation, Full> {
        let mut kept = self.kept();
        let of_org = kept.1.get(org).copied().unwrap_or(0);
        if of_org >= self.per_org {
            return Err(Full::Org);
        }
        if kept.0 >= self.total {
            return Err(Full::Host);
        }
        kept.0 += 1;
        *kept.1.entry(org.to_string()).or_default() += 1;
        Ok(Reservation {
            budget: self.clone(),
            org: org.to_string(),
        })
    }

    /// Instances kept now, host-wide.
    pub fn kept_now(&self) -> usize {
        self.kept().0
    }
}

/// Whose bound a reservation hit.
enum Full {
    /// The org keeps its most.
    Org,
    /// The host keeps its most.
    Host,
}

/// One kept instance's place in the budget.
struct Reservation {
    /// The budget it counts in.
    budget: Arc<IdleBudget>,
    /// The org that keeps it.
    org: String,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut kept = self.budget.kept();
        kept.0 -= 1;
        if let Some(count) = kept.1.get_mut(&self.org) {
            *count -= 1;
            if *count == 0 {
                kept.1.remove(&self.org);
            }
        }
    }
}

/// An instance between calls.
pub(super) struct Idle {
    /// Its store (its sandbox state is readied again per call).
    pub(super) store: Store<CallState>,
    /// The instance.
    pub(super) instance: Instance,
    /// Calls it has served.
    pub(super) calls: u32,
    /// Fuel its first call used, set-up included (a fresh instance's).
    first_fuel: u64,
    /// When it was last put back.
    last_used: Instant,
    /// Its place in the budget; `None` for one not kept yet.
    reservation: Option<Reservation>,
}

impl Idle {
    /// An instance made for a call that used `first_fuel`, not kept yet.
    pub(super) fn new(store: Store<CallState>, instance: Instance, first_fuel: u64) -> Self {
        Idle {
            store,
            instance,
            calls: 0,
            first_fuel,
            last_used: Instant::now(),
            reservation: None,
        }
    }

    /// Whether keeping it can pay: a call it is armed for ([`Idle::fuel`])
    /// can cost as much as its first one did. Otherwise every call would
    /// run out of fuel on it and run again fresh.
    pub(super) fn worth_keeping(&self, limit: u64) -> bool {
        self.fuel(limit) >= self.first_fuel
    }

    /// The fuel to arm it with under a limit of `limit`: what a fresh
    /// instance has left after its set-up (bounded by what the first call
    /// used, set-up and all), less [`FUEL_MARGIN`].
    pub(super) fn fuel(&self, limit: u64) -> u64 {
        limit
            .saturating_sub(self.first_fuel)
            .saturating_sub(limit / FUEL_MARGIN)
    }
}

/// The instances one plug-in keeps between calls.
#[derive(Default)]
pub(super) struct IdleInstances {
    /// Kept instances with the org each serves.
    kept: Mutex<Vec<(String, Idle)>>,
}

impl IdleInstances {
    /// A kept instance of `org`, if there is one.
    pub(super) fn take(&self, org: &str) -> Option<Idle> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let at = kept.iter().rposition(|(owner, _)| owner == org)?;
        Some(kept.swap_remove(at).1)
    }

    /// Keeps `idle` for `org` after a call that ended normally, if it has
    /// calls left and the budget has room; otherwise it is dropped.
    pub(super) fn put(&self, org: &str, mut idle: Idle, budget: &Arc<IdleBudget>) {
        idle.calls += 1;
        idle.last_used = Instant::now();
        if idle.calls >= CALLS_PER_INSTANCE || idle.store.data().memory_bytes() > KEPT_MEMORY_MAX {
            return;
        }
        if idle.reservation.is_none() {
            idle.reservation = budget.reserve(org);
        }
        if idle.reservation.is_some() {
            self.kept
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((org.to_string(), idle));
        }
    }

    /// Drops the instances kept for orgs other than `org` that have waited
    /// longer than `after`; how many.
    fn evict_stale(&self, org: &str, after: Duration) -> usize {
        let stale: Vec<(String, Idle)> = {
            let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
            let (stale, fresh) = std::mem::take(&mut *kept)
                .into_iter()
                .partition(|(owner, idle)| owner != org && idle.last_used.elapsed() > after);
            *kept = fresh;
            stale
        };
        // Dropped outside the lock: each releases its reservation.
        stale.len()
    }

    /// How many are kept now.
    pub(super) fn len(&self) -> usize {
        self.kept.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_bounds_the_host_and_each_org_and_frees_on_drop() {
        let budget = IdleBudget::new(3, 2);
        let a1 = budget.reserve("a").unwrap();
        let _a2 = budget.reserve("a").unwrap();
        assert!(budget.reserve("a").is_none(), "two per org");
        let _b1 = budget.reserve("b").unwrap();
        assert!(budget.reserve("c").is_none(), "three host-wide");
        assert_eq!(budget.kept_now(), 3);
        drop(a1);
        assert_eq!(budget.kept_now(), 2);
        assert!(budget.reserve("c").is_some());
    }

    #[test]
    fn the_host_wide_bound_is_an_eighth_of_the_calls() {
        assert_eq!(idle_total(128), 16);
        assert_eq!(idle_total(16), 2);
        assert_eq!(idle_total(7), 0, "a small host keeps nothing");
    }
}
