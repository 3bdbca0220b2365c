//! For checking a copy from one backend to another (`leadhost migrate`):
//! [`populate`] writes every kind of record an org can own, and
//! [`snapshot`] reads an org back through the `Store` traits alone, so two
//! stores holding the same org give equal snapshots whatever their layout.

use std::ops::ControlFlow;

use leadhost_model::{ContentHash, Slot};

use super::inputs::{activity, input};
use super::outbox::message;
use super::preconditions::event;
use super::recent::decision;
use super::shadows::shadow;
use super::{at, create, record, rep};
use crate::{
    Activation, Assignment, Attempts, CallTask, DeadLetter, ImportJobRecord, JobState, OrgRecord,
    PluginVersion, Store, TokenRecord,
};

/// Leads [`populate`] writes per org.
pub const LEADS: usize = 3;

/// Writes into `store` an org `org` with every kind of record: tokens (and
/// an admin token), leads with activities, events, decisions, wake-ups,
/// an assignment, an account, reps, campaigns, outbox messages (one waiting out a
/// retry, one buried), call tasks, recorded inputs, plug-in versions, an
/// import job and shadow decisions.
pub fn populate(store: &impl Store, org: &str) {
    let created_at = at("2026-11-24T08:00:00Z");
    store
        .put_org(&OrgRecord {
            id: org.into(),
            name: format!("{org} Inc."),
            created_at,
        })
        .unwrap();
    for (hash, owner) in [
        (format!("{org}-token"), Some(org.to_string())),
        ("admin-token".to_string(), None),
    ] {
        let token = TokenRecord {
            id: format!("tok-{hash}"),
            org: owner,
            created_at,
            revoked_at: None,
        };
        store.put_token(&hash, &token).unwrap();
    }
    for campaign in super::campaigns::campaigns(org) {
        store.put_campaign(org, &campaign).unwrap();
    }
    for number in 1..=LEADS {
        let lead = crate::lead_ids::lead_id(number as u64);
        let wake = at(&format!("2026-11-2{number}T10:00:00Z"));
        let mut commit = create(record(org, &lead, Some(wake)));
        commit.activities = vec![(0, activity("page-visit", 1)), (1, activity("webinar", 2))];
        commit.events = vec![(2, event(number as u32))];
        commit.decisions = vec![(
            3,
            decision(org, &lead, Slot::LeadDefinition, "2026-11-24T09:05:00Z"),
        )];
        commit.assignment = Some(Assignment {
            lead: lead.clone(),
            rep: "ana".into(),
            at: at("2026-11-24T09:06:00Z"),
            decision_seq: 3,
        });
        commit.account = Some((format!("{number}.{org}.example"), "ana".into()));
        commit.match_keys = vec![
            format!("email-domain:{org}.example"),
            format!("phone:{number:08}"),
        ];
        commit.reps = vec![rep("ana", number as u32), rep("ben", 0)];
        commit.outbox = vec![message(org, &lead, number as u32)];
        commit.call_tasks = vec![CallTask {
            id: format!("call-{number}"),
            lead: lead.clone(),
            assignee: Some("ana".into()),
            reason: "asked for a call".into(),
            at: at("2026-11-24T09:07:00Z"),
            done_at: None,
        }];
        commit.inputs = vec![input(
            org,
            &lead,
            "2026-11-24T09:05:00Z",
            &[activity("page-visit", 1)],
        )];
        store.commit(commit).unwrap();
    }
    let due = store.due_messages(at("2026-12-24T00:00:00Z"), 100).unwrap();
    let mine: Vec<_> = due.iter().filter(|due| due.message.org == org).collect();
    let attempts = Attempts {
        attempts: 2,
        next_at: at("2026-11-24T11:00:00Z"),
        last_error: "HTTP 503".into(),
    };
    store.retry_later(mine[0].id, &attempts).unwrap();
    store
        .bury(&DeadLetter {
            id: mine[1].id,
            message: mine[1].message.clone(),
            attempts: 8,
            last_error: "HTTP 410".into(),
            dead_at: at("2026-11-25T09:00:00Z"),
        })
        .unwrap();
    for (minute, name, how) in [
        (0, "bant-qualifier", Activation::FirstParty),
        (5, "acme-fit", Activation::Upload),
    ] {
        let version = PluginVersion {
            slot: Slot::LeadDefinition,
            name: name.into(),
            hash: ContentHash::of(name.as_bytes()),
            how,
            at: at(&format!("2026-11-24T09:{minute:02}:00Z")),
            config: Default::default(),
            config_digest: format!("{minute:064x}"),
            config_changes: Vec::new(),
            cases_digest: None,
            impact: None,
        };
        store.put_plugin_version(org, &version).unwrap();
    }
    let job: ImportJobRecord = serde_json::from_value(serde_json::json!({
        "id": "imp-1", "state": "done", "via": "import", "rows": 3, "done": 3,
        "created": 3, "merged": 0, "rejected": 0, "rejected_rows": [], "error": null,
        "started_at": "2026-11-24T08:30:00Z", "updated_at": "2026-11-24T08:31:00Z",
        "finished_at": "2026-11-24T08:31:00Z"
    }))
    .unwrap();
    assert_eq!(job.state, JobState::Done);
    store.put_import_job(org, &job).unwrap();
    store
        .put_shadow(org, &shadow("ld-0000000001", Slot::LeadDefinition, true))
        .unwrap();
    store
        .put_shadow(org, &shadow("ld-0000000002", Slot::LeadDefinition, false))
        .unwrap();
}

