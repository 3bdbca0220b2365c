//! The script host's kept instances answer exactly as fresh ones: the same
//! verdicts, the same failures at the fuel limit whichever instance served
//! and in whatever order, and nothing a script does in one call is seen by
//! the next.

use leadhost::model::{QualifyInput, Slot};
use leadhost::runtime::{CallContext, Limits, Plugin};

use super::support::{runtime_with, strong_lead};

/// A rule whose cost grows with the lead's budget: `budget / 1000` rounds
/// of string work, then a verdict naming the rounds.
const COSTLY: &str = r#"
    fn qualify(input) {
        let rounds = input.lead.budget / 1000;
        let s = "";
        for i in 0..rounds { s += "ab"; s = s.sub_string(1); }
        #{ stage: "nurture", score: rounds, reasons: [`rounds=${rounds}`] }
    }
"#;

fn load(runtime: &leadhost::runtime::Runtime, script: &str) -> Plugin {
    leadhost::plugins::load_plugin(
        runtime,
        "rule.rhai",
        script.as_bytes(),
        Some(Slot::LeadDefinition),
        &Default::default(),
    )
    .unwrap()
}

fn with_budget(budget: u64) -> QualifyInput {
    let mut input = strong_lead();
    input.lead.budget = Some(budget as f64);
    input
}

/// What a call answered, as comparable text: the verdict's reasons, or
/// the failure's kind.
fn outcome(plugin: &Plugin, input: &QualifyInput) -> String {
    match plugin.qualify(&CallContext::for_org("acme"), input) {
        Ok(called) => called.value.reasons.join(","),
        Err(error) => format!("failed: {}", error.cause.code()),
    }
}

#[test]
fn kept_instances_fail_exactly_where_fresh_ones_do_at_the_fuel_limit() {
    // A small fuel limit, so the rule's cost crosses it within a few
    // thousand rounds.
    let runtime = runtime_with(Limits {
        fuel: 20_000_000,
        ..Default::default()
    });
    let kept = load(&runtime, COSTLY);
    let fresh = kept.without_instance_reuse();
    // The most rounds a fresh instance completes, by bisection.
    let (mut low, mut high) = (0u64, 200_000u64);
    assert!(outcome(&fresh, &with_budget(low)).starts_with("rounds="));
    assert!(outcome(&fresh, &with_budget(high * 1000)).starts_with("failed"));
    while high - low > 1 {
        let middle = (low + high) / 2;
        match outcome(&fresh, &with_budget(middle * 1000)).starts_with("rounds=") {
            true => low = middle,
            false => high = middle,
        }
    }
    // Around the edge, in an order that keeps the org's instance warm with
    // light calls between heavy ones: every answer is the fresh one's.
    let mut budgets: Vec<u64> = (low.saturating_sub(20)..=high + 20)
        .flat_map(|rounds| [0, rounds * 1000])
        .collect();
    budgets.extend((0..40).map(|n| (low + 20 - n) * 1000));
    budgets.push(0);
    for budget in budgets {
        let input = with_budget(budget);
        assert_eq!(
            outcome(&kept, &input),
            outcome(&fresh, &input),
            "budget {budget} (fresh completes up to {low} rounds)"
        );
    }
    assert!(
        kept.instances_kept() > 0,
        "a light call leaves an instance kept"
    );
}

#[test]
fn nothing_a_script_does_in_one_call_is_seen_by_the_next() {
    // Everything a script could try to carry over: a top-level variable,
    // a constant's array it pushes to, a closure's captured counter.
    let counter = r#"
        let calls = 0;
        calls += 1;
        const SEEN = [];
        fn qualify(input) {
            let seen = global::SEEN;
            seen.push(input.lead.budget);
            let count = 0;
            let bump = || { count += 1; count };
            bump.call();
            #{ stage: "nurture", score: 1,
               reasons: [`seen=${seen.len()}`, `count=${count}`, `global=${global::SEEN.len()}`] }
        }
    "#;
    let runtime = runtime_with(Limits::default());
    let plugin = load(&runtime, counter);
    let answers: Vec<String> = (0..5)
        .map(|n| outcome(&plugin, &with_budget(n * 1000)))
        .collect();
    assert_eq!(plugin.instances_kept(), 1, "one instance served them all");
    assert!(
        answers.iter().all(|answer| answer == &answers[0]),
        "{answers:?}"
    );
    assert_eq!(answers[0], "seen=1,count=1,global=0");
}

#[test]
fn a_script_whose_calls_cost_over_half_the_limit_is_not_kept_to_fail_twice() {
    let runtime = runtime_with(Limits {
        fuel: 20_000_000,
        ..Default::default()
    });
    let plugin = load(&runtime, COSTLY);
    let fresh = plugin.without_instance_reuse();
    // A call costing ~60% of the limit on a fresh instance: an instance
    // armed below what it used first could never complete such a call.
    let mut rounds = 0;
    while fresh
        .qualify(
            &CallContext::for_org("acme"),
            &with_budget((rounds + 25) * 1000),
        )
        .is_ok_and(|called| called.fuel_used < 12_000_000)
    {
        rounds += 25;
    }
    let heavy = with_budget(rounds * 1000);
    let first = plugin
        .qualify(&CallContext::for_org("acme"), &heavy)
        .unwrap();
    assert!(first.fuel_used > 10_000_000, "{}", first.fuel_used);
    assert_eq!(plugin.instances_kept(), 0, "not worth keeping");
    let again = plugin
        .qualify(&CallContext::for_org("acme"), &heavy)
        .unwrap();
    assert_eq!(
        again.fuel_used, first.fuel_used,
        "called fresh again, once, not a failed kept attempt and a fresh one"
    );
    // A light call leaves an instance worth keeping.
    plugin
        .qualify(&CallContext::for_org("acme"), &with_budget(0))
        .unwrap();
    assert_eq!(plugin.instances_kept(), 1);
}

#[test]
fn an_org_gone_quiet_gives_its_kept_instance_to_another_when_the_host_is_full() {
    // 16 calls at once: room for two kept instances host-wide.
    let runtime = runtime_with(Limits {
        concurrent_calls: 16,
        ..Default::default()
    });
    let plugin = load(&runtime, COSTLY);
    let input = with_budget(0);
    for org in ["first", "second", "third"] {
        plugin.qualify(&CallContext::for_org(org), &input).unwrap();
    }
    assert_eq!(plugin.instances_kept(), 2, "the host keeps two at most");
    // After the others have been quiet long enough, a new org's call takes
    // one of their places.
    std::thread::sleep(
        leadhost::runtime::IDLE_EVICTABLE_AFTER + std::time::Duration::from_millis(200),
    );
    plugin
        .qualify(&CallContext::for_org("third"), &input)
        .unwrap();
    assert_eq!(plugin.instances_kept(), 1, "both quiet ones gave way");
    assert_eq!(runtime.idle_budget().kept_now(), 1);
    plugin
        .qualify(&CallContext::for_org("third"), &input)
        .unwrap();
    assert_eq!(
        plugin.instances_kept(),
        1,
        "the third org's instance serves it"
    );
}
