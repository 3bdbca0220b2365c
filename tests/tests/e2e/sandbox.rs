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
    // Each call writes hundreds of separate pages, more than 1 MiB, in
    // zeroed memory and in the component's data; the pool resets a slot
    // in part (the pages written, up to a size) before the next instance.
    for call in 0..24 {
        let seen = probe(&input);
        assert_eq!(seen["calls"], "1", "call {call}: no state survives");
        assert_eq!(
            seen["dirty"], "0",
            "call {call}: no page the last call wrote"
        );
    }

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
    let first = instance.call(&input).unwrap();
    assert!(first.value.reasons.contains(&"dirty=0".to_string()));
    assert_eq!(calls(first), "calls=1");
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
    // 374 pages: every third of 1,024 zeroed ones, every other of 64.
    assert!(
        second.value.reasons.contains(&"dirty=374".to_string()),
        "a reused instance keeps its memory: {:?}",
        second.value.reasons
    );
    assert_eq!(
        calls(second),
        "calls=2",
        "a reused instance keeps its state"
    );
}

#[test]
fn a_plugin_allowed_to_reuse_keeps_one_instance_per_org_within_the_budget() {
    // 16 calls at once: room for two kept instances host-wide.
    let runtime = super::support::runtime_with(leadhost::runtime::Limits {
        concurrent_calls: 16,
        ..Default::default()
    });
    let plugin = load(
        &runtime,
        fixtures::FIXTURE_SANDBOX_PROBE_PATH,
        Slot::LeadDefinition,
    )
    .with_instance_reuse();
    let input = strong_lead();
    let calls = |org: &str, input: &QualifyInput| -> String {
        let called = plugin
            .qualify(&CallContext::for_org(org), input)
            .expect("the probe answers");
        called
            .value
            .reasons
            .into_iter()
            .find_map(|reason| reason.strip_prefix("calls=").map(str::to_string))
            .unwrap()
    };
    assert_eq!(calls("acme", &input), "1");
    let mut later = input.clone();
    later.now += chrono::Duration::hours(1);
    assert_eq!(calls("acme", &later), "2", "the org's kept instance served");
    assert_eq!(calls("globex", &input), "1", "another org's is never used");
    assert_eq!(plugin.instances_kept(), 2);
    assert_eq!(runtime.idle_budget().kept_now(), 2);
    assert_eq!(calls("initech", &input), "1");
    assert_eq!(calls("initech", &input), "1", "the host keeps two at most");
    assert_eq!(plugin.instances_kept(), 2);
    assert_eq!(calls("acme", &input), "3");
    drop(plugin);
    assert_eq!(
        runtime.idle_budget().kept_now(),
        0,
        "a dropped version frees its kept instances"
    );

    // A call that trapped leaves nothing kept.
    let panics =
        load(&runtime, fixtures::FIXTURE_PANIC_PATH, Slot::LeadDefinition).with_instance_reuse();
    assert!(
        panics
            .qualify(&CallContext::for_org("acme"), &input)
            .is_err()
    );
    assert_eq!(panics.instances_kept(), 0);
    assert_eq!(runtime.idle_budget().kept_now(), 0);
}

#[test]
fn a_kept_instance_whose_memory_grew_in_a_call_is_let_go() {
    // A script that leaks: each call leaves 150 maps of 32 KiB behind in
    // reference cycles (a closure holding its own map), ~5 MB a call.
    let leaky = r#"
        fn qualify(input) {
            let s = "x";
            for i in 0..15 { s += s; }
            for i in 0..150 {
                let x = #{ pad: s + i };
                let f = || x.pad.len();
                x.f = f;
            }
            #{ stage: "nurture", score: 1 }
        }
    "#;
    let steady = r#"fn qualify(input) { #{ stage: "nurture", score: 1 } }"#;
    // A script that holds ~22 MiB in every call (a chain of 700 closures,
    // each holding a text of 32 KiB) and lets it go: nothing leaks, but its
    // instance would hold more than a kept one may.
    let bulky = r#"
        fn qualify(input) {
            let s = "x";
            for i in 0..15 { s += s; }
            let keep = || 0;
            for i in 0..700 {
                let x = s + i;
                let prev = keep;
                keep = || x.len() + prev.call();
            }
            #{ stage: "nurture", score: 1 }
        }
    "#;
    let input = strong_lead();
    let context = CallContext::for_org("acme");
    for (script, kept_after) in [(steady, [1, 1, 1]), (leaky, [1, 0, 1]), (bulky, [0, 0, 0])] {
        let plugin = leadhost::plugins::load_plugin(
            runtime(),
            "rule.rhai",
            script.as_bytes(),
            Some(Slot::LeadDefinition),
            &Default::default(),
        )
        .unwrap()
        .with_instance_reuse();
        let kept: Vec<usize> = (0..3)
            .map(|_| {
                plugin.qualify(&context, &input).expect("it answers");
                plugin.instances_kept()
            })
            .collect();
        // The first call sets a new instance up (its baseline); a kept one
        // that grew is dropped, and the next call starts fresh again.
        assert_eq!(kept, kept_after, "{script}");
    }
}
