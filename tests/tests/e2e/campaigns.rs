//! Campaigns with a virtual clock: what each rep sees coming on their open
//! leads, the launch announcement (once, at its notice, across a restart),
//! a lead's first and latest campaign, and the funnel's cost per lead.

use std::sync::Arc;

use chrono::Duration;
use leadhost::clock::{Clock, ManualClock};
use leadhost::engine::{
    AnnouncementSettings, Engine, EngineConfig, EngineError, Feedback, NewCampaign, Window,
};
use leadhost::model::{CampaignTarget, Time};
use leadhost::store::{Durability, OutboxKind, SledStore};

use super::support::{TestOrg, start_time, strong};

fn campaign(id: &str, launch_in_days: i64, countries: &[&str]) -> NewCampaign {
    NewCampaign {
        id: Some(id.into()),
        name: id.replace('-', " "),
        channel: Some("webinar".into()),
        offer: None,
        launch_at: start_time() + Duration::days(launch_in_days),
        end_at: None,
        owner: None,
        budget: None,
        target: CampaignTarget {
            countries: countries
                .iter()
                .map(|country| country.to_string())
                .collect(),
            ..CampaignTarget::default()
        },
    }
}

/// The ids of `rep`'s upcoming campaigns within `days`, each with its
/// leads' ids.
fn seen_by(org: &TestOrg, rep: &str, days: i64) -> Vec<(String, Vec<String>)> {
    org.engine
        .rep_campaigns(org.org, rep, Duration::days(days))
        .unwrap()
        .into_iter()
        .map(|seen| {
            assert_eq!(seen.leads_total, seen.leads.len() as u64, "all listed");
            let leads = seen.leads.into_iter().map(|lead| lead.id).collect();
            (seen.campaign.id, leads)
        })
        .collect()
}

#[test]
fn a_rep_sees_the_upcoming_campaigns_that_target_their_open_leads() {
    let org = TestOrg::new();
    let mut held = std::collections::BTreeMap::<String, Vec<String>>::new();
    for n in 0..4 {
        // Each of its own company: one account's leads all go to its owner.
        let mut lead = strong(&format!("p@c{n}.example"));
        lead["domain"] = format!("c{n}.example").into();
        let record = org.ingest(lead).record;
        let owner = record.owner.clone().expect("a strong DE lead is assigned");
        held.entry(owner).or_default().push(record.id().to_string());
    }
    let ana = held["ana"].clone();
    assert!(!ana.is_empty() && !held["ben"].is_empty(), "{held:?}");
    for new in [
        campaign("dach-webinar", 5, &["DE", "AT"]),
        campaign("us-push", 5, &["US"]),
        campaign("next-quarter", 60, &["DE"]),
        campaign("launched", -1, &["DE"]),
        campaign("everyone", 10, &[]),
    ] {
        org.engine.create_campaign(org.org, new).unwrap();
    }
    org.engine.archive_campaign(org.org, "everyone").unwrap();
    assert_eq!(
        seen_by(&org, "ana", 14),
        [("dach-webinar".to_string(), ana.clone())],
        "targeted, upcoming within the window, not archived; ana's leads only"
    );
    assert_eq!(seen_by(&org, "ben", 14)[0].1, held["ben"]);
    assert_eq!(seen_by(&org, "dev", 14), [], "no US lead held");
    assert_eq!(
        seen_by(&org, "ana", 90).len(),
        2,
        "next-quarter within 90 days"
    );

    // A lead won is no longer open: it leaves the list.
    let feedback = |id: &str, feedback| org.engine.feedback(org.org, id, feedback).unwrap();
    feedback(&ana[0], Feedback::Accept { rep: None });
    feedback(&ana[0], Feedback::Won);
    let open: Vec<String> = ana[1..].to_vec();
    let expected = if open.is_empty() {
        vec![]
    } else {
        vec![("dach-webinar".to_string(), open)]
    };
    assert_eq!(seen_by(&org, "ana", 14), expected);

    // Once it launched it is no longer coming.
    org.clock.advance(Duration::days(5));
    assert_eq!(seen_by(&org, "ben", 14), []);
    let unknown = org
        .engine
        .rep_campaigns(org.org, "nobody", Duration::days(14));
    assert!(
        matches!(unknown, Err(EngineError::UnknownRep { .. })),
        "{unknown:?}"
    );
}

