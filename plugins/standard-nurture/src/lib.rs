//! `standard-nurture`: nurture tracks chosen by qualification.
//!
//! - `trial-incentive` — budget but wrong timing: trial offers, asking about timing;
//! - `find-decision-maker` — researching without authority: asks who decides,
//!   then a call task to find the decision makers;
//! - `education` — early interest: an education drip, each touch asking about need, budget or timing;
//! - `stay-in-touch` — newsletter-style for leads sales already has: loops, never hands to sales.
//!
//! Every touch asks a question whose answer can re-qualify the lead; a lead
//! that re-qualifies as sales-ready is handed to sales, and one whose
//! suggested track changes moves there. Config keys are in the crate README.

mod tracks;

use leadhost_sdk::prelude::*;

use tracks::{Step, Track};

/// The plug-in.
pub struct StandardNurture;

impl NurtureTrack for StandardNurture {
    fn next_step(input: NurtureInput) -> Result<NurtureStep, String> {
        let NurtureInput {
            qualification,
            state,
            config,
            now,
            ..
        } = input;
        let track = tracks::find(&state.track).ok_or_else(|| {
            format!(
                "unknown track `{}`; this plug-in runs: {}",
                state.track,
                tracks::names()
            )
        })?;

        if !track.after_hand_off {
            match qualification.stage {
                Stage::SalesReady => {
                    let reason = format!(
                        "re-qualified as sales-ready (score {})",
                        qualification.score
                    );
                    return Ok(NurtureStep::new(state).action(NurtureAction::HandToSales(reason)));
                }
                Stage::Discard => {
                    let why = qualification
                        .reasons
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "the lead definition discarded it".into());
                    return Ok(NurtureStep::new(state).action(NurtureAction::Discard(why)));
                }
                Stage::Nurture => {}
            }
            if let Some(suggested) = qualification
                .track
                .as_deref()
                .filter(|name| *name != track.name)
            {
                if tracks::find(suggested).is_some_and(|next| !next.after_hand_off) {
                    let moved = TrackState {
                        track: suggested.into(),
                        step: 0,
                        data: String::new(),
                    };
                    return Ok(NurtureStep::new(moved)
                        .action(NurtureAction::MoveToTrack(suggested.into()))
                        .wake_at(now));
                }
                leadhost_sdk::log::warn(&format!(
                    "ignoring suggested track `{suggested}`: not one this plug-in runs"
                ));
            }
        }
        take_step(track, state, &config, now)
    }
}

/// Runs the track's step at `state.step`, or finishes (or loops) at the end.
fn take_step(
    track: &Track,
    state: TrackState,
    config: &[Field],
    now: Timestamp,
) -> Result<NurtureStep, String> {
    let interval = interval_days(track, config)?;
    let channel = config
        .text_or("channel", "email")
        .map_err(|error| error.within("config"))?
        .trim()
        .to_string();
    if channel.is_empty() {
        return Err("config `channel` is empty".into());
    }
    let mut asked: Vec<String> = state
        .data
        .split(',')
        .filter(|id| !id.is_empty())
        .map(String::from)
        .collect();
    let mut index = state.step as usize;
    if index >= track.steps.len() {
        if !track.loops {
            let reason = format!(
                "finished the {} track after {} steps",
                track.name,
                track.steps.len()
            );
            return Ok(NurtureStep::new(state).action(NurtureAction::Finish(reason)));
        }
        // A looping track starts over, and may ask its questions again.
        index = 0;
        asked.clear();
    }

    let action = match track.steps[index] {
        Step::Touch {
            content,
            question_id,
            question,
        } => {
            let touch = Touch::new(channel, content);
            if asked.iter().any(|id| id == question_id) {
                touch.into()
            } else {
                asked.push(question_id.into());
                touch.asking(question_id, question).into()
            }
        }
        Step::Call { reason } => NurtureAction::CreateCallTask(CallTask {
            assignee: None,
            reason: reason.into(),
        }),
    };
    let next = TrackState {
        track: track.name.into(),
        step: index as u32 + 1,
        data: asked.join(","),
    };
    Ok(NurtureStep::new(next)
        .action(action)
        .wake_at(time::add_days(now, interval)))
}

/// Days between steps: `<track>-interval-days`, else `interval-days`, else the track's own.
fn interval_days(track: &Track, config: &[Field]) -> Result<f64, String> {
    let specific = format!("{}-interval-days", track.name);
    for key in [specific.as_str(), "interval-days"] {
        let Some(days) = config
            .try_number(key)
            .map_err(|error| error.within("config"))?
        else {
            continue;
        };
        if days.is_finite() && days > 0.0 {
            return Ok(days);
        }
        return Err(format!(
            "config `{key}` = {days}: expected a positive number of days"
        ));
    }
    Ok(track.interval_days)
}

