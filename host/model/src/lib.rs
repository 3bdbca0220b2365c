//! The host's own types for leads and plug-in answers — the JSON shapes of
//! `leadhost eval` and the HTTP API — with what names a plug-in version
//! (its [`Slot`] and [`ContentHash`]) and where time comes from ([`clock`]).
//!
//! Owns: the vocabulary every layer shares. Must not know: Wasm (wasmtime),
//! storage (sled), HTTP (axum) or any other leadhost crate; every crate
//! depends on this one and it depends on none of them.
//!
//! These are the latest, version-free types. Each frozen WIT version has a
//! module in the runtime converting them to and from its generated
//! bindings, so a new contract version changes conversions, not callers.

mod campaign;
pub mod clock;
pub mod config_values;
mod identity;
mod lead;
mod matching;
mod nurture;
mod qualification;
mod routing;

pub use campaign::{
    Campaign, CampaignContext, CampaignTarget, CampaignTouch, TargetMatcher, TargetProbe,
};
pub use identity::{ContentHash, PluginId, Slot};

pub use lead::{Activity, ActivityKind, Authority, Config, Lead, Need, Scalar};
pub use matching::{Candidate, Duplicate, Duplicates, MatchInput};
pub use nurture::{NurtureAction, NurtureInput, NurtureStep, Question, TrackState};
pub use qualification::{Qualification, QualifyInput, Stage};
pub use routing::{Absence, Rep, RouteDecision, RouteInput};

/// A point in time, as RFC 3339 text in JSON.
pub type Time = chrono::DateTime<chrono::Utc>;

/// A plug-in's input: one of the slots' inputs.
pub trait PluginInput: serde::de::DeserializeOwned + serde::Serialize {
    /// The time of the call; the guest's clocks read it.
    fn now(&self) -> Time;
    /// The lead the call is about (for logs and the guest's random seed).
    fn lead_id(&self) -> &str;
}

impl PluginInput for QualifyInput {
    fn now(&self) -> Time {
        self.now
    }
    fn lead_id(&self) -> &str {
        &self.lead.id
    }
}

impl PluginInput for NurtureInput {
    fn now(&self) -> Time {
        self.now
    }
    fn lead_id(&self) -> &str {
        &self.lead.id
    }
}

impl PluginInput for MatchInput {
    fn now(&self) -> Time {
        self.now
    }
    fn lead_id(&self) -> &str {
        &self.lead.id
    }
}

impl PluginInput for RouteInput {
    fn now(&self) -> Time {
        self.now
    }
    fn lead_id(&self) -> &str {
        &self.lead.id
    }
}
