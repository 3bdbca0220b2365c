//! The first-party plug-ins, compiled from `plugins/`, decide the sample
//! cases in `examples/eval` through the real runtime; compiled code is
//! cached by content hash in memory and on disk.

use leadhost::builtin::{self, BANT_QUALIFIER, ROUND_ROBIN, STANDARD_NURTURE};
use leadhost::model::{
    NurtureAction, NurtureInput, QualifyInput, RouteDecision, RouteInput, Stage,
};
use leadhost::runtime::{CacheSource, CallContext, Runtime, RuntimeConfig, Slot};

use super::support::{runtime, strong_lead};

fn org() -> CallContext {
    CallContext::for_org("demo")
}

#[test]
fn bant_qualifier_sends_a_strong_lead_to_sales_with_reasons() {
    let plugin = runtime()
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    let called = plugin.qualify(&org(), &strong_lead()).unwrap();
    assert_eq!(called.value.stage, Stage::SalesReady, "{:?}", called.value);
    assert!(called.value.score >= 70, "{:?}", called.value);
    assert!(
        called
            .value
            .reasons
            .iter()
            .any(|reason| reason.contains("budget")),
        "{:?}",
        called.value.reasons
    );
    assert!(called.fuel_used > 0);
}

#[test]
fn bant_qualifier_nurtures_a_weak_lead_and_discards_a_student() {
    let plugin = runtime()
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    let weak: QualifyInput = leadhost_tests::example("eval/qualify/weak-lead.json");
    let verdict = plugin.qualify(&org(), &weak).unwrap().value;
    assert_eq!(verdict.stage, Stage::Nurture, "{verdict:?}");
    assert_eq!(verdict.track.as_deref(), Some("education"), "{verdict:?}");

    let student: QualifyInput = leadhost_tests::example("eval/qualify/student-lead.json");
    let verdict = plugin.qualify(&org(), &student).unwrap().value;
    assert_eq!(verdict.stage, Stage::Discard, "{verdict:?}");
    assert!(verdict.reasons[0].contains(".edu"), "{verdict:?}");
}

#[test]
fn standard_nurture_asks_a_question_and_wakes_later() {
    let plugin = runtime()
        .load(
            STANDARD_NURTURE.name,
            STANDARD_NURTURE.bytes,
            Some(Slot::NurtureTrack),
        )
        .unwrap();
    let input: NurtureInput = leadhost_tests::example("eval/nurture/nurture.json");
    let step = plugin.next_step(&org(), &input).unwrap().value;
    let asked = step.actions.iter().any(|action| {
        matches!(
            action,
            NurtureAction::SendTouch {
                question: Some(_),
                ..
            }
        )
    });
    assert!(asked, "the first touch asks a question: {step:?}");
    assert_eq!(step.state.track, "find-decision-maker");
    assert_eq!(step.state.step, 1);
    assert!(step.wake_at.is_some_and(|at| at > input.now), "{step:?}");
}

#[test]
fn round_robin_picks_the_longest_waiting_rep_in_the_territory() {
    let plugin = runtime()
        .load(
            ROUND_ROBIN.name,
            ROUND_ROBIN.bytes,
            Some(Slot::RoutingPolicy),
        )
        .unwrap();
    let input: RouteInput = leadhost_tests::example("eval/route/route.json");
    match plugin.route(&org(), &input).unwrap().value {
        RouteDecision::Assign { rep, reasons } => {
            assert_eq!(rep, "ben", "{reasons:?}");
            assert!(!reasons.is_empty());
        }
        other => panic!("expected an assignment, got {other:?}"),
    }
}

#[test]
fn every_builtin_loads_for_its_own_slot() {
    for plugin in builtin::ALL {
        let loaded = runtime().load(plugin.name, plugin.bytes, None).unwrap();
        assert_eq!(loaded.slot(), plugin.slot, "{}", plugin.name);
        assert_eq!(loaded.wit_version(), "0.1.0");
    }
}

#[test]
fn compiled_code_is_reused_from_memory_and_from_disk() {
    let cache = tempfile::tempdir().unwrap();
    let config = RuntimeConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        ..RuntimeConfig::default()
    };

    let first = Runtime::new(config.clone()).unwrap();
    let load = |runtime: &Runtime| {
        let plugin = runtime
            .load(BANT_QUALIFIER.name, BANT_QUALIFIER.bytes, None)
            .unwrap();
        runtime.keep(&plugin);
        plugin
    };
    // A compile nobody accepted (a refused upload) leaves no compiled code
    // behind (only Cranelift's per-function results, `cache/functions`)...
    let unkept = first
        .load(BANT_QUALIFIER.name, BANT_QUALIFIER.bytes, None)
        .unwrap();
    assert_eq!(unkept.cache_source(), CacheSource::Compiled);
    assert_eq!(count_compiled(cache.path()), 0, "nothing on disk");
    // ...an accepted one is kept, in memory and on disk.
    assert_eq!(load(&first).cache_source(), CacheSource::Compiled);
    assert_eq!(load(&first).cache_source(), CacheSource::Memory);
    assert_eq!(count_compiled(cache.path()), 1);
    drop(first);

    // A restart finds the precompiled code on disk, and it still decides.
    let restarted = Runtime::new(config.clone()).unwrap();
    let plugin = load(&restarted);
    assert_eq!(plugin.cache_source(), CacheSource::Disk);
    assert_eq!(
        plugin.qualify(&org(), &strong_lead()).unwrap().value.stage,
        Stage::SalesReady
    );
    drop(restarted);

    // Damaged precompiled code (and every per-function result) is thrown
    // away and compiled again, not trusted.
    // It is damaged in place while code loaded from it is still in use (`plugin`),
    // which must not bring the process down.
    for entry in walk(cache.path()) {
        std::fs::write(&entry, b"not machine code").unwrap();
    }
    let recovered = Runtime::new(config).unwrap();
    let recompiled = load(&recovered);
    assert_eq!(recompiled.cache_source(), CacheSource::Compiled);
    let stage = |plugin: &leadhost::runtime::Plugin| {
        plugin.qualify(&org(), &strong_lead()).unwrap().value.stage
    };
    assert_eq!(stage(&recompiled), Stage::SalesReady);
    assert_eq!(
        stage(&plugin),
        Stage::SalesReady,
        "code loaded before the damage still runs"
    );
}

/// Precompiled components (`.cwasm`) under `dir`.
fn count_compiled(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| match entry.path() {
            path if path.is_dir() => count_compiled(&path),
            path => usize::from(path.extension().is_some_and(|ext| ext == "cwasm")),
        })
        .sum()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path))
        } else {
            files.push(path)
        }
    }
    assert!(!files.is_empty(), "the cache holds precompiled code");
    files
}

#[test]
fn calls_run_concurrently_from_many_threads() {
    let plugin = runtime()
        .load(BANT_QUALIFIER.name, BANT_QUALIFIER.bytes, None)
        .unwrap();
    let input = strong_lead();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..250 {
                    assert_eq!(
                        plugin.qualify(&org(), &input).unwrap().value.stage,
                        Stage::SalesReady
                    );
                }
            });
        }
    });
}
