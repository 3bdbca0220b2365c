//! `[[campaigns]]` in `org.toml`: checked whole when the file is read (a
//! wrong entry refuses the file, naming it), then each created or brought
//! up to date by id on every reload.

use super::{CAMPAIGNS_MAX, NewCampaign, free_id};
use crate::model::Campaign;
use crate::validate::check_campaign;
use crate::{Engine, EngineError};

/// The id of a file's entry: its own, or one made from its name (the same
/// every reload, so an edit of the entry changes the same campaign).
fn file_id(new: &NewCampaign) -> String {
    new.id
        .clone()
        .unwrap_or_else(|| free_id(&new.name, |_| false))
}

/// Checks a file's `[[campaigns]]`: each entry as the API checks a new
/// campaign, no id twice, at most [`CAMPAIGNS_MAX`]. The message names the
/// entry (`campaigns[1].end_at: is before `launch_at` (campaign `x`)`).
pub(crate) fn check_file_campaigns(campaigns: &[NewCampaign]) -> Result<(), String> {
    if campaigns.len() > CAMPAIGNS_MAX {
        return Err(format!(
            "campaigns: {} entries; an org keeps at most {CAMPAIGNS_MAX}",
            campaigns.len()
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (at, new) in campaigns.iter().enumerate() {
        let id = file_id(new);
        if let Err(errors) = check_campaign(new.clone().with_id(id.clone())) {
            let problems: Vec<String> = errors
                .iter()
                .map(|error| format!("campaigns[{at}].{}: {}", error.field, error.problem))
                .collect();
            return Err(format!("{} (campaign `{id}`)", problems.join("; ")));
        }
        if !seen.insert(id.clone()) {
            return Err(format!(
                "campaigns[{at}].id: `{id}` is named by an earlier entry too; give each campaign its own id"
            ));
        }
    }
    Ok(())
}

impl Engine {
    /// Creates `org`'s campaign of a file entry, or brings the stored one
    /// with its id up to date (its archive and announcement kept, unless
    /// the launch moved). Returns it.
    ///
    /// Errors: [`EngineError::Invalid`] (the file is checked before, so
    /// only a full org: [`CAMPAIGNS_MAX`]); [`EngineError::UnknownOrg`].
    pub fn put_file_campaign(&self, org: &str, new: NewCampaign) -> Result<Campaign, EngineError> {
        let id = file_id(&new);
        let described = new.clone().with_id(id.clone());
        let updated = self.update_campaign(org, &id, |campaign| {
            *campaign = Campaign {
                archived_at: campaign.archived_at,
                launch_announced_at: campaign.launch_announced_at,
                announced_launch_at: campaign.announced_launch_at,
                ..described.clone()
            };
        });
        match updated {
            Err(EngineError::UnknownCampaign { .. }) => {
                let created = self.create_campaign(
                    org,
                    NewCampaign {
                        id: Some(id.clone()),
                        ..new
                    },
                );
                match created {
                    // Another host created it from the same file meanwhile.
                    Err(EngineError::CampaignExists { .. }) => self.campaign(org, &id),
                    other => other,
                }
            }
            other => other,
        }
    }
}
