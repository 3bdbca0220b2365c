//! The org-wide settings of `org.toml` beside the slots — how its leads are
//! nurtured (`[nurture]`), routed (`[routing]`) and where its events go
//! (`[webhooks]`) — and [`OrgSettings`], where the engine reads each
//! org's. They live beside the plug-in registry, not in it: they are not
//! plug-ins.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::Config;

/// `[nurture]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NurtureSettings {
    /// The track a lead starts on when its qualification names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_track: Option<String>,
    /// The light track a lead stays on once sales has it (e.g.
    /// `stay-in-touch`): touches only, never competing with the owner.
    /// None: leads leave nurture when they go to sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_hand_off: Option<String>,
    /// `[nurture.tracks.<name>]`: config values for the nurture-track
    /// plug-in on that track, over the slot's config.
    #[serde(
        default,
        skip_serializing_if = "std::collections::BTreeMap::is_empty",
        deserialize_with = "crate::model::config_values::configs"
    )]
    pub tracks: std::collections::BTreeMap<String, Config>,
}

impl NurtureSettings {
    /// Nothing set: the engine's defaults apply.
    pub fn is_unset(&self) -> bool {
        self.default_track.is_none() && self.after_hand_off.is_none() && self.tracks.is_empty()
    }
}

/// `[routing]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSettings {
    /// The SLA: an assignment not accepted within this long (`"4h"`,
    /// `"30m"`, `"2d"`) is escalated: routed again without the reps who let
    /// it lapse. None: assignments wait as long as it takes.
    #[serde(
        default,
        with = "humantime_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub accept_within: Option<Duration>,
    /// Most reps a routing policy is shown for one lead (`candidates =
    /// 50`); a larger roster is narrowed to a shortlist that keeps the best
    /// reps by each standard routing method's criterion (see
    /// `routing::shortlist`). 0 shows every rep. None: 16
    /// ([`crate::routing::SHORTLIST_DEFAULT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<usize>,
}

impl RoutingSettings {
    /// Nothing set: no SLA, the default shortlist.
    pub fn is_unset(&self) -> bool {
        self.accept_within.is_none() && self.candidates.is_none()
    }

    /// Most reps a routing policy is shown; 0 is every rep.
    pub fn candidates(&self) -> usize {
        self.candidates.unwrap_or(crate::routing::SHORTLIST_DEFAULT)
    }

    /// The SLA as a span of lead time.
    pub fn sla(&self) -> Option<chrono::Duration> {
        self.accept_within
            .and_then(|within| chrono::Duration::from_std(within).ok())
    }
}

/// `[announcements]`: what sales hears ahead of time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementSettings {
    /// How long before a campaign's launch the `campaign-launch` message
    /// goes out (`"7d"`, `"36h"`). None: [`LAUNCH_NOTICE_DEFAULT`].
    #[serde(
        default,
        with = "humantime_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub campaign_launch: Option<Duration>,
}

/// How long before its launch a campaign is announced when `org.toml`
/// does not say: a working week and a weekend, time for reps to look at
/// the leads it will touch.
pub const LAUNCH_NOTICE_DEFAULT: chrono::Duration = chrono::Duration::days(7);

impl AnnouncementSettings {
    /// Nothing set: the defaults apply.
    pub fn is_unset(&self) -> bool {
        self.campaign_launch.is_none()
    }

    /// How long before its launch a campaign is announced.
    pub fn launch_notice(&self) -> chrono::Duration {
        self.campaign_launch
            .and_then(|notice| chrono::Duration::from_std(notice).ok())
            .unwrap_or(LAUNCH_NOTICE_DEFAULT)
    }
}

