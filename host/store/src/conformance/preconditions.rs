//! Commit preconditions: a commit that expects a lead to be new, or at a
//! revision, applies only if it still is, and otherwise writes nothing.

use super::{Harness, at, create, record};
use crate::{Commit, Event, EventKind, Precondition, Store, StoreError};

pub(super) fn event(second: u32) -> Event {
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

/// A commit that writes a rep's load on the condition that the rep is
/// stored as its writer read it applies while it is; once another write
/// changed the rep (another host's assignment), it fails naming the rep
/// and writes nothing — neither the rep nor its lead.
pub fn a_reps_load_changes_only_from_what_its_writer_read(harness: &mut impl Harness) {
    let store = harness.fresh();
    let read = super::rep("ana", 2);
    store.put_rep("acme", &read).expect("put rep");
    let assign = |lead: &str, open_leads: u32| {
        let mut commit = create(record("acme", lead, None));
        commit.reps = vec![super::rep("ana", open_leads)];
        commit.expect_reps = vec![read.clone()];
        commit
    };
    store.commit(assign("ld-1", 3)).expect("the rep as read");
    let stored = |store: &dyn Store| store.reps("acme").expect("reps");
    assert_eq!(stored(&store), [super::rep("ana", 3)]);

    let lost = store.commit(assign("ld-2", 3));
    assert!(
        matches!(&lost, Err(StoreError::RepChanged { org, rep }) if org == "acme" && rep == "ana"),
        "{lost:?}"
    );
    assert_eq!(
        store.lead("acme", "ld-2").expect("read"),
        None,
        "nothing written"
    );
    assert_eq!(stored(&store), [super::rep("ana", 3)]);

    let mut unknown = create(record("acme", "ld-3", None));
    unknown.expect_reps = vec![super::rep("bea", 0)];
    assert!(
        matches!(store.commit(unknown), Err(StoreError::RepChanged { .. })),
        "a rep that is not stored is not as read"
    );
}
