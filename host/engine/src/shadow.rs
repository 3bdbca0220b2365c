//! Shadow calls: after a live call of a slot that has a shadow, the same
//! input goes to the shadow on a worker of its own, off the live call's
//! path. Its answer is recorded as a [`ShadowDecision`] beside the live
//! one and never acted on. The queue is bounded per org and in all: a
//! shadow that is slow, traps or loops fills only its org's share, and a
//! call that finds the share full is dropped and counted, never waited for.

mod report;

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

pub use report::{SHADOW_DISAGREEMENTS_LISTED, ShadowCell, ShadowReport, ShadowView};

use crate::model::Config;
use crate::recorded_call::{CallResult, call_recorded};
use crate::registry::Shadow;
use crate::runtime::Slot;
use crate::store::{Decision, Outcome, ShadowDecision, Store, config_digest};

/// Shadow calls waiting, in all: a burst of live traffic queues this many,
/// then later ones are dropped until the worker catches up.
pub const SHADOW_QUEUE: usize = 1024;

/// Shadow calls one org may have waiting: its slow shadow cannot take the
/// queue from another org's.
pub const SHADOW_ORG_QUEUE: usize = 64;

/// One shadow call to make.
pub(crate) struct ShadowCall {
    /// The org.
    pub org: String,
    /// The live decision (its lead, slot, version, input digest, answer).
    pub live: Decision,
    /// The input, as recorded (its JSON).
    pub input: Vec<u8>,
    /// The shadow to run.
    pub shadow: Shadow,
}

/// Runs shadow calls on one worker thread. Cheap to clone.
#[derive(Clone)]
pub struct ShadowRunner {
    queue: SyncSender<ShadowCall>,
    shared: Arc<Counts>,
}

/// Per-org counts: calls waiting, and calls dropped per slot.
#[derive(Default)]
struct Counts {
    waiting: Mutex<HashMap<String, usize>>,
    dropped: Mutex<HashMap<(String, Slot), u64>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ShadowRunner {
    /// A runner writing to `store`; its worker stops once the store is
    /// gone (it holds it weakly, so closing the engine closes the store).
    pub(crate) fn start(store: Weak<dyn Store>) -> Self {
        let (runner, calls) = ShadowRunner::queue(SHADOW_QUEUE);
        let counts = Arc::downgrade(&runner.shared);
        std::thread::Builder::new()
            .name("leadhost-shadow".into())
            .spawn(move || work(&calls, &store, &counts))
            .expect("a thread for shadow calls");
        runner
    }

    /// A runner whose calls go to the receiver, `capacity` at most waiting.
    fn queue(capacity: usize) -> (Self, Receiver<ShadowCall>) {
        let (queue, calls) = std::sync::mpsc::sync_channel(capacity);
        let runner = ShadowRunner {
            queue,
            shared: Arc::new(Counts::default()),
        };
        (runner, calls)
    }

    /// Queues `calls`; those over their org's share or the queue's bound
    /// are dropped and counted.
    pub(crate) fn submit(&self, calls: Vec<ShadowCall>) {
        for call in calls {
            let (org, slot) = (call.org.clone(), call.live.slot);
            let admitted = {
                let mut waiting = lock(&self.shared.waiting);
                let count = waiting.entry(org.clone()).or_default();
                let room = *count < SHADOW_ORG_QUEUE;
                if room {
                    *count += 1;
                }
                room
            };
            let sent = admitted
                && match self.queue.try_send(call) {
                    Ok(()) => true,
                    Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                        done(&self.shared, &org);
                        false
                    }
                };
            if !sent {
                *lock(&self.shared.dropped)
                    .entry((org.clone(), slot))
                    .or_default() += 1;
                metrics::counter!("leadhost_shadow_dropped_total", "org" => org, "slot" => slot.world())
                    .increment(1);
            }
        }
    }

    /// Shadow calls of `org`'s `slot` dropped since the process started.
    pub fn dropped(&self, org: &str, slot: Slot) -> u64 {
        lock(&self.shared.dropped)
            .get(&(org.to_string(), slot))
            .copied()
            .unwrap_or(0)
    }
}

