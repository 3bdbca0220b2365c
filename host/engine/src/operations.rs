//! The engine's operations on orgs, reps and leads.

use tracing::instrument;

use super::change::Change;
use super::validate::{FieldError, check_activity, check_rep};
use super::{Engine, EngineError, moves, sla};
use super::{escalation, keep_in_touch};
use crate::model::{Activity, Rep};
use crate::runtime::Slot;
use crate::store::{
    Applied, EventKind, LeadRecord, LeadStage, OrgRecord, OutboxKind, StageKind, TimelineEntry,
};

impl Engine {
    /// Creates an org. Its id is used in URLs and folder names.
    pub fn create_org(&self, id: &str, name: &str) -> Result<OrgRecord, EngineError> {
        let valid = (1..=40).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !id.starts_with('-');
        if !valid {
            return Err(EngineError::Invalid(vec![FieldError {
                field: "id".into(),
                problem: format!("`{id}` must be 1 to 40 lowercase letters, digits or `-`"),
            }]));
        }
        let store = &self.shared.store;
        if store.org(id)?.is_some() {
            return Err(EngineError::OrgExists(id.into()));
        }
        let org = OrgRecord {
            id: id.into(),
            name: name.trim().into(),
            created_at: self.now(),
        };
        store.put_org(&org)?;
        Ok(org)
    }

    /// Creates or updates a rep, checked and normalized by [`check_rep`]
    /// (a wrong field is [`EngineError::Invalid`], naming it). The host
    /// keeps the rep's load (open leads, last assignment) itself: those
    /// fields of `rep` are ignored for a rep that already exists.
    pub fn put_rep(&self, org: &str, rep: Rep) -> Result<Rep, EngineError> {
        self.known_org(org)?;
        let rep = check_rep(rep).map_err(EngineError::Invalid)?;
        // Again from a fresh read when another host assigned the rep a
        // lead between the read and the write (its load moved).
        self.retrying(|| self.put_rep_once(org, rep.clone()))
    }

    fn put_rep_once(&self, org: &str, mut rep: Rep) -> Result<Rep, EngineError> {
        let _routing = self.shared.locks.routing(org);
        let (store, rosters) = (&self.shared.store, &self.shared.rosters);
        let known = rosters
            .get(&**store, org)?
            .iter()
            .find(|known| known.id == rep.id)
            .cloned();
        let written = match &known {
            Some(known) => {
                rep.open_leads = known.open_leads;
                rep.last_assigned_at = known.last_assigned_at;
                store.put_rep_as_read(org, &rep, known)
            }
            None => store.put_rep(org, &rep),
        };
        if let Err(error) = written {
            // The write may have landed before the flush failed.
            rosters.forget(org);
            return Err(error.into());
        }
        rosters.written(org, std::slice::from_ref(&rep));
        Ok(rep)
    }

    /// An org's reps with their live load.
    pub fn reps(&self, org: &str) -> Result<Vec<Rep>, EngineError> {
        self.known_org(org)?;
        Ok(self.shared.store.reps(org)?)
    }

    /// Records an activity (or an answer) on a lead; a lead marketing holds
    /// is re-qualified, and the owner of a lead sales holds is told.
    #[instrument(skip_all, fields(org, lead))]
    pub fn record_activity(
        &self,
        org: &str,
        lead: &str,
        activity: Activity,
    ) -> Result<LeadRecord, EngineError> {
        let now = self.now();
        let activity = check_activity(activity, now).map_err(EngineError::Invalid)?;
        let what = format!("{:?} activity", activity.kind).to_lowercase();
        self.retrying(|| {
            let _lead = self.shared.locks.lead(org, lead);
            let mut change = Change::new(self.load(org, lead)?, now);
            change.activity(activity.clone());
            self.after_activity(&mut change, &what)?;
            self.commit(change)
        })
    }

    /// Re-runs the step that failed for a lead in needs-review, with the
    /// plug-in now active in that slot.
    #[instrument(skip_all, fields(org, lead))]
    pub fn retry(&self, org: &str, lead: &str) -> Result<LeadRecord, EngineError> {
        self.retrying(|| self.retry_once(org, lead))
    }

    fn retry_once(&self, org: &str, lead: &str) -> Result<LeadRecord, EngineError> {
        let _lead = self.shared.locks.lead(org, lead);
        let mut change = Change::new(self.load(org, lead)?, self.now());
        let LeadStage::NeedsReview { slot, .. } = change.record.stage else {
            return Err(EngineError::NotInReview {
                lead: lead.into(),
                stage: change.record.stage.kind(),
            });
        };
        change.event(EventKind::RetryRequested);
        let shared = &self.shared;
        match slot {
            Slot::LeadDefinition => {
                change.move_to(LeadStage::New, "re-run of the lead definition")?;
                moves::qualify_new(shared, &mut change)?;
            }
            Slot::RoutingPolicy => {
                change.move_to(LeadStage::SalesReady, "re-run of the routing policy")?;
                moves::route(shared, &mut change)?;
            }
            Slot::NurtureTrack => {
                let (track, step) = change.record.track.as_ref().map_or_else(
                    || (shared.default_track(org), 0),
                    |state| (state.track.clone(), state.step),
                );
                change.move_to(
                    LeadStage::Nurturing { track, step },
                    "re-run of the nurture track",
                )?;
                moves::nurture(shared, &mut change)?;
            }
            Slot::DuplicateRule => {
                // The rule runs again: a review it asks for is a new one.
                change.record.matching.review = None;
                return self.retry_matching(change);
            }
        }
        self.commit(change)
    }

