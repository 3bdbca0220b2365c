//! [`OutboxStore`] on PostgreSQL: a message's failed attempts live on its
//! row, so the due ones are one query.

use crate::{PostgresStore, millis, param};
use leadhost_model::Time;
use leadhost_store::codec::{decode, encode};
use leadhost_store::{Attempts, CallTask, DeadLetter, OutboxStore, Pending};
use leadhost_store::{OutboxMessage, StoreError};

/// A row of `outbox` (`id, value, attempts`) as the engine sees it.
fn pending(row: &tokio_postgres::Row) -> Result<Pending, StoreError> {
    let attempts: Option<Attempts> = row
        .get::<_, Option<&[u8]>>(2)
        .map(|value| decode("outbox", value))
        .transpose()?;
    Ok(Pending {
        id: row.get::<_, i64>(0) as u64,
        message: decode("outbox", row.get::<_, &[u8]>(1))?,
        attempts: attempts.as_ref().map_or(0, |state| state.attempts),
        last_error: attempts.map(|state| state.last_error),
    })
}

impl OutboxStore for PostgresStore {
    fn due_messages(&self, now: Time, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let rows = self.rows(
            "SELECT id, value, attempts FROM outbox \
             WHERE next_at_ms IS NULL OR next_at_ms <= $1 ORDER BY id LIMIT $2",
            vec![param(millis(now)), param(limit as i64)],
        )?;
        rows.iter().map(pending).collect()
    }

    /// One statement: the due rows no other transaction holds (`SKIP
    /// LOCKED`: claims running at once on several hosts take disjoint
    /// messages instead of waiting on each other), their next time moved
    /// to the lease's end, so a claim after this one passes them by until
    /// then.
    fn claim_messages(
        &self,
        now: Time,
        lease: std::time::Duration,
        limit: usize,
    ) -> Result<Vec<Pending>, StoreError> {
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let rows = self.rows(
            "UPDATE outbox SET next_at_ms = $3 WHERE id IN (\
                 SELECT id FROM outbox WHERE next_at_ms IS NULL OR next_at_ms <= $1 \
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) \
             RETURNING id, value, attempts",
            vec![
                param(millis(now)),
                param(limit as i64),
                param(millis(until)),
            ],
        )?;
        let mut claimed = rows.iter().map(pending).collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|pending| pending.id);
        Ok(claimed)
    }

    fn retry_later(&self, id: u64, attempts: &Attempts) -> Result<(), StoreError> {
        self.transaction(
            Vec::new(),
            vec![(
                "UPDATE outbox SET attempts = $2, next_at_ms = $3 WHERE id = $1",
                vec![
                    param(id as i64),
                    param(encode(attempts)),
                    param(millis(attempts.next_at)),
                ],
            )],
        )
        .map(drop)
    }

    fn delivered(&self, id: u64) -> Result<(), StoreError> {
        self.transaction(
            Vec::new(),
            vec![("DELETE FROM outbox WHERE id = $1", vec![param(id as i64)])],
        )
        .map(drop)
    }

    fn delivered_all(&self, ids: &[u64]) -> Result<(), StoreError> {
        let ids: Vec<i64> = ids.iter().map(|id| *id as i64).collect();
        self.transaction(
            Vec::new(),
            vec![("DELETE FROM outbox WHERE id = ANY($1)", vec![param(ids)])],
        )
        .map(drop)
    }

    fn bury(&self, letter: &DeadLetter) -> Result<(), StoreError> {
        self.transaction(
            Vec::new(),
            vec![
                (
                    "DELETE FROM outbox WHERE id = $1",
                    vec![param(letter.id as i64)],
                ),
                (
                    "INSERT INTO dead_letters (org, id, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (org, id) DO UPDATE SET value = EXCLUDED.value",
                    vec![
                        param(letter.message.org.clone()),
                        param(letter.id as i64),
                        param(encode(letter)),
                    ],
                ),
            ],
        )
        .map(drop)
    }

    fn dead_letters(&self, org: &str) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = self.rows(
            "SELECT value FROM dead_letters WHERE org = $1 ORDER BY id",
            vec![param(org.to_string())],
        )?;
        Self::values("dead_letters", &rows, 0)
    }

    fn replay(&self, org: &str, id: u64) -> Result<bool, StoreError> {
        let rows = self.rows(
            "SELECT value FROM dead_letters WHERE org = $1 AND id = $2",
            vec![param(org.to_string()), param(id as i64)],
        )?;
        let Some(letter) = Self::values::<DeadLetter>("dead_letters", &rows, 0)?
            .into_iter()
            .next()
        else {
            return Ok(false);
        };
        let message: &OutboxMessage = &letter.message;
        // One statement: the letter leaves and its message returns together,
        // once, however many hosts replay it at the same moment.
        let counts = self.transaction(
            Vec::new(),
            vec![(
                "WITH gone AS (DELETE FROM dead_letters WHERE org = $1 AND id = $2 RETURNING id) \
                 INSERT INTO outbox (id, org, value) SELECT id, $1, $3 FROM gone",
                vec![
                    param(org.to_string()),
                    param(id as i64),
                    param(encode(message)),
                ],
            )],
        )?;
        Ok(counts.first() == Some(&1))
    }

    fn call_tasks(&self, org: &str) -> Result<Vec<CallTask>, StoreError> {
        let rows = self.rows(
            "SELECT value FROM call_tasks WHERE org = $1 ORDER BY id",
            vec![param(org.to_string())],
        )?;
        Self::values("call_tasks", &rows, 0)
    }

    fn put_call_task(&self, org: &str, task: &CallTask) -> Result<(), StoreError> {
        self.transaction(Vec::new(), vec![crate::write::put_call_task(org, task)])
            .map(drop)
    }
}