/// Everything of `org` [`populate`] writes (its admin token aside: it is
/// no org's), read through the traits, one line per record. Ids a copy renumbers (outbox messages, dead letters)
/// are left out; their order is kept.
pub fn snapshot(store: &impl Store, org: &str) -> Vec<String> {
    let mut lines = vec![format!("{:?}", store.org(org).unwrap())];
    let mut tokens: Vec<_> = store
        .tokens()
        .unwrap()
        .into_iter()
        .filter(|(_, token)| token.org.as_deref() == Some(org))
        .collect();
    tokens.sort_by(|a, b| a.0.cmp(&b.0));
    lines.extend(tokens.iter().map(|token| format!("{token:?}")));
    let mut leads = Vec::new();
    store
        .scan_leads(org, &mut |record| {
            leads.push(record);
            ControlFlow::Continue(())
        })
        .unwrap();
    for lead in &leads {
        let id = lead.id();
        lines.push(format!("{lead:?}"));
        lines.push(format!("{:?}", store.lead_by_email(org, &lead.lead.email)));
        lines.push(format!("{:?}", store.timeline(org, id).unwrap()));
        lines.push(format!("{:?}", store.assignment(org, id).unwrap()));
    }
    let match_keys: Vec<String> = std::iter::once(format!("email-domain:{org}.example"))
        .chain((1..=LEADS).map(|number| format!("phone:{number:08}")))
        .collect();
    lines.push(format!(
        "{:?}",
        store.leads_by_match_keys(org, &match_keys, 50).unwrap()
    ));
    let mut summaries = Vec::new();
    store
        .scan_lead_summaries(org, &mut |summary| {
            summaries.push(format!("{summary:?}"));
            ControlFlow::Continue(())
        })
        .unwrap();
    lines.extend(summaries);
    for number in 1..=LEADS {
        let domain = format!("{number}.{org}.example");
        lines.push(format!("{:?}", store.account_owner(org, &domain).unwrap()));
    }
    lines.push(format!("{:?}", store.reps(org).unwrap()));
    lines.push(format!("{:?}", store.campaigns(org).unwrap()));
    lines.push(format!(
        "{:?}",
        store.due_in(org, at("2027-01-01T00:00:00Z"), 100).unwrap()
    ));
    for pending in store
        .due_messages(at("2027-01-01T00:00:00Z"), 1000)
        .unwrap()
        .into_iter()
        .filter(|pending| pending.message.org == org)
    {
        lines.push(format!(
            "{:?} {} {:?}",
            pending.message, pending.attempts, pending.last_error
        ));
    }
    // The retried message waits until 11:00.
    let due_before_retry = store
        .due_messages(at("2026-11-24T10:30:00Z"), 1000)
        .unwrap()
        .into_iter()
        .filter(|pending| pending.message.org == org)
        .count();
    lines.push(format!("due before the retry: {due_before_retry}"));
    for mut letter in store.dead_letters(org).unwrap() {
        letter.id = 0;
        lines.push(format!("{letter:?}"));
    }
    lines.push(format!("{:?}", store.call_tasks(org).unwrap()));
    lines.push(format!("{:?}", store.plugin_versions(org).unwrap()));
    lines.push(format!("{:?}", store.import_jobs(org).unwrap()));
    for lead in &leads {
        let recorded = input(
            org,
            lead.id(),
            "2026-11-24T09:05:00Z",
            &[activity("page-visit", 1)],
        );
        lines.push(format!("{:?}", store.input(org, &recorded.digest).unwrap()));
    }
    store
        .shadows(org, Slot::LeadDefinition, &mut |decision| {
            lines.push(format!("{decision:?}"));
            ControlFlow::Continue(())
        })
        .unwrap();
    lines.push(format!(
        "{:?}",
        store
            .latest_decisions(org, Slot::LeadDefinition, 100)
            .unwrap()
    ));
    lines
}
