//! Replay: a recorded decision run again — the version that made it (by
//! hash, from the kept components), on the input it saw (by digest, from
//! the recorded inputs) — and its answer compared field by field with the
//! recorded one. A decision that does not reproduce says which fields
//! changed; one that cannot be replayed says why (its input was never
//! recorded or has expired, its version is no longer kept or loadable).

mod audit;
mod diff;

use std::collections::HashMap;

use serde::Serialize;

use super::loader::PluginLoader;
use super::script::load_plugin_with;
use crate::EngineError;
use crate::model::Config;
use crate::recorded_call::{CallResult, UnreadableInput, call_recorded};
use crate::runtime::{Cancel, ContentHash, Plugin, PluginError, Slot};
use crate::store::{Decision, Outcome, StoreError};

pub use audit::{Audit, DIFFERS_LISTED, NotReplayable};
pub use diff::{DIFFERENCES_LISTED, Difference};

/// A decision replayed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Replayed {
    /// The lead.
    pub lead: String,
    /// The decision's place in the lead's timeline.
    pub seq: u64,
    /// The slot called.
    pub slot: Slot,
    /// The plug-in's name.
    pub plugin: String,
    /// The sha256 of the version replayed (the decision's).
    pub plugin_hash: String,
    /// Whether the replay answered exactly as recorded (the same output,
    /// or a failure with the same code).
    pub identical: bool,
    /// Each field that differs, when not identical (at most
    /// [`DIFFERENCES_LISTED`]).
    pub differences: Vec<Difference>,
}

