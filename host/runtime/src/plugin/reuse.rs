//! The script host's instances kept between calls: how a plug-in is made
//! to keep them, and a call that uses one while answering exactly as a
//! fresh instance would (the budget and the kept instances are `idle`).

use std::sync::Arc;
use std::time::Instant;

use super::{Called, Plugin, SlotInput, arm_with, idle};
use crate::sandbox::CallContext;
use crate::{Cause, PluginError};

impl Plugin {
    /// The same plug-in, whose instances are kept between calls of the same
    /// org (within the runtime's [`IdleBudget`](super::IdleBudget)), for a first-party
    /// component known to keep nothing between calls but a cache and to
    /// read no clock or random source of its own: the script host, whose
    /// interpreter costs ~1 ms to set up (DESIGN.md, principle 2).
    ///
    /// Every answer is the one a fresh instance gives:
    /// - a kept instance runs with the fuel limit less what its own first
    ///   (fresh) call used, set-up included, and less a margin of
    ///   [`FUEL_MARGIN`](super::FUEL_MARGIN) of the limit, so a call it completes would
    ///   complete fresh too;
    /// - any call on a kept instance that fails in the guest (a trap, fuel,
    ///   memory, the deadline) is run again on a fresh instance, whose
    ///   result is the answer, and the kept instance is dropped;
    /// - an instance whose memory grew in a call is not kept (a script can
    ///   leak a reference cycle), nor one holding more than
    ///   [`KEPT_MEMORY_MAX`](super::KEPT_MEMORY_MAX), nor one past [`CALLS_PER_INSTANCE`](super::CALLS_PER_INSTANCE).
    ///
    /// A call on a kept instance reports the fuel it used itself (without
    /// the set-up it skipped); a call run again fresh reports both runs'.
    /// An instance is kept only if the fuel it is armed with covers a call
    /// as costly as its first (a script whose calls take more than about
    /// half the limit is called fresh every time, not twice). An org's kept
    /// instances unused for [`IDLE_EVICTABLE_AFTER`](super::IDLE_EVICTABLE_AFTER) give way to another
    /// org's when the host's budget is full. Plug-ins derived from the
    /// result share its kept instances.
    pub fn with_instance_reuse(&self) -> Plugin {
        let idle = Arc::new(idle::IdleInstances::default());
        self.inner.runtime.idle_budget().register(&idle);
        self.derive(|inner| inner.idle = Some(idle))
    }

    /// The same plug-in with a fresh instance for every call (what a kept
    /// instance's answers are checked against).
    pub fn without_instance_reuse(&self) -> Plugin {
        self.derive(|inner| inner.idle = None)
    }

    /// How many of its instances are kept between calls now.
    pub fn instances_kept(&self) -> usize {
        self.inner.idle.as_ref().map_or(0, |idle| idle.len())
    }

    /// [`Plugin::call`] on an instance this org's earlier call left, if
    /// one is kept and completes the call; otherwise on a fresh instance,
    /// kept afterwards if the guest returned.
    pub(super) fn call_reusing<I: SlotInput>(
        &self,
        idle: &idle::IdleInstances,
        context: &CallContext,
        input: &I,
    ) -> Result<Called<I::Output>, PluginError> {
        let started = Instant::now();
        let limits = self.inner.runtime.limits();
        // Fuel a failed attempt on a kept instance burnt: the call's cost.
        let mut wasted = 0;
        if let Some(mut kept) = idle.take(&context.org) {
            kept.store
                .data_mut()
                .reuse_for(&self.inner.id, context, input.now());
            let fuel = kept.fuel(limits.fuel);
            arm_with(&mut kept.store, limits, fuel);
            let memory_before = kept.store.data().memory_bytes();
            let result = self.invoke(&kept.instance, &mut kept.store, input, started, fuel);
            if returned(&result) {
                kept.store.data().flush_stdio();
                // A kept instance whose memory grew in a call holds
                // something the call left behind: let it go before it
                // leaves the next call less room than a fresh one.
                if kept.store.data().memory_bytes() <= memory_before {
                    idle.put(&context.org, kept, self.inner.runtime.idle_budget());
                }
                return result;
            }
            // Failed in the guest: the answer is what a fresh instance
            // gives (its output is logged, not this one's).
            wasted = fuel.saturating_sub(kept.store.get_fuel().unwrap_or(0));
        }
        let mut store = self.new_store(context, input);
        let instance = match self.inner.prepared.instantiate(&mut store) {
            Ok(instance) => instance,
            Err(error) => {
                let error = self.classify(error, &store);
                store.data().flush_stdio();
                return Err(error);
            }
        };
        let result = self.invoke(&instance, &mut store, input, started, limits.fuel);
        store.data().flush_stdio();
        if returned(&result) {
            let first_fuel = limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
            let fresh = idle::Idle::new(store, instance, first_fuel);
            if fresh.worth_keeping(limits.fuel) {
                idle.put(&context.org, fresh, self.inner.runtime.idle_budget());
            }
        }
        result.map(|called| Called {
            fuel_used: called.fuel_used + wasted,
            ..called
        })
    }
}

/// Whether the guest returned (an answer, a refusal, an invalid or too
/// large answer): the instance is sound and the answer is the guest's own,
/// the same on any instance. Any other failure (a trap, fuel, memory, the
/// deadline) may depend on the instance.
fn returned<T>(result: &Result<T, PluginError>) -> bool {
    match result {
        Ok(_) => true,
        Err(error) => matches!(
            error.cause,
            Cause::Refused(_)
                | Cause::InvalidAnswer(_)
                | Cause::OutputTooLarge { size: Some(_), .. }
        ),
    }
}
