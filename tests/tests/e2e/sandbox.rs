//! The sandbox a guest runs in: deny-all, deterministic WASI and a fresh
//! instance per call.

use leadhost::model::QualifyInput;
use leadhost::runtime::{CallContext, Slot};
use leadhost_tests::fixtures;

use super::support::{load, runtime, strong_lead};

/// The probe's reasons as `key=value` pairs.
fn probe(input: &QualifyInput) -> std::collections::HashMap<String, String> {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_SANDBOX_PROBE_PATH,
        Slot::LeadDefinition,
    );
    let called = plugin
        .qualify(&CallContext::for_org("acme"), input)
        .expect("the probe answers");
    called
        .value
        .reasons
        .iter()
        .filter_map(|reason| reason.split_once('='))
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

#[test]
fn the_guest_sees_the_calls_time_and_nothing_of_the_host() {
    let input = strong_lead();
    let seen = probe(&input);
    assert_eq!(
        seen["clock"],
        input.now.timestamp_millis().to_string(),
        "the wall clock reads the call's time"
    );
    assert_eq!(seen["env"], "0", "no environment variables");
    assert_eq!(seen["args"], "0", "no arguments");
    assert_eq!(seen["files"], "denied", "no file system");
}

#[test]
fn random_is_seeded_by_plugin_lead_and_time() {
    let input = strong_lead();
    let first = probe(&input);
    assert_eq!(
        probe(&input)["random"],
        first["random"],
        "the same call sees the same random"
    );
    let mut other_lead = input.clone();
    other_lead.lead.id = "lead-2000".into();
    assert_ne!(
        probe(&other_lead)["random"],
        first["random"],
        "another lead sees other random"
    );
}

#[test]
fn every_call_gets_a_fresh_instance_unless_asked_to_reuse_one() {
    let input = strong_lead();
    assert_eq!(probe(&input)["calls"], "1");
    assert_eq!(
        probe(&input)["calls"],
        "1",
        "no state survives between calls"
    );

    let plugin = load(
        runtime(),
        fixtures::FIXTURE_SANDBOX_PROBE_PATH,
        Slot::LeadDefinition,
    );
    let mut instance = plugin
        .reusable_instance(&CallContext::for_org("acme"), &input)
        .unwrap();
    let calls = |called: leadhost::runtime::Called<leadhost::model::Qualification>| {
        called
            .value
            .reasons
            .into_iter()
            .find(|reason| reason.starts_with("calls="))
            .unwrap()
    };
    assert_eq!(calls(instance.call(&input).unwrap()), "calls=1");
    let mut later = input.clone();
    later.now += chrono::Duration::hours(1);
    let second = instance.call(&later).unwrap();
    assert!(
        second
            .value
            .reasons
            .contains(&format!("clock={}", later.now.timestamp_millis())),
        "a reused instance reads each call's time"
    );
    assert_eq!(
        calls(second),
        "calls=2",
        "a reused instance keeps its state"
    );
}
