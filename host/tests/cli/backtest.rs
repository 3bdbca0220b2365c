//! `leadhost backtest` on a data folder, as an admin trying a stricter
//! definition would run it.

use leadhost::builtin::{BANT_QUALIFIER, CAPACITY_AWARE, ROUND_ROBIN};

use crate::{ingested, json, leadhost};

#[test]
fn a_stricter_threshold_changes_verdicts_and_the_sweep_prints_its_table() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    let same = json(&leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--json",
        "--data-dir",
        data,
    ]));
    assert!(same["total"].as_u64().unwrap() >= 5, "{same}");
    assert_eq!(same["changed"], 0, "the live rule changes nothing: {same}");
    let strict = json(&leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--config",
        "sales-ready-score=101",
        "--json",
        "--data-dir",
        data,
    ]));
    assert!(strict["changed"].as_u64().unwrap() >= 1, "{strict}");
    assert_eq!(
        strict["sales_ready"]["candidate"], 0,
        "no score reaches 101: {strict}"
    );

    let table = leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--sweep",
        "sales-ready-score=60..100:20",
        "--data-dir",
        data,
    ]);
    assert!(
        table.status.success(),
        "{}",
        String::from_utf8_lossy(&table.stderr)
    );
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("precision (won/ready)"), "{text}");
    for value in ["60", "80", "100"] {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(value)),
            "a row for {value}: {text}"
        );
    }
}

#[test]
fn a_bad_sweep_candidate_or_org_exits_2_naming_it() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    for (args, says) in [
        (
            vec![
                "--org",
                "demo",
                "--candidate",
                BANT_QUALIFIER.path,
                "--sweep",
                "sales-ready-score=9..1:1",
            ],
            "less than",
        ),
        (
            vec!["--org", "demo", "--candidate", "missing.wasm"],
            "cannot read missing.wasm",
        ),
        (
            vec!["--org", "nope", "--candidate", BANT_QUALIFIER.path],
            "org nope does not exist",
        ),
        (
            vec![
                "--org",
                "demo",
                "--candidate",
                BANT_QUALIFIER.path,
                "--from",
                "yesterday",
            ],
            "neither a day",
        ),
        (
            vec![
                "--org",
                "demo",
                "--candidate",
                BANT_QUALIFIER.path,
                "--slot",
                "nurture-track",
            ],
            "--slot: backtests of nurture-track are not supported",
        ),
        (
            vec![
                "--org",
                "demo",
                "--candidate",
                ROUND_ROBIN.path,
                "--slot",
                "routing-policy",
                "--sweep",
                "x=1..2:1",
            ],
            "--sweep: a sweep is for lead definitions",
        ),
        (
            vec![
                "--org",
                "demo",
                "--candidate",
                BANT_QUALIFIER.path,
                "--slot",
                "routing-policy",
            ],
            "backtest it with slot lead-definition",
        ),
    ] {
        let mut command = vec!["backtest"];
        command.extend(args);
        command.extend(["--data-dir", data]);
        let output = leadhost(&command);
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{command:?}: {stderr}");
    }
}

#[test]
fn a_candidate_that_fails_on_every_lead_exits_1_with_its_first_errors() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    let output = leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--config",
        "sales-ready-score=high",
        "--data-dir",
        data,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("failed    ld-"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("failed on all"), "{stderr}");
    let typo = leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--sweep",
        "sales-ready-scor=50..90:20",
        "--data-dir",
        data,
    ]);
    assert!(typo.status.success());
    let said = String::from_utf8_lossy(&typo.stdout);
    assert!(
        said.contains("warning: every value of `sales-ready-scor`"),
        "{said}"
    );
}

#[test]
fn a_seeded_demo_history_gives_a_backtest_outcomes_to_judge_by() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let seeded = json(&leadhost(&[
        "seed-history",
        "--weeks",
        "4",
        "--leads-per-week",
        "40",
        "--data-dir",
        data,
    ]));
    assert_eq!(seeded["leads"], 160, "{seeded}");
    assert!(
        seeded["won"].as_u64().unwrap() > 0 && seeded["lost"].as_u64().unwrap() > 0,
        "{seeded}"
    );
    // The same arguments, the same history.
    let again = tempfile::tempdir().unwrap();
    let again_data = again.path().join("data");
    let twin = json(&leadhost(&[
        "seed-history",
        "--weeks",
        "4",
        "--leads-per-week",
        "40",
        "--data-dir",
        again_data.to_str().unwrap(),
    ]));
    assert_eq!(twin, seeded);

    let report = json(&leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--candidate",
        BANT_QUALIFIER.path,
        "--sweep",
        "sales-ready-score=60..100:20",
        "--json",
        "--data-dir",
        data,
    ]));
    assert!(report["precision"]["live"].is_number(), "{report}");
    assert!(report["weekly"].as_array().unwrap().len() >= 4, "{report}");
    let volumes: Vec<u64> = report["sweep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| point["sales_ready"].as_u64().unwrap())
        .collect();
    assert!(
        volumes.windows(2).all(|pair| pair[1] <= pair[0]),
        "{volumes:?}"
    );

    // The seeded leads were routed live too: another routing policy is
    // backtested on those routing inputs.
    let routing = json(&leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--slot",
        "routing-policy",
        "--candidate",
        CAPACITY_AWARE.path,
        "--json",
        "--data-dir",
        data,
    ]));
    assert_eq!(routing["slot"], "routing-policy", "{routing}");
    let total = routing["total"].as_u64().unwrap();
    assert!(
        total >= seeded["sales_ready"].as_u64().unwrap(),
        "{routing}"
    );
    let loads = routing["load"].as_array().unwrap();
    let sum = |side: &str| {
        loads
            .iter()
            .map(|load| load[side].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(
        sum("live"),
        routing["live"]["assigned"].as_u64().unwrap(),
        "{routing}"
    );
    assert_eq!(
        sum("candidate"),
        routing["candidate"]["assigned"].as_u64().unwrap(),
        "{routing}"
    );
    let cells: u64 = routing["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        cells + routing["failed"].as_u64().unwrap(),
        total,
        "{routing}"
    );
    let text = leadhost(&[
        "backtest",
        "--org",
        "demo",
        "--slot",
        "routing-policy",
        "--candidate",
        CAPACITY_AWARE.path,
        "--data-dir",
        data,
    ]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("assigned to a rep") && text.contains("won/lost (live)"),
        "{text}"
    );
}

#[test]
fn a_text_report_into_a_closed_pipe_is_an_error_not_a_panic() {
    let dir = ingested();
    let data = dir.path().to_str().unwrap();
    for command in [
        vec![
            "backtest",
            "--org",
            "demo",
            "--candidate",
            BANT_QUALIFIER.path,
        ],
        vec!["replay", "--org", "demo", "--all"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_leadhost"))
            .args(&command)
            .args(["--data-dir", data])
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the report is written (`| head -0`).
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the output") && !stderr.contains("panicked"),
            "{command:?}: {stderr}"
        );
    }
}
