//! Sample cases without file access: read and replace a slot's cases, and
//! upload a component together with its cases in one request.

use leadhost::builtin::BANT_QUALIFIER;
use reqwest::Method;
use reqwest::blocking::multipart::{Form, Part};
use serde_json::{Value, json};

use super::server::{TestServer, read};
use crate::e2e::reload::variant;

const CASES: &str = "/v1/orgs/demo/plugins/lead-definition/cases";

/// One case: a strong lead, expected in `stage`.
fn case(name: &str, stage: &str) -> Value {
    json!({
        "name": name,
        "input": {
            "lead": {"id": "c1", "email": "c@n.example", "country": "DE", "budget": 60000,
                "authority": "decision-maker", "need": "high", "timeline_days": 30,
                "created_at": "2026-11-24T09:00:00Z"},
            "activities": [], "now": "2026-11-24T09:00:00Z"
        },
        "expect": {"stage": stage}
    })
}

fn put_cases(server: &TestServer, cases: &Value) -> (u16, Value) {
    read(
        server
            .request(Method::PUT, CASES, Some(&server.demo))
            .json(cases)
            .send()
            .unwrap(),
    )
}

fn upload(server: &TestServer, name: &str, form: Form) -> (u16, Value) {
    read(
        server
            .request(
                Method::PUT,
                &format!("/v1/orgs/demo/plugins/lead-definition?name={name}"),
                Some(&server.demo),
            )
            .multipart(form)
            .send()
            .unwrap(),
    )
}

fn component(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).mime_str("application/wasm").unwrap()
}

fn cases_part(cases: &Value) -> Part {
    Part::text(cases.to_string())
        .mime_str("application/json")
        .unwrap()
}

#[test]
fn cases_are_replaced_only_with_cases_the_serving_plug_in_passes() {
    let server = TestServer::start();
    let (status, first) = server.demo(Method::GET, CASES, None);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["plugin"], "bant-qualifier");

    let failing = json!([
        case("passes", "sales-ready"),
        case("cannot pass", "discard")
    ]);
    let (status, problem) = put_cases(&server, &failing);
    assert_eq!(status, 422, "{problem}");
    let detail = problem["errors"][0]["problem"].as_str().unwrap();
    assert!(
        detail.contains("1 of 2 fail") && detail.contains("case 2 \"cannot pass\""),
        "{detail}"
    );
    assert_eq!(
        server.demo(Method::GET, CASES, None).1,
        first,
        "nothing changed"
    );

    let passing = json!([case("a strong lead goes to sales", "sales-ready")]);
    let (status, replaced) = put_cases(&server, &passing);
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["cases"], passing);
    let (_, read_back) = server.demo(Method::GET, CASES, None);
    assert_eq!(read_back["cases"], passing);
    // What GET answers goes back as it is.
    let (status, again) = put_cases(&server, &read_back);
    assert_eq!(
        (status, again["cases"].clone()),
        (200, passing.clone()),
        "{again}"
    );
    let (status, problem) = put_cases(&server, &json!([]));
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["errors"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("no cases")
    );

    let (status, problem) = put_cases(&server, &json!({"not": "a list"}));
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "cases");
}

#[test]
fn a_component_uploads_with_its_own_cases_in_one_request() {
    let server = TestServer::start();
    let acme_fit = variant(BANT_QUALIFIER.bytes, 3);
    let wrong = json!([case("expects the wrong stage", "discard")]);
    let form = Form::new()
        .part("component", component(acme_fit.clone()))
        .part("cases", cases_part(&wrong));
    let (status, problem) = upload(&server, "acme-fit", form);
    assert_eq!(status, 422, "{problem}");
    let dir = server.host.plugins.folders().org_dir("demo");
    assert!(
        !dir.join("acme-fit.wasm").exists(),
        "a refused upload writes nothing"
    );
    assert!(!dir.join("acme-fit.cases.json").exists());

    let right = json!([case("a strong lead goes to sales", "sales-ready")]);
    let form = Form::new()
        .part("component", component(acme_fit))
        .part("cases", cases_part(&right));
    let (status, slot) = upload(&server, "acme-fit", form);
    assert_eq!(status, 200, "{slot}");
    assert_eq!(slot["active"]["name"], "acme-fit");
    let (_, cases) = server.demo(Method::GET, CASES, None);
    assert_eq!(
        (cases["plugin"].clone(), cases["cases"].clone()),
        (json!("acme-fit"), right)
    );

    let (status, problem) = upload(
        &server,
        "acme-fit",
        Form::new().part("cases", cases_part(&json!([]))),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "component");
    let (status, problem) = upload(
        &server,
        "acme-fit",
        Form::new()
            .part("component", component(BANT_QUALIFIER.bytes.to_vec()))
            .part("readme", Part::text("hi")),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "readme");
}

