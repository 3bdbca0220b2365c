//! Delivering the outbox: every message a commit wrote goes to the org's
//! webhook for its event kind, signed, with an idempotency key that stays
//! the same across retries and restarts, so a receiver that honours the key
//! sees each message take effect once. Failures retry with exponential
//! backoff and jitter; a message out of attempts becomes a dead letter,
//! listed by the API until replayed.

mod dispatcher;
mod retry;
mod signature;

pub use dispatcher::{Dispatcher, ROUND_SIZE, Round, event_name};
pub use retry::RetryPolicy;
pub use signature::{sign, verify};
