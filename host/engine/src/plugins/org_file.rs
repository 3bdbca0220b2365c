//! `org.toml`: which component fills which slot of an org, with what
//! config; the org's nurture settings; optionally its reps. An admin edits
//! it in place; the watcher applies it like a dropped component.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Config, Rep, Scalar};
use crate::runtime::Slot;
use crate::{AnnouncementSettings, NewCampaign, NurtureSettings, RoutingSettings, Webhooks};

pub mod edit;

/// The file's name in an org's folder.
pub const ORG_FILE: &str = "org.toml";

/// `org.toml` cannot be used; everything active keeps serving.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgFileError {
    /// The file cannot be read. (Messages name the file, not its path:
    /// an org's token holder reads them, and the server's folders are not
    /// theirs to know.)
    #[error("cannot read {}: {message}", file_name(.path))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The file is not TOML of the expected shape.
    #[error("{}: {message}", file_name(.path))]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line, column and key.
        message: String,
    },
}

/// Where and why `text` is not an `org.toml`, without quoting the file: the
/// message goes to the org's token holders and the log, and the line may
/// hold a webhook's secret. Only the line and column, and the parser's
/// reason unless the line sets a secret or a token (whose value the reason
/// may repeat).
fn parse_message(text: &str, error: &toml::de::Error) -> String {
    let reason = without_value(&error.message().trim().replace('\n', " "));
    let Some(span) = error.span() else {
        return reason;
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let key = line_text.split('=').next().unwrap_or_default().trim();
    let secret = ["secret", "token"]
        .iter()
        .any(|word| key.to_ascii_lowercase().contains(word));
    if secret {
        format!(
            "line {line}, column {column}: the value of `{key}` is not valid (it is not repeated: it may be a secret); give it as text, `{key} = \"…\"`"
        )
    } else {
        format!("line {line}, column {column}: {reason}")
    }
}

/// serde's `invalid type: integer `123`, expected a string` without what
/// was given (`invalid type: integer, expected a string`): the value may be
/// a secret under a key the line does not name (an inline table).
fn without_value(reason: &str) -> String {
    for start in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = reason.strip_prefix(start)
            && let Some((given, expected)) = rest.split_once(", expected ")
        {
            let kind = given.split_whitespace().next().unwrap_or_default();
            return format!("{start}{kind}, expected {expected}");
        }
    }
    reason.to_string()
}

/// The last part of `path` (`org.toml`).
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// The whole file. Every table is optional; a slot without an entry is
/// empty (leads that need it wait in needs-review).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFile {
    /// `[plugins.<slot>]`: the component of each slot.
    #[serde(default)]
    pub plugins: SlotEntries,
    /// `[nurture]`: the org's nurture tracks.
    #[serde(default, skip_serializing_if = "NurtureSettings::is_unset")]
    pub nurture: NurtureSettings,
    /// `[routing]`: the org's routing settings (the SLA).
    #[serde(default, skip_serializing_if = "RoutingSettings::is_unset")]
    pub routing: RoutingSettings,
    /// `[webhooks.<event>]`: where the org's outbox messages go.
    #[serde(default, skip_serializing_if = "Webhooks::is_unset")]
    pub webhooks: Webhooks,
    /// `[matching]`: how sure the duplicate rule must be to merge a new
    /// lead, and to hold it for review.
    #[serde(default, skip_serializing_if = "crate::MatchingSettings::is_unset")]
    pub matching: crate::MatchingSettings,
    /// `[announcements]`: how far ahead sales hears of a campaign launch.
    #[serde(default, skip_serializing_if = "AnnouncementSettings::is_unset")]
    pub announcements: AnnouncementSettings,
    /// `[[reps]]`: reps to create or update (their live load is kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reps: Vec<Rep>,
    /// `[[campaigns]]`: campaigns to create or update, by id (made from the
    /// name when left out); one the file no longer names is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<NewCampaign>,
    /// `[[goals]]`: the goals sales and marketing share.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<crate::Goal>,
}

