//! Large CSV imports as jobs: answered 202 at once with a job to follow,
//! progress that advances to the final counts, refused rows by line, a
//! cancel that stops storing, one job per org at a time, other orgs kept
//! out, and a shutdown that leaves the job `interrupted` with what it stored.

use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;
use reqwest::Method;
use serde_json::Value;

use super::server::{TestServer, read};

/// `good` valid rows and a bad e-mail at each of `bad` (lines, from 2).
fn csv(good: usize, bad: &[usize]) -> String {
    let mut text = String::from("Email,Name,Company,Employees\n");
    let mut written = 0;
    let mut line = 2;
    while written < good {
        if bad.contains(&line) {
            text.push_str(&format!("not-an-address-{line},Bad Row,Nowhere,5\n"));
        } else {
            text.push_str(&format!(
                "person{written}@firm{}.example,Person {written},Firm {},{}\n",
                written % 97,
                written % 97,
                10 + written % 500
            ));
            written += 1;
        }
        line += 1;
    }
    text
}

fn post(server: &TestServer, org: &str, token: &str, body: String) -> (u16, Option<String>, Value) {
    let response = server
        .request(
            Method::POST,
            &format!("/v1/orgs/{org}/imports"),
            Some(token),
        )
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .expect("the server answers");
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string());
    let (status, body) = read(response);
    (status, location, body)
}

fn get(server: &TestServer, path: &str, token: &str) -> (u16, Value) {
    read(
        server
            .request(Method::GET, path, Some(token))
            .send()
            .unwrap(),
    )
}

