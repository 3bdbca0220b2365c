//! Copying an org from another store into the database (`leadhost migrate`):
//! its rows in one transaction with a `sled_copies` row, so a copy is all or
//! nothing and a second run knows what the first did.

use std::collections::HashMap;

use deadpool_postgres::Pool;
use futures_util::future::try_join_all;
use tokio::sync::mpsc;
use tokio_postgres::Transaction;

use crate::{Param, PostgresStore, backend, borrowed, millis, param};
use leadhost_model::Time;
use leadhost_store::codec::{decode, encode};
use leadhost_store::export::{Counts, Kind, Row};
use leadhost_store::lead_ids;
use leadhost_store::{StoreError, TokenRecord};

/// Rows sent to the database together (one round trip once prepared).
const BATCH: usize = 512;

/// What the database holds of an org a copy is about to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyState {
    /// Nothing: the copy may write it.
    Absent,
    /// Copied before, from `source`, at `at`: not copied again.
    Copied {
        /// The source as that copy named it.
        source: String,
        /// When that copy committed.
        at: Time,
    },
    /// The org was made in the database (by a host, not by a copy): a copy
    /// never overwrites it.
    Present,
}

enum Message {
    Row(Box<Row>),
    /// Every row was sent: commit.
    End,
}

impl PostgresStore {
    /// What the database holds of `org`, for a copy to decide.
    pub fn copy_state(&self, org: &str) -> Result<CopyState, StoreError> {
        let copied = self.rows(
            "SELECT source, copied_at_ms FROM sled_copies WHERE org = $1",
            vec![param(org.to_string())],
        )?;
        if let Some(row) = copied.first() {
            let at = chrono::DateTime::from_timestamp_millis(row.get(1))
                .ok_or_else(|| backend("sled_copies holds a time out of range"))?;
            return Ok(CopyState::Copied {
                source: row.get(0),
                at,
            });
        }
        let found = self.rows(
            "SELECT 1 FROM orgs WHERE id = $1",
            vec![param(org.to_string())],
        )?;
        Ok(match found.is_empty() {
            true => CopyState::Absent,
            false => CopyState::Present,
        })
    }

    /// Writes the rows `read` gives (all of `org`'s) in one transaction that
    /// also records the copy from `source` in `sled_copies`; `progress` is
    /// called with the count of rows sent so far, every [`BATCH`] rows.
    /// Ids the database numbers (outbox messages and dead letters, plug-in
    /// versions, shadow decisions) are given in the order rows arrive.
    ///
    /// Errors: `read`'s own (nothing is written); the org is already in
    /// the database (a unique key fails: nothing is written); the database
    /// failed.
    pub fn copy_org(
        &self,
        org: &str,
        source: &str,
        read: impl FnOnce(&mut dyn FnMut(Row) -> Result<(), StoreError>) -> Result<(), StoreError>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), StoreError> {
        let (rows, received) = mpsc::channel(BATCH * 2);
        let pool = self.shared.pool.clone();
        let (org_id, source) = (org.to_string(), source.to_string());
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        self.runtime().spawn(async move {
            let _ = answer.send(write(&pool, org_id, source, received).await);
        });
        let mut sent = 0u64;
        let stopped = || backend("the copy's writer stopped");
        let read = read(&mut |row| {
            rows.blocking_send(Message::Row(Box::new(row)))
                .map_err(|_| stopped())?;
            sent += 1;
            if sent.is_multiple_of(BATCH as u64) {
                progress(sent);
            }
            Ok(())
        });
        match read {
            // The writer sees the channel close without `End`: it rolls back.
            Err(error) => {
                drop(rows);
                let _ = answered.recv();
                Err(error)
            }
            Ok(()) => {
                // A writer that failed has dropped its end: its error says why.
                let _ = rows.blocking_send(Message::End);
                drop(rows);
                progress(sent);
                answered.recv().map_err(|_| stopped())?
            }
        }
    }

    /// Writes tokens that belong to no org (admin tokens) that the database
    /// does not have yet; answers how many were new.
    pub fn copy_tokens(&self, tokens: Vec<(String, Vec<u8>)>) -> Result<u64, StoreError> {
        let statements = tokens
            .into_iter()
            .map(|(hash, value)| {
                (
                    "INSERT INTO tokens (hash, value) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
                    vec![param(hash), param(value)],
                )
            })
            .collect();
        Ok(self.transaction(Vec::new(), statements)?.iter().sum())
    }

