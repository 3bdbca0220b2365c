//! Bad input gets a clear problem document with the right status, and loses
//! nothing already accepted; plug-in uploads go through the same checks as a
//! file drop; the OpenAPI document matches the committed copy.

use leadhost::api::HttpLimits;
use leadhost::builtin::ROUND_ROBIN;
use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn send(
    server: &TestServer,
    method: Method,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let request = server
        .request(method, path, Some(&server.demo))
        .header("content-type", content_type)
        .body(body.to_string());
    read(request.send().unwrap())
}

#[test]
fn malformed_and_invalid_bodies_are_named() {
    let server = TestServer::start();
    let leads = "/v1/orgs/demo/leads";
    let (status, problem) = send(
        &server,
        Method::POST,
        leads,
        "application/json",
        "{\"email\": ",
    );
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["type"], "/problems/bad-request");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );

    let (status, problem) = send(
        &server,
        Method::POST,
        leads,
        "application/json",
        r#"{"email": "a@b.example", "budget": "lots"}"#,
    );
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "budget");

    let (status, problem) = send(
        &server,
        Method::POST,
        leads,
        "application/json",
        r#"{"email": "a@b.example", "fax": "1"}"#,
    );
    assert_eq!(status, 422);
    assert!(
        problem["errors"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("unknown field `fax`")
    );

    let (status, problem) = server.demo(
        Method::POST,
        leads,
        Some(json!({"email": "nope", "country": "Atlantis"})),
    );
    assert_eq!(status, 422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "country"]);

    let (status, _) = send(&server, Method::POST, leads, "text/plain", "{}");
    assert_eq!(status, 415);
    let (status, problem) = server.demo(Method::GET, "/v1/orgs/demo/leads?limit=0", None);
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (422, Some("limit"))
    );
    let (status, _) = server.demo(Method::GET, "/v1/orgs/demo/leads?stage=happy", None);
    assert_eq!(status, 400);
    let (status, problem) = server.demo(Method::GET, "/v1/nothing-here", None);
    assert_eq!(
        (status, problem["type"].as_str()),
        (404, Some("/problems/not-found"))
    );
    let (status, problem) = server.demo(Method::DELETE, leads, None);
    assert_eq!(
        (status, problem["type"].as_str()),
        (405, Some("/problems/method-not-allowed"))
    );
    let (status, problem) = server.demo(Method::GET, "/v1/orgs/demo/leads/ld-404", None);
    assert_eq!(status, 404);
    assert_eq!(problem["detail"], "lead ld-404 does not exist in org demo");

    let (_, page) = server.demo(Method::GET, leads, None);
    assert!(
        page["leads"].as_array().unwrap().is_empty(),
        "nothing was stored"
    );
}

#[test]
fn a_body_over_the_limit_is_refused_with_413() {
    let server = TestServer::start_with(HttpLimits {
        body_bytes: 1024,
        ..HttpLimits::default()
    });
    let big = json!({"email": "a@b.example", "name": "x".repeat(4000)}).to_string();
    let (status, problem) = send(
        &server,
        Method::POST,
        "/v1/orgs/demo/leads",
        "application/json",
        &big,
    );
    assert_eq!(status, 413, "{problem}");
    assert_eq!(problem["type"], "/problems/too-large");
    let (status, _) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "small@b.example"})),
    );
    assert_eq!(status, 201, "the server carries on");

    let too_many: String = (0..=leadhost::api::BATCH_MAX)
        .map(|n| format!("{{\"email\":\"l{n}@b.example\"}}\n"))
        .collect();
    let (status, problem) = send(
        &server,
        Method::POST,
        "/v1/orgs/demo/leads/batch",
        "application/x-ndjson",
        &too_many,
    );
    assert_eq!(status, 413, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("at most 1000 leads and this one has 1001"),
        "{problem}"
    );
}

#[test]
fn a_request_over_the_time_limit_is_a_408_problem_and_loses_nothing() {
    let server = TestServer::start_with(HttpLimits {
        // Long enough to read the body, far too short to qualify, route
        // and flush a thousand leads.
        timeout: std::time::Duration::from_millis(50),
        ..HttpLimits::default()
    });
    let batch: String = (0..1000)
        .map(|n| format!("{{\"email\":\"slow{n}@b.example\",\"need\":\"high\"}}\n"))
        .collect();
    let (status, problem) = send(
        &server,
        Method::POST,
        "/v1/orgs/demo/leads/batch",
        "application/x-ndjson",
        &batch,
    );
    assert_eq!(status, 408, "{problem}");
    assert_eq!(problem["type"], "/problems/timeout");
    assert!(
        problem["detail"].as_str().unwrap().contains("50 ms"),
        "{problem}"
    );
    // The work already handed to the engine finishes and is stored.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let stored = loop {
        let mut count = 0;
        server
            .host
            .engine
            .store()
            .scan_leads("demo", &mut |_| {
                count += 1;
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        if count == 1000 || std::time::Instant::now() > deadline {
            break count;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(
        stored, 1000,
        "the batch was applied in full despite the 408"
    );
}

#[test]
fn an_upload_is_checked_like_a_file_drop() {
    let server = TestServer::start();
    let upload = |name: &str, bytes: Vec<u8>| {
        let path = format!("/v1/orgs/demo/plugins/routing-policy?name={name}");
        read(
            server
                .request(Method::PUT, &path, Some(&server.demo))
                .header("content-type", "application/wasm")
                .body(bytes)
                .send()
                .unwrap(),
        )
    };
    let (status, problem) = upload("garbage", b"not a component".to_vec());
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not a WebAssembly file")
    );
    let (_, slots) = server.demo(Method::GET, "/v1/orgs/demo/plugins", None);
    let routing = slots
        .as_array()
        .unwrap()
        .iter()
        .find(|slot| slot["slot"] == "routing-policy")
        .unwrap()
        .clone();
    assert_eq!(
        routing["active"]["name"], "round-robin",
        "the old version serves on"
    );
    assert_eq!(routing["last_refusal"]["name"], "garbage");
    let metrics = server
        .client
        .get(server.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains("leadhost_plugin_refusals_total{org=\"demo\",slot=\"routing-policy\"}"),
        "{metrics}"
    );

    let (status, slot) = upload("fair-share", ROUND_ROBIN.bytes.to_vec());
    assert_eq!(status, 200, "{slot}");
    assert_eq!(slot["active"]["name"], "fair-share");
    assert_eq!(slot["active"]["wit_version"], "0.1.0");
    let (_, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "d@n.example", "country": "DE", "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 30})),
    );
    let (_, full) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/leads/{}", lead["id"].as_str().unwrap()),
        None,
    );
    let routing = full["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slot"] == "routing-policy")
        .unwrap();
    assert_eq!(
        routing["plugin"], "fair-share",
        "the next lead is routed by the upload"
    );
    let folder = server.host.plugins.folders().org_dir("demo");
    assert!(
        folder.join("fair-share.wasm").exists(),
        "the upload is in the org's folder"
    );
    let org_file = std::fs::read_to_string(folder.join("org.toml")).unwrap();
    assert!(
        org_file.contains("component = \"fair-share.wasm\""),
        "and org.toml names it: {org_file}"
    );
    assert!(
        !folder.join("garbage.wasm").exists(),
        "a refused upload writes nothing"
    );
}

