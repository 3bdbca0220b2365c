//! A new version's impact: it runs on the slot's latest recorded inputs,
//! with the config it will serve with, and its verdicts are compared with
//! those of the version serving before it (its config, on the same inputs;
//! the recorded verdicts when nothing served). The result goes on the
//! version's history entry. A slot's `max_change` in `org.toml` refuses a
//! version that would change a larger share, so there the impact is
//! measured before anything is written; a file change to a slot without
//! one is activated first and measured right after (`measure_after`),
//! since a reload should not wait ~100 ms for a figure nothing waits on.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::check::CheckFailure;
use super::loader::PluginLoader;
use crate::model::Config;
use crate::recorded_call::{CallResult, call_recorded};
use crate::registry::Active;
use crate::runtime::{Plugin, Slot};
use crate::store::{Impact, Outcome, PluginVersion, VerdictChange};
use crate::verdict;

/// Recorded inputs a new version runs on, unless `[reload] impact_sample`
/// says otherwise: enough to see a rule's effect, few enough to add
/// milliseconds (first-party plug-ins) to a second (scripts) to a reload.
pub const IMPACT_SAMPLE: usize = 1_000;

/// Longest an impact run takes; past it, the inputs run so far count (a
/// slow plug-in does not hold its org's reloads).
const IMPACT_BUDGET: Duration = Duration::from_secs(10);

/// A verdict as a summary quotes it: short enough for a line.
/// The first five changes as `61 nurture → sales-ready`, most first.
fn listed(changes: &[VerdictChange]) -> Vec<String> {
    changes
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
        .collect()
}

fn short(verdict: &str) -> String {
    match verdict.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &verdict[..cut]),
        None => verdict.to_string(),
    }
}

/// How long a measured impact is reused for the same version, config and
/// serving version: an upload measures it before writing, and the reload
/// that follows at once need not measure it again.
const IMPACT_REUSE: Duration = Duration::from_secs(30);

/// What an impact is measured for: a version of `org`'s `slot` with the
/// config it will serve with, against the version serving before it.
#[derive(Clone, Copy)]
pub(super) struct Candidate<'a> {
    pub org: &'a str,
    pub slot: Slot,
    pub plugin: &'a Plugin,
    pub config: &'a Config,
    pub serving: Option<&'a Active>,
}

impl Candidate<'_> {
    /// The memo's key: the version, its config and the version before.
    fn memo_key(&self) -> String {
        format!(
            "{}/{}/{}/{}/{}",
            self.org,
            self.slot,
            self.plugin.id(),
            crate::store::config_digest(self.config),
            self.serving.map_or(String::new(), |active| format!(
                "{}/{}",
                active.plugin.id(),
                active.config_digest
            )),
        )
    }
}

/// The last impact measured, by what it was measured for.
#[derive(Default)]
pub(super) struct ImpactMemo(std::sync::Mutex<Option<(String, Instant, Option<Impact>)>>);

impl PluginLoader {
    /// `plugin`'s impact on `org`'s `slot` with `config`, refused when it
    /// changes a larger share of the latest verdicts than `max_change`.
    ///
    /// Errors: the refusal, naming the counts.
    pub(super) fn within_max_change(
        &self,
        org: &str,
        slot: Slot,
        plugin: &Plugin,
        config: &Config,
        max_change: Option<f64>,
    ) -> Result<Option<Impact>, CheckFailure> {
        let serving = self.registry().active(org, slot);
        let candidate = Candidate {
            org,
            slot,
            plugin,
            config,
            serving: serving.as_ref(),
        };
        let impact = match self.memoized(&candidate) {
            Some(impact) => impact,
            None => self.measure(&candidate, false),
        };
        if let (Some(impact), Some(max)) = (&impact, max_change) {
            let share = impact.changed as f64 / impact.inputs as f64;
            if share > max {
                let how = listed(&impact.changes);
                return Err(CheckFailure {
                    reason: format!(
                        "it would change {} of the latest {} verdicts ({:.1}%: {}), more than max_change {:.1}% allows",
                        impact.changed,
                        impact.inputs,
                        share * 100.0,
                        how.join(", "),
                        max * 100.0,
                    ),
                    transient: false,
                });
            }
        }
        Ok(impact)
    }

    /// The impact measured last for `candidate`, if that was under
    /// [`IMPACT_REUSE`] ago (`Some(None)`: measured, nothing to compare on).
    pub(super) fn memoized(&self, candidate: &Candidate) -> Option<Option<Impact>> {
        let key = candidate.memo_key();
        let memo = self.impact_memo.0.lock().unwrap_or_else(|p| p.into_inner());
        memo.as_ref()
            .filter(|(at, when, _)| *at == key && when.elapsed() < IMPACT_REUSE)
            .map(|(_, _, impact)| impact.clone())
    }

