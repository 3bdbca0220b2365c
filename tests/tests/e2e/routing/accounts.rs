//! Account ownership without a `domain` field: colleagues (same company
//! domain in their e-mails) reach the rep who owns the account; strangers
//! at a free-mail provider never share one. Through the real engine, store
//! and first-party round-robin policy.

use leadhost::store::LeadStage;

use super::super::support::TestOrg;

/// A sales-ready lead from Germany (ana and ben cover DE), with no `domain`.
fn german(org: &TestOrg, email: &str) -> (String, Option<String>) {
    let record = org
        .ingest(serde_json::json!({
            "email": email, "country": "DE",
            "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 30
        }))
        .record;
    let owner = match record.stage {
        LeadStage::Assigned { rep } => Some(rep),
        other => panic!("{email} was not assigned: {other:?}"),
    };
    (record.lead.id, owner)
}

/// The routing decision's reasons on a lead's timeline.
fn reasons(org: &TestOrg, lead: &str) -> Vec<String> {
    org.timeline(lead)
        .iter()
        .filter_map(|entry| entry.decision())
        .flat_map(|decision| decision.reasons.clone())
        .collect()
}

#[test]
fn colleagues_reach_the_account_owner_without_a_domain_field() {
    let org = TestOrg::new();
    let (anna, first) = german(&org, "anna@kranwerk.example");
    assert_eq!(
        org.lead(&anna).lead.domain.as_deref(),
        Some("kranwerk.example"),
        "the domain is taken from the e-mail"
    );
    for colleague in [
        "ben@kranwerk.example",
        "Carl@Kranwerk.Example",
        "dora@kranwerk.example",
    ] {
        let (lead, owner) = german(&org, colleague);
        assert_eq!(owner, first, "{colleague} goes to the account's owner");
        assert!(
            reasons(&org, &lead)
                .iter()
                .any(|reason| reason == "account owner of kranwerk.example"),
            "{colleague}: {:?}",
            reasons(&org, &lead)
        );
    }
}

#[test]
fn strangers_at_a_free_mail_provider_are_not_one_account() {
    let org = TestOrg::new();
    let (kim, first) = german(&org, "kim.schmidt@gmail.com");
    assert_eq!(org.lead(&kim).lead.domain, None, "gmail.com is no company");
    let (lee, second) = german(&org, "lee.wagner@gmail.com");
    assert_ne!(first, second, "round robin, not an account owner");
    assert!(
        !reasons(&org, &lee)
            .iter()
            .any(|reason| reason.contains("account owner")),
        "{:?}",
        reasons(&org, &lee)
    );
    // Even clients that send the provider as the domain make no account.
    let sent = |email: &str| {
        let record = org
            .ingest(serde_json::json!({
                "email": email, "domain": "gmx.de", "country": "DE",
                "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 30
            }))
            .record;
        assert_eq!(
            record.lead.domain.as_deref(),
            Some("gmx.de"),
            "kept as sent"
        );
        match record.stage {
            LeadStage::Assigned { rep } => rep,
            other => panic!("{email} was not assigned: {other:?}"),
        }
    };
    assert_ne!(
        sent("uwe@gmx.de"),
        sent("vera@gmx.de"),
        "no account by gmx.de"
    );
}
