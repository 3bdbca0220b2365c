//! An account's owner when two hosts route leads of one company at once.

use crate::PostgresStore;
use leadhost_model::Lead;
use leadhost_store::{Commit, LeadRecord, Precondition, Store, StoreError};

fn created(id: &str, rep: &str, unowned: bool) -> Commit {
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": id, "email": format!("{id}@kranwerk.example"), "created_at": "2026-12-02T09:00:00Z"
    }))
    .unwrap();
    Commit {
        lead: Some(LeadRecord::new(
            "acme",
            lead,
            "2026-12-02T09:00:00Z".parse().unwrap(),
        )),
        expect: Some(Precondition::Absent),
        account: Some(("kranwerk.example".into(), rep.into())),
        account_unowned: unowned,
        ..Commit::default()
    }
}

/// Two hosts each read no owner for one company and route its leads to
/// two reps: the second commit fails as a lost race (the engine runs it
/// again and then sees the owner), writing nothing; a writer that read
/// the owner may hand the account on.
#[test]
fn an_account_read_as_unowned_gets_one_owner() {
    let store = PostgresStore::open(&crate::test_server::database()).unwrap();
    store.commit(created("ld-0000000001", "ana", true)).unwrap();
    let lost = store.commit(created("ld-0000000002", "ben", true));
    assert!(matches!(lost, Err(StoreError::Conflict { .. })), "{lost:?}");
    assert_eq!(store.lead("acme", "ld-0000000002").unwrap(), None);
    assert_eq!(
        store
            .account_owner("acme", "kranwerk.example")
            .unwrap()
            .as_deref(),
        Some("ana")
    );
    store
        .commit(created("ld-0000000003", "ben", false))
        .unwrap();
    assert_eq!(
        store
            .account_owner("acme", "kranwerk.example")
            .unwrap()
            .as_deref(),
        Some("ben")
    );
}
