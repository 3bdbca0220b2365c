//! Nurture: a lead on its track, the track's steps (touches, call tasks,
//! wake-ups, a hand-off to sales or a discard), and a lead passed back to
//! marketing. Each step says which move comes next ([`Next`]).

use super::call::call;
use super::campaigns::{campaign_context, sees_campaigns};
use super::change::Change;
use super::inputs::{activities, latest_qualification};
use super::lifecycle::Next;
use super::touches;
use super::{EngineError, Shared};
use crate::model::{NurtureAction, NurtureInput, NurtureStep, Qualification, Stage, TrackState};
use crate::runtime::Slot;
use crate::store::LeadStage;

/// Puts a lead the lead definition wants nurtured on its track.
pub(super) fn start_nurture(
    shared: &Shared,
    change: &mut Change,
    qualification: &Qualification,
) -> Result<Next, EngineError> {
    let track = qualification
        .track
        .clone()
        .unwrap_or_else(|| shared.default_track(&change.record.org));
    let state = match change.record.track.take() {
        Some(state) if state.track == track => state,
        _ => TrackState {
            track,
            step: 0,
            data: String::new(),
        },
    };
    let stage = LeadStage::Nurturing {
        track: state.track.clone(),
        step: state.step,
    };
    change.record.track = Some(state);
    change.move_to(stage, "the lead definition says nurture")?;
    Ok(Next::Nurture)
}

/// Passes a lead back to marketing and starts nurturing it. Whoever passed
/// it back overrides the lead definition's verdict until new activity
/// re-qualifies it, so the track does not hand it straight back to sales.
pub(super) fn recycle(
    shared: &Shared,
    change: &mut Change,
    reason: String,
    cause: &str,
) -> Result<Next, EngineError> {
    change.move_to(
        LeadStage::Recycled {
            reason: reason.clone(),
        },
        cause,
    )?;
    change.record.owner = None;
    // Back with marketing, the lead starts afresh with sales next time.
    change.record.lapsed_reps.clear();
    let previous = latest_qualification(change);
    change.record.qualification = Some(Qualification {
        stage: Stage::Nurture,
        score: previous.score,
        segment: previous.segment,
        track: Some(shared.default_track(&change.record.org)),
        reasons: vec![format!("passed back to marketing: {reason}")],
    });
    Ok(Next::Nurture)
}

/// Calls the nurture track for a nurturing (or just recycled) lead and
/// applies what it wants done.
pub(super) fn nurture(shared: &Shared, change: &mut Change) -> Result<Next, EngineError> {
    let qualification = latest_qualification(change);
    let state = match (&change.record.stage, change.record.track.clone()) {
        (LeadStage::Nurturing { .. }, Some(state)) => state,
        _ => TrackState {
            track: qualification
                .track
                .clone()
                .unwrap_or_else(|| shared.default_track(&change.record.org)),
            step: 0,
            data: String::new(),
        },
    };
    // Kept even if the call fails, so a re-run resumes from this state.
    change.record.track = Some(state.clone());
    let Some(step) = call_track(shared, change, state)? else {
        return Ok(Next::Rest);
    };
    let mut wake = step.wake_at;
    let mut leave = None;
    for action in &step.actions {
        match action {
            NurtureAction::SendTouch { .. } | NurtureAction::CreateCallTask { .. } => {
                touches::record(change, action, &step.state);
            }
            NurtureAction::Wait | NurtureAction::MoveToTrack { .. } => {}
            NurtureAction::Finish { .. } => wake = None,
            NurtureAction::HandToSales { reason } => leave = Some((true, reason.clone())),
            NurtureAction::Discard { reason } => leave = Some((false, reason.clone())),
        }
    }
    let stage = LeadStage::Nurturing {
        track: step.state.track.clone(),
        step: step.state.step,
    };
    change.record.track = Some(step.state);
    change.move_to(stage, "the nurture track took a step")?;
    match leave {
        Some((true, reason)) => Ok(Next::ToSales(reason)),
        Some((false, reason)) => {
            change.wake_at(None);
            change.move_to(
                LeadStage::Discarded { reason },
                "the nurture track discarded it",
            )?;
            Ok(Next::Rest)
        }
        None => {
            let wake = earliest_wake(shared, change, wake);
            change.wake_at(wake);
            Ok(Next::Rest)
        }
    }
}

/// A wake-up a plug-in asked for, held to the engine's minimum interval.
/// One step may ask to be called again at once (a track that moves a lead
/// to another track does), but a track that asks for it on every step (or
/// asks for a time in the past) would run its leads' steps in a loop and
/// take the scheduler from every other org: from the second quick wake-up
/// in a row, the wake-up is moved to the minimum interval from now, and
/// counted (`leadhost_nurture_wake_clamped_total`).
pub(super) fn earliest_wake(
    shared: &Shared,
    change: &mut Change,
    wake: Option<crate::model::Time>,
) -> Option<crate::model::Time> {
    let earliest = change.now + shared.config.min_wake;
    let at = wake?;
    if at >= earliest {
        change.record.quick_wakes = 0;
        return Some(at);
    }
    change.record.quick_wakes = change.record.quick_wakes.saturating_add(1);
    if change.record.quick_wakes == 1 {
        return Some(at.max(change.now));
    }
    metrics::counter!("leadhost_nurture_wake_clamped_total", "org" => change.record.org.clone())
        .increment(1);
    tracing::debug!(org = %change.record.org, lead = change.record.id(), asked = %at, "wake-up moved to the minimum interval");
    Some(earliest)
}

/// Calls the nurture-track plug-in for the lead on `state`, with the
/// track's values from `org.toml` over the slot's config; `None` when the
/// call failed (the lead is in needs-review).
pub(super) fn call_track(
    shared: &Shared,
    change: &mut Change,
    state: TrackState,
) -> Result<Option<NurtureStep>, EngineError> {
    let qualification = latest_qualification(change);
    let activities = activities(shared, change)?;
    let (lead, now) = (change.record.lead.clone(), change.now);
    // The track's own values from `org.toml` go over the slot's config.
    let track_config = shared
        .settings
        .nurture(&change.record.org)
        .tracks
        .remove(&state.track)
        .unwrap_or_default();
    let campaigns = if sees_campaigns(shared, &change.record.org, Slot::NurtureTrack) {
        campaign_context(shared, &change.record, now)?
    } else {
        Vec::new()
    };
    let made = call(shared, change, |mut config| {
        config.extend(track_config);
        NurtureInput {
            lead,
            activities,
            qualification,
            campaigns,
            state,
            config,
            now,
        }
    })?;
    Ok(made.map(|(step, _)| step))
}
