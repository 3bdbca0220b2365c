//! Writes: a commit turned into keyed writes over the trees, applied in one
//! sled transaction with its precondition checked inside it.

use sled::Tree;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, Transactional, TransactionalTree,
};

use super::{
    ACCOUNTS, ACTIVITIES, ASSIGNMENTS, CALL_TASKS, DECISIONS, DECISIONS_BY_SLOT, EMAILS, EVENTS,
    INPUTS, LEAD_SUMMARIES, LEADS, OUTBOX, REPS, SCHEDULE, SCHEDULE_BY_ORG, SledStore, TREES, keys,
};
use crate::codec::{decode, encode};
use crate::{Applied, Commit, LeadRecord, LeadSummary, Precondition, Store, StoreError};
use leadhost_model::Rep;

/// One write of a commit: tree, key, value (`None` removes).
pub(super) type Write = (usize, Vec<u8>, Option<Vec<u8>>);

/// A commit's precondition, checked inside its transaction.
struct Check<'a> {
    /// The lead's key in `LEADS`.
    key: Vec<u8>,
    org: &'a str,
    lead: &'a str,
    expected: Option<Precondition>,
    /// Reps that must be stored as they are here.
    reps: &'a [Rep],
}

impl SledStore {
    /// A commit's writes in one transaction, its precondition checked
    /// inside it.
    pub(super) fn apply_commit(&self, commit: &Commit) -> Result<Applied, StoreError> {
        let mut writes: Vec<Write> = Vec::new();
        let Some(record) = &commit.lead else {
            return self.write(&[]);
        };
        let (org, lead) = (record.org.as_str(), record.id());
        writes.push((LEADS, keys::scoped(org, lead), Some(encode(record))));
        writes.push((
            LEAD_SUMMARIES,
            keys::scoped(org, lead),
            Some(encode(&LeadSummary::of(record))),
        ));
        if let Some((email, id)) = &commit.email {
            writes.push((EMAILS, keys::scoped(org, email), Some(encode(id))));
        }
        if let Some((email, id)) = &commit.email_moved {
            writes.push((EMAILS, keys::scoped(org, email), Some(encode(id))));
        }
        writes.extend(super::match_keys::writes(
            org,
            lead,
            &commit.match_keys,
            &commit.match_keys_removed,
        ));
        for (seq, activity) in &commit.activities {
            writes.push((
                ACTIVITIES,
                keys::sequenced(org, lead, *seq),
                Some(encode(activity)),
            ));
        }
        for (seq, event) in &commit.events {
            writes.push((
                EVENTS,
                keys::sequenced(org, lead, *seq),
                Some(encode(event)),
            ));
        }
        for (seq, decision) in &commit.decisions {
            writes.push((
                DECISIONS,
                keys::sequenced(org, lead, *seq),
                Some(encode(decision)),
            ));
            writes.push((
                DECISIONS_BY_SLOT,
                super::recent::key(org, decision.slot, decision.at, lead, *seq),
                Some(Vec::new()),
            ));
        }
        for at in &commit.unschedule {
            writes.push((SCHEDULE, keys::wake(*at, org, lead), None));
            writes.push((SCHEDULE_BY_ORG, keys::org_wake(*at, org, lead), None));
        }
        for at in &commit.schedule {
            writes.push((SCHEDULE, keys::wake(*at, org, lead), Some(encode(&()))));
            writes.push((
                SCHEDULE_BY_ORG,
                keys::org_wake(*at, org, lead),
                Some(encode(&())),
            ));
        }
        if let Some(assignment) = &commit.assignment {
            writes.push((
                ASSIGNMENTS,
                keys::scoped(org, lead),
                Some(encode(assignment)),
            ));
        }
        if let Some((domain, rep)) = &commit.account {
            writes.push((ACCOUNTS, keys::scoped(org, domain), Some(encode(rep))));
        }
        for rep in &commit.reps {
            writes.push((REPS, keys::scoped(org, &rep.id), Some(encode(rep))));
        }
        for message in &commit.outbox {
            let id = self.shared.db.generate_id()?;
            writes.push((OUTBOX, id.to_be_bytes().to_vec(), Some(encode(message))));
        }
        for task in &commit.call_tasks {
            writes.push((CALL_TASKS, keys::scoped(org, &task.id), Some(encode(task))));
        }
        for input in &commit.inputs {
            let key = keys::scoped(org, &input.digest);
            // Stored once: an identical input is the same value.
            if !self.tree(INPUTS).contains_key(&key)? {
                writes.push((INPUTS, key, Some(input.encode())));
            }
        }
        let check = (commit.expect.is_some() || !commit.expect_reps.is_empty()).then(|| Check {
            key: keys::scoped(org, lead),
            org,
            lead,
            expected: commit.expect,
            reps: &commit.expect_reps,
        });
        self.write_checked(&writes, check.as_ref())
    }

