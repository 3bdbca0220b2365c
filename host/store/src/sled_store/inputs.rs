//! Recorded inputs on sled: `org \0 digest` → time, slot, compressed JSON.

use super::{INPUTS, SledStore, TREES, keys};
use crate::StoreError;
use crate::recorded_input::{InputStore, RecordedInput, header};
use leadhost_model::Time;

impl InputStore for SledStore {
    fn input(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError> {
        match self.tree(INPUTS).get(keys::scoped(org, digest))? {
            Some(value) => RecordedInput::decode(TREES[INPUTS], org, digest, &value).map(Some),
            None => Ok(None),
        }
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
