//! One operation's change to one lead: the new record plus everything that
//! must land with it, gathered into a single atomic [`Commit`].

use super::lifecycle::{self, IllegalTransition};
use super::locks::Held;
use crate::model::{Activity, Rep, Time};
use crate::store::{
    Assignment, CallTask, Commit, Decision, Event, EventKind, LeadRecord, LeadStage, Narrowed,
    OutboxKind, OutboxMessage, Precondition, RecordedInput, StageEntry, StageKind,
};

/// A lead being changed by one engine operation.
pub(super) struct Change {
    /// The lead as it will be stored.
    pub record: LeadRecord,
    /// The time of the operation.
    pub now: Time,
    /// Everything else to write with the record.
    commit: Commit,
    /// The wake-ups the store has for the lead now, to cancel those that change.
    stored_wakes: Vec<Time>,
    /// Held while the change touches reps' load: one router per org at a time.
    routing: Option<Held>,
    /// What the lead must still be in the store for the commit to apply.
    expect: Precondition,
    /// Shadow calls to make once the change is applied (a change that
    /// fails to apply asks for none).
    shadows: Vec<crate::shadow::ShadowCall>,
}

impl Change {
    /// Starts changing `record` (as loaded, or new) at `now`.
    pub fn new(record: LeadRecord, now: Time) -> Self {
        let stored_wakes = record.wake_ups();
        let expect = Precondition::Revision(record.revision);
        Change {
            record,
            now,
            commit: Commit::default(),
            stored_wakes,
            routing: None,
            expect,
            shadows: Vec::new(),
        }
    }

    /// Indexes the lead's e-mail: it is a new lead.
    pub fn index_email(&mut self) {
        self.expect = Precondition::Absent;
        self.commit.email = Some((self.record.lead.email.clone(), self.record.id().to_string()));
    }

    /// Indexes the lead's e-mail as finding lead `into`, another one: the
    /// new lead is a duplicate merged into `into` as it comes in.
    pub fn index_email_to(&mut self, into: &str) {
        self.commit.email = Some((self.record.lead.email.clone(), into.to_string()));
    }

    /// Makes the lead's indexed e-mail find lead `into` from now on: the
    /// lead was merged into `into`.
    pub fn move_email_to(&mut self, into: &str) {
        self.commit.email_moved = Some((self.record.lead.email.clone(), into.to_string()));
    }

    /// Indexes the lead under `keys` too (see [`crate::store::Commit::match_keys`]).
    pub fn index_match_keys(&mut self, keys: Vec<String>) {
        self.commit.match_keys = keys;
    }

    /// Takes the lead out of the index under `keys` (and indexes it under
    /// none): it was merged away.
    pub fn unindex_match_keys(&mut self, keys: Vec<String>) {
        self.commit.match_keys = Vec::new();
        self.commit.match_keys_removed = keys;
    }

    /// Whether the lead is new in this change: nothing of it is stored.
    pub fn is_new(&self) -> bool {
        self.expect == Precondition::Absent
    }

    fn next_seq(&mut self) -> u64 {
        let seq = self.record.next_seq;
        self.record.next_seq += 1;
        seq
    }

    /// Appends an activity.
    pub fn activity(&mut self, activity: Activity) {
        let seq = self.next_seq();
        self.commit.activities.push((seq, activity));
    }

    /// Activities added by this change, oldest first.
    pub fn new_activities(&self) -> impl Iterator<Item = &Activity> {
        self.commit.activities.iter().map(|(_, activity)| activity)
    }

    /// Appends a host event.
    pub fn event(&mut self, kind: EventKind) {
        let seq = self.next_seq();
        self.commit.events.push((seq, Event { at: self.now, kind }));
    }

    /// Appends a decision; returns its sequence number.
    pub fn decision(&mut self, decision: Decision) -> u64 {
        let seq = self.next_seq();
        self.commit.decisions.push((seq, decision));
        seq
    }

    /// Notes on this change's latest routing decision the roster its
    /// candidates were narrowed from.
    pub fn narrowed(&mut self, narrowed: Option<Narrowed>) {
        if let Some((_, decision)) = self.commit.decisions.last_mut()
            && decision.slot == crate::runtime::Slot::RoutingPolicy
            && let Some(view) = &mut decision.routing
        {
            view.narrowed = narrowed;
        }
    }