fn stored(server: &TestServer, org: &str) -> usize {
    let mut count = 0;
    server
        .host
        .engine
        .store()
        .scan_leads(org, &mut |_| {
            count += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    count
}

/// Polls the job until `until` holds (or 25 s pass); returns every `done`
/// seen and the last body.
fn follow(
    server: &TestServer,
    path: &str,
    token: &str,
    until: impl Fn(&Value) -> bool,
) -> (Vec<u64>, Value) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seen = Vec::new();
    loop {
        let (status, job) = get(server, path, token);
        assert_eq!(status, 200, "{job}");
        seen.push(job["done"].as_u64().unwrap());
        if until(&job) || Instant::now() > deadline {
            return (seen, job);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// An org with no plug-ins (every lead waits in needs-review), so that
/// 15,000 rows are stored in seconds: what is under test is the job, not
/// the plug-ins (the other tests here run them).
fn bare_org(server: &TestServer, id: &str) -> (String, String) {
    let engine = &server.host.engine;
    engine.create_org(id, id).unwrap();
    let token = leadhost::auth::issue(engine.store().as_ref(), Some(id), engine.now())
        .unwrap()
        .token;
    (id.to_string(), token)
}

fn ended(job: &Value) -> bool {
    !matches!(job["state"].as_str(), Some("running" | "cancelling"))
}

#[test]
fn a_large_import_is_a_job_answered_at_once_and_followed_to_its_counts() {
    // The limit that turned the same file into a 408 with hidden work.
    let server = TestServer::start_with(HttpLimits {
        timeout: Duration::from_secs(3),
        ..HttpLimits::default()
    });
    let (org, token) = bare_org(&server, "bulk");
    let bad = [10, 7_000, 15_003];
    let started = Instant::now();
    let (status, location, job) = post(&server, &org, &token, csv(15_000, &bad));
    let answered = started.elapsed();
    assert_eq!(status, 202, "{job}");
    assert!(
        answered < Duration::from_secs(2),
        "answered in {answered:?}"
    );
    let id = job["id"].as_str().unwrap();
    let path = format!("/v1/orgs/{org}/imports/{id}");
    assert_eq!(location.as_deref(), Some(path.as_str()));
    assert_eq!(
        (job["state"].as_str(), job["rows"].as_u64()),
        (Some("running"), Some(15_003))
    );

    let (seen, job) = follow(&server, &path, &token, ended);
    assert_eq!(job["state"], "done", "{job}");
    assert!(
        seen.windows(2).all(|pair| pair[0] <= pair[1]),
        "progress never goes back: {seen:?}"
    );
    assert!(
        seen.iter().any(|done| *done > 0 && *done < 15_003),
        "progress was seen advancing, not only at the end: {seen:?}"
    );
    assert_eq!(
        [
            &job["done"],
            &job["created"],
            &job["merged"],
            &job["unchanged"],
            &job["rejected"]
        ]
        .map(|n| n.as_u64()),
        [Some(15_003), Some(15_000), Some(0), Some(0), Some(3)]
    );
    let lines: Vec<u64> = job["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, bad.map(|line| line as u64));
    assert_eq!(
        job["rejected_rows"][0]["errors"][0]["field"], "email",
        "{job}"
    );
    assert_eq!(job["rejected_rows"][0]["status"], 422);
    assert!(job["finished_at"].is_string());
    assert_eq!(stored(&server, &org), 15_000);

    let (status, list) = get(&server, &format!("/v1/orgs/{org}/imports"), &token);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["jobs"][0]["id"], id);
    assert_eq!(list["jobs"][0]["created"], 15_000);

    // A file within `import_sync_rows` is still answered in full at once;
    // its rows were all received before, so they change nothing.
    let (status, _, small) = post(&server, &org, &token, csv(3, &[3]));
    assert_eq!(status, 200, "{small}");
    assert_eq!(
        [&small["merged"], &small["unchanged"], &small["rejected"]].map(|n| n.as_u64()),
        [Some(0), Some(3), Some(1)]
    );
}

#[test]
fn a_cancelled_job_stops_storing_and_one_job_runs_per_org() {
    let server = TestServer::start();
    let (org, token) = server.create_org("Cancel");
    let (status, _, job) = post(&server, &org, &token, csv(15_000, &[]));
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    let path = format!("/v1/orgs/{org}/imports/{id}");

    let (status, _, busy) = post(&server, &org, &token, csv(2_000, &[]));
    assert_eq!(status, 409, "one job per org at a time: {busy}");
    assert!(busy["detail"].as_str().unwrap().contains(&id), "{busy}");

    follow(&server, &path, &token, |job| job["done"].as_u64() > Some(0));
    let cancel = format!("{path}/cancel");
    let (status, cancelling) = read(
        server
            .request(Method::POST, &cancel, Some(&token))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 202, "{cancelling}");
    assert_eq!(cancelling["state"], "cancelling");

    let (_, job) = follow(&server, &path, &token, ended);
    assert_eq!(job["state"], "cancelled", "{job}");
    let done = job["done"].as_u64().unwrap();
    assert!(done < 15_000, "it stopped early: {job}");
    let at_cancel = stored(&server, &org);
    assert_eq!(
        at_cancel as u64, done,
        "the rows counted as done are the ones stored"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        stored(&server, &org),
        at_cancel,
        "nothing is stored after a cancel"
    );

    let (status, again) = read(
        server
            .request(Method::POST, &cancel, Some(&token))
            .send()
            .unwrap(),
    );
    assert_eq!((status, again["state"].as_str()), (200, Some("cancelled")));
    // The org may import again once its job has ended.
    let (status, _, next) = post(&server, &org, &token, csv(1_500, &[]));
    assert_eq!(status, 202, "{next}");
    let next_path = format!("/v1/orgs/{org}/imports/{}", next["id"].as_str().unwrap());
    let (_, next) = follow(&server, &next_path, &token, ended);
    assert_eq!(next["state"], "done", "{next}");
    let (status, finished) = read(
        server
            .request(Method::POST, &format!("{next_path}/cancel"), Some(&token))
            .send()
            .unwrap(),
    );
    assert_eq!(
        status, 409,
        "a finished job has nothing to cancel: {finished}"
    );
}

#[test]
fn another_org_cannot_see_or_cancel_an_import_job() {
    let server = TestServer::start();
    let (org, token) = server.create_org("Owner");
    let (other, other_token) = server.create_org("Stranger");
    let (status, _, job) = post(&server, &org, &token, csv(1_200, &[]));
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    for path in [
        format!("/v1/orgs/{org}/imports/{id}"),
        format!("/v1/orgs/{org}/imports"),
        format!("/v1/orgs/{other}/imports/{id}"),
    ] {
        let (status, body) = get(&server, &path, &other_token);
        assert_eq!(status, 404, "{path}: {body}");
    }
    for path in [
        format!("/v1/orgs/{org}/imports/{id}/cancel"),
        format!("/v1/orgs/{other}/imports/{id}/cancel"),
    ] {
        let response = server
            .request(Method::POST, &path, Some(&other_token))
            .send()
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let (_, list) = get(&server, &format!("/v1/orgs/{other}/imports"), &other_token);
    assert_eq!(list["jobs"], serde_json::json!([]));
    let (_, job) = follow(
        &server,
        &format!("/v1/orgs/{org}/imports/{id}"),
        &token,
        ended,
    );
    assert_eq!(
        (job["state"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(1_200))
    );
}

#[test]
fn a_shutdown_leaves_a_running_job_interrupted_with_what_it_stored() {
    let server = TestServer::start();
    let (org, token) = server.create_org("Restart");
    let (status, _, job) = post(&server, &org, &token, csv(15_000, &[]));
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    follow(
        &server,
        &format!("/v1/orgs/{org}/imports/{id}"),
        &token,
        |job| job["done"].as_u64() > Some(0),
    );
    let host = server.host.clone();
    let stopping = Instant::now();
    server.stop().expect("a clean stop");
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "the job did not hold the shutdown"
    );
    let record = host
        .engine
        .store()
        .import_job(&org, &id)
        .unwrap()
        .expect("the job is kept");
    assert_eq!(
        record.state,
        leadhost::store::JobState::Interrupted,
        "{record:?}"
    );
    assert!(record.done < 15_000, "{record:?}");
    let mut count = 0;
    host.engine
        .store()
        .scan_leads(&org, &mut |_| {
            count += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(count, record.done, "the job counts what it stored");
}

#[test]
fn a_job_reads_the_file_as_a_small_import_would_and_keeps_its_column_warnings() {
    let server = TestServer::start();
    let (org, token) = bare_org(&server, "eu-jobs");
    // Past `import_sync_rows`, with European numbers and a column that has
    // no header: the job must read them as the synchronous import does.
    let mut text = String::from("E-Mail,Budget,\n");
    for n in 0..1_200 {
        text.push_str(&format!("p{n}@alpenbahn.example,\"1.500\",x\n"));
    }
    let response = server
        .request(
            Method::POST,
            &format!("/v1/orgs/{org}/imports?decimal=comma"),
            Some(&token),
        )
        .header("content-type", "text/csv")
        .body(text)
        .send()
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string())
        .expect("a job to follow");
    let (status, job) = read(response);
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["warnings"].as_array().map(Vec::len), Some(1), "{job}");
    let (_, job) = follow(&server, &location, &token, |job| job["state"] == "done");
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        [&job["created"], &job["rejected"]].map(|n| n.as_u64()),
        [Some(1_200), Some(0)],
        "{job}"
    );
    assert_eq!(job["warnings"][0]["column"], "", "{job}");
    let store = server.host.engine.store();
    let id = store
        .lead_by_email(&org, "p7@alpenbahn.example")
        .unwrap()
        .expect("stored");
    let lead = store.lead(&org, &id).unwrap().expect("stored");
    assert_eq!(
        lead.lead.budget,
        Some(1500.0),
        "`1.500` with a decimal comma"
    );
}
