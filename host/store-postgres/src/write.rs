//! Writing: a [`Commit`] as one transaction, its precondition checked
//! under the lead's row lock, its statements sent together.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use deadpool_postgres::Pool;
use futures_util::future::try_join_all;
use tokio_postgres::error::SqlState;

use crate::{
    Check, EXPECTATION_FAILED, PostgresStore, Statement, Waits, backend, borrowed, millis, param,
    prepared,
};
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
    /// A check's guard did not hold: [`run_checked`] tells why.
    Expectation,
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

/// One run of a transaction in one round trip: `BEGIN`, each check's
/// guard, `statements` in order, `COMMIT`, every request sent before the
/// first answer is awaited. A statement that fails aborts the transaction
/// (the server refuses what follows and the `COMMIT` rolls back); the first
/// failure, in order, is the answer. A guard that does not hold answers
/// [`Failed::Expectation`]: run [`run_checked`] to learn why.
pub(super) async fn run(
    pool: &Pool,
    waits: &Waits,
    checks: &[Check],
    statements: &[Statement],
) -> Result<Vec<u64>, Failed> {
    let client = pool
        .get()
        .await
        .map_err(|error| Failed::Store(backend(error)))?;
    let all: Vec<&Statement> = checks
        .iter()
        .map(|check| &check.guard)
        .chain(statements)
        .collect();
    let prepared = try_join_all(all.iter().map(|(sql, _)| prepared(&client, waits, sql)))
        .await
        .map_err(failed)?;
    let params: Vec<_> = all.iter().map(|(_, params)| borrowed(params)).collect();
    let mut requests: Vec<Request<'_>> = Vec::with_capacity(all.len() + 2);
    requests.push(Box::pin(async {
        client.batch_execute("BEGIN").await.map(|()| 0)
    }));
    for (statement, params) in prepared.iter().zip(&params) {
        requests.push(Box::pin(client.execute(statement, params)));
    }
    requests.push(Box::pin(async {
        client.batch_execute("COMMIT").await.map(|()| 0)
    }));
    let answers = pipelined(requests).await;
    waits.count("transaction", 1);
    let mut counts = Vec::with_capacity(statements.len());
    for (at, answer) in answers.into_iter().enumerate() {
        match answer {
            Err(error) if is_expectation(&error) => return Err(Failed::Expectation),
            Err(error) => return Err(failed(error)),
            // Past `BEGIN` and the guards, before `COMMIT`.
            Ok(count) if at > checks.len() && counts.len() < statements.len() => counts.push(count),
            Ok(_) => {}
        }
    }
    Ok(counts)
}

/// A request to the server, answered with the rows it affected.
type Request<'a> = Pin<Box<dyn Future<Output = Result<u64, tokio_postgres::Error>> + Send + 'a>>;

/// Sends `requests` in order, then waits for their answers. The client
/// sends a request on its future's first poll, so polling each once, in
/// order, puts them all on the wire before any answer is awaited: one
/// round trip, however many statements.
async fn pipelined(requests: Vec<Request<'_>>) -> Vec<Result<u64, tokio_postgres::Error>> {
    let mut requests: Vec<(Request<'_>, Option<Result<u64, tokio_postgres::Error>>)> = requests
        .into_iter()
        .map(|request| (request, None))
        .collect();
    std::future::poll_fn(|context| {
        for (request, answer) in requests.iter_mut() {
            if let Poll::Ready(ready) = request.as_mut().poll(context) {
                *answer = Some(ready);
            }
        }
        Poll::Ready(())
    })
    .await;
    let mut answers = Vec::with_capacity(requests.len());
    for (request, answer) in requests {
        answers.push(match answer {
            Some(answer) => answer,
            None => request.await,
        });
    }
    answers
}

/// Whether `error` is a guard's `leadhost_expect` refusing.
fn is_expectation(error: &tokio_postgres::Error) -> bool {
    error.code().map(SqlState::code) == Some(EXPECTATION_FAILED)
}

/// One run of a transaction the slow way: `BEGIN`, each check read and
/// judged here (a round trip each), then `statements` together, then
/// `COMMIT`. For a transaction whose guard refused: this names what
/// changed, or commits when only the bytes differed (a record written by
/// an older release).
pub(super) async fn run_checked(
    pool: &Pool,
    waits: &Waits,
    checks: &[Check],
    statements: &[Statement],
) -> Result<Vec<u64>, Failed> {
    let mut client = pool
        .get()
        .await
        .map_err(|error| Failed::Store(backend(error)))?;
    // Prepared once per connection, then cached: the statements cost no
    // round trip of their own after the first use.
    let prepared = try_join_all(
        statements
            .iter()
            .map(|(sql, _)| prepared(&client, waits, sql)),
    )
    .await
    .map_err(failed)?;
    let transaction = client.transaction().await.map_err(failed)?;
    waits.count("transaction", 3 + checks.len() as u64);
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
        if let Some((email, id)) = &commit.email_moved {
            statements.push((
                "UPDATE emails SET lead = $3 WHERE org = $1 AND email = $2",
                vec![text(&org), text(email), text(id)],
            ));
        }
        if !commit.match_keys_removed.is_empty() {
            statements.push((
                "DELETE FROM match_keys WHERE org = $1 AND lead = $3 AND key = ANY($2::text[])",
                vec![
                    text(&org),
                    param(commit.match_keys_removed.clone()),
                    text(&lead),
                ],
            ));
        }
        if !commit.match_keys.is_empty() {
            statements.push((
                "INSERT INTO match_keys (org, key, lead) SELECT $1, key, $3 FROM unnest($2::text[]) AS key \
                 ON CONFLICT DO NOTHING",
                vec![text(&org), param(commit.match_keys.clone()), text(&lead)],
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
                if commit.account_unowned {
                    // Fails on the key if another host gave it an owner.
                    "INSERT INTO accounts (org, domain, rep) VALUES ($1, $2, $3)"
                } else {
                    "INSERT INTO accounts (org, domain, rep) VALUES ($1, $2, $3) \
                     ON CONFLICT (org, domain) DO UPDATE SET rep = EXCLUDED.rep"
                },
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
            let revision = match expected {
                Precondition::Absent => None,
                Precondition::Revision(revision) => Some(revision as i64),
            };
            Check {
                sql: "SELECT revision FROM leads WHERE org = $1 AND id = $2 FOR UPDATE",
                params: vec![text(&org), text(&lead)],
                guard: (
                    "SELECT leadhost_expect((SELECT revision FROM leads \
                     WHERE org = $1 AND id = $2 FOR UPDATE) IS NOT DISTINCT FROM $3)",
                    vec![text(&org), text(&lead), param(revision)],
                ),
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
        checks.extend(reps.into_iter().map(|rep| rep_as_read(&org, rep)));
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

/// The check that `org`'s rep is stored as `rep` (as its writer read
/// it), its row locked: [`StoreError::RepChanged`] when not.
pub(super) fn rep_as_read(org: &str, rep: Rep) -> Check {
    let org = org.to_string();
    Check {
        sql: "SELECT value FROM reps WHERE org = $1 AND id = $2 FOR UPDATE",
        params: vec![param(org.clone()), param(rep.id.clone())],
        guard: (
            "SELECT leadhost_expect((SELECT value FROM reps \
             WHERE org = $1 AND id = $2 FOR UPDATE) = $3)",
            vec![
                param(org.clone()),
                param(rep.id.clone()),
                param(encode(&rep)),
            ],
        ),
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
    }
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
