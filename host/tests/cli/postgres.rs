//! `leadhost serve --store postgres://…`: two hosts on one real PostgreSQL
//! (a throwaway cluster, `leadhost_store_postgres::test_server`) and one shared
//! data folder behave as one service, and the CLI reads the database while
//! they run.

use std::process::Command;

use super::serve::{Serving, log_of, start_with};

pub(super) const ADMIN: &str = "lh_test_admin_token_for_the_serve_test";

/// Starts a host in its own folder on `url`, its `data` a link to the
/// shared data folder in `shared`.
pub(super) fn host(shared: &std::path::Path, url: &str) -> (tempfile::TempDir, Serving) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(shared.join("data")).unwrap();
    std::os::unix::fs::symlink(shared.join("data"), dir.path().join("data")).unwrap();
    let serving = start_with(dir.path(), &[("LEADHOST_STORE", url)]);
    (dir, serving)
}

pub(super) fn post_lead(
    client: &reqwest::blocking::Client,
    host: &str,
    email: &str,
) -> serde_json::Value {
    let response = client
        .post(format!("{host}/v1/orgs/demo/leads"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"email": email, "country": "DE", "need": "high", "budget": 5000}))
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().unwrap();
    assert!(status == 201 || status == 200, "{status}: {body}");
    body
}

