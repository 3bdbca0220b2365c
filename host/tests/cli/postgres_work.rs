//! Work several hosts share through one PostgreSQL: the outbox's
//! deliveries, nurture steps and routing, each done once and fairly
//! whichever host takes it (the hosts as in `postgres.rs`).

use std::process::Command;

use super::postgres::{ADMIN, host};
use super::serve::{log_of, start_with};

/// A loopback webhook receiver answering 200 after `delay`: the
/// `Idempotency-Key` of every request it got, in order.
fn receiver(delay: std::time::Duration) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let keys = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = keys.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let (mut length, mut key) = (0, None);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(value) = lower.strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("idempotency-key:") {
                        key = line
                            .split_once(':')
                            .map(|(_, value)| value.trim().to_string());
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                std::thread::sleep(delay);
                seen.lock().unwrap().extend(key);
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            });
        }
    });
    (url, keys)
}

/// Two hosts deliver one outbox: each message is claimed by one host, so
/// a slow receiver gets each `lead-assigned` once, not once per host.
#[test]
fn two_hosts_deliver_each_webhook_once() {
    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    let (hook, keys) = receiver(std::time::Duration::from_millis(100));
    // The demo org's folder, then its webhook, before both hosts start.
    let (_first, first) = host(shared.path(), &url);
    drop(first);
    let org_file = shared.path().join("data/orgs/demo/org.toml");
    let mut text = std::fs::read_to_string(&org_file).unwrap();
    text.push_str(&format!(
        "\n[webhooks.lead-assigned]\nurl = \"{hook}\"\nsecret = \"a secret of 16+ characters\"\n"
    ));
    std::fs::write(&org_file, text).unwrap();
    let fast = [
        ("LEADHOST_STORE", url.as_str()),
        ("LEADHOST_DELIVERY_INTERVAL_MS", "20"),
    ];
    let start = |shared: &std::path::Path| {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(shared.join("data"), dir.path().join("data")).unwrap();
        let serving = start_with(dir.path(), &fast);
        (dir, serving)
    };
    let (dir_a, a) = start(shared.path());
    let (_dir_b, b) = start(shared.path());
    let client = reqwest::blocking::Client::new();
    let mut assigned = 0;
    for n in 0..30 {
        let host = if n % 2 == 0 { &a.url } else { &b.url };
        let response = client
            .post(format!("{host}/v1/orgs/demo/leads"))
            .bearer_auth(ADMIN)
            .json(&serde_json::json!({
                "email": format!("buyer{n}@fabrikam{n}.example"), "country": "DE",
                "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 45
            }))
            .send()
            .unwrap();
        let lead: serde_json::Value = response.json().unwrap();
        if lead["stage"] == "assigned" {
            assigned += 1;
        }
    }
    assert!(assigned > 0, "the demo's rules assign these leads");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while keys.lock().unwrap().len() < assigned && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Time for a second delivery of the last ones, if there were to be one.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let received = keys.lock().unwrap().clone();
    let mut unique = received.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        assigned,
        "every assignment delivered: {received:?}\n{}",
        log_of(dir_a.path())
    );
    assert_eq!(received.len(), unique.len(), "none twice: {received:?}");
}

/// Runs `leadhost` with `args` and `--data-dir data` (and `--store`),
/// expecting success; its stdout.
fn leadhost(args: &[&str], data: &std::path::Path, store: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leadhost"));
    command.args(args).arg("--data-dir").arg(data);
    if let Some(url) = store {
        command.args(["--store", url]);
    }
    let output = command.env_remove("RUST_LOG").output().unwrap();
    assert!(
        output.status.success(),
        "leadhost {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Per lead of `emails` (in the demo org), its touches in `store`.
fn touches(store: &dyn leadhost_store::Store, emails: &[String]) -> Vec<(String, usize)> {
    emails
        .iter()
        .map(|email| {
            let id = store.lead_by_email("demo", email).unwrap().expect("a lead");
            let sent = store
                .timeline("demo", &id)
                .unwrap()
                .iter()
                .filter(|entry| serde_json::to_string(entry).unwrap().contains("touch-sent"))
                .count();
            (email.clone(), sent)
        })
        .collect()
}

/// An NDJSON file of leads at `emails` that are nurtured, not handed to
/// sales: weeks of steps each.
fn nurtured(emails: &[String]) -> tempfile::NamedTempFile {
    let leads = tempfile::NamedTempFile::new().unwrap();
    let lines: Vec<String> = emails
        .iter()
        .map(|email| {
            serde_json::json!({"email": email, "title": "Marketing Analyst", "country": "US",
                "need": "medium", "authority": "influencer", "company_size": 900})
            .to_string()
        })
        .collect();
    std::fs::write(leads.path(), lines.join("\n") + "\n").unwrap();
    leads
}

/// Two `nurture run`s at once on one database take each step once: per
/// lead, the touches one run on sled gives, none twice, none skipped.
#[test]
fn two_nurture_runs_on_one_database_take_each_step_once() {
    // Leads that are nurtured, not handed to sales: weeks of steps each.
    let emails: Vec<String> = (0..200)
        .map(|n| format!("analyst{n}@brightpath{n}.example"))
        .collect();
    let leads = nurtured(&emails);
    let leads = leads.path().to_str().unwrap();
    let run = ["nurture", "run", "--days", "60"];
    let steps = |stdout: &str| -> u64 {
        let run: serde_json::Value = serde_json::from_str(stdout).unwrap();
        run["steps"].as_u64().unwrap()
    };

    let sled = tempfile::tempdir().unwrap();
    leadhost(&["ingest", leads, "--org", "demo"], sled.path(), None);
    let alone = steps(&leadhost(&run, sled.path(), None));
    assert!(alone >= 2 * emails.len() as u64, "weeks of steps: {alone}");

    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    leadhost(
        &["ingest", leads, "--org", "demo"],
        shared.path(),
        Some(&url),
    );
    let together: u64 = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| steps(&leadhost(&run, shared.path(), Some(&url)))))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).sum()
    });
    assert_eq!(together, alone, "each step taken by one of the two runs");
    let expected = touches(
        &leadhost_store::SledStore::open(
            &sled.path().join("store"),
            leadhost_store::Durability::default(),
        )
        .unwrap(),
        &emails,
    );
    let found = touches(
        &leadhost_store_postgres::PostgresStore::open(&url).unwrap(),
        &emails,
    );
    assert!(expected.iter().all(|(_, sent)| *sent > 0), "{expected:?}");
    assert_eq!(found, expected);
}

