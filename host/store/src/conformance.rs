//! The `Store` conformance suite: what every backend must do, written once
//! against the trait. A backend proves itself by running every check on
//! its own [`Harness`] with [`store_conformance!`](crate::store_conformance):
//!
//! ```ignore
//! leadhost_store::store_conformance!(SledHarness::default());
//! ```
//!
//! The checks cover each operation, the atomicity of a [`Commit`], the
//! order of due wake-ups and of lead cursors, per-org lead numbering (also
//! under concurrency and across a restart), tenancy (an org whose id is a
//! prefix of another's sees only its own), concurrent commits, and that what
//! a commit acknowledged is there after a restart, that a commit's
//! precondition is checked with its writes (also by racing threads on one
//! lead), the outbox's retries, dead letters, replays and call tasks, and
//! the recorded inputs (per org, once per digest, expired by age) and
//! shadow decisions (per org and slot, newest first), and that each lead's
//! summary is its stored record's.

use std::ops::ControlFlow;

mod campaigns;
mod contention;
pub mod copy;
mod inputs;
mod lookups;
mod outbox;
mod plugin_versions;
mod preconditions;
mod recent;
mod shadows;
mod summaries;

pub use campaigns::{a_campaign_is_written_only_as_read, campaigns_are_kept_per_org_by_id};
pub use contention::same_lead_writers_serialise_by_revision;
pub use inputs::inputs_are_kept_per_org_by_digest_and_expire_by_age;
pub use lookups::{
    an_email_finds_its_lead_or_numbers_a_new_one, blocking_keys_find_an_orgs_newest_leads,
    routing_reads_the_reps_and_the_account_owner,
};
pub use outbox::{
    an_outbox_message_is_retried_buried_and_replayed, call_tasks_change_in_place_per_org,
    messages_done_with_together_leave_together,
};
pub use plugin_versions::{
    plugin_files_and_history_marks_are_shared_only_by_a_shared_store,
    plugin_versions_read_back_oldest_first_and_take_an_impact,
};
pub use preconditions::{
    a_commit_applies_only_while_its_precondition_holds,
    a_reps_load_changes_only_from_what_its_writer_read,
};
pub use recent::a_slots_latest_decisions_come_newest_first;
pub use shadows::shadow_decisions_read_back_newest_first_per_org_and_slot;
pub use summaries::lead_summaries_follow_their_records;

use leadhost_model::{Activity, Lead, Rep, Time};

use crate::{
    Assignment, CallTask, Commit, Event, EventKind, LeadRecord, OrgRecord, OutboxKind,
    OutboxMessage, OutboxStore, Store, TimelineItem,
};

/// How a backend under test makes stores.
pub trait Harness {
    /// The backend.
    type Store: Store;
    /// A new, empty store.
    fn fresh(&mut self) -> Self::Store;
    /// The data of `store` through a new handle, `store` dropped first (a
    /// restart of the process).
    fn reopen(&mut self, store: Self::Store) -> Self::Store;
}

/// Runs the whole suite as one `#[test]` per check, on the harness the
/// expression makes (once per test).
#[macro_export]
macro_rules! store_conformance {
    ($harness:expr) => {
        $crate::store_conformance!(@tests $harness;
            a_commit_lands_whole_and_reads_back,
            leads_stay_in_their_org,
            wake_ups_come_due_in_time_order,
            leads_page_in_id_order_from_a_cursor,
            lead_ids_count_per_org_under_concurrency_and_restart,
            concurrent_commits_all_land,
            what_a_commit_acknowledged_survives_a_restart,
            orgs_tokens_and_reps_read_back,
            campaigns_are_kept_per_org_by_id,
            blocking_keys_find_an_orgs_newest_leads,
            a_campaign_is_written_only_as_read,
            plugin_versions_read_back_oldest_first_and_take_an_impact,
            plugin_files_and_history_marks_are_shared_only_by_a_shared_store,
            a_commit_applies_only_while_its_precondition_holds,
            an_email_finds_its_lead_or_numbers_a_new_one,
            routing_reads_the_reps_and_the_account_owner,
            a_reps_load_changes_only_from_what_its_writer_read,
            same_lead_writers_serialise_by_revision,
            an_outbox_message_is_retried_buried_and_replayed,
            messages_done_with_together_leave_together,
            call_tasks_change_in_place_per_org,
            inputs_are_kept_per_org_by_digest_and_expire_by_age,
            shadow_decisions_read_back_newest_first_per_org_and_slot,
            a_slots_latest_decisions_come_newest_first,
            lead_summaries_follow_their_records,
        );
    };
    (@tests $harness:expr; $($check:ident),* $(,)?) => {$(
        #[test]
        fn $check() {
            $crate::conformance::$check(&mut $harness);
        }
    )*};
}

