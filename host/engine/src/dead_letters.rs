//! Dead letters: outbox messages that failed every attempt, listed and put
//! back in the outbox.

use crate::store::DeadLetter;
use crate::{Engine, EngineError};

impl Engine {
    /// `org`'s dead letters, oldest first.
    ///
    /// Errors: the store's failure.
    pub fn dead_letters(&self, org: &str) -> Result<Vec<DeadLetter>, EngineError> {
        Ok(self.store().dead_letters(org)?)
    }

    /// Puts `org`'s dead letter `id` (its number, as the API writes it) back
    /// in the outbox with its attempts reset. It keeps its id, so its
    /// idempotency key is the one the receiver may already know.
    ///
    /// Errors: [`EngineError::UnknownDeadLetter`] (also for an id that is
    /// not a number), or the store's failure.
    pub fn replay_dead_letter(&self, org: &str, id: &str) -> Result<(), EngineError> {
        let unknown = || EngineError::UnknownDeadLetter {
            org: org.into(),
            letter: id.into(),
        };
        let number: u64 = id.parse().map_err(|_| unknown())?;
        if self.store().replay(org, number)? {
            Ok(())
        } else {
            Err(unknown())
        }
    }
}
