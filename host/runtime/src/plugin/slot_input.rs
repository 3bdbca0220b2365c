//! What each slot's input returns and which function of an instance it
//! calls, whatever the WIT version the instance was built against.

use wasmtime::Store;

use super::Instance;
use crate::Slot;
use crate::answer::{Answer, AnswerSize};
use crate::sandbox::CallState;
use leadhost_model::{self as model, PluginInput};

/// One slot's input: what its call returns and how to make it.
pub trait SlotInput: PluginInput {
    /// The slot's answer.
    type Output: AnswerSize;
    /// The slot.
    const SLOT: Slot;
    /// The org's config in the input (a check on an example input sets
    /// the org's into it).
    #[doc(hidden)]
    fn config_mut(&mut self) -> &mut model::Config;
    /// Calls the slot's function on `instance`, with the plug-in's `fixed`
    /// config laid over the input's.
    #[doc(hidden)]
    fn call(
        instance: &InstanceRef<'_>,
        store: &mut Store<CallState>,
        input: &Self,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<Self::Output>>;
}

/// An instance handed to [`SlotInput::call`]; opaque outside the runtime.
pub struct InstanceRef<'a>(pub(super) &'a Instance);

impl SlotInput for model::QualifyInput {
    type Output = model::Qualification;
    const SLOT: Slot = Slot::LeadDefinition;
    fn config_mut(&mut self) -> &mut model::Config {
        &mut self.config
    }
    fn call(
        instance: &InstanceRef<'_>,
        store: &mut Store<CallState>,
        input: &Self,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<Self::Output>> {
        match instance.0 {
            Instance::V0_1_0(instance) => instance.qualify(store, input, fixed),
            Instance::V0_2_0(instance) => instance.qualify(store, input, fixed),
            #[cfg(feature = "test-wit-0-1-1")]
            Instance::V0_1_1(instance) => instance.qualify(store, input, fixed),
        }
    }
}

impl SlotInput for model::NurtureInput {
    type Output = model::NurtureStep;
    const SLOT: Slot = Slot::NurtureTrack;
    fn config_mut(&mut self) -> &mut model::Config {
        &mut self.config
    }
    fn call(
        instance: &InstanceRef<'_>,
        store: &mut Store<CallState>,
        input: &Self,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<Self::Output>> {
        match instance.0 {
            Instance::V0_1_0(instance) => instance.next_step(store, input, fixed),
            Instance::V0_2_0(instance) => instance.next_step(store, input, fixed),
            #[cfg(feature = "test-wit-0-1-1")]
            Instance::V0_1_1(instance) => instance.next_step(store, input, fixed),
        }
    }
}

impl SlotInput for model::RouteInput {
    type Output = model::RouteDecision;
    const SLOT: Slot = Slot::RoutingPolicy;
    fn config_mut(&mut self) -> &mut model::Config {
        &mut self.config
    }
    fn call(
        instance: &InstanceRef<'_>,
        store: &mut Store<CallState>,
        input: &Self,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<Self::Output>> {
        match instance.0 {
            Instance::V0_1_0(instance) => instance.route(store, input, fixed),
            Instance::V0_2_0(instance) => instance.route(store, input, fixed),
            #[cfg(feature = "test-wit-0-1-1")]
            Instance::V0_1_1(instance) => instance.route(store, input, fixed),
        }
    }
}

impl SlotInput for model::MatchInput {
    type Output = model::Duplicates;
    const SLOT: Slot = Slot::DuplicateRule;
    fn config_mut(&mut self) -> &mut model::Config {
        &mut self.config
    }
    fn call(
        instance: &InstanceRef<'_>,
        store: &mut Store<CallState>,
        input: &Self,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<Self::Output>> {
        match instance.0 {
            Instance::V0_2_0(instance) => instance.matches(store, input, fixed),
            // The world is new in 0.2.0: no earlier instance fills it.
            Instance::V0_1_0(_) => Ok(Answer::WrongSlot),
            #[cfg(feature = "test-wit-0-1-1")]
            Instance::V0_1_1(_) => Ok(Answer::WrongSlot),
        }
    }
}
