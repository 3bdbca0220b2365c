//! Campaigns: kept per org by id, replaced whole, through a restart.

use super::{Harness, at};
use crate::Store;
use leadhost_model::{Campaign, CampaignTarget};

/// Two campaigns of `org`: a webinar launching on 2026-12-10 with a
/// target and a budget, and a bare e-mail campaign.
pub(super) fn campaigns(org: &str) -> Vec<Campaign> {
    vec![
        Campaign {
            id: "webinar".into(),
            name: format!("{org} spring webinar"),
            channel: Some("webinar".into()),
            offer: Some("free audit".into()),
            launch_at: at("2026-12-10T09:00:00Z"),
            end_at: Some(at("2026-12-20T18:00:00Z")),
            owner: Some("marketing".into()),
            budget: Some(12_000.0),
            target: CampaignTarget {
                countries: vec!["DE".into(), "AT".into()],
                company_size_min: Some(50),
                company_size_max: Some(500),
                titles: vec!["Head of Sales".into()],
                ..CampaignTarget::default()
            },
            archived_at: None,
            launch_announced_at: None,
            announced_launch_at: None,
        },
        Campaign {
            id: "newsletter".into(),
            name: "Newsletter".into(),
            channel: None,
            offer: None,
            launch_at: at("2026-11-01T09:00:00Z"),
            end_at: None,
            owner: None,
            budget: None,
            target: CampaignTarget::default(),
            archived_at: None,
            launch_announced_at: None,
            announced_launch_at: None,
        },
    ]
}

/// A campaign reads back as put, by id, in its own org only; putting one
/// with the same id replaces it; they survive a restart.
pub fn campaigns_are_kept_per_org_by_id(harness: &mut impl Harness) {
    let store = harness.fresh();
    for campaign in campaigns("acme") {
        store.put_campaign("acme", &campaign).expect("put");
    }
    store
        .put_campaign("acme-2", &campaigns("acme-2")[1])
        .expect("put in another org");
    let mut expected = campaigns("acme");
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(store.campaigns("acme").expect("read"), expected);
    assert_eq!(store.campaigns("acme-2").expect("read").len(), 1);
    assert_eq!(store.campaigns("nobody").expect("read"), []);

    let mut archived = expected[1].clone();
    archived.archived_at = Some(at("2026-12-02T09:00:00Z"));
    store.put_campaign("acme", &archived).expect("replace");
    let store = harness.reopen(store);
    let read = store.campaigns("acme").expect("read");
    assert_eq!(read.len(), 2);
    assert_eq!(read[1], archived, "replaced, and durable");
}

/// A campaign is written only over the campaign its writer read: an id is
/// created once, a stale edit writes nothing, and a launch's outbox
/// message lands with the campaign or not at all.
pub fn a_campaign_is_written_only_as_read(harness: &mut impl Harness) {
    use crate::{OutboxKind, OutboxMessage};
    let store = harness.fresh();
    let [webinar, newsletter] = <[Campaign; 2]>::try_from(campaigns("acme")).unwrap();
    assert!(
        store
            .put_campaign_as_read("acme", &webinar, None, &[])
            .unwrap()
    );
    let mut theirs = webinar.clone();
    theirs.name = "Taken".into();
    assert!(
        !store
            .put_campaign_as_read("acme", &theirs, None, &[])
            .unwrap(),
        "the id is taken"
    );
    assert!(
        store
            .put_campaign_as_read("acme-2", &theirs, None, &[])
            .unwrap(),
        "in another org it is free"
    );

    let mut announced = webinar.clone();
    announced.launch_announced_at = Some(at("2026-12-07T09:00:00Z"));
    let message = OutboxMessage {
        org: "acme".into(),
        lead: String::new(),
        at: at("2026-12-07T09:00:00Z"),
        kind: OutboxKind::CampaignLaunch {
            campaign: Box::new(announced.clone()),
            leads: 2,
            reps: [("ana".to_string(), 2)].into(),
        },
    };
    let stale = newsletter.clone();
    assert!(
        !store
            .put_campaign_as_read(
                "acme",
                &announced,
                Some(&stale),
                std::slice::from_ref(&message)
            )
            .unwrap(),
        "read as another campaign"
    );
    assert_eq!(store.outbox(10).unwrap(), [], "nothing of it written");
    assert!(
        store
            .put_campaign_as_read(
                "acme",
                &announced,
                Some(&webinar),
                std::slice::from_ref(&message)
            )
            .unwrap()
    );
    assert!(
        !store
            .put_campaign_as_read(
                "acme",
                &announced,
                Some(&webinar),
                std::slice::from_ref(&message)
            )
            .unwrap(),
        "a second announcer read it before the first wrote"
    );
    let store = harness.reopen(store);
    assert_eq!(store.outbox(10).unwrap(), [message], "sent once, durable");
    assert_eq!(store.campaigns("acme").unwrap(), [announced]);
    assert!(
        !store
            .put_campaign_as_read("acme", &newsletter, Some(&newsletter), &[])
            .unwrap(),
        "an edit of a campaign that is not there"
    );
}