    /// Applies writes in one transaction and waits until they are durable.
    pub(super) fn write_durably(&self, writes: &[Write]) -> Result<(), StoreError> {
        let applied = self.write(writes)?;
        self.wait_durable(applied)
    }

    /// Applies writes in one transaction.
    pub(super) fn write(&self, writes: &[Write]) -> Result<Applied, StoreError> {
        self.write_checked(writes, None)
    }

    /// Applies writes in one transaction, if `check` holds inside it.
    fn write_checked(
        &self,
        writes: &[Write],
        check: Option<&Check<'_>>,
    ) -> Result<Applied, StoreError> {
        // Only the trees this commit touches: a transaction's cost grows
        // with its trees, and a lead's commit touches a handful of the
        // store's twenty.
        let mut used: Vec<usize> = writes.iter().map(|(index, _, _)| *index).collect();
        if let Some(check) = check {
            used.push(LEADS);
            if !check.reps.is_empty() {
                used.push(REPS);
            }
        }
        used.sort_unstable();
        used.dedup();
        if used.is_empty() {
            // Nothing to write: the receipt alone, to wait on what was read.
            return Ok(Applied(self.shared.group.ticket()));
        }
        let at = |index: usize| used.binary_search(&index).expect("a tree of the commit");
        let trees: Vec<&Tree> = used.iter().map(|index| self.tree(*index)).collect();
        let result: Result<(), TransactionError<StoreError>> =
            trees.as_slice().transaction(|view| {
                if let Some(check) = check {
                    let reps = (!check.reps.is_empty()).then(|| &view[at(REPS)]);
                    holds(check, &view[at(LEADS)], reps)?;
                }
                for (index, key, value) in writes {
                    let tree = &view[at(*index)];
                    match value {
                        Some(value) => tree.insert(key.as_slice(), value.as_slice())?,
                        None => tree.remove(key.as_slice())?,
                    };
                }
                Ok(())
            });
        result.map_err(|error| match error {
            TransactionError::Storage(error) => StoreError::from(error),
            TransactionError::Abort(error) => error,
        })?;
        Ok(Applied(self.shared.group.ticket()))
    }
}

/// Checks a commit's preconditions inside its transaction: the lead's
/// revision, then each rep as the writer read it.
fn holds(
    check: &Check<'_>,
    leads: &TransactionalTree,
    reps: Option<&TransactionalTree>,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    if let Some(expected) = check.expected {
        let found = match leads.get(check.key.as_slice())? {
            Some(bytes) => Some(
                decode::<LeadRecord>(TREES[LEADS], &bytes)
                    .map_err(ConflictableTransactionError::Abort)?
                    .revision,
            ),
            None => None,
        };
        let holds = match expected {
            Precondition::Absent => found.is_none(),
            Precondition::Revision(revision) => found == Some(revision),
        };
        if !holds {
            return Err(ConflictableTransactionError::Abort(StoreError::Conflict {
                org: check.org.to_string(),
                lead: check.lead.to_string(),
                expected,
                found,
            }));
        }
    }
    for rep in check.reps {
        let stored = match reps {
            Some(tree) => tree.get(keys::scoped(check.org, &rep.id))?,
            None => None,
        };
        let stored = stored
            .map(|bytes| decode::<Rep>(TREES[REPS], &bytes))
            .transpose()
            .map_err(ConflictableTransactionError::Abort)?;
        if stored.as_ref() != Some(rep) {
            return Err(ConflictableTransactionError::Abort(
                StoreError::RepChanged {
                    org: check.org.to_string(),
                    rep: rep.id.clone(),
                },
            ));
        }
    }
    Ok(())
}
