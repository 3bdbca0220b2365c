//! 0.2.0's lead record: 0.1.0's and the lead's `phone`, which duplicate
//! rules compare.

use super::convert::{fields, millis};
use super::generated::types as wit;
use leadhost_model as model;

/// The WIT lead of `lead`.
pub(super) fn lead(lead: &model::Lead) -> wit::Lead {
    wit::Lead {
        id: lead.id.clone(),
        email: lead.email.clone(),
        name: lead.name.clone(),
        company: lead.company.clone(),
        domain: lead.domain.clone(),
        phone: lead.phone.clone(),
        title: lead.title.clone(),
        industry: lead.industry.clone(),
        company_size: lead.company_size,
        country: lead.country.clone(),
        source: lead.source.clone(),
        campaign: lead.campaign.clone(),
        budget: lead.budget,
        authority: lead.authority.map(|authority| match authority {
            model::Authority::DecisionMaker => wit::Authority::DecisionMaker,
            model::Authority::Influencer => wit::Authority::Influencer,
            model::Authority::User => wit::Authority::User,
            model::Authority::None => wit::Authority::None,
        }),
        need: lead.need.map(|need| match need {
            model::Need::High => wit::Need::High,
            model::Need::Medium => wit::Need::Medium,
            model::Need::Low => wit::Need::Low,
            model::Need::None => wit::Need::None,
        }),
        timeline_days: lead.timeline_days,
        custom: fields(&lead.custom, &model::Config::new()),
        created_at: millis(lead.created_at),
    }
}
