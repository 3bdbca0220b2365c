//! The outbox after a commit: a message is due until delivered, waits out
//! a retry, is buried into its org's dead letters and replayed from there;
//! call tasks change in place, each org seeing only its own.

use super::{Harness, at, create, record};
use crate::{
    Attempts, CallTask, Commit, DeadLetter, OutboxKind, OutboxMessage, OutboxStore, Store,
};

pub(super) fn message(org: &str, lead: &str, second: u32) -> OutboxMessage {
    OutboxMessage {
        org: org.into(),
        lead: lead.into(),
        at: at(&format!("2026-11-24T09:00:{second:02}Z")),
        kind: OutboxKind::LeadAssigned {
            rep: "ana".into(),
            rep_display_name: None,
            rep_email: None,
        },
    }
}

/// Commits `messages` for `org`'s lead `lead` (created with them).
fn send(store: &impl Store, org: &str, lead: &str, messages: Vec<OutboxMessage>) {
    let mut commit = create(record(org, lead, None));
    commit.outbox = messages;
    store.commit(commit).expect("commit");
}

/// A message is due at once and stays due until delivered; a failed
/// attempt hides it until its next time and is counted; a buried message
/// leaves the outbox for its own org's dead letters only, and a replay
/// puts it back, due at once with no attempts. Ids are the order written.
pub fn an_outbox_message_is_retried_buried_and_replayed(harness: &mut impl Harness) {
    let store = harness.fresh();
    send(
        &store,
        "acme",
        "ld-1",
        vec![message("acme", "ld-1", 1), message("acme", "ld-1", 2)],
    );
    send(&store, "acme-2", "ld-1", vec![message("acme-2", "ld-1", 3)]);
    let now = at("2026-11-24T10:00:00Z");
    let due = store.due_messages(now, 10).expect("due");
    assert_eq!(due.len(), 3, "{due:?}");
    assert!(
        due.windows(2).all(|pair| pair[0].id < pair[1].id),
        "{due:?}"
    );
    assert_eq!(due[0].message, message("acme", "ld-1", 1));
    assert_eq!((due[0].attempts, due[0].last_error.as_ref()), (0, None));
    assert_eq!(store.due_messages(now, 1).expect("due").len(), 1, "limit");

    let (first, second, other) = (due[0].id, due[1].id, due[2].id);
    let later = at("2026-11-24T10:05:00Z");
    let attempts = Attempts {
        attempts: 1,
        next_at: later,
        last_error: "503 from the webhook".into(),
    };
    store.retry_later(first, &attempts).expect("retry later");
    let ids = |when| -> Vec<u64> {
        let due = store.due_messages(when, 10).expect("due");
        due.iter().map(|pending| pending.id).collect()
    };
    assert_eq!(ids(now), [second, other], "waits out its retry");
    let retried = store.due_messages(later, 10).expect("due");
    assert_eq!(retried[0].id, first);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(
        retried[0].last_error.as_deref(),
        Some("503 from the webhook")
    );

    store.delivered(second).expect("delivered");
    assert_eq!(ids(later), [first, other]);

    let letter = DeadLetter {
        id: first,
        message: message("acme", "ld-1", 1),
        attempts: 8,
        last_error: "503 from the webhook".into(),
        dead_at: later,
    };
    store.bury(&letter).expect("bury");
    assert_eq!(ids(later), [other], "a buried message is not delivered");
    assert_eq!(store.dead_letters("acme").expect("letters"), [letter]);
    assert!(store.dead_letters("acme-2").expect("letters").is_empty());
    assert!(
        !store.replay("acme-2", first).expect("replay"),
        "not its letter"
    );
    assert!(!store.replay("acme", first + 1000).expect("replay"));

    assert!(store.replay("acme", first).expect("replay"));
    assert!(store.dead_letters("acme").expect("letters").is_empty());
    let replayed = store.due_messages(now, 10).expect("due");
    let again = replayed
        .iter()
        .find(|pending| pending.message == message("acme", "ld-1", 1))
        .expect("the replayed message is due at once");
    assert_eq!((again.attempts, again.last_error.as_ref()), (0, None));

    let store = harness.reopen(store);
    assert_eq!(
        store.due_messages(now, 10).expect("due").len(),
        2,
        "durable"
    );
}

/// Messages done with together leave the outbox together, a retry's
/// attempts with them; the others stay due; ids not there are passed over.
pub fn messages_done_with_together_leave_together(harness: &mut impl Harness) {
    let store = harness.fresh();
    let messages = (1..=4)
        .map(|second| message("acme", "ld-1", second))
        .collect();
    send(&store, "acme", "ld-1", messages);
    let now = at("2026-11-24T10:00:00Z");
    let due: Vec<u64> = store
        .due_messages(now, 10)
        .expect("due")
        .iter()
        .map(|pending| pending.id)
        .collect();
    assert_eq!(due.len(), 4);
    let attempts = Attempts {
        attempts: 1,
        next_at: now,
        last_error: "503 from the webhook".into(),
    };
    store.retry_later(due[2], &attempts).expect("retry later");
    store
        .delivered_all(&[due[0], due[2], due[3] + 100])
        .expect("delivered together");
    let left = store.due_messages(now, 10).expect("due");
    let left: Vec<(u64, u32)> = left.iter().map(|p| (p.id, p.attempts)).collect();
    assert_eq!(left, [(due[1], 0), (due[3], 0)]);
    store.delivered_all(&[]).expect("nothing to remove");
    let store = harness.reopen(store);
    assert_eq!(
        store.due_messages(now, 10).expect("due").len(),
        2,
        "durable"
    );
}

/// A call task committed with a lead reads back under its org only; one
/// put again under its id (marked done) replaces it, oldest first.
pub fn call_tasks_change_in_place_per_org(harness: &mut impl Harness) {
    let store = harness.fresh();
    let task = |id: &str, second: u32| CallTask {
        id: id.into(),
        lead: "ld-1".into(),
        assignee: Some("ana".into()),
        reason: "asked for a demo".into(),
        at: at(&format!("2026-11-24T09:00:{second:02}Z")),
        done_at: None,
    };
    store
        .commit(Commit {
            call_tasks: vec![task("call-1", 1), task("call-2", 2)],
            ..create(record("acme", "ld-1", None))
        })
        .expect("commit");
    assert_eq!(
        store.call_tasks("acme").expect("tasks"),
        [task("call-1", 1), task("call-2", 2)]
    );
    assert!(store.call_tasks("acme-2").expect("tasks").is_empty());
    assert!(store.call_tasks("acm").expect("tasks").is_empty());

    let mut done = task("call-1", 1);
    done.done_at = Some(at("2026-11-24T11:00:00Z"));
    store.put_call_task("acme", &done).expect("put");
    let store = harness.reopen(store);
    assert_eq!(
        store.call_tasks("acme").expect("tasks"),
        [done, task("call-2", 2)],
        "replaced in place, durable"
    );
}