/// A duration as humantime text (`"4h"`: `accept_within`,
/// `campaign_launch`), from a minute (shorter
/// would escalate before anyone could look) to a year.
mod humantime_option {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, out: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(duration) => out.serialize_str(&humantime::format_duration(*duration).to_string()),
            None => out.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Option<Duration>, D::Error> {
        let text = String::deserialize(input)?;
        let duration = humantime::parse_duration(text.trim()).map_err(|error| {
            D::Error::custom(format!(
                "expected a duration such as \"4h\", \"30m\" or \"2d\": {error}"
            ))
        })?;
        const SHORTEST: Duration = Duration::from_secs(60);
        const LONGEST: Duration = Duration::from_secs(366 * 24 * 3600);
        if !(SHORTEST..=LONGEST).contains(&duration) {
            return Err(D::Error::custom("must be between 1 minute and 366 days"));
        }
        Ok(Some(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RoutingSettings, String> {
        toml::from_str(text).map_err(|error| error.to_string())
    }

    #[test]
    fn the_sla_reads_as_human_text_and_writes_back_the_same() {
        let settings = parse(r#"accept_within = "4h""#).unwrap();
        assert_eq!(settings.sla(), Some(chrono::Duration::hours(4)));
        let text = toml::to_string(&settings).unwrap();
        assert_eq!(parse(&text).unwrap(), settings);
        assert!(parse("").unwrap().is_unset());
    }

    #[test]
    fn a_bad_or_zero_sla_is_refused_saying_what_is_expected() {
        let error = parse(r#"accept_within = "soon""#).unwrap_err();
        assert!(error.contains("accept_within"), "{error}");
        assert!(error.contains("a duration such as \"4h\""), "{error}");
        for out_of_range in ["0s", "500us", "300000y"] {
            let error = parse(&format!("accept_within = \"{out_of_range}\"")).unwrap_err();
            assert!(error.contains("between 1 minute and 366 days"), "{error}");
        }
    }
}

/// One endpoint per event kind; an event with no endpoint is not sent
/// anywhere (it stays on the lead's timeline).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Webhooks {
    /// `[webhooks.touch]`: a nurture touch to send.
    pub touch: Option<Webhook>,
    /// `[webhooks.call-task]`: a call a nurture track asks a person to make.
    pub call_task: Option<Webhook>,
    /// `[webhooks.lead-assigned]`: a rep was given a lead.
    pub lead_assigned: Option<Webhook>,
    /// `[webhooks.owner-activity]`: a lead's owner should hear of new activity.
    pub owner_activity: Option<Webhook>,
    /// `[webhooks.sla-escalation]`: an assignment's SLA lapsed and the lead
    /// was routed again.
    pub sla_escalation: Option<Webhook>,
    /// `[webhooks.campaign-launch]`: a campaign launches soon (see
    /// `[announcements]`).
    pub campaign_launch: Option<Webhook>,
}

impl Webhooks {
    /// No endpoint at all.
    pub fn is_unset(&self) -> bool {
        self == &Webhooks::default()
    }

    /// The endpoint for `event` (`touch`, `call-task`, `lead-assigned`,
    /// `owner-activity`, `sla-escalation`).
    pub fn get(&self, event: &str) -> Option<&Webhook> {
        match event {
            "touch" => self.touch.as_ref(),
            "call-task" => self.call_task.as_ref(),
            "lead-assigned" => self.lead_assigned.as_ref(),
            "owner-activity" => self.owner_activity.as_ref(),
            "sla-escalation" => self.sla_escalation.as_ref(),
            "campaign-launch" => self.campaign_launch.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = (&'static str, &Webhook)> {
        [
            ("touch", &self.touch),
            ("call-task", &self.call_task),
            ("lead-assigned", &self.lead_assigned),
            ("owner-activity", &self.owner_activity),
            ("sla-escalation", &self.sla_escalation),
            ("campaign-launch", &self.campaign_launch),
        ]
        .into_iter()
        .filter_map(|(event, hook)| Some((event, hook.as_ref()?)))
    }
}

/// An endpoint and the secret its deliveries are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// `http://` or `https://` URL.
    pub url: String,
    /// The HMAC-SHA256 key of the `X-Leadhost-Signature` header.
    pub secret: String,
}

/// Each org's nurture, routing and webhook settings. Cheap to clone; clones
/// share the table. An org with none set reads the defaults.
#[derive(Debug, Clone, Default)]
pub struct OrgSettings {
    nurture: Arc<RwLock<HashMap<String, NurtureSettings>>>,
    routing: Arc<RwLock<HashMap<String, RoutingSettings>>>,
    webhooks: Arc<RwLock<HashMap<String, Webhooks>>>,
    announcements: Arc<RwLock<HashMap<String, AnnouncementSettings>>>,
    goals: Arc<RwLock<HashMap<String, Vec<crate::Goal>>>>,
    matching: Arc<RwLock<HashMap<String, crate::MatchingSettings>>>,
}

fn get<T: Clone + Default>(table: &RwLock<HashMap<String, T>>, org: &str) -> T {
    // Plain values: a panic elsewhere cannot leave them torn.
    let table = table
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    table.get(org).cloned().unwrap_or_default()
}

fn set<T>(table: &RwLock<HashMap<String, T>>, org: &str, value: T) {
    let mut table = table
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    table.insert(org.to_string(), value);
}

impl OrgSettings {
    /// Sets `org`'s nurture settings.
    pub fn set_nurture(&self, org: &str, settings: NurtureSettings) {
        set(&self.nurture, org, settings);
    }

    /// `org`'s nurture settings (defaults when `org.toml` has none).
    pub fn nurture(&self, org: &str) -> NurtureSettings {
        get(&self.nurture, org)
    }

    /// Sets `org`'s routing settings.
    pub fn set_routing(&self, org: &str, settings: RoutingSettings) {
        set(&self.routing, org, settings);
    }

    /// `org`'s routing settings (no SLA when `org.toml` has none).
    pub fn routing(&self, org: &str) -> RoutingSettings {
        get(&self.routing, org)
    }

    /// Sets `org`'s webhook endpoints.
    pub fn set_webhooks(&self, org: &str, webhooks: Webhooks) {
        set(&self.webhooks, org, webhooks);
    }

    /// `org`'s webhook endpoints.
    pub fn webhooks(&self, org: &str) -> Webhooks {
        get(&self.webhooks, org)
    }

    /// Sets `org`'s announcement settings.
    pub fn set_announcements(&self, org: &str, settings: AnnouncementSettings) {
        set(&self.announcements, org, settings);
    }

    /// `org`'s announcement settings (defaults when `org.toml` has none).
    pub fn announcements(&self, org: &str) -> AnnouncementSettings {
        get(&self.announcements, org)
    }

    /// Sets `org`'s duplicate-matching thresholds.
    pub fn set_matching(&self, org: &str, settings: crate::MatchingSettings) {
        set(&self.matching, org, settings);
    }

    /// `org`'s duplicate-matching thresholds (defaults when `org.toml` has
    /// none).
    pub fn matching(&self, org: &str) -> crate::MatchingSettings {
        get(&self.matching, org)
    }

    /// Sets `org`'s goals.
    pub fn set_goals(&self, org: &str, goals: Vec<crate::Goal>) {
        set(&self.goals, org, goals);
    }

    /// `org`'s goals (none when `org.toml` sets none).
    pub fn goals(&self, org: &str) -> Vec<crate::Goal> {
        get(&self.goals, org)
    }
}
