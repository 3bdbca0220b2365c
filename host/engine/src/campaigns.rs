//! An org's campaigns: created, changed, archived and listed, with what
//! sales sees coming (`upcoming`). Checked by
//! [`crate::validate::check_campaign`]; kept in the store per org by id.

mod context;
mod from_file;
mod launch;
mod reach;
#[cfg(test)]
mod two_hosts;

pub use context::TARGETED_MAX as CAMPAIGN_CONTEXT_TARGETED_MAX;
pub(crate) use context::{campaign_context, sees_campaigns};
pub(crate) use from_file::check_file_campaigns;
pub use reach::{REP_LEADS_SHOWN_MAX, RepCampaign, TargetedLead};

use crate::model::{Campaign, CampaignTarget, Time};
use crate::store::StoreError;
use crate::validate::{CAMPAIGN_ID_MAX, FieldError, check_campaign};
use crate::{Engine, EngineError};

/// Longest window `upcoming` looks ahead: a year.
pub const UPCOMING_MAX_DAYS: i64 = 366;

/// Most campaigns an org keeps, archived ones included: a few a week for
/// years, while an org token cannot fill the store every org shares (a
/// listing reads them all).
pub const CAMPAIGNS_MAX: usize = 1_000;

/// Times a campaign change is made again after another host wrote the
/// campaign in between: each retry follows a write that landed, after a
/// random pause that doubles each time (1–2 ms, then up to 64 ms), so a
/// host editing a campaign in a tight loop cannot starve another one; at
/// most ~0.5 s of pauses in all.
const CHANGE_ATTEMPTS: usize = 12;

/// A new campaign as the API and `org.toml` give it: `name` and
/// `launch_at` required; an `id` left out is made from the name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    /// Its id within the org (ASCII letters, digits, `-`, `_`, `.`); made
    /// from the name when left out (`Spring webinar` → `spring-webinar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// The channel it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// What it offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// When it launches (RFC 3339).
    pub launch_at: chrono::DateTime<chrono::Utc>,
    /// When it ends (RFC 3339), not before `launch_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What it costs, in the org's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// Whom it targets.
    #[serde(default)]
    pub target: CampaignTarget,
}

impl NewCampaign {
    /// The campaign it describes, under `id`, neither archived nor
    /// announced; not yet checked.
    pub(crate) fn with_id(self, id: String) -> Campaign {
        Campaign {
            id,
            name: self.name,
            channel: self.channel,
            offer: self.offer,
            launch_at: self.launch_at,
            end_at: self.end_at,
            owner: self.owner,
            budget: self.budget,
            target: self.target,
            archived_at: None,
            launch_announced_at: None,
            announced_launch_at: None,
        }
    }
}

/// Which campaigns a listing shows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CampaignQuery {
    /// Only those launching after now and within this window.
    pub upcoming: Option<chrono::Duration>,
    /// Archived ones too.
    pub archived: bool,
}

impl Engine {
    /// Creates a campaign of `org`.
    ///
    /// Errors: [`EngineError::Invalid`] naming each field at fault;
    /// [`EngineError::CampaignExists`] when a campaign of the org has the
    /// id given; [`EngineError::UnknownOrg`].
    pub fn create_campaign(&self, org: &str, new: NewCampaign) -> Result<Campaign, EngineError> {
        self.known_org(org)?;
        let _campaigns = self.shared.locks.campaigns(org);
        let existing = self.shared.store.campaigns(org)?;
        if existing.len() >= CAMPAIGNS_MAX {
            return Err(EngineError::Invalid(vec![FieldError {
                field: "(request)".into(),
                problem: format!(
                    "the org keeps {} campaigns, the most it may (archived ones count too); change one instead",
                    existing.len()
                ),
            }]));
        }
        let taken = |id: &str| existing.iter().any(|campaign| campaign.id == id);
        let id = match new.id.clone() {
            Some(id) => {
                if taken(&id) {
                    return Err(EngineError::CampaignExists {
                        org: org.into(),
                        campaign: id,
                    });
                }
                id
            }
            None => free_id(&new.name, taken),
        };
        let campaign = check_campaign(new.with_id(id)).map_err(EngineError::Invalid)?;
        if !self
            .shared
            .store
            .put_campaign_as_read(org, &campaign, None, &[])?
        {
            // Another host created it since the read above.
            return Err(EngineError::CampaignExists {
                org: org.into(),
                campaign: campaign.id,
            });
        }
        Ok(campaign)
    }

