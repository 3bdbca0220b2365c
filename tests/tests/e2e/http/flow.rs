//! A lead's whole life over real HTTP: POST, qualified, routed and assigned
//! with its decisions on the timeline; a weak lead nurtured; feedback that
//! closes the loop in the funnel; batches, CSV imports and lists.

use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn strong(email: &str) -> Value {
    json!({"email": email, "name": "Dana Fischer", "company": "Northwind", "domain": "northwind.example",
        "country": "DE", "source": "webinar", "campaign": "q4", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 45})
}

#[test]
fn a_lead_goes_from_post_to_assigned_and_feedback_closes_the_loop() {
    let server = TestServer::start();
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(strong("Dana@Northwind.example")),
    );
    assert_eq!(status, 201, "{lead}");
    assert_eq!(lead["email"], "dana@northwind.example");
    assert_eq!(lead["stage"], "assigned");
    let id = lead["id"].as_str().unwrap().to_string();
    let owner = lead["owner"].as_str().unwrap().to_string();
    assert!(
        ["ana", "ben"].contains(&owner.as_str()),
        "a DACH rep of the demo org: {owner}"
    );

    let (status, full) = server.demo(Method::GET, &format!("/v1/orgs/demo/leads/{id}"), None);
    assert_eq!(status, 200);
    let timeline = full["timeline"].as_array().unwrap();
    let decisions: Vec<&Value> = timeline
        .iter()
        .filter(|entry| entry["type"] == "decision")
        .collect();
    assert_eq!(decisions.len(), 2, "{timeline:#?}");
    assert_eq!(decisions[0]["plugin"], "bant-qualifier");
    assert_eq!(decisions[1]["plugin"], "round-robin");
    for decision in &decisions {
        assert_eq!(decision["plugin_hash"].as_str().unwrap().len(), 64);
        assert!(!decision["reasons"].as_array().unwrap().is_empty());
    }
    let seqs: Vec<u64> = timeline
        .iter()
        .map(|entry| entry["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "in order");

    let (status, again) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(strong("dana@northwind.example")),
    );
    assert_eq!(
        (status, &again["id"], &again["owner"]),
        (200, &json!(id), &json!(owner)),
        "merged, not re-routed"
    );

    let feedback = |body: Value| {
        server.demo(
            Method::POST,
            &format!("/v1/orgs/demo/leads/{id}/feedback"),
            Some(body),
        )
    };
    let (status, problem) = feedback(json!({"feedback": "won"}));
    assert_eq!(status, 409, "won before accepted: {problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("cannot become won")
    );
    let (status, problem) = feedback(json!({"feedback": "accept", "rep": "someone-else"}));
    assert_eq!(
        status, 409,
        "an accept from a rep who does not hold it: {problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("is not rep someone-else's")
    );
    assert_eq!(
        feedback(json!({"feedback": "accept", "rep": owner})).1["stage"],
        "accepted"
    );
    assert_eq!(feedback(json!({"feedback": "won"})).1["stage"], "won");

    let (_, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    let rep = reps
        .as_array()
        .unwrap()
        .iter()
        .find(|rep| rep["id"] == json!(owner))
        .unwrap();
    assert_eq!(rep["open_leads"], 0, "a won lead frees its rep");

    let (status, funnel) = server.demo(Method::GET, "/v1/orgs/demo/reports/funnel", None);
    assert_eq!(status, 200);
    assert_eq!(
        (funnel["leads"].as_u64(), funnel["won"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(funnel["by_source"]["webinar"]["won"], 1);
    assert_eq!(funnel["conversion"]["won_of_leads"], 1.0);
}

#[test]
fn a_weak_lead_is_nurtured_and_an_answer_moves_it() {
    let server = TestServer::start();
    let weak = json!({"email": "kai@fjord.example", "country": "NO", "budget": 5000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30, "source": "content"});
    let (status, lead) = server.demo(Method::POST, "/v1/orgs/demo/leads", Some(weak));
    assert_eq!(status, 201);
    assert_eq!(lead["stage"], "nurturing");
    assert!(
        lead["track"].is_string() && lead["next_wake_at"].is_string(),
        "{lead}"
    );
    let id = lead["id"].as_str().unwrap();
    let (status, moved) = server.demo(
        Method::POST,
        &format!("/v1/orgs/demo/leads/{id}/activities"),
        Some(json!({"kind": "webinar", "detail": "pricing webinar"})),
    );
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["stage"], "assigned",
        "the webinar made it sales-ready"
    );
    assert_eq!(moved["owner"], "ola", "the Nordics rep");

    let (_, page) = server.demo(
        Method::GET,
        "/v1/orgs/demo/leads?stage=assigned&source=content",
        None,
    );
    assert_eq!(page["leads"].as_array().unwrap().len(), 1);
    let (_, none) = server.demo(Method::GET, "/v1/orgs/demo/leads?stage=nurturing", None);
    assert!(none["leads"].as_array().unwrap().is_empty());
}

#[test]
fn batches_and_csv_imports_answer_each_item_and_make_no_duplicates() {
    let server = TestServer::start();
    let ndjson = "{\"email\": \"a@one.example\"}\n{\"email\": \"broken\"}\n{\"email\": \"A@one.example\", \"name\": \"Ann\"}\n";
    let response = server
        .request(
            Method::POST,
            "/v1/orgs/demo/leads/batch",
            Some(&server.demo),
        )
        .header("content-type", "application/x-ndjson")
        .body(ndjson)
        .send()
        .unwrap();
    let (status, batch) = read(response);
    assert_eq!(status, 200, "{batch}");
    assert_eq!(
        (
            batch["created"].as_u64(),
            batch["merged"].as_u64(),
            batch["rejected"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(batch["results"][1]["status"], 422);
    assert_eq!(batch["results"][1]["errors"][0]["field"], "email");

    let csv = "E-mail,Company Name,Employees,Lead Source\nb@two.example,Two,40,fair\nc@two.example,Two,lots,fair\n";
    let import = || {
        read(
            server
                .request(Method::POST, "/v1/orgs/demo/imports", Some(&server.demo))
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .unwrap(),
        )
    };
    let (status, first) = import();
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["created"].as_u64(), first["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(first["results"][1]["item"], 3, "the row's line in the file");
    assert_eq!(first["results"][1]["errors"][0]["field"], "company_size");
    let (_, second) = import();
    assert_eq!(
        (
            second["created"].as_u64(),
            second["merged"].as_u64(),
            second["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(1)),
        "a re-run changes nothing"
    );

    let (_, page) = server.demo(Method::GET, "/v1/orgs/demo/leads?limit=1", None);
    assert_eq!(page["leads"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let (_, rest) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/leads?limit=10&cursor={cursor}"),
        None,
    );
    assert_eq!(rest["leads"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());
}

#[test]
fn a_stopped_server_keeps_what_it_acknowledged() {
    let server = TestServer::start();
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(strong("keep@northwind.example")),
    );
    assert_eq!(status, 201);
    let host = server.host.clone();
    server.stop().expect("a clean stop");
    let record = host
        .engine
        .lead("demo", lead["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(record.lead.email, "keep@northwind.example");
}
