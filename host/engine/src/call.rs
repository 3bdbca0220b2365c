//! Calling an org's plug-in for a lead, and recording the call's provenance
//! whatever comes of it. A failed call never loses the lead: it moves to
//! needs-review with the error.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::change::Change;
use super::shadow::ShadowCall;
use super::{EngineError, Shared};
use crate::model::{
    Activity, Config, NurtureAction, NurtureInput, NurtureStep, Qualification, QualifyInput,
    RouteDecision, RouteInput,
};
use crate::runtime::{CallContext, Called, PluginError, SlotInput};
use crate::store::{Decision, LeadStage, Outcome, RecordedInput, RoutingView, Spliced};

/// What a decision's reasons are, for each slot's answer.
pub(super) trait Explained: Serialize {
    /// The human-readable reasons.
    fn reasons(&self) -> Vec<String>;
}

impl Explained for Qualification {
    fn reasons(&self) -> Vec<String> {
        self.reasons.clone()
    }
}

impl Explained for RouteDecision {
    fn reasons(&self) -> Vec<String> {
        match self {
            RouteDecision::Assign { reasons, .. } => reasons.clone(),
            RouteDecision::Queue { reason, .. } | RouteDecision::ReturnToMarketing { reason } => {
                vec![reason.clone()]
            }
        }
    }
}

impl Explained for NurtureStep {
    fn reasons(&self) -> Vec<String> {
        self.actions
            .iter()
            .filter_map(|action| match action {
                NurtureAction::HandToSales { reason }
                | NurtureAction::Discard { reason }
                | NurtureAction::Finish { reason }
                | NurtureAction::CreateCallTask { reason, .. } => Some(reason.clone()),
                NurtureAction::MoveToTrack { track } => Some(format!("moved to track {track}")),
                NurtureAction::SendTouch { .. } | NurtureAction::Wait => None,
            })
            .collect()
    }
}

/// What a decision keeps of its input beyond the digest, to explain it.
pub(super) trait Shown: SlotInput {
    /// The routing view, for routing inputs; `chosen` is the answer, if any.
    fn routing_view(&self, _chosen: Option<&Self::Output>) -> Option<RoutingView> {
        None
    }

    /// The lead's activities the input holds (all of them so far, in
    /// timeline order), which its record leaves out and splices back in.
    fn activities(&self) -> &[Activity] {
        &[]
    }
}

impl Shown for QualifyInput {
    fn activities(&self) -> &[Activity] {
        &self.activities
    }
}

impl Shown for NurtureInput {
    fn activities(&self) -> &[Activity] {
        &self.activities
    }
}

impl Shown for RouteInput {
    fn routing_view(&self, chosen: Option<&RouteDecision>) -> Option<RoutingView> {
        let rep = match chosen {
            Some(RouteDecision::Assign { rep, .. }) => Some(rep.as_str()),
            _ => None,
        };
        Some(RoutingView::of(self, rep))
    }
}

