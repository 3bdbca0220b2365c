//! `/v1/orgs/{org}/duplicates` over HTTP: with `standard-matching`
//! uploaded to the demo org's duplicate-rule slot, a likely duplicate is
//! listed, merged or dismissed; what waits on no review is a 409, an
//! unknown lead a 404, and another org sees none of it.

use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn lead(email: &str) -> Value {
    json!({"email": email, "name": null, "company": "Northwind", "domain": "northwind.example",
           "country": "DE", "budget": 60000, "authority": "decision-maker", "need": "high",
           "timeline_days": 45})
}

#[test]
fn a_likely_duplicate_is_listed_merged_or_dismissed_in_its_own_org_only() {
    let server = TestServer::start();
    let bytes = leadhost::builtin::STANDARD_MATCHING.bytes.to_vec();
    let (status, slots) = read(
        server
            .request(
                Method::PUT,
                "/v1/orgs/demo/plugins/duplicate-rule?name=standard-matching",
                Some(&server.demo),
            )
            .header("content-type", "application/wasm")
            .body(bytes)
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{slots}");
    let post = |email: &str| server.demo(Method::POST, "/v1/orgs/demo/leads", Some(lead(email)));
    let (status, jonas) = post("jonas.weber@northwind.example");
    assert_eq!(status, 201, "{jonas}");
    let (_, karin) = post("karin.lind@northwind.example");
    let (status, held) = post("j.weber@northwind.example");
    assert_eq!(status, 201, "{held}");
    assert_eq!(held["stage"], "needs-review", "{held}");
    assert_eq!(held["review"]["code"], "possible-duplicate", "{held}");
    let (_, other) = post("k.lind@northwind.example");

    let (status, reviews) = server.demo(Method::GET, "/v1/orgs/demo/duplicates", None);
    assert_eq!(status, 200, "{reviews}");
    let listed: Vec<(&str, &str)> = reviews
        .as_array()
        .unwrap()
        .iter()
        .map(|review| {
            (
                review["id"].as_str().unwrap(),
                review["candidate"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    let (jonas_id, karin_id, held_id, other_id) = (
        jonas["id"].as_str().unwrap(),
        karin["id"].as_str().unwrap(),
        held["id"].as_str().unwrap(),
        other["id"].as_str().unwrap(),
    );
    assert_eq!(
        listed,
        [(held_id, jonas_id), (other_id, karin_id)],
        "{reviews}"
    );
    assert_eq!(reviews[0]["confidence"], 0.85);

    // Another org sees no review, and cannot act on demo's.
    let (_, token) = server.create_org("Elsewhere");
    let (status, theirs) = read(
        server
            .request(Method::GET, "/v1/orgs/elsewhere/duplicates", Some(&token))
            .send()
            .unwrap(),
    );
    assert_eq!((status, theirs), (200, json!([])));
    let (status, _) = read(
        server
            .request(
                Method::POST,
                &format!("/v1/orgs/elsewhere/duplicates/{held_id}/merge"),
                Some(&token),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 404, "demo's lead is not elsewhere's");

    // Named with another candidate than it waits on: nothing is merged.
    let (status, problem) = server.demo(
        Method::POST,
        &format!("/v1/orgs/demo/duplicates/{held_id}/merge?candidate={karin_id}"),
        None,
    );
    assert_eq!(status, 409, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("now waits on a review against {jonas_id}")),
        "{problem}"
    );
    let (status, into) = server.demo(
        Method::POST,
        &format!("/v1/orgs/demo/duplicates/{held_id}/merge?candidate={jonas_id}"),
        None,
    );
    assert_eq!(status, 200, "{into}");
    assert_eq!(into["id"], jonas_id);
    let (status, problem) = server.demo(
        Method::POST,
        &format!("/v1/orgs/demo/duplicates/{held_id}/merge"),
        None,
    );
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no duplicate review"),
        "{problem}"
    );
    let (_, merged) = server.demo(Method::GET, &format!("/v1/orgs/demo/leads/{held_id}"), None);
    assert_eq!(
        (merged["stage"].as_str(), merged["merged_into"].as_str()),
        (Some("discarded"), Some(jonas_id))
    );

    let (status, released) = server.demo(
        Method::POST,
        &format!("/v1/orgs/demo/duplicates/{other_id}/dismiss"),
        None,
    );
    assert_eq!(status, 200, "{released}");
    assert_ne!(released["stage"], "needs-review", "{released}");
    let (_, reviews) = server.demo(Method::GET, "/v1/orgs/demo/duplicates", None);
    assert_eq!(reviews, json!([]));
    let (status, _) = server.demo(
        Method::POST,
        "/v1/orgs/demo/duplicates/ld-9999999999/dismiss",
        None,
    );
    assert_eq!(status, 404);
}
