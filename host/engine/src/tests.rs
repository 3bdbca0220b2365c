//! The operations the API calls instead of touching the store (listing and
//! paging leads, call tasks, dead letters, tokens) over a real sled store,
//! and the one error → status table.

use std::sync::Arc;

use crate::auth::Principal;
use crate::clock::SystemClock;
use crate::registry::Registry;
use crate::store::{
    CallTask, DeadLetter, Durability, OutboxKind, OutboxMessage, SledStore, StageKind,
};
use crate::{Engine, EngineConfig, EngineError, ErrorKind, LeadQuery, LeadSubmission};

/// An engine over a sled store in `dir` with the org `acme` and no
/// plug-ins (every lead lands in needs-review).
pub(crate) fn engine(dir: &tempfile::TempDir) -> Engine {
    let store = SledStore::open(&dir.path().join("store"), Durability::Flush).unwrap();
    let engine = Engine::new(
        Arc::new(store),
        Registry::new(),
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    engine.create_org("acme", "Acme").unwrap();
    engine
}

fn ingest(engine: &Engine, email: &str, source: &str) -> String {
    let submission =
        LeadSubmission::from_json(&format!(r#"{{"email":"{email}","source":"{source}"}}"#))
            .unwrap();
    engine
        .ingest("acme", submission, "test")
        .unwrap()
        .record
        .id()
        .to_string()
}

#[test]
fn a_filtered_listing_pages_by_cursor_through_every_match_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let mut webinar = Vec::new();
    for index in 0..9 {
        let source = if index % 3 == 0 { "webinar" } else { "ads" };
        let id = ingest(&engine, &format!("p{index}@acme.example"), source);
        if source == "webinar" {
            webinar.push(id);
        }
    }
    let mut query = LeadQuery {
        source: Some("webinar".into()),
        limit: Some(2),
        ..LeadQuery::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = engine.leads("acme", &query).unwrap();
        assert!(page.leads.len() <= 2);
        seen.extend(page.leads.iter().map(|lead| lead.id().to_string()));
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, webinar);

    // A full last page with nothing after it says so: no empty extra page.
    query.cursor = None;
    query.limit = Some(3);
    let all = engine.leads("acme", &query).unwrap();
    assert_eq!(all.leads.len(), 3);
    assert_eq!(all.next_cursor, None);

    let in_review = LeadQuery {
        stage: Some(StageKind::NeedsReview),
        ..LeadQuery::default()
    };
    assert_eq!(engine.leads("acme", &in_review).unwrap().leads.len(), 9);
    let won = LeadQuery {
        stage: Some(StageKind::Won),
        ..LeadQuery::default()
    };
    for limit in [0, 501] {
        let error = engine
            .leads(
                "acme",
                &LeadQuery {
                    limit: Some(limit),
                    ..LeadQuery::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(&error, EngineError::Invalid(fields) if fields[0].field == "limit"),
            "{error}"
        );
    }
    assert!(engine.leads("acme", &won).unwrap().leads.is_empty());
}

#[test]
fn a_call_task_is_marked_done_once_and_an_unknown_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let task = CallTask {
        id: "task-1".into(),
        lead: "ld-1".into(),
        assignee: None,
        reason: "asked for a call".into(),
        at: engine.now(),
        done_at: None,
    };
    engine.store().put_call_task("acme", &task).unwrap();
    assert_eq!(engine.call_tasks("acme", Some(true)).unwrap().len(), 1);

    let done = engine.complete_call_task("acme", "task-1").unwrap();
    let first = done.done_at.expect("marked done");
    let again = engine.complete_call_task("acme", "task-1").unwrap();
    assert_eq!(
        again.done_at,
        Some(first),
        "a second call keeps the first time"
    );
    assert!(engine.call_tasks("acme", Some(true)).unwrap().is_empty());
    assert_eq!(engine.call_tasks("acme", Some(false)).unwrap(), vec![again]);

    let error = engine.complete_call_task("acme", "task-2").unwrap_err();
    assert!(matches!(&error, EngineError::UnknownTask { task, .. } if task == "task-2"));
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[test]
fn a_dead_letter_goes_back_to_the_outbox_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let letter = DeadLetter {
        id: 7,
        message: OutboxMessage {
            org: "acme".into(),
            lead: "ld-1".into(),
            at: engine.now(),
            kind: OutboxKind::LeadAssigned {
                rep: "ana".into(),
                rep_display_name: None,
                rep_email: None,
            },
        },
        attempts: 8,
        last_error: "503 from the receiver".into(),
        dead_at: engine.now(),
    };
    engine.store().bury(&letter).unwrap();
    assert_eq!(engine.dead_letters("acme").unwrap(), vec![letter]);

    engine.replay_dead_letter("acme", "7").unwrap();
    assert!(engine.dead_letters("acme").unwrap().is_empty());
    for id in ["7", "not-a-number"] {
        let error = engine.replay_dead_letter("acme", id).unwrap_err();
        assert!(
            matches!(&error, EngineError::UnknownDeadLetter { letter, .. } if letter == id),
            "{error}"
        );
    }
}

#[test]
fn tokens_are_issued_for_known_orgs_only_and_revoked_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let error = engine.issue_token(Some("nobody")).unwrap_err();
    assert!(matches!(error, EngineError::UnknownOrg(_)));

    let issued = engine.issue_token(Some("acme")).unwrap();
    assert_eq!(
        engine.authenticate(Some(&issued.token)).unwrap(),
        Principal::Org("acme".into())
    );
    let error = engine.revoke_token("other", &issued.id).unwrap_err();
    assert!(matches!(error, EngineError::UnknownToken { .. }), "{error}");
    engine.revoke_token("acme", &issued.id).unwrap();
    assert!(engine.authenticate(Some(&issued.token)).is_err());
    assert!(matches!(
        engine.revoke_token("acme", &issued.id).unwrap_err(),
        EngineError::UnknownToken { .. }
    ));
}

#[test]
fn every_kind_of_engine_error_has_one_status() {
    let cases = [
        (EngineError::Invalid(vec![]), 422),
        (EngineError::UnknownOrg("x".into()), 404),
        (EngineError::OrgExists("x".into()), 409),
        (
            EngineError::Store(crate::store::StoreError::InUse {
                path: "/tmp/x".into(),
            }),
            503,
        ),
    ];
    for (error, status) in cases {
        assert_eq!(error.kind().status(), status, "{error}");
    }
}

/// Two engines on one store stand for two hosts on one database: their
/// per-lead locks do not see each other, so only the commits' preconditions
/// keep them from overwriting each other's changes to the same lead.
#[test]
fn two_engines_writing_one_lead_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn crate::store::Store> =
        Arc::new(SledStore::open(&dir.path().join("store"), Durability::Relaxed).unwrap());
    let host = |store: &Arc<dyn crate::store::Store>| {
        Engine::new(
            store.clone(),
            Registry::new(),
            Arc::new(SystemClock),
            EngineConfig::default(),
        )
    };
    let (one, two) = (host(&store), host(&store));
    one.create_org("acme", "Acme").unwrap();
    let lead = ingest(&one, "race@acme.example", "ads");
    let activity: crate::model::Activity = serde_json::from_value(serde_json::json!({
        "kind": "page-visit", "at": "2026-11-24T09:00:00Z", "detail": "/pricing"
    }))
    .unwrap();
    let writers: Vec<_> = [one.clone(), two]
        .into_iter()
        .map(|engine| {
            let (lead, activity) = (lead.clone(), activity.clone());
            std::thread::spawn(move || {
                (0..60)
                    .filter(
                        |_| match engine.record_activity("acme", &lead, activity.clone()) {
                            Ok(_) => true,
                            Err(EngineError::Store(crate::store::StoreError::Conflict {
                                ..
                            })) => false,
                            Err(other) => panic!("{other}"),
                        },
                    )
                    .count()
            })
        })
        .collect();
    let stored: usize = writers
        .into_iter()
        .map(|writer| writer.join().unwrap())
        .sum();
    assert!(stored > 0);
    let record = one.lead("acme", &lead).unwrap();
    let activities = one
        .timeline("acme", &lead)
        .unwrap()
        .into_iter()
        .filter(|entry| matches!(entry.item, crate::store::TimelineItem::Activity(_)))
        .count();
    assert_eq!(
        activities, stored,
        "every acknowledged activity is in the timeline, none overwritten"
    );
    assert_eq!(
        record.revision, stored as u64,
        "one revision per commit after the first"
    );
}

