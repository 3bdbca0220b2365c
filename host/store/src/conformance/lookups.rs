//! The reads that taking a lead in and routing it ask together: a
//! database answers each pair in one round trip, and must answer exactly
//! what the two reads in turn would.

use super::{Harness, create, record, rep};
use crate::lead_ids::number_of;
use crate::{ByEmail, Commit, Store};

/// An e-mail a lead holds finds that lead and moves no counter; a new one
/// gets the org's next id, above every stored lead after a restart too.
pub fn an_email_finds_its_lead_or_numbers_a_new_one(harness: &mut impl Harness) {
    let store = harness.fresh();
    let ByEmail::New(first) = store
        .lead_by_email_or_new_id("acme", "ld-x@acme.example")
        .expect("look up")
    else {
        panic!("no lead holds the e-mail yet");
    };
    let mut lead = record("acme", &first, None);
    lead.lead.email = "ana@acme.example".into();
    store.commit(create(lead)).expect("create");
    for _ in 0..3 {
        assert_eq!(
            store
                .lead_by_email_or_new_id("acme", "ana@acme.example")
                .expect("look up"),
            ByEmail::Known(first.clone())
        );
    }
    assert_eq!(
        store
            .lead_by_email_or_new_id("other", "ana@acme.example")
            .expect("look up in another org"),
        ByEmail::New(first.clone()),
        "an e-mail is known per org, and each org counts from its own start"
    );
    let ByEmail::New(second) = store
        .lead_by_email_or_new_id("acme", "ben@acme.example")
        .expect("look up")
    else {
        panic!("no lead holds ben's e-mail");
    };
    assert_eq!(
        number_of(&second),
        number_of(&first).map(|number| number + 1),
        "finding a known lead took no id: `{first}` then `{second}`"
    );
    store
        .commit(create(record("acme", &second, None)))
        .expect("create");
    let store = harness.reopen(store);
    let ByEmail::New(third) = store
        .lead_by_email_or_new_id("acme", "cem@acme.example")
        .expect("look up")
    else {
        panic!("no lead holds cem's e-mail");
    };
    assert!(third > second, "`{third}` sorts after `{second}`");
}

/// Routing's reads together: the reps in id order and the owner of the
/// domain's account, none for a domain nobody owns or no domain.
pub fn routing_reads_the_reps_and_the_account_owner(harness: &mut impl Harness) {
    let store = harness.fresh();
    for id in ["ben", "ana"] {
        store.put_rep("acme", &rep(id, 0)).expect("put rep");
    }
    store.put_rep("other", &rep("oda", 0)).expect("put rep");
    store
        .commit(Commit {
            account: Some(("kranwerk.example".into(), "ben".into())),
            ..create(record("acme", "ld-1", None))
        })
        .expect("an owned account");
    let (reps, owner) = store
        .reps_and_account_owner("acme", Some("kranwerk.example"))
        .expect("read");
    assert_eq!(reps, [rep("ana", 0), rep("ben", 0)]);
    assert_eq!(owner.as_deref(), Some("ben"));
    for domain in [Some("fjord.example"), None] {
        let (reps, owner) = store.reps_and_account_owner("acme", domain).expect("read");
        assert_eq!(reps.len(), 2);
        assert_eq!(owner, None, "{domain:?}");
    }
    let (reps, owner) = store
        .reps_and_account_owner("other", Some("kranwerk.example"))
        .expect("read");
    assert_eq!((reps, owner), (vec![rep("oda", 0)], None), "per org");
}

/// A lead indexed under blocking keys is found by each, per org, newest
/// first and at most `per_key` of them; keys only add up across commits,
/// and the index survives a restart.
pub fn blocking_keys_find_an_orgs_newest_leads(harness: &mut impl Harness) {
    let store = harness.fresh();
    let domain = "email-domain:acme.example".to_string();
    let name = "name-domain:jonas weber@acme.example".to_string();
    for (id, keys) in [
        ("ld-0000000001", vec![domain.clone(), name.clone()]),
        ("ld-0000000002", vec![domain.clone()]),
        ("ld-0000000003", vec![domain.clone()]),
    ] {
        store
            .commit(Commit {
                match_keys: keys,
                ..create(record("acme", id, None))
            })
            .expect("create");
    }
    // Another org's lead under the same keys; an org named as a prefix.
    store
        .commit(Commit {
            match_keys: vec![domain.clone(), name.clone()],
            ..create(record("acme-eu", "ld-0000000009", None))
        })
        .expect("create");
    let found = |store: &dyn Store, per_key| {
        store
            .leads_by_match_keys("acme", &[name.clone(), domain.clone()], per_key)
            .expect("read the index")
    };
    let pair = |key: &String, lead: &str| (key.clone(), lead.to_string());
    assert_eq!(
        found(&store, 2),
        [
            pair(&name, "ld-0000000001"),
            pair(&domain, "ld-0000000003"),
            pair(&domain, "ld-0000000002"),
        ]
    );
    // A later commit of the first lead adds a key and keeps the others.
    let phone = "phone:12345678".to_string();
    let mut again = record("acme", "ld-0000000001", None);
    again.revision = 1;
    store
        .commit(Commit {
            lead: Some(again),
            match_keys: vec![phone.clone()],
            ..Commit::default()
        })
        .expect("update");
    let store = harness.reopen(store);
    assert_eq!(found(&store, 5).len(), 4, "three by domain, one by name");
    assert_eq!(
        store
            .leads_by_match_keys("acme", std::slice::from_ref(&phone), 5)
            .expect("read the index"),
        [pair(&phone, "ld-0000000001")]
    );
    assert_eq!(
        store.leads_by_match_keys("acme", &[], 5).expect("no keys"),
        []
    );
    // A lead merged away leaves the index under the keys named.
    let mut merged = record("acme", "ld-0000000003", None);
    merged.revision = 1;
    store
        .commit(Commit {
            lead: Some(merged),
            match_keys_removed: vec![domain.clone()],
            ..Commit::default()
        })
        .expect("update");
    assert_eq!(
        found(&store, 5),
        [
            pair(&name, "ld-0000000001"),
            pair(&domain, "ld-0000000002"),
            pair(&domain, "ld-0000000001"),
        ]
    );
}
