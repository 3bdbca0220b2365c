//! Conversions between the host's model and the WIT types of every part of
//! the contract that has not changed since 0.1.0: a lead's activity and
//! config, and the answers, checked against the contract on the way in.
//! The slots' inputs are `inputs.rs`, the lead record `lead.rs`.
//!
//! A later version whose other types are unchanged compiles this same file
//! against its own generated types (`#[path]` in its module) and brings its
//! own conversions of what changed (`qualification.rs` in 0.1.1, `inputs.rs`
//! and `lead.rs` in 0.2.0).

use chrono::DateTime;

use super::generated::types as wit;
use leadhost_model::{self as model, Time};

pub(super) fn millis(time: Time) -> wit::Timestamp {
    time.timestamp_millis()
}

fn time(millis: wit::Timestamp, what: &str) -> Result<Time, String> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| format!("`{what}` = {millis} ms is not a representable time"))
}

fn non_empty(text: String, what: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err(format!("`{what}` is empty"))
    } else {
        Ok(text)
    }
}

pub(super) fn optional_non_empty(
    text: Option<String>,
    what: &str,
) -> Result<Option<String>, String> {
    text.map(|text| non_empty(text, what)).transpose()
}

fn scalar(value: &model::Scalar) -> wit::Scalar {
    match value {
        model::Scalar::Text(text) => wit::Scalar::Text(text.clone()),
        model::Scalar::Number(number) => wit::Scalar::Number(*number),
        model::Scalar::Boolean(flag) => wit::Scalar::Boolean(*flag),
    }
}

/// `given` with the plug-in's `fixed` entries laid over it.
pub(super) fn fields(given: &model::Config, fixed: &model::Config) -> Vec<wit::Field> {
    crate::fixed::overlay(given, fixed)
        .map(|(name, value)| wit::Field {
            name: name.clone(),
            value: scalar(value),
        })
        .collect()
}

pub(super) fn activities(activities: &[model::Activity]) -> Vec<wit::Activity> {
    use model::ActivityKind as K;
    activities
        .iter()
        .map(|activity| wit::Activity {
            kind: match activity.kind {
                K::PageVisit => wit::ActivityKind::PageVisit,
                K::Download => wit::ActivityKind::Download,
                K::Webinar => wit::ActivityKind::Webinar,
                K::EmailOpen => wit::ActivityKind::EmailOpen,
                K::EmailClick => wit::ActivityKind::EmailClick,
                K::EmailReply => wit::ActivityKind::EmailReply,
                K::Form => wit::ActivityKind::Form,
                K::Answer => wit::ActivityKind::Answer,
                K::Meeting => wit::ActivityKind::Meeting,
                K::Call => wit::ActivityKind::Call,
                K::Other => wit::ActivityKind::Other,
            },
            at: millis(activity.at),
            detail: activity.detail.clone(),
        })
        .collect()
}

pub(super) fn stage_to_wit(stage: model::Stage) -> wit::Stage {
    match stage {
        model::Stage::SalesReady => wit::Stage::SalesReady,
        model::Stage::Nurture => wit::Stage::Nurture,
        model::Stage::Discard => wit::Stage::Discard,
    }
}

pub(super) fn stage_from_wit(stage: wit::Stage) -> model::Stage {
    match stage {
        wit::Stage::SalesReady => model::Stage::SalesReady,
        wit::Stage::Nurture => model::Stage::Nurture,
        wit::Stage::Discard => model::Stage::Discard,
    }
}

/// A nurture track's answer, checked.
impl TryFrom<wit::NurtureStep> for model::NurtureStep {
    type Error = String;

    fn try_from(answer: wit::NurtureStep) -> Result<Self, String> {
        use model::NurtureAction as A;
        let actions = answer
            .actions
            .into_iter()
            .map(|action| {
                Ok(match action {
                    wit::NurtureAction::SendTouch(touch) => A::SendTouch {
                        channel: non_empty(touch.channel, "send-touch.channel")?,
                        content: non_empty(touch.content, "send-touch.content")?,
                        question: touch
                            .question
                            .map(|question| {
                                Ok::<_, String>(model::Question {
                                    id: non_empty(question.id, "send-touch.question.id")?,
                                    text: question.text,
                                })
                            })
                            .transpose()?,
                    },
                    wit::NurtureAction::CreateCallTask(task) => A::CreateCallTask {
                        assignee: optional_non_empty(task.assignee, "create-call-task.assignee")?,
                        reason: task.reason,
                    },
                    wit::NurtureAction::Wait => A::Wait,
                    wit::NurtureAction::MoveToTrack(track) => A::MoveToTrack {
                        track: non_empty(track, "move-to-track")?,
                    },
                    wit::NurtureAction::HandToSales(reason) => A::HandToSales { reason },
                    wit::NurtureAction::Discard(reason) => A::Discard { reason },
                    wit::NurtureAction::Finish(reason) => A::Finish { reason },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(model::NurtureStep {
            actions,
            state: model::TrackState {
                track: non_empty(answer.state.track, "state.track")?,
                step: answer.state.step,
                data: answer.state.data,
            },
            wake_at: answer.wake_at.map(|at| time(at, "wake-at")).transpose()?,
        })
    }
}

/// A routing policy's answer, checked.
impl TryFrom<wit::RouteDecision> for model::RouteDecision {
    type Error = String;

    fn try_from(answer: wit::RouteDecision) -> Result<Self, String> {
        Ok(match answer {
            wit::RouteDecision::Assign(assignment) => model::RouteDecision::Assign {
                rep: non_empty(assignment.rep, "assign.rep")?,
                reasons: assignment.reasons,
            },
            wit::RouteDecision::Queue(queued) => model::RouteDecision::Queue {
                queue: non_empty(queued.name, "queue.name")?,
                reason: queued.reason,
            },
            wit::RouteDecision::ReturnToMarketing(reason) => {
                model::RouteDecision::ReturnToMarketing { reason }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_breaking_the_contract_are_named() {
        let step = wit::NurtureStep {
            actions: vec![wit::NurtureAction::MoveToTrack("  ".into())],
            state: wit::TrackState {
                track: "education".into(),
                step: 1,
                data: String::new(),
            },
            wake_at: None,
        };
        assert_eq!(
            model::NurtureStep::try_from(step).unwrap_err(),
            "`move-to-track` is empty"
        );
        let step = wit::NurtureStep {
            actions: vec![],
            state: wit::TrackState {
                track: "education".into(),
                step: 1,
                data: String::new(),
            },
            wake_at: Some(i64::MAX),
        };
        assert!(
            model::NurtureStep::try_from(step)
                .unwrap_err()
                .contains("wake-at")
        );
        let assign = wit::RouteDecision::Assign(wit::Assignment {
            rep: String::new(),
            reasons: vec![],
        });
        assert_eq!(
            model::RouteDecision::try_from(assign).unwrap_err(),
            "`assign.rep` is empty"
        );
    }
}
