//! Recorded inputs: kept by digest under their org, stored once, the lead's
//! activities spliced back in whole, read back after a restart, and
//! expired by age alone.

use leadhost_model::{Activity, Slot};

use super::{Harness, at, create, record};
use crate::{Commit, InputStore, RecordedInput, Spliced, Store};

fn digest(json: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json))
}

/// An input of `lead` at `when` holding `activities` (the lead's first
/// ones) between a head and a tail.
pub(super) fn input(org: &str, lead: &str, when: &str, activities: &[Activity]) -> RecordedInput {
    let head = format!(r#"{{"lead":{{"id":"{lead}"}},"activities":"#);
    let array = serde_json::to_vec(activities).unwrap();
    let mut json = head.as_bytes().to_vec();
    json.extend_from_slice(&array);
    json.extend_from_slice(format!(r#","now":"{when}"}}"#).as_bytes());
    RecordedInput {
        org: org.into(),
        digest: digest(&json),
        slot: Slot::LeadDefinition,
        at: at(when),
        lead: lead.into(),
        activities: (!activities.is_empty()).then_some(Spliced {
            start: head.len(),
            end: head.len() + array.len(),
            count: activities.len(),
        }),
        json,
    }
}

pub(super) fn activity(kind: &str, minute: u32) -> Activity {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "at": format!("2026-11-24T09:{minute:02}:00Z"), "detail": "pricing"
    }))
    .unwrap()
}

/// A commit's inputs read back by digest in their own org only, whole (the
/// lead's activities spliced back in) or in outline (their count in their
/// place); an identical one committed again changes nothing; a restart
/// keeps them; the retention sweep removes exactly those called before its
/// cut-off.
pub fn inputs_are_kept_per_org_by_digest_and_expire_by_age(harness: &mut impl Harness) {
    let store = harness.fresh();
    let first = activity("webinar", 1);
    let old = input("acme", "ld-1", "2026-01-05T09:00:00Z", &[]);
    let new = input(
        "acme",
        "ld-1",
        "2026-11-24T09:00:00Z",
        std::slice::from_ref(&first),
    );
    store
        .commit(Commit {
            activities: vec![(1, first.clone())],
            inputs: vec![old.clone(), new.clone()],
            ..create(record("acme", "ld-1", None))
        })
        .unwrap();
    assert_eq!(store.input("acme", &old.digest).unwrap(), Some(old.clone()));
    assert_eq!(store.input("acme", &new.digest).unwrap(), Some(new.clone()));
    let outline = store.outline("acme", &new.digest).unwrap().unwrap();
    assert!(
        String::from_utf8_lossy(&outline.json).contains(r#""activities":1,"#),
        "{}",
        String::from_utf8_lossy(&outline.json)
    );
    assert_eq!(
        store.input("acme-2", &old.digest).unwrap(),
        None,
        "another org's"
    );
    assert_eq!(store.input("acme", "d-none").unwrap(), None);

    // Later activities of the lead do not change what the input held.
    let mut later = record("acme", "ld-1", None);
    later.revision = 1;
    store
        .commit(Commit {
            lead: Some(later),
            activities: vec![(2, activity("meeting", 2))],
            inputs: vec![old.clone()],
            ..Commit::default()
        })
        .unwrap();
    let store = harness.reopen(store);
    assert_eq!(store.input("acme", &new.digest).unwrap(), Some(new.clone()));
    assert_eq!(store.input("acme", &old.digest).unwrap(), Some(old.clone()));

    assert_eq!(store.expire_inputs(at("2026-06-01T00:00:00Z")).unwrap(), 1);
    assert_eq!(store.input("acme", &old.digest).unwrap(), None);
    assert_eq!(store.input("acme", &new.digest).unwrap(), Some(new));
    assert_eq!(store.expire_inputs(at("2026-06-01T00:00:00Z")).unwrap(), 0);
    // The decisions' leads are untouched by the sweep.
    assert!(store.lead("acme", "ld-1").unwrap().is_some());
}
