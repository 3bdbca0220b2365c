//! What taking a lead in costs the database in round trips, counted by
//! the store itself ([`PostgresStore::round_trips`]), and the slow path a
//! refused guard takes.

use crate::{PostgresStore, param};
use leadhost_model::{Lead, Rep};
use leadhost_store::codec::SCHEMA_VERSION;
use leadhost_store::{ByEmail, Commit, LeadRecord, Precondition, Store};

fn rep(open_leads: u32) -> Rep {
    serde_json::from_value(serde_json::json!({
        "id": "ana", "territories": ["DE"], "capacity": 100, "open_leads": open_leads
    }))
    .expect("a rep")
}

/// What the engine asks of the store to take in and route a new lead:
/// the e-mail's lead or a new id, the reps and the account's owner, then
/// the commit moving the rep's load on the condition that it is as read.
/// Answers the round trips it took.
fn take_in_and_route(store: &PostgresStore, email: &str) -> u64 {
    let before = store.round_trips();
    let ByEmail::New(id) = store
        .lead_by_email_or_new_id("acme", email)
        .expect("look up the e-mail")
    else {
        panic!("`{email}` is new");
    };
    let (reps, owner) = store
        .reps_and_account_owner("acme", Some("kranwerk.example"))
        .expect("routing reads");
    assert_eq!(owner, None);
    let read = reps[0].clone();
    let mut assigned = read.clone();
    assigned.open_leads += 1;
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": id, "email": email, "created_at": "2026-12-02T09:00:00Z"
    }))
    .expect("a lead");
    let record = LeadRecord::new("acme", lead, "2026-12-02T09:00:00Z".parse().unwrap());
    store
        .commit(Commit {
            email: Some((email.to_string(), id.clone())),
            lead: Some(record),
            expect: Some(Precondition::Absent),
            reps: vec![assigned],
            expect_reps: vec![read],
            ..Commit::default()
        })
        .expect("the commit");
    store.round_trips() - before
}

/// Once the connection has the statements prepared, a routed new lead
/// costs three round trips: the e-mail lookup with its id, routing's two
/// reads, and the commit (`BEGIN`, the rep's check, the writes and
/// `COMMIT` together). The target is at most three.
#[test]
fn a_routed_new_lead_costs_three_round_trips() {
    let store = PostgresStore::open(&crate::test_server::database()).unwrap();
    store.put_rep("acme", &rep(0)).unwrap();
    // The first prepares the statements and reads where the ids start.
    take_in_and_route(&store, "first@kranwerk.example");
    let trips: Vec<u64> = (0..5)
        .map(|n| take_in_and_route(&store, &format!("lead{n}@kranwerk.example")))
        .collect();
    assert_eq!(trips, [3; 5]);
    assert_eq!(store.reps("acme").unwrap()[0].open_leads, 6);
}

/// A rep stored in other bytes than this release writes (an older
/// release's encoding) fails the server's byte comparison, yet is the rep
/// as read: the commit runs again reading the rep, and applies.
#[test]
fn a_guard_refusing_equal_values_in_other_bytes_still_commits() {
    let store = PostgresStore::open(&crate::test_server::database()).unwrap();
    let mut older = vec![SCHEMA_VERSION];
    older.extend(serde_json::to_vec_pretty(&rep(0)).unwrap());
    store
        .transaction(
            Vec::new(),
            vec![(
                "INSERT INTO reps (org, id, value) VALUES ('acme', 'ana', $1)",
                vec![param(older)],
            )],
        )
        .unwrap();
    take_in_and_route(&store, "first@kranwerk.example");
    assert_eq!(store.reps("acme").unwrap(), [rep(1)]);
    assert_eq!(
        take_in_and_route(&store, "second@kranwerk.example"),
        3,
        "written by this release, the rep passes the server's check again"
    );
}

/// A commit that lost its race to another host (the rep moved since it
/// was read) costs two round trips: the refused transaction and one read
/// naming the rep; nothing of it is written.
#[test]
fn a_lost_race_is_named_in_one_more_round_trip() {
    let store = PostgresStore::open(&crate::test_server::database()).unwrap();
    store.put_rep("acme", &rep(0)).unwrap();
    take_in_and_route(&store, "first@kranwerk.example");
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": "ld-0000000099", "email": "late@kranwerk.example",
        "created_at": "2026-12-02T09:00:00Z"
    }))
    .unwrap();
    let lose = || {
        let before = store.round_trips();
        let lost = store.commit(Commit {
            lead: Some(LeadRecord::new(
                "acme",
                lead.clone(),
                "2026-12-02T09:00:00Z".parse().unwrap(),
            )),
            expect: Some(Precondition::Absent),
            reps: vec![rep(1)],
            expect_reps: vec![rep(0)],
            ..Commit::default()
        });
        assert!(
            matches!(&lost, Err(leadhost_store::StoreError::RepChanged { rep, .. }) if rep == "ana"),
            "{lost:?}"
        );
        store.round_trips() - before
    };
    // The first prepares the read naming the rep.
    lose();
    assert_eq!(lose(), 2);
    assert_eq!(store.lead("acme", "ld-0000000099").unwrap(), None);
    assert_eq!(store.reps("acme").unwrap(), [rep(1)]);
}

/// An admin's edit of a rep carries the load it read: once another host
/// assigned the rep a lead, the edit is refused naming the rep and writes
/// nothing, so no assignment's load is lost; as read again, it applies.
#[test]
fn a_reps_edit_applies_only_on_the_load_it_read() {
    let url = crate::test_server::database();
    let (admin, router) = (
        PostgresStore::open(&url).unwrap(),
        PostgresStore::open(&url).unwrap(),
    );
    admin.put_rep("acme", &rep(0)).unwrap();
    let read = admin.reps("acme").unwrap()[0].clone();
    take_in_and_route(&router, "first@kranwerk.example");
    let mut edited = read.clone();
    edited.display_name = Some("Ana Lima".into());
    let refused = admin.put_rep_as_read("acme", &edited, &read);
    assert!(
        matches!(&refused, Err(leadhost_store::StoreError::RepChanged { rep, .. }) if rep == "ana"),
        "{refused:?}"
    );
    assert_eq!(admin.reps("acme").unwrap(), [rep(1)], "nothing written");
    let read = admin.reps("acme").unwrap()[0].clone();
    let mut edited = read.clone();
    edited.display_name = Some("Ana Lima".into());
    admin.put_rep_as_read("acme", &edited, &read).unwrap();
    let stored = &admin.reps("acme").unwrap()[0];
    assert_eq!(
        (stored.open_leads, stored.display_name.as_deref()),
        (1, Some("Ana Lima"))
    );
}
