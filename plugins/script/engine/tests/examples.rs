//! The example scripts in `plugins/script/examples/`, run on the host's own
//! example inputs (`examples/eval/*.json`, the BANT sample cases), read from
//! the host's JSON the way `leadhost eval` reads them.

use std::path::{Path, PathBuf};

use leadhost_sdk::prelude::*;
use leadhost_sdk::time::DAY_MS;
use script_engine::{Limits, ScriptHost};
use serde_json::Value;

/// `plugins/script`.
fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repository's root (`/work/main`).
fn root() -> PathBuf {
    folder().join("../..")
}

fn example(name: &str) -> String {
    std::fs::read_to_string(folder().join("examples").join(name)).unwrap()
}

fn json(path: impl AsRef<Path>) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}

fn quiet() -> ScriptHost {
    ScriptHost::new(Limits::default(), std::rc::Rc::new(|_, _| {}))
}

#[path = "support/host_json.rs"]
mod host_json;

/// The org's config for the lead definition in `examples/org-folder/org.toml`.
fn org_config() -> Vec<Field> {
    vec![
        Field::number("min-budget", 20_000.0),
        Field::number("max-timeline-days", 120.0),
        Field::text("competitor-domains", "rival.example"),
    ]
}

/// Whether `answer` has every key of `expect` with its value (the host's sample-case rule).
fn matches(expect: &Value, answer: &Qualification) -> bool {
    let stage = match answer.stage {
        Stage::SalesReady => "sales-ready",
        Stage::Nurture => "nurture",
        Stage::Discard => "discard",
    };
    expect
        .as_object()
        .unwrap()
        .iter()
        .all(|(key, value)| match key.as_str() {
            "stage" => value == stage,
            "score" => value.as_i64() == Some(answer.score.into()),
            "segment" => value.as_str() == answer.segment.as_deref(),
            "track" => value.as_str() == answer.track.as_deref(),
            other => panic!("unexpected key {other}"),
        })
}

#[test]
fn qualify_rhai_passes_the_bant_sample_cases() {
    let host = quiet();
    let script = host
        .compile("qualify.rhai", &example("qualify.rhai"))
        .unwrap();
    let cases = json("examples/org-folder/bant-qualifier.cases.json");
    for case in cases.as_array().unwrap() {
        let mut input = host_json::qualify_input(&case["input"]);
        if input.config.is_empty() {
            input.config = org_config();
        }
        let answer = host.qualify(&script, &input).unwrap();
        assert!(
            matches(&case["expect"], &answer),
            "{}: {answer:?}",
            case["name"]
        );
    }
}

#[test]
fn qualify_rhai_explains_like_the_bant_qualifier() {
    let host = quiet();
    let script = host
        .compile("qualify.rhai", &example("qualify.rhai"))
        .unwrap();
    let input = host_json::qualify_input(&json("examples/eval/qualify/strong-lead.json"));
    let answer = host.qualify(&script, &input).unwrap();
    assert_eq!((answer.stage, answer.score), (Stage::SalesReady, 100));
    assert_eq!(
        answer.reasons,
        [
            "sales-ready: score 100 of 70 needed, 4 of 4 BANT criteria met",
            "budget 60000 meets the minimum 20000",
            "contact is a decision-maker",
            "need is high",
            "buying in 45 days, within 90",
            "behaviour 22 points from 4 activities in the last 90 days",
        ]
    );
    let mut bad = input.clone();
    bad.config = vec![Field::text("min-budget", "lots")];
    let error = host.qualify(&script, &bad).unwrap_err().to_string();
    assert!(error.starts_with("qualify.rhai line "), "{error}");
    assert!(
        error.contains("config `min-budget` = lots: expected a number"),
        "{error}"
    );
}