/// An engine on the sled store in `dir` reading `clock`, with org `acme`
/// (made on first open), its first-party plug-ins and rep `ana` (DE).
fn open(dir: &std::path::Path, clock: &ManualClock) -> Engine {
    let store = SledStore::open(&dir.join("store"), Durability::Flush).unwrap();
    let plugins = leadhost::plugins::Registry::new();
    plugins
        .activate_builtins("acme", super::support::runtime(), start_time())
        .unwrap();
    let engine = Engine::new(
        Arc::new(store),
        plugins,
        Arc::new(clock.clone()),
        EngineConfig::default(),
    );
    if engine.store().org("acme").unwrap().is_none() {
        engine.create_org("acme", "Acme").unwrap();
        let rep = serde_json::from_value(serde_json::json!({
            "id": "ana", "territories": ["DE"], "capacity": 10
        }))
        .unwrap();
        engine.put_rep("acme", rep).unwrap();
    }
    let notice = AnnouncementSettings {
        campaign_launch: Some(std::time::Duration::from_secs(3 * 24 * 3600)),
    };
    engine.settings().set_announcements("acme", notice);
    engine
}

/// A campaign-launch message: the campaign's id, the targeted leads reps
/// hold, and how many each rep holds.
type Launch = (String, u64, Vec<(String, u64)>);