    /// Changes campaign `id` of `org` with `change` (given the stored
    /// campaign, it edits it in place); the result is checked whole.
    ///
    /// Errors: [`EngineError::UnknownCampaign`]; [`EngineError::Invalid`].
    pub fn update_campaign(
        &self,
        org: &str,
        id: &str,
        change: impl Fn(&mut Campaign),
    ) -> Result<Campaign, EngineError> {
        self.known_org(org)?;
        let _campaigns = self.shared.locks.campaigns(org);
        // Another host's write in between: the change is made again to
        // what it wrote, so neither edit is lost.
        for attempt in 0..CHANGE_ATTEMPTS {
            if attempt > 0 {
                let most = 2u64 << attempt.min(5);
                std::thread::sleep(std::time::Duration::from_millis(fastrand::u64(1..=most)));
            }
            let read = self.find_campaign(org, id)?;
            let mut campaign = read.clone();
            change(&mut campaign);
            campaign.id = id.to_string();
            // Only the host announces a launch (a moved one is news: see
            // `launch::due`).
            campaign.launch_announced_at = read.launch_announced_at;
            campaign.announced_launch_at = read.announced_launch_at;
            let campaign = check_campaign(campaign).map_err(EngineError::Invalid)?;
            if campaign == read
                || self
                    .shared
                    .store
                    .put_campaign_as_read(org, &campaign, Some(&read), &[])?
            {
                return Ok(campaign);
            }
        }
        Err(EngineError::Store(StoreError::CampaignChanged {
            org: org.into(),
            campaign: id.into(),
        }))
    }

    /// Archives campaign `id` of `org` (kept, and leads still name it, but
    /// listings leave it out); archiving it again changes nothing.
    ///
    /// Errors: [`EngineError::UnknownCampaign`].
    pub fn archive_campaign(&self, org: &str, id: &str) -> Result<Campaign, EngineError> {
        let now = self.now();
        self.update_campaign(org, id, |campaign| {
            campaign.archived_at.get_or_insert(now);
        })
    }

    /// Campaign `id` of `org`, archived or not.
    ///
    /// Errors: [`EngineError::UnknownCampaign`]; [`EngineError::UnknownOrg`].
    pub fn campaign(&self, org: &str, id: &str) -> Result<Campaign, EngineError> {
        self.known_org(org)?;
        self.find_campaign(org, id)
    }

    /// `org`'s campaigns as `query` asks, by launch (soonest first), then id.
    ///
    /// Errors: [`EngineError::UnknownOrg`].
    pub fn campaigns(&self, org: &str, query: CampaignQuery) -> Result<Vec<Campaign>, EngineError> {
        self.known_org(org)?;
        let now: Time = self.now();
        let mut campaigns: Vec<Campaign> = self
            .shared
            .store
            .campaigns(org)?
            .into_iter()
            .filter(|campaign| query.archived || campaign.archived_at.is_none())
            .filter(|campaign| match query.upcoming {
                Some(window) => campaign.upcoming(now, now + window),
                None => true,
            })
            .collect();
        campaigns.sort_by(|a, b| a.launch_at.cmp(&b.launch_at).then(a.id.cmp(&b.id)));
        Ok(campaigns)
    }

    fn find_campaign(&self, org: &str, id: &str) -> Result<Campaign, EngineError> {
        self.shared
            .store
            .campaigns(org)?
            .into_iter()
            .find(|campaign| campaign.id == id)
            .ok_or_else(|| EngineError::UnknownCampaign {
                org: org.into(),
                campaign: id.into(),
            })
    }
}

