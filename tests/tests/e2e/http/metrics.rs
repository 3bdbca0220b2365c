//! `/metrics`: labels a client cannot grow, and who may read it (it shows
//! every org's id and activity).

use leadhost::api::{HttpLimits, MetricsToken};
use reqwest::Method;

use super::server::{TestServer, read};

const METRICS_TOKEN: &str = "scrape-me-0123456789";

/// The series of `name` in a `/metrics` text.
fn series<'a>(metrics: &'a str, name: &str) -> Vec<&'a str> {
    metrics
        .lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .collect()
}

#[test]
fn random_method_names_do_not_grow_the_label_set() {
    let server = TestServer::start();
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let names: Vec<String> = (0..1000).map(|n| format!("RANDOM{n}X{salt:x}")).collect();
    for (n, name) in names.iter().enumerate() {
        let method = Method::from_bytes(name.as_bytes()).unwrap();
        // Known routes (405) and unknown ones (404) alike.
        let path = if n % 2 == 0 {
            "/v1/orgs/demo/leads".to_string()
        } else {
            format!("/no/such/route/{n}")
        };
        let status = server
            .request(method, &path, Some(&server.demo))
            .send()
            .unwrap()
            .status()
            .as_u16();
        assert!(status == 404 || status == 405, "{name} {path}: {status}");
    }
    let metrics = server
        .client
        .get(server.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let leaked: Vec<&str> = metrics
        .lines()
        .filter(|line| line.contains("RANDOM") || line.contains("/no/such/route"))
        .collect();
    assert!(
        leaked.is_empty(),
        "{} series name a client's method or path, e.g. {:?}",
        leaked.len(),
        leaked.first()
    );
    let requests = series(&metrics, "leadhost_http_requests_total");
    let other: Vec<&&str> = requests
        .iter()
        .filter(|line| line.contains("method=\"other\""))
        .collect();
    assert!(
        (1..=4).contains(&other.len()),
        "the odd methods share a few `other` series: {other:?}"
    );
    // Other tests in this process add their own routes; a thousand odd
    // methods must add next to nothing.
    assert!(
        requests.len() < 300,
        "{} request series after 1,000 odd methods",
        requests.len()
    );
}

#[test]
fn metrics_need_the_admin_token_once_the_host_serves_two_orgs() {
    let server = TestServer::start();
    let scrape = |token: Option<&str>| {
        read(
            server
                .request(Method::GET, "/metrics", token)
                .send()
                .unwrap(),
        )
    };
    let open = server
        .request(Method::GET, "/metrics", None)
        .send()
        .unwrap();
    assert_eq!(open.status().as_u16(), 200, "one org: open");

    let (_, acme) = server.create_org("Acme");
    let refused = server
        .request(Method::GET, "/metrics", None)
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let (_, problem) = read(refused);
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("serves more than one org")
            && !detail.contains('2')
            && detail.contains("admin token"),
        "{detail}"
    );
    assert!(
        detail.contains("metrics_token") && detail.contains("metrics_listen"),
        "{detail}"
    );
    for token in [
        Some(acme.as_str()),
        Some(server.demo.as_str()),
        Some("lh_wrong"),
    ] {
        assert_eq!(scrape(token).0, 401, "an org's or a wrong token");
    }
    let admin = server
        .request(Method::GET, "/metrics", Some(&server.admin))
        .send()
        .unwrap();
    assert_eq!(admin.status().as_u16(), 200);
    assert!(
        admin
            .text()
            .unwrap()
            .contains("leadhost_http_requests_total")
    );
}

#[test]
fn a_metrics_token_guards_metrics_and_reads_nothing_else() {
    let token = MetricsToken::new(METRICS_TOKEN).unwrap();
    let server = TestServer::start_serving(HttpLimits::default(), Some(token), false);
    let status = |path: &str, token: Option<&str>| {
        server
            .request(Method::GET, path, token)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    // Guarded even with one org.
    assert_eq!(status("/metrics", None), 401);
    assert_eq!(status("/metrics", Some("scrape-me-0123456780")), 401);
    assert_eq!(status("/metrics", Some(&server.demo)), 401);
    let (code, problem) = read(
        server
            .request(Method::GET, "/metrics", None)
            .send()
            .unwrap(),
    );
    assert_eq!(code, 401);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("metrics token"),
        "{problem}"
    );
    assert_eq!(status("/metrics", Some(METRICS_TOKEN)), 200);
    assert_eq!(status("/metrics", Some(&server.admin)), 200);
    // The metrics token is no API token.
    assert_eq!(status("/v1/orgs/demo/leads", Some(METRICS_TOKEN)), 401);
}

#[test]
fn metrics_listen_serves_metrics_alone_and_the_api_answers_404() {
    let server = TestServer::start_serving(HttpLimits::default(), None, true);
    server.create_org("Acme");
    let metrics_at = server.metrics_address.expect("a metrics listener");
    let client = &server.client;
    let scraped = client
        .get(format!("http://{metrics_at}/metrics"))
        .send()
        .unwrap();
    assert_eq!(
        scraped.status().as_u16(),
        200,
        "no token needed on its own address, even with two orgs"
    );
    assert!(
        scraped
            .text()
            .unwrap()
            .contains("leadhost_http_requests_total")
    );
    let (code, problem) = read(
        server
            .request(Method::GET, "/metrics", Some(&server.admin))
            .send()
            .unwrap(),
    );
    assert_eq!(code, 404, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("metrics_listen"),
        "{problem}"
    );
    // The metrics address serves nothing of the API.
    for path in ["/healthz", "/v1/orgs/demo/leads", "/openapi.json"] {
        let status = client
            .get(format!("http://{metrics_at}{path}"))
            .bearer_auth(&server.admin)
            .send()
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 404, "{path}");
    }
}

#[test]
fn metrics_listen_with_a_token_needs_it_there() {
    let token = MetricsToken::new(METRICS_TOKEN).unwrap();
    let server = TestServer::start_serving(HttpLimits::default(), Some(token), true);
    let url = format!("http://{}/metrics", server.metrics_address.unwrap());
    let client = &server.client;
    assert_eq!(client.get(&url).send().unwrap().status().as_u16(), 401);
    let scraped = client.get(&url).bearer_auth(METRICS_TOKEN).send().unwrap();
    assert_eq!(scraped.status().as_u16(), 200);
}
