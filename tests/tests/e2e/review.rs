//! A plug-in that fails never loses a lead: the lead is stored in
//! needs-review with the error, the failed call is on its timeline, and it
//! moves on when the step is re-run with a working plug-in.

use leadhost::builtin::{BANT_QUALIFIER, ROUND_ROBIN, STANDARD_NURTURE};
use leadhost::model::{Config, Scalar};
use leadhost::runtime::{Limits, Runtime, Slot};
use leadhost::store::{LeadStage, Outcome, StageKind};
use leadhost_tests::fixtures;

use super::support::{TestOrg, almost, assert_provenance, load, runtime, runtime_with, strong};

/// Checks that `id` waits in needs-review for `slot` with `code`, the
/// failure recorded as a decision naming the plug-in (unless none was
/// configured), then re-runs it with `fix` active and checks it moves on.
fn assert_reviewed_then_fixed(
    org: &TestOrg,
    id: &str,
    slot: Slot,
    code: &str,
    fix: leadhost::builtin::Builtin,
) {
    let record = org.lead(id);
    let LeadStage::NeedsReview {
        slot: failed,
        code: found,
        error,
    } = &record.stage
    else {
        panic!("expected needs-review, got {:?}", record.stage);
    };
    assert_eq!((*failed, found.as_str()), (slot, code), "{error}");
    let timeline = org.timeline(id);
    let failures: Vec<_> = timeline
        .iter()
        .filter_map(|entry| entry.decision())
        .filter_map(|decision| match &decision.outcome {
            Outcome::Failed { code, error } => Some((decision, code.clone(), error.clone())),
            Outcome::Decided { .. } => None,
        })
        .collect();
    if code == "none-configured" {
        assert!(failures.is_empty());
        assert!(
            error.contains(&format!("no {slot} plug-in active")),
            "{error}"
        );
    } else {
        let (decision, failed_code, failed_error) =
            failures.last().expect("the failed call is recorded");
        assert_eq!((decision.slot, failed_code.as_str()), (slot, code));
        assert_eq!(failed_error, error);
        assert!(
            error.contains(&decision.plugin_hash.short()),
            "the error names the version: {error}"
        );
        assert_provenance(org, id, &timeline);
    }
    org.activate_builtin(fix);
    let fixed = org.engine.retry(org.org, id).expect("re-run");
    assert_ne!(
        fixed.stage.kind(),
        StageKind::NeedsReview,
        "{:?}",
        fixed.stage
    );
    assert!(org.timeline(id).len() > timeline.len());
}

fn failing_definition(runtime: &Runtime, path: &str, email: &str, code: &str) {
    let org = TestOrg::new();
    org.activate(load(runtime, path, Slot::LeadDefinition), Config::new());
    let ingested = org.ingest(strong(email));
    assert!(
        ingested.created,
        "the lead is stored even though its qualification failed"
    );
    let id = ingested.record.id().to_string();
    assert_reviewed_then_fixed(&org, &id, Slot::LeadDefinition, code, BANT_QUALIFIER);
    assert_eq!(org.lead(&id).stage.kind(), StageKind::Assigned);
}

#[test]
fn a_trapping_definition_leaves_the_lead_in_review() {
    failing_definition(
        runtime(),
        fixtures::FIXTURE_PANIC_PATH,
        "trap@northwind.example",
        "trap",
    );
}

#[test]
fn a_definition_out_of_fuel_leaves_the_lead_in_review() {
    failing_definition(
        runtime(),
        fixtures::FIXTURE_INFINITE_LOOP_PATH,
        "loop@northwind.example",
        "out-of-fuel",
    );
}

#[test]
fn a_definition_over_its_memory_leaves_the_lead_in_review() {
    // A smaller memory limit than the default, so the bomb hits it before its fuel runs out.
    let runtime = runtime_with(Limits {
        memory_bytes: 16 << 20,
        ..Limits::default()
    });
    failing_definition(
        &runtime,
        fixtures::FIXTURE_MEMORY_BOMB_PATH,
        "bomb@northwind.example",
        "memory-limit",
    );
}

#[test]
fn a_definition_answering_too_much_leaves_the_lead_in_review() {
    failing_definition(
        runtime(),
        fixtures::FIXTURE_HUGE_OUTPUT_PATH,
        "huge@northwind.example",
        "output-too-large",
    );
}

#[test]
fn a_definition_refusing_its_config_leaves_the_lead_in_review() {
    let org = TestOrg::new();
    let plugin = runtime()
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    let config = Config::from([("min-budget".to_string(), Scalar::Text("lots".into()))]);
    org.activate(plugin, config);
    let id = org
        .ingest(strong("refused@northwind.example"))
        .record
        .id()
        .to_string();
    assert_reviewed_then_fixed(&org, &id, Slot::LeadDefinition, "refused", BANT_QUALIFIER);
}

#[test]
fn a_missing_definition_leaves_the_lead_in_review() {
    let org = TestOrg::new();
    org.engine
        .plugins()
        .deactivate(org.org, Slot::LeadDefinition);
    let id = org
        .ingest(strong("none@northwind.example"))
        .record
        .id()
        .to_string();
    assert_reviewed_then_fixed(
        &org,
        &id,
        Slot::LeadDefinition,
        "none-configured",
        BANT_QUALIFIER,
    );
}

#[test]
fn an_invalid_routing_answer_leaves_the_lead_in_review() {
    let org = TestOrg::new();
    let router = load(
        runtime(),
        fixtures::FIXTURE_NONSENSE_ROUTER_PATH,
        Slot::RoutingPolicy,
    );
    org.activate(router, Config::new());
    let id = org
        .ingest(strong("nonsense@northwind.example"))
        .record
        .id()
        .to_string();
    assert_eq!(org.path(&id).last(), Some(&StageKind::NeedsReview));
    assert_reviewed_then_fixed(
        &org,
        &id,
        Slot::RoutingPolicy,
        "invalid-answer",
        ROUND_ROBIN,
    );
    assert_eq!(org.lead(&id).stage.kind(), StageKind::Assigned);
}

#[test]
fn a_missing_nurture_track_leaves_the_lead_in_review() {
    let org = TestOrg::new();
    org.engine.plugins().deactivate(org.org, Slot::NurtureTrack);
    let id = org
        .ingest(almost("kai@fjord.example"))
        .record
        .id()
        .to_string();
    assert_reviewed_then_fixed(
        &org,
        &id,
        Slot::NurtureTrack,
        "none-configured",
        STANDARD_NURTURE,
    );
    let record = org.lead(&id);
    assert!(
        matches!(record.stage, LeadStage::Nurturing { .. }),
        "{:?}",
        record.stage
    );
    assert!(record.wake_at.is_some());
}
