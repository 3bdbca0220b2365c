//! The host side of WIT `leadhost:plugin@0.1.0`, frozen: its generated
//! bindings, its typed calls and the conversions into the host's model.
//!
//! A later contract version gets a sibling module like this one; the
//! [`super::plugin`] code dispatches on the version a component was built for.

mod convert;

use wasmtime::component::{InstancePre, Linker, WasmStr};
use wasmtime::{AsContext, Store, StoreContextMut};

use super::sandbox::{CallState, GuestLevel};
use super::{Slot, answer::Answer};
use leadhost_model as model;

/// The WIT version this module serves.
pub const VERSION: &str = "0.1.0";

/// Generated bindings stay private: callers see the model types only.
mod generated {
    pub mod lead_definition {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.1.0",
            world: "lead-definition",
        });
    }
    pub mod nurture_track {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.1.0",
            world: "nurture-track",
            with: {
                "leadhost:plugin/types@0.1.0": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.1.0": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub mod routing_policy {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.1.0",
            world: "routing-policy",
            with: {
                "leadhost:plugin/types@0.1.0": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.1.0": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub use lead_definition::leadhost::plugin::{log, types};
}

use generated::lead_definition::{LeadDefinition, LeadDefinitionPre};
use generated::nurture_track::{NurtureTrack, NurtureTrackPre};
use generated::routing_policy::{RoutingPolicy, RoutingPolicyPre};

/// Adds this version's host interface (`log`) to the linker. The message
/// is taken as a view of guest memory: only the part kept (the call's
/// line cap) is copied, the whole length is charged to the call's fuel, and
/// a message over the call's transfer limit traps before anything is
/// copied (see `Plugin::new_store`).
pub fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    use generated::log::Level;
    linker.instance("leadhost:plugin/log@0.1.0")?.func_wrap(
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

/// The host interfaces of this version a plug-in may import: `log`, and
/// `types`, which holds only types (toolchains import it for `use`).
pub const GRANTED_IMPORTS: [&str; 2] = ["leadhost:plugin/log@0.1.0", "leadhost:plugin/types@0.1.0"];

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
        let answer = bindings.call_qualify(store, &convert::qualify_input(input, fixed))?;
        Ok(Answer::from_guest(answer, convert::qualification))
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
        let answer = bindings.call_next_step(store, &convert::nurture_input(input, fixed))?;
        Ok(Answer::from_guest(answer, convert::nurture_step))
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
        let answer = bindings.call_route(store, &convert::route_input(input, fixed))?;
        Ok(Answer::from_guest(answer, convert::route_decision))
    }
}