#[test]
fn an_upload_query_names_the_parameter_it_does_not_take() {
    let server = TestServer::start();
    // A small body: the query is refused before the body is read, and a
    // large one could still be on its way when the answer closes the
    // connection.
    let form = || Form::new().part("component", component(b"\0asm".to_vec()));
    let (status, problem) = upload(&server, "acme-fit&config=min-budget%3D20000", form());
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "config", "{problem}");
    assert!(
        problem["errors"][0]["problem"]
            .as_str()
            .unwrap()
            .starts_with("an upload's query takes only `name`"),
        "{problem}"
    );
    // Without a name at all, the name is what is asked for.
    let answer = server
        .request(
            Method::PUT,
            "/v1/orgs/demo/plugins/lead-definition",
            Some(&server.demo),
        )
        .multipart(form())
        .send()
        .unwrap();
    let (status, problem) = read(answer);
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
}

/// A body that arrives in two parts, `pause` apart: a client still
/// sending when the server has made up its mind.
struct Slow {
    parts: Vec<Vec<u8>>,
    pause: std::time::Duration,
}

impl std::io::Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.parts.is_empty() {
            return Ok(0);
        }
        if self.parts.len() == 1 {
            std::thread::sleep(self.pause);
        }
        let part = self.parts.remove(0);
        let n = part.len().min(buf.len());
        buf[..n].copy_from_slice(&part[..n]);
        if n < part.len() {
            self.parts.insert(0, part[n..].to_vec());
        }
        Ok(n)
    }
}

/// A refused upload query is answered to a client still sending its body:
/// the server reads the (small) rest first instead of closing the
/// connection under it, which the client would see as a broken pipe.
#[test]
fn a_refused_upload_query_is_answered_while_the_body_is_still_coming() {
    let server = TestServer::start();
    let body = b"--X\r\nContent-Disposition: form-data; name=\"component\"\r\n\
                 Content-Type: application/wasm\r\n\r\n\0asm\r\n--X--\r\n";
    let (first, rest) = body.split_at(20);
    let slow = Slow {
        parts: vec![first.to_vec(), rest.to_vec()],
        pause: std::time::Duration::from_millis(300),
    };
    let answer = server
        .request(
            Method::PUT,
            "/v1/orgs/demo/plugins/lead-definition?name=x&config=1",
            Some(&server.demo),
        )
        .header("content-type", "multipart/form-data; boundary=X")
        .body(reqwest::blocking::Body::sized(slow, body.len() as u64))
        .send()
        .expect("the answer, not a broken pipe");
    let (status, problem) = read(answer);
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "config", "{problem}");
}

#[test]
fn a_slots_config_is_set_over_the_api_checked_first_and_versioned() {
    let server = TestServer::start();
    let put_config = |config: &Value| {
        read(
            server
                .request(
                    Method::PUT,
                    "/v1/orgs/demo/plugins/lead-definition/config",
                    Some(&server.demo),
                )
                .json(config)
                .send()
                .unwrap(),
        )
    };
    let org_file = server
        .host
        .plugins
        .folders()
        .org_dir("demo")
        .join("org.toml");
    let before = std::fs::read_to_string(&org_file).unwrap();
    // A value the plug-in cannot read: refused, nothing written.
    let (status, problem) = put_config(&json!({"min-budget": "lots"}));
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("min-budget"),
        "{problem}"
    );
    assert_eq!(std::fs::read_to_string(&org_file).unwrap(), before);
    // Larger than a slot's config may be (DEL is six bytes in TOML: a
    // body like this once pushed org.toml past what is read back).
    let (status, problem) = put_config(&json!({"k": "\u{7f}".repeat(20_000)}));
    assert_eq!(status, 413, "{problem}");
    assert_eq!(std::fs::read_to_string(&org_file).unwrap(), before);
    // Not a config value at all: named by key.
    let (status, problem) = put_config(&json!({"industries": [["nested"]]}));
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("industries"), "{problem}");
    // A good one: activated as a `config` version, in org.toml as a list.
    let (status, slot) =
        put_config(&json!({"min-budget": 15000, "industries": ["logistics", "retail"]}));
    assert_eq!(status, 200, "{slot}");
    assert_eq!(slot["active"]["config"]["min-budget"], 15000.0, "{slot}");
    assert_eq!(slot["active"]["config"]["industries"], "logistics, retail");
    let (_, versions) = read(
        server
            .request(
                Method::GET,
                "/v1/orgs/demo/plugins/lead-definition/versions",
                Some(&server.demo),
            )
            .send()
            .unwrap(),
    );
    let last = versions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["how"], "config", "{last}");
    assert_eq!(last["config_digest"], slot["active"]["config_digest"]);
    let text = std::fs::read_to_string(&org_file).unwrap();
    assert!(text.contains("min-budget = 15000"), "{text}");
    assert!(
        text.contains("industries = \"logistics, retail\""),
        "a new key is written as the text the plug-in reads: {text}"
    );
}