/// Two hosts on one database: one edits a rep over and over while the
/// other assigns it leads. Every assignment's load is kept: an edit that
/// read the load before another host moved it runs again on a fresh read
/// (438 of 93,000 increments were lost before).
#[test]
fn a_reps_edits_on_one_host_lose_no_load_another_host_assigns() {
    use crate::store::{Commit, LeadRecord, Precondition, Store, StoreError};
    use leadhost_store_postgres::PostgresStore;
    let url = leadhost_store_postgres::test_server::database();
    let editor = Engine::new(
        Arc::new(PostgresStore::open(&url).unwrap()),
        Registry::new(),
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    editor.create_org("acme", "Acme").unwrap();
    let ana = |name: String| -> crate::model::Rep {
        serde_json::from_value(serde_json::json!({
            "id": "ana", "capacity": 1000, "display_name": name
        }))
        .unwrap()
    };
    editor.put_rep("acme", ana("Ana".into())).unwrap();
    let router = PostgresStore::open(&url).unwrap();
    const ASSIGNED: u32 = 60;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for n in 0..ASSIGNED {
                editor.put_rep("acme", ana(format!("Ana {n}"))).unwrap();
            }
        });
        scope.spawn(|| {
            for n in 0..ASSIGNED {
                let lead: crate::model::Lead = serde_json::from_value(serde_json::json!({
                    "id": format!("ld-{n:010}"), "email": format!("l{n}@acme.example"),
                    "created_at": "2026-12-02T09:00:00Z"
                }))
                .unwrap();
                let record = LeadRecord::new("acme", lead, editor.now());
                loop {
                    let read = router.reps("acme").unwrap()[0].clone();
                    let mut moved = read.clone();
                    moved.open_leads += 1;
                    let commit = Commit {
                        lead: Some(record.clone()),
                        expect: Some(Precondition::Absent),
                        reps: vec![moved],
                        expect_reps: vec![read],
                        ..Commit::default()
                    };
                    match router.commit(commit) {
                        Ok(_) => break,
                        Err(StoreError::RepChanged { .. }) => continue,
                        Err(error) => panic!("{error}"),
                    }
                }
            }
        });
    });
    let stored = &editor.reps("acme").unwrap()[0];
    assert_eq!(stored.open_leads, ASSIGNED, "every assignment's load kept");
    assert_eq!(stored.display_name.as_deref(), Some("Ana 59"));
}

