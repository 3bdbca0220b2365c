//! The published OpenAPI document says what the server really takes and
//! answers: integer ranges as the server parses them, request objects as
//! closed as the server is, response schemas every real response matches,
//! and every error a documented `application/problem+json`. (The test
//! command also runs schemathesis against a live server: scripts/schemathesis.sh.)

use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn document() -> Value {
    serde_json::from_str(&leadhost::api::document()).unwrap()
}

fn schema<'a>(document: &'a Value, name: &str) -> &'a Value {
    &document["components"]["schemas"][name]
}

/// Each operation of the document: path, method, entry.
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            found.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    found
}

#[test]
fn parameters_are_where_the_server_reads_them() {
    let document = document();
    for (path, method, operation) in operations(&document) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let in_template = path.contains(&format!("{{{name}}}"));
            let place = parameter["in"].as_str().unwrap();
            assert_eq!(
                place == "path",
                in_template,
                "{method} {path}: `{name}` is read from the {}, documented in the {place}",
                if in_template { "path" } else { "query" }
            );
        }
    }
}

#[test]
fn integers_are_documented_with_the_range_the_server_takes() {
    let document = document();
    let weight = &schema(&document, "Rep")["properties"]["weight"];
    assert_eq!(weight["minimum"], 0, "{weight}");
    assert_eq!(weight["maximum"], u32::MAX, "{weight}");
    assert_ne!(
        weight["format"], "int32",
        "a u32 does not fit int32: {weight}"
    );
    let submission = &schema(&document, "LeadSubmission")["properties"];
    assert_eq!(submission["company_size"]["maximum"], 10_000_000);
    assert_eq!(submission["timeline_days"]["maximum"], 3650);
    assert_eq!(submission["activities"]["maxItems"], 100);
    let text = document.to_string();
    for format in ["u-int8", "u-int16", "u-int32", "u-int64", "int8", "int16"] {
        assert!(
            !text.contains(&format!("\"format\":\"{format}\"")),
            "`{format}` is no format a JSON Schema tool knows"
        );
    }

    let server = TestServer::start();
    let rep = |weight: u64| {
        server.demo(
            Method::POST,
            "/v1/orgs/demo/reps",
            Some(json!({"id": "dana", "capacity": 3, "weight": weight})),
        )
    };
    let (status, body) = rep(u64::from(u32::MAX));
    assert_eq!(status, 201, "the documented maximum is taken: {body}");
    let (status, body) = rep(u64::from(u32::MAX) + 1);
    assert_eq!(status, 422, "one past it is refused: {body}");
    assert_eq!(body["errors"][0]["field"], "weight");
}

/// Whether `value` (or a component it names) is closed at its top.
fn closed(document: &Value, value: &Value) -> bool {
    if let Some(name) = value["$ref"].as_str() {
        let name = name.trim_start_matches("#/components/schemas/");
        return closed(document, schema(document, name));
    }
    value["additionalProperties"] == false
        || ["oneOf", "anyOf", "allOf"].iter().any(|key| {
            value[*key]
                .as_array()
                .is_some_and(|parts| parts.iter().any(|part| closed(document, part)))
        })
}

fn all_ofs<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(object) => {
            if let Some(parts) = object.get("allOf") {
                found.push(parts);
            }
            object.values().for_each(|child| all_ofs(child, found));
        }
        Value::Array(items) => items.iter().for_each(|child| all_ofs(child, found)),
        _ => {}
    }
}

#[test]
fn a_flattened_view_is_not_closed_against_its_own_fields() {
    let document = document();
    let mut found = Vec::new();
    all_ofs(&document, &mut found);
    assert!(!found.is_empty(), "LeadView flattens Lead");
    for parts in found {
        for part in parts.as_array().unwrap() {
            assert!(
                !closed(&document, part),
                "a closed part of an allOf refuses the other parts' fields: {part}"
            );
        }
    }
    let view = &schema(&document, "LeadView")["allOf"];
    let fields: Vec<&String> = view
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|part| part["properties"].as_object().unwrap().keys())
        .collect();
    let server = TestServer::start();
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "flat@view.example", "budget": 50000})),
    );
    assert_eq!(status, 201, "{lead}");
    for key in lead.as_object().unwrap().keys() {
        assert!(
            fields.contains(&key),
            "`{key}` of a lead view is not documented"
        );
    }
}

#[test]
fn request_objects_are_as_closed_as_the_server() {
    let document = document();
    for variant in schema(&document, "Feedback")["oneOf"].as_array().unwrap() {
        assert_eq!(variant["additionalProperties"], false, "{variant}");
    }
    for name in [
        "LeadSubmission",
        "NewOrg",
        "Rep",
        "RepUpdate",
        "ActivityInput",
    ] {
        assert_eq!(
            schema(&document, name)["additionalProperties"],
            false,
            "{name}"
        );
    }

    let server = TestServer::start();
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "closed@feedback.example"})),
    );
    assert!(status == 201, "{lead}");
    let id = lead["id"].as_str().unwrap();
    for feedback in [
        json!({"feedback": "won", "extra": 1}),
        json!({"feedback": "accept", "extra": 1}),
        json!({"feedback": "lost", "reason": "price", "extra": 1}),
    ] {
        let (status, problem) = server.demo(
            Method::POST,
            &format!("/v1/orgs/demo/leads/{id}/feedback"),
            Some(feedback.clone()),
        );
        assert_eq!(
            status, 422,
            "{feedback} has a field the document refuses: {problem}"
        );
    }
}

#[test]
fn every_error_is_a_documented_problem() {
    let document = document();
    for (path, method, operation) in operations(&document) {
        let responses = operation["responses"].as_object().unwrap();
        let has = |status: &str| responses.contains_key(status);
        assert!(has("408"), "{method} {path}: every request has a deadline");
        if operation["security"].is_array() {
            assert!(has("401") && has("500"), "{method} {path}");
        }
        if operation["tags"][0] == "orgs" {
            assert!(has("403"), "{method} {path}: admin only");
        } else if path.starts_with("/v1/orgs/{org}") {
            assert!(has("400") && has("404") && has("503"), "{method} {path}");
        }
        if operation["requestBody"].is_object() {
            assert!(has("413") && has("422"), "{method} {path}");
        }
        for (status, response) in responses {
            if status.as_str() >= "400" {
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{method} {path} {status}"
                );
            }
        }
    }

    let server = TestServer::start();
    let answer = |path: &str, token: Option<&str>| {
        let response = server.request(Method::GET, path, token).send().unwrap();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let (status, body) = read(response);
        (status, content_type, body)
    };
    for (path, token, expected) in [
        (
            "/v1/orgs/demo/tasks?open=perhaps",
            Some(server.demo.as_str()),
            400,
        ),
        (
            "/v1/orgs/demo/leads?limit=lots",
            Some(server.demo.as_str()),
            400,
        ),
        (
            "/v1/orgs/demo/reports/funnel?from=yesterday",
            Some(server.demo.as_str()),
            400,
        ),
        ("/v1/orgs/demo/leads", Some("not-a-token"), 401),
        ("/v1/orgs/demo/leads", None, 401),
    ] {
        let (status, content_type, body) = answer(path, token);
        assert_eq!(status, expected, "{path}: {body}");
        assert_eq!(content_type, "application/problem+json", "{path}");
        assert_eq!(body["status"], expected, "{path}: {body}");
    }
}