    /// A shadow call to make once the change is applied.
    pub(crate) fn shadow(&mut self, call: crate::shadow::ShadowCall) {
        self.shadows.push(call);
    }

    /// The shadow calls this change asked for.
    pub(crate) fn take_shadows(&mut self) -> Vec<crate::shadow::ShadowCall> {
        std::mem::take(&mut self.shadows)
    }

    /// Keeps the input of one of this change's decisions (stored once per
    /// digest).
    pub fn input(&mut self, input: RecordedInput) {
        if !self
            .commit
            .inputs
            .iter()
            .any(|kept| kept.digest == input.digest)
        {
            self.commit.inputs.push(input);
        }
    }

    /// Moves the lead to `to`, recording why; refused if the lifecycle forbids it.
    pub fn move_to(&mut self, to: LeadStage, cause: &str) -> Result<(), IllegalTransition> {
        let from = self.record.stage.kind();
        lifecycle::check(self.record.id(), from, to.kind())?;
        if from != to.kind() {
            self.record.path.push(StageEntry {
                stage: to.kind(),
                at: self.now,
            });
        }
        if to.kind() != StageKind::Assigned {
            // The SLA clock runs only while a rep holds the lead unaccepted.
            self.record.accept_by = None;
        }
        let from = std::mem::replace(&mut self.record.stage, to.clone());
        self.event(EventKind::Moved {
            from,
            to,
            cause: cause.to_string(),
        });
        Ok(())
    }

    /// Sets (or clears) when the nurture track wants the lead again.
    pub fn wake_at(&mut self, at: Option<Time>) {
        self.record.wake_at = at;
    }

    /// Queues a message for the outside world.
    /// Records a call task with the change.
    pub fn call_task(&mut self, task: CallTask) {
        self.commit.call_tasks.push(task);
    }

    pub fn outbox(&mut self, kind: OutboxKind) {
        self.commit.outbox.push(OutboxMessage {
            org: self.record.org.clone(),
            lead: self.record.id().to_string(),
            at: self.now,
            kind,
        });
    }

    /// Records an assignment, the rep's new load (`rep`, changed from
    /// `read`) and the account's owner; `unowned`: routing read no owner
    /// for the account (another host's owner written since fails the
    /// commit, see [`crate::store::Commit::account_unowned`]).
    pub fn assign(&mut self, read: &Rep, rep: Rep, decision_seq: u64, unowned: bool) {
        self.commit.assignment = Some(Assignment {
            lead: self.record.id().to_string(),
            rep: rep.id.clone(),
            at: self.now,
            decision_seq,
        });
        if let Some(domain) = super::validate::account_domain(&self.record.lead) {
            self.commit.account = Some((domain.to_string(), rep.id.clone()));
            self.commit.account_unowned = unowned;
        }
        self.rep(read, rep);
    }

    /// Writes a rep's changed record (load, last assignment), on the
    /// condition that the store still holds it as `read` (the first read,
    /// if the change writes the rep twice): another host's change to that
    /// rep fails this commit instead of being overwritten.
    pub fn rep(&mut self, read: &Rep, rep: Rep) {
        if !self
            .commit
            .expect_reps
            .iter()
            .any(|known| known.id == read.id)
        {
            self.commit.expect_reps.push(read.clone());
        }
        self.commit.reps.retain(|known| known.id != rep.id);
        self.commit.reps.push(rep);
    }

    /// Keeps the org's routing lock until the change is committed.
    pub fn hold_routing(&mut self, guard: Held) {
        self.routing.get_or_insert(guard);
    }

    /// Whether the change already holds the org's routing lock.
    pub fn holds_routing(&self) -> bool {
        self.routing.is_some()
    }

    /// The commit to apply, and the routing lock to release once it is applied.
    pub fn finish(mut self) -> (Commit, Option<Held>) {
        self.record.updated_at = self.now;
        let wakes = self.record.wake_ups();
        let (stored, wanted) = (&self.stored_wakes, &wakes);
        self.commit.unschedule = stored
            .iter()
            .filter(|at| !wanted.contains(at))
            .copied()
            .collect();
        self.commit.schedule = wanted
            .iter()
            .filter(|at| !stored.contains(at))
            .copied()
            .collect();
        self.record.revision = match self.expect {
            Precondition::Absent => 0,
            Precondition::Revision(revision) => revision + 1,
        };
        self.commit.expect = Some(self.expect);
        self.commit.lead = Some(self.record);
        (self.commit, self.routing)
    }
}