fn at(text: &str) -> Time {
    text.parse().expect("a test time")
}

/// A lead record of `org` with the id `id`, waking at `wake`.
fn record(org: &str, id: &str, wake: Option<Time>) -> LeadRecord {
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": id, "email": format!("{id}@{org}.example"), "created_at": "2026-11-24T09:00:00Z"
    }))
    .expect("a test lead");
    let mut record = LeadRecord::new(org, lead, at("2026-11-24T09:00:00Z"));
    record.wake_at = wake;
    record
}

/// A commit creating `record` (indexing its e-mail, scheduling its wake-up).
fn create(record: LeadRecord) -> Commit {
    Commit {
        email: Some((record.lead.email.clone(), record.id().to_string())),
        schedule: record.wake_at.into_iter().collect(),
        lead: Some(record),
        ..Commit::default()
    }
}

fn ids(store: &impl Store, org: &str, after: Option<&str>, take: usize) -> Vec<String> {
    let mut seen = Vec::new();
    store
        .scan_leads_after(org, after, &mut |record| {
            seen.push(record.id().to_string());
            if seen.len() == take {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .expect("scan");
    seen
}

fn rep(id: &str, open_leads: u32) -> Rep {
    serde_json::from_value(serde_json::json!({
        "id": id, "capacity": 10, "open_leads": open_leads
    }))
    .expect("a test rep")
}

/// Every part of a commit is readable after it, each where it belongs.
pub fn a_commit_lands_whole_and_reads_back(harness: &mut impl Harness) {
    let store = harness.fresh();
    let wake = at("2026-11-25T09:00:00Z");
    let lead = record("acme", "ld-1", Some(wake));
    let activity: Activity = serde_json::from_value(serde_json::json!({
        "kind": "page-visit", "at": "2026-11-24T09:00:00Z", "detail": "/pricing"
    }))
    .expect("a test activity");
    let event = Event {
        at: at("2026-11-24T09:00:01Z"),
        kind: EventKind::Created { via: "api".into() },
    };
    let message = OutboxMessage {
        org: "acme".into(),
        lead: "ld-1".into(),
        at: at("2026-11-24T09:00:02Z"),
        kind: OutboxKind::LeadAssigned {
            rep: "ana".into(),
            rep_display_name: None,
            rep_email: None,
        },
    };
    let task = CallTask {
        id: "call-1".into(),
        lead: "ld-1".into(),
        assignee: Some("ana".into()),
        reason: "asked for a demo".into(),
        at: at("2026-11-24T09:00:03Z"),
        done_at: None,
    };
    store
        .commit(Commit {
            activities: vec![(1, activity.clone())],
            events: vec![(2, event.clone())],
            assignment: Some(Assignment {
                lead: "ld-1".into(),
                rep: "ana".into(),
                at: at("2026-11-24T09:00:02Z"),
                decision_seq: 2,
            }),
            account: Some(("acme.example".into(), "ana".into())),
            reps: vec![rep("ana", 1)],
            outbox: vec![message.clone()],
            call_tasks: vec![task.clone()],
            ..create(lead.clone())
        })
        .expect("commit");
    assert_eq!(store.lead("acme", "ld-1").unwrap(), Some(lead));
    assert_eq!(
        store
            .lead_by_email("acme", "ld-1@acme.example")
            .unwrap()
            .as_deref(),
        Some("ld-1")
    );
    assert_eq!(store.activities("acme", "ld-1").unwrap(), [activity]);
    let timeline = store.timeline("acme", "ld-1").unwrap();
    let seqs: Vec<u64> = timeline.iter().map(|entry| entry.seq).collect();
    assert_eq!(seqs, [1, 2], "the timeline in sequence order");
    assert!(matches!(&timeline[1].item, TimelineItem::Event(found) if *found == event));
    assert_eq!(
        store.assignment("acme", "ld-1").unwrap().unwrap().rep,
        "ana"
    );
    assert_eq!(
        store
            .account_owner("acme", "acme.example")
            .unwrap()
            .as_deref(),
        Some("ana")
    );
    assert_eq!(store.reps("acme").unwrap()[0].open_leads, 1);
    assert_eq!(store.outbox(10).unwrap(), [message]);
    assert_eq!(store.call_tasks("acme").unwrap(), [task]);
    let due = store.due_in("acme", wake, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].at, due[0].lead.as_str()), (wake, "ld-1"));
}

/// An org whose id is a prefix of another's sees only its own leads.
pub fn leads_stay_in_their_org(harness: &mut impl Harness) {
    let store = harness.fresh();
    let wake = Some(at("2026-11-25T09:00:00Z"));
    store.commit(create(record("acme", "ld-1", wake))).unwrap();
    store
        .commit(create(record("acme-2", "ld-1", wake)))
        .unwrap();
    store
        .commit(create(record("acme-2", "ld-2", wake)))
        .unwrap();
    assert_eq!(ids(&store, "acme", None, usize::MAX), ["ld-1"]);
    assert_eq!(store.lead("acme", "ld-2").unwrap(), None);
    assert_eq!(store.lead("other", "ld-1").unwrap(), None);
    assert_eq!(
        store.lead_by_email("acme", "ld-2@acme-2.example").unwrap(),
        None
    );
    assert_eq!(
        store
            .due_in("acme", at("2030-01-01T00:00:00Z"), 10)
            .unwrap()
            .len(),
        1
    );
}

/// Due wake-ups come oldest first, across orgs and within one; the limit
/// holds; an unscheduled wake-up is gone.
pub fn wake_ups_come_due_in_time_order(harness: &mut impl Harness) {
    let store = harness.fresh();
    let (early, middle, late) = (
        at("2026-11-24T10:00:00Z"),
        at("2026-11-25T09:00:00Z"),
        at("2026-11-26T09:00:00Z"),
    );
    store
        .commit(create(record("zeta", "ld-1", Some(middle))))
        .unwrap();
    store
        .commit(create(record("acme", "ld-2", Some(late))))
        .unwrap();
    store
        .commit(create(record("acme", "ld-3", Some(early))))
        .unwrap();
    let due = store.due(middle, 10).unwrap();
    let found: Vec<_> = due
        .iter()
        .map(|due| (due.org.as_str(), due.lead.as_str()))
        .collect();
    assert_eq!(found, [("acme", "ld-3"), ("zeta", "ld-1")]);
    assert_eq!(store.due(late, 1).unwrap().len(), 1, "the limit holds");
    let acme: Vec<_> = store.due_in("acme", late, 10).unwrap();
    let order: Vec<_> = acme.iter().map(|due| due.lead.as_str()).collect();
    assert_eq!(order, ["ld-3", "ld-2"]);

    let mut moved = record("acme", "ld-3", None);
    moved.wake_at = None;
    store
        .commit(Commit {
            lead: Some(moved),
            unschedule: vec![early],
            ..Commit::default()
        })
        .unwrap();
    assert!(
        store.due_in("acme", middle, 10).unwrap().is_empty(),
        "unscheduled"
    );
}

/// A scan from a cursor starts after it, in id order, and stops when told.
pub fn leads_page_in_id_order_from_a_cursor(harness: &mut impl Harness) {
    let store = harness.fresh();
    let mut made = Vec::new();
    for _ in 0..12 {
        let id = store.new_lead_id("acme").unwrap();
        store.commit(create(record("acme", &id, None))).unwrap();
        made.push(id);
    }
    let first = ids(&store, "acme", None, 5);
    assert_eq!(first, made[..5]);
    let next = ids(&store, "acme", Some(&first[4]), 5);
    assert_eq!(next, made[5..10]);
    let rest = ids(&store, "acme", Some(&next[4]), 5);
    assert_eq!(rest, made[10..]);
}

/// Lead ids are per org, unique when handed out from many threads at once,
/// sort in the order handed out, and never repeat a stored lead's after a
/// restart.
pub fn lead_ids_count_per_org_under_concurrency_and_restart(harness: &mut impl Harness) {
    let store = harness.fresh();
    let handed: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..50)
                        .map(|_| store.new_lead_id("acme").unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect()
    });
    let mut unique = handed;
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 200, "no id handed out twice");
    let other = store.new_lead_id("other").unwrap();
    assert_eq!(other, unique[0], "each org counts from its own start");
    for id in &unique {
        store.commit(create(record("acme", id, None))).unwrap();
    }
    let last = unique.last().unwrap().clone();
    let store = harness.reopen(store);
    let after = store.new_lead_id("acme").unwrap();
    assert!(
        after > last,
        "`{after}` sorts after `{last}`, also after a restart"
    );
}