fn done(counts: &Counts, org: &str) {
    if let Some(count) = lock(&counts.waiting).get_mut(org) {
        *count = count.saturating_sub(1);
    }
}

fn work(calls: &Receiver<ShadowCall>, store: &Weak<dyn Store>, counts: &Weak<Counts>) {
    for call in calls {
        if let Some(counts) = counts.upgrade() {
            done(&counts, &call.org);
        }
        let Some(store) = store.upgrade() else { return };
        let decision = run(&call);
        if let Err(error) = store.put_shadow(&call.org, &decision) {
            tracing::warn!(org = call.org, %error, "a shadow decision could not be stored");
        }
    }
}

/// Runs one shadow call.
fn run(call: &ShadowCall) -> ShadowDecision {
    let live = &call.live;
    let (input, config) = with_config(&call.input, &call.shadow.config);
    let started = std::time::Instant::now();
    let answer = match call_recorded(&call.shadow.plugin, &call.org, live.slot, &input) {
        Ok(answer) => answer,
        Err(error) => CallResult::Failed {
            code: "invalid-input".into(),
            error: error.to_string(),
        },
    };
    let duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let shadow = match answer {
        CallResult::Decided(output) => Outcome::Decided { output },
        CallResult::Failed { code, error } => Outcome::Failed { code, error },
    };
    metrics::counter!("leadhost_shadow_calls_total", "org" => call.org.clone(), "slot" => live.slot.world())
        .increment(1);
    let plugin = call.shadow.plugin.id();
    ShadowDecision {
        lead: live.lead.clone(),
        slot: live.slot,
        at: live.at,
        input_digest: live.input_digest.clone(),
        live_plugin: live.plugin.clone(),
        live_hash: live.plugin_hash,
        live_reasons: live.reasons.clone(),
        shadow_plugin: plugin.name.clone(),
        shadow_hash: plugin.hash,
        wit_version: call.shadow.plugin.wit_version().to_string(),
        config_digest: config_digest(&config),
        shadow_reasons: reasons(&shadow),
        agree: verdict(live.slot, &live.outcome) == verdict(live.slot, &shadow),
        live: live.outcome.clone(),
        shadow,
        duration_us,
    }
}

/// The recorded input with `overlay`'s keys laid over its config, and the
/// config that results.
fn with_config(input: &[u8], overlay: &Config) -> (Vec<u8>, Config) {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(input) else {
        return (input.to_vec(), Config::default());
    };
    let mut config: Config = serde_json::from_value(value["config"].clone()).unwrap_or_default();
    for (key, scalar) in overlay {
        config.insert(key.clone(), scalar.clone());
    }
    if overlay.is_empty() {
        return (input.to_vec(), config);
    }
    value["config"] = serde_json::to_value(&config).unwrap_or_default();
    (serde_json::to_vec(&value).unwrap_or_default(), config)
}

/// An answer's reasons, as a decision lists them.
fn reasons(outcome: &Outcome) -> Vec<String> {
    let Outcome::Decided { output } = outcome else {
        return Vec::new();
    };
    match (&output["reasons"], &output["reason"]) {
        (serde_json::Value::Array(reasons), _) => reasons
            .iter()
            .filter_map(|reason| reason.as_str().map(str::to_string))
            .collect(),
        (_, serde_json::Value::String(reason)) => vec![reason.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;

/// What two answers must share to agree: a lead definition's stage; a
/// routing policy's decision and its rep or queue; a nurture track's whole
/// answer. A failure's verdict is its code.
pub fn verdict(slot: Slot, outcome: &Outcome) -> String {
    let output = match outcome {
        Outcome::Decided { output } => output,
        Outcome::Failed { code, .. } => return format!("failed: {code}"),
    };
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    match slot {
        Slot::LeadDefinition => text(&output["stage"]),
        Slot::RoutingPolicy => {
            let to = [&output["rep"], &output["queue"]]
                .into_iter()
                .find_map(|value| value.as_str())
                .unwrap_or_default();
            match to {
                "" => text(&output["decision"]),
                to => format!("{} {to}", text(&output["decision"])),
            }
        }
        Slot::NurtureTrack => output.to_string(),
    }
}
