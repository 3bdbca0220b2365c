//! Recorded inputs: kept by digest under their org, stored once, read back
//! after a restart, and expired by age alone.

use leadhost_model::Slot;

use super::{Harness, at, create, record};
use crate::{Commit, InputStore, RecordedInput, Store};

fn input(org: &str, digest: &str, when: &str, json: &str) -> RecordedInput {
    RecordedInput {
        org: org.into(),
        digest: digest.into(),
        slot: Slot::LeadDefinition,
        at: at(when),
        json: json.as_bytes().to_vec(),
    }
}

/// A commit's inputs read back by digest in their own org only, an
/// identical one committed again changes nothing, a restart keeps them, and
/// the retention sweep removes exactly those called before its cut-off.
pub fn inputs_are_kept_per_org_by_digest_and_expire_by_age(harness: &mut impl Harness) {
    let store = harness.fresh();
    let old = input("acme", "d-old", "2026-01-05T09:00:00Z", r#"{"now":"old"}"#);
    let new = input("acme", "d-new", "2026-11-24T09:00:00Z", r#"{"now":"new"}"#);
    store
        .commit(Commit {
            inputs: vec![old.clone(), new.clone()],
            ..create(record("acme", "ld-1", None))
        })
        .unwrap();
    assert_eq!(store.input("acme", "d-old").unwrap(), Some(old.clone()));
    assert_eq!(store.input("acme", "d-new").unwrap(), Some(new.clone()));
    assert_eq!(
        store.input("acme-2", "d-old").unwrap(),
        None,
        "another org's"
    );
    assert_eq!(store.input("acme", "d-none").unwrap(), None);

    // The same input from another lead's call: one value, unchanged.
    store
        .commit(Commit {
            inputs: vec![old.clone()],
            ..create(record("acme", "ld-2", None))
        })
        .unwrap();
    let store = harness.reopen(store);
    assert_eq!(store.input("acme", "d-old").unwrap(), Some(old));

    assert_eq!(store.expire_inputs(at("2026-06-01T00:00:00Z")).unwrap(), 1);
    assert_eq!(store.input("acme", "d-old").unwrap(), None);
    assert_eq!(store.input("acme", "d-new").unwrap(), Some(new));
    assert_eq!(store.expire_inputs(at("2026-06-01T00:00:00Z")).unwrap(), 0);
    // The decisions' leads are untouched by the sweep.
    assert!(store.lead("acme", "ld-1").unwrap().is_some());
}
