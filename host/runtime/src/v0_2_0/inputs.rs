//! 0.2.0's slot inputs: 0.1.0's, with the lead's campaign context in each
//! and its previous qualification in `qualify`'s.

use super::convert::{activities, fields, millis};
use super::generated::types as wit;
use super::lead::lead;
use super::qualification::qualification_to_wit;
use leadhost_model as model;

fn campaigns(campaigns: &[model::CampaignContext]) -> Vec<wit::CampaignContext> {
    campaigns
        .iter()
        .map(|campaign| wit::CampaignContext {
            id: campaign.id.clone(),
            name: campaign.name.clone(),
            channel: campaign.channel.clone(),
            offer: campaign.offer.clone(),
            launch_at: millis(campaign.launch_at),
            end_at: campaign.end_at.map(millis),
            touches: campaign
                .touches
                .iter()
                .map(|touch| match touch {
                    model::CampaignTouch::First => wit::CampaignTouch::First,
                    model::CampaignTouch::Latest => wit::CampaignTouch::Latest,
                    model::CampaignTouch::Targeted => wit::CampaignTouch::Targeted,
                })
                .collect(),
        })
        .collect()
}

/// The WIT input of `qualify`, with the plug-in's `fixed` config.
pub fn qualify_input(input: &model::QualifyInput, fixed: &model::Config) -> wit::QualifyInput {
    wit::QualifyInput {
        lead: lead(&input.lead),
        activities: activities(&input.activities),
        campaigns: campaigns(&input.campaigns),
        previous: input.previous.as_ref().map(qualification_to_wit),
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
        campaigns: campaigns(&input.campaigns),
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
                // As 0.1.0: absences folded into `available`.
                available: rep.available_at(input.now),
                last_assigned_at: rep.last_assigned_at.map(millis),
            })
            .collect(),
        account_owner: input.account_owner.clone(),
        campaigns: campaigns(&input.campaigns),
        config: fields(&input.config, fixed),
        now: millis(input.now),
    }
}
