//! The recorded inputs of a lead's decisions, for the API to show beside
//! its timeline (`GET …/leads/{id}?inputs=true`).

use std::collections::BTreeMap;

use super::{Engine, EngineError};
use crate::store::{RecordedInput, TimelineEntry};

impl Engine {
    /// The input of each decision in `timeline` (one of `org`'s leads), by
    /// input digest, in outline: the number of the lead's activities it
    /// held in their place (the timeline lists them), so a lead with a long
    /// history answers small. `None` for one not kept (made before inputs
    /// were recorded, or past the input retention).
    pub fn decision_inputs(
        &self,
        org: &str,
        timeline: &[TimelineEntry],
    ) -> Result<BTreeMap<String, Option<RecordedInput>>, EngineError> {
        let mut inputs = BTreeMap::new();
        for decision in timeline.iter().filter_map(TimelineEntry::decision) {
            if !inputs.contains_key(&decision.input_digest) {
                let input = self.shared.store.outline(org, &decision.input_digest)?;
                inputs.insert(decision.input_digest.clone(), input);
            }
        }
        Ok(inputs)
    }

    /// Removes every org's inputs recorded more than `keep` before the
    /// engine's clock (`[store] input_retention_days`); answers how many.
    /// Decisions keep their digest; replaying one says its input is gone.
    pub fn expire_inputs(&self, keep: chrono::Duration) -> Result<u64, EngineError> {
        Ok(self.shared.store.expire_inputs(self.now() - keep)?)
    }
}
