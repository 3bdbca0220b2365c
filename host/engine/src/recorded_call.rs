//! Calling a plug-in version on an input as it was recorded: the one step
//! replays and backtests share. The input goes in exactly as the live call
//! built it (its JSON, typed by slot), so the sandbox sees the same lead,
//! time, config and candidates, and seeds its clock and random the same.

use crate::model::{MatchInput, NurtureInput, QualifyInput, RouteInput};
use crate::runtime::{CallContext, Plugin, PluginError, Slot, SlotInput};

/// What a call on a recorded input came to, as a decision records it.
#[derive(Debug, Clone, PartialEq)]
pub enum CallResult {
    /// The answer, as JSON (the decision's `output`).
    Decided(serde_json::Value),
    /// The call failed: its code (`trap`, `out-of-fuel`, ...) and message.
    Failed {
        /// The decision's `code`.
        code: String,
        /// What went wrong.
        error: String,
    },
}

/// The recorded input could not be read as its slot's input.
#[derive(Debug, thiserror::Error)]
#[error("the recorded {slot} input does not read as one: {source}")]
pub struct UnreadableInput {
    /// The slot the input was recorded for.
    pub slot: Slot,
    /// Why.
    #[source]
    pub source: serde_json::Error,
}

/// Calls `plugin` (for `org`) on the recorded input `json` of `slot`, on
/// a fresh instance as live calls are.
pub fn call_recorded(
    plugin: &Plugin,
    org: &str,
    slot: Slot,
    json: &[u8],
) -> Result<CallResult, UnreadableInput> {
    let context = CallContext::for_org(org);
    match slot {
        Slot::LeadDefinition => typed::<QualifyInput>(plugin, &context, json),
        Slot::NurtureTrack => typed::<NurtureInput>(plugin, &context, json),
        Slot::RoutingPolicy => typed::<RouteInput>(plugin, &context, json),
        Slot::DuplicateRule => typed::<MatchInput>(plugin, &context, json),
    }
}

fn typed<I>(
    plugin: &Plugin,
    context: &CallContext,
    json: &[u8],
) -> Result<CallResult, UnreadableInput>
where
    I: SlotInput + serde::de::DeserializeOwned,
    I::Output: serde::Serialize,
{
    let input: I = serde_json::from_slice(json).map_err(|source| UnreadableInput {
        slot: I::SLOT,
        source,
    })?;
    Ok(match plugin.call(context, &input) {
        Ok(called) => CallResult::Decided(serde_json::to_value(&called.value).unwrap_or_default()),
        Err(PluginError { cause, .. }) => CallResult::Failed {
            code: cause.code().to_string(),
            error: format!("plug-in {}: {cause}", plugin.id()),
        },
    })
}
