//! Taking leads in: one submission or a batch, validated, merged into the
//! lead holding its e-mail or qualified as a new lead, and made durable.

use tracing::instrument;

use super::change::Change;
use super::matching::{self, Matched};
use super::validate::FieldError;
use super::{Engine, EngineError, Ingested, LeadSubmission, Pending, merge, moves};
use crate::model::{Activity, ActivityKind, Lead, Time};
use crate::store::{Applied, ByEmail, Commit, EventKind, LeadRecord};

impl Engine {
    /// Takes a lead in: validates and normalizes it, merges it into the
    /// lead with the same e-mail if there is one, and otherwise qualifies
    /// it and acts on the verdict. A submission that lead has received
    /// before changes nothing (see [`Ingested::unchanged`]). Returns once
    /// everything is durable.
    #[instrument(skip_all, fields(org))]
    pub fn ingest(
        &self,
        org: &str,
        submission: LeadSubmission,
        via: &str,
    ) -> Result<Ingested, EngineError> {
        self.durable(self.ingest_pending(org, submission, via)?)
    }

    /// [`Engine::ingest`] up to the point where its writes are applied:
    /// every read sees them, but they are not acknowledged until
    /// [`Engine::durable`] returns. The plug-in calls and the CPU work are
    /// done; what is left is waiting for a flush, which needs no worker and
    /// no instance, so the HTTP layer gives the org's turn back first and
    /// many leads wait on one flush.
    pub fn ingest_pending(
        &self,
        org: &str,
        submission: LeadSubmission,
        via: &str,
    ) -> Result<Pending<Ingested>, EngineError> {
        let (value, applied) =
            self.retrying(|| self.ingest_applied(org, submission.clone(), via))?;
        Ok(Pending { value, applied })
    }

    /// Ingests many submissions and waits for durability once, after the
    /// last: one flush for the whole batch. Each item succeeds or fails on
    /// its own; an `Err` item (a line that did not parse) is passed through.
    #[instrument(skip_all, fields(org, items = submissions.len()))]
    pub fn ingest_batch(
        &self,
        org: &str,
        submissions: Vec<Result<LeadSubmission, Vec<FieldError>>>,
        via: &str,
    ) -> Result<Vec<Result<Ingested, EngineError>>, EngineError> {
        self.durable(self.ingest_batch_pending(org, submissions, via)?)
    }

    /// [`Engine::ingest_batch`] with its writes applied, not yet durable
    /// (see [`Engine::ingest_pending`]).
    pub fn ingest_batch_pending(
        &self,
        org: &str,
        submissions: Vec<Result<LeadSubmission, Vec<FieldError>>>,
        via: &str,
    ) -> Result<Pending<Vec<Result<Ingested, EngineError>>>, EngineError> {
        self.known_org(org)?;
        // Ticket 0 is durable from the start: a batch that applied nothing
        // waits for nothing.
        let mut last = Applied(0);
        let total = submissions.len();
        let mut results = Vec::with_capacity(total);
        for submission in submissions {
            let result = submission
                .map_err(EngineError::Invalid)
                .and_then(|submission| {
                    self.retrying(|| self.ingest_applied(org, submission.clone(), via))
                });
            match result {
                Ok((ingested, applied)) => {
                    last = applied;
                    results.push(Ok(ingested));
                }
                // The store failed: the items after this one are not
                // tried (each would wait on the store in turn); those
                // before it are stored, and the error says how many.
                Err(EngineError::Store(source)) => {
                    let stored = results.iter().filter(|result| result.is_ok()).count();
                    return Err(if stored == 0 {
                        EngineError::Store(source)
                    } else {
                        EngineError::PartlyStored {
                            stored,
                            of: total,
                            source,
                        }
                    });
                }
                Err(error) => results.push(Err(error)),
            }
        }
        Ok(Pending {
            value: results,
            applied: last,
        })
    }

    /// Waits until `pending`'s writes are durable (one flush shared by
    /// every writer waiting) and hands back its result.
    pub fn durable<T>(&self, pending: Pending<T>) -> Result<T, EngineError> {
        self.shared.store.wait_durable(pending.applied)?;
        Ok(pending.value)
    }

    /// [`Engine::durable`] without holding a thread while it waits (see
    /// [`crate::store::Store::durable`]): for a request, whose waiting must not take one
    /// of the blocking threads every org shares.
    pub async fn durable_async<T>(&self, pending: Pending<T>) -> Result<T, EngineError> {
        self.shared.store.durable(pending.applied).await?;
        Ok(pending.value)
    }

