//! What a track's touch or call leaves behind: an event on the timeline, an
//! outbox message for the webhooks, and for a call a task to list.

use super::change::Change;
use crate::model::{NurtureAction, TrackState};
use crate::store::{CallTask, EventKind, OutboxKind};

/// Records a `SendTouch` or `CreateCallTask` action of the step that led to
/// `state`; any other action is ignored.
pub(super) fn record(change: &mut Change, action: &NurtureAction, state: &TrackState) {
    match action {
        NurtureAction::SendTouch {
            channel,
            content,
            question,
        } => {
            change.event(EventKind::TouchSent {
                channel: channel.clone(),
                content: content.clone(),
                question: question.clone(),
            });
        }
        NurtureAction::CreateCallTask { assignee, reason } => {
            // One task per lead, track and step: a re-run of the step
            // replaces it rather than adding a second call.
            let task = CallTask {
                id: format!("{}.{}.{}", change.record.id(), state.track, state.step),
                lead: change.record.id().to_string(),
                assignee: assignee.clone(),
                reason: reason.clone(),
                at: change.now,
                done_at: None,
            };
            change.event(EventKind::CallTaskCreated {
                task: task.id.clone(),
                assignee: assignee.clone(),
                reason: reason.clone(),
            });
            change.call_task(task);
        }
        _ => return,
    }
    change.outbox(OutboxKind::Touch {
        action: action.clone(),
    });
}
