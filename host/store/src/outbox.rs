//! What the host owes the outside world after a commit: outbox messages
//! being delivered (with their attempts), dead letters, and call tasks.

use serde::{Deserialize, Serialize};

use super::{OutboxMessage, StoreError};
use leadhost_model::Time;

/// An outbox message waiting for delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Its id: the order it was written in, and its idempotency key's core.
    pub id: u64,
    /// The message.
    pub message: OutboxMessage,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The last failure.
    pub last_error: Option<String>,
}

/// Delivery state of a message that has failed at least once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this time.
    pub next_at: Time,
    /// The last failure.
    pub last_error: String,
}

/// A message that failed every attempt; kept until replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadLetter {
    /// The message's id.
    pub id: u64,
    /// The message.
    #[schema(value_type = Object)]
    pub message: OutboxMessage,
    /// Attempts made.
    pub attempts: u32,
    /// The last failure.
    pub last_error: String,
    /// When it was given up on.
    #[schema(value_type = String, format = DateTime)]
    pub dead_at: Time,
}

/// A call a nurture track asked a person to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallTask {
    /// Its id in the org.
    pub id: String,
    /// The lead to call.
    pub lead: String,
    /// Rep id or team; none for the org's default queue.
    pub assignee: Option<String>,
    /// What the call is for.
    pub reason: String,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub at: Time,
    /// When it was marked done.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub done_at: Option<Time>,
}

/// Outbox delivery, dead letters and call tasks.
pub trait OutboxStore {
    /// Messages whose next attempt is due at `now`, oldest first.
    fn due_messages(&self, now: Time, limit: usize) -> Result<Vec<Pending>, StoreError>;
    /// Messages due at `now`, oldest first, claimed until `now + lease` for
    /// the caller to deliver: a backend that several hosts share hides them
    /// from every other claim until then unless they are delivered, retried
    /// or buried first, so each is sent by one host; a host that dies
    /// mid-delivery leaves its claims to the others once the lease is out.
    /// A backend only one process opens (sled) has no one to hide them
    /// from: this is [`due_messages`](Self::due_messages).
    fn claim_messages(
        &self,
        now: Time,
        lease: std::time::Duration,
        limit: usize,
    ) -> Result<Vec<Pending>, StoreError> {
        let _ = lease;
        self.due_messages(now, limit)
    }
    /// Records a failed attempt and when to try again; durable on return.
    fn retry_later(&self, id: u64, attempts: &Attempts) -> Result<(), StoreError>;
    /// Removes a delivered message; durable on return.
    fn delivered(&self, id: u64) -> Result<(), StoreError>;
    /// Removes several messages done with (e.g. events no webhook takes)
    /// in one durable step: one flush, or one round trip to a database.
    fn delivered_all(&self, ids: &[u64]) -> Result<(), StoreError> {
        ids.iter().try_for_each(|id| self.delivered(*id))
    }
    /// Moves a message out of the outbox into its org's dead letters, in
    /// one durable step.
    fn bury(&self, letter: &DeadLetter) -> Result<(), StoreError>;
    /// An org's dead letters, oldest first.
    fn dead_letters(&self, org: &str) -> Result<Vec<DeadLetter>, StoreError>;
    /// Moves a dead letter back into the outbox with no attempts, in one
    /// durable step; `false` when the org has no such letter.
    fn replay(&self, org: &str, id: u64) -> Result<bool, StoreError>;
    /// An org's call tasks, oldest first.
    fn call_tasks(&self, org: &str) -> Result<Vec<CallTask>, StoreError>;
    /// Stores a call task (a change of one); durable on return.
    fn put_call_task(&self, org: &str, task: &CallTask) -> Result<(), StoreError>;
}
