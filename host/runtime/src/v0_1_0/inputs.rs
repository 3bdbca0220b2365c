//! 0.1.0's slot inputs: what `qualify`, `next-step` and `route` are
//! handed, built from the host's model with the plug-in's fixed config.

use super::convert::{activities, fields, millis};
use super::generated::types as wit;
use super::lead::lead;
use super::qualification::qualification_to_wit;
use leadhost_model as model;

/// The WIT input of `qualify`, with the plug-in's `fixed` config.
pub fn qualify_input(input: &model::QualifyInput, fixed: &model::Config) -> wit::QualifyInput {
    wit::QualifyInput {
        lead: lead(&input.lead),
        activities: activities(&input.activities),
        config: fields(&input.config, fixed),
        now: millis(input.now),
    }
}

/// The WIT input of `next-step`, with the plug-in's `fixed` config.
pub fn nurture_input(input: &model::NurtureInput, fixed: &model::Config) -> wit::NurtureInput {
    wit::NurtureInput {
        lead: lead(&input.lead),
        activities: activities(&input.activities),
        qualification: qualification_to_wit(&input.qualification),
        state: wit::TrackState {
            track: input.state.track.clone(),
            step: input.state.step,
            data: input.state.data.clone(),
        },
        config: fields(&input.config, fixed),
        now: millis(input.now),
    }
}

/// The WIT input of `route`, with the plug-in's `fixed` config.
pub fn route_input(input: &model::RouteInput, fixed: &model::Config) -> wit::RouteInput {
    wit::RouteInput {
        lead: lead(&input.lead),
        qualification: qualification_to_wit(&input.qualification),
        candidates: input
            .candidates
            .iter()
            .map(|rep| wit::Rep {
                id: rep.id.clone(),
                team: rep.team.clone(),
                territories: rep.territories.clone(),
                segments: rep.segments.clone(),
                capacity: rep.capacity,
                open_leads: rep.open_leads,
                weight: rep.weight,
                // Absences are folded in here, so a candidate given with
                // `out_of_office` (eval, sample cases) is seen as the
                // engine's candidates are.
                available: rep.available_at(input.now),
                last_assigned_at: rep.last_assigned_at.map(millis),
            })
            .collect(),
        account_owner: input.account_owner.clone(),
        config: fields(&input.config, fixed),
        now: millis(input.now),
    }
}
