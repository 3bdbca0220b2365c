//! A slot's versions: which component, with which config, became active,
//! when and why. A slot's version is its component's hash and its config's
//! digest together, so a config-only change is a version too.

use serde::{Deserialize, Serialize};

use leadhost_model::{Config, ContentHash, Scalar, Slot, Time};

/// Why a plug-in version became active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// A first-party plug-in written into a new org's folder.
    FirstParty,
    /// A component dropped, replaced or named anew in the org's folder.
    File,
    /// An upload through the API.
    Upload,
    /// The same component with other config (an `org.toml` edit).
    Config,
    /// A rollback to a recorded version, by the API or the CLI.
    Rollback,
    /// At start-up, the folder being unusable, the last good version.
    #[serde(rename = "restore", alias = "restored")]
    Restore,
    /// The slot's shadow made live (`POST …/shadow/promote`).
    Promote,
}

impl Activation {
    /// Its name in JSON, logs and metrics labels.
    pub fn label(self) -> &'static str {
        match self {
            Activation::FirstParty => "first-party",
            Activation::File => "file",
            Activation::Upload => "upload",
            Activation::Config => "config",
            Activation::Rollback => "rollback",
            Activation::Restore => "restore",
            Activation::Promote => "promote",
        }
    }
}

/// A plug-in version that became active in one of an org's slots. Kept for
/// good: the history an admin rolls back through, and what every decision's
/// hash and config digest point at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PluginVersion {
    /// The slot.
    pub slot: Slot,
    /// Its name (the component's file name without `.wasm`).
    pub name: String,
    /// The sha256 of the component (of the text, for a script); hex in JSON.
    #[schema(value_type = String)]
    pub hash: ContentHash,
    /// Why it became active.
    pub how: Activation,
    /// When it became active.
    #[schema(value_type = String, format = DateTime)]
    pub at: Time,
    /// The config it served with. Empty in entries written before config
    /// was recorded (their `config_digest` is empty too).
    #[serde(default)]
    pub config: Config,
    /// The sha256 of `config` as JSON, hex ([`config_digest`]); decisions
    /// carry the same digest.
    #[serde(default)]
    pub config_digest: String,
    /// What changed in the config since the slot's version before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_changes: Vec<ConfigChange>,
    /// The sha256 of the sample cases it passed (the text of its
    /// `<name>.cases.json`), hex; empty when it had none; absent in entries
    /// written before cases were recorded. A rollback brings them back
    /// with it, so it is checked against its own cases, not a later
    /// build's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases_digest: Option<String>,
    /// What the version would have changed, run on the slot's latest
    /// recorded inputs when it was activated (`null` when there were none,
    /// or at a restart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
}

/// A version's impact: its verdicts on the slot's latest recorded inputs
/// against the verdicts recorded for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Impact {
    /// Recorded inputs it ran on (the latest of the slot, at most the
    /// sample the host is set to).
    pub inputs: u64,
    /// Of them, those whose verdict it changes.
    pub changed: u64,
    /// Of them, those it failed on.
    pub failed: u64,
    /// How the changed verdicts change, most frequent first.
    pub changes: Vec<VerdictChange>,
    /// In words: `87 of 1000: 61 nurture → sales-ready, 26 sales-ready → nurture`.
    pub summary: String,
}

/// One way verdicts change, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VerdictChange {
    /// The verdict recorded.
    pub from: String,
    /// The new version's.
    pub to: String,
    /// How many inputs.
    pub count: u64,
}

impl PluginVersion {
    /// Whether `self` is the same version as one of `hash`, `name` and
    /// config with the digest `config_digest`.
    pub fn is(&self, name: &str, hash: ContentHash, config_digest: &str) -> bool {
        self.hash == hash && self.name == name && self.config_digest == config_digest
    }
}

/// One config key that changed between two versions of a slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConfigChange {
    /// The key.
    pub key: String,
    /// Its value before; none when it was added.
    pub before: Option<Scalar>,
    /// Its value now; none when it was removed.
    pub after: Option<Scalar>,
}

/// The sha256 of a config as JSON (keys in order), hex: equal configs have
/// equal digests.
pub fn config_digest(config: &Config) -> String {
    ContentHash::of(&serde_json::to_vec(config).expect("config serializes")).to_string()
}

/// The keys whose values differ between `before` and `after`, in key order.
pub fn config_changes(before: &Config, after: &Config) -> Vec<ConfigChange> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| before.get(*key) != after.get(*key))
        .map(|key| ConfigChange {
            key: key.clone(),
            before: before.get(key).cloned(),
            after: after.get(key).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_lists_each_added_removed_and_changed_key_and_the_digest_follows_the_values() {
        let before = Config::from([
            ("min-size".to_string(), Scalar::Number(200.0)),
            ("window-days".to_string(), Scalar::Number(30.0)),
            ("same".to_string(), Scalar::Boolean(true)),
        ]);
        let after = Config::from([
            ("min-size".to_string(), Scalar::Number(600.0)),
            ("industries".to_string(), Scalar::Text("logistics".into())),
            ("same".to_string(), Scalar::Boolean(true)),
        ]);
        let changes = config_changes(&before, &after);
        let keys: Vec<&str> = changes.iter().map(|change| change.key.as_str()).collect();
        assert_eq!(keys, ["industries", "min-size", "window-days"]);
        assert_eq!(changes[0].before, None);
        assert_eq!(changes[1].after, Some(Scalar::Number(600.0)));
        assert_eq!(changes[2].after, None);
        assert_ne!(config_digest(&before), config_digest(&after));
        assert_eq!(config_digest(&before), config_digest(&before.clone()));
        assert_eq!(config_digest(&before).len(), 64);
    }

    #[test]
    fn an_entry_written_before_config_was_recorded_reads_back_and_restored_is_restore() {
        let old = r#"{"slot":"lead-definition","name":"bant-qualifier","hash":"00000000000000000000000000000000000000000000000000000000000000ff","how":"restored","at":"2026-11-24T09:00:00Z"}"#;
        let version: PluginVersion = serde_json::from_str(old).unwrap();
        assert_eq!(version.how, Activation::Restore);
        assert!(version.config.is_empty() && version.config_digest.is_empty());
        let json = serde_json::to_value(&version).unwrap();
        assert_eq!(json["how"], "restore");
    }
}
