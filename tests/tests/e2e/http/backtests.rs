//! Backtests over HTTP: a job started on a candidate dropped in the org's
//! folder, followed to its report; every bad field named; walled off.

use std::time::{Duration, Instant};

use leadhost::builtin::BANT_QUALIFIER;
use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn strong(n: usize) -> Value {
    json!({"email": format!("lead{n}@kranwerk.example"), "country": "DE", "budget": 60000,
        "authority": if n.is_multiple_of(2) { "decision-maker" } else { "influencer" },
        "need": "high", "timeline_days": 30})
}

/// Follows job `location` until it is no longer running.
fn finished(server: &TestServer, location: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, job) = server.demo(Method::GET, location, None);
        assert_eq!(status, 200, "{job}");
        if job["state"] != "running" || Instant::now() > deadline {
            return job;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_backtest_job_reports_the_matrix_and_quality_of_a_candidate_in_the_folder() {
    let server = TestServer::start();
    for n in 0..6 {
        let (status, body) = server.demo(Method::POST, "/v1/orgs/demo/leads", Some(strong(n)));
        assert_eq!(status, 201, "{body}");
    }
    let folder = server.host.plugins.folders().org_dir("demo");
    std::fs::write(folder.join("strict.wasm"), BANT_QUALIFIER.bytes).unwrap();
    let response = server
        .request(Method::POST, "/v1/orgs/demo/backtests", Some(&server.demo))
        .json(
            &json!({"candidate": "strict.wasm", "config": {"sales-ready-score": 85},
            "sweep": "sales-ready-score=70..90:10"}),
        )
        .send()
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (status, job) = read(response);
    assert_eq!(status, 202, "{job}");
    assert_eq!(
        location,
        format!("/v1/orgs/demo/backtests/{}", job["id"].as_str().unwrap())
    );
    let job = finished(&server, &location);
    assert_eq!(job["state"], "done", "{job}");
    let result = &job["result"];
    for key in [
        "live",
        "candidate",
        "changed",
        "matrix",
        "precision",
        "recall",
    ] {
        assert!(result.get(key).is_some(), "{key} in {result}");
    }
    // The influencers (score 80) fall below 85: three of six change.
    assert_eq!(result["total"], 6, "{result}");
    assert_eq!(result["changed"], 3, "{result}");
    assert_eq!(job["done"], job["leads"]);
    let volumes: Vec<u64> = result["sweep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| point["sales_ready"].as_u64().unwrap())
        .collect();
    assert_eq!(volumes, [6, 6, 3]);
    let (status, listed) = server.demo(Method::GET, "/v1/orgs/demo/backtests", None);
    assert_eq!(status, 200);
    assert_eq!(listed[0]["id"], job["id"]);
    assert!(
        listed[0]["result"].is_null(),
        "the list leaves reports out: {listed}"
    );
    assert!(job["finished_at"].is_string(), "{job}");

    // Another org sees none of it.
    let (other, token) = server.create_org("Other");
    let (status, _) = read(
        server
            .request(
                Method::GET,
                &format!("/v1/orgs/{other}/backtests/{}", job["id"].as_str().unwrap()),
                Some(&token),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 404);
    let (status, problem) = read(
        server
            .request(
                Method::POST,
                &format!("/v1/orgs/{other}/backtests"),
                Some(&token),
            )
            .json(&json!({"candidate": "strict.wasm"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 422, "its folder has no strict.wasm: {problem}");
}

#[test]
fn a_routing_backtest_job_reports_where_the_candidate_would_send_each_lead() {
    let server = TestServer::start();
    for n in 0..4 {
        let (status, body) = server.demo(Method::POST, "/v1/orgs/demo/leads", Some(strong(n)));
        assert_eq!(status, 201, "{body}");
    }
    let folder = server.host.plugins.folders().org_dir("demo");
    std::fs::write(
        folder.join("to-queue.rhai"),
        r#"fn route(input) { #{ decision: "queue", queue: "review", reason: "all to review" } }"#,
    )
    .unwrap();
    let (status, job) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "to-queue.rhai", "slot": "routing-policy"})),
    );
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["slot"], "routing-policy");
    let job = finished(
        &server,
        &format!("/v1/orgs/demo/backtests/{}", job["id"].as_str().unwrap()),
    );
    assert_eq!(job["state"], "done", "{job}");
    let result = &job["result"];
    assert_eq!(result["slot"], "routing-policy", "{result}");
    for key in [
        "live",
        "candidate",
        "changed",
        "matrix",
        "precision",
        "recall",
        "load",
    ] {
        assert!(result.get(key).is_some(), "{key} in {result}");
    }
    let routed = result["live"]["assigned"].as_u64().unwrap();
    assert!(routed >= 4, "each strong lead was routed live: {result}");
    assert_eq!(
        result["total"],
        routed + result["live"]["queued"].as_u64().unwrap()
    );
    assert_eq!(result["candidate"]["queued"], result["total"], "{result}");
    assert_eq!(result["changed"], result["total"], "{result}");
    assert!(
        result["matrix"]
            .as_array()
            .unwrap()
            .iter()
            .all(|cell| cell["candidate"] == "queue:review"),
        "{result}"
    );
}

#[test]
fn each_bad_field_of_a_backtest_is_named() {
    let server = TestServer::start();
    for (body, field, says) in [
        (
            json!({"candidate": "../demo/bant-qualifier.wasm"}),
            "candidate",
            "not a file name",
        ),
        (
            json!({"candidate": ".hidden.wasm"}),
            "candidate",
            "not a file name",
        ),
        (
            json!({"candidate": "missing.wasm"}),
            "candidate",
            "cannot read missing.wasm",
        ),
        (
            json!({"candidate": "bant-qualifier.wasm", "sweep": "sales-ready-score=90..50:5"}),
            "sweep",
            "less than",
        ),
        (
            json!({"candidate": "bant-qualifier.wasm", "sweep": "sales-ready-score"}),
            "sweep",
            "no `=`",
        ),
        (
            json!({"candidate": "bant-qualifier.wasm", "from": "2026-12-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}),
            "to",
            "not after",
        ),
        (
            json!({"candidate": "round-robin.wasm", "slot": "routing-policy", "sweep": "x=1..2:1"}),
            "sweep",
            "a sweep is for lead definitions",
        ),
        (
            json!({"candidate": "standard-nurture.wasm", "slot": "nurture-track"}),
            "slot",
            "only lead-definition and routing-policy",
        ),
    ] {
        let (status, problem) =
            server.demo(Method::POST, "/v1/orgs/demo/backtests", Some(body.clone()));
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        let text = problem["errors"][0]["problem"].as_str().unwrap();
        assert!(text.contains(says), "{body}: {text}");
    }
    let (status, _) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidat": "x.wasm"})),
    );
    assert!(status == 400 || status == 422, "{status}");
    let (status, _) = server.demo(Method::GET, "/v1/orgs/demo/backtests/bt-nope", None);
    assert_eq!(status, 404);
}

#[test]
fn a_candidate_that_does_not_load_is_refused_at_once_and_a_running_job_can_be_cancelled() {
    let server = TestServer::start();
    for n in 0..3 {
        server.demo(Method::POST, "/v1/orgs/demo/leads", Some(strong(n)));
    }
    let folder = server.host.plugins.folders().org_dir("demo");
    std::fs::write(folder.join("garbage.wasm"), b"#!/bin/sh\necho hi\n").unwrap();
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "garbage.wasm"})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "candidate");
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "round-robin.wasm"})),
    );
    assert_eq!(status, 422, "wrong slot: {problem}");

    // A candidate that loops to its deadline on every lead, over a sweep:
    // a long job, stopped by a cancel.
    let spin = std::fs::read(leadhost_tests::fixtures::FIXTURE_INFINITE_LOOP_PATH).unwrap();
    std::fs::write(folder.join("spin.wasm"), spin).unwrap();
    let (status, job) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "spin.wasm", "sweep": "x=0..999:1"})),
    );
    assert_eq!(status, 202, "{job}");
    let (status, second) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "bant-qualifier.wasm"})),
    );
    assert_eq!(status, 409, "one per org: {second}");
    let path = format!("/v1/orgs/demo/backtests/{}", job["id"].as_str().unwrap());
    let (status, _) = server.demo(Method::POST, &format!("{path}/cancel"), None);
    assert_eq!(status, 200);
    let job = finished(&server, &path);
    assert_eq!(job["state"], "stopped", "{job}");
    assert!(
        job["error"].as_str().unwrap().contains("cancelled"),
        "{job}"
    );
    let (status, _) = server.demo(Method::POST, "/v1/orgs/demo/backtests/bt-nope/cancel", None);
    assert_eq!(status, 404);

    // A config value the candidate refuses on every lead: the job failed.
    let (status, job) = server.demo(
        Method::POST,
        "/v1/orgs/demo/backtests",
        Some(json!({"candidate": "bant-qualifier.wasm", "config": {"sales-ready-score": "high"}})),
    );
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["candidate"], "bant-qualifier.wasm");
    assert_eq!(job["config"], json!({"sales-ready-score": "high"}), "{job}");
    assert_eq!(job["from"], serde_json::Value::Null);
    let path = format!("/v1/orgs/demo/backtests/{}", job["id"].as_str().unwrap());
    let job = finished(&server, &path);
    assert_eq!(job["state"], "failed", "{job}");
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("failed on all 3 leads"),
        "{job}"
    );
    assert_eq!(
        job["result"]["warnings"],
        json!([]),
        "no key warning for a wrong value: {job}"
    );
}