/// One entry per slot, by the slot's world name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SlotEntries {
    /// `[plugins.lead-definition]`.
    pub lead_definition: Option<SlotEntry>,
    /// `[plugins.nurture-track]`.
    pub nurture_track: Option<SlotEntry>,
    /// `[plugins.routing-policy]`.
    pub routing_policy: Option<SlotEntry>,
    /// `[plugins.duplicate-rule]`: optional; without one, leads are matched
    /// by e-mail alone.
    pub duplicate_rule: Option<SlotEntry>,
}

impl SlotEntries {
    /// The entry of `slot`.
    pub fn get(&self, slot: Slot) -> Option<&SlotEntry> {
        match slot {
            Slot::LeadDefinition => self.lead_definition.as_ref(),
            Slot::NurtureTrack => self.nurture_track.as_ref(),
            Slot::RoutingPolicy => self.routing_policy.as_ref(),
            Slot::DuplicateRule => self.duplicate_rule.as_ref(),
        }
    }

    /// Sets the entry of `slot`.
    pub fn set(&mut self, slot: Slot, entry: SlotEntry) {
        let place = match slot {
            Slot::LeadDefinition => &mut self.lead_definition,
            Slot::NurtureTrack => &mut self.nurture_track,
            Slot::RoutingPolicy => &mut self.routing_policy,
            Slot::DuplicateRule => &mut self.duplicate_rule,
        };
        *place = Some(entry);
    }
}

/// What fills one slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotEntry {
    /// The component's file name in the org's folder (`bant-qualifier.wasm`).
    /// Its sample cases, if any, are beside it as `<stem>.cases.json`.
    pub component: String,
    /// Config values passed to every call: strings, numbers, `true`/`false`
    /// and lists of strings and numbers (passed on as comma-separated text;
    /// see [`crate::model::config_values`]).
    #[serde(
        default,
        skip_serializing_if = "Config::is_empty",
        deserialize_with = "crate::model::config_values::config"
    )]
    pub config: Config,
    /// A candidate run beside this one on every call of the slot, after
    /// the live decision; its answers are recorded as shadow decisions and
    /// never acted on (a file in the org's folder, like `component`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<String>,
    /// The largest share (0 to 1) of the slot's latest recorded verdicts a
    /// new version may change; one that would change more is refused,
    /// naming the counts (see `[reload] impact_sample`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_change: Option<f64>,
    /// Config values laid over `config` for the shadow only.
    #[serde(
        default,
        skip_serializing_if = "Config::is_empty",
        deserialize_with = "crate::model::config_values::config"
    )]
    pub shadow_config: Config,
}

