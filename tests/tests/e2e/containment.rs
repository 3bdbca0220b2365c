//! Hostile plug-ins are contained: each fails with its own typed error
//! naming the plug-in, and the host and other calls carry on.

use std::time::Duration;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::model::{RouteInput, Stage};
use leadhost::runtime::{CallContext, Cause, Limits, Slot};
use leadhost_tests::fixtures;

use super::support::{load, runtime, runtime_with, strong_lead};

fn org() -> CallContext {
    CallContext::for_org("acme")
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_INFINITE_LOOP_PATH,
        Slot::LeadDefinition,
    );
    let error = plugin.qualify(&org(), &strong_lead()).unwrap_err();
    assert!(
        matches!(error.cause, Cause::OutOfFuel(limit) if limit == Limits::default().fuel),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "fixture_infinite_loop@{}",
            plugin.id().hash.short()
        )),
        "{message}"
    );
}

#[test]
fn an_infinite_loop_with_unbounded_fuel_hits_the_deadline() {
    let limits = Limits {
        fuel: u64::MAX / 2,
        deadline: Duration::from_millis(50),
        ..Limits::default()
    };
    let runtime = runtime_with(limits);
    let plugin = load(
        &runtime,
        fixtures::FIXTURE_INFINITE_LOOP_PATH,
        Slot::LeadDefinition,
    );
    let error = plugin.qualify(&org(), &strong_lead()).unwrap_err();
    assert!(
        matches!(error.cause, Cause::Deadline(deadline) if deadline == Duration::from_millis(50)),
        "{error}"
    );
}

#[test]
fn a_memory_bomb_is_refused_its_growth() {
    let limits = Limits {
        memory_bytes: 16 << 20,
        ..Limits::default()
    };
    let runtime = runtime_with(limits);
    let plugin = load(
        &runtime,
        fixtures::FIXTURE_MEMORY_BOMB_PATH,
        Slot::LeadDefinition,
    );
    let error = plugin.qualify(&org(), &strong_lead()).unwrap_err();
    match &error.cause {
        Cause::MemoryLimit {
            requested,
            limit,
            stderr,
        } => {
            assert_eq!(*limit, 16 << 20);
            assert!(*requested > 16 << 20);
            assert!(
                stderr.contains("memory allocation"),
                "the guest's own report is kept: {stderr}"
            );
        }
        other => panic!("expected a memory limit, got {other:?}"),
    }
}

#[test]
fn a_panic_keeps_the_guests_message() {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_PANIC_PATH,
        Slot::LeadDefinition,
    );
    let error = plugin.qualify(&org(), &strong_lead()).unwrap_err();
    assert!(matches!(error.cause, Cause::Trap { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("no scoring table for industry \"logistics\""),
        "{message}"
    );
    assert!(
        message.contains("unreachable"),
        "the trap itself is named too: {message}"
    );
}

#[test]
fn a_huge_answer_is_refused() {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_HUGE_OUTPUT_PATH,
        Slot::LeadDefinition,
    );
    let error = plugin.qualify(&org(), &strong_lead()).unwrap_err();
    match error.cause {
        // ~1 MB of reasons is stopped while it is lifted, before the copy.
        Cause::OutputTooLarge { size, limit } => {
            assert_eq!(limit, Limits::default().output_bytes);
            assert_eq!(size, None);
        }
        other => panic!("expected an oversized answer, got {other:?}"),
    }
}

#[test]
fn a_component_of_another_world_is_refused_at_load() {
    let error = runtime()
        .load_file(
            std::path::Path::new(fixtures::FIXTURE_NONSENSE_ROUTER_PATH),
            Some(Slot::LeadDefinition),
        )
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("implements the `routing-policy` world, not `lead-definition`"),
        "{message}"
    );
}

