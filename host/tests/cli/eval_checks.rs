//! `leadhost eval` applies the host's checks: a routing choice the server
//! would refuse fails here too, and a config value that is not a finite
//! number is refused by name, as `org.toml` refuses it.

use std::path::Path;

use leadhost::builtin::BANT_QUALIFIER;

use super::super::leadhost;

/// A routing policy that assigns whichever rep the config `rep` names.
const OBEDIENT: &str = r#"
fn route(input) {
    #{ decision: "assign", rep: input.config.get("rep"), reasons: ["told to"] }
}
"#;

/// Candidates: one with room, one full, one switched off, one away.
const INPUT: &str = r#"{
  "lead": {"id": "ld-1", "email": "dana@northwind.example", "country": "DE", "created_at": "2026-11-02T09:15:00Z"},
  "qualification": {"stage": "sales-ready", "score": 88, "reasons": ["BANT complete"]},
  "candidates": [
    {"id": "free", "territories": ["DE"], "capacity": 10, "open_leads": 4},
    {"id": "full", "territories": ["DE"], "capacity": 5, "open_leads": 5},
    {"id": "off", "territories": ["DE"], "capacity": 5, "open_leads": 0, "available": false},
    {"id": "away", "territories": ["DE"], "capacity": 5, "open_leads": 0,
     "out_of_office": [{"from": "2026-11-20T00:00:00Z", "until": "2026-12-01T00:00:00Z"}]}
  ],
  "now": "2026-11-24T12:00:00Z"
}"#;

fn eval_route(dir: &Path, rep: &str) -> std::process::Output {
    let (policy, input) = (dir.join("obedient.rhai"), dir.join("route.json"));
    std::fs::write(&policy, OBEDIENT).unwrap();
    std::fs::write(&input, INPUT).unwrap();
    leadhost(&[
        "eval",
        "route",
        "--plugin",
        policy.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--config",
        &format!("rep={rep}"),
    ])
}

#[test]
fn eval_route_refuses_a_rep_the_server_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let fine = eval_route(dir.path(), "free");
    assert!(
        fine.status.success(),
        "{}",
        String::from_utf8_lossy(&fine.stderr)
    );
    let decision: serde_json::Value = serde_json::from_slice(&fine.stdout).unwrap();
    assert_eq!(
        (&decision["decision"], &decision["rep"]),
        (&"assign".into(), &"free".into())
    );

    for (rep, problem) in [
        ("ghost", "rep `ghost` is not one of the candidates"),
        ("full", "rep `full` is at capacity (5/5 open leads)"),
        ("off", "rep `off` is not available"),
        (
            "away",
            "rep `away` is out of office until 2026-12-01T00:00:00+00:00",
        ),
    ] {
        let refused = eval_route(dir.path(), rep);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{rep}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "the routing policy's choice was refused: {problem}"
            )),
            "{rep}: {stderr}"
        );
        assert!(
            stderr.contains("obedient.rhai@"),
            "names the plug-in: {stderr}"
        );
        let line: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
        assert_eq!(line["code"], "refused-choice", "{rep}: {line}");
        assert!(line.get("rep").is_none(), "{rep}: no decision is printed");
    }
}

#[test]
fn a_config_value_that_is_not_a_finite_number_is_refused() {
    let input =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/eval/qualify/weak-lead.json");
    for value in ["nan", "inf", "-infinity"] {
        let output = leadhost(&[
            "eval",
            "qualify",
            "--plugin",
            BANT_QUALIFIER.path,
            "--input",
            input.to_str().unwrap(),
            "--config",
            &format!("min-budget={value}"),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{value}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "--config `min-budget={value}`: must be a finite number"
            )),
            "{stderr}"
        );
    }
}
