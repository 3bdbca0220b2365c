//! Recorded inputs on sled: `org \0 digest` → time, slot, and the input
//! without the lead's activities, which are spliced back in from the
//! lead's timeline when it is read whole.

use super::{ACTIVITIES, INPUTS, SledStore, TREES, decode, keys};
use crate::StoreError;
use crate::recorded_input::{InputStore, RecordedInput, Stored, header};
use leadhost_model::{Activity, Time};

impl SledStore {
    fn stored_input(&self, org: &str, digest: &str) -> Result<Option<Stored>, StoreError> {
        match self.tree(INPUTS).get(keys::scoped(org, digest))? {
            Some(value) => Stored::decode(TREES[INPUTS], &value).map(Some),
            None => Ok(None),
        }
    }
}

impl InputStore for SledStore {
    fn input(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError> {
        let Some(stored) = self.stored_input(org, digest)? else {
            return Ok(None);
        };
        let mut activities: Vec<Activity> = Vec::with_capacity(stored.count);
        if stored.count > 0 {
            let prefix = keys::lead_prefix(org, &stored.lead);
            for entry in self.tree(ACTIVITIES).scan_prefix(prefix).take(stored.count) {
                let (_, value) = entry?;
                activities.push(decode(TREES[ACTIVITIES], &value)?);
            }
        }
        let json = serde_json::to_vec(&activities).expect("activities serialize to JSON");
        stored.whole(TREES[INPUTS], org, digest, &json).map(Some)
    }

    fn outline(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError> {
        Ok(self
            .stored_input(org, digest)?
            .map(|stored| stored.outline(org, digest)))
    }

    fn expire_inputs(&self, before: Time) -> Result<u64, StoreError> {
        let tree = self.tree(INPUTS);
        let mut removed = 0;
        for entry in tree.iter() {
            let (key, value) = entry?;
            let (at, _) = header(TREES[INPUTS], &value)?;
            // Only if unchanged since read: an identical input recorded
            // again in between has the same time, so this is exact.
            if at < before
                && tree
                    .compare_and_swap(&key, Some(&value), None::<&[u8]>)?
                    .is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
