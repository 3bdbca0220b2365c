//! `leadhost-sdk`: write a leadhost plug-in in Rust.
//!
//! A plug-in is a WebAssembly component that fills one slot of an org's lead
//! rules: a **lead definition** (`qualify`), a **nurture track** (`next-step`)
//! or a **routing policy** (`route`). This crate gives you the types of the
//! WIT contract (`leadhost:plugin@0.1.0`; `0.2.0`, whose inputs carry the
//! lead's campaign context, with the `wit-0-2` feature), builders for the answers, one
//! export macro per world, typed look-ups in config and custom fields
//! ([`Fields`]), timestamp arithmetic ([`time`]) and the host's `log`.
//!
//! ```
//! use leadhost_sdk::prelude::*;
//!
//! /// Sales-ready when a decision-maker has a budget of at least `min-budget`.
//! pub struct BudgetGate;
//!
//! impl LeadDefinition for BudgetGate {
//!     fn qualify(input: QualifyInput) -> Result<Qualification, String> {
//!         // Missing: the default; set but not a number: an error naming the key.
//!         let min_budget = input.config.number_or("min-budget", 10_000.0)?;
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
//! // Exports `BudgetGate` as the component's `qualify` (only when built for
//! // Wasm); a path such as `crate::rules::BudgetGate` works as well.
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
mod export;
mod field_error;
mod fields;
pub mod log;
mod testing;
pub mod time;

// The three slots: implement one and export it with its macro.

/// The `duplicate-rule` world (WIT 0.2.0, the `wit-0-2` feature):
/// implement `match_lead`, export with [`export_duplicate_rule!`].
#[cfg(feature = "wit-0-2")]
pub use bindings::duplicate_rule::Guest as DuplicateRule;
/// The `lead-definition` world: implement `qualify`, export with [`export_lead_definition!`].
pub use bindings::lead_definition::Guest as LeadDefinition;
/// The `nurture-track` world: implement `next_step`, export with [`export_nurture_track!`].
pub use bindings::nurture_track::Guest as NurtureTrack;
/// The `routing-policy` world: implement `route`, export with [`export_routing_policy!`].
pub use bindings::routing_policy::Guest as RoutingPolicy;

// The SDK's own helpers.

/// The kind of value a typed look-up expected.
pub use field_error::Expected;
/// A named value present but of the wrong kind; names its key.
pub use field_error::FieldError;
/// Typed look-ups in config and custom fields.
pub use fields::Fields;
/// Builds a lead by hand, for native tests.
pub use testing::LeadBuilder;

// The WIT contract's types (`leadhost:plugin/types@0.1.0`), each named so
// that a new WIT type is a decision here, not a surprise in every plug-in.

/// The WIT `types` interface as a module, for `types::Lead`-style paths.
pub use bindings::types;
/// One thing the lead did.
pub use bindings::types::Activity;
/// What kind of thing the lead did.
pub use bindings::types::ActivityKind;
/// An assignment to a rep.
pub use bindings::types::Assignment;
/// How much say the contact has in the purchase.
pub use bindings::types::Authority;
/// A task for a person to call the lead.
pub use bindings::types::CallTask;
/// A campaign as it bears on the lead (WIT 0.2.0, the `wit-0-2` feature).
#[cfg(feature = "wit-0-2")]
pub use bindings::types::CampaignContext;
/// How a campaign bears on the lead: first, latest or targeted (WIT
/// 0.2.0, the `wit-0-2` feature).
#[cfg(feature = "wit-0-2")]
pub use bindings::types::CampaignTouch;
/// A lead the host found sharing a blocking key with a new lead (WIT
/// 0.2.0, the `wit-0-2` feature).
#[cfg(feature = "wit-0-2")]
pub use bindings::types::Candidate;
/// One candidate a duplicate rule takes for the same person or account
/// (WIT 0.2.0, the `wit-0-2` feature).
#[cfg(feature = "wit-0-2")]
pub use bindings::types::Duplicate;
/// One named value: a config entry or a custom field.
pub use bindings::types::Field;
/// A lead as the host knows it at the time of the call.
pub use bindings::types::Lead;
/// The input of `match-lead` (WIT 0.2.0, the `wit-0-2` feature).
#[cfg(feature = "wit-0-2")]
pub use bindings::types::MatchInput;
/// How strongly the contact's organization needs what is sold.
pub use bindings::types::Need;
/// One thing a nurture track wants done.
pub use bindings::types::NurtureAction;
/// The input of `next-step`.
pub use bindings::types::NurtureInput;
/// A nurture track's answer.
pub use bindings::types::NurtureStep;
/// A lead definition's answer: the stage and why.
pub use bindings::types::Qualification;
/// The input of `qualify`.
pub use bindings::types::QualifyInput;
/// A question asked in a touch.
pub use bindings::types::Question;
/// A hand-off to a named queue.
pub use bindings::types::Queued;
/// A rep a lead may be routed to, with live load.
pub use bindings::types::Rep;
/// A routing policy's answer.
pub use bindings::types::RouteDecision;
/// The input of `route`.
pub use bindings::types::RouteInput;
/// A config entry's or custom field's value: text, number or flag.
pub use bindings::types::Scalar;
/// A lead definition's verdict: sales-ready, nurture or discard.
pub use bindings::types::Stage;
/// A point in time: milliseconds since the Unix epoch (UTC); see [`time`].
pub use bindings::types::Timestamp;
/// A message to send to the lead.
pub use bindings::types::Touch;
/// Where a lead stands on its nurture track.
pub use bindings::types::TrackState;

#[doc(hidden)]
#[cfg(feature = "wit-0-2")]
pub use bindings::duplicate_rule;
#[doc(hidden)]
pub use bindings::{lead_definition, nurture_track, routing_policy};

/// Everything a plug-in usually needs, in one `use`: the slot traits, the
/// WIT types, [`Fields`] and [`FieldError`], [`LeadBuilder`] and the
/// [`time`] module.
pub mod prelude {
    pub use crate::time;
    pub use crate::{
        Activity, ActivityKind, Assignment, Authority, CallTask, Field, Lead, Need, NurtureAction,
        NurtureInput, NurtureStep, Qualification, QualifyInput, Question, Queued, Rep,
        RouteDecision, RouteInput, Scalar, Stage, Timestamp, Touch, TrackState,
    };
    #[cfg(feature = "wit-0-2")]
    pub use crate::{
        CampaignContext, CampaignTouch, Candidate, Duplicate, DuplicateRule, MatchInput,
    };
    pub use crate::{Expected, FieldError, Fields, LeadBuilder};
    pub use crate::{LeadDefinition, NurtureTrack, RoutingPolicy};
}