    /// Calls the nurture track for leads whose wake-up time has come, oldest
    /// first across orgs, at most `limit`; returns how many were woken.
    /// (`leadhost nurture run`; the server serves orgs in turn with
    /// [`Engine::run_due_in`].)
    pub fn run_due(&self, limit: usize) -> Result<usize, EngineError> {
        let due = self.shared.store.due(self.now(), limit)?;
        self.wake(due)
    }

    /// [`Engine::run_due`] for one org's leads only: one org's backlog never
    /// holds up another org's due steps.
    pub fn run_due_in(&self, org: &str, limit: usize) -> Result<usize, EngineError> {
        let due = self.shared.store.due_in(org, self.now(), limit)?;
        self.wake(due)
    }

    fn wake(&self, due: Vec<crate::store::Due>) -> Result<usize, EngineError> {
        let now = self.now();
        let mut woken = 0;
        for due in due {
            if self.retrying(|| self.wake_one(&due, now))? {
                woken += 1;
            }
        }
        Ok(woken)
    }

    /// Runs one due wake-up; `false` when nothing was due any more.
    fn wake_one(
        &self,
        due: &crate::store::Due,
        now: crate::model::Time,
    ) -> Result<bool, EngineError> {
        let _lead = self.shared.locks.lead(&due.org, &due.lead);
        let Some(record) = self.shared.store.lead(&due.org, &due.lead)? else {
            return Ok(false);
        };
        let (step_due, sla_due) = (
            record.wake_at == Some(due.at),
            record.accept_by == Some(due.at),
        );
        let mut change = Change::new(record, now);
        if sla_due && sla::lapsed(&change) {
            escalation::escalate(&self.shared, &mut change)?;
        } else if !step_due {
            return Ok(false);
        } else if change.record.stage.kind() == StageKind::Nurturing {
            moves::nurture(&self.shared, &mut change)?;
        } else if keep_in_touch::applies(&self.shared, &change) {
            keep_in_touch::step(&self.shared, &mut change)?;
        } else {
            // Nothing handles this wake-up any more (say, keep-in-touch
            // after the lead left sales): drop it, or it would come
            // due on every tick ahead of everything else.
            change.wake_at(None);
        }
        self.commit(change)?;
        Ok(true)
    }

    /// A lead of `org`.
    pub fn lead(&self, org: &str, lead: &str) -> Result<LeadRecord, EngineError> {
        self.load(org, lead)
    }

    /// A lead's activities, events and decisions, in order.
    pub fn timeline(&self, org: &str, lead: &str) -> Result<Vec<TimelineEntry>, EngineError> {
        self.load(org, lead)?;
        Ok(self.shared.store.timeline(org, lead)?)
    }

    /// What follows new activity on a lead: re-qualification while marketing
    /// holds it, word to the owner while sales does.
    pub(super) fn after_activity(
        &self,
        change: &mut Change,
        what: &str,
    ) -> Result<(), EngineError> {
        let stage = change.record.stage.kind();
        match stage {
            // A duplicate merged into another lead stays closed: its news
            // belongs to that lead, and sales must not get it twice.
            StageKind::Discarded if change.record.matching.merged_into.is_some() => Ok(()),
            StageKind::Nurturing | StageKind::Discarded => moves::requalify(&self.shared, change),
            _ if stage.with_sales() => {
                if let Some(rep) = change.record.owner.clone() {
                    change.event(EventKind::OwnerNotified {
                        rep: rep.clone(),
                        what: what.into(),
                    });
                    change.outbox(OutboxKind::OwnerActivity {
                        rep,
                        what: what.into(),
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `Ok` when `org` exists. Errors: [`EngineError::UnknownOrg`], or the
    /// store's failure.
    pub fn known_org(&self, org: &str) -> Result<(), EngineError> {
        match self.shared.store.org(org)? {
            Some(_) => Ok(()),
            None => Err(EngineError::UnknownOrg(org.into())),
        }
    }

    pub(super) fn load(&self, org: &str, lead: &str) -> Result<LeadRecord, EngineError> {
        self.shared
            .store
            .lead(org, lead)?
            .ok_or_else(|| EngineError::UnknownLead {
                org: org.into(),
                lead: lead.into(),
            })
    }

    /// Applies a change, releases the org's routing lock (the next router
    /// sees the new load), then waits until the change is durable.
    pub(super) fn commit(&self, change: Change) -> Result<LeadRecord, EngineError> {
        let (record, applied) = self.apply(change)?;
        self.shared.store.wait_durable(applied)?;
        Ok(record)
    }

    /// Applies a change and releases the org's routing lock; not yet durable.
    pub(super) fn apply(&self, mut change: Change) -> Result<(LeadRecord, Applied), EngineError> {
        let shadows = change.take_shadows();
        let (commit, routing) = change.finish();
        let record = commit.lead.clone().expect("a change commits its lead");
        let reps = commit.reps.clone();
        let applied = self.shared.store.apply(commit)?;
        // Only for what was applied: a retried change asks again.
        self.shared.shadows.submit(shadows);
        // Still under the routing lock: the next router sees the new load.
        self.shared.rosters.written(&record.org, &reps);
        drop(routing);
        Ok((record, applied))
    }
}
