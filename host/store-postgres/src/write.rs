//! Writing: a [`Commit`] as one transaction, its precondition checked
//! under the lead's row lock, its statements sent together.

use deadpool_postgres::Pool;
use futures_util::future::try_join_all;
use tokio_postgres::error::SqlState;

use crate::{Check, PostgresStore, Statement, backend, borrowed, millis, param};
use leadhost_model::Rep;
use leadhost_store::codec::{decode, encode};
use leadhost_store::{Applied, Commit, LeadSummary, Precondition, StoreError};

/// Why a transaction did not commit.
pub(super) enum Failed {
    /// The database aborted it for a serialization failure or a deadlock:
    /// running it again may succeed.
    Retry(tokio_postgres::Error),
    /// Anything else, final.
    Store(StoreError),
}

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Self {
        Failed::Store(error)
    }
}

fn failed(error: tokio_postgres::Error) -> Failed {
    match error.code() {
        Some(code)
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            Failed::Retry(error)
        }
        _ => Failed::Store(backend(error)),
    }
}

/// One run of a transaction: `checks`, then `statements` in order.
pub(super) async fn run(
    pool: &Pool,
    checks: &[Check],
    statements: &[Statement],
) -> Result<Vec<u64>, Failed> {
    let mut client = pool
        .get()
        .await
        .map_err(|error| Failed::Store(backend(error)))?;
    // Prepared once per connection, then cached: the statements cost no
    // round trip of their own after the first use.
    let prepared = try_join_all(statements.iter().map(|(sql, _)| client.prepare_cached(sql)))
        .await
        .map_err(failed)?;
    let transaction = client.transaction().await.map_err(failed)?;
    for check in checks {
        let rows = transaction
            .query(check.sql, &borrowed(&check.params))
            .await
            .map_err(failed)?;
        (check.holds)(&rows)?;
    }
    // Polled in order, so sent in order on the one connection: the server
    // runs them in order, and their answers come back in one round trip.
    let counts = try_join_all(statements.iter().zip(&prepared).map(
        |((_, params), statement)| async {
            let params = borrowed(params);
            transaction.execute(statement, &params).await
        },
    ))
    .await
    .map_err(failed)?;
    transaction.commit().await.map_err(failed)?;
    Ok(counts)
}

