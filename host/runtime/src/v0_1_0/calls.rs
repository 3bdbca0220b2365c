//! A version's typed calls: its host function (`log`), a component
//! pre-linked for one of its worlds, and calls into a live instance.
//! Written against `super::generated` and `super::convert`, so a later
//! version whose worlds and `log` are unchanged compiles this same file.

use wasmtime::component::{InstancePre, Linker, WasmStr};
use wasmtime::{AsContext, Store, StoreContextMut};

use super::generated::lead_definition::{LeadDefinition, LeadDefinitionPre};
use super::generated::nurture_track::{NurtureTrack, NurtureTrackPre};
use super::generated::routing_policy::{RoutingPolicy, RoutingPolicyPre};
use super::{LOG_INTERFACE, inputs};
use crate::Slot;
use crate::answer::Answer;
use crate::sandbox::{CallState, GuestLevel};
use leadhost_model as model;

/// Adds this version's host interface (`log`) to the linker. The message
/// is taken as a view of guest memory: only the part kept (the call's
/// line cap) is copied, the whole length is charged to the call's fuel, and
/// a message over the call's transfer limit traps before anything is
/// copied (see `Plugin::new_store`).
pub fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    use super::generated::log::Level;
    linker.instance(LOG_INTERFACE)?.func_wrap(
        "log",
        |mut store: StoreContextMut<'_, CallState>, (level, message): (Level, WasmStr)| {
            let cap = store.data().log_line_cap();
            let (length, kept) = {
                let text = message.to_str(store.as_context())?;
                let mut end = text.len().min(cap);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                (text.len(), text[..end].to_string())
            };
            let level = match level {
                Level::Trace => GuestLevel::Trace,
                Level::Debug => GuestLevel::Debug,
                Level::Info => GuestLevel::Info,
                Level::Warn => GuestLevel::Warn,
                Level::Error => GuestLevel::Error,
            };
            let state = store.data_mut();
            state.owe(length);
            state.log(level, &kept);
            Ok(())
        },
    )
}

/// A component pre-linked for one world of this version: instantiating it
/// is the only per-call cost.
#[derive(Clone)]
pub enum Prepared {
    /// A lead definition.
    LeadDefinition(LeadDefinitionPre<CallState>),
    /// A nurture track.
    NurtureTrack(NurtureTrackPre<CallState>),
    /// A routing policy.
    RoutingPolicy(RoutingPolicyPre<CallState>),
}

impl Prepared {
    /// Type-checks `pre`'s exports against `slot`'s world of this version.
    pub fn new(slot: Slot, pre: InstancePre<CallState>) -> wasmtime::Result<Self> {
        Ok(match slot {
            Slot::LeadDefinition => Prepared::LeadDefinition(LeadDefinitionPre::new(pre)?),
            Slot::NurtureTrack => Prepared::NurtureTrack(NurtureTrackPre::new(pre)?),
            Slot::RoutingPolicy => Prepared::RoutingPolicy(RoutingPolicyPre::new(pre)?),
            // A version that has this world serves it before asking here.
            Slot::DuplicateRule => {
                return Err(wasmtime::Error::msg(format!(
                    "the {slot} world is not in leadhost:plugin@{}",
                    super::VERSION
                )));
            }
        })
    }

    /// The compiled component.
    pub fn component(&self) -> &wasmtime::component::Component {
        match self {
            Prepared::LeadDefinition(pre) => pre.instance_pre().component(),
            Prepared::NurtureTrack(pre) => pre.instance_pre().component(),
            Prepared::RoutingPolicy(pre) => pre.instance_pre().component(),
        }
    }

    /// A new instance in `store`.
    pub fn instantiate(&self, store: &mut Store<CallState>) -> wasmtime::Result<Instance> {
        Ok(match self {
            Prepared::LeadDefinition(pre) => Instance::LeadDefinition(pre.instantiate(store)?),
            Prepared::NurtureTrack(pre) => Instance::NurtureTrack(pre.instantiate(store)?),
            Prepared::RoutingPolicy(pre) => Instance::RoutingPolicy(pre.instantiate(store)?),
        })
    }
}

/// A live instance of one world of this version.
pub enum Instance {
    /// A lead definition.
    LeadDefinition(LeadDefinition),
    /// A nurture track.
    NurtureTrack(NurtureTrack),
    /// A routing policy.
    RoutingPolicy(RoutingPolicy),
}

impl Instance {
    /// Calls `qualify`, with the plug-in's `fixed` config laid over the
    /// input's. `Err` is a failed call (trap, limit); the answer may still
    /// be a refusal or invalid.
    pub fn qualify(
        &self,
        store: &mut Store<CallState>,
        input: &model::QualifyInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::Qualification>> {
        let Instance::LeadDefinition(bindings) = self else {
            return Ok(Answer::WrongSlot);
        };
        let answer = bindings.call_qualify(store, &inputs::qualify_input(input, fixed))?;
        Ok(Answer::from_guest(answer, model::Qualification::try_from))
    }

    /// Calls `next-step`.
    pub fn next_step(
        &self,
        store: &mut Store<CallState>,
        input: &model::NurtureInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::NurtureStep>> {
        let Instance::NurtureTrack(bindings) = self else {
            return Ok(Answer::WrongSlot);
        };
        let answer = bindings.call_next_step(store, &inputs::nurture_input(input, fixed))?;
        Ok(Answer::from_guest(answer, model::NurtureStep::try_from))
    }

    /// Calls `route`.
    pub fn route(
        &self,
        store: &mut Store<CallState>,
        input: &model::RouteInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::RouteDecision>> {
        let Instance::RoutingPolicy(bindings) = self else {
            return Ok(Answer::WrongSlot);
        };
        let answer = bindings.call_route(store, &inputs::route_input(input, fixed))?;
        Ok(Answer::from_guest(answer, model::RouteDecision::try_from))
    }
}
