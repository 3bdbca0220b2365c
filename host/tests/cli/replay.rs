//! `leadhost replay` on a data folder, as an auditor would run it.

use crate::{ingested, json, leadhost};

#[test]
fn an_org_a_lead_and_one_decision_replay_identically_and_say_so() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    let all = json(&leadhost(&[
        "replay",
        "--org",
        "demo",
        "--all",
        "--json",
        "--data-dir",
        data,
    ]));
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 7, "a decision per sample lead at least: {all}");
    assert_eq!(all["identical"].as_u64(), Some(total), "{all}");
    assert_eq!(all["differs"], serde_json::json!([]));

    let shown = json(&leadhost(&["show", "ld-0000000001", "--data-dir", data]));
    let seq = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["type"] == "decision")
        .map(|entry| entry["seq"].to_string())
        .expect("a decision");
    let one = json(&leadhost(&[
        "replay",
        "--org",
        "demo",
        "--lead",
        "ld-0000000001",
        "--decision",
        &seq,
        "--json",
        "--data-dir",
        data,
    ]));
    assert_eq!(
        (one["total"].as_u64(), one["identical"].as_u64()),
        (Some(1), Some(1)),
        "{one}"
    );

    let text = leadhost(&[
        "replay",
        "--org",
        "demo",
        "--lead",
        "ld-0000000001",
        "--data-dir",
        data,
    ]);
    assert!(text.status.success());
    let said = String::from_utf8_lossy(&text.stdout);
    assert!(said.contains("decisions reproduced identically"), "{said}");
}

#[test]
fn an_unknown_lead_decision_or_org_exits_2_naming_it() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    for (args, expected) in [
        (
            vec!["--org", "demo", "--lead", "ld-9999"],
            "lead ld-9999 does not exist",
        ),
        (
            vec![
                "--org",
                "demo",
                "--lead",
                "ld-0000000001",
                "--decision",
                "999",
            ],
            "has no decision 999: its decisions are ",
        ),
        (vec!["--org", "nope", "--all"], "org nope does not exist"),
    ] {
        let mut command = vec!["replay"];
        command.extend(args);
        command.extend(["--data-dir", data]);
        let output = leadhost(&command);
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{command:?}: {stderr}");
    }
    // Neither a lead nor --all: clap says what is missing.
    let output = leadhost(&["replay", "--org", "demo", "--data-dir", data]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn replay_runs_under_the_servers_limits_and_never_creates_a_data_folder() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    // The server's settings, as `serve --config` reads them: fuel below
    // what the first-party plug-ins burn.
    let settings = dir.path().join("leadhost.toml");
    std::fs::write(&settings, "[limits]\nfuel = 2000\n").unwrap();
    let starved = leadhost(&[
        "replay",
        "--org",
        "demo",
        "--all",
        "--settings",
        settings.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(
        starved.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&starved.stderr)
    );
    let said = String::from_utf8_lossy(&starved.stdout);
    assert!(said.contains("out-of-fuel"), "{said}");

    let mistyped = dir.path().join("dat");
    let output = leadhost(&[
        "replay",
        "--org",
        "demo",
        "--all",
        "--data-dir",
        mistyped.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no leadhost data"), "{stderr}");
    assert!(!mistyped.exists(), "a mistyped data folder is not created");

    // A lead by its e-mail, as `show` takes it.
    let by_email = json(&leadhost(&[
        "replay",
        "--org",
        "demo",
        "--lead",
        "Dana.Fischer@northwind.example",
        "--json",
        "--data-dir",
        data,
    ]));
    assert!(by_email["total"].as_u64().unwrap() >= 1, "{by_email}");
}
