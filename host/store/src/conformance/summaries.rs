//! Lead summaries: one per lead, always the summary of the record as
//! stored, per org, in id order from a cursor, across a restart.

use std::ops::ControlFlow;

use super::{Harness, create, record};
use crate::{Commit, LeadStage, LeadSummary, Precondition, StageEntry, StageKind, Store};

fn summaries(store: &impl Store, org: &str, after: Option<&str>) -> Vec<LeadSummary> {
    let mut seen = Vec::new();
    store
        .scan_lead_summaries_after(org, after, &mut |summary| {
            seen.push(summary);
            ControlFlow::Continue(())
        })
        .expect("scan summaries");
    seen
}

fn expected(store: &impl Store, org: &str) -> Vec<LeadSummary> {
    let mut records = Vec::new();
    store
        .scan_leads(org, &mut |record| {
            records.push(LeadSummary::of(&record));
            ControlFlow::Continue(())
        })
        .expect("scan leads");
    records
}

/// Each lead's summary follows its record through every commit; an org
/// whose id is a prefix of another's sees only its own; the cursor skips
/// what came before; a restart keeps them.
pub fn lead_summaries_follow_their_records(harness: &mut impl Harness) {
    let store = harness.fresh();
    for (org, id) in [("acme", "ld-1"), ("acme", "ld-2"), ("acme-2", "ld-1")] {
        store.commit(create(record(org, id, None))).expect("create");
    }
    let mut moved = store.lead("acme", "ld-1").expect("read").expect("stored");
    moved.stage = LeadStage::Lost {
        rep: "r1".into(),
        reason: "price".into(),
    };
    moved.owner = Some("r1".into());
    moved.path.push(StageEntry {
        stage: StageKind::Lost,
        at: moved.lead.created_at + chrono::Duration::hours(3),
    });
    moved.revision += 1;
    store
        .commit(Commit {
            expect: Some(Precondition::Revision(moved.revision - 1)),
            lead: Some(moved),
            ..Commit::default()
        })
        .expect("update");

    let acme = summaries(&store, "acme", None);
    assert_eq!(
        acme,
        expected(&store, "acme"),
        "each the summary of its record"
    );
    assert_eq!(acme.len(), 2, "another org's lead shows nowhere");
    assert_eq!(acme[0].stage.kind(), StageKind::Lost, "the update is seen");
    assert!(acme[0].reached(StageKind::Lost));
    assert_eq!(acme[0].owner.as_deref(), Some("r1"));
    let after: Vec<_> = summaries(&store, "acme", Some("ld-1"))
        .into_iter()
        .map(|summary| summary.id)
        .collect();
    assert_eq!(after, ["ld-2"]);
    assert_eq!(summaries(&store, "acme-2", None).len(), 1);

    let store = harness.reopen(store);
    assert_eq!(
        summaries(&store, "acme", None),
        acme,
        "kept across a restart"
    );
}
