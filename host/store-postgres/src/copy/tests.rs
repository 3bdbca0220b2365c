//! Copies from sled into a real PostgreSQL (`crate::test_server`): every
//! kind of record reads back the same through the `Store` traits, another
//! org is left where it was, and a copy that fails part-way or meets an org
//! the database already has writes nothing.

use leadhost_store::conformance::copy::{populate, snapshot};
use leadhost_store::export::Kind;
use leadhost_store::{Durability, SledStore, Store, StoreError};

use crate::{CopyState, PostgresStore};

/// A sled store holding `acme` and `acme-2` (a prefix of each other's
/// keys: a copy of one must not take the other's).
fn sled() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("store"), Durability::Flush).unwrap();
    populate(&store, "acme");
    populate(&store, "acme-2");
    (dir, store)
}

fn copy(sled: &SledStore, database: &PostgresStore, org: &str) -> Result<(), StoreError> {
    database.copy_org(
        org,
        "sled:test",
        |visit| sled.export_org(org, visit),
        &mut |_| {},
    )
}

#[test]
fn a_copied_org_reads_back_as_it_was_in_sled_and_alone() {
    let (_dir, sled) = sled();
    let database = PostgresStore::open(&crate::test_server::database()).unwrap();
    assert_eq!(database.copy_state("acme").unwrap(), CopyState::Absent);
    copy(&sled, &database, "acme").unwrap();

    let (before, after) = (snapshot(&sled, "acme"), snapshot(&database, "acme"));
    assert!(
        before.len() > 30,
        "the snapshot covers the org: {before:#?}"
    );
    for (line, (sled_line, pg_line)) in before.iter().zip(&after).enumerate() {
        assert_eq!(sled_line, pg_line, "line {line} differs");
    }
    assert_eq!(before.len(), after.len());
    assert!(
        matches!(database.copy_state("acme").unwrap(), CopyState::Copied { source, .. } if source == "sled:test")
    );

    // Counted per kind: every kind populated, none of acme-2's taken.
    let counts = database.counts("acme").unwrap();
    for kind in Kind::ALL {
        assert!(counts.of(kind) > 0, "{kind}: {counts:?}");
    }
    assert!(database.lead("acme-2", "ld-0000000001").unwrap().is_none());
    assert_eq!(database.counts("acme-2").unwrap().of(Kind::Leads), 0);

    // Admin tokens belong to no org: copied on their own, once.
    let mut admin = Vec::new();
    sled.export_tokens(&mut |hash, token, value| {
        if token.org.is_none() {
            admin.push((hash, value));
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(database.copy_tokens(admin.clone()).unwrap(), 1);
    assert_eq!(database.copy_tokens(admin).unwrap(), 0);
    assert_eq!(
        database.token("admin-token").unwrap(),
        sled.token("admin-token").unwrap()
    );

    // A lead made after the copy is numbered after the copied ones.
    assert_eq!(database.new_lead_id("acme").unwrap(), "ld-0000000004");
}

#[test]
fn a_copy_that_fails_part_way_writes_nothing() {
    let (_dir, sled) = sled();
    let database = PostgresStore::open(&crate::test_server::database()).unwrap();
    let mut sent = 0;
    let failed = database.copy_org(
        "acme",
        "sled:test",
        |visit| {
            sled.export_org("acme", &mut |row| {
                sent += 1;
                if sent == 20 {
                    return Err(StoreError::Backend("the disk went away".into()));
                }
                visit(row)
            })
        },
        &mut |_| {},
    );
    assert!(
        failed
            .unwrap_err()
            .to_string()
            .contains("the disk went away"),
        "the reader's own error"
    );
    assert_eq!(database.copy_state("acme").unwrap(), CopyState::Absent);
    assert_eq!(database.counts("acme").unwrap().total(), 0);
    // Run again, it copies whole.
    copy(&sled, &database, "acme").unwrap();
    assert_eq!(snapshot(&sled, "acme"), snapshot(&database, "acme"));
}

#[test]
fn an_org_the_database_already_has_is_not_written_over() {
    let (_dir, sled) = sled();
    let database = PostgresStore::open(&crate::test_server::database()).unwrap();
    populate(&database, "acme");
    let leads_before = database.counts("acme").unwrap();
    assert_eq!(database.copy_state("acme").unwrap(), CopyState::Present);
    assert!(copy(&sled, &database, "acme").is_err());
    assert_eq!(database.counts("acme").unwrap(), leads_before);
    assert_eq!(database.copy_state("acme").unwrap(), CopyState::Present);
}
