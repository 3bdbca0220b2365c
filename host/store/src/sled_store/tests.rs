//! The sled store on a real folder: persistence, tenancy, schedule order, schema versions.
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
fn a_commit_survives_reopening_and_stays_in_its_org() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
        store.commit(commit(record("acme", "ld-1", None))).unwrap();
        store
            .commit(commit(record("acme-2", "ld-1", None)))
            .unwrap();
    }
    let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
    assert_eq!(store.lead("acme", "ld-1").unwrap().unwrap().org, "acme");
    assert_eq!(
        store
            .lead_by_email("acme", "ld-1@x.example")
            .unwrap()
            .as_deref(),
        Some("ld-1")
    );
    let mut seen = Vec::new();
    store
        .scan_leads("acme", &mut |lead| {
            seen.push(lead.org);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(seen, ["acme"], "`acme-2` shares a prefix but not the org");
    assert_eq!(store.lead("other", "ld-1").unwrap(), None);
}

#[test]
fn wake_ups_come_due_in_time_order_across_orgs() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Durability::Relaxed).unwrap();
    store
        .commit(commit(record(
            "zeta",
            "ld-1",
            Some(at("2026-11-25T09:00:00Z")),
        )))
        .unwrap();
    store
        .commit(commit(record(
            "acme",
            "ld-2",
            Some(at("2026-11-26T09:00:00Z")),
        )))
        .unwrap();
    store
        .commit(commit(record(
            "acme",
            "ld-3",
            Some(at("2026-11-24T10:00:00Z")),
        )))
        .unwrap();
    let due = store.due(at("2026-11-25T09:00:00Z"), 10).unwrap();
    let leads: Vec<_> = due
        .iter()
        .map(|due| (due.org.as_str(), due.lead.as_str()))
        .collect();
    assert_eq!(leads, [("acme", "ld-3"), ("zeta", "ld-1")]);
    assert_eq!(
        store.due(at("2030-01-01T00:00:00Z"), 1).unwrap().len(),
        1,
        "the limit holds"
    );
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
    let store = SledStore::open(dir.path(), Durability::Flush).unwrap();
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