    /// Ingests one submission; its writes are applied but not yet durable.
    fn ingest_applied(
        &self,
        org: &str,
        submission: LeadSubmission,
        via: &str,
    ) -> Result<(Ingested, Applied), EngineError> {
        self.known_org(org)?;
        let now = self.now();
        let (lead, activities) = submission.validate(now).map_err(EngineError::Invalid)?;
        let shared = &self.shared;
        let _email = shared.locks.email(org, &lead.email);
        // One question for both answers: on a database, one round trip.
        let id = match shared.store.lead_by_email_or_new_id(org, &lead.email)? {
            ByEmail::New(id) => id,
            ByEmail::Known(id) => {
                // An address of a lead merged away finds the lead it went into.
                let id = self.merged_target(org, id)?;
                return self.ingest_again(org, &id, lead, activities, via, now, None);
            }
        };
        let fingerprint = merge::fingerprint(&lead, &activities, now);
        let submitted = lead.clone();
        let mut lead = lead;
        lead.id = id;
        let mut record = LeadRecord::new(org, lead, now);
        record.remember_submission(fingerprint);
        let mut change = Change::new(record, now);
        change.index_email();
        change.index_match_keys(matching::blocking_keys(&change.record.lead));
        change.event(EventKind::Created { via: via.into() });
        // The org's duplicate rule first: a lead it is sure of is not new.
        let matched = matching::match_lead(shared, &mut change)?;
        if let Matched::Merge(found) = matched {
            return self.merge_new(change, &found, submitted, activities, via, now);
        }
        activities
            .into_iter()
            .for_each(|activity| change.activity(activity));
        match matched {
            Matched::Unique => moves::qualify_new(shared, &mut change)?,
            Matched::Review(found) => matching::hold_for_review(&mut change, found)?,
            Matched::Failed | Matched::Merge(_) => {}
        }
        let (record, applied) = self.apply(change)?;
        Ok((
            Ingested {
                record,
                created: true,
                unchanged: false,
            },
            applied,
        ))
    }

    /// A submission for the lead `id` that already holds its e-mail:
    /// merged in, unless that lead has heard it before.
    ///
    /// `duplicate`: the event naming the new lead the org's duplicate rule
    /// merged in as this submission (see `matching::merge`), if it was one.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn ingest_again(
        &self,
        org: &str,
        id: &str,
        lead: Lead,
        activities: Vec<Activity>,
        via: &str,
        now: Time,
        duplicate: Option<EventKind>,
    ) -> Result<(Ingested, Applied), EngineError> {
        let shared = &self.shared;
        let fingerprint = merge::fingerprint(&lead, &activities, now);
        let (_lead, mut record) = self.live_lead(org, id)?;
        if !record.remember_submission(fingerprint) {
            // Heard before: no write. The empty commit's receipt makes
            // the caller wait until what was read is durable too.
            let applied = shared.store.apply(Commit::default())?;
            let ingested = Ingested {
                record,
                created: false,
                unchanged: true,
            };
            return Ok((ingested, applied));
        }
        let activities = if activities.is_empty() {
            activities
        } else {
            merge::new_activities(activities, &shared.store.timeline(org, id)?)
        };
        if lead.campaign.is_some() {
            record.latest_campaign.clone_from(&lead.campaign);
        }
        // A duplicate's address finds this lead too (its variants match it).
        let submitted_keys = match duplicate {
            Some(_) => matching::blocking_keys(&lead),
            None => Vec::new(),
        };
        let filled = merge::fill_gaps(&mut record.lead, lead);
        let mut change = Change::new(record, now);
        if let Some(duplicate) = duplicate {
            change.event(duplicate);
        }
        if !filled.is_empty() || !submitted_keys.is_empty() {
            // A name or phone filled in finds the lead by more keys.
            let mut keys = matching::blocking_keys(&change.record.lead);
            keys.extend(submitted_keys);
            keys.sort();
            keys.dedup();
            change.index_match_keys(keys);
        }
        change.event(EventKind::Merged { filled });
        change.activity(Activity {
            kind: ActivityKind::Form,
            at: now,
            detail: format!("submitted again via {via}"),
        });
        activities
            .into_iter()
            .for_each(|activity| change.activity(activity));
        self.after_activity(&mut change, "the lead was submitted again")?;
        let (record, applied) = self.apply(change)?;
        let ingested = Ingested {
            record,
            created: false,
            unchanged: false,
        };
        Ok((ingested, applied))
    }
}
