//! WIT 0.2.0 beside 0.1.0: a 0.1.0 lead definition in one org and a 0.2.0
//! one in another, each deciding and recording its version; the 0.2.0 one
//! handed the lead's campaign context (first, latest and targeting
//! campaigns) and its previous qualification, the 0.1.0 one neither; both
//! replay identically.

use std::sync::Arc;

use chrono::Duration;
use leadhost::clock::ManualClock;
use leadhost::engine::NewCampaign;
use leadhost::model::{CampaignTarget, Stage};
use leadhost::runtime::Slot;
use leadhost::setup::{Host, Options};
use leadhost::store::Decision;
use leadhost_tests::fixtures;

use super::support::start_time;

fn campaign(id: &str, channel: &str, launch_in_days: i64, countries: &[&str]) -> NewCampaign {
    NewCampaign {
        id: Some(id.into()),
        name: id.replace('-', " "),
        channel: Some(channel.into()),
        offer: None,
        launch_at: start_time() + Duration::days(launch_in_days),
        end_at: None,
        owner: None,
        budget: None,
        target: CampaignTarget {
            countries: countries.iter().map(|code| code.to_string()).collect(),
            ..CampaignTarget::default()
        },
    }
}

/// The lead-definition decisions of `org`'s lead `email`, oldest first,
/// with their timeline sequence.
fn qualified(host: &Host, org: &str, email: &str) -> (String, Vec<(u64, Decision)>) {
    let id = host
        .engine
        .store()
        .lead_by_email(org, email)
        .unwrap()
        .unwrap();
    let decisions = host
        .engine
        .timeline(org, &id)
        .unwrap()
        .into_iter()
        .filter_map(|entry| {
            let decision = entry.decision()?.clone();
            (decision.slot == Slot::LeadDefinition).then_some((entry.seq, decision))
        })
        .collect();
    (id, decisions)
}

#[test]
fn a_0_1_0_and_a_0_2_0_lead_definition_decide_side_by_side_and_only_0_2_0_sees_campaigns() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let host =
        Host::open_with_clock(dir.path(), Options::default(), Arc::new(clock.clone())).unwrap();
    for org in ["old", "new"] {
        host.create_org(org, org).unwrap();
        for new in [
            campaign("spring-webinar", "webinar", -5, &["DE", "AT"]),
            campaign("trade-show", "event", 10, &["DE"]),
            campaign("us-roadshow", "event", 10, &["US"]),
            campaign("next-year", "event", 300, &["DE"]),
        ] {
            host.engine.create_campaign(org, new).unwrap();
        }
    }
    let component = std::fs::read(fixtures::FIXTURE_WIT_0_2_0_PATH).unwrap();
    host.plugins
        .install("new", Slot::LeadDefinition, "campaign-aware", &component)
        .unwrap();

    let lead = serde_json::json!({
        "email": "jonas@weber.example", "country": "DE", "campaign": "spring-webinar",
        "budget": 90000, "authority": "decision-maker", "need": "high", "timeline_days": 20
    });
    for org in ["old", "new"] {
        let submission = serde_json::from_value(lead.clone()).unwrap();
        host.engine.ingest(org, submission, "test").unwrap();
    }
    let (_, old) = qualified(&host, "old", "jonas@weber.example");
    let (_, new) = qualified(&host, "new", "jonas@weber.example");
    assert_eq!(old[0].1.wit_version, "0.1.0");
    assert_eq!(new[0].1.wit_version, "0.2.0");
    assert_eq!(new[0].1.plugin, "campaign-aware");
    assert_eq!(
        new[0].1.reasons,
        [
            "campaign spring-webinar (webinar): first, latest, targeted",
            "campaign trade-show (event): targeted",
        ],
        "one entry per campaign, naming each touch; the US and next year's campaigns left out"
    );
    // What each was handed, as recorded: campaigns for 0.2.0 only.
    let recorded = |org: &str, decision: &Decision| {
        let input = host
            .engine
            .store()
            .input(org, &decision.input_digest)
            .unwrap()
            .expect("the input is kept");
        serde_json::from_slice::<serde_json::Value>(&input.json).unwrap()
    };
    let seen = recorded("new", &new[0].1);
    assert_eq!(
        seen["campaigns"][0]["touches"],
        serde_json::json!(["first", "latest", "targeted"]),
        "{seen}"
    );
    assert!(recorded("old", &old[0].1).get("campaigns").is_none());

    // A nurtured lead comes back: the 0.2.0 definition is handed its
    // previous verdict, and the campaign that brought it back.
    let researcher = serde_json::json!({"email": "ida@fjord.example", "country": "NO"});
    let submission = serde_json::from_value(researcher).unwrap();
    host.engine.ingest("new", submission, "test").unwrap();
    let (id, first) = qualified(&host, "new", "ida@fjord.example");
    assert_eq!(
        first[0].1.reasons,
        Vec::<String>::new(),
        "no campaign targets Norway; no previous verdict"
    );
    clock.advance(Duration::hours(1));
    let again = serde_json::json!({"email": "ida@fjord.example", "campaign": "spring-webinar"});
    host.engine
        .ingest("new", serde_json::from_value(again).unwrap(), "test")
        .unwrap();
    let (_, both) = qualified(&host, "new", "ida@fjord.example");
    let last = &both.last().unwrap().1;
    assert_eq!(
        last.reasons,
        [
            "campaign spring-webinar (webinar): first, latest",
            "previously nurture at 30",
        ]
    );
    assert_eq!(
        host.engine
            .lead("new", &id)
            .unwrap()
            .qualification
            .unwrap()
            .stage,
        Stage::SalesReady,
        "the webinar made it sales-ready"
    );

    // Every decision of both orgs replays identically, each by its version.
    for (org, decisions) in [("old", &old), ("new", &new), ("new", &both)] {
        let lead = &decisions[0].1.lead;
        for (seq, _) in decisions.iter() {
            let replayed = host.plugins.replay(org, lead, *seq).unwrap();
            assert!(replayed.identical, "{org} {seq}: {replayed:?}");
        }
    }
}
