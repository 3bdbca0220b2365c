//! `leadhost eval` over many inputs: a folder in file-name order, NDJSON
//! by line, a malformed input reported on its own line without stopping
//! the others, and `--compare` printing only the inputs whose answers differ.

use std::path::Path;
use std::process::Output;

use leadhost::builtin::{BANT_QUALIFIER, ROUND_ROBIN, WEIGHTED};
use serde_json::Value;

use super::super::leadhost;

/// The JSON lines of stdout.
fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A lead with everything but the budget met (decision-maker, high need,
/// buying in 30 days), as one NDJSON line without config.
fn lead(n: usize, budget: &str) -> String {
    format!(
        r#"{{"lead": {{"id": "ld-{n}", "email": "buyer{n}@kranwerk.example", "budget": {budget}, "authority": "decision-maker", "need": "high", "timeline_days": 30, "created_at": "2026-11-20T09:00:00Z"}}, "activities": [], "now": "2026-11-24T12:00:00Z"}}"#
    )
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/eval")
            .join(name),
    )
    .unwrap()
}

fn eval(slot: &str, plugin: &str, input: &Path, extra: &[&str]) -> Output {
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

#[test]
fn a_folder_is_read_in_name_order_ndjson_by_line_and_a_bad_line_does_not_stop_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("b-strong.json"),
        example("qualify/strong-lead.json"),
    )
    .unwrap();
    let ndjson = format!(
        "{}\n{}\n\n{}\n",
        lead(1, "60000"),
        lead(2, "\"lots\""),
        lead(4, "5000")
    );
    std::fs::write(inputs.join("a-leads.ndjson"), &ndjson).unwrap();
    std::fs::write(inputs.join("notes.txt"), "not an input").unwrap();

    let output = eval("qualify", BANT_QUALIFIER.path, &inputs, &[]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "malformed input: {errors}");
    let found = lines(&output);
    let leads = inputs.join("a-leads.ndjson").display().to_string();
    let strong = inputs.join("b-strong.json").display().to_string();
    let names: Vec<&str> = found
        .iter()
        .map(|line| line["input"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("{leads}:1"),
            format!("{leads}:2"),
            format!("{leads}:4"),
            strong.clone()
        ],
        "file-name order, 1-based NDJSON lines, blank line counted, notes.txt skipped"
    );
    assert_eq!(found[0]["stage"], "sales-ready", "{}", found[0]);
    assert_eq!(found[2]["stage"], "nurture", "{}", found[2]);
    assert_eq!(found[3]["stage"], "sales-ready", "{}", found[3]);
    for answer in [&found[0], &found[2], &found[3]] {
        assert!(
            answer["plugin"]
                .as_str()
                .unwrap()
                .starts_with("bant_qualifier@"),
            "{answer}"
        );
        assert!(answer["fuel_used"].as_u64().unwrap() > 0, "{answer}");
    }
    let bad = &found[1];
    assert_eq!(bad["code"], "invalid-input", "{bad}");
    let error = bad["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("{leads}:2: invalid input at `lead.budget`")),
        "{error}"
    );
    assert!(bad.get("stage").is_none(), "{bad}");
    assert!(
        errors.contains(&format!("error: {leads}:2: invalid input at `lead.budget`")),
        "{errors}"
    );
    assert!(
        errors.contains("4 inputs, 1 malformed, 0 failed calls"),
        "{errors}"
    );

    // The NDJSON file on its own: its three inputs; without the bad line, exit 0.
    let alone = eval(
        "qualify",
        BANT_QUALIFIER.path,
        &inputs.join("a-leads.ndjson"),
        &[],
    );
    assert_eq!(alone.status.code(), Some(2));
    assert_eq!(lines(&alone).len(), 3);
    let good = dir.path().join("good.ndjson");
    std::fs::write(
        &good,
        format!("{}\n{}\n", lead(1, "60000"), lead(2, "5000")),
    )
    .unwrap();
    let fine = eval("qualify", BANT_QUALIFIER.path, &good, &[]);
    assert!(fine.status.success(), "{}", stderr(&fine));
    let fine = lines(&fine);
    assert_eq!(fine.len(), 2);
    assert_eq!(fine[1]["input"], format!("{}:2", good.display()));
}