    /// Measures `candidate`'s impact and remembers it (unless it stopped
    /// early: `yield_to_newer`, for a version already serving, stops when
    /// a newer reload of the org waits).
    fn measure(&self, candidate: &Candidate, yield_to_newer: bool) -> Option<Impact> {
        let (impact, stopped) = self.impact(candidate, yield_to_newer);
        if !stopped {
            let key = candidate.memo_key();
            *self.impact_memo.0.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((key, Instant::now(), impact.clone()));
        }
        impact
    }

    /// For `version`, active now in place of `before`: measures its impact
    /// and writes it on its history entry. Answers the version as recorded.
    pub(super) fn measure_after(
        &self,
        org: &str,
        plugin: &Plugin,
        mut version: PluginVersion,
        before: Option<&Active>,
    ) -> PluginVersion {
        let candidate = Candidate {
            org,
            slot: version.slot,
            plugin,
            config: &version.config,
            serving: before,
        };
        version.impact = self.measure(&candidate, true);
        if version.impact.is_some() {
            let written = self.engine.store().set_plugin_version_impact(org, &version);
            if !matches!(written, Ok(true)) {
                let error =
                    written.map_or_else(|error| error.to_string(), |_| "no such entry".into());
                tracing::warn!(org, slot = %version.slot, %error, "the impact measured after activation was not recorded");
                version.impact = None;
            }
        }
        version
    }

    /// `candidate`'s impact; `None` when the slot has no recorded inputs
    /// (or the sample is 0). With `yield_to_newer`, stops before the next
    /// input once a newer reload of the org waits; answers whether it
    /// stopped so.
    fn impact(&self, candidate: &Candidate, yield_to_newer: bool) -> (Option<Impact>, bool) {
        let Candidate {
            org,
            slot,
            plugin,
            config,
            serving,
        } = *candidate;
        if self.impact_sample == 0 {
            return (None, false);
        }
        let store = self.engine.store();
        let latest = match store.latest_decisions(org, slot, self.impact_sample) {
            Ok(latest) => latest,
            Err(error) => {
                tracing::warn!(org, %slot, %error, "no impact measured: the store failed");
                return (None, false);
            }
        };
        let config = serde_json::to_value(config).unwrap_or_default();
        let started = Instant::now();
        let (mut inputs, mut changed, mut failed) = (0u64, 0u64, 0u64);
        let mut changes: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut stopped = false;
        for (_, _, decision) in latest {
            if started.elapsed() > IMPACT_BUDGET {
                break;
            }
            if yield_to_newer && self.newer_reload.as_ref().is_some_and(|newer| newer(org)) {
                stopped = true;
                break;
            }
            let Ok(Some(recorded)) = store.input(org, &decision.input_digest) else {
                continue;
            };
            let Ok(mut input) = serde_json::from_slice::<serde_json::Value>(&recorded.json) else {
                continue;
            };
            // The serving version, on the input with its own config: what
            // would change now, not since the input was recorded.
            let before = match serving {
                Some(active) => {
                    input["config"] = serde_json::to_value(&active.config).unwrap_or_default();
                    let json = serde_json::to_vec(&input).unwrap_or_default();
                    match call_recorded(&active.plugin, org, slot, &json) {
                        Ok(CallResult::Decided(output)) => Outcome::Decided { output },
                        Ok(CallResult::Failed { code, error }) => Outcome::Failed { code, error },
                        Err(_) => continue,
                    }
                }
                None => decision.outcome.clone(),
            };
            // With the config it will serve with: a config change's impact too.
            input["config"] = config.clone();
            let json = serde_json::to_vec(&input).unwrap_or_default();
            let Ok(answer) = call_recorded(plugin, org, slot, &json) else {
                continue;
            };
            inputs += 1;
            // A failure is a change: a version that breaks every lead must
            // not pass as one that changes none.
            let now = match answer {
                CallResult::Decided(output) => Outcome::Decided { output },
                CallResult::Failed { code, error } => {
                    failed += 1;
                    Outcome::Failed { code, error }
                }
            };
            let (from, to) = (verdict(slot, &before), verdict(slot, &now));
            if from != to {
                changed += 1;
                *changes.entry((from, to)).or_default() += 1;
            }
        }
        if inputs == 0 {
            return (None, stopped);
        }
        let mut changes: Vec<VerdictChange> = changes
            .into_iter()
            .map(|((from, to), count)| VerdictChange { from, to, count })
            .collect();
        changes.sort_by_key(|change| std::cmp::Reverse(change.count));
        let first = listed(&changes);
        let mut summary = format!("{changed} of {inputs}");
        if !first.is_empty() {
            summary.push_str(&format!(": {}", first.join(", ")));
        }
        if failed > 0 {
            summary.push_str(&format!("; failed on {failed}"));
        }
        if stopped {
            summary.push_str(&format!(
                "; stopped after {inputs}: a newer version arrived"
            ));
        }
        let impact = Impact {
            inputs,
            changed,
            failed,
            changes,
            summary,
        };
        (Some(impact), stopped)
    }
}
