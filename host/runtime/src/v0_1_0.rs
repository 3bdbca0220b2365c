//! The host side of WIT `leadhost:plugin@0.1.0`, frozen: its generated
//! bindings, its typed calls and the conversions into the host's model.
//!
//! A later contract version gets a sibling module like this one, with its
//! own `bindgen!` and [`VERSION`]; [`crate::version::WitVersion`] picks the
//! module a component was built against. A sibling compiles the files of
//! this one that its changes leave as they are against its own generated
//! types (`calls.rs`, `convert.rs`, …), and brings its own of the rest.

mod calls;
mod convert;
mod inputs;
mod lead;
mod qualification;

pub use calls::{Instance, Prepared, add_to_linker};

/// The WIT version this module serves.
pub const VERSION: &str = "0.1.0";

/// The interface of this version's host functions (`log`).
const LOG_INTERFACE: &str = "leadhost:plugin/log@0.1.0";

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

/// The host interfaces of this version a plug-in may import: `log`, and
/// `types`, which holds only types (toolchains import it for `use`).
pub const GRANTED_IMPORTS: [&str; 2] = [LOG_INTERFACE, "leadhost:plugin/types@0.1.0"];
