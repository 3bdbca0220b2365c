//! Commit preconditions: a commit that expects a lead to be new, or at a
//! revision, applies only if it still is, and otherwise writes nothing.

use super::{Harness, at, create, record};
use crate::{Commit, Event, EventKind, Precondition, Store, StoreError};

fn event(second: u32) -> Event {
    Event {
        at: at(&format!("2026-11-24T09:00:{second:02}Z")),
        kind: EventKind::Created { via: "test".into() },
    }
}

/// A commit that expects what the store holds applies; one that expects a
/// record that is not there, an absent record that is, or an old revision
/// is a conflict naming what it expected and found, and writes nothing.
pub fn a_commit_applies_only_while_its_precondition_holds(harness: &mut impl Harness) {
    let store = harness.fresh();
    let mut lead = record("acme", "ld-1", None);
    let missing = store.commit(Commit {
        lead: Some(lead.clone()),
        expect: Some(Precondition::Revision(0)),
        ..Commit::default()
    });
    assert!(
        matches!(
            missing,
            Err(StoreError::Conflict {
                found: None,
                expected: Precondition::Revision(0),
                ..
            })
        ),
        "{missing:?}"
    );
    assert_eq!(store.lead("acme", "ld-1").expect("read"), None);

    let mut first = create(lead.clone());
    first.expect = Some(Precondition::Absent);
    store.commit(first).expect("a new lead applies");

    let mut again = create(lead.clone());
    again.expect = Some(Precondition::Absent);
    again.events = vec![(0, event(1))];
    let taken = store.commit(again);
    assert!(
        matches!(taken, Err(StoreError::Conflict { found: Some(0), .. })),
        "{taken:?}"
    );

    lead.revision = 1;
    lead.lead.company = Some("Kranwerk".into());
    store
        .commit(Commit {
            lead: Some(lead.clone()),
            events: vec![(0, event(2))],
            expect: Some(Precondition::Revision(0)),
            ..Commit::default()
        })
        .expect("the revision it expected");

    let mut stale = lead.clone();
    stale.revision = 1;
    stale.lead.company = Some("Stale GmbH".into());
    let lost = store.commit(Commit {
        lead: Some(stale),
        events: vec![(1, event(3))],
        expect: Some(Precondition::Revision(0)),
        ..Commit::default()
    });
    assert!(
        matches!(
            lost,
            Err(StoreError::Conflict {
                found: Some(1),
                expected: Precondition::Revision(0),
                ..
            })
        ),
        "{lost:?}"
    );
    let stored = store.lead("acme", "ld-1").expect("read").expect("stored");
    assert_eq!(stored.lead.company.as_deref(), Some("Kranwerk"));
    assert_eq!(stored.revision, 1);
    let timeline = store.timeline("acme", "ld-1").expect("timeline");
    assert_eq!(
        timeline.len(),
        1,
        "only the event of the commit that applied: {timeline:?}"
    );
}
