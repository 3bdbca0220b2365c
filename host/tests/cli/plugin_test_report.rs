//! `leadhost plugin test` reports each case by its 1-based number and name,
//! runs every case even after a malformed or failing one, and names the
//! first differing element of a list instead of printing both lists.

use std::path::Path;

use leadhost::builtin::BANT_QUALIFIER;
use serde_json::{Value, json};

use super::super::leadhost;

/// The example org's first case: a strong lead that goes to sales.
fn strong_case() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/org-folder/bant-qualifier.cases.json"),
    )
    .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    cases[0].clone()
}

/// The reasons the qualifier gives for `input`, by `leadhost eval`.
fn reasons_for(dir: &Path, input: &Value) -> Vec<Value> {
    let file = dir.join("input.json");
    std::fs::write(&file, input.to_string()).unwrap();
    let output = leadhost(&[
        "eval",
        "qualify",
        "--plugin",
        BANT_QUALIFIER.path,
        "--input",
        file.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    answer["reasons"].as_array().unwrap().clone()
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
fn every_case_runs_by_number_and_name_and_a_list_names_its_first_difference() {
    let dir = tempfile::tempdir().unwrap();
    let strong = strong_case();
    let name = strong["name"].as_str().unwrap().to_string();
    let input = strong["input"].clone();
    let reasons = reasons_for(dir.path(), &input);
    assert!(reasons.len() >= 3, "{reasons:?}");
    let mut one_changed = reasons.clone();
    one_changed[1] = json!("a reason it does not give");
    let mut one_more = reasons.clone();
    one_more.push(json!("one more"));
    let mut bad_input = input.clone();
    bad_input["lead"]["budget"] = json!("lots");
    let cases = json!([
        strong,
        {"name": "a typo in expect", "input": input, "expec": {"stage": "sales-ready"}},
        {"input": bad_input, "expect": {"stage": "sales-ready"}},
        {"name": "one reason differs", "input": input, "expect": {"reasons": one_changed}},
        {"name": "a reason too many", "input": input, "expect": {"reasons": one_more}},
        {"input": input, "expect": {"stage": "sales-ready"}}
    ]);
    std::fs::copy(BANT_QUALIFIER.path, dir.path().join("bant.wasm")).unwrap();
    std::fs::write(dir.path().join("bant.cases.json"), cases.to_string()).unwrap();
    let file = dir.path().join("bant.wasm");

    let output = leadhost(&["plugin", "test", file.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains(&format!("  pass  case 1 {name:?}\n")),
        "{report}"
    );

    let typo = row(&report, "case 2 \"a typo in expect\"");
    assert!(typo[0].starts_with("  FAIL  "), "{typo:?}");
    assert!(
        typo[1].contains("the case is malformed") && typo[1].contains("unknown field `expec`"),
        "{typo:?}"
    );

    let unnamed = row(&report, "case 3");
    assert_eq!(
        unnamed[0], "  FAIL  case 3",
        "a case without a name: {report}"
    );
    assert!(
        unnamed[1].contains("the input is invalid at `lead.budget`"),
        "{unnamed:?}"
    );

    let changed = row(&report, "case 4 \"one reason differs\"");
    assert_eq!(
        changed[1].trim(),
        format!(
            "`reasons[1]`: expected \"a reason it does not give\", got {}",
            reasons[1]
        ),
        "the first differing element, not both lists: {report}"
    );

    let longer = row(&report, "case 5 \"a reason too many\"");
    let n = reasons.len();
    assert_eq!(
        longer[1].trim(),
        format!(
            "`reasons[{n}]`: expected \"one more\", the answer ends before it (expected {} elements, got {n})",
            n + 1
        ),
        "{report}"
    );

    assert!(
        report.contains("  pass  case 6\n"),
        "the cases after the failing ones still run: {report}"
    );
    assert!(
        report.trim_end().ends_with("2 passed, 4 failed"),
        "{report}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("4 sample case(s) failed"));
}
