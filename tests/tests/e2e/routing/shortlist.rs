//! The shortlist a large roster is narrowed to: each first-party policy,
//! as a real component, picks the same rep from it as from the whole
//! roster; through the engine the decision says what was narrowed, and an
//! org can show every rep.

use leadhost::builtin::{CAPACITY_AWARE, ROUND_ROBIN, WEIGHTED};
use leadhost::engine::{RoutingSettings, SHORTLIST_DEFAULT, Wanted, shortlist};
use leadhost::model::{Rep, RouteDecision, RouteInput, Time};
use leadhost::runtime::{CallContext, Slot};
use leadhost::store::{Narrowed, TimelineItem};

use super::super::support::{runtime, start_time};
use super::org;

const TERRITORIES: [&str; 5] = ["DE", "AT", "FR", "US", "NO"];

/// A roster of 17 to 120 reps with every kind of state a policy weighs:
/// full, switched off and away reps, weight 0, ties on time and load.
fn roster(random: &mut fastrand::Rng, now: Time) -> Vec<Rep> {
    (0..random.usize(17..=120))
        .map(|n| {
            let capacity = random.u32(1..=8);
            let mut rep: Rep = serde_json::from_value(serde_json::json!({
                "id": format!("rep-{n:03}"),
                "territories": [TERRITORIES[random.usize(..5)], TERRITORIES[random.usize(..5)]],
                "capacity": capacity,
                "open_leads": random.u32(0..=capacity),
                "weight": random.u32(0..=4),
                "available": random.u8(..10) > 0,
            }))
            .unwrap();
            // Few distinct times, so ties on the wait are common.
            rep.last_assigned_at = match random.u8(..4) {
                0 => None,
                hours => Some(now - chrono::Duration::hours(i64::from(hours))),
            };
            if random.u8(..15) == 0 {
                rep.out_of_office = vec![
                    serde_json::from_value(serde_json::json!({
                        "from": (now - chrono::Duration::days(1)).to_rfc3339(),
                        "until": (now + chrono::Duration::days(1)).to_rfc3339(),
                    }))
                    .unwrap(),
                ];
            }
            rep
        })
        .collect()
}

/// The rep or queue a decision names.
fn destination(decision: &RouteDecision) -> String {
    match decision {
        RouteDecision::Assign { rep, .. } => format!("rep:{rep}"),
        RouteDecision::Queue { queue, .. } => format!("queue:{queue}"),
        RouteDecision::ReturnToMarketing { .. } => "return".into(),
    }
}

#[test]
fn every_first_party_policy_picks_from_the_shortlist_what_it_picks_from_the_whole_roster() {
    let mut random = fastrand::Rng::with_seed(19);
    let base: RouteInput = leadhost_tests::example("eval/route/route.json");
    let context = CallContext::for_org("acme");
    for policy in [ROUND_ROBIN, WEIGHTED, CAPACITY_AWARE] {
        let plugin = runtime()
            .load(policy.name, policy.bytes, Some(Slot::RoutingPolicy))
            .unwrap();
        let mut narrowed = 0;
        for round in 0..150 {
            let now = start_time();
            let reps = roster(&mut random, now);
            let country = (random.u8(..6) > 0).then(|| TERRITORIES[random.usize(..5)]);
            let owner = (random.u8(..4) == 0).then(|| reps[random.usize(..reps.len())].id.clone());
            let mut input = base.clone();
            input.lead.country = country.map(String::from);
            input.account_owner = owner.clone();
            input.now = now;
            let wanted = Wanted {
                country,
                account_owner: owner.as_deref(),
                lapsed: &[],
                now,
                most: SHORTLIST_DEFAULT,
            };
            let whole = RouteInput {
                candidates: reps.iter().map(|rep| rep.as_candidate(now)).collect(),
                ..input.clone()
            };
            let list = shortlist(&reps, &wanted);
            assert!(list.candidates.len() <= SHORTLIST_DEFAULT + 1);
            narrowed += usize::from(list.narrowed.is_some());
            let short = RouteInput {
                candidates: list.candidates,
                ..input
            };
            let from_whole = plugin.call(&context, &whole).unwrap().value;
            let from_short = plugin.call(&context, &short).unwrap().value;
            assert_eq!(
                destination(&from_short),
                destination(&from_whole),
                "{} round {round}: shortlist {:?}",
                policy.name,
                short
                    .candidates
                    .iter()
                    .map(|rep| &rep.id)
                    .collect::<Vec<_>>()
            );
        }
        assert_eq!(narrowed, 150, "every roster is over the limit");
    }
}

/// `count` reps in DE and FR, room for every lead.
fn many(count: usize) -> Vec<(String, u32, u32)> {
    (0..count)
        .map(|n| (format!("rep-{n:04}"), 1 + n as u32 % 3, 1_000))
        .collect()
}

#[test]
fn a_large_roster_reaches_the_policy_as_a_shortlist_and_the_decision_says_so() {
    let reps = many(400);
    let named: Vec<(&str, u32, u32)> = reps
        .iter()
        .map(|(id, w, c)| (id.as_str(), *w, *c))
        .collect();
    let (engine, _dir) = org(ROUND_ROBIN, &named);
    let view = |n: usize| {
        let lead = engine
            .ingest("acme", super::strong(n), "test")
            .unwrap()
            .record;
        assert!(lead.owner.is_some(), "{:?}", lead.stage);
        engine
            .timeline("acme", lead.id())
            .unwrap()
            .into_iter()
            .find_map(|entry| match entry.item {
                TimelineItem::Decision(decision) if decision.slot == Slot::RoutingPolicy => {
                    decision.routing
                }
                _ => None,
            })
            .expect("a routing decision")
    };
    let first = view(0);
    assert_eq!(first.total, SHORTLIST_DEFAULT);
    assert_eq!(
        first.narrowed,
        Some(Narrowed {
            reps: 400,
            eligible: 400
        })
    );

    engine.settings().set_routing(
        "acme",
        RoutingSettings {
            candidates: Some(0),
            ..RoutingSettings::default()
        },
    );
    let whole = view(1);
    assert_eq!((whole.total, whole.narrowed), (400, None));
}
