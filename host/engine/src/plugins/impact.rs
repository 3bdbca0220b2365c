//! A new version's impact, measured before it is activated: it runs on the
//! slot's latest recorded inputs, with the config it will serve with, and
//! its verdicts are compared with the ones recorded for them. The result
//! goes on the version's history entry; a slot's `max_change` in
//! `org.toml` refuses a version that would change a larger share.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::loader::PluginLoader;
use crate::model::Config;
use crate::recorded_call::{CallResult, call_recorded};
use crate::runtime::{Plugin, Slot};
use crate::store::{Impact, Outcome, VerdictChange};
use crate::verdict;

/// Recorded inputs a new version runs on, unless `[reload] impact_sample`
/// says otherwise: enough to see a rule's effect, few enough to add
/// milliseconds (first-party plug-ins) to a second (scripts) to a reload.
pub const IMPACT_SAMPLE: usize = 1_000;

/// Longest an impact run takes; past it, the inputs run so far count (a
/// slow plug-in does not hold its org's reloads).
const IMPACT_BUDGET: Duration = Duration::from_secs(10);

/// A verdict as a summary quotes it: short enough for a line.
fn short(verdict: &str) -> String {
    match verdict.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &verdict[..cut]),
        None => verdict.to_string(),
    }
}

impl PluginLoader {
    /// `plugin`'s impact on `org`'s `slot` with `config`; `None` when the
    /// slot has no recorded inputs (or the sample is 0).
    pub(super) fn impact(
        &self,
        org: &str,
        slot: Slot,
        plugin: &Plugin,
        config: &Config,
    ) -> Option<Impact> {
        if self.impact_sample == 0 {
            return None;
        }
        let store = self.engine.store();
        let latest = match store.latest_decisions(org, slot, self.impact_sample) {
            Ok(latest) => latest,
            Err(error) => {
                tracing::warn!(org, %slot, %error, "no impact measured: the store failed");
                return None;
            }
        };
        let config = serde_json::to_value(config).unwrap_or_default();
        let started = Instant::now();
        let (mut inputs, mut changed, mut failed) = (0u64, 0u64, 0u64);
        let mut changes: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (_, _, decision) in latest {
            if started.elapsed() > IMPACT_BUDGET {
                break;
            }
            let Ok(Some(recorded)) = store.input(org, &decision.input_digest) else {
                continue;
            };
            let Ok(mut input) = serde_json::from_slice::<serde_json::Value>(&recorded.json) else {
                continue;
            };
            // With the config it will serve with: a config change's impact too.
            input["config"] = config.clone();
            let json = serde_json::to_vec(&input).unwrap_or_default();
            let Ok(answer) = call_recorded(plugin, org, slot, &json) else {
                continue;
            };
            inputs += 1;
            let now = match answer {
                CallResult::Decided(output) => Outcome::Decided { output },
                CallResult::Failed { .. } => {
                    failed += 1;
                    continue;
                }
            };
            let (from, to) = (verdict(slot, &decision.outcome), verdict(slot, &now));
            if from != to {
                changed += 1;
                *changes.entry((from, to)).or_default() += 1;
            }
        }
        if inputs == 0 {
            return None;
        }
        let mut changes: Vec<VerdictChange> = changes
            .into_iter()
            .map(|((from, to), count)| VerdictChange { from, to, count })
            .collect();
        changes.sort_by_key(|change| std::cmp::Reverse(change.count));
        let listed: Vec<String> = changes
            .iter()
            .take(5)
            .map(|change| {
                format!(
                    "{} {} → {}",
                    change.count,
                    short(&change.from),
                    short(&change.to)
                )
            })
            .collect();
        let mut summary = format!("{changed} of {inputs}");
        if !listed.is_empty() {
            summary.push_str(&format!(": {}", listed.join(", ")));
        }
        if failed > 0 {
            summary.push_str(&format!("; failed on {failed}"));
        }
        Some(Impact {
            inputs,
            changed,
            failed,
            changes,
            summary,
        })
    }
}
