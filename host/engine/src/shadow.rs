//! Shadow calls: after a live call of a slot that has a shadow, the same
//! input goes to the shadow on a worker of its own, off the live call's
//! path. Its answer is recorded as a [`ShadowDecision`] beside the live
//! one and never acted on. The queue is bounded per org and in all: a
//! shadow that is slow, traps or loops fills only its org's share, and a
//! call that finds the share full is dropped and counted, never waited for.

mod report;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

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

/// How often an idle worker looks whether its engine is gone.
const IDLE_CHECK: Duration = Duration::from_secs(1);

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

/// Runs shadow calls on one worker thread, the orgs with calls waiting in
/// turn: an org whose shadow is slow delays another org's by one call,
/// not by its whole share. Cheap to clone.
#[derive(Clone)]
pub struct ShadowRunner {
    shared: Arc<Shared>,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    /// Calls dropped, per org and slot.
    dropped: Mutex<HashMap<(String, Slot), u64>>,
    /// Most calls waiting in all.
    capacity: usize,
}

/// The calls waiting, per org, and the orgs' turns.
#[derive(Default)]
struct Queue {
    by_org: HashMap<String, VecDeque<ShadowCall>>,
    /// Orgs with calls waiting, next first.
    turns: VecDeque<String>,
    total: usize,
}

impl Queue {
    /// The next org's oldest call; the org goes to the back of the turns.
    fn take(&mut self) -> Option<ShadowCall> {
        let org = self.turns.pop_front()?;
        let calls = self.by_org.get_mut(&org)?;
        let call = calls.pop_front();
        if calls.is_empty() {
            self.by_org.remove(&org);
        } else {
            self.turns.push_back(org);
        }
        self.total -= usize::from(call.is_some());
        call
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ShadowRunner {
    /// A runner writing to `store`; its worker stops once the runner (the
    /// engine) is gone, and holds the store weakly meanwhile, so closing
    /// the engine closes the store.
    pub(crate) fn start(store: Weak<dyn Store>) -> Self {
        let runner = ShadowRunner::unstarted(SHADOW_QUEUE);
        let shared = Arc::downgrade(&runner.shared);
        std::thread::Builder::new()
            .name("leadhost-shadow".into())
            .spawn(move || {
                // A shadow never slows the live path: it takes what CPU
                // live calls leave (the bounded queue drops the rest).
                crate::priority::lowest();
                work(&shared, &store)
            })
            .expect("a thread for shadow calls");
        runner
    }

    /// A runner no worker takes calls from, `capacity` at most waiting.
    fn unstarted(capacity: usize) -> Self {
        ShadowRunner {
            shared: Arc::new(Shared {
                queue: Mutex::default(),
                ready: Condvar::new(),
                dropped: Mutex::default(),
                capacity,
            }),
        }
    }

    /// Queues `calls`; those over their org's share or the queue's bound
    /// are dropped and counted.
    pub(crate) fn submit(&self, calls: Vec<ShadowCall>) {
        let mut dropped = Vec::new();
        {
            let mut guard = lock(&self.shared.queue);
            // Through a plain reference: its fields borrow apart.
            let queue = &mut *guard;
            for call in calls {
                let full = queue.total >= self.shared.capacity;
                let waiting = queue.by_org.entry(call.org.clone()).or_default();
                if full || waiting.len() >= SHADOW_ORG_QUEUE {
                    dropped.push((call.org, call.live.slot));
                    if waiting.is_empty() {
                        queue.by_org.remove(&dropped.last().expect("just pushed").0);
                    }
                    continue;
                }
                if waiting.is_empty() {
                    queue.turns.push_back(call.org.clone());
                }
                waiting.push_back(call);
                queue.total += 1;
            }
        }
        self.shared.ready.notify_one();
        for (org, slot) in dropped {
            *lock(&self.shared.dropped)
                .entry((org.clone(), slot))
                .or_default() += 1;
            metrics::counter!("leadhost_shadow_dropped_total", "org" => org, "slot" => slot.world())
                .increment(1);
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

fn work(shared: &Weak<Shared>, store: &Weak<dyn Store>) {
    loop {
        // Upgraded for one wait at a time: a dropped engine ends the loop.
        let Some(runner) = shared.upgrade() else {
            return;
        };
        let call = {
            let queue = lock(&runner.queue);
            let (mut queue, _) = runner
                .ready
                .wait_timeout_while(queue, IDLE_CHECK, |queue| queue.total == 0)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.take()
        };
        drop(runner);
        let Some(call) = call else { continue };
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
/// answer; a duplicate rule's candidates, in order. A failure's verdict is
/// its code.
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
        Slot::DuplicateRule => output["duplicates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|duplicate| text(&duplicate["candidate"]))
            .collect::<Vec<_>>()
            .join(", "),
    }
}