#[test]
fn nurture_rhai_walks_its_track_and_remembers_what_it_asked() {
    let host = quiet();
    let script = host
        .compile("nurture.rhai", &example("nurture.rhai"))
        .unwrap();
    let mut input = host_json::nurture_input(&json("examples/eval/nurture/nurture.json"));

    let first = host.next_step(&script, &input).unwrap();
    let NurtureAction::SendTouch(touch) = &first.actions[0] else {
        panic!("{first:?}")
    };
    assert_eq!(touch.question.as_ref().unwrap().id, "biggest-problem");
    assert_eq!(
        (first.state.step, first.wake_at),
        (1, Some(input.now + 7 * DAY_MS))
    );

    // New activity two days later: too soon for the next touch.
    input.state = first.state.clone();
    input.now += 2 * DAY_MS;
    let waiting = host.next_step(&script, &input).unwrap();
    assert_eq!(waiting.actions, [NurtureAction::Wait]);
    assert_eq!(waiting.wake_at, first.wake_at);

    // A week on: the second question, never the first again.
    input.now += 5 * DAY_MS;
    let second = host.next_step(&script, &input).unwrap();
    let NurtureAction::SendTouch(touch) = &second.actions[0] else {
        panic!("{second:?}")
    };
    assert_eq!(touch.question.as_ref().unwrap().id, "budget");
    assert!(
        second
            .state
            .data
            .contains(r#""asked":["biggest-problem","budget"]"#),
        "{}",
        second.state.data
    );

    // The answer to the timing question hands the lead to sales.
    input.state = second.state.clone();
    input.now += 7 * DAY_MS;
    let third = host.next_step(&script, &input).unwrap();
    input.state = third.state.clone();
    input.activities.push(Activity {
        kind: ActivityKind::Answer,
        at: input.now,
        detail: "timing: This quarter".into(),
    });
    input.now += DAY_MS;
    let handed = host.next_step(&script, &input).unwrap();
    assert!(
        matches!(&handed.actions[0], NurtureAction::HandToSales(why) if why.contains("This quarter")),
        "{handed:?}"
    );

    // Re-qualified elsewhere: the definition has the last word.
    input.qualification.track = Some("trial-incentive".into());
    let moved = host.next_step(&script, &input).unwrap();
    assert_eq!(
        moved.actions,
        [NurtureAction::MoveToTrack("trial-incentive".into())]
    );
}

#[test]
fn nurture_rhai_finishes_after_its_last_touch() {
    let host = quiet();
    let script = host
        .compile("nurture.rhai", &example("nurture.rhai"))
        .unwrap();
    let mut input = host_json::nurture_input(&json("examples/eval/nurture/nurture.json"));
    input.state.data = r#"{"asked":["biggest-problem","budget","timing"],"answers":{}}"#.into();
    input.state.step = 3;
    let done = host.next_step(&script, &input).unwrap();
    assert!(
        matches!(&done.actions[0], NurtureAction::Finish(_)),
        "{done:?}"
    );
}

#[test]
fn route_rhai_picks_the_least_loaded_rep_in_the_territory_else_a_queue() {
    let host = quiet();
    let script = host.compile("route.rhai", &example("route.rhai")).unwrap();
    let mut input = host_json::route_input(&json("examples/eval/route/route.json"));
    let RouteDecision::Assign(chosen) = host.route(&script, &input).unwrap() else {
        panic!()
    };
    assert_eq!(
        chosen.rep, "ben",
        "ana holds 4/10, ben 2/10, cho is full, dev is in the US"
    );

    input.account_owner = Some("ana".into());
    let RouteDecision::Assign(owner) = host.route(&script, &input).unwrap() else {
        panic!()
    };
    assert_eq!(owner.rep, "ana");

    input.account_owner = None;
    input.lead.country = Some("FR".into());
    input.config = vec![Field::text("fallback-queue", "emea")];
    assert_eq!(
        host.route(&script, &input).unwrap(),
        RouteDecision::queue("emea", "no rep covers FR")
    );
    input.lead.country = Some("de".into());
    for rep in &mut input.candidates {
        rep.available = false;
    }
    assert!(
        matches!(host.route(&script, &input).unwrap(), RouteDecision::Queue(q) if q.reason.contains("none of the 3 reps covering DE"))
    );
}

/// The fewest operations `run` needs under `ScriptHost`'s limits, by bisection.
fn operations_needed(run: impl Fn(&ScriptHost) -> bool) -> u64 {
    let (mut low, mut high) = (1u64, Limits::default().max_operations);
    assert!(run(&ScriptHost::new(
        Limits {
            max_operations: high,
            ..Limits::default()
        },
        std::rc::Rc::new(|_, _| {})
    )));
    while low < high {
        let mid = (low + high) / 2;
        let host = ScriptHost::new(
            Limits {
                max_operations: mid,
                ..Limits::default()
            },
            std::rc::Rc::new(|_, _| {}),
        );
        if run(&host) {
            high = mid
        } else {
            low = mid + 1
        }
    }
    low
}

#[test]
fn the_examples_use_a_small_share_of_the_operations_limit() {
    let qualify = operations_needed(|host| {
        let script = host
            .compile("qualify.rhai", &example("qualify.rhai"))
            .unwrap();
        host.qualify(
            &script,
            &host_json::qualify_input(&json("examples/eval/qualify/strong-lead.json")),
        )
        .is_ok()
    });
    let nurture = operations_needed(|host| {
        let script = host
            .compile("nurture.rhai", &example("nurture.rhai"))
            .unwrap();
        host.next_step(
            &script,
            &host_json::nurture_input(&json("examples/eval/nurture/nurture.json")),
        )
        .is_ok()
    });
    let route = operations_needed(|host| {
        let script = host.compile("route.rhai", &example("route.rhai")).unwrap();
        host.route(
            &script,
            &host_json::route_input(&json("examples/eval/route/route.json")),
        )
        .is_ok()
    });
    eprintln!("operations: qualify {qualify}, nurture {nurture}, route {route}");
    let limit = Limits::default().max_operations;
    for used in [qualify, nurture, route] {
        assert!(used * 20 < limit, "{used} of {limit}");
    }
}

#[test]
fn host_json_times_are_milliseconds() {
    assert_eq!(
        host_json::time(&Value::from("2026-11-24T12:00:00Z")),
        1_795_521_600_000
    );
    assert_eq!(host_json::time(&Value::from("1970-01-01T00:00:01Z")), 1000);
}
