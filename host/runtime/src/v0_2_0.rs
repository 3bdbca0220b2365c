//! The host side of WIT `leadhost:plugin@0.2.0` (`wit/v0.2.0`): 0.1.0 plus
//! the lead's campaign context in every slot's input, the lead's previous
//! qualification in `qualify`'s, its phone in the lead record, and the
//! `duplicate-rule` world.
//!
//! Only the inputs changed for 0.1.0's three worlds, so their typed calls,
//! the answers' conversions and the qualification record are 0.1.0's
//! source compiled against this version's generated types; `inputs.rs`,
//! `lead.rs`, `matching.rs` (the new world's call) and `worlds.rs` (the
//! four worlds as one) are this version's own.

// Deliberately the same source as 0.1.0's, compiled against this
// version's generated types.
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/calls.rs"]
mod calls;
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/convert.rs"]
mod convert;
mod inputs;
mod lead;
mod matching;
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/qualification.rs"]
mod qualification;
mod worlds;

pub use calls::add_to_linker;
pub use worlds::{Instance, Prepared};

/// The WIT version this module serves.
pub const VERSION: &str = "0.2.0";

/// The interface of this version's host functions (`log`).
const LOG_INTERFACE: &str = "leadhost:plugin/log@0.2.0";

/// Generated bindings stay private: callers see the model types only.
mod generated {
    pub mod lead_definition {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.2.0",
            world: "lead-definition",
        });
    }
    pub mod nurture_track {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.2.0",
            world: "nurture-track",
            with: {
                "leadhost:plugin/types@0.2.0": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.2.0": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub mod routing_policy {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.2.0",
            world: "routing-policy",
            with: {
                "leadhost:plugin/types@0.2.0": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.2.0": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub mod duplicate_rule {
        wasmtime::component::bindgen!({
            path: "../../wit/v0.2.0",
            world: "duplicate-rule",
            with: {
                "leadhost:plugin/types@0.2.0": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.2.0": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub use lead_definition::leadhost::plugin::{log, types};
}

/// The host interfaces of this version a plug-in may import: `log`, and
/// `types`, which holds only types (toolchains import it for `use`).
pub const GRANTED_IMPORTS: [&str; 2] = [LOG_INTERFACE, "leadhost:plugin/types@0.2.0"];
