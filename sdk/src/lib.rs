//! `leadhost-sdk`: write a leadhost plug-in in Rust.
//!
//! A plug-in is a WebAssembly component that fills one slot of an org's lead
//! rules: a **lead definition** (`qualify`), a **nurture track** (`next-step`)
//! or a **routing policy** (`route`). This crate gives you the types of the
//! WIT contract (`leadhost:plugin@0.1.0`), builders for the answers, one
//! export macro per world, and the host's `log`.
//!
//! ```
//! use leadhost_sdk::prelude::*;
//!
//! /// Sales-ready when a decision-maker has a budget of at least `min-budget`.
//! pub struct BudgetGate;
//!
//! impl LeadDefinition for BudgetGate {
//!     fn qualify(input: QualifyInput) -> Result<Qualification, String> {
//!         let min_budget = input.config.number("min-budget").unwrap_or(10_000.0);
//!         let lead = &input.lead;
//!         match (lead.budget, lead.authority) {
//!             (Some(budget), Some(Authority::DecisionMaker)) if budget >= min_budget => {
//!                 Ok(Qualification::sales_ready(80).reason(format!("budget {budget} from a decision-maker")))
//!             }
//!             (Some(budget), _) if budget < min_budget => {
//!                 Ok(Qualification::discard(10).reason(format!("budget {budget} below {min_budget}")))
//!             }
//!             _ => Ok(Qualification::nurture(40).track("education").reason("budget or authority unknown")),
//!         }
//!     }
//! }
//!
//! // Exports `BudgetGate` as the component's `qualify` (only when built for Wasm).
//! leadhost_sdk::export_lead_definition!(BudgetGate);
//!
//! // The same logic, tested natively with `cargo test`:
//! let lead = LeadBuilder::new("ada@example.com").budget(50_000.0).authority(Authority::DecisionMaker).build();
//! let verdict = BudgetGate::qualify(QualifyInput::new(lead, Vec::new(), 0)).unwrap();
//! assert_eq!(verdict.stage, Stage::SalesReady);
//! ```
//!
//! Build the component with `cargo build --target wasm32-wasip2 --release`
//! (crate type `cdylib`); the result is a `.wasm` component the host loads.

#![deny(missing_docs)]

mod answers;
mod bindings;
mod fields;
pub mod log;
mod testing;

pub use bindings::lead_definition::Guest as LeadDefinition;
pub use bindings::nurture_track::Guest as NurtureTrack;
pub use bindings::routing_policy::Guest as RoutingPolicy;
pub use bindings::types;
pub use fields::Fields;
pub use testing::LeadBuilder;

#[doc(hidden)]
pub use bindings::{lead_definition, nurture_track, routing_policy};

/// Everything a plug-in usually needs, in one `use`.
pub mod prelude {
    pub use crate::Fields;
    pub use crate::LeadBuilder;
    pub use crate::types::*;
    pub use crate::{LeadDefinition, NurtureTrack, RoutingPolicy};
}

/// Exports a type implementing [`LeadDefinition`] as the component's `qualify`.
///
/// Expands to nothing on native targets, so the same crate can be unit-tested
/// (and benchmarked) natively.
#[macro_export]
macro_rules! export_lead_definition {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::lead_definition::export!($ty with_types_in $crate::lead_definition);
    };
}

/// Exports a type implementing [`NurtureTrack`] as the component's `next-step`.
///
/// Expands to nothing on native targets.
#[macro_export]
macro_rules! export_nurture_track {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::nurture_track::export!($ty with_types_in $crate::nurture_track);
    };
}

/// Exports a type implementing [`RoutingPolicy`] as the component's `route`.
///
/// Expands to nothing on native targets.
#[macro_export]
macro_rules! export_routing_policy {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::routing_policy::export!($ty with_types_in $crate::routing_policy);
    };
}
