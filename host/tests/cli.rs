//! The `leadhost` binary, run as a user would run it.

use std::path::PathBuf;
use std::process::{Command, Output};

use leadhost::builtin::{BANT_QUALIFIER, ROUND_ROBIN, STANDARD_NURTURE};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/eval")
        .join(name)
}

fn leadhost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run leadhost")
}

fn eval(slot: &str, plugin: &str, input: &str, extra: &[&str]) -> Output {
    let input = example(input);
    let mut args = vec![
        "eval",
        slot,
        "--plugin",
        plugin,
        "--input",
        input.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    leadhost(&args)
}

/// A data folder holding the sample leads of `examples/leads`, ingested
/// by the CLI (the demo org, its reps).
fn ingested() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/leads/sample.ndjson");
    let data = dir.path().to_str().unwrap();
    let output = leadhost(&["ingest", sample.to_str().unwrap(), "--data-dir", data]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn each_slots_example_folder_evaluates_whole() {
    for (slot, plugin, folder, count) in [
        ("qualify", BANT_QUALIFIER.path, "qualify", 3),
        ("nurture", STANDARD_NURTURE.path, "nurture", 1),
        ("route", ROUND_ROBIN.path, "route", 1),
    ] {
        let output = eval(slot, plugin, folder, &[]);
        assert!(
            output.status.success(),
            "{folder}: exit {:?}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let lines = String::from_utf8(output.stdout).unwrap();
        assert_eq!(lines.lines().count(), count, "{folder}: {lines}");
        for line in lines.lines() {
            let answer: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(answer.get("error").is_none(), "{folder}: {answer}");
        }
    }
}

#[test]
fn eval_qualify_gives_a_strong_lead_a_sales_ready_verdict_with_reasons() {
    let verdict = json(&eval(
        "qualify",
        BANT_QUALIFIER.path,
        "qualify/strong-lead.json",
        &[],
    ));
    assert_eq!(verdict["stage"], "sales-ready", "{verdict}");
    assert!(verdict["score"].as_i64().unwrap() >= 70, "{verdict}");
    assert!(
        !verdict["reasons"].as_array().unwrap().is_empty(),
        "{verdict}"
    );
    assert!(
        verdict["plugin"]
            .as_str()
            .unwrap()
            .starts_with("bant_qualifier@"),
        "{verdict}"
    );
    assert_eq!(verdict["hash"].as_str().unwrap().len(), 64, "{verdict}");
    assert!(verdict["fuel_used"].as_u64().unwrap() > 0, "{verdict}");
    assert!(verdict["duration_us"].is_u64(), "{verdict}");
}

#[test]
fn eval_qualify_does_not_send_a_weak_lead_to_sales() {
    let verdict = json(&eval(
        "qualify",
        BANT_QUALIFIER.path,
        "qualify/weak-lead.json",
        &[],
    ));
    assert!(
        verdict["stage"] == "nurture" || verdict["stage"] == "discard",
        "{verdict}"
    );
}

#[test]
fn config_overrides_reach_the_plugin() {
    // A budget floor above the lead's budget, and all four criteria required:
    // the strong lead is no longer sales-ready, and the reasons say why.
    let overrides = [
        "--config",
        "min-budget=1000000",
        "--config",
        "required-criteria=4",
    ];
    let verdict = json(&eval(
        "qualify",
        BANT_QUALIFIER.path,
        "qualify/strong-lead.json",
        &overrides,
    ));
    assert_eq!(verdict["stage"], "nurture", "{verdict}");
    assert_eq!(verdict["track"], "education", "{verdict}");
    let reasons = verdict["reasons"].to_string();
    assert!(reasons.contains("below the minimum 1000000"), "{reasons}");
}

#[test]
fn eval_nurture_and_route_print_their_decisions() {
    let step = json(&eval(
        "nurture",
        STANDARD_NURTURE.path,
        "nurture/nurture.json",
        &[],
    ));
    assert_eq!(step["actions"][0]["action"], "send-touch", "{step}");
    assert_eq!(step["state"]["track"], "find-decision-maker", "{step}");

    let decision = json(&eval("route", ROUND_ROBIN.path, "route/route.json", &[]));
    assert_eq!(decision["decision"], "assign", "{decision}");
    assert_eq!(decision["rep"], "ben", "{decision}");
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.json");
    std::fs::write(
        &input,
        r#"{"lead": {"email": "a@b.example", "timeline_days": "soon", "created_at": "2026-11-01T00:00:00Z"}, "now": "2026-11-24T00:00:00Z"}"#,
    )
    .unwrap();
    let output = leadhost(&[
        "eval",
        "qualify",
        "--plugin",
        BANT_QUALIFIER.path,
        "--input",
        input.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lead.timeline_days"), "{stderr}");
    // Its one line is the error, not a decision.
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["code"], "invalid-input", "{line}");
    assert!(line.get("stage").is_none(), "{line}");
}

#[test]
fn a_failed_call_exits_non_zero_with_the_error_on_stderr() {
    let output = eval(
        "qualify",
        BANT_QUALIFIER.path,
        "qualify/strong-lead.json",
        &["--config", "min-budget=lots"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refused to decide") && stderr.contains("min-budget"),
        "{stderr}"
    );
}

#[test]
fn a_plugin_for_another_slot_is_refused() {
    let output = eval("qualify", ROUND_ROBIN.path, "qualify/strong-lead.json", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("implements the `routing-policy` world, not `lead-definition`"),
        "{stderr}"
    );
}

mod cli {
    pub mod backtest;
    pub mod compile;
    pub mod durability;
    pub mod eval_checks;
    pub mod eval_many;
    pub mod import;
    pub mod migrate;
    pub mod plugin_test_report;
    pub mod plugin_tools;
    pub mod postgres;
    pub mod postgres_hosts;
    pub mod postgres_work;
    pub mod replay;
    pub mod scaffold;
    pub mod serve;
    pub mod settings;
}

#[test]
fn ingest_acknowledges_each_line_and_show_explains_the_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/leads/sample.ndjson");
    let output = leadhost(&[
        "ingest",
        sample.to_str().unwrap(),
        "--data-dir",
        data,
        "--workers",
        "1",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("ingested: 7 new, 1 merged, 0 unchanged, 1 rejected")
    );
    let acks: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let by_line = |n: u64| acks.iter().find(|ack| ack["line"] == n).unwrap();
    assert_eq!(by_line(1)["email"], "dana.fischer@northwind.example");
    assert_eq!(by_line(1)["stage"], "assigned");
    assert_eq!(by_line(6)["id"], by_line(1)["id"], "the duplicate merged");
    assert_eq!(by_line(6)["created"], false);
    assert_eq!(by_line(5)["fields"][0]["field"], "email");

    let shown = json(&leadhost(&[
        "show",
        "Dana.Fischer@northwind.example",
        "--data-dir",
        data,
    ]));
    assert_eq!(
        shown["owner"], "ana",
        "a DE rep; among reps never assigned, round robin takes the smallest id"
    );
    let routing = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["slot"] == "routing-policy")
        .expect("a routing decision");
    assert_eq!(routing["plugin"], "round-robin");
    assert_eq!(
        routing["plugin_hash"],
        leadhost::runtime::ContentHash::of(ROUND_ROBIN.bytes).to_string()
    );

    // The demo's sales-ready leads are spread over all four sample reps by
    // territory and turn, each decision with its reasons and the candidates
    // it saw.
    let mut owners = Vec::new();
    for line in [1, 4, 7, 8, 9] {
        let id = by_line(line)["id"].as_str().unwrap().to_string();
        assert_eq!(by_line(line)["stage"], "assigned", "line {line}");
        let shown = json(&leadhost(&["show", &id, "--data-dir", data]));
        let routing = shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["slot"] == "routing-policy")
            .expect("a routing decision")
            .clone();
        assert!(!routing["reasons"].as_array().unwrap().is_empty());
        assert_eq!(routing["routing"]["total"], 4, "{routing}");
        assert_eq!(
            routing["routing"]["candidates"][0]["id"], shown["owner"],
            "the chosen rep is shown first, with its load"
        );
        owners.push(shown["owner"].as_str().unwrap().to_string());
    }
    assert_eq!(owners, ["ana", "ola", "ben", "dev", "ana"]);

    let missing = leadhost(&["show", "ld-99999999", "--data-dir", data]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("lead ld-99999999 does not exist in org demo")
    );
}

#[test]
fn nurture_run_moves_the_sample_leads_through_their_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/leads/sample.ndjson");
    let touches = |email: &str| {
        let shown = json(&leadhost(&["show", email, "--data-dir", data]));
        shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["event"] == "touch-sent")
            .count()
    };
    leadhost(&["ingest", sample.to_str().unwrap(), "--data-dir", data]);
    assert_eq!(
        touches("sam.okafor@brightpath.example"),
        1,
        "the first touch at once"
    );

    let run = json(&leadhost(&[
        "nurture",
        "run",
        "--days",
        "45",
        "--data-dir",
        data,
    ]));
    assert!(run["steps"].as_u64().unwrap() >= 2, "{run}");
    assert!(
        touches("sam.okafor@brightpath.example") >= 3,
        "six weeks of a fortnightly track"
    );
}
