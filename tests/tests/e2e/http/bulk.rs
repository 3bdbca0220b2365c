//! Bulk bodies (batches, CSV imports) are read within the org's share and
//! parsed on blocking threads: a request past its deadline is answered 408
//! at the deadline even while its file is still being parsed, and then
//! stores nothing; a header row no lead could use is refused before any row
//! is read.

use std::time::Duration;

use leadhost::api::HttpLimits;
use reqwest::Method;

use super::server::{TestServer, read};

/// An org of its own (no plug-ins: leads wait in needs-review) and its token.
fn org(server: &TestServer, id: &str) -> String {
    let engine = &server.host.engine;
    engine.create_org(id, id).unwrap();
    leadhost::auth::issue(engine.store().as_ref(), Some(id), engine.now())
        .unwrap()
        .token
}

fn import(server: &TestServer, org: &str, token: &str, csv: String) -> (u16, serde_json::Value) {
    read(
        server
            .request(
                Method::POST,
                &format!("/v1/orgs/{org}/imports"),
                Some(token),
            )
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .expect("the server answers"),
    )
}

#[test]
fn an_import_past_its_deadline_is_answered_408_while_parsing_and_starts_no_job() {
    let server = TestServer::start_with(HttpLimits {
        timeout: Duration::from_millis(300),
        ..HttpLimits::default()
    });
    let token = org(&server, "slowfile");
    // ~9 MiB, 250,000 rows: seconds of parsing, far past the deadline.
    let mut csv = String::from("Email,Company,Notes\n");
    for n in 0..250_000 {
        csv.push_str(&format!(
            "p{n}@firm{}.example,Firm {n},\"a, b\"\n",
            n % 1000
        ));
    }
    let (status, problem) = import(&server, "slowfile", &token, csv);
    assert_eq!(
        status, 408,
        "answered at its deadline, not when parsing ended: {problem}"
    );
    // The parse goes on after the answer; when it ends it must see that
    // nobody waits for it any more.
    for _ in 0..40 {
        let (status, jobs) = read(
            server
                .request(Method::GET, "/v1/orgs/slowfile/imports", Some(&token))
                .send()
                .unwrap(),
        );
        assert_eq!(status, 200, "{jobs}");
        assert_eq!(jobs["jobs"], serde_json::json!([]), "no job for a 408");
        std::thread::sleep(Duration::from_millis(250));
    }
    let mut leads = 0;
    server
        .host
        .engine
        .store()
        .scan_leads("slowfile", &mut |_| {
            leads += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(leads, 0);
}

#[test]
fn a_header_row_wider_than_any_lead_is_refused_before_the_rows() {
    let server = TestServer::start();
    let token = org(&server, "widefile");
    let columns = leadhost::import::COLUMNS_MAX + 1;
    let header: Vec<String> = std::iter::once("Email".to_string())
        .chain((1..columns).map(|n| format!("c{n}")))
        .collect();
    let csv = format!(
        "{}\nwide@firm.example{}\n",
        header.join(","),
        ",x".repeat(columns - 1)
    );
    let (status, problem) = import(&server, "widefile", &token, csv);
    assert_eq!(status, 422, "{problem}");
    let detail = problem["errors"][0]["problem"].as_str().unwrap_or_default();
    assert!(
        detail.contains(&format!("{columns} columns")) && detail.contains("at most 1000"),
        "{problem}"
    );

    // As many columns as allowed, all with the same header: each but the
    // first is skipped with one warning, and the row imports.
    let same = vec!["Email"; 1]
        .into_iter()
        .chain(vec!["Note"; 999])
        .collect::<Vec<_>>();
    let csv = format!("{}\nok@firm.example{}\n", same.join(","), ",x".repeat(999));
    let (status, result) = import(&server, "widefile", &token, csv);
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["created"], 1, "{result}");
    assert_eq!(
        result["warnings"].as_array().map(Vec::len),
        Some(998),
        "{result}"
    );
}
