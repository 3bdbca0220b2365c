//! `leadhost plugin test` and `plugin check` on the first-party
//! components, as a plug-in author runs them.

use std::path::Path;

use leadhost::builtin::BANT_QUALIFIER;

use super::super::leadhost;

/// Copies the first-party qualifier and the example org's cases into `dir`
/// as `bant.wasm` and `bant.cases.json`.
fn author_folder(dir: &Path, cases: &str) -> String {
    std::fs::copy(BANT_QUALIFIER.path, dir.join("bant.wasm")).unwrap();
    std::fs::write(dir.join("bant.cases.json"), cases).unwrap();
    dir.join("bant.wasm").to_str().unwrap().to_string()
}

fn example_cases() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/org-folder/bant-qualifier.cases.json"),
    )
    .unwrap()
}

#[test]
fn plugin_test_prints_a_table_and_passes_when_every_case_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = author_folder(dir.path(), &example_cases());
    let output = leadhost(&["plugin", "test", &file, "--config", "min-budget=20000"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("(lead-definition) on bant.cases.json"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("  pass  ").count(), 4, "{stdout}");
    assert!(
        stdout.trim_end().ends_with("4 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn plugin_test_shows_where_a_failing_case_differs_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = example_cases().replacen(r#""stage": "sales-ready""#, r#""stage": "discard""#, 1);
    let file = author_folder(dir.path(), &wrong);
    let output = leadhost(&["plugin", "test", &file]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("  FAIL  case 1 \"a decision-maker with budget"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stage"),
        "the difference names the field: {stdout}"
    );
    assert!(stdout.contains("\"discard\""), "{stdout}");
    assert!(stdout.contains("3 passed, 1 failed"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 sample case(s) failed"));

    std::fs::remove_file(dir.path().join("bant.cases.json")).unwrap();
    let output = leadhost(&["plugin", "test", &file]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("has no cases file: write"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn plugin_check_reports_world_imports_size_and_costs() {
    let dir = tempfile::tempdir().unwrap();
    let file = author_folder(dir.path(), &example_cases());
    let output = leadhost(&["plugin", "check", &file]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for expected in [
        "world    lead-definition (leadhost:plugin@0.1.0)",
        "leadhost:plugin/types@0.1.0  (granted)",
        "wasi:cli/stderr@",
        &format!("size     {} bytes", BANT_QUALIFIER.bytes.len()),
        "compile  ",
        "µs on a fresh instance",
        "first case of",
        "verdict  the host would load it",
    ] {
        assert!(stdout.contains(expected), "no `{expected}` in:\n{stdout}");
    }
}

#[test]
fn plugin_check_says_why_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.wasm");
    std::fs::write(&file, "these are not the bytes you are looking for").unwrap();
    let output = leadhost(&["plugin", "check", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("verdict  REFUSED: "), "{stdout}");
    assert!(stdout.contains("not a WebAssembly"), "{stdout}");
}

#[test]
fn an_admin_script_is_rolled_back_like_a_component() {
    use leadhost::runtime::ContentHash;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let lead = dir.path().join("lead.ndjson");
    let ingest = |n: u32| {
        let line = format!(
            r#"{{"email": "buyer{n}@kranwerk.example", "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 30}}"#
        );
        std::fs::write(&lead, line).unwrap();
        let output = leadhost(&["ingest", lead.to_str().unwrap(), "--data-dir", data_arg]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    ingest(0); // makes the demo org and its folder
    let folder = data.join("orgs/demo");
    let first = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/script/examples/qualify.rhai"),
    )
    .unwrap();
    let second = format!("{first}\n// the second version\n");
    std::fs::write(folder.join("qualify.rhai"), &first).unwrap();
    let org_file = std::fs::read_to_string(folder.join("org.toml"))
        .unwrap()
        .replace(
            "component = \"bant-qualifier.wasm\"",
            "component = \"qualify.rhai\"",
        );
    std::fs::write(folder.join("org.toml"), org_file).unwrap();
    ingest(1); // opening the folder activates the first version
    std::fs::write(folder.join("qualify.rhai"), &second).unwrap();
    ingest(2);

    let hash = ContentHash::of(first.as_bytes()).to_string();
    let output = leadhost(&[
        "plugin",
        "rollback",
        "--org",
        "demo",
        "--slot",
        "lead-definition",
        "--to",
        &hash[..12],
        "--data-dir",
        data_arg,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (report["hash"].as_str(), report["activated"].as_bool()),
        (Some(hash.as_str()), Some(true)),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("qualify.rhai")).unwrap(),
        first
    );
}

#[test]
fn plugin_check_reads_an_admin_script_and_names_the_line_of_its_error() {
    let route = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/script/examples/route.rhai");
    let output = leadhost(&["plugin", "check", route.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("world    routing-policy (leadhost:plugin@0.1.0), an admin script"),
        "{stdout}"
    );
    assert!(stdout.contains("runs in  script-route"), "{stdout}");
    assert!(
        stdout.contains("verdict  the host would load it"),
        "{stdout}"
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.rhai");
    std::fs::write(&broken, "fn qualify(input) {\n    let score = ;\n}\n").unwrap();
    let output = leadhost(&["plugin", "check", broken.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("verdict  REFUSED: ") && stdout.contains("broken.rhai line 2"),
        "{stdout}"
    );
}