/// The campaign-launch messages in the outbox.
fn launches(engine: &Engine) -> Vec<Launch> {
    engine
        .store()
        .outbox(1000)
        .unwrap()
        .into_iter()
        .filter_map(|message| match message.kind {
            OutboxKind::CampaignLaunch {
                campaign,
                leads,
                reps,
            } => {
                assert!(message.lead.is_empty(), "about no one lead");
                Some((campaign.id, leads, reps.into_iter().collect()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_launch_is_announced_once_at_its_notice_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let engine = open(dir.path(), &clock);
    let submission = serde_json::from_value(strong("p@northwind.example")).unwrap();
    engine.ingest("acme", submission, "test").unwrap();
    engine
        .create_campaign("acme", campaign("dach-webinar", 5, &["DE"]))
        .unwrap();
    engine
        .create_campaign("acme", campaign("us-push", 20, &["US"]))
        .unwrap();

    assert_eq!(engine.announce_launches("acme").unwrap(), 0, "5 days out");
    clock.set(start_time() + Duration::days(2) - Duration::milliseconds(1));
    assert_eq!(
        engine.announce_launches("acme").unwrap(),
        0,
        "not yet 3 days"
    );
    clock.advance(Duration::milliseconds(1));
    assert_eq!(engine.announce_launches("acme").unwrap(), 1, "3 days ahead");
    let announced = vec![("dach-webinar".to_string(), 1, vec![("ana".to_string(), 1)])];
    assert_eq!(launches(&engine), announced);
    let stored = engine.campaign("acme", "dach-webinar").unwrap();
    assert_eq!(stored.launch_announced_at, Some(clock.now()));
    assert_eq!(engine.announce_launches("acme").unwrap(), 0, "once");

    drop(engine);
    let engine = open(dir.path(), &clock);
    clock.advance(Duration::hours(1));
    assert_eq!(
        engine.announce_launches("acme").unwrap(),
        0,
        "once, after a restart too"
    );
    assert_eq!(launches(&engine), announced);

    // A moved launch is news: announced again at its new notice.
    let first_launch = start_time() + Duration::days(5);
    let moved: Time = start_time() + Duration::days(9);
    let move_to = |at: Time| {
        engine
            .update_campaign("acme", "dach-webinar", |campaign| campaign.launch_at = at)
            .unwrap()
    };
    let stored = move_to(moved);
    assert_eq!(
        stored.announced_launch_at,
        Some(first_launch),
        "what sales was told"
    );
    assert_eq!(engine.announce_launches("acme").unwrap(), 0);
    clock.set(moved - Duration::days(3));
    assert_eq!(engine.announce_launches("acme").unwrap(), 1);
    assert_eq!(launches(&engine).len(), 2);
    // Moved away and back: sales was told this launch; no news.
    move_to(moved + Duration::days(1));
    move_to(moved);
    clock.advance(Duration::hours(2));
    assert_eq!(engine.announce_launches("acme").unwrap(), 0);
    // Moved again: news, but one message an hour at most.
    clock.set(moved - Duration::days(1));
    move_to(moved + Duration::days(1));
    assert_eq!(engine.announce_launches("acme").unwrap(), 1);
    move_to(moved + Duration::days(2));
    assert_eq!(
        engine.announce_launches("acme").unwrap(),
        0,
        "within the hour"
    );
    clock.advance(Duration::hours(1));
    assert_eq!(engine.announce_launches("acme").unwrap(), 1);
    assert_eq!(launches(&engine).len(), 4);
    // A change that leaves the launch alone keeps the announcement.
    engine
        .update_campaign("acme", "dach-webinar", |campaign| {
            campaign.offer = Some("free audit".into())
        })
        .unwrap();
    assert_eq!(engine.announce_launches("acme").unwrap(), 0);
    assert_eq!(launches(&engine).len(), 4);
}

#[test]
fn a_lead_keeps_its_first_campaign_and_its_latest() {
    let org = TestOrg::new();
    let id = org
        .ingest(strong("p@northwind.example"))
        .record
        .id()
        .to_string();
    let mut again = strong("p@northwind.example");
    again["campaign"] = "spring-webinar".into();
    org.ingest(again);
    let record = org.lead(&id);
    assert_eq!(record.lead.campaign.as_deref(), Some("q4-webinar"), "first");
    assert_eq!(record.latest_campaign.as_deref(), Some("spring-webinar"));
    let mut without = strong("p@northwind.example");
    without["campaign"] = serde_json::Value::Null;
    without["title"] = "CTO".into();
    org.ingest(without);
    assert_eq!(
        org.lead(&id).latest_campaign.as_deref(),
        Some("spring-webinar"),
        "a submission naming none leaves the latest"
    );
}

#[test]
fn the_funnel_divides_a_campaigns_budget_by_its_sales_ready_and_won_leads() {
    let org = TestOrg::new();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            org.ingest(strong(&format!("p{n}@northwind.example")))
                .record
                .id()
                .to_string(),
        );
    }
    let feedback = |id: &str, feedback| org.engine.feedback(org.org, id, feedback).unwrap();
    feedback(&ids[0], Feedback::Accept { rep: None });
    feedback(&ids[0], Feedback::Won);
    let budgeted = NewCampaign {
        budget: Some(12_000.0),
        ..campaign("q4-webinar", -30, &[])
    };
    org.engine.create_campaign(org.org, budgeted).unwrap();
    org.engine
        .create_campaign(org.org, campaign("guide", -30, &[]))
        .unwrap();
    let funnel = org.engine.funnel(org.org, Window::default()).unwrap();
    let cost = &funnel.campaign_costs["q4-webinar"];
    assert_eq!((cost.sales_ready, cost.won), (4, 1));
    assert_eq!(cost.per_sales_ready, Some(3_000.0));
    assert_eq!(cost.per_won, Some(12_000.0));
    assert!(
        !funnel.campaign_costs.contains_key("guide"),
        "no budget, no cost"
    );
}
