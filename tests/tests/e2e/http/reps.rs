//! `/v1/orgs/{org}/reps`: a rep's display name and e-mail address, kept,
//! changed and removed through the API; a wrong one named and not stored.

use reqwest::Method;
use serde_json::{Value, json};

use super::server::TestServer;

/// The demo org's rep `id` as the API lists it, if there is one.
fn listed(server: &TestServer, id: &str) -> Option<Value> {
    let (status, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    assert_eq!(status, 200, "{reps}");
    reps.as_array()
        .unwrap()
        .iter()
        .find(|rep| rep["id"] == json!(id))
        .cloned()
}

#[test]
fn a_reps_display_name_and_e_mail_are_kept_changed_and_removed() {
    let server = TestServer::start();
    let (status, created) = server.demo(
        Method::POST,
        "/v1/orgs/demo/reps",
        Some(json!({
            "id": "zoe", "capacity": 4,
            "display_name": " Zoë Brandt ", "email": "Zoe.Brandt@Acme.example",
        })),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["display_name"], "Zoë Brandt", "trimmed");
    assert_eq!(
        created["email"], "zoe.brandt@acme.example",
        "normalized like a lead's"
    );
    let stored = listed(&server, "zoe").expect("listed");
    assert_eq!(stored["display_name"], "Zoë Brandt");
    assert_eq!(stored["email"], "zoe.brandt@acme.example");

    // A field left out stays; `null` removes one.
    let path = "/v1/orgs/demo/reps/zoe";
    let (status, changed) = server.demo(
        Method::PATCH,
        path,
        Some(json!({"email": "zoe@acme.example", "capacity": 6})),
    );
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["display_name"], "Zoë Brandt");
    assert_eq!(changed["email"], "zoe@acme.example");
    let (status, removed) = server.demo(Method::PATCH, path, Some(json!({"display_name": null})));
    assert_eq!(status, 200, "{removed}");
    let stored = listed(&server, "zoe").unwrap();
    assert!(stored.get("display_name").is_none(), "{stored}");
    assert_eq!(stored["email"], "zoe@acme.example");

    // A rep given without them (an old client) has neither.
    let (status, plain) = server.demo(
        Method::POST,
        "/v1/orgs/demo/reps",
        Some(json!({"id": "yan", "capacity": 2})),
    );
    assert_eq!(status, 201, "{plain}");
    assert!(
        plain.get("display_name").is_none() && plain.get("email").is_none(),
        "{plain}"
    );
}

#[test]
fn a_wrong_e_mail_or_display_name_is_named_and_nothing_is_stored() {
    let server = TestServer::start();
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/reps",
        Some(json!({"id": "zoe", "capacity": 4, "email": "zoe at acme"})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "email", "{problem}");
    assert_eq!(
        problem["errors"][0]["problem"],
        "is not an e-mail address: `zoe at acme` has no `@`"
    );
    assert!(listed(&server, "zoe").is_none(), "nothing stored");

    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/reps",
        Some(json!({"id": "zoe", "capacity": 4, "display_name": "Zoë\nBrandt"})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "display_name", "{problem}");
    assert!(listed(&server, "zoe").is_none(), "nothing stored");

    // A wrong change leaves the stored rep as it was.
    let (_, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    let id = reps[0]["id"].as_str().unwrap().to_string();
    let before = listed(&server, &id).unwrap();
    let (status, problem) = server.demo(
        Method::PATCH,
        &format!("/v1/orgs/demo/reps/{id}"),
        Some(json!({"email": "@acme.example", "capacity": 99})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "email", "{problem}");
    assert_eq!(listed(&server, &id).unwrap(), before);
    // `null` for a field every rep has is refused, naming it.
    for field in [
        "capacity",
        "weight",
        "available",
        "territories",
        "segments",
        "out_of_office",
    ] {
        let (status, problem) = server.demo(
            Method::PATCH,
            &format!("/v1/orgs/demo/reps/{id}"),
            Some(json!({ field: null, "email": "kept@acme.example" })),
        );
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(listed(&server, &id).unwrap(), before);
}
