//! `leadhost serve` as a process: it prints where it listens and its tokens,
//! answers `/healthz`, honours `LEADHOST_ADMIN_TOKEN`, and on SIGTERM stops
//! accepting, finishes the request in flight, flushes and exits 0.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use leadhost::store::{Durability, SledStore, Store};

const ADMIN: &str = "lh_test_admin_token_for_the_serve_test";

pub(super) struct Serving {
    pub(super) child: Child,
    pub(super) url: String,
    pub(super) lines: Vec<String>,
    _stdout: BufReader<ChildStdout>,
}

impl Serving {
    /// The line of serve's first output that starts with `label`
    /// (`admin token:`, `demo org token:`, `dashboard:`).
    pub(super) fn line(&self, label: &str) -> &str {
        self.lines
            .iter()
            .find(|line| line.starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` line in {:?}", self.lines))
    }
}

/// A test that fails before it stops its server must not leave it running.
impl Drop for Serving {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `leadhost serve` in `dir` on the data folder `dir/data`, named
/// relatively as a user would, on an ephemeral loopback port, and reads what
/// it prints until the demo token line.
fn start(dir: &Path) -> Serving {
    start_with(dir, &[])
}

/// The end of the log of the server started in `dir`, for an assertion's
/// message.
pub(super) fn log_of(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// [`start`] with more environment variables (settings).
pub(super) fn start_with(dir: &Path, env: &[(&str, &str)]) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"])
        .current_dir(dir)
        .env("LEADHOST_ADMIN_TOKEN", ADMIN)
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        // Its log, for a failing test to show (see `log_of`).
        .stderr(std::fs::File::create(dir.join("serve.log")).expect("a log file"))
        .spawn()
        .expect("start leadhost serve");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    while lines.len() < 4 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            panic!("serve exited early: {:?}", child.wait());
        }
        lines.push(line.trim_end().to_string());
    }
    let url = lines[0]
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("the URL on the first line")
        .to_string();
    Serving {
        child,
        url,
        lines,
        _stdout: stdout,
    }
}

pub(super) fn sigterm(child: &Child) {
    // SAFETY: kill(2) with a pid we own and a valid signal number.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM sent");
}

pub(super) fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_prints_its_tokens_and_drains_a_request_in_flight_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut serving = start(dir.path());
    let client = reqwest::blocking::Client::new();
    let health = client
        .get(format!("{}/healthz", serving.url))
        .send()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert!(
        serving
            .line("admin token:")
            .contains("LEADHOST_ADMIN_TOKEN"),
        "{:?}",
        serving.lines
    );
    // The dashboard's address, to open in a browser.
    assert!(
        serving
            .line("dashboard:")
            .contains(&format!("{}/ ", serving.url)),
        "{:?}",
        serving.lines
    );
    let demo_token = serving
        .line("demo org token:")
        .split_whitespace()
        .find(|word| word.starts_with("lh_"))
        .expect("the demo token is printed on first start")
        .to_string();

    // The environment's admin token creates orgs.
    let created = client
        .post(format!("{}/v1/orgs", serving.url))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": "Acme"}))
        .send()
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert!(
        dir.path().join("data/orgs/acme").is_dir(),
        "the org's plug-in folder"
    );

    // Batches big enough to still be running when SIGTERM arrives.
    const BATCHES: usize = 3;
    let in_flight: Vec<_> = (0..BATCHES)
        .map(|batch| {
            let body: String = (0..1000)
                .map(|n| {
                    format!(
                        "{{\"email\":\"lead{batch}-{n}@northwind.example\",\"country\":\"DE\",\"need\":\"high\",\"budget\":{}}}\n",
                        1000 + n
                    )
                })
                .collect();
            let url = format!("{}/v1/orgs/demo/leads/batch", serving.url);
            let token = demo_token.clone();
            std::thread::spawn(move || {
                let response = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(120))
                    .build()
                    .unwrap()
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/x-ndjson")
                    .body(body)
                    .send()?;
                let status = response.status().as_u16();
                let body: serde_json::Value = response.json()?;
                Ok::<_, reqwest::Error>((status, body, Instant::now()))
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    sigterm(&serving.child);
    let terminated = Instant::now();
    let status = wait_exit(&mut serving.child);
    assert!(status.success(), "exit: {status:?}");

    let mut answered_after_sigterm = 0;
    for request in in_flight {
        let (code, body, at) = request
            .join()
            .unwrap()
            .expect("every request in flight is answered");
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["created"], 1000, "{body}");
        answered_after_sigterm += usize::from(at > terminated);
    }
    assert!(
        answered_after_sigterm > 0,
        "the batches were still running at SIGTERM (else the test proves nothing)"
    );
    assert!(
        client
            .get(format!("{}/healthz", serving.url))
            .send()
            .is_err(),
        "nothing listens after the exit"
    );

    // Everything it answered for is on disk, and the store opens cleanly.
    let store = SledStore::open(&dir.path().join("data/store"), Durability::Flush)
        .expect("the store opens");
    let mut leads = 0;
    store
        .scan_leads("demo", &mut |_| {
            leads += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(leads, BATCHES * 1000, "every acknowledged lead is stored");
    drop(store);

    // A restart prints no new demo token: it was shown once.
    let mut again = start(dir.path());
    assert!(
        !again.line("demo org token:").contains("lh_"),
        "{:?}",
        again.lines
    );
    sigterm(&again.child);
    assert!(wait_exit(&mut again.child).success());
}

/// `bytes` with a custom section appended: the same plug-in, another hash.
pub(super) fn variant(bytes: &[u8]) -> Vec<u8> {
    let name = b"leadhost-test-variant";
    let mut out = bytes.to_vec();
    out.push(0);
    out.push((1 + name.len() + 1) as u8);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.push(1);
    out
}

#[test]
fn plugin_rollback_is_answered_by_a_running_server_through_its_folder() {
    use leadhost::builtin::BANT_QUALIFIER;
    use leadhost::runtime::ContentHash;

    let dir = tempfile::tempdir().unwrap();
    let mut serving = start(dir.path());
    let client = reqwest::blocking::Client::new();
    let slot = format!("{}/v1/orgs/demo/plugins/lead-definition", serving.url);
    let active = |client: &reqwest::blocking::Client| -> String {
        let slots: serde_json::Value = client
            .get(format!("{}/v1/orgs/demo/plugins", serving.url))
            .bearer_auth(ADMIN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        slots[0]["active"]["hash"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let original = ContentHash::of(BANT_QUALIFIER.bytes).to_string();
    assert_eq!(active(&client), original);
    let upload = client
        .put(format!("{slot}?name=bant-v2"))
        .bearer_auth(ADMIN)
        .header("content-type", "application/wasm")
        .body(variant(BANT_QUALIFIER.bytes))
        .send()
        .unwrap();
    assert_eq!(upload.status().as_u16(), 200);
    assert_ne!(active(&client), original);

    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args([
            "plugin",
            "rollback",
            "--org",
            "demo",
            "--slot",
            "lead-definition",
        ])
        .args(["--to", &original[..12], "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["hash"], original.as_str());
    assert_eq!(
        report["activated"], true,
        "the server holding the store rolled back: {report}"
    );
    assert_eq!(active(&client), original, "active on return");
    assert!(
        report["file"]
            .as_str()
            .is_some_and(|file| file.ends_with("bant-qualifier.wasm")),
        "the version keeps its own name: {report}"
    );
    let versions: serde_json::Value = client
        .get(format!("{slot}/versions"))
        .bearer_auth(ADMIN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let last = versions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["hash"].as_str(), last["how"].as_str()),
        (Some(original.as_str()), Some("rollback")),
        "{versions}"
    );

    let wrong = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args([
            "plugin",
            "rollback",
            "--org",
            "demo",
            "--slot",
            "lead-definition",
        ])
        .args(["--to", "ffffffff", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("no version of lead-definition matches `ffffffff`"),
        "the API's message: {stderr}"
    );
    // An org with no folder, and a data folder that does not exist: named,
    // with nothing written (no request for the server, no new folder).
    let rollback = |org: &str, data: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_leadhost"))
            .args([
                "plugin",
                "rollback",
                "--org",
                org,
                "--slot",
                "lead-definition",
            ])
            .args(["--to", &original[..12], "--data-dir"])
            .arg(data)
            .output()
            .unwrap()
    };
    let unknown = rollback("nope", &dir.path().join("data"));
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("org nope does not exist"), "{stderr}");
    assert!(!dir.path().join("data/orgs/nope").exists());
    let mistyped = dir.path().join("dat");
    assert_eq!(rollback("demo", &mistyped).status.code(), Some(2));
    assert!(!mistyped.exists(), "a mistyped data folder is not created");
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}

#[test]
fn an_admin_script_dropped_into_the_demo_folder_decides_the_next_lead() {
    use leadhost::runtime::ContentHash;

    let dir = tempfile::tempdir().unwrap();
    // The plug-in layer's steps in the log, for a failure to show where
    // the reload was.
    let mut serving = start_with(
        dir.path(),
        &[("RUST_LOG", "warn,leadhost_engine::plugins=debug")],
    );
    let client = reqwest::blocking::Client::new();
    let script = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/script/examples/qualify.rhai"),
    )
    .unwrap();
    let hash = ContentHash::of(&script).to_string();
    let folder = dir.path().join("data/orgs/demo");
    // As an admin would: the script beside the components, then org.toml
    // pointed at it (written whole, renamed into place).
    std::fs::write(folder.join(".qualify.rhai.tmp"), &script).unwrap();
    std::fs::rename(
        folder.join(".qualify.rhai.tmp"),
        folder.join("qualify.rhai"),
    )
    .unwrap();
    let org_file = std::fs::read_to_string(folder.join("org.toml"))
        .unwrap()
        .replace(
            "component = \"bant-qualifier.wasm\"",
            "component = \"qualify.rhai\"",
        );
    std::fs::write(folder.join(".org.toml.tmp"), org_file).unwrap();
    std::fs::rename(folder.join(".org.toml.tmp"), folder.join("org.toml")).unwrap();

    // A guard, not a timing: the first script compiles the script host
    // (~5 s of CPU alone), and in the full suite it shares two cores with
    // the scaffold test's five toolchains; 90 s was once not enough.
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut sent = 0;
    let mut ids = std::collections::HashSet::new();
    let decided_by = loop {
        sent += 1;
        let lead: serde_json::Value = client
            .post(format!("{}/v1/orgs/demo/leads", serving.url))
            .bearer_auth(ADMIN)
            .json(&serde_json::json!({
                // A new person each time: a repeated address merges into
                // the first lead, whose first decision is the old version's.
                "email": format!("buyer{sent}@kranwerk.example"),
                "country": "DE", "budget": 60000, "authority": "decision-maker",
                "need": "high", "timeline_days": 30
            }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let id = lead["id"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "a new lead each time: {lead}");
        let shown: serde_json::Value = client
            .get(format!("{}/v1/orgs/demo/leads/{id}", serving.url))
            .bearer_auth(ADMIN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let decision = shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["slot"] == "lead-definition")
            .cloned()
            .expect("a qualification");
        if decision["plugin_hash"] == hash.as_str() || Instant::now() > deadline {
            break decision;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        decided_by["plugin_hash"],
        hash.as_str(),
        "{decided_by}\nthe server's log:\n{}",
        log_of(dir.path())
    );
    assert_eq!(decided_by["plugin"], "qualify.rhai");
    assert_eq!(decided_by["output"]["stage"], "sales-ready", "{decided_by}");
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}
