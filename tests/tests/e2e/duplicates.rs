//! The duplicate rule (WIT 0.2.0 `match`) on real components: the
//! first-party `standard-matching` merges a sure duplicate as it comes in,
//! holds a likely one for review (merge or dismiss, a dismissed pair never
//! proposed again), takes a colleague as a lead of its own, and links a
//! lead it found at an owned account to that owner for routing; a hostile
//! rule never loses the incoming lead.

use leadhost::builtin::{BANT_QUALIFIER, STANDARD_MATCHING};
use leadhost::engine::MatchingSettings;
use leadhost::model::Config;
use leadhost::runtime::Slot;
use leadhost::store::{EventKind, LeadStage, StageKind};

use leadhost_tests::fixtures;

use super::support::{TestOrg, load, runtime, strong};

/// A test org whose duplicate-rule slot runs `standard-matching`.
fn matching_org() -> TestOrg {
    let org = TestOrg::new();
    org.activate_builtin(STANDARD_MATCHING);
    org
}

/// A strong lead from Northwind, named.
fn northwind(email: &str, name: Option<&str>) -> serde_json::Value {
    let mut lead = strong(email);
    if let Some(name) = name {
        lead["name"] = name.into();
    }
    lead
}

/// The lead a `duplicate-merged` event on `into`'s timeline names, last first.
fn merged_in(org: &TestOrg, into: &str) -> Vec<(String, String, String)> {
    org.timeline(into)
        .iter()
        .rev()
        .filter_map(|entry| match entry.event().map(|event| &event.kind) {
            Some(EventKind::DuplicateMerged {
                duplicate,
                email,
                by,
                ..
            }) => Some((duplicate.clone(), email.clone(), by.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_sure_duplicate_is_merged_a_likely_one_reviewed_and_a_dismissed_pair_never_proposed_again() {
    let org = matching_org();
    let mut first = northwind("jonas.weber@northwind.example", Some("Jonas Weber"));
    first["phone"] = "+49 30 1234 5678".into();
    let jonas = org.ingest(first).record;
    let owner = jonas.owner.clone().expect("a strong DE lead is assigned");

    // The same address but for a dot and a tag, the same name: merged as
    // it comes in, into jonas, as a re-submission of it.
    let mut again = northwind("jonasweber+events@northwind.example", Some("Jonas Weber"));
    again["title"] = "Head of Logistics".into();
    let merged = org.ingest(again);
    assert!(!merged.created, "no new lead");
    assert_eq!(merged.record.id(), jonas.id());
    assert_eq!(
        merged.record.lead.title.as_deref(),
        Some("Head of Logistics")
    );
    assert_eq!(
        merged.record.owner.as_deref(),
        Some(owner.as_str()),
        "still its owner's"
    );
    let [(tombstone, email, by)] = &merged_in(&org, jonas.id())[..] else {
        panic!("one merge on {:#?}", org.timeline(jonas.id()));
    };
    assert_eq!(
        (email.as_str(), by.as_str()),
        ("jonasweber+events@northwind.example", "rule")
    );
    let closed = org.lead(tombstone);
    assert_eq!(closed.stage.kind(), StageKind::Discarded, "accounted for");
    assert_eq!(closed.matching.merged_into.as_deref(), Some(jonas.id()));
    let decision = org
        .timeline(tombstone)
        .iter()
        .find_map(|entry| entry.decision().cloned());
    let decision = decision.expect("the rule's decision is on the duplicate's timeline");
    assert_eq!(
        (decision.slot, decision.wit_version.as_str()),
        (Slot::DuplicateRule, "0.2.0")
    );
    // Out of the index: the merged record is nobody's candidate.
    let keys = leadhost::engine::blocking_keys(&closed.lead);
    let indexed = org
        .engine
        .store()
        .leads_by_match_keys(org.org, &keys, 50)
        .unwrap();
    assert!(
        indexed.iter().all(|(_, lead)| lead != tombstone),
        "{indexed:?}"
    );
    // Its address finds jonas from now on.
    let resent = org.ingest(northwind("jonasweber+events@northwind.example", None));
    assert_eq!(resent.record.id(), jonas.id());

    // An initial for the first name alone: likely (0.85), held for review.
    let held = org
        .ingest(northwind("j.weber@northwind.example", None))
        .record;
    assert!(held.owner.is_none(), "not sent to sales: {:?}", held.stage);
    let LeadStage::NeedsReview { slot, code, .. } = &held.stage else {
        panic!("held for review: {:?}", held.stage);
    };
    assert_eq!(
        (*slot, code.as_str()),
        (Slot::DuplicateRule, "possible-duplicate")
    );
    let reviews = org.engine.duplicate_reviews(org.org).unwrap();
    assert_eq!(reviews.len(), 1, "{reviews:#?}");
    assert_eq!(
        (reviews[0].id.as_str(), reviews[0].candidate.id.as_str()),
        (held.id(), jonas.id())
    );
    assert_eq!(reviews[0].confidence, 0.85);
    // Its own address with a tag comes in meanwhile: merged into it.
    let tagged = org.ingest(northwind("j.weber+x@northwind.example", None));
    assert_eq!(
        tagged.record.id(),
        held.id(),
        "the same address but for a tag"
    );
    let into = org
        .engine
        .merge_duplicate(org.org, held.id(), Some(jonas.id()))
        .unwrap();
    assert_eq!(into.id(), jonas.id());
    assert_eq!(
        merged_in(&org, jonas.id())[0],
        (
            held.id().to_string(),
            "j.weber@northwind.example".into(),
            "review".into()
        )
    );
    assert_eq!(
        org.lead(held.id()).matching.merged_into.as_deref(),
        Some(jonas.id())
    );
    assert!(org.engine.duplicate_reviews(org.org).unwrap().is_empty());
    let again = org.engine.merge_duplicate(org.org, held.id(), None);
    assert!(
        matches!(
            again,
            Err(leadhost::engine::EngineError::NoDuplicateReview { .. })
        ),
        "{again:?}"
    );
    assert_eq!(
        org.ingest(northwind("j.weber@northwind.example", None))
            .record
            .id(),
        jonas.id(),
        "its address finds jonas"
    );
    assert_eq!(
        org.ingest(northwind("j.weber+x@northwind.example", None))
            .record
            .id(),
        jonas.id(),
        "so does the one merged into it: merges are followed"
    );

    // Another variant, held, then dismissed: the rule runs again without
    // jonas, and the lead goes on to qualification as a lead of its own.
    let other = org
        .ingest(northwind("j_weber@northwind.example", None))
        .record;
    assert_eq!(other.stage.kind(), StageKind::NeedsReview);
    let released = org
        .engine
        .dismiss_duplicate(org.org, other.id(), None)
        .unwrap();
    assert_eq!(released.id(), other.id());
    assert_ne!(
        released.stage.kind(),
        StageKind::NeedsReview,
        "not proposed again"
    );
    assert_eq!(released.matching.dismissed, [jonas.id().to_string()]);
    assert!(org.timeline(other.id()).iter().any(|entry| matches!(
        entry.event().map(|event| &event.kind),
        Some(EventKind::DuplicateDismissed { candidate }) if candidate == jonas.id()
    )));
    // A colleague at the account (0.3) is a lead of its own.
    let colleague = org.ingest(northwind(
        "mara.klein@northwind.example",
        Some("Mara Klein"),
    ));
    assert!(colleague.created);
    assert_eq!(colleague.record.matching.merged_into, None);
    assert_ne!(colleague.record.stage.kind(), StageKind::NeedsReview);
}

#[test]
fn a_lead_the_rule_links_to_an_owned_account_goes_to_its_owner() {
    let org = matching_org();
    // Below review: the rule's link to jonas (the same phone, 0.8) only
    // routes.
    org.engine.settings().set_matching(
        org.org,
        MatchingSettings {
            merge_at: Some(0.95),
            review_at: Some(0.9),
        },
    );
    let mut first = northwind("jonas.weber@northwind.example", Some("Jonas Weber"));
    first["phone"] = "+49 30 1234 5678".into();
    let jonas = org.ingest(first).record;
    let owner = jonas.owner.clone().expect("assigned");
    // Several leads of other accounts first, so the next in turn is not
    // jonas's owner by chance.
    for n in 0..3 {
        let mut lead = strong(&format!("buyer{n}@c{n}.example"));
        lead["domain"] = format!("c{n}.example").into();
        org.ingest(lead);
    }
    // From a free-mail address: no account domain, only the phone.
    let mut private = strong("jw.private@gmail.com");
    private.as_object_mut().unwrap().remove("domain");
    private["phone"] = "030 / 1234 5678".into();
    let linked = org.ingest(private).record;
    assert_eq!(linked.matching.account_lead.as_deref(), Some(jonas.id()));
    assert_eq!(
        linked.owner.as_deref(),
        Some(owner.as_str()),
        "{:?}",
        linked.stage
    );
    let route = org
        .timeline(linked.id())
        .iter()
        .filter_map(|entry| entry.decision().cloned())
        .find(|decision| decision.slot == Slot::RoutingPolicy)
        .expect("routed");
    assert!(
        route
            .reasons
            .iter()
            .any(|reason| reason.contains("account owner")),
        "{:?}",
        route.reasons
    );
}

#[test]
fn a_hostile_rule_never_loses_the_incoming_lead_nor_merges_into_a_lead_it_was_not_shown() {
    let org = TestOrg::new();
    let hostile = load(
        runtime(),
        fixtures::FIXTURE_HOSTILE_MATCHER_PATH,
        Slot::DuplicateRule,
    );
    org.activate(hostile, Config::new());
    let mut base = strong("someone@acme-h.example");
    base["domain"] = "acme-h.example".into();
    let base = org.ingest(base).record;
    let at = |local: &str| {
        let mut lead = strong(&format!("{local}@acme-h.example"));
        lead["domain"] = "acme-h.example".into();
        lead
    };
    for (local, code) in [("trap", "trap"), ("loop", ""), ("flood", "")] {
        let kept = org.ingest(at(local));
        assert!(kept.created, "{local}");
        let stored = org.lead(kept.record.id());
        let LeadStage::NeedsReview {
            slot,
            code: found,
            error,
        } = &stored.stage
        else {
            panic!("{local}: kept for review, got {:?}", stored.stage);
        };
        assert_eq!(*slot, Slot::DuplicateRule, "{local}");
        assert!(
            code.is_empty() || found == code,
            "{local}: {found}: {error}"
        );
        assert_eq!(stored.matching.merged_into, None, "{local}");
    }
    // Naming itself (a lead it was not shown) with full confidence: the
    // host takes only candidates, so the lead goes on as its own.
    let stranger = org.ingest(at("stranger")).record;
    assert_eq!(stranger.matching.merged_into, None);
    assert_ne!(
        stranger.stage.kind(),
        StageKind::NeedsReview,
        "{:?}",
        stranger.stage
    );
    assert_eq!(org.lead(base.id()).matching.merged_into, None);

    // With a well-behaved rule in the slot, a kept lead is re-run.
    org.activate_builtin(STANDARD_MATCHING);
    let trapped = org
        .engine
        .leads(org.org, &Default::default())
        .unwrap()
        .leads
        .into_iter()
        .find(|record| record.lead.email.starts_with("trap@"))
        .expect("the trapped lead is kept");
    let settled = org.engine.retry(org.org, trapped.id()).unwrap();
    assert_ne!(
        settled.stage.kind(),
        StageKind::NeedsReview,
        "{:?}",
        settled.stage
    );
}

#[test]
fn a_duplicate_rule_is_a_world_of_0_2_0_only() {
    let refused = runtime()
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::DuplicateRule),
        )
        .unwrap_err();
    assert!(refused.to_string().contains("duplicate-rule"), "{refused}");
    let plugin = runtime()
        .load(
            STANDARD_MATCHING.name,
            STANDARD_MATCHING.bytes,
            Some(Slot::DuplicateRule),
        )
        .unwrap();
    assert_eq!(plugin.wit_version(), "0.2.0");
    let cases = leadhost::plugins::read_cases(
        &leadhost_tests::examples_dir()
            .join("../plugins/standard-matching/standard-matching.cases.json"),
    )
    .unwrap();
    let results = leadhost::plugins::run_cases(&plugin, &cases, &Config::new());
    assert_eq!(results.len(), 3);
    for result in results {
        assert_eq!(
            result.failure, None,
            "case {} {}: {:?}",
            result.number, result.name, result.answer
        );
    }
}