/// An id made from `name` ([`crate::slug`]: `Frühling in Zürich` →
/// `fruhling-in-zurich`), with `-2`, `-3`… when `taken`; `campaign` for a
/// name with nothing to make one from.
fn free_id(name: &str, taken: impl Fn(&str) -> bool) -> String {
    // Room for a suffix within the id's bound.
    let base = crate::slug::slug(name, CAMPAIGN_ID_MAX - 8);
    let base = if base.is_empty() {
        "campaign".to_string()
    } else {
        base
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

/// Parses a window as `upcoming` takes it: `14d`, `36h` or `2w`, at most
/// [`UPCOMING_MAX_DAYS`] days.
///
/// Errors: a [`FieldError`] on `upcoming` saying what it takes.
pub fn parse_window(text: &str) -> Result<chrono::Duration, FieldError> {
    let refuse = || FieldError {
        field: "upcoming".into(),
        problem: format!(
            "`{text}` is not a window: give a whole number of days, hours or weeks, like `14d`, `36h` or `2w`, of at most {UPCOMING_MAX_DAYS} days"
        ),
    };
    let unit = text.chars().last().ok_or_else(refuse)?;
    let number: i64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| refuse())?;
    let window = match unit {
        'd' => chrono::Duration::try_days(number),
        'h' => chrono::Duration::try_hours(number),
        'w' => chrono::Duration::try_weeks(number),
        _ => None,
    }
    .ok_or_else(refuse)?;
    if window <= chrono::Duration::zero() || window > chrono::Duration::days(UPCOMING_MAX_DAYS) {
        return Err(refuse());
    }
    Ok(window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::campaign_id_ok;

    #[test]
    fn an_id_is_made_from_the_name_and_kept_free() {
        let taken = ["spring-webinar", "spring-webinar-2"];
        let free = |name: &str| free_id(name, |id| taken.contains(&id));
        assert_eq!(free("Spring Webinar"), "spring-webinar-3");
        assert_eq!(free("  Q1: ABM (DACH) "), "q1-abm-dach");
        assert_eq!(free("Frühling in Zürich"), "fruhling-in-zurich");
        assert_eq!(free("日本"), "ri-ben");
        assert_eq!(free("!!!"), "campaign");
        assert!(campaign_id_ok(&free(&"x".repeat(500))));
    }

    #[test]
    fn an_org_keeps_a_bounded_number_of_campaigns() {
        let dir = tempfile::tempdir().unwrap();
        let engine = crate::tests::engine(&dir);
        let new = |name: String| NewCampaign {
            id: None,
            name,
            channel: None,
            offer: None,
            launch_at: "2026-12-10T09:00:00Z".parse().unwrap(),
            end_at: None,
            owner: None,
            budget: None,
            target: CampaignTarget::default(),
        };
        for n in 0..CAMPAIGNS_MAX {
            engine
                .create_campaign("acme", new(format!("c{n}")))
                .unwrap();
        }
        let refused = engine.create_campaign("acme", new("one more".into()));
        assert!(
            matches!(&refused, Err(EngineError::Invalid(fields)) if fields[0].problem.contains("the most it may")),
            "{refused:?}"
        );
        engine.create_org("other", "Other").unwrap();
        engine
            .create_campaign("other", new("theirs".into()))
            .expect("another org's bound is its own");
    }

    #[test]
    fn a_window_is_days_hours_or_weeks_within_a_year() {
        assert_eq!(parse_window("14d").unwrap(), chrono::Duration::days(14));
        assert_eq!(parse_window("36h").unwrap(), chrono::Duration::hours(36));
        assert_eq!(parse_window("2w").unwrap(), chrono::Duration::weeks(2));
        for bad in [
            "",
            "d",
            "14",
            "0d",
            "-3d",
            "400d",
            "1.5d",
            "14days",
            "99999999999999w",
        ] {
            let error = parse_window(bad).unwrap_err();
            assert_eq!(error.field, "upcoming", "{bad}");
        }
    }
}
