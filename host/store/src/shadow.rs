//! Shadow decisions: what a candidate version answered beside the live one
//! on a live call, never acted on. Kept per org and slot, newest first, at
//! most [`SHADOWS_KEPT`] (the oldest go first).

use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Outcome, StoreError};
use leadhost_model::{ContentHash, Slot};

/// Shadow decisions kept per org and slot: enough for a report on weeks of
/// a busy org's traffic, bounded so a shadow left running for a year does
/// not fill the disk.
pub const SHADOWS_KEPT: usize = 10_000;

/// A shadow version's answer on one live call, beside the live answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShadowDecision {
    /// The lead.
    pub lead: String,
    /// The slot called.
    pub slot: Slot,
    /// The live call's time (the input's `now`).
    pub at: DateTime<Utc>,
    /// The input both saw (its digest; the input itself is recorded).
    pub input_digest: String,
    /// The live version's name.
    pub live_plugin: String,
    /// The live version's sha256.
    #[schema(value_type = String)]
    pub live_hash: ContentHash,
    /// What the live version answered (acted on).
    #[schema(value_type = Object)]
    pub live: Outcome,
    /// The live version's reasons.
    pub live_reasons: Vec<String>,
    /// The shadow's name.
    pub shadow_plugin: String,
    /// The shadow's sha256.
    #[schema(value_type = String)]
    pub shadow_hash: ContentHash,
    /// The WIT version the shadow was built against.
    pub wit_version: String,
    /// The digest of the config the shadow ran with (the slot's, with its
    /// `shadow_config` laid over).
    pub config_digest: String,
    /// What the shadow answered (never acted on).
    #[schema(value_type = Object)]
    pub shadow: Outcome,
    /// The shadow's reasons.
    pub shadow_reasons: Vec<String>,
    /// Whether both reached the same verdict (lead definition: the stage;
    /// routing: the decision and rep or queue; nurture: the same answer).
    pub agree: bool,
    /// The shadow call's wall-clock time, in microseconds.
    pub duration_us: u64,
}

/// The shadow decisions a store keeps.
pub trait ShadowStore {
    /// Records a shadow decision of `org` (not waiting for a flush: a shadow
    /// decision lost in a crash loses nothing acted on).
    fn put_shadow(&self, org: &str, decision: &ShadowDecision) -> Result<(), StoreError>;
    /// Calls `visit` with `org`'s shadow decisions of `slot`, newest first,
    /// until it breaks.
    fn shadows(
        &self,
        org: &str,
        slot: Slot,
        visit: &mut dyn FnMut(ShadowDecision) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;
}