leadhost_sdk::export_nurture_track!(crate::StandardNurture);

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000 * time::DAY_MS;

    fn input(
        track: &str,
        step: u32,
        data: &str,
        qualification: Qualification,
        config: Vec<Field>,
    ) -> NurtureInput {
        NurtureInput {
            lead: LeadBuilder::new("kim@fabrikam.example").build(),
            activities: vec![],
            qualification,
            state: TrackState {
                track: track.into(),
                step,
                data: data.into(),
            },
            config,
            now: NOW,
        }
    }

    fn nurture(track: &str) -> Qualification {
        Qualification::nurture(40).track(track)
    }

    #[test]
    fn each_touch_asks_a_question_and_wakes_after_the_interval() {
        let step =
            StandardNurture::next_step(input("education", 0, "", nurture("education"), vec![]))
                .unwrap();
        match &step.actions[..] {
            [NurtureAction::SendTouch(touch)] => {
                assert_eq!(touch.channel, "email");
                assert_eq!(touch.question.as_ref().unwrap().id, "need-1");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            step.state,
            TrackState {
                track: "education".into(),
                step: 1,
                data: "need-1".into()
            }
        );
        assert_eq!(step.wake_at, Some(NOW + 14 * time::DAY_MS));
    }

    #[test]
    fn find_decision_maker_creates_a_call_task_at_its_second_step() {
        let step = StandardNurture::next_step(input(
            "find-decision-maker",
            1,
            "authority-1",
            nurture("find-decision-maker"),
            vec![],
        ))
        .unwrap();
        assert!(
            matches!(&step.actions[..], [NurtureAction::CreateCallTask(task)] if task.reason.contains("decision makers")),
            "{step:?}"
        );
        assert_eq!(step.state.data, "authority-1");
    }

    #[test]
    fn sales_ready_hands_to_sales_and_discard_discards() {
        let step = StandardNurture::next_step(input(
            "education",
            1,
            "",
            Qualification::sales_ready(85),
            vec![],
        ))
        .unwrap();
        assert!(
            matches!(&step.actions[..], [NurtureAction::HandToSales(reason)] if reason.contains("85"))
        );
        assert_eq!(step.wake_at, None);
        let gone = Qualification::discard(0).reason("discard: no need");
        let step = StandardNurture::next_step(input("education", 1, "", gone, vec![])).unwrap();
        assert_eq!(
            step.actions,
            vec![NurtureAction::Discard("discard: no need".into())]
        );
    }

    #[test]
    fn a_new_suggested_track_moves_the_lead_and_runs_at_once() {
        let step = StandardNurture::next_step(input(
            "education",
            2,
            "need-1",
            nurture("trial-incentive"),
            vec![],
        ))
        .unwrap();
        assert_eq!(
            step.actions,
            vec![NurtureAction::MoveToTrack("trial-incentive".into())]
        );
        assert_eq!(
            step.state,
            TrackState {
                track: "trial-incentive".into(),
                step: 0,
                data: String::new()
            }
        );
        assert_eq!(step.wake_at, Some(NOW));
    }

    #[test]
    fn stay_in_touch_never_hands_to_sales_and_loops() {
        let step = StandardNurture::next_step(input(
            "stay-in-touch",
            2,
            "feedback-1,news-1",
            Qualification::sales_ready(90),
            vec![],
        ))
        .unwrap();
        match &step.actions[..] {
            [NurtureAction::SendTouch(touch)] => {
                assert_eq!(touch.question.as_ref().unwrap().id, "feedback-1")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(step.state.step, 1);
        assert_eq!(step.wake_at, Some(NOW + 30 * time::DAY_MS));
    }

    #[test]
    fn a_finished_track_finishes_and_never_repeats_a_question() {
        let step = StandardNurture::next_step(input(
            "education",
            3,
            "need-1,budget-2,timing-3",
            nurture("education"),
            vec![],
        ))
        .unwrap();
        assert!(
            matches!(&step.actions[..], [NurtureAction::Finish(reason)] if reason.contains("education"))
        );
        let step = StandardNurture::next_step(input(
            "education",
            0,
            "need-1",
            nurture("education"),
            vec![],
        ))
        .unwrap();
        assert!(
            matches!(&step.actions[..], [NurtureAction::SendTouch(touch)] if touch.question.is_none()),
            "{step:?}"
        );
    }

    #[test]
    fn config_sets_channel_and_intervals() {
        let config = vec![
            Field::text("channel", "sms"),
            Field::number("interval-days", 3.0),
            Field::number("education-interval-days", 2.0),
        ];
        let step = StandardNurture::next_step(input(
            "education",
            0,
            "",
            nurture("education"),
            config.clone(),
        ))
        .unwrap();
        assert!(
            matches!(&step.actions[..], [NurtureAction::SendTouch(touch)] if touch.channel == "sms")
        );
        assert_eq!(
            step.wake_at,
            Some(NOW + 2 * time::DAY_MS),
            "the track's own key wins"
        );
        let step = StandardNurture::next_step(input(
            "trial-incentive",
            0,
            "",
            nurture("trial-incentive"),
            config,
        ))
        .unwrap();
        assert_eq!(step.wake_at, Some(NOW + 3 * time::DAY_MS));
        let error = StandardNurture::next_step(input(
            "education",
            0,
            "",
            nurture("education"),
            vec![Field::number("interval-days", 0.0)],
        ))
        .unwrap_err();
        assert_eq!(
            error,
            "config `interval-days` = 0: expected a positive number of days"
        );
    }

    #[test]
    fn config_of_the_wrong_kind_is_refused_naming_the_key() {
        let refusal = |config| {
            StandardNurture::next_step(input("education", 0, "", nurture("education"), config))
                .unwrap_err()
        };
        assert_eq!(
            refusal(vec![Field::text("education-interval-days", "weekly")]),
            "config `education-interval-days` = Scalar::Text(\"weekly\"): expected a number"
        );
        assert_eq!(
            refusal(vec![Field::number("channel", 3.0)]),
            "config `channel` = Scalar::Number(3.0): expected text"
        );
    }

    #[test]
    fn an_unknown_track_is_an_error_naming_the_known_ones() {
        let error =
            StandardNurture::next_step(input("cold-calls", 0, "", nurture("cold-calls"), vec![]))
                .unwrap_err();
        assert!(
            error.contains("`cold-calls`") && error.contains("find-decision-maker"),
            "{error}"
        );
    }
}
