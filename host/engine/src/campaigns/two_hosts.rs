//! Campaigns written by several hosts on one PostgreSQL database: an id is
//! taken once, edits of different fields both land, and a launch is
//! announced once however many hosts look at the same moment.

use std::sync::Arc;

use super::NewCampaign;
use crate::clock::ManualClock;
use crate::model::{Campaign, CampaignTarget, Time};
use crate::registry::Registry;
use crate::store::OutboxKind;
use crate::{Engine, EngineConfig, EngineError};
use leadhost_store_postgres::PostgresStore;

const HOSTS: usize = 4;

fn at(text: &str) -> Time {
    text.parse().unwrap()
}

/// `HOSTS` engines on the database `url`, each with its own connection
/// pool and the one clock; the first makes org `acme`.
fn hosts(url: &str, clock: &ManualClock) -> Vec<Engine> {
    let hosts: Vec<Engine> = (0..HOSTS)
        .map(|_| {
            Engine::new(
                Arc::new(PostgresStore::open(url).unwrap()),
                Registry::new(),
                Arc::new(clock.clone()),
                EngineConfig::default(),
            )
        })
        .collect();
    hosts[0].create_org("acme", "Acme").unwrap();
    hosts
}

fn webinar(id: &str) -> NewCampaign {
    NewCampaign {
        id: Some(id.into()),
        name: "Webinar".into(),
        channel: None,
        offer: None,
        launch_at: at("2026-12-10T09:00:00Z"),
        end_at: None,
        owner: None,
        budget: None,
        target: CampaignTarget::default(),
    }
}

#[test]
fn hosts_on_one_database_take_an_id_once_keep_each_edit_and_announce_once() {
    let url = leadhost_store_postgres::test_server::database();
    let clock = ManualClock::new(at("2026-12-02T09:00:00Z"));
    let hosts = hosts(&url, &clock);

    for round in 0..5 {
        let id = format!("race-{round}");
        let results: Vec<Result<Campaign, EngineError>> = std::thread::scope(|scope| {
            let racing: Vec<_> = hosts
                .iter()
                .map(|host| scope.spawn(|| host.create_campaign("acme", webinar(&id))))
                .collect();
            racing
                .into_iter()
                .map(|race| race.join().unwrap())
                .collect()
        });
        let created = results.iter().filter(|result| result.is_ok()).count();
        assert_eq!(created, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .all(|result| matches!(result, Ok(_) | Err(EngineError::CampaignExists { .. }))),
            "{results:?}"
        );
    }

    // Two hosts edit different fields of one campaign at once: each edit
    // runs again on what the other wrote, so both last values stand.
    const EDITS: usize = 30;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for n in 0..EDITS {
                hosts[0]
                    .update_campaign("acme", "race-0", |campaign| {
                        campaign.offer = Some(format!("offer {n}"))
                    })
                    .unwrap();
            }
        });
        scope.spawn(|| {
            for n in 0..EDITS {
                hosts[1]
                    .update_campaign("acme", "race-0", |campaign| {
                        campaign.owner = Some(format!("owner {n}"))
                    })
                    .unwrap();
            }
        });
    });
    let both = hosts[2].campaign("acme", "race-0").unwrap();
    let last = EDITS - 1;
    assert_eq!(both.offer, Some(format!("offer {last}")));
    assert_eq!(both.owner, Some(format!("owner {last}")));

    // Every host looks for launches to announce at the same moment.
    clock.set(at("2026-12-05T09:00:00Z"));
    let announced: usize = std::thread::scope(|scope| {
        let looking: Vec<_> = hosts
            .iter()
            .map(|host| scope.spawn(|| host.announce_launches("acme").unwrap()))
            .collect();
        looking.into_iter().map(|look| look.join().unwrap()).sum()
    });
    assert_eq!(
        announced, 5,
        "each of the five campaigns once, by one host or another"
    );
    let messages = hosts[0].store().outbox(100).unwrap();
    let mut launched: Vec<String> = messages
        .into_iter()
        .filter_map(|message| match message.kind {
            OutboxKind::CampaignLaunch { campaign, .. } => Some(campaign.id),
            _ => None,
        })
        .collect();
    launched.sort();
    let expected: Vec<String> = (0..5).map(|round| format!("race-{round}")).collect();
    assert_eq!(launched, expected, "one message each");
}
