//! Recorded inputs and replay over HTTP: a decision's input shown on
//! request, a decision replayed, and every error named and walled off.

use reqwest::Method;
use serde_json::json;

use super::server::{TestServer, read};

fn strong(email: &str) -> serde_json::Value {
    json!({"email": email, "country": "DE", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30})
}

#[test]
fn a_decision_shows_its_input_on_request_and_replays_identically() {
    let server = TestServer::start();
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(strong("a@kranwerk.example")),
    );
    assert_eq!(status, 201, "{lead}");
    let id = lead["id"].as_str().unwrap();

    let (status, plain) = server.demo(Method::GET, &format!("/v1/orgs/demo/leads/{id}"), None);
    assert_eq!(status, 200);
    assert!(plain.get("inputs").is_none(), "only on request: {plain}");
    let (status, shown) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/leads/{id}?inputs=true"),
        None,
    );
    assert_eq!(status, 200, "{shown}");
    let decision = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["slot"] == "lead-definition")
        .unwrap()
        .clone();
    let digest = decision["input_digest"].as_str().unwrap();
    let input = &shown["inputs"][digest];
    assert_eq!(input["slot"], "lead-definition", "{shown}");
    assert_eq!(input["input"]["lead"]["email"], "a@kranwerk.example");
    assert_eq!(input["input"]["lead"]["budget"].as_f64(), Some(60000.0));
    assert_eq!(input["input"]["now"], decision["at"]);
    let seq = decision["seq"].as_u64().unwrap();
    let path = format!("/v1/orgs/demo/leads/{id}/decisions/{seq}/replay");
    let (status, replayed) = server.demo(Method::POST, &path, None);
    assert_eq!(status, 200, "{replayed}");
    assert_eq!(replayed["identical"], true, "{replayed}");
    assert_eq!(replayed["differences"], json!([]));
    assert_eq!(replayed["plugin_hash"], decision["plugin_hash"]);
}

#[test]
fn replay_errors_are_named_and_another_orgs_lead_is_not_found() {
    let server = TestServer::start();
    let (_, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(strong("b@kranwerk.example")),
    );
    let id = lead["id"].as_str().unwrap();
    let replay = |org: &str, lead: &str, seq: &str, token: &str| {
        read(
            server
                .request(
                    Method::POST,
                    &format!("/v1/orgs/{org}/leads/{lead}/decisions/{seq}/replay"),
                    Some(token),
                )
                .send()
                .unwrap(),
        )
    };
    let (status, problem) = replay("demo", id, "999", &server.demo);
    assert_eq!(status, 404, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no decision 999"),
        "{problem}"
    );
    let (status, problem) = replay("demo", id, "first", &server.demo);
    assert_eq!(status, 400, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("`first`"),
        "{problem}"
    );
    let (status, _) = replay("demo", "ld-9999999999", "1", &server.demo);
    assert_eq!(status, 404);

    // Another org, with its own token, cannot replay demo's lead, nor
    // reach it under its own name.
    let (other, token) = server.create_org("Other");
    let (status, _) = replay("demo", id, "1", &token);
    assert!(status == 403 || status == 404, "{status}");
    let (status, _) = replay(&other, id, "1", &token);
    assert_eq!(status, 404);
    let (status, problem) = read(
        server
            .request(
                Method::GET,
                &format!("/v1/orgs/{other}/leads/{id}?inputs=true"),
                Some(&token),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 404, "{problem}");
    let (status, problem) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/leads/{id}?inputs=maybe"),
        None,
    );
    assert_eq!(status, 400, "{problem}");
}
