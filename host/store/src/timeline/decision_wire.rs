//! A [`Decision`] as stored, read field by field: its outcome's fields
//! (`outcome`, `output` or `code` and `error`) sit inline beside the rest,
//! as `Decision`'s serializer writes them.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Decision, Outcome};
use crate::RoutingView;
use leadhost_model::{ContentHash, Slot};

/// Which outcome a decision records.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum OutcomeTag {
    Decided,
    Failed,
}

/// A decision's JSON, flat.
#[derive(Deserialize)]
pub(super) struct DecisionWire {
    org: String,
    lead: String,
    slot: Slot,
    plugin: String,
    plugin_hash: ContentHash,
    wit_version: String,
    input_digest: String,
    #[serde(default)]
    config_digest: String,
    outcome: OutcomeTag,
    #[serde(default)]
    output: Option<serde_json::Value>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    error: Option<String>,
    reasons: Vec<String>,
    #[serde(default)]
    routing: Option<RoutingView>,
    duration_us: u64,
    fuel_used: u64,
    at: DateTime<Utc>,
}

impl TryFrom<DecisionWire> for Decision {
    type Error = String;

    fn try_from(wire: DecisionWire) -> Result<Self, String> {
        let outcome = match (wire.outcome, wire.output, wire.code, wire.error) {
            (OutcomeTag::Decided, Some(output), _, _) => Outcome::Decided { output },
            (OutcomeTag::Decided, None, _, _) => {
                return Err("a decided outcome without its `output`".into());
            }
            (OutcomeTag::Failed, _, Some(code), Some(error)) => Outcome::Failed { code, error },
            (OutcomeTag::Failed, ..) => {
                return Err("a failed outcome without its `code` and `error`".into());
            }
        };
        Ok(Decision {
            org: wire.org,
            lead: wire.lead,
            slot: wire.slot,
            plugin: wire.plugin,
            plugin_hash: wire.plugin_hash,
            wit_version: wire.wit_version,
            input_digest: wire.input_digest,
            config_digest: wire.config_digest,
            outcome,
            reasons: wire.reasons,
            routing: wire.routing,
            duration_us: wire.duration_us,
            fuel_used: wire.fuel_used,
            at: wire.at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(outcome: Outcome) -> Decision {
        Decision {
            org: "acme".into(),
            lead: "ld-1".into(),
            slot: Slot::LeadDefinition,
            plugin: "bant".into(),
            plugin_hash: ContentHash::of(b"bant"),
            wit_version: "0.1.0".into(),
            input_digest: "abc".into(),
            config_digest: "def".into(),
            outcome,
            reasons: vec!["why".into()],
            routing: None,
            duration_us: 12,
            fuel_used: 34,
            at: "2026-11-30T10:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn both_outcomes_read_back_as_written_and_an_incomplete_one_is_refused() {
        for outcome in [
            Outcome::Decided {
                output: serde_json::json!({"stage": "nurture", "score": 40}),
            },
            Outcome::Failed {
                code: "trap".into(),
                error: "boom".into(),
            },
        ] {
            let written = decision(outcome);
            let json = serde_json::to_string(&written).unwrap();
            let read: Decision = serde_json::from_str(&json).unwrap();
            assert_eq!(read, written, "{json}");
        }
        let mut json = serde_json::to_value(decision(Outcome::Failed {
            code: "trap".into(),
            error: "boom".into(),
        }))
        .unwrap();
        json.as_object_mut().unwrap().remove("code");
        let error = serde_json::from_value::<Decision>(json).unwrap_err();
        assert!(error.to_string().contains("without its `code`"), "{error}");
        // Written before `config_digest` was recorded: read with it empty.
        let mut json = serde_json::to_value(decision(Outcome::Decided {
            output: serde_json::json!({}),
        }))
        .unwrap();
        json.as_object_mut().unwrap().remove("config_digest");
        let read: Decision = serde_json::from_value(json).unwrap();
        assert_eq!(read.config_digest, "");
    }
}