    /// How many records of each kind `org` has in the database.
    pub fn counts(&self, org: &str) -> Result<Counts, StoreError> {
        let mut counts = Counts::default();
        for kind in Kind::ALL {
            let sql = match kind {
                Kind::Orgs => "SELECT count(*) FROM orgs WHERE id = $1",
                Kind::Tokens => continue,
                Kind::Leads => "SELECT count(*) FROM leads WHERE org = $1",
                Kind::Emails => "SELECT count(*) FROM emails WHERE org = $1",
                Kind::MatchKeys => "SELECT count(*) FROM match_keys WHERE org = $1",
                Kind::Activities => "SELECT count(*) FROM activities WHERE org = $1",
                Kind::Events => "SELECT count(*) FROM events WHERE org = $1",
                Kind::Decisions => "SELECT count(*) FROM decisions WHERE org = $1",
                Kind::Schedule => "SELECT count(*) FROM schedule WHERE org = $1",
                Kind::Assignments => "SELECT count(*) FROM assignments WHERE org = $1",
                Kind::Accounts => "SELECT count(*) FROM accounts WHERE org = $1",
                Kind::Reps => "SELECT count(*) FROM reps WHERE org = $1",
                Kind::Campaigns => "SELECT count(*) FROM campaigns WHERE org = $1",
                Kind::Outbox => "SELECT count(*) FROM outbox WHERE org = $1",
                Kind::DeadLetters => "SELECT count(*) FROM dead_letters WHERE org = $1",
                Kind::CallTasks => "SELECT count(*) FROM call_tasks WHERE org = $1",
                Kind::PluginVersions => "SELECT count(*) FROM plugin_versions WHERE org = $1",
                Kind::ImportJobs => "SELECT count(*) FROM import_jobs WHERE org = $1",
                Kind::Inputs => "SELECT count(*) FROM inputs WHERE org = $1",
                Kind::Shadows => "SELECT count(*) FROM shadows WHERE org = $1",
            };
            let rows = self.rows(sql, vec![param(org.to_string())])?;
            let count: i64 = rows.first().map_or(0, |row| row.get(0));
            counts.0.insert(kind, count as u64);
        }
        // Tokens keep their org inside the record.
        let mut tokens = 0;
        for row in self.rows("SELECT value FROM tokens", Vec::new())? {
            let token: TokenRecord = decode("tokens", row.get::<_, &[u8]>(0))?;
            if token.org.as_deref() == Some(org) {
                tokens += 1;
            }
        }
        counts.0.insert(Kind::Tokens, tokens);
        Ok(counts)
    }
}

/// The transaction of one org's copy: rows from `received` until `End`.
async fn write(
    pool: &Pool,
    org: String,
    source: String,
    mut received: mpsc::Receiver<Message>,
) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(backend)?;
    let transaction = client.transaction().await.map_err(backend)?;
    transaction
        .execute(
            "INSERT INTO sled_copies (org, source, copied_at_ms) VALUES ($1, $2, $3)",
            &[&org, &source, &millis(chrono::Utc::now())],
        )
        .await
        .map_err(backend)?;
    // Hosts already running take the copied versions up.
    transaction
        .execute(crate::store::MOVE_MARK, &[&org])
        .await
        .map_err(backend)?;
    let mut last_number = 0;
    let mut batch = Vec::with_capacity(BATCH);
    let mut prepared = HashMap::new();
    loop {
        match received.recv().await {
            Some(Message::Row(row)) => {
                if let Row::Lead { id, .. } = row.as_ref() {
                    last_number = last_number.max(lead_ids::number_of(id).unwrap_or(0));
                }
                batch.push(statement(&transaction, *row).await?);
                if batch.len() >= BATCH {
                    run(&transaction, &mut prepared, std::mem::take(&mut batch)).await?;
                }
            }
            Some(Message::End) => break,
            // The reader failed or stopped: roll back (on drop).
            None => return Err(backend("the copy's reader stopped before its end")),
        }
    }
    run(&transaction, &mut prepared, batch).await?;
    if last_number > 0 {
        transaction
            .execute(
                "INSERT INTO lead_numbers (org, last) VALUES ($1, $2) ON CONFLICT (org) \
                 DO UPDATE SET last = GREATEST(lead_numbers.last, EXCLUDED.last)",
                &[&org, &(last_number as i64)],
            )
            .await
            .map_err(backend)?;
    }
    transaction.commit().await.map_err(backend)
}

