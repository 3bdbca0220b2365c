//! Two WIT versions side by side: a component built against the published
//! `0.1.0` and one built against the test-only `0.1.1` (`tests/wit/v0.1.1`,
//! 0.1.0 plus an optional `note` on the qualification) both load and
//! decide, and each decision records the version that answered.

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::model::Stage;
use leadhost::runtime::{CallContext, Slot, WitVersion, supported_wit_versions};
use leadhost::store::StageKind;
use leadhost_tests::fixtures;

use super::support::{TestOrg, load, runtime, strong, strong_lead};

#[test]
fn components_built_against_0_1_0_and_0_1_1_both_load_and_decide() {
    assert_eq!(supported_wit_versions(), "0.2.0, 0.1.1, 0.1.0");
    assert_eq!(
        WitVersion::ALL,
        [WitVersion::V0_2_0, WitVersion::V0_1_1, WitVersion::V0_1_0]
    );
    let published = runtime()
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .expect("a 0.1.0 component loads");
    let next = load(
        runtime(),
        fixtures::FIXTURE_WIT_0_1_1_PATH,
        Slot::LeadDefinition,
    );
    assert_eq!(published.wit_version(), "0.1.0");
    assert_eq!(next.wit_version(), "0.1.1");

    let context = CallContext::for_org("acme");
    let verdict = published
        .qualify(&context, &strong_lead())
        .expect("0.1.0 decides");
    assert_eq!(verdict.value.stage, Stage::SalesReady);
    let verdict = next
        .qualify(&context, &strong_lead())
        .expect("0.1.1 decides");
    assert_eq!(verdict.value.stage, Stage::Nurture);
    assert_eq!(verdict.value.score, 42);
    // The field 0.1.1 added crossed the boundary: its note is the last reason.
    assert_eq!(
        verdict.value.reasons.last().map(String::as_str),
        Some("noted by WIT 0.1.1"),
        "{:?}",
        verdict.value.reasons
    );
}

#[test]
fn each_decision_records_the_wit_version_that_answered() {
    let org = TestOrg::new();
    let before = org.ingest(strong("dana@northwind.example"));
    let before = before.record.id().to_string();
    org.activate(
        load(
            runtime(),
            fixtures::FIXTURE_WIT_0_1_1_PATH,
            Slot::LeadDefinition,
        ),
        Default::default(),
    );
    let after = org.ingest(strong("erik@contoso.example"));
    let after = after.record.id().to_string();

    let qualified_by = |lead: &str| {
        org.timeline(lead)
            .iter()
            .filter_map(|entry| entry.decision())
            .find(|decision| decision.slot == Slot::LeadDefinition)
            .map(|decision| (decision.plugin.clone(), decision.wit_version.clone()))
            .expect("the lead was qualified")
    };
    assert_eq!(
        qualified_by(&before),
        ("bant-qualifier".to_string(), "0.1.0".to_string())
    );
    assert_eq!(
        qualified_by(&after),
        ("fixture_wit_0_1_1".to_string(), "0.1.1".to_string())
    );
    // The 0.1.1 verdict moved the lead, and the 0.1.0 nurture track took
    // it from there, handed the qualification in its own version's shape.
    assert_eq!(org.lead(&after).stage.kind(), StageKind::Nurturing);
    let nurtured_by = org
        .timeline(&after)
        .iter()
        .filter_map(|entry| entry.decision())
        .find(|decision| decision.slot == Slot::NurtureTrack)
        .map(|decision| decision.wit_version.clone());
    assert_eq!(nurtured_by.as_deref(), Some("0.1.0"));
}