#[test]
fn two_hosts_on_one_database_serve_the_same_leads_and_the_cli_reads_them_meanwhile() {
    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    let (dir_a, a) = host(shared.path(), &url);
    let (dir_b, b) = host(shared.path(), &url);
    assert!(a.lines[0].contains("store in postgres://"), "{:?}", a.lines);
    let client = reqwest::blocking::Client::new();

    // A lead taken on one host is the other's too; the same e-mail on the
    // other host is the same lead.
    let first = post_lead(&client, &a.url, "ada@northwind.example");
    let id = first["id"].as_str().expect("an id").to_string();
    let on_b: serde_json::Value = client
        .get(format!("{}/v1/orgs/demo/leads/{id}", b.url))
        .bearer_auth(ADMIN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        on_b["email"],
        "ada@northwind.example",
        "{on_b}\n{}",
        log_of(dir_b.path())
    );
    let again = post_lead(&client, &b.url, "ada@northwind.example");
    assert_eq!(
        again["id"], first["id"],
        "one lead per e-mail across hosts: {again}"
    );

    // One new e-mail posted to both hosts at once is one lead.
    let ids: Vec<serde_json::Value> = std::thread::scope(|scope| {
        let posts: Vec<_> = (0..8)
            .map(|n| {
                let (client, host) = (&client, if n % 2 == 0 { &a.url } else { &b.url });
                scope.spawn(move || post_lead(client, host, "bo@tailspin.example")["id"].clone())
            })
            .collect();
        posts.into_iter().map(|post| post.join().unwrap()).collect()
    });
    assert!(ids.iter().all(|id| *id == ids[0]), "one lead: {ids:?}");

    // Leads posted to both hosts at once get distinct ids, all kept.
    let posted: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let (client, host) = (&client, if thread % 2 == 0 { &a.url } else { &b.url });
                scope.spawn(move || {
                    (0..10)
                        .map(|n| {
                            let email = format!("lead{thread}-{n}@contoso.example");
                            post_lead(client, host, &email)["id"]
                                .as_str()
                                .unwrap()
                                .to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect()
    });
    let mut unique = posted.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 40, "no id handed out twice: {posted:?}");
    let listed: serde_json::Value = client
        .get(format!("{}/v1/orgs/demo/leads?limit=100", a.url))
        .bearer_auth(ADMIN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let listed = listed["leads"].as_array().expect("a page of leads");
    assert_eq!(listed.len(), 42, "every lead, once");

    // The CLI opens the database while both hosts run (sled would refuse).
    let shown = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["show", &id, "--store", &url])
        .arg("--data-dir")
        .arg(shared.path().join("data"))
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    assert!(stdout.contains("ada@northwind.example"), "{stdout}");

    // A host killed outright loses nothing acknowledged: restarted, it
    // serves every lead.
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    drop(a);
    let (_dir_c, c) = host(shared.path(), &url);
    for id in &posted {
        let status = client
            .get(format!("{}/v1/orgs/demo/leads/{id}", c.url))
            .bearer_auth(ADMIN)
            .send()
            .unwrap()
            .status();
        assert_eq!(
            status.as_u16(),
            200,
            "{id} after a restart\n{}",
            log_of(dir_a.path())
        );
    }
}

#[test]
fn a_database_that_cannot_be_reached_is_named_without_its_password() {
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args([
            "show",
            "ld-0000000001",
            "--store",
            "postgres://me:hunter2@127.0.0.1:1/leads",
        ])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("postgres://me:***@127.0.0.1:1/leads"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(
        stderr.contains("Connection refused"),
        "the cause is named: {stderr}"
    );
    // A server that answers, naming a database it does not have.
    let url = leadhost_store_postgres::test_server::database();
    let (server, _) = url.rsplit_once('/').expect("a database in the URL");
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args([
            "show",
            "ld-0000000001",
            "--store",
            &format!("{server}/no_such_db"),
        ])
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(r#"database "no_such_db" does not exist"#),
        "{stderr}"
    );
}

/// PostgreSQL stopped under a running host: requests answer 503 (nothing
/// stored, send again) while it is down; once it is back the host serves
/// again by itself, and every lead acknowledged before is there.
#[test]
fn a_database_restart_is_503_while_down_and_loses_nothing_acknowledged() {
    let server = leadhost_store_postgres::test_server::private();
    let url = server.database();
    let shared = tempfile::tempdir().unwrap();
    let (dir, a) = host(shared.path(), &url);
    let client = reqwest::blocking::Client::new();
    let post = |email: &str| -> (u16, serde_json::Value) {
        let response = client
            .post(format!("{}/v1/orgs/demo/leads", a.url))
            .bearer_auth(ADMIN)
            .json(&serde_json::json!({"email": email, "country": "DE", "need": "high"}))
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    };
    let acknowledged: Vec<String> = (0..10)
        .map(|n| {
            let (status, lead) = post(&format!("early{n}@contoso.example"));
            assert_eq!(status, 201, "{lead}");
            lead["id"].as_str().unwrap().to_string()
        })
        .collect();

    server.pg_ctl(&["stop", "-m", "fast"]).unwrap();
    let (status, problem) = post("during@contoso.example");
    assert_eq!(status, 503, "{problem}\n{}", log_of(dir.path()));
    assert_eq!(problem["type"], "/problems/store-failed", "{problem}");

    server.start_again().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (status, lead) = loop {
        let (status, lead) = post("after@contoso.example");
        if status != 503 || std::time::Instant::now() > deadline {
            break (status, lead);
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(status, 201, "served again: {lead}\n{}", log_of(dir.path()));
    for id in &acknowledged {
        let status = client
            .get(format!("{}/v1/orgs/demo/leads/{id}", a.url))
            .bearer_auth(ADMIN)
            .send()
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 200, "{id} after the restart");
    }
}

/// A host that cannot take its address writes nothing: the admin token it
/// was started with does not rotate the running hosts' (it did, the host
/// failing to bind only afterwards), and the error names the address.
#[test]
fn a_host_that_cannot_listen_rotates_no_admin_token() {
    const OTHER: &str = "another_admin_token_0123456789abcdef";
    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    let (_first_dir, first) = host(shared.path(), &url);
    let address = first.url.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["serve", "--listen", &address, "--data-dir", "data"])
        .current_dir(dir.path())
        .env("LEADHOST_ADMIN_TOKEN", OTHER)
        .env("LEADHOST_STORE", &url)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
    // Past the 1 s a host keeps a token it read.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let client = reqwest::blocking::Client::new();
    let status = |token: &str| {
        client
            .get(format!("{}/v1/orgs/demo/reps", first.url))
            .bearer_auth(token)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status(ADMIN), 200, "{}", log_of(_first_dir.path()));
    assert_eq!(status(OTHER), 401);
}
