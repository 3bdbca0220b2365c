//! `{{name}}`: a nurture track (`next-step`).
//!
//! Sends one touch per step on the lead's track, then sleeps
//! `interval-days` (config, a number > 0; default 7) so the lead is not
//! flooded; after 3 touches the track is done with the lead. The step
//! count lives in the track state the host keeps between calls, so the
//! plug-in itself stays a pure function of its input.
//!
//! Config: `interval-days` (default 7), `channel` (text; default `email`).

use leadhost_sdk::prelude::*;

/// Touches sent before the track finishes.
const TOUCHES: u32 = 3;

/// The plug-in; the SDK's macro below exports it as the component's `next-step`.
pub struct Plugin;

impl NurtureTrack for Plugin {
    fn next_step(input: NurtureInput) -> Result<NurtureStep, String> {
        // Missing: the default; set but of the wrong kind: refused, naming the key.
        let interval_days = input
            .config
            .number_or("interval-days", 7.0)
            .map_err(|error| error.within("config"))?;
        if !interval_days.is_finite() || interval_days <= 0.0 {
            return Err(format!(
                "config `interval-days` = {interval_days}: expected a finite number above 0"
            ));
        }
        let channel = input
            .config
            .text_or("channel", "email")
            .map_err(|error| error.within("config"))?;
        let state = input.state;

        if state.step >= TOUCHES {
            // No wake time: the host calls again only on new activity.
            return Ok(NurtureStep::new(state)
                .action(NurtureAction::Finish(format!("sent all {TOUCHES} touches"))));
        }
        let step = state.step + 1;
        // The content id names a template the org's sending tool knows.
        let touch = Touch::new(channel, format!("{}-touch-{step}", state.track));
        // Timestamps are milliseconds since the epoch; `time` does the units.
        let wake_at = time::add_days(input.now, interval_days);
        Ok(NurtureStep::new(TrackState { step, ..state })
            .action(touch)
            .wake_at(wake_at))
    }
}

leadhost_sdk::export_nurture_track!(crate::Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fourth_call_finishes_the_track() {
        let input = |step| NurtureInput {
            lead: LeadBuilder::new("ada@example.com").build(),
            activities: Vec::new(),
            qualification: Qualification::nurture(40).track("education"),
            state: TrackState {
                track: "education".into(),
                step,
                data: String::new(),
            },
            config: Vec::new(),
            now: 0,
        };
        let first = Plugin::next_step(input(0)).unwrap();
        assert_eq!(first.wake_at, Some(7 * time::DAY_MS));
        let last = Plugin::next_step(input(3)).unwrap();
        assert_eq!(
            last.actions,
            vec![NurtureAction::Finish("sent all 3 touches".into())]
        );
    }
}
