//! The light track a lead can stay on after sales has it (`[nurture]
//! after_hand_off` in `org.toml`, e.g. `stay-in-touch`): newsletter-style
//! touches that never compete with the owner. Its steps send touches and
//! wait; anything else a track asks for (a call, a hand-off, a discard, a
//! move) is left to the owner and not done. The lead's stage is never
//! changed by it, and it stops when the deal is won or lost.

use super::change::Change;
use super::nurture::{call_track, earliest_wake};
use super::touches;
use super::{EngineError, Shared};
use crate::model::{NurtureAction, TrackState};
use crate::store::StageKind;

/// How long after the hand-off the first keep-in-touch step comes: the
/// owner has the lead to themselves first.
pub const FIRST_STEP_AFTER: chrono::Duration = chrono::Duration::days(14);

/// How long after a failed keep-in-touch call the step is tried again.
const RETRY_AFTER: chrono::Duration = chrono::Duration::days(1);

/// The org's keep-in-touch track, if it has one.
fn track_of(shared: &Shared, org: &str) -> Option<String> {
    shared.settings.nurture(org).after_hand_off
}

/// Puts a lead just assigned to a rep on the org's keep-in-touch track, if
/// the org has one.
pub(super) fn start(shared: &Shared, change: &mut Change) {
    let Some(track) = track_of(shared, &change.record.org) else {
        return;
    };
    change.record.track = Some(TrackState {
        track,
        step: 0,
        data: String::new(),
    });
    change.wake_at(Some(change.now + FIRST_STEP_AFTER));
}

/// Whether a due lead with sales is on the keep-in-touch track.
pub(super) fn applies(shared: &Shared, change: &Change) -> bool {
    let stage = change.record.stage.kind();
    matches!(stage, StageKind::Assigned | StageKind::Accepted)
        && change
            .record
            .track
            .as_ref()
            .zip(track_of(shared, &change.record.org))
            .is_some_and(|(state, track)| state.track == track)
}

/// Takes the next keep-in-touch step of a lead sales has.
pub(super) fn step(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let Some(state) = change.record.track.clone() else {
        return Ok(());
    };
    let track = state.track.clone();
    let Some(step) = call_track(shared, change, state)? else {
        // The failed call is on the timeline; try again later rather than
        // every tick.
        change.wake_at(Some(change.now + RETRY_AFTER));
        return Ok(());
    };
    let mut wake = step.wake_at;
    for action in &step.actions {
        match action {
            NurtureAction::SendTouch { .. } => touches::record(change, action, &step.state),
            NurtureAction::Finish { .. } => wake = None,
            _ => {}
        }
    }
    change.record.track = Some(TrackState {
        track,
        ..step.state
    });
    let wake = earliest_wake(shared, change, wake);
    change.wake_at(wake);
    Ok(())
}