#[test]
fn an_answer_breaking_the_contract_is_invalid() {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_NONSENSE_ROUTER_PATH,
        Slot::RoutingPolicy,
    );
    let input: RouteInput = leadhost_tests::example("eval/route/route.json");
    let error = plugin.route(&org(), &input).unwrap_err();
    assert!(
        matches!(&error.cause, Cause::InvalidAnswer(problem) if problem == "`assign.rep` is empty"),
        "{error}"
    );
}

#[test]
fn an_ungranted_import_is_refused_by_name() {
    let error = runtime()
        .load_file(
            std::path::Path::new(fixtures::FIXTURE_NET_ACCESS_PATH),
            None,
        )
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("imports `wasi:sockets/"), "{message}");
    assert!(
        message.contains("which the host does not grant"),
        "{message}"
    );
}

#[test]
fn plugin_check_marks_the_ungranted_imports_and_names_the_refusal() {
    use leadhost::cli::{PluginArgs, PluginCheckArgs, PluginCliError, PluginCommand, plugin};
    let args = PluginArgs {
        command: PluginCommand::Check(PluginCheckArgs {
            file: fixtures::FIXTURE_NET_ACCESS_PATH.into(),
        }),
    };
    let Err(PluginCliError::CheckRefused(report)) = plugin(&args) else {
        panic!("the host would load a component importing sockets")
    };
    assert!(
        report.contains("wasi:sockets/tcp@") && report.contains("(NOT GRANTED)"),
        "{report}"
    );
    assert!(
        report.contains("verdict  REFUSED: imports `wasi:sockets/"),
        "{report}"
    );
}

#[test]
fn files_that_are_not_components_are_refused_with_the_reason() {
    let bant = std::fs::read(BANT_QUALIFIER.path).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty", Vec::new(), "empty"),
        ("garbage", b"#!/bin/sh\necho hello\n".to_vec(), "not-wasm"),
        ("core-module", b"\0asm\x01\0\0\0".to_vec(), "core-module"),
        ("truncated", bant[..bant.len() / 2].to_vec(), "invalid"),
    ];
    for (name, bytes, code) in cases {
        let error = runtime()
            .load(name, &bytes, Some(Slot::LeadDefinition))
            .err()
            .unwrap_or_else(|| panic!("{name} loaded"));
        assert_eq!(error.cause.code(), code, "{name}: {error}");
        assert!(
            error.to_string().starts_with(&format!("plug-in {name}@")),
            "{error}"
        );
    }
}

#[test]
fn a_guests_own_refusal_is_kept_apart_from_a_failure() {
    let plugin = runtime()
        .load(
            "bant-qualifier",
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    let mut input = strong_lead();
    input.config.insert(
        "min-budget".into(),
        leadhost::model::Scalar::Text("lots".into()),
    );
    let error = plugin.qualify(&org(), &input).unwrap_err();
    assert!(
        matches!(&error.cause, Cause::Refused(reason) if reason.contains("min-budget")),
        "{error}"
    );
}

#[test]
fn hostile_calls_do_not_disturb_other_calls() {
    let good = runtime()
        .load(
            "bant-qualifier",
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    let hostile = [
        load(
            runtime(),
            fixtures::FIXTURE_INFINITE_LOOP_PATH,
            Slot::LeadDefinition,
        ),
        load(
            runtime(),
            fixtures::FIXTURE_MEMORY_BOMB_PATH,
            Slot::LeadDefinition,
        ),
        load(
            runtime(),
            fixtures::FIXTURE_PANIC_PATH,
            Slot::LeadDefinition,
        ),
    ];
    let input = strong_lead();
    std::thread::scope(|scope| {
        for plugin in &hostile {
            let input = &input;
            scope.spawn(move || {
                for _ in 0..3 {
                    assert!(plugin.qualify(&org(), input).is_err());
                }
            });
        }
        let verdicts: Vec<_> = (0..200)
            .map(|_| good.qualify(&org(), &input).expect("good calls succeed"))
            .collect();
        assert!(
            verdicts
                .iter()
                .all(|called| called.value.stage == Stage::SalesReady)
        );
    });
}
