//! Every endpoint, tried with no token, a wrong token, a revoked token and
//! another org's token: 401, 401, 401 and 404 (never a leak); admin
//! endpoints refuse an org's token with 403.

use reqwest::Method;
use serde_json::json;

use super::server::{TestServer, read};

/// Every `/v1` operation, with the demo org's ids filled in.
fn org_endpoints(lead: &str) -> Vec<(Method, String)> {
    let org = "/v1/orgs/demo";
    vec![
        (Method::POST, format!("{org}/leads")),
        (Method::GET, format!("{org}/leads")),
        (Method::POST, format!("{org}/leads/batch")),
        (Method::GET, format!("{org}/leads/{lead}")),
        (Method::POST, format!("{org}/leads/{lead}/activities")),
        (Method::POST, format!("{org}/leads/{lead}/feedback")),
        (Method::POST, format!("{org}/leads/{lead}/retry")),
        (
            Method::POST,
            format!("{org}/leads/{lead}/decisions/1/replay"),
        ),
        (Method::POST, format!("{org}/backtests")),
        (Method::GET, format!("{org}/backtests")),
        (Method::GET, format!("{org}/plugins/routing-policy/shadow")),
        (
            Method::POST,
            format!("{org}/plugins/routing-policy/shadow/promote"),
        ),
        (Method::GET, format!("{org}/backtests/{{id}}")),
        (Method::POST, format!("{org}/backtests/{{id}}/cancel")),
        (Method::GET, format!("{org}/reps")),
        (Method::POST, format!("{org}/reps")),
        (Method::PATCH, format!("{org}/reps/ana")),
        (Method::GET, format!("{org}/campaigns")),
        (Method::POST, format!("{org}/campaigns")),
        (Method::GET, format!("{org}/campaigns/ana")),
        (Method::PATCH, format!("{org}/campaigns/ana")),
        (Method::POST, format!("{org}/campaigns/ana/archive")),
        (Method::GET, format!("{org}/reps/ana/campaigns")),
        (Method::GET, format!("{org}/duplicates")),
        (Method::POST, format!("{org}/duplicates/{lead}/merge")),
        (Method::POST, format!("{org}/duplicates/{lead}/dismiss")),
        (Method::GET, format!("{org}/plugins")),
        (Method::PUT, format!("{org}/plugins/routing-policy?name=x")),
        (
            Method::GET,
            format!("{org}/plugins/routing-policy/versions"),
        ),
        (
            Method::POST,
            format!("{org}/plugins/routing-policy/rollback"),
        ),
        (Method::GET, format!("{org}/plugins/routing-policy/cases")),
        (Method::PUT, format!("{org}/plugins/routing-policy/cases")),
        (Method::PUT, format!("{org}/plugins/routing-policy/config")),
        (Method::GET, format!("{org}/reports/funnel")),
        (Method::GET, format!("{org}/reports/goals")),
        (Method::GET, format!("{org}/tasks")),
        (Method::POST, format!("{org}/tasks/{lead}/done")),
        (Method::GET, format!("{org}/dead-letters")),
        (Method::POST, format!("{org}/dead-letters/{lead}/replay")),
        (Method::POST, format!("{org}/imports")),
        (Method::GET, format!("{org}/imports")),
        (Method::GET, format!("{org}/imports/{{job}}")),
        (Method::POST, format!("{org}/imports/{{job}}/cancel")),
    ]
}

fn admin_endpoints() -> Vec<(Method, String)> {
    vec![
        (Method::POST, "/v1/orgs".into()),
        (Method::POST, "/v1/orgs/demo/tokens".into()),
        (
            Method::DELETE,
            "/v1/orgs/demo/tokens/tok-000000000000".into(),
        ),
    ]
}