impl OrgFile {
    /// Parses the text of an `org.toml` at `path` (for messages).
    pub fn parse(path: &Path, text: &str) -> Result<Self, OrgFileError> {
        // An empty file is one being written (truncated, not yet filled),
        // not an order to empty every slot: refused, everything serves on.
        if text.trim().is_empty() {
            return Err(OrgFileError::Parse {
                path: path.to_path_buf(),
                message: "the file is empty: write it whole (to a temporary name, then rename it); to empty a slot, leave its table out".into(),
            });
        }
        let file: OrgFile = toml::from_str(text).map_err(|error| OrgFileError::Parse {
            path: path.to_path_buf(),
            message: parse_message(text, &error),
        })?;
        for slot in Slot::ALL {
            if let Some(entry) = file.plugins.get(slot)
                && !is_component_name(&entry.component)
            {
                return Err(OrgFileError::Parse {
                    path: path.to_path_buf(),
                    message: format!(
                        "plugins.{slot}.component = {:?}: expected a file name in the org's folder ending in `.wasm` (a component) or `.rhai` (an admin script)",
                        entry.component
                    ),
                });
            }
            if let Some(entry) = file.plugins.get(slot)
                && let Some(shadow) = &entry.shadow
            {
                let problem = if !is_component_name(shadow) {
                    Some("expected a file name in the org's folder ending in `.wasm` or `.rhai`")
                } else if *shadow == entry.component {
                    Some("the shadow is the live component itself; name a candidate")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(OrgFileError::Parse {
                        path: path.to_path_buf(),
                        message: format!("plugins.{slot}.shadow = {shadow:?}: {problem}"),
                    });
                }
            }
            if let Some(max) = file.plugins.get(slot).and_then(|entry| entry.max_change)
                && !(0.0..=1.0).contains(&max)
            {
                return Err(OrgFileError::Parse {
                    path: path.to_path_buf(),
                    message: format!(
                        "plugins.{slot}.max_change = {max}: a share from 0 to 1 (0.2 refuses a version that would change more than a fifth of the latest verdicts)"
                    ),
                });
            }
            let entry = file.plugins.get(slot);
            let configs = entry.into_iter().flat_map(|entry| {
                [
                    ("config", &entry.config),
                    ("shadow_config", &entry.shadow_config),
                ]
            });
            for (table, config) in configs {
                if let Some((key, Scalar::Number(number))) =
                    config.iter().find(|(_, value)| value.is_non_finite())
                {
                    return Err(OrgFileError::Parse {
                        path: path.to_path_buf(),
                        message: format!(
                            "plugins.{slot}.{table}.{key}: must be a finite number, not `{number}`"
                        ),
                    });
                }
            }
        }
        // Checked here, so a wrong rep refuses the file (naming the field)
        // instead of failing the reload half-way through its reps.
        for (at, rep) in file.reps.iter().enumerate() {
            if let Err(errors) = crate::validate::check_rep(rep.clone()) {
                let problems: Vec<String> = errors
                    .iter()
                    .map(|error| format!("reps[{at}].{}: {}", error.field, error.problem))
                    .collect();
                return Err(OrgFileError::Parse {
                    path: path.to_path_buf(),
                    message: format!("{} (rep `{}`)", problems.join("; "), rep.id.trim()),
                });
            }
        }
        crate::goals::check_goals(&file.goals)
            .and_then(|()| crate::campaigns::check_file_campaigns(&file.campaigns))
            .and_then(|()| file.matching.check())
            .map_err(|message| OrgFileError::Parse {
                path: path.to_path_buf(),
                message,
            })?;
        for (event, hook) in file.webhooks.all() {
            let scheme_ok = hook.url.starts_with("http://") || hook.url.starts_with("https://");
            let problem = if !scheme_ok {
                Some("url: expected an http:// or https:// URL")
            } else if hook.secret.len() < 16 {
                Some("secret: use at least 16 characters")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(OrgFileError::Parse {
                    path: path.to_path_buf(),
                    message: format!("webhooks.{event}.{problem}"),
                });
            }
        }
        Ok(file)
    }

    /// Reads `<folder>/org.toml`: a regular file, not a link, of at most
    /// [`super::folder::ORG_FILE_MAX`] bytes of UTF-8.
    pub fn read(folder: &Path) -> Result<Self, OrgFileError> {
        let path = folder.join(ORG_FILE);
        let read = |message: String| OrgFileError::Read {
            path: path.clone(),
            message,
        };
        let bytes = super::folder::read_org_file(&path, super::folder::ORG_FILE_MAX)
            .map_err(|error| read(error.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|error| read(format!("not UTF-8: {error}")))?;
        OrgFile::parse(&path, &text)
    }

    /// The file's text, with a header saying what it is.
    pub fn to_text(&self) -> String {
        let body = toml::to_string_pretty(self).expect("an org file serializes");
        format!(
            "# leadhost org folder: which component fills which slot (see the README,\n\
             # \"Org folders\"). Edits are applied while the server runs.\n\n{body}"
        )
    }
}

/// A plain file name ending in `.wasm` or `.rhai` (no folders, nothing
/// hidden).
pub fn is_component_name(name: &str) -> bool {
    let script = super::script::SCRIPT_EXTENSION;
    [".wasm", script]
        .iter()
        .any(|extension| name.len() > extension.len() && name.ends_with(extension))
        // `x.rhai.wasm` would be a component whose name says script.
        && !name
            .strip_suffix(".wasm")
            .is_some_and(|stem| stem.ends_with(script))
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
}

#[cfg(test)]
mod tests;
