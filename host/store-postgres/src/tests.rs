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
            Vec::new(),
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

/// Two hosts claiming the outbox at once take disjoint messages; a claim
/// passes by what another host holds until that lease is out, then takes
/// it over (that host died), attempts unchanged; a delivered message is
/// gone for everyone.
#[test]
fn hosts_claim_disjoint_messages_and_take_over_a_dead_hosts_claims_after_the_lease() {
    use leadhost_store::{OutboxKind, OutboxMessage, OutboxStore};
    use std::time::Duration;

    let url = crate::test_server::database();
    let (a, b) = (
        PostgresStore::open(&url).unwrap(),
        PostgresStore::open(&url).unwrap(),
    );
    let now: leadhost_model::Time = "2026-12-02T10:00:00Z".parse().unwrap();
    for lead in 0..40 {
        let message = OutboxMessage {
            org: "acme".into(),
            lead: format!("ld-{lead}"),
            at: now,
            kind: OutboxKind::LeadAssigned {
                rep: "ana".into(),
                rep_display_name: None,
                rep_email: None,
            },
        };
        a.transaction(
            Vec::new(),
            vec![(
                "INSERT INTO outbox (id, org, value) VALUES (nextval('outbox_ids'), $1, $2)",
                vec![
                    crate::param("acme".to_string()),
                    crate::param(leadhost_store::codec::encode(&message)),
                ],
            )],
        )
        .unwrap();
    }
    let lease = Duration::from_secs(60);
    let (mine, theirs) = std::thread::scope(|scope| {
        let mine = scope.spawn(|| a.claim_messages(now, lease, 25).unwrap());
        let theirs = scope.spawn(|| b.claim_messages(now, lease, 25).unwrap());
        (mine.join().unwrap(), theirs.join().unwrap())
    });
    let ids = |claimed: &[leadhost_store::Pending]| -> Vec<u64> {
        claimed.iter().map(|pending| pending.id).collect()
    };
    assert_eq!(mine.len() + theirs.len(), 40, "every message, once");
    assert!(
        ids(&mine).iter().all(|id| !ids(&theirs).contains(id)),
        "disjoint: {:?} and {:?}",
        ids(&mine),
        ids(&theirs)
    );
    assert!(a.claim_messages(now, lease, 100).unwrap().is_empty());
    assert_eq!(
        a.due_messages(now, 100).unwrap().len(),
        0,
        "claimed messages are not due before their lease ends"
    );

    // A delivers its own; B dies holding its claims.
    for pending in &mine {
        a.delivered(pending.id).unwrap();
    }
    drop(b);
    let before_the_end = now + chrono::Duration::seconds(59);
    assert!(
        a.claim_messages(before_the_end, lease, 100)
            .unwrap()
            .is_empty()
    );
    let after = now + chrono::Duration::seconds(61);
    let taken_over = a.claim_messages(after, lease, 100).unwrap();
    assert_eq!(ids(&taken_over), ids(&theirs), "B's claims, in order");
    assert!(taken_over.iter().all(|pending| pending.attempts == 0));
}

/// No password reaches a message, wherever the URL puts it.
#[test]
fn a_url_is_shown_without_its_password() {
    use crate::redact;
    for (url, shown) in [
        (
            "postgres://lh:secret@db:5432/leads",
            "postgres://lh:***@db:5432/leads",
        ),
        (
            "postgres://lh:top@secret@db/leads",
            "postgres://lh:***@db/leads",
        ),
        ("postgres://lh:a/b:c@db/leads", "postgres://lh:***@db/leads"),
        (
            "postgres://lh@db/leads?sslmode=require&password=topsecret",
            "postgres://lh@db/leads?sslmode=require&password=***",
        ),
        (
            "postgres://lh:x@db/leads?PASSWORD=y",
            "postgres://lh:***@db/leads?PASSWORD=***",
        ),
        ("postgres://db/leads", "postgres://db/leads"),
        ("not a url", "not a url"),
    ] {
        assert_eq!(redact(url), shown, "{url}");
        assert!(!redact(url).contains("secret"), "{url}");
    }
}

/// A version added by one handle is noticed by another listening on the
/// same database, naming its org; a store one process holds sends none.
#[test]
fn a_new_plugin_version_is_noticed_by_a_listening_host() {
    use leadhost_store::{Activation, PluginVersion, Store};

    let url = crate::test_server::database();
    let listening = PostgresStore::open(&url).unwrap();
    let writing = PostgresStore::open(&url).unwrap();
    let (noticed, notices) = std::sync::mpsc::channel();
    let noticed = std::sync::Mutex::new(noticed);
    assert!(listening.plugin_version_notices(Box::new(move |org| {
        let _ = noticed.lock().unwrap().send(org.to_string());
    })));
    let version = PluginVersion {
        slot: leadhost_model::Slot::LeadDefinition,
        name: "fit".into(),
        hash: leadhost_model::ContentHash::of(b"fit"),
        how: Activation::Upload,
        at: "2026-12-02T09:00:00Z".parse().unwrap(),
        config: leadhost_model::Config::new(),
        config_digest: String::new(),
        config_changes: Vec::new(),
        cases_digest: None,
        impact: None,
    };
    writing.put_plugin_version("acme", &version).unwrap();
    let wait = std::time::Duration::from_secs(10);
    assert_eq!(notices.recv_timeout(wait).unwrap(), "acme");
    writing.put_plugin_version("globex", &version).unwrap();
    assert_eq!(notices.recv_timeout(wait).unwrap(), "globex");

    let sled = tempfile::tempdir().unwrap();
    let sled =
        leadhost_store::SledStore::open(sled.path(), leadhost_store::Durability::Flush).unwrap();
    assert!(!sled.plugin_version_notices(Box::new(|_| {})));
}

mod round_trips;

/// Every session bounds its statements and its idle transactions, and an
/// `options` setting in the URL wins over the host's.
#[test]
fn sessions_bound_statements_and_the_urls_options_win() {
    let url = crate::test_server::database();
    let setting = |store: &PostgresStore, name: &'static str| -> String {
        store.rows(name, Vec::new()).unwrap()[0].get(0)
    };
    let store = PostgresStore::open(&url).unwrap();
    assert_eq!(setting(&store, "SHOW statement_timeout"), "30s");
    assert_eq!(
        setting(&store, "SHOW idle_in_transaction_session_timeout"),
        "30s"
    );
    let separator = if url.contains('?') { '&' } else { '?' };
    let own = PostgresStore::open(&format!(
        "{url}{separator}options=-c%20statement_timeout%3D5000"
    ))
    .unwrap();
    assert_eq!(setting(&own, "SHOW statement_timeout"), "5s");
    assert_eq!(
        setting(&own, "SHOW idle_in_transaction_session_timeout"),
        "30s"
    );
}

mod plugin_history;

mod accounts;

mod tls;
