//! A lead's campaign context: the campaigns it came from (first and latest
//! touch) and those running or coming soon whose target includes it, as
//! WIT 0.2.0 plug-ins are handed them in every slot's input.
//!
//! Filled only when the slot's live version or its shadow speaks 0.2.0
//! ([`sees_campaigns`]): a 0.1.0 plug-in would not see it, and reading the
//! org's campaigns costs a store read (on a database, a round trip).

use chrono::Duration;

use super::reach::targets;
use crate::model::{Campaign, CampaignContext, CampaignTouch, Time};
use crate::runtime::Slot;
use crate::store::LeadRecord;
use crate::{EngineError, Shared};

/// Most targeting campaigns a context carries (the first and latest touch
/// come on top): an input stays small whatever an org plans.
pub const TARGETED_MAX: usize = 16;

/// How far ahead a campaign's launch may be for it to target a lead.
const AHEAD: Duration = Duration::days(30);

/// How long a campaign with no end counts as running after its launch.
const RUNNING_WITHOUT_END: Duration = Duration::days(30);

/// Whether the live version of `org`'s `slot`, or its shadow, is handed
/// campaign context.
pub(crate) fn sees_campaigns(shared: &Shared, org: &str, slot: Slot) -> bool {
    let live = shared
        .plugins
        .active(org, slot)
        .is_some_and(|active| active.plugin.wit().sees_campaigns());
    live || shared
        .plugins
        .shadow(org, slot)
        .is_some_and(|shadow| shadow.plugin.wit().sees_campaigns())
}

/// Whether `campaign` is running at `now` or launches within [`AHEAD`].
/// Checked sums: a campaign dated at the edge of time is not current, it
/// does not panic.
fn current(campaign: &Campaign, now: Time) -> bool {
    let end = campaign
        .end_at
        .or_else(|| campaign.launch_at.checked_add_signed(RUNNING_WITHOUT_END));
    let horizon = now.checked_add_signed(AHEAD);
    campaign.archived_at.is_none()
        && horizon.is_some_and(|horizon| campaign.launch_at <= horizon)
        && end.is_some_and(|end| end > now)
}

/// `record`'s campaign context at `now`: its first campaign, then its
/// latest, then up to [`TARGETED_MAX`] current campaigns targeting it by
/// launch; a campaign in several roles is one entry naming each. A lead's
/// campaign the org has no record of is left out (a source tag, not a
/// campaign).
pub(crate) fn campaign_context(
    shared: &Shared,
    record: &LeadRecord,
    now: Time,
) -> Result<Vec<CampaignContext>, EngineError> {
    let mut campaigns = shared.store.campaigns(&record.org)?;
    campaigns.sort_by(|a, b| a.launch_at.cmp(&b.launch_at).then(a.id.cmp(&b.id)));
    let find = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| campaigns.iter().find(|campaign| &campaign.id == id))
    };
    let mut context: Vec<CampaignContext> = Vec::new();
    let mut add = |campaign: &Campaign, touch: CampaignTouch| match context
        .iter_mut()
        .find(|known| known.id == campaign.id)
    {
        Some(known) => known.touches.push(touch),
        None => context.push(CampaignContext::of(campaign, vec![touch])),
    };
    if let Some(first) = find(&record.lead.campaign) {
        add(first, CampaignTouch::First);
    }
    if let Some(latest) = find(&record.latest_campaign) {
        add(latest, CampaignTouch::Latest);
    }
    campaigns
        .iter()
        .filter(|campaign| current(campaign, now) && targets(&campaign.target.matcher(), record))
        .take(TARGETED_MAX)
        .for_each(|campaign| add(campaign, CampaignTouch::Targeted));
    Ok(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(launch_at: Time, end_at: Option<Time>) -> Campaign {
        let mut campaign: Campaign = serde_json::from_value(serde_json::json!({
            "id": "c", "name": "C", "launch_at": "2026-12-10T09:00:00Z"
        }))
        .unwrap();
        campaign.launch_at = launch_at;
        campaign.end_at = end_at;
        campaign
    }

    #[test]
    fn a_campaign_runs_from_a_month_before_launch_to_its_end_and_the_edge_of_time_does_not_panic() {
        let now: Time = "2026-12-01T09:00:00Z".parse().unwrap();
        let days = Duration::days;
        assert!(
            current(&campaign(now + days(29), None), now),
            "launching soon"
        );
        assert!(
            !current(&campaign(now + days(31), None), now),
            "too far out"
        );
        assert!(
            current(&campaign(now - days(29), None), now),
            "running, no end"
        );
        assert!(
            !current(&campaign(now - days(31), None), now),
            "a month past its launch"
        );
        assert!(
            !current(&campaign(now - days(5), Some(now - days(1))), now),
            "ended"
        );
        let last = Time::MAX_UTC - days(1);
        assert!(!current(&campaign(last, None), now));
        assert!(!current(&campaign(now, None), Time::MAX_UTC - days(1)));
    }
}