/// Sends `statements` together and waits for every answer; `prepared`
/// keeps each statement's preparation for the rest of the copy.
async fn run(
    transaction: &Transaction<'_>,
    prepared: &mut HashMap<&'static str, tokio_postgres::Statement>,
    statements: Vec<(&'static str, Vec<Param>)>,
) -> Result<(), StoreError> {
    for (sql, _) in &statements {
        if !prepared.contains_key(sql) {
            let statement = transaction.prepare(sql).await.map_err(backend)?;
            prepared.insert(*sql, statement);
        }
    }
    try_join_all(statements.iter().map(|(sql, params)| async {
        transaction.execute(&prepared[sql], &borrowed(params)).await
    }))
    .await
    .map_err(backend)?;
    Ok(())
}

/// The insert that writes `row`.
async fn statement(
    transaction: &Transaction<'_>,
    row: Row,
) -> Result<(&'static str, Vec<Param>), StoreError> {
    Ok(match row {
        Row::Org { id, value } => (
            "INSERT INTO orgs (id, value) VALUES ($1, $2)",
            vec![param(id), param(value)],
        ),
        Row::Token { hash, value } => (
            "INSERT INTO tokens (hash, value) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
            vec![param(hash), param(value)],
        ),
        Row::Lead {
            org,
            id,
            revision,
            value,
            summary,
        } => (
            "INSERT INTO leads (org, id, revision, value, summary) VALUES ($1, $2, $3, $4, $5)",
            vec![
                param(org),
                param(id),
                param(revision as i64),
                param(value),
                param(summary),
            ],
        ),
        Row::Email { org, email, lead } => (
            "INSERT INTO emails (org, email, lead) VALUES ($1, $2, $3)",
            vec![param(org), param(email), param(lead)],
        ),
        Row::MatchKey { org, key, lead } => (
            "INSERT INTO match_keys (org, key, lead) VALUES ($1, $2, $3)",
            vec![param(org), param(key), param(lead)],
        ),
        Row::Activity {
            org,
            lead,
            seq,
            value,
        } => (
            "INSERT INTO activities (org, lead, seq, value) VALUES ($1, $2, $3, $4)",
            vec![param(org), param(lead), param(seq as i64), param(value)],
        ),
        Row::Event {
            org,
            lead,
            seq,
            value,
        } => (
            "INSERT INTO events (org, lead, seq, value) VALUES ($1, $2, $3, $4)",
            vec![param(org), param(lead), param(seq as i64), param(value)],
        ),
        Row::Decision {
            org,
            lead,
            seq,
            slot,
            at,
            value,
        } => (
            "INSERT INTO decisions (org, lead, seq, slot, at_ms, value) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                param(org),
                param(lead),
                param(seq as i64),
                param(slot),
                param(millis(at)),
                param(value),
            ],
        ),
        Row::Wake { org, at, lead } => (
            "INSERT INTO schedule (org, at_ms, lead) VALUES ($1, $2, $3)",
            vec![param(org), param(millis(at)), param(lead)],
        ),
        Row::Assignment { org, lead, value } => (
            "INSERT INTO assignments (org, lead, value) VALUES ($1, $2, $3)",
            vec![param(org), param(lead), param(value)],
        ),
        Row::Account { org, domain, rep } => (
            "INSERT INTO accounts (org, domain, rep) VALUES ($1, $2, $3)",
            vec![param(org), param(domain), param(rep)],
        ),
        Row::Rep { org, id, value } => (
            "INSERT INTO reps (org, id, value) VALUES ($1, $2, $3)",
            vec![param(org), param(id), param(value)],
        ),
        Row::Campaign { org, id, value } => (
            "INSERT INTO campaigns (org, id, value) VALUES ($1, $2, $3)",
            vec![param(org), param(id), param(value)],
        ),
        Row::Outbox {
            org,
            value,
            attempts,
            next_at,
        } => (
            "INSERT INTO outbox (id, org, value, attempts, next_at_ms) \
             VALUES (nextval('outbox_ids'), $1, $2, $3, $4)",
            vec![
                param(org),
                param(value),
                param(attempts),
                param(next_at.map(millis)),
            ],
        ),
        Row::DeadLetter { org, mut letter } => {
            // Its id is an outbox id (a replay puts it back under it): it
            // must not collide with the database's own messages.
            let id: i64 = transaction
                .query_one("SELECT nextval('outbox_ids')", &[])
                .await
                .map_err(backend)?
                .get(0);
            letter.id = id as u64;
            (
                "INSERT INTO dead_letters (org, id, value) VALUES ($1, $2, $3)",
                vec![param(org), param(id), param(encode(&letter))],
            )
        }
        Row::CallTask { org, id, value } => (
            "INSERT INTO call_tasks (org, id, value) VALUES ($1, $2, $3)",
            vec![param(org), param(id), param(value)],
        ),
        Row::PluginVersion { org, value } => (
            "INSERT INTO plugin_versions (org, id, value) \
             VALUES ($1, nextval('plugin_version_ids'), $2)",
            vec![param(org), param(value)],
        ),
        Row::ImportJob { org, id, value } => (
            "INSERT INTO import_jobs (org, id, value) VALUES ($1, $2, $3)",
            vec![param(org), param(id), param(value)],
        ),
        Row::Input {
            org,
            digest,
            at,
            value,
        } => (
            "INSERT INTO inputs (org, digest, at_ms, value) VALUES ($1, $2, $3, $4)",
            vec![param(org), param(digest), param(millis(at)), param(value)],
        ),
        Row::Shadow { org, slot, value } => (
            "INSERT INTO shadows (org, slot, id, value) VALUES ($1, $2, nextval('shadow_ids'), $3)",
            vec![param(org), param(slot), param(value)],
        ),
    })
}

#[cfg(test)]
mod tests;