/// Calls the plug-in active in `I`'s slot for the lead's org with the input
/// `build` makes from the org's config. Records a decision either way; on
/// failure moves the lead to needs-review and returns `None`.
pub(super) fn call<I>(
    shared: &Shared,
    change: &mut Change,
    build: impl FnOnce(Config) -> I,
) -> Result<Option<(I::Output, u64)>, EngineError>
where
    I: Shown,
    I::Output: Explained,
{
    let slot = I::SLOT;
    let org = change.record.org.clone();
    let Some(active) = shared.plugins.active(&org, slot) else {
        let error = format!("org {org} has no {slot} plug-in active");
        metrics::counter!("leadhost_plugin_failures_total", "org" => org.clone(), "slot" => slot.world(), "code" => "none-configured")
            .increment(1);
        to_review(change, slot, "none-configured", error, "no plug-in to call")?;
        return Ok(None);
    };
    let input = build(active.config.clone());
    let json = serde_json::to_vec(&input).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(&json));
    let plugin = &active.plugin;
    let (lead, now) = (change.record.id().to_string(), change.now);
    // The shadow sees the same input, after the live decision.
    let shadow = shared
        .plugins
        .shadow(&org, slot)
        .map(|shadow| (shadow, json.clone()));
    // Kept with the decision, whatever comes of the call: a failed call is
    // replayed too.
    change.input(RecordedInput {
        org: org.clone(),
        digest: digest.clone(),
        slot,
        at: now,
        lead: lead.clone(),
        activities: spliced(&json, input.activities()),
        json,
    });
    let result = plugin.call(&CallContext::for_org(&org), &input);
    let decision = |outcome, reasons, routing, duration_us, fuel_used| Decision {
        org: org.clone(),
        lead: lead.clone(),
        slot,
        plugin: plugin.id().name.clone(),
        plugin_hash: plugin.id().hash,
        wit_version: plugin.wit_version().to_string(),
        input_digest: digest.clone(),
        config_digest: active.config_digest.clone(),
        outcome,
        reasons,
        routing,
        duration_us,
        fuel_used,
        at: now,
    };
    let outcome = if result.is_ok() { "decided" } else { "failed" };
    metrics::counter!("leadhost_plugin_calls_total", "org" => org.clone(), "slot" => slot.world(), "outcome" => outcome)
        .increment(1);
    match result {
        Ok(Called {
            value,
            duration,
            fuel_used,
        }) => {
            let output = serde_json::to_value(&value).unwrap_or_default();
            let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
            metrics::histogram!("leadhost_plugin_call_duration_seconds", "slot" => slot.world())
                .record(duration.as_secs_f64());
            let made = decision(
                Outcome::Decided { output },
                value.reasons(),
                input.routing_view(Some(&value)),
                micros,
                fuel_used,
            );
            if let Some((shadow, input)) = shadow {
                change.shadow(ShadowCall {
                    org: org.clone(),
                    live: made.clone(),
                    input,
                    shadow,
                });
            }
            let seq = change.decision(made);
            Ok(Some((value, seq)))
        }
        Err(PluginError { cause, .. }) => {
            let error = format!("plug-in {}: {cause}", plugin.id());
            let code = cause.code().to_string();
            metrics::counter!("leadhost_plugin_failures_total", "org" => org.clone(), "slot" => slot.world(), "code" => code.clone())
                .increment(1);
            let failed = decision(
                Outcome::Failed {
                    code: code.clone(),
                    error: error.clone(),
                },
                Vec::new(),
                input.routing_view(None),
                0,
                0,
            );
            if let Some((shadow, input)) = shadow {
                change.shadow(ShadowCall {
                    org: org.clone(),
                    live: failed.clone(),
                    input,
                    shadow,
                });
            }
            change.decision(failed);
            tracing::warn!(%org, lead = change.record.id(), %slot, %error, "plug-in call failed; lead needs review");
            to_review(change, slot, &code, error, "the plug-in call failed")?;
            Ok(None)
        }
    }
}

/// Where `activities` sit in `json` (the input they were serialized in),
/// for its record to leave them out: the lead's timeline holds them.
fn spliced(json: &[u8], activities: &[Activity]) -> Option<Spliced> {
    if activities.is_empty() {
        return None;
    }
    let array = serde_json::to_vec(activities).ok()?;
    let key = b"\"activities\":";
    let start = json
        .windows(key.len())
        .enumerate()
        .filter(|(_, window)| *window == key)
        .map(|(at, _)| at + key.len())
        .find(|start| json.get(*start..start + array.len()) == Some(array.as_slice()))?;
    Some(Spliced {
        start,
        end: start + array.len(),
        count: activities.len(),
    })
}

/// Moves the lead to needs-review after a failed call — unless sales has
/// it: a failed keep-in-touch step must not take a lead from its owner, so
/// there the failure stays on the timeline (as the failed decision) only.
fn to_review(
    change: &mut Change,
    slot: crate::runtime::Slot,
    code: &str,
    error: String,
    cause: &str,
) -> Result<(), EngineError> {
    if change.record.stage.kind().with_sales() {
        return Ok(());
    }
    change.move_to(needs_review(slot, code, error), cause)?;
    Ok(())
}

/// The needs-review stage for a failed call of `slot`.
pub(super) fn needs_review(slot: crate::runtime::Slot, code: &str, error: String) -> LeadStage {
    LeadStage::NeedsReview {
        slot,
        code: code.to_string(),
        error,
    }
}
