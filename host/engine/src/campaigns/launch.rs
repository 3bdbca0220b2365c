//! Announcing a campaign's launch to sales: one `campaign-launch` outbox
//! message (and its webhook) a set time before launch (`[announcements]
//! campaign_launch`, default 7 days), with the open leads it targets.
//!
//! The message is written in one transaction with the campaign's
//! `launch_announced_at`, and only if the campaign is still stored as
//! read: it goes out once, whatever restarts or other hosts do.

use std::collections::BTreeMap;

use super::reach::probe;
use crate::model::{Campaign, TargetMatcher, Time};
use crate::store::{OutboxKind, OutboxMessage};
use crate::{Engine, EngineError};

/// Least time between two announcements of one campaign: an admin moving
/// a launch back and forth sends sales one message an hour at most.
pub const ANNOUNCE_GAP: chrono::Duration = chrono::Duration::hours(1);

/// Whether `campaign` is to be announced at `now` with `notice`: not
/// archived, its launch not the one last announced (a moved launch is
/// news, one moved back is not), no announcement within [`ANNOUNCE_GAP`],
/// launching after `now` and no more than `notice` after it. A campaign
/// that has already launched (created late, or the host was down) is not
/// announced: its news is in its leads.
pub(super) fn due(campaign: &Campaign, now: Time, notice: chrono::Duration) -> bool {
    campaign.archived_at.is_none()
        && campaign.announced_launch_at != Some(campaign.launch_at)
        && campaign
            .launch_announced_at
            .is_none_or(|at| now.signed_duration_since(at) >= ANNOUNCE_GAP)
        && campaign.launch_at > now
        && campaign
            .launch_at
            .checked_sub_signed(notice)
            .is_none_or(|from| from <= now)
}

impl Engine {
    /// Announces each campaign of `org` that is [`due`]: its outbox
    /// message with the open leads reps hold that it targets, by rep.
    /// Returns how many were announced (here; another host may announce
    /// some first, and those are skipped).
    ///
    /// Errors: [`EngineError::UnknownOrg`]; the store's.
    pub fn announce_launches(&self, org: &str) -> Result<usize, EngineError> {
        self.known_org(org)?;
        let now = self.now();
        let notice = self.settings().announcements(org).launch_notice();
        let due: Vec<Campaign> = self
            .shared
            .store
            .campaigns(org)?
            .into_iter()
            .filter(|campaign| due(campaign, now, notice))
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        let held = self.held_open_leads(org, None)?;
        // Each lead prepared once for every due campaign: its reps' counts.
        let targets: Vec<TargetMatcher> = due
            .iter()
            .map(|campaign| campaign.target.matcher())
            .collect();
        let mut counts: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); due.len()];
        for record in &held {
            let (lead, Some(owner)) = (probe(record), &record.owner) else {
                continue;
            };
            for (target, reps) in targets.iter().zip(counts.iter_mut()) {
                if target.matches(&lead) {
                    *reps.entry(owner.clone()).or_default() += 1;
                }
            }
        }
        let _campaigns = self.shared.locks.campaigns(org);
        let mut announced = 0;
        for (read, reps) in due.into_iter().zip(counts) {
            let campaign = Campaign {
                launch_announced_at: Some(now),
                announced_launch_at: Some(read.launch_at),
                ..read.clone()
            };
            let message = OutboxMessage {
                org: org.into(),
                lead: String::new(),
                at: now,
                kind: OutboxKind::CampaignLaunch {
                    campaign: Box::new(campaign.clone()),
                    leads: reps.values().sum(),
                    reps,
                },
            };
            // `false`: changed since the read (another host announced it,
            // or an admin moved it): the next round looks again.
            if self
                .shared
                .store
                .put_campaign_as_read(org, &campaign, Some(&read), &[message])?
            {
                tracing::info!(org, campaign = %campaign.id, "campaign launch announced");
                announced += 1;
            }
        }
        Ok(announced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_is_due_within_its_notice_before_launch_only() {
        let at = |text: &str| text.parse::<Time>().unwrap();
        let campaign: Campaign = serde_json::from_value(serde_json::json!({
            "id": "webinar", "name": "Webinar", "launch_at": "2026-12-10T09:00:00Z"
        }))
        .unwrap();
        let notice = chrono::Duration::days(3);
        assert!(
            !due(&campaign, at("2026-12-07T08:59:59Z"), notice),
            "too early"
        );
        assert!(due(&campaign, at("2026-12-07T09:00:00Z"), notice));
        assert!(due(&campaign, at("2026-12-10T08:59:59Z"), notice));
        assert!(
            !due(&campaign, at("2026-12-10T09:00:00Z"), notice),
            "launched"
        );
        let now = at("2026-12-08T00:00:00Z");
        let announced = Campaign {
            launch_announced_at: Some(now),
            announced_launch_at: Some(campaign.launch_at),
            ..campaign.clone()
        };
        assert!(!due(&announced, now, notice));
        assert!(
            !due(&announced, now + chrono::Duration::hours(5), notice),
            "its launch was announced"
        );
        let moved = Campaign {
            launch_at: at("2026-12-10T10:00:00Z"),
            ..announced.clone()
        };
        assert!(
            !due(
                &moved,
                now + ANNOUNCE_GAP - chrono::Duration::seconds(1),
                notice
            ),
            "too soon after the last"
        );
        assert!(
            due(&moved, now + ANNOUNCE_GAP, notice),
            "a moved launch is news"
        );
        let archived = Campaign {
            archived_at: Some(now),
            ..campaign
        };
        assert!(!due(&archived, now, notice));
    }
}
