//! A lead's recorded calls of one slot, read for a backtest: each live
//! answer with the input it was given, in the lead's order; what cannot be
//! compared (a live call that failed, an input not kept) is counted.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;

use crate::model::Time;
use crate::runtime::{Slot, SlotInput};
use crate::store::{Outcome, Store, StoreError};

/// What reading found besides the calls: counted, not compared.
#[derive(Debug, Default)]
pub(super) struct Read {
    /// Recorded inputs read.
    pub inputs: u64,
    /// Calls whose input (or live answer) is not kept or not readable.
    pub not_kept: u64,
    /// Live calls that failed (a trap, a limit): nothing to compare with.
    pub live_failed: u64,
    /// Every key of a recorded config seen.
    pub config_keys: BTreeSet<String>,
}

impl Read {
    /// Adds another worker's counts.
    pub fn merge(&mut self, other: Read) {
        self.inputs += other.inputs;
        self.not_kept += other.not_kept;
        self.live_failed += other.live_failed;
        self.config_keys.extend(other.config_keys);
    }
}

/// One recorded call: where it is in the lead's timeline, when, what live
/// answered and the input it answered.
pub(super) struct RecordedCall<O, I> {
    /// The decision's sequence number.
    pub seq: u64,
    /// When the call was made.
    pub at: Time,
    /// Live's answer.
    pub live: O,
    /// The input it was given.
    pub input: I,
}

/// `lead`'s recorded calls of `slot` made in `[from, to)`, in order, each
/// with live's answer `O` and its input `I`; the rest counted in `read`.
///
/// Errors: the store failed.
pub(super) fn recorded_calls<O: DeserializeOwned, I: SlotInput + DeserializeOwned>(
    store: &dyn Store,
    (org, lead): (&str, &str),
    slot: Slot,
    (from, to): (Option<Time>, Option<Time>),
    read: &mut Read,
) -> Result<Vec<RecordedCall<O, I>>, StoreError> {
    let mut calls = Vec::new();
    for (seq, decision) in store.decisions(org, lead)? {
        let in_window =
            from.is_none_or(|from| decision.at >= from) && to.is_none_or(|to| decision.at < to);
        if decision.slot != slot || !in_window {
            continue;
        }
        let output = match decision.outcome {
            Outcome::Decided { output } => output,
            Outcome::Failed { .. } => {
                read.live_failed += 1;
                continue;
            }
        };
        let (Ok(live), Some(recorded)) = (
            serde_json::from_value::<O>(output),
            store.input(org, &decision.input_digest)?,
        ) else {
            read.not_kept += 1;
            continue;
        };
        let Ok(mut input) = serde_json::from_slice::<I>(&recorded.json) else {
            read.not_kept += 1;
            continue;
        };
        read.inputs += 1;
        for key in input.config_mut().keys() {
            if !read.config_keys.contains(key) {
                read.config_keys.insert(key.clone());
            }
        }
        calls.push(RecordedCall {
            seq,
            at: decision.at,
            live,
            input,
        });
    }
    Ok(calls)
}
