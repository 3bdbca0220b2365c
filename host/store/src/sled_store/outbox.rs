//! The outbox, dead letters and call tasks on sled.

use super::{
    ATTEMPTS, CALL_TASKS, DEAD_LETTERS, OUTBOX, SledStore, TREES, Write, decode, encode, keys,
};
use crate::outbox::{Attempts, CallTask, DeadLetter, OutboxStore, Pending};
use crate::{OutboxMessage, StoreError};
use leadhost_model::Time;

fn id_key(id: u64) -> Vec<u8> {
    id.to_be_bytes().to_vec()
}

fn letter_key(org: &str, id: u64) -> Vec<u8> {
    let mut key = keys::org_prefix(org);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

impl OutboxStore for SledStore {
    fn due_messages(&self, now: Time, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let mut due = Vec::new();
        for entry in self.tree(OUTBOX).iter() {
            if due.len() >= limit {
                break;
            }
            let (key, value) = entry?;
            let id = keys::seq_of(&key);
            let attempts: Option<Attempts> = self.get(ATTEMPTS, &key)?;
            if attempts.as_ref().is_some_and(|state| state.next_at > now) {
                continue;
            }
            due.push(Pending {
                id,
                message: decode(TREES[OUTBOX], &value)?,
                attempts: attempts.as_ref().map_or(0, |state| state.attempts),
                last_error: attempts.map(|state| state.last_error),
            });
        }
        Ok(due)
    }

    fn retry_later(&self, id: u64, attempts: &Attempts) -> Result<(), StoreError> {
        self.write_durably(&[(ATTEMPTS, id_key(id), Some(encode(attempts)))])
    }

    fn delivered(&self, id: u64) -> Result<(), StoreError> {
        self.write_durably(&[(OUTBOX, id_key(id), None), (ATTEMPTS, id_key(id), None)])
    }

    fn delivered_all(&self, ids: &[u64]) -> Result<(), StoreError> {
        let writes: Vec<Write> = ids
            .iter()
            .flat_map(|id| [(OUTBOX, id_key(*id), None), (ATTEMPTS, id_key(*id), None)])
            .collect();
        self.write_durably(&writes)
    }

    fn bury(&self, letter: &DeadLetter) -> Result<(), StoreError> {
        let writes: [Write; 3] = [
            (OUTBOX, id_key(letter.id), None),
            (ATTEMPTS, id_key(letter.id), None),
            (
                DEAD_LETTERS,
                letter_key(&letter.message.org, letter.id),
                Some(encode(letter)),
            ),
        ];
        self.write_durably(&writes)
    }

    fn dead_letters(&self, org: &str) -> Result<Vec<DeadLetter>, StoreError> {
        Ok(self
            .scan(DEAD_LETTERS, &keys::org_prefix(org))?
            .into_iter()
            .map(|(_, letter)| letter)
            .collect())
    }

    fn replay(&self, org: &str, id: u64) -> Result<bool, StoreError> {
        let Some(letter) = self.get::<DeadLetter>(DEAD_LETTERS, &letter_key(org, id))? else {
            return Ok(false);
        };
        let message: &OutboxMessage = &letter.message;
        self.write_durably(&[
            (DEAD_LETTERS, letter_key(org, id), None),
            (OUTBOX, id_key(id), Some(encode(message))),
        ])?;
        Ok(true)
    }

    fn call_tasks(&self, org: &str) -> Result<Vec<CallTask>, StoreError> {
        Ok(self
            .scan(CALL_TASKS, &keys::org_prefix(org))?
            .into_iter()
            .map(|(_, task)| task)
            .collect())
    }

    fn put_call_task(&self, org: &str, task: &CallTask) -> Result<(), StoreError> {
        self.write_durably(&[(CALL_TASKS, keys::scoped(org, &task.id), Some(encode(task)))])
    }
}
