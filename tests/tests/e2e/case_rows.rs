//! A guest that fails says why on its own `plugin test` row: a Rust
//! panic's message and location from its stderr, and the exception a
//! component without stderr (Python built with `--stub-wasi`) logged
//! before it trapped — and the cases after it still run.

use std::path::Path;

use leadhost::cli::{PluginArgs, PluginCliError, PluginCommand, PluginTestArgs, plugin};
use leadhost::runtime::{Cause, Slot};
use leadhost_tests::fixtures;
use serde_json::{Value, json};

use super::support::{load, runtime};

/// A qualify input for a lead with or without a company.
fn input(company: Option<&str>) -> Value {
    let mut input: Value = leadhost_tests::example("eval/qualify/strong-lead.json");
    match company {
        Some(company) => input["lead"]["company"] = json!(company),
        None => {
            input["lead"].as_object_mut().unwrap().remove("company");
        }
    }
    input
}

/// Runs `plugin test` on `component` (copied into `dir` as `rule.wasm`)
/// with `cases`; the report of a run with failures.
fn failing_report(dir: &Path, component: &str, cases: &Value) -> String {
    std::fs::copy(component, dir.join("rule.wasm")).unwrap();
    std::fs::write(dir.join("rule.cases.json"), cases.to_string()).unwrap();
    let args = PluginArgs {
        command: PluginCommand::Test(PluginTestArgs {
            file: dir.join("rule.wasm"),
            cases: None,
            slot: None,
            config: Vec::new(),
            cache_dir: None,
        }),
    };
    match plugin(&args) {
        Err(PluginCliError::CasesFailed { report, .. }) => report,
        other => panic!("expected failed cases, got {other:?}"),
    }
}

/// The lines of `report` from the row of `label` to the next row.
fn row<'a>(report: &'a str, label: &str) -> Vec<&'a str> {
    let mut lines = report.lines().skip_while(|line| !line.ends_with(label));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no `{label}` row in:\n{report}"));
    std::iter::once(first)
        .chain(lines.take_while(|line| line.starts_with("        ")))
        .collect()
}

#[test]
fn a_logged_exception_before_a_trap_is_on_the_trap_and_on_its_row() {
    let plugin = load(
        runtime(),
        fixtures::FIXTURE_LOGGED_TRAP_PATH,
        Slot::LeadDefinition,
    );
    let lead: leadhost::model::QualifyInput = serde_json::from_value(input(None)).unwrap();
    let error = plugin
        .qualify(&leadhost::runtime::CallContext::for_org("acme"), &lead)
        .unwrap_err();
    let line = "uncaught AttributeError: 'NoneType' object has no attribute 'lower' (app.py:166 in qualify)";
    match &error.cause {
        Cause::Trap {
            message,
            stderr,
            log,
        } => {
            assert!(message.contains("unreachable"), "{message}");
            assert_eq!(stderr, "", "nothing on stderr, as with --stub-wasi");
            assert_eq!(&log[..], [line.to_string()], "only warn and error lines");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert!(error.to_string().contains(line), "{error}");

    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "a lead with a company", "input": input(Some("Kranwerk")), "expect": {"stage": "nurture"}},
        {"name": "a lead without a company", "input": input(None), "expect": {"stage": "nurture"}},
        {"input": input(Some("Northwind")), "expect": {"score": 10}}
    ]);
    let report = failing_report(dir.path(), fixtures::FIXTURE_LOGGED_TRAP_PATH, &cases);
    let trapped = row(&report, "case 2 \"a lead without a company\"");
    assert_eq!(
        trapped,
        [
            "  FAIL  case 2 \"a lead without a company\"",
            "        the call failed: trapped: wasm trap: wasm `unreachable` instruction executed",
            &format!("        guest: {line}"),
        ],
        "{report}"
    );
    assert!(
        report.contains("  pass  case 1 \"a lead with a company\"\n")
            && report.contains("  pass  case 3\n"),
        "every case runs: {report}"
    );
}

#[test]
fn a_rust_panic_shows_its_message_and_location_on_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let cases = json!([
        {"name": "a logistics lead", "input": input(Some("Northwind")), "expect": {"stage": "sales-ready"}},
        {"name": "the same lead again", "input": input(Some("Northwind")), "expect": {"stage": "sales-ready"}}
    ]);
    let report = failing_report(dir.path(), fixtures::FIXTURE_PANIC_PATH, &cases);
    for label in [
        "case 1 \"a logistics lead\"",
        "case 2 \"the same lead again\"",
    ] {
        let rows = row(&report, label);
        assert!(rows[0].starts_with("  FAIL  "), "{report}");
        assert!(
            rows[1].contains("the call failed: trapped: ") && !rows[1].contains("panicked"),
            "the trap, then what the guest said: {report}"
        );
        let guest = rows[2..].join("\n");
        assert!(
            guest.contains("panicked at ") && guest.contains("src/lib.rs:"),
            "the panic's location: {report}"
        );
        assert!(
            guest.contains("guest: no scoring table for industry \"logistics\""),
            "the panic's message: {report}"
        );
    }
    assert!(
        report.trim_end().ends_with("0 passed, 2 failed"),
        "{report}"
    );
}