/// Commits to many leads from many threads all land, each whole.
pub fn concurrent_commits_all_land(harness: &mut impl Harness) {
    let store = harness.fresh();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let store = &store;
            scope.spawn(move || {
                for n in 0..25 {
                    let id = format!("ld-{thread}-{n:02}");
                    store.commit(create(record("acme", &id, None))).unwrap();
                }
            });
        }
    });
    let all = ids(&store, "acme", None, usize::MAX);
    assert_eq!(all.len(), 100);
    for id in &all {
        let email = format!("{id}@acme.example");
        assert_eq!(
            store.lead_by_email("acme", &email).unwrap().as_deref(),
            Some(id.as_str())
        );
    }
}

/// A commit that returned is there after a restart, with its whole
/// timeline; so is one waited for through [`Store::apply`] and
/// [`Store::wait_durable`].
pub fn what_a_commit_acknowledged_survives_a_restart(harness: &mut impl Harness) {
    let store = harness.fresh();
    store.commit(create(record("acme", "ld-1", None))).unwrap();
    let applied = store.apply(create(record("acme", "ld-2", None))).unwrap();
    store.wait_durable(applied).unwrap();
    let store = harness.reopen(store);
    assert!(store.lead("acme", "ld-1").unwrap().is_some());
    assert!(store.lead("acme", "ld-2").unwrap().is_some());
    assert_eq!(ids(&store, "acme", None, usize::MAX), ["ld-1", "ld-2"]);
}

