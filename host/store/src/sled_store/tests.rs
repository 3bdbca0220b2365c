//! The sled store on a real folder: the conformance suite every backend
//! runs (`crate::conformance`), then what is sled's own: schema versions,
//! the lead-id format.
use super::*;
use leadhost_model::Lead;

fn at(text: &str) -> Time {
    text.parse().unwrap()
}

fn record(org: &str, id: &str, wake: Option<Time>) -> LeadRecord {
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": id, "email": format!("{id}@x.example"), "created_at": "2026-11-24T09:00:00Z"
    }))
    .unwrap();
    let mut record = LeadRecord::new(org, lead, at("2026-11-24T09:00:00Z"));
    record.wake_at = wake;
    record
}

fn commit(record: LeadRecord) -> Commit {
    Commit {
        email: Some((record.lead.email.clone(), record.id().to_string())),
        schedule: record.wake_at.into_iter().collect(),
        lead: Some(record),
        ..Commit::default()
    }
}

#[test]
fn a_record_from_a_newer_schema_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
    store
        .tree(ORGS)
        .insert("acme", vec![SCHEMA_VERSION_NEXT, b'{', b'}'])
        .unwrap();
    let error = store.org("acme").unwrap_err();
    assert!(
        error.to_string().contains("`orgs` has schema version 2"),
        "{error}"
    );
}

const SCHEMA_VERSION_NEXT: u8 = crate::SCHEMA_VERSION + 1;

#[test]
fn lead_ids_count_on_per_org_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
        for _ in 0..3 {
            let id = store.new_lead_id("acme").unwrap();
            store.commit(commit(record("acme", &id, None))).unwrap();
        }
    }
    let store = open_again(dir.path());
    assert_eq!(
        store.new_lead_id("acme").unwrap(),
        "ld-0000000004",
        "no gap after the restart"
    );
    assert_eq!(
        store.new_lead_id("acme-2").unwrap(),
        "ld-0000000001",
        "another org's volume shows nowhere"
    );
}

/// Each store in a folder of its own; a restart opens the same folder.
#[derive(Default)]
struct SledHarness {
    dirs: Vec<tempfile::TempDir>,
}

impl crate::conformance::Harness for SledHarness {
    type Store = SledStore;

    fn fresh(&mut self) -> SledStore {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
        self.dirs.push(dir);
        store
    }

    fn reopen(&mut self, store: SledStore) -> SledStore {
        drop(store);
        let dir = self.dirs.last().expect("a fresh store first");
        open_again(dir.path())
    }
}

mod conformance {
    use super::SledHarness;

    crate::store_conformance!(SledHarness::default());
}

#[test]
fn a_slots_shadow_decisions_are_trimmed_to_their_bound() {
    use crate::shadow::{SHADOWS_KEPT, ShadowDecision, ShadowStore};
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Durability::Relaxed).unwrap();
    let decision = ShadowDecision {
        lead: "ld-1".into(),
        slot: leadhost_model::Slot::LeadDefinition,
        at: at("2026-11-24T09:00:00Z"),
        input_digest: "d".into(),
        live_plugin: "live".into(),
        live_hash: leadhost_model::ContentHash::of(b"live"),
        live: crate::Outcome::Decided {
            output: serde_json::json!({"stage": "nurture"}),
        },
        live_reasons: Vec::new(),
        shadow_plugin: "shadow".into(),
        shadow_hash: leadhost_model::ContentHash::of(b"shadow"),
        wit_version: "0.1.0".into(),
        config_digest: String::new(),
        shadow: crate::Outcome::Decided {
            output: serde_json::json!({"stage": "nurture"}),
        },
        shadow_reasons: Vec::new(),
        agree: true,
        duration_us: 1,
    };
    for n in 0..SHADOWS_KEPT + 300 {
        store.put_shadow("acme", &decision).unwrap();
        // Other trees share the id generator: it must not decide the trim.
        if n % 2 == 0 {
            store.shared.db.generate_id().unwrap();
        }
    }
    let mut kept = 0;
    store
        .shadows("acme", leadhost_model::Slot::LeadDefinition, &mut |_| {
            kept += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert!(kept <= SHADOWS_KEPT + 64, "{kept} kept");
    assert!(kept >= SHADOWS_KEPT, "{kept} kept");
}

/// Opens the store in `path` again after its last handle was dropped.
/// sled's flusher thread lets go of the folder's lock a moment after the
/// last handle drops: wait for it (a guard, not a timing).
fn open_again(path: &std::path::Path) -> SledStore {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match SledStore::open(path, Durability::Flush) {
            Err(StoreError::InUse { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            opened => return opened.unwrap(),
        }
    }
}

#[test]
fn commits_waited_for_on_futures_share_flushes_and_a_dropped_waiter_strands_none() {
    use crate::group_commit::block_on;
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
    let waits: Vec<_> = (0..48)
        .map(|n| {
            let applied = store
                .apply(commit(record("acme", &format!("ld-{n}"), None)))
                .unwrap();
            let wait = store.durable(applied);
            std::thread::spawn(move || {
                if n % 3 == 0 {
                    // Gone after its first poll, as a cancelled request is,
                    // perhaps while its flush runs.
                    let mut wait = wait;
                    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
                    let _ = wait.as_mut().poll(&mut context);
                    Ok(())
                } else {
                    block_on(wait)
                }
            })
        })
        .collect();
    for wait in waits {
        wait.join().unwrap().unwrap();
    }
    assert!(store.flushes() < 48, "{} flushes", store.flushes());
    // Later commits still get flushes of their own: no flush was left
    // marked running by a waiter that went away. (The timeout guards the
    // suite against hanging; it is not a timing.)
    for n in 0..3 {
        let before = store.flushes();
        let applied = store
            .apply(commit(record("acme", &format!("ld-late-{n}"), None)))
            .unwrap();
        let wait = store.durable(applied);
        let (sender, done) = std::sync::mpsc::channel();
        std::thread::spawn(move || sender.send(block_on(wait)));
        done.recv_timeout(std::time::Duration::from_secs(60))
            .expect("a flush left running for ever")
            .unwrap();
        assert!(store.flushes() > before, "durable only after a flush");
    }
}

#[test]
fn a_store_from_before_summaries_builds_them_at_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
        for id in ["ld-1", "ld-2", "ld-3"] {
            store.commit(commit(record("acme", id, None))).unwrap();
        }
        // As a release before summaries left it: no tree, no marker.
        store.tree(LEAD_SUMMARIES).clear().unwrap();
        store
            .shared
            .db
            .remove(super::open::SUMMARIES_BUILT)
            .unwrap();
        store.flush().unwrap();
    }
    let store = open_again(dir.path());
    let mut built = Vec::new();
    store
        .scan_lead_summaries("acme", &mut |summary| {
            built.push(summary);
            ControlFlow::Continue(())
        })
        .unwrap();
    let mut want = Vec::new();
    store
        .scan_leads("acme", &mut |record| {
            want.push(crate::LeadSummary::of(&record));
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(built.len(), 3);
    assert_eq!(built, want);
}