#[test]
fn compare_prints_only_the_inputs_whose_answers_differ_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/script/examples/qualify.rhai"),
    )
    .unwrap();
    // A stricter bar for sales-ready: the leads that reach 90 points go to
    // sales under the first script only; the others are nurtured by both,
    // with the same reasons (the bar is not in a nurture's reasons).
    let stricter = script.replace(
        r#"setting(config, "sales-ready-score", 70)"#,
        r#"setting(config, "sales-ready-score", 95)"#,
    );
    assert_ne!(stricter, script, "the sales-ready bar is in the script");
    let (a, b) = (dir.path().join("a.rhai"), dir.path().join("b.rhai"));
    std::fs::write(&a, &script).unwrap();
    std::fs::write(&b, &stricter).unwrap();
    let leads = dir.path().join("leads.ndjson");
    let budgets = ["5000", "60000", "7000", "90000", "null"];
    let text: Vec<String> = budgets
        .iter()
        .enumerate()
        .map(|(n, budget)| lead(n, budget))
        .collect();
    std::fs::write(&leads, text.join("\n")).unwrap();
    let cache = dir.path().join("cache");
    let cache = ["--cache-dir", cache.to_str().unwrap()];
    let mut args = vec!["--compare", b.to_str().unwrap()];
    args.extend_from_slice(&cache);

    let output = eval("qualify", a.to_str().unwrap(), &leads, &args);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    let found = lines(&output);
    let names: Vec<&str> = found
        .iter()
        .map(|line| line["input"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("{}:2", leads.display()),
            format!("{}:4", leads.display())
        ],
        "only the leads over the first bar and under the second differ: {errors}"
    );
    for line in &found {
        assert_eq!(line["a"]["stage"], "sales-ready", "{line}");
        assert_eq!(line["b"]["stage"], "nurture", "{line}");
        assert!(
            line["a"]["plugin"].as_str().unwrap().starts_with("a.rhai@"),
            "{line}"
        );
        assert!(
            line["b"]["plugin"].as_str().unwrap().starts_with("b.rhai@"),
            "{line}"
        );
        let differences = line["differences"].as_array().unwrap();
        let stage = differences
            .iter()
            .find(|difference| difference["at"] == "stage")
            .unwrap_or_else(|| panic!("the stage differs: {line}"));
        assert_eq!(
            (&stage["a"], &stage["b"]),
            (&"sales-ready".into(), &"nurture".into())
        );
        assert!(
            differences
                .iter()
                .all(|difference| difference["at"] != "fuel_used" && difference["at"] != "plugin"),
            "provenance is not compared: {line}"
        );
    }
    assert!(errors.contains("5 inputs, 2 differ"), "{errors}");

    // A plug-in compared with itself: no lines, exit 0, the summary.
    let mut args = vec!["--compare", a.to_str().unwrap()];
    args.extend_from_slice(&cache);
    let same = eval("qualify", a.to_str().unwrap(), &leads, &args);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(same.stdout.is_empty());
    assert!(stderr(&same).contains("5 inputs, 0 differ"));
}

#[test]
fn compare_of_two_first_party_routing_policies_shows_both_answers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("route.json");
    std::fs::write(&input, example("route/route.json")).unwrap();
    let output = eval(
        "route",
        ROUND_ROBIN.path,
        &input,
        &["--compare", WEIGHTED.path],
    );
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    let found = lines(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    let line = &found[0];
    assert_eq!(line["input"], input.display().to_string());
    assert!(
        line["a"]["plugin"]
            .as_str()
            .unwrap()
            .starts_with("round_robin@"),
        "{line}"
    );
    assert!(
        line["b"]["plugin"]
            .as_str()
            .unwrap()
            .starts_with("weighted@"),
        "{line}"
    );
    assert_eq!(
        (&line["a"]["decision"], &line["b"]["decision"]),
        (&"assign".into(), &"assign".into())
    );
    assert!(
        line["differences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|difference| difference["at"] == "reasons[0]"),
        "{line}"
    );
    assert!(errors.contains("1 inputs, 1 differ"), "{errors}");

    let same = eval(
        "qualify",
        BANT_QUALIFIER.path,
        &input,
        &["--compare", BANT_QUALIFIER.path],
    );
    assert_eq!(
        same.status.code(),
        Some(2),
        "a route input is not a qualify input"
    );
}
