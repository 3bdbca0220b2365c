//! The conformance suite on a real PostgreSQL (`crate::test_server`).

use crate::PostgresStore;
use leadhost_store::conformance::Harness;

/// Each store on a database of its own; a restart connects again.
#[derive(Default)]
struct PostgresHarness {
    urls: Vec<String>,
}

impl Harness for PostgresHarness {
    type Store = PostgresStore;

    fn fresh(&mut self) -> PostgresStore {
        let url = crate::test_server::database();
        let store = PostgresStore::open(&url).expect("open a fresh database");
        self.urls.push(url);
        store
    }

    fn reopen(&mut self, store: PostgresStore) -> PostgresStore {
        drop(store);
        let url = self.urls.last().expect("a fresh store first");
        PostgresStore::open(url).expect("open the database again")
    }
}

mod conformance {
    use super::PostgresHarness;

    leadhost_store::store_conformance!(PostgresHarness::default());
}

#[test]
fn a_database_at_a_newer_schema_is_refused() {
    let url = crate::test_server::database();
    drop(PostgresStore::open(&url).unwrap());
    let store = PostgresStore::open(&url).unwrap();
    store
        .transaction(
            None,
            vec![("INSERT INTO leadhost_schema (version) VALUES (99)", vec![])],
        )
        .unwrap();
    drop(store);
    let error = PostgresStore::open(&url)
        .err()
        .expect("a newer schema is refused");
    assert!(error.to_string().contains("schema version 99"), "{error}");
}

#[test]
fn opening_twice_applies_the_migrations_once_and_a_bad_url_is_named() {
    let url = crate::test_server::database();
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| PostgresStore::open(&url).map(drop));
        let second = scope.spawn(|| PostgresStore::open(&url).map(drop));
        (first.join().unwrap(), second.join().unwrap())
    });
    first.expect("one host migrates");
    second.expect("the other waits for it and starts too");
    let error = PostgresStore::open("postgres://me:secret@[::1")
        .err()
        .unwrap();
    let message = error.to_string() + &format!("{:?}", std::error::Error::source(&error));
    assert!(message.contains("not a PostgreSQL URL"), "{message}");
    assert!(
        !message.contains("secret"),
        "the password stays hidden: {message}"
    );
}