#[test]
fn the_openapi_document_matches_the_committed_copy_and_the_served_one() {
    let generated = leadhost::api::document();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "host/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p leadhost-tests --test e2e openapi` and commit it"
    );
    let server = TestServer::start();
    let served = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(served, generated);
    let document: Value = serde_json::from_str(&generated).unwrap();
    assert!(document["paths"]["/v1/orgs/{org}/leads"]["post"].is_object());
    assert!(document["components"]["schemas"]["LeadSubmission"].is_object());
}

#[test]
fn probes_and_metrics_answer() {
    let server = TestServer::start();
    let get = |path: &str| server.client.get(server.url(path)).send().unwrap();
    assert_eq!(get("/healthz").status(), 200);
    assert_eq!(get("/readyz").status(), 200);
    server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "m@n.example"})),
    );
    let metrics = get("/metrics").text().unwrap();
    assert!(metrics.contains("leadhost_http_requests_total{method=\"POST\",route=\"/v1/orgs/{org}/leads\",status=\"201\"}"), "{metrics}");
    assert!(
        metrics.contains(
            "leadhost_plugin_calls_total{org=\"demo\",slot=\"lead-definition\",outcome=\"decided\"}"
        ),
        "{metrics}"
    );
}

#[test]
fn a_reps_absences_are_set_by_patch_and_a_backwards_one_is_named() {
    let server = TestServer::start();
    let (_, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    let id = reps[0]["id"].as_str().unwrap().to_string();
    let path = format!("/v1/orgs/demo/reps/{id}");
    let (status, problem) = server.demo(
        Method::PATCH,
        &path,
        Some(json!({"out_of_office": [
            {"from": "2026-12-21T00:00:00Z", "until": "2027-01-04T00:00:00Z"},
            {"from": "2027-02-10T00:00:00Z", "until": "2027-02-01T00:00:00Z"}
        ]})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "out_of_office[1].until");
    assert_eq!(problem["errors"][0]["problem"], "must be after `from`");

    let away = json!([{"from": "2026-12-21T00:00:00Z", "until": "2027-01-04T00:00:00Z"}]);
    let (status, rep) = server.demo(Method::PATCH, &path, Some(json!({"out_of_office": away})));
    assert_eq!(status, 200, "{rep}");
    let (_, reps) = server.demo(Method::GET, "/v1/orgs/demo/reps", None);
    let stored = reps
        .as_array()
        .unwrap()
        .iter()
        .find(|rep| rep["id"] == json!(id))
        .unwrap();
    assert_eq!(stored["out_of_office"], away);
    assert_eq!(stored["available"], true, "the switch is separate");
}

#[test]
fn an_org_id_made_from_the_name_blames_the_name() {
    let server = TestServer::start();
    let create = |body: Value| {
        read(
            server
                .request(Method::POST, "/v1/orgs", Some(&server.admin))
                .json(&body)
                .send()
                .unwrap(),
        )
    };
    // Letters of any script become an id.
    for (name, id) in [("ÄÖÜ", "aou"), ("Ölwerk Zürich", "olwerk-zurich")] {
        let (status, created) = create(json!({ "name": name }));
        assert_eq!(status, 201, "{name}: {created}");
        assert_eq!(created["id"], id);
        assert_eq!(created["name"], name);
    }
    // Nothing to make an id from: the client sent `name`, so `name` is at fault.
    for name in ["–·–", "???", "¿¡!?"] {
        let (status, problem) = create(json!({ "name": name }));
        assert_eq!(status, 422, "{name}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "name", "{name}: {problem}");
        assert!(
            problem["errors"][0]["problem"]
                .as_str()
                .unwrap()
                .contains("send an `id`"),
            "{problem}"
        );
    }
    // The id made from the name is taken: the answer says so.
    let (status, problem) = create(json!({ "name": "aou" }));
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("made from the name, `aou`"),
        "{problem}"
    );
    // An id the client sent is still judged as `id`.
    let (status, problem) = create(json!({ "name": "Fine", "id": "ÄÖÜ" }));
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "id", "{problem}");
}