/// A batch whose store goes away part-way: the error says how many items
/// were stored before it (not "nothing"), and that many are there once
/// the database is back; sending the batch again stores the rest.
#[test]
fn a_batch_the_store_fails_part_way_says_how_much_was_stored() {
    use crate::store::Store;
    use leadhost_store_postgres::PostgresStore;
    let server = leadhost_store_postgres::test_server::private();
    let url = server.database();
    let engine = Engine::new(
        Arc::new(PostgresStore::open(&url).unwrap()),
        Registry::new(),
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    engine.create_org("acme", "Acme").unwrap();
    const ITEMS: usize = 3000;
    let batch = || -> Vec<Result<LeadSubmission, Vec<crate::validate::FieldError>>> {
        (0..ITEMS)
            .map(|n| {
                Ok(
                    LeadSubmission::from_json(&format!(r#"{{"email":"b{n}@acme.example"}}"#))
                        .unwrap(),
                )
            })
            .collect()
    };
    let watcher = PostgresStore::open(&url).unwrap();
    let failed = std::thread::scope(|scope| {
        let ingesting = scope.spawn(|| engine.ingest_batch("acme", batch(), "test"));
        // Stopped once some of the batch is stored.
        while watcher.lead("acme", "ld-0000000020").unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(watcher);
        assert!(server.pg_ctl(&["stop", "-m", "fast"]).unwrap().success());
        ingesting.join().unwrap()
    });
    let Err(EngineError::PartlyStored { stored, of, .. }) = failed else {
        panic!("{:?}", failed.map(|results| results.len()));
    };
    assert_eq!(of, ITEMS);
    assert!((20..ITEMS).contains(&stored), "{stored}");
    server.start_again().unwrap();
    let store = PostgresStore::open(&url).unwrap();
    let mut there = 0;
    store
        .scan_leads("acme", &mut |_| {
            there += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    // The item in flight when the server went may have committed before
    // its answer was lost.
    assert!(
        there == stored || there == stored + 1,
        "{there} stored, {stored} said"
    );
    drop(store);
    let again = engine.ingest_batch("acme", batch(), "test").unwrap();
    let unchanged = again
        .iter()
        .filter(|result| result.as_ref().is_ok_and(|ingested| ingested.unchanged))
        .count();
    assert_eq!(unchanged, there, "the stored items answer unchanged");
}