/// Round-robin stays fair across hosts: leads routed by two hosts at once
/// reach the reps in turn (max − min ≤ 1), and each rep's open-lead count
/// is the number of leads it was given — no host's increment lost.
#[test]
fn two_hosts_routing_at_once_keep_the_reps_load_exact_and_fair() {
    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    let (dir_a, a) = host(shared.path(), &url);
    let (dir_b, b) = host(shared.path(), &url);
    let logs = || format!("{}\n{}", log_of(dir_a.path()), log_of(dir_b.path()));
    let client = reqwest::blocking::Client::new();
    let owners: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..6)
            .map(|thread| {
                let (client, host) = (&client, if thread % 2 == 0 { &a.url } else { &b.url });
                scope.spawn(move || {
                    (0..8)
                        .map(|n| {
                            let lead: serde_json::Value = client
                                .post(format!("{host}/v1/orgs/demo/leads"))
                                .bearer_auth(ADMIN)
                                .json(&serde_json::json!({
                                    "email": format!("cfo{thread}-{n}@maker{thread}x{n}.example"),
                                    "country": "DE", "budget": 60000,
                                    "authority": "decision-maker", "need": "high", "timeline_days": 45
                                }))
                                .send()
                                .unwrap()
                                .json()
                                .unwrap();
                            assert_eq!(lead["stage"], "assigned", "{lead}\n{}", logs());
                            lead["owner"].as_str().unwrap().to_string()
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
    let mut given = std::collections::BTreeMap::<String, u64>::new();
    for owner in &owners {
        *given.entry(owner.clone()).or_default() += 1;
    }
    let reps: serde_json::Value = client
        .get(format!("{}/v1/orgs/demo/reps", a.url))
        .bearer_auth(ADMIN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let load: std::collections::BTreeMap<String, u64> = reps
        .as_array()
        .or_else(|| reps["reps"].as_array())
        .expect("reps")
        .iter()
        .filter(|rep| rep["open_leads"].as_u64().unwrap_or(0) > 0)
        .map(|rep| {
            (
                rep["id"].as_str().unwrap().to_string(),
                rep["open_leads"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(load, given, "each rep's load is what it was given");
    let (most, least) = (given.values().max().unwrap(), given.values().min().unwrap());
    assert!(given.len() >= 2 && most - least <= 1, "in turn: {given:?}");
}

/// A `nurture run` SIGKILLed in the middle, beside another on the same
/// database, then a third run to finish: each step still taken once — per
/// lead, the touches one run on sled gives, none twice, none skipped.
#[test]
fn a_nurture_run_killed_midway_leaves_each_step_to_be_taken_once() {
    let emails: Vec<String> = (0..300)
        .map(|n| format!("planner{n}@northwind{n}.example"))
        .collect();
    let leads = nurtured(&emails);
    let leads = leads.path().to_str().unwrap();
    let run = ["nurture", "run", "--days", "60"];

    let sled = tempfile::tempdir().unwrap();
    leadhost(&["ingest", leads, "--org", "demo"], sled.path(), None);
    leadhost(&run, sled.path(), None);
    let expected = touches(
        &leadhost_store::SledStore::open(
            &sled.path().join("store"),
            leadhost_store::Durability::default(),
        )
        .unwrap(),
        &emails,
    );

    let url = leadhost_store_postgres::test_server::database();
    let shared = tempfile::tempdir().unwrap();
    leadhost(
        &["ingest", leads, "--org", "demo"],
        shared.path(),
        Some(&url),
    );
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_leadhost"))
            .args(run)
            .arg("--data-dir")
            .arg(shared.path())
            .args(["--store", &url])
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let store = leadhost_store_postgres::PostgresStore::open(&url).unwrap();
    let (mut killed, mut beside) = (start(), start());
    // Killed once the runs have sent some touches, and before they are done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while touches(&store, &emails[..20])
        .iter()
        .all(|(_, sent)| *sent == 0)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the runs send no touch"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(killed.try_wait().unwrap().is_none(), "killed while running");
    killed.kill().unwrap();
    killed.wait().unwrap();
    assert!(beside.wait().unwrap().success());
    leadhost(&run, shared.path(), Some(&url));

    let found = touches(&store, &emails);
    assert!(expected.iter().all(|(_, sent)| *sent > 0), "{expected:?}");
    assert_eq!(found, expected);
}