impl PostgresStore {
    /// A commit's statements, in the order the sled store writes them.
    pub(super) fn apply_commit(&self, commit: &Commit) -> Result<Applied, StoreError> {
        let Some(record) = &commit.lead else {
            return Ok(Applied(0));
        };
        let (org, lead) = (record.org.clone(), record.id().to_string());
        let text = |value: &str| param(value.to_string());
        let mut statements: Vec<Statement> = Vec::new();
        let (value, summary) = (encode(record), encode(&LeadSummary::of(record)));
        let revision = param(record.revision as i64);
        statements.push(match commit.expect {
            // A plain insert: a second creator fails on the key.
            Some(Precondition::Absent) => (
                "INSERT INTO leads (org, id, revision, value, summary) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    text(&org),
                    text(&lead),
                    revision,
                    param(value),
                    param(summary),
                ],
            ),
            _ => (
                "INSERT INTO leads (org, id, revision, value, summary) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org, id) DO UPDATE SET revision = EXCLUDED.revision, \
                 value = EXCLUDED.value, summary = EXCLUDED.summary",
                vec![
                    text(&org),
                    text(&lead),
                    revision,
                    param(value),
                    param(summary),
                ],
            ),
        });
        if let Some((email, id)) = &commit.email {
            statements.push((
                "INSERT INTO emails (org, email, lead) VALUES ($1, $2, $3)",
                vec![text(&org), text(email), text(id)],
            ));
        }
        for (seq, activity) in &commit.activities {
            statements.push((
                "INSERT INTO activities (org, lead, seq, value) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org, lead, seq) DO UPDATE SET value = EXCLUDED.value",
                vec![
                    text(&org),
                    text(&lead),
                    param(*seq as i64),
                    param(encode(activity)),
                ],
            ));
        }
        for (seq, event) in &commit.events {
            statements.push((
                "INSERT INTO events (org, lead, seq, value) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org, lead, seq) DO UPDATE SET value = EXCLUDED.value",
                vec![
                    text(&org),
                    text(&lead),
                    param(*seq as i64),
                    param(encode(event)),
                ],
            ));
        }
        for (seq, decision) in &commit.decisions {
            statements.push((
                "INSERT INTO decisions (org, lead, seq, slot, at_ms, value) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org, lead, seq) DO UPDATE \
                 SET slot = EXCLUDED.slot, at_ms = EXCLUDED.at_ms, value = EXCLUDED.value",
                vec![
                    text(&org),
                    text(&lead),
                    param(*seq as i64),
                    text(decision.slot.world()),
                    param(millis(decision.at)),
                    param(encode(decision)),
                ],
            ));
        }
        for at in &commit.unschedule {
            statements.push((
                "DELETE FROM schedule WHERE org = $1 AND at_ms = $2 AND lead = $3",
                vec![text(&org), param(millis(*at)), text(&lead)],
            ));
        }
        for at in &commit.schedule {
            statements.push((
                "INSERT INTO schedule (org, at_ms, lead) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                vec![text(&org), param(millis(*at)), text(&lead)],
            ));
        }
        if let Some(assignment) = &commit.assignment {
            statements.push((
                "INSERT INTO assignments (org, lead, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (org, lead) DO UPDATE SET value = EXCLUDED.value",
                vec![text(&org), text(&lead), param(encode(assignment))],
            ));
        }
        if let Some((domain, rep)) = &commit.account {
            statements.push((
                "INSERT INTO accounts (org, domain, rep) VALUES ($1, $2, $3) \
                 ON CONFLICT (org, domain) DO UPDATE SET rep = EXCLUDED.rep",
                vec![text(&org), text(domain), text(rep)],
            ));
        }
        for rep in &commit.reps {
            statements.push(put_rep(&org, rep));
        }
        for message in &commit.outbox {
            statements.push((
                "INSERT INTO outbox (id, org, value) VALUES (nextval('outbox_ids'), $1, $2)",
                vec![text(&message.org), param(encode(message))],
            ));
        }
        for task in &commit.call_tasks {
            statements.push(put_call_task(&org, task));
        }
        for input in &commit.inputs {
            statements.push((
                "INSERT INTO inputs (org, digest, at_ms, value) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
                vec![
                    text(&org),
                    text(&input.digest),
                    param(millis(input.at)),
                    param(input.encode()),
                ],
            ));
        }
        // A new lead's plain insert is its own check: a second creator
        // fails on the key (a round trip saved); an existing lead's
        // revision is read under its row lock.
        let revision_check = commit
            .expect
            .filter(|expected| *expected != Precondition::Absent);
        let check = revision_check.map(|expected| {
            let (org, lead) = (org.clone(), lead.clone());
            Check {
                sql: "SELECT revision FROM leads WHERE org = $1 AND id = $2 FOR UPDATE",
                params: vec![text(&org), text(&lead)],
                holds: Box::new(move |rows| {
                    let found = rows.first().map(|row| row.get::<_, i64>(0) as u64);
                    let holds = match expected {
                        Precondition::Absent => found.is_none(),
                        Precondition::Revision(revision) => found == Some(revision),
                    };
                    if holds {
                        Ok(())
                    } else {
                        Err(conflict(&org, &lead, expected, found))
                    }
                }),
            }
        });
        let mut checks: Vec<Check> = check.into_iter().collect();
        // Each rep as the writer read it, locked in id order (two hosts
        // assigning the same reps lock them in one order: no deadlock).
        let mut reps = commit.expect_reps.clone();
        reps.sort_by(|a, b| a.id.cmp(&b.id));
        for rep in reps {
            let org = org.clone();
            checks.push(Check {
                sql: "SELECT value FROM reps WHERE org = $1 AND id = $2 FOR UPDATE",
                params: vec![text(&org), text(&rep.id)],
                holds: Box::new(move |rows| {
                    let stored = rows
                        .first()
                        .map(|row| decode::<Rep>("reps", row.get::<_, &[u8]>(0)))
                        .transpose()?;
                    if stored.as_ref() == Some(&rep) {
                        Ok(())
                    } else {
                        Err(StoreError::RepChanged {
                            org: org.clone(),
                            rep: rep.id.clone(),
                        })
                    }
                }),
            });
        }
        match self.transaction(checks, statements) {
            Ok(_) => Ok(Applied(0)),
            // Another writer created the lead, or a lead for its e-mail,
            // since this one looked: the engine loads again and retries
            // (and then finds the other lead by its e-mail).
            Err(StoreError::Backend(error)) if is_unique_violation(error.as_ref()) => {
                let expected = commit.expect.unwrap_or(Precondition::Absent);
                // What is there now, for the error (a lost race only).
                let found = self
                    .rows(
                        "SELECT revision FROM leads WHERE org = $1 AND id = $2",
                        vec![text(&org), text(&lead)],
                    )?
                    .first()
                    .map(|row| row.get::<_, i64>(0) as u64);
                Err(conflict(&org, &lead, expected, found))
            }
            Err(error) => Err(error),
        }
    }
}

fn conflict(org: &str, lead: &str, expected: Precondition, found: Option<u64>) -> StoreError {
    StoreError::Conflict {
        org: org.to_string(),
        lead: lead.to_string(),
        expected,
        found,
    }
}

fn is_unique_violation(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<tokio_postgres::Error>()
        .is_some_and(crate::schema::is_unique_violation)
}

/// Creates or replaces `org`'s rep.
pub(super) fn put_rep(org: &str, rep: &leadhost_model::Rep) -> Statement {
    (
        "INSERT INTO reps (org, id, value) VALUES ($1, $2, $3) \
         ON CONFLICT (org, id) DO UPDATE SET value = EXCLUDED.value",
        vec![
            param(org.to_string()),
            param(rep.id.clone()),
            param(encode(rep)),
        ],
    )
}

/// Creates or replaces `org`'s call task.
pub(super) fn put_call_task(org: &str, task: &leadhost_store::CallTask) -> Statement {
    (
        "INSERT INTO call_tasks (org, id, value) VALUES ($1, $2, $3) \
         ON CONFLICT (org, id) DO UPDATE SET value = EXCLUDED.value",
        vec![
            param(org.to_string()),
            param(task.id.clone()),
            param(encode(task)),
        ],
    )
}
