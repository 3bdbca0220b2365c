//! Per-call cost of `qualify` through the `bant-qualifier` component — a
//! fresh instance per call and a reused instance — against the same logic
//! as a native Rust function, on 1 and 2 threads.
//!
//! Run: `cargo bench -p leadhost-tests --bench qualify`. Each figure is the
//! time per call; with 2 threads, wall time per call of both threads
//! together (so calls/s = 1 / figure).

#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::time::{Duration, Instant};

use bant_qualifier::BantQualifier;
use criterion::{Criterion, criterion_group, criterion_main};
use leadhost::builtin::BANT_QUALIFIER;
use leadhost::model::QualifyInput;
use leadhost::runtime::{CallContext, Runtime, RuntimeConfig, Slot};
use leadhost_sdk::LeadDefinition;
use leadhost_sdk::types as wit;

/// The strong sample lead as the SDK's types, for the native baseline.
fn native_input(input: &QualifyInput) -> wit::QualifyInput {
    use leadhost_sdk::types::{ActivityKind, Authority, Need};
    let lead = &input.lead;
    let mut builder = leadhost_sdk::LeadBuilder::new(lead.email.clone())
        .id(lead.id.clone())
        .created_at(lead.created_at.timestamp_millis());
    if let Some(budget) = lead.budget {
        builder = builder.budget(budget);
    }
    if let Some(days) = lead.timeline_days {
        builder = builder.timeline_days(days);
    }
    if let Some(domain) = &lead.domain {
        builder = builder.domain(domain.clone());
    }
    builder = builder.authority(Authority::DecisionMaker).need(Need::High);
    let activities = input
        .activities
        .iter()
        .map(|activity| wit::Activity {
            kind: match activity.kind {
                leadhost::model::ActivityKind::Webinar => ActivityKind::Webinar,
                leadhost::model::ActivityKind::Download => ActivityKind::Download,
                leadhost::model::ActivityKind::EmailReply => ActivityKind::EmailReply,
                _ => ActivityKind::PageVisit,
            },
            at: activity.at.timestamp_millis(),
            detail: activity.detail.clone(),
        })
        .collect();
    let config = input
        .config
        .iter()
        .filter_map(|(name, value)| match value {
            leadhost::model::Scalar::Number(number) => {
                Some(wit::Field::number(name.clone(), *number))
            }
            _ => None,
        })
        .collect();
    wit::QualifyInput::new(builder.build(), activities, input.now.timestamp_millis())
        .with_config(config)
}

/// Runs `call` `iterations` times split over `threads`; returns the wall time.
fn spread(threads: usize, iterations: u64, call: impl Fn() + Sync) -> Duration {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..iterations / threads as u64 {
                    call();
                }
            });
        }
    });
    started.elapsed()
}

fn qualify(c: &mut Criterion) {
    let input: QualifyInput = leadhost_tests::example("eval/qualify/strong-lead.json");
    let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let plugin = runtime
        .load(
            BANT_QUALIFIER.name,
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .expect("load");
    let context = CallContext::for_org("bench");
    let native = native_input(&input);
    let native_verdict = BantQualifier::qualify(native.clone()).unwrap();
    let component_verdict = plugin.qualify(&context, &input).unwrap().value;
    assert_eq!(
        (native_verdict.score, native_verdict.reasons),
        (component_verdict.score, component_verdict.reasons),
        "the native baseline decides like the component"
    );

    let mut group = c.benchmark_group("qualify");
    for threads in [1, 2] {
        group.bench_function(format!("native/{threads}-thread"), |b| {
            b.iter_custom(|iterations| {
                spread(threads, iterations, || {
                    std::hint::black_box(
                        BantQualifier::qualify(std::hint::black_box(native.clone())).unwrap(),
                    );
                })
            })
        });
        group.bench_function(format!("component-fresh/{threads}-thread"), |b| {
            b.iter_custom(|iterations| {
                spread(threads, iterations, || {
                    std::hint::black_box(plugin.qualify(&context, &input).unwrap());
                })
            })
        });
        group.bench_function(format!("component-reused/{threads}-thread"), |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..threads {
                        scope.spawn(|| {
                            let mut instance = plugin.reusable_instance(&context, &input).unwrap();
                            for _ in 0..iterations / threads as u64 {
                                std::hint::black_box(instance.call(&input).unwrap());
                            }
                        });
                    }
                });
                started.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = qualify
}
criterion_main!(benches);