/// Orgs, tokens and reps read back as written.
pub fn orgs_tokens_and_reps_read_back(harness: &mut impl Harness) {
    let store = harness.fresh();
    let org = OrgRecord {
        id: "acme".into(),
        name: "Acme".into(),
        created_at: at("2026-11-24T09:00:00Z"),
    };
    store.put_org(&org).unwrap();
    assert_eq!(store.org("acme").unwrap(), Some(org.clone()));
    assert_eq!(store.orgs().unwrap(), [org]);
    store.put_rep("acme", &rep("ben", 0)).unwrap();
    store.put_rep("acme", &rep("ana", 2)).unwrap();
    let reps: Vec<_> = store
        .reps("acme")
        .unwrap()
        .into_iter()
        .map(|rep| rep.id)
        .collect();
    assert_eq!(reps, ["ana", "ben"], "by id");
    assert!(store.reps("acme-2").unwrap().is_empty());
    let token = crate::TokenRecord {
        id: "tok-1".into(),
        org: Some("acme".into()),
        created_at: at("2026-11-24T09:00:00Z"),
        revoked_at: None,
    };
    store.put_token("hash-1", &token).unwrap();
    assert_eq!(store.token("hash-1").unwrap(), Some(token.clone()));
    assert_eq!(store.tokens().unwrap(), [("hash-1".to_string(), token)]);
    assert_eq!(store.token("hash-2").unwrap(), None);
}
