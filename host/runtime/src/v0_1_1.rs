//! The host side of the TEST-ONLY WIT `leadhost:plugin@0.1.1`
//! (`tests/wit/v0.1.1`: 0.1.0 plus an optional `note` on the
//! qualification), compiled only with the `test-wit-0-1-1` feature. It is
//! how the tests prove that the host loads components built against two
//! versions side by side and records which one answered; the real next
//! version (0.2.0) will get a module like it.
//!
//! Only the qualification record changed, so the typed calls and every
//! other conversion are 0.1.0's source compiled against this version's
//! generated types; `qualification.rs` is this version's own.

// Deliberately the same source as 0.1.0's, compiled against this
// version's generated types.
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/calls.rs"]
mod calls;
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/convert.rs"]
mod convert;
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/inputs.rs"]
mod inputs;
#[allow(clippy::duplicate_mod)]
#[path = "v0_1_0/lead.rs"]
mod lead;
mod qualification;

pub use calls::{Instance, Prepared, add_to_linker};

/// The WIT version this module serves.
pub const VERSION: &str = "0.1.1";

/// The interface of this version's host functions (`log`).
const LOG_INTERFACE: &str = "leadhost:plugin/log@0.1.1";

/// Generated bindings stay private: callers see the model types only.
mod generated {
    pub mod lead_definition {
        wasmtime::component::bindgen!({
            path: "../../tests/wit/v0.1.1",
            world: "lead-definition",
        });
    }
    pub mod nurture_track {
        wasmtime::component::bindgen!({
            path: "../../tests/wit/v0.1.1",
            world: "nurture-track",
            with: {
                "leadhost:plugin/types@0.1.1": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.1.1": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub mod routing_policy {
        wasmtime::component::bindgen!({
            path: "../../tests/wit/v0.1.1",
            world: "routing-policy",
            with: {
                "leadhost:plugin/types@0.1.1": super::lead_definition::leadhost::plugin::types,
                "leadhost:plugin/log@0.1.1": super::lead_definition::leadhost::plugin::log,
            },
        });
    }
    pub use lead_definition::leadhost::plugin::{log, types};
}

/// The host interfaces of this version a plug-in may import: `log`, and
/// `types`, which holds only types (toolchains import it for `use`).
pub const GRANTED_IMPORTS: [&str; 2] = [LOG_INTERFACE, "leadhost:plugin/types@0.1.1"];