/// A body each endpoint would accept, so a refusal is about the token.
fn body(method: &Method, path: &str) -> Option<serde_json::Value> {
    let body = if path.ends_with("/leads") || path.ends_with("/orgs") {
        json!({"email": "x@y.example", "name": "X"})
    } else if path.ends_with("/activities") {
        json!({"kind": "page-visit"})
    } else if path.ends_with("/feedback") {
        json!({"feedback": "accept"})
    } else if path.ends_with("/reps") {
        json!({"id": "zed", "capacity": 3})
    } else if path.ends_with("/reps/ana") {
        json!({"available": false})
    } else if path.ends_with("/rollback") {
        json!({"to": "0000"})
    } else if path.ends_with("/config") {
        json!({"fallback-queue": "inside-sales"})
    } else if path.ends_with("/batch") {
        json!([])
    } else if path.ends_with("/backtests") {
        json!({"candidate": "bant-qualifier.wasm"})
    } else {
        return None;
    };
    (*method != Method::GET).then_some(body)
}

#[test]
fn every_endpoint_refuses_missing_wrong_revoked_and_foreign_tokens() {
    let server = TestServer::start();
    let (_, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "a@b.example"})),
    );
    let lead = lead["id"].as_str().unwrap().to_string();
    let (_, other_token) = server.create_org("Other Co");
    let revoked = read(
        server
            .request(Method::POST, "/v1/orgs/demo/tokens", Some(&server.admin))
            .send()
            .unwrap(),
    )
    .1;
    let (status, _) = read(
        server
            .request(
                Method::DELETE,
                &format!("/v1/orgs/demo/tokens/{}", revoked["id"].as_str().unwrap()),
                Some(&server.admin),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 204);
    let revoked = revoked["token"].as_str().unwrap().to_string();

    let send = |method: &Method, path: &str, token: Option<&str>| {
        let mut request = server.request(method.clone(), path, token);
        if let Some(body) = body(method, path) {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let (status, body) = read(response);
        (status, content_type, body)
    };
    for (method, path) in org_endpoints(&lead).into_iter().chain(admin_endpoints()) {
        for (token, label) in [
            (None, "no token"),
            (Some("lh_wrong"), "a wrong token"),
            (Some(revoked.as_str()), "a revoked token"),
        ] {
            let (status, content_type, body) = send(&method, &path, token);
            assert_eq!(status, 401, "{method} {path} with {label}: {body}");
            assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        }
    }
    for (method, path) in org_endpoints(&lead) {
        let (status, _, body) = send(&method, &path, Some(&other_token));
        assert_eq!(
            status, 404,
            "{method} {path} with another org's token: {body}"
        );
        assert!(
            !body.to_string().contains("a@b.example"),
            "nothing of the demo org leaks: {body}"
        );
    }
    for (method, path) in admin_endpoints() {
        let (status, _, body) = send(&method, &path, Some(&server.demo));
        assert_eq!(status, 403, "{method} {path} with an org token: {body}");
    }
    // Nothing the refused requests carried was written.
    let (_, page) = server.demo(Method::GET, "/v1/orgs/demo/leads", None);
    assert_eq!(page["leads"].as_array().unwrap().len(), 1);
    let (_, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    assert!(
        reps.as_array()
            .unwrap()
            .iter()
            .all(|rep| rep["id"] != "zed" && rep["available"] == true)
    );
    // Another org's own path does not reach the demo org's lead either.
    let (status, _) = read(
        server
            .request(
                Method::GET,
                &format!("/v1/orgs/other-co/leads/{lead}"),
                Some(&other_token),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 404);
}

#[test]
fn the_endpoint_list_above_covers_every_documented_operation() {
    let document: serde_json::Value = serde_json::from_str(&leadhost::api::document()).unwrap();
    let tested: Vec<(String, String)> = org_endpoints("{id}")
        .into_iter()
        .chain(admin_endpoints())
        .map(|(method, path)| (method.as_str().to_lowercase(), path))
        .collect();
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            let covered = tested.iter().any(|(m, p)| {
                let p = p
                    .split('?')
                    .next()
                    .unwrap()
                    .replace("/demo", "/{org}")
                    .replace("/ana", "/{id}")
                    .replace("/routing-policy", "/{slot}")
                    .replace("/tok-000000000000", "/{id}")
                    .replace("/decisions/1/", "/decisions/{seq}/");
                *m == *method && p == *path
            });
            assert!(covered, "{method} {path} is not in the auth test's list");
        }
    }
}
