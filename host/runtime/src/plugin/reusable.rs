//! Instances kept across calls, for components known to keep nothing
//! between calls but a cache, and for benchmarks.

use std::time::Instant;

use wasmtime::Store;

use super::{Called, Instance, Plugin, SlotInput, arm};
use crate::sandbox::{CallContext, CallState};
use crate::{Cause, PluginError};
use leadhost_model::PluginInput;

impl Plugin {
    /// An instance kept across calls. Only for components known to keep
    /// nothing between calls but a cache (and for benchmarks): plug-ins are
    /// otherwise called fresh, so no state leaks from one lead to the next.
    pub fn reusable_instance(
        &self,
        context: &CallContext,
        first: &impl PluginInput,
    ) -> Result<ReusableInstance, PluginError> {
        let mut store = self.new_store(context, first);
        let instance = self
            .inner
            .prepared
            .instantiate(&mut store)
            .map_err(|error| self.classify(error, &store))?;
        Ok(ReusableInstance {
            plugin: self.clone(),
            store,
            instance,
            dead: false,
        })
    }
}

/// An instance called many times (see [`Plugin::reusable_instance`]). A trap
/// kills it: later calls are refused and a new instance must be made.
pub struct ReusableInstance {
    /// The plug-in it belongs to.
    plugin: Plugin,
    /// Its store, owned by whoever owns this value.
    store: Store<CallState>,
    /// The instance.
    instance: Instance,
    /// Set once a call failed inside the guest; a trapped instance cannot be entered again.
    dead: bool,
}

impl ReusableInstance {
    /// Calls the plug-in; each call gets the full fuel and deadline again.
    pub fn call<I: SlotInput>(&mut self, input: &I) -> Result<Called<I::Output>, PluginError> {
        self.plugin.check_slot::<I>()?;
        if self.dead {
            return Err(self.plugin.error(Cause::Trap {
                message: "this instance trapped in an earlier call and cannot be entered again"
                    .into(),
                stderr: String::new(),
                log: Box::default(),
            }));
        }
        let started = Instant::now();
        let limits_fuel = self.plugin.inner.runtime.limits().fuel;
        arm(&mut self.store, self.plugin.inner.runtime.limits());
        self.store.data_mut().set_now(input.now());
        let result =
            self.plugin
                .invoke(&self.instance, &mut self.store, input, started, limits_fuel);
        if let Err(error) = &result {
            self.dead = !matches!(
                error.cause,
                Cause::Refused(_) | Cause::InvalidAnswer(_) | Cause::OutputTooLarge { .. }
            );
        }
        result
    }
}
