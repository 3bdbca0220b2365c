//! The org-wide settings of `org.toml` beside the slots: how its leads are
//! nurtured (`[nurture]`) and routed (`[routing]`).

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
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
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
}

impl RoutingSettings {
    /// Nothing set: no SLA.
    pub fn is_unset(&self) -> bool {
        self.accept_within.is_none()
    }

    /// The SLA as a span of lead time.
    pub fn sla(&self) -> Option<chrono::Duration> {
        self.accept_within
            .and_then(|within| chrono::Duration::from_std(within).ok())
    }
}

/// `accept_within` as humantime text (`"4h"`), from a minute (shorter
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