/// A decision could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The lead is unknown (or the org is).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The lead has no decision with that number.
    #[error(
        "lead {lead} has no decision {seq}: {}",
        match decisions.as_slice() {
            [] => "it has no decisions".to_string(),
            seqs => format!(
                "its decisions are {}",
                seqs.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    )]
    NoDecision {
        /// The lead.
        lead: String,
        /// The number asked for.
        seq: u64,
        /// The numbers of the lead's decisions, in order.
        decisions: Vec<u64>,
    },
    /// The decision's input is not kept: it was made before inputs were
    /// recorded, or its input expired (`[store] input_retention_days`).
    #[error(
        "decision {seq} of lead {lead} cannot be replayed: its input ({digest}) is not kept — made before inputs were recorded, or past the input retention"
    )]
    InputNotKept {
        /// The lead.
        lead: String,
        /// The decision.
        seq: u64,
        /// The decision's input digest.
        digest: String,
    },
    /// The version that decided is not kept (its kept copy was removed).
    #[error(
        "version {hash} of {plugin} is not kept in the data folder's components/, so it cannot be run again"
    )]
    VersionNotKept {
        /// The plug-in's name.
        plugin: String,
        /// Its hash.
        hash: ContentHash,
    },
    /// The kept version no longer loads in this host (a WIT version no
    /// longer supported, a limit lowered since).
    #[error("version {} no longer loads: {}", .0.plugin, .0.cause)]
    VersionDoesNotLoad(#[source] PluginError),
    /// The recorded input does not read as its slot's input (damaged).
    #[error(transparent)]
    Unreadable(#[from] UnreadableInput),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Versions loaded for replays, by name and hash: an audit loads each once.
#[derive(Default)]
pub(crate) struct Versions(HashMap<(String, ContentHash), Plugin>);

impl PluginLoader {
    /// Replays decision `seq` of `org`'s lead `lead`.
    ///
    /// Errors: [`ReplayError`] — an unknown lead or decision (404 over
    /// HTTP), an input or version not kept (410), a version that no longer
    /// loads (409).
    pub fn replay(&self, org: &str, lead: &str, seq: u64) -> Result<Replayed, ReplayError> {
        self.engine.known_org(org)?;
        let timeline = self.engine.timeline(org, lead)?;
        let decision = timeline
            .iter()
            .find(|entry| entry.seq == seq)
            .and_then(|entry| entry.decision())
            .ok_or_else(|| ReplayError::NoDecision {
                lead: lead.to_string(),
                seq,
                decisions: timeline
                    .iter()
                    .filter(|entry| entry.decision().is_some())
                    .map(|entry| entry.seq)
                    .collect(),
            })?;
        self.replay_decision(seq, decision, &mut Versions::default())
    }

    /// Replays one recorded decision, loading its version through `versions`.
    pub(crate) fn replay_decision(
        &self,
        seq: u64,
        decision: &Decision,
        versions: &mut Versions,
    ) -> Result<Replayed, ReplayError> {
        let (org, lead) = (decision.org.as_str(), decision.lead.as_str());
        let input = self
            .engine
            .store()
            .input(org, &decision.input_digest)?
            .ok_or_else(|| ReplayError::InputNotKept {
                lead: lead.to_string(),
                seq,
                digest: decision.input_digest.clone(),
            })?;
        let plugin = self.version(versions, decision, &input.json)?;
        let replayed = call_recorded(&plugin, org, decision.slot, &input.json)?;
        let differences = match (&decision.outcome, replayed) {
            (Outcome::Decided { output }, CallResult::Decided(now)) => {
                diff::differences("output", output, &now)
            }
            (Outcome::Failed { code, .. }, CallResult::Failed { code: now, .. }) => {
                diff::differences("code", &code.as_str().into(), &now.as_str().into())
            }
            (recorded, now) => vec![Difference {
                field: "outcome".into(),
                recorded: outcome_summary(recorded),
                replayed: match now {
                    CallResult::Decided(output) => {
                        serde_json::json!({"outcome": "decided", "output": output})
                    }
                    CallResult::Failed { code, error } => {
                        serde_json::json!({"outcome": "failed", "code": code, "error": error})
                    }
                },
            }],
        };
        Ok(Replayed {
            lead: lead.to_string(),
            seq,
            slot: decision.slot,
            plugin: decision.plugin.clone(),
            plugin_hash: decision.plugin_hash.to_string(),
            identical: differences.is_empty(),
            differences,
        })
    }

    /// The version that made `decision`: the one active, when it is that
    /// version, else its kept copy (checked against its hash), loaded once.
    fn version(
        &self,
        versions: &mut Versions,
        decision: &Decision,
        input: &[u8],
    ) -> Result<Plugin, ReplayError> {
        let key = (decision.plugin.clone(), decision.plugin_hash);
        if let Some(plugin) = versions.0.get(&key) {
            return Ok(plugin.clone());
        }
        let active = self
            .registry()
            .active(&decision.org, decision.slot)
            .map(|active| active.plugin.clone())
            .filter(|plugin| {
                plugin.id().hash == decision.plugin_hash && plugin.id().name == decision.plugin
            });
        let plugin = match active {
            Some(plugin) => plugin,
            None => self.load_kept(decision, input)?,
        };
        versions.0.insert(key, plugin.clone());
        Ok(plugin)
    }

    /// Loads the kept copy of `decision`'s version; a script's probe call
    /// gets the config of the recorded `input` (a script may need its keys).
    fn load_kept(&self, decision: &Decision, input: &[u8]) -> Result<Plugin, ReplayError> {
        #[derive(serde::Deserialize)]
        struct WithConfig {
            #[serde(default)]
            config: Config,
        }
        let config = serde_json::from_slice::<WithConfig>(input)
            .map(|input| input.config)
            .unwrap_or_default();
        let not_kept = || ReplayError::VersionNotKept {
            plugin: decision.plugin.clone(),
            hash: decision.plugin_hash,
        };
        let path = self.folders.kept_path(&decision.plugin_hash);
        let bytes = super::folder::read_org_file(&path, self.runtime.max_component_bytes() as u64)
            .map_err(|_| not_kept())?;
        if ContentHash::of(&bytes) != decision.plugin_hash {
            return Err(not_kept());
        }
        load_plugin_with(
            &self.runtime,
            &decision.plugin,
            &bytes,
            Some(decision.slot),
            &config,
            self.max_script_bytes,
            &Cancel::new(),
        )
        .map_err(ReplayError::VersionDoesNotLoad)
    }
}

/// A recorded outcome as the difference shows it.
fn outcome_summary(outcome: &Outcome) -> serde_json::Value {
    match outcome {
        Outcome::Decided { output } => serde_json::json!({"outcome": "decided", "output": output}),
        Outcome::Failed { code, error } => {
            serde_json::json!({"outcome": "failed", "code": code, "error": error})
        }
    }
}
