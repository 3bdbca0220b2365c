//! `leadhost serve`'s settings as a user gives them: a variable reaches the
//! running server, and a wrong key or value stops it at start-up, naming
//! the key and where it was given.

use std::process::Command;

use super::serve::{sigterm, start_with, wait_exit};

#[test]
fn the_batch_maximum_from_the_environment_is_what_the_server_enforces() {
    let dir = tempfile::tempdir().unwrap();
    let mut serving = start_with(dir.path(), &[("LEADHOST_HTTP_BATCH_MAX", "2")]);
    let token = serving
        .line("demo org token:")
        .split_whitespace()
        .find(|word| word.starts_with("lh_"))
        .expect("the demo token")
        .to_string();
    let client = reqwest::blocking::Client::new();
    let batch = |count: usize| {
        let leads: Vec<_> = (0..count)
            .map(|n| serde_json::json!({"email": format!("l{n}@b.example")}))
            .collect();
        client
            .post(format!("{}/v1/orgs/demo/leads/batch", serving.url))
            .bearer_auth(&token)
            .json(&leads)
            .send()
            .unwrap()
    };
    let refused = batch(3);
    assert_eq!(refused.status().as_u16(), 413);
    let problem: serde_json::Value = refused.json().unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("at most 2 leads and this one has 3"),
        "{problem}"
    );
    assert_eq!(batch(2).status().as_u16(), 200);
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}

#[test]
fn a_wrong_key_or_value_stops_serve_at_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leadhost.toml");
    std::fs::write(&file, "[http]\nbatch_maxx = 5\n").unwrap();
    let serve = |env: &[(&str, &str)]| {
        Command::new(env!("CARGO_BIN_EXE_leadhost"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"])
            .arg("--config")
            .arg(&file)
            .current_dir(dir.path())
            .envs(env.iter().copied())
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let output = serve(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown key [http] batch_maxx"), "{stderr}");
    assert!(
        stderr.contains("did you mean [http] batch_max?"),
        "{stderr}"
    );
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");

    std::fs::write(&file, "").unwrap();
    let output = serve(&[("LEADHOST_SCHEDULER_WAKE_INTERVAL_MS", "soon")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("LEADHOST_SCHEDULER_WAKE_INTERVAL_MS=`soon`: [scheduler] wake_interval_ms"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists(), "nothing was opened");
}

#[test]
fn a_short_admin_token_stops_serve_without_repeating_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"])
        .current_dir(dir.path())
        .env("LEADHOST_ADMIN_TOKEN", "hunter2")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("LEADHOST_ADMIN_TOKEN has 7 characters; an admin token opens every org, so give at least 24"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(
        !dir.path().join("data").exists(),
        "nothing is opened or created"
    );
}

#[test]
fn an_upload_past_the_orgs_disk_bound_is_answered_507() {
    let dir = tempfile::tempdir().unwrap();
    let mut serving = start_with(dir.path(), &[("LEADHOST_LIMITS_ORG_DISK_MIB", "2")]);
    let token = serving
        .line("demo org token:")
        .split_whitespace()
        .find(|word| word.starts_with("lh_"))
        .expect("the demo token")
        .to_string();
    let answer = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v1/orgs/demo/plugins/lead-definition?name=big",
            serving.url
        ))
        .bearer_auth(&token)
        .header("content-type", "application/wasm")
        .body(vec![0u8; 3 << 20])
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 507);
    let problem: serde_json::Value = answer.json().unwrap();
    assert_eq!(problem["type"], "/problems/org-disk-full", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("past its bound of 2 MiB"),
        "{problem}"
    );
    assert!(!dir.path().join("data/orgs/demo/big.wasm").exists());
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}
