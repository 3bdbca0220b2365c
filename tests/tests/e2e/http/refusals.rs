//! A refused change is evaluated once per change of the folder's content,
//! not again on every file event (reading the folder raises events of its
//! own), and a later version that activates clears the refusal.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Method;

use super::server::{TestServer, read};

/// The value of the `/metrics` series `name{org="<org>"…}` (0 when absent).
fn counted(server: &TestServer, name: &str, org: &str) -> u64 {
    let text = server
        .request(Method::GET, "/metrics", Some(&server.admin))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let label = format!("org=\"{org}\"");
    text.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")) && line.contains(&label))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// Waits until `done` holds (a guard of 20 s, not a timing).
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn slot(server: &TestServer, org: &str, token: &str, name: &str) -> serde_json::Value {
    let (status, body) = read(
        server
            .request(Method::GET, &format!("/v1/orgs/{org}/plugins"), Some(token))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .find(|slot| slot["slot"] == name)
        .unwrap()
        .clone()
}

/// Writes `name` whole, as the README asks (a hidden file renamed into
/// place): a plain write truncates first, and a reload that reads the
/// empty file in between (a loaded machine pausing the writer past the
/// 20 ms quiet window) refuses that too, a second refusal for one edit.
fn write(dir: &Path, name: &str, text: &str) {
    let hidden = dir.join(format!(".{name}.tmp"));
    std::fs::write(&hidden, text).unwrap();
    std::fs::rename(&hidden, dir.join(name)).unwrap();
}

#[test]
fn a_refused_edit_is_refused_once_and_a_later_activation_clears_it() {
    let server = TestServer::start();
    let (org, token) = server.create_org("Spin Test");
    let dir = server.host.plugins.folders().org_dir(&org);
    let good = std::fs::read_to_string(dir.join("org.toml")).unwrap();

    write(&dir, "org.toml", &format!("bogus-key = 1\n{good}"));
    until("the broken org.toml is refused", || {
        counted(&server, "leadhost_org_file_refusals_total", &org) >= 1
    });
    // Left in place, it must not be refused again: nothing changed.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        counted(&server, "leadhost_org_file_refusals_total", &org),
        1,
        "one edit, one refusal"
    );

    write(&dir, "broken.wasm", "not a component");
    let broken = good.replacen("bant-qualifier.wasm", "broken.wasm", 1);
    assert_ne!(broken, good, "the new org's file names bant-qualifier.wasm");
    write(&dir, "org.toml", &broken);
    until("the broken component is refused", || {
        !slot(&server, &org, &token, "lead-definition")["last_refusal"].is_null()
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        counted(&server, "leadhost_plugin_refusals_total", &org),
        1,
        "one component, one refusal"
    );
    let refused_at = slot(&server, &org, &token, "lead-definition")["last_refusal"]["at"].clone();

    write(&dir, "org.toml", &good);
    until(
        "the good version serves again with the refusal cleared",
        || slot(&server, &org, &token, "lead-definition")["last_refusal"].is_null(),
    );
    assert!(!refused_at.is_null());
    assert_eq!(
        slot(&server, &org, &token, "lead-definition")["active"]["name"],
        "bant-qualifier"
    );
    // Activations are counted once each: the org's three first-party
    // versions, none for the version that served on, one per upload
    // (the watcher's look at the files it wrote adds none).
    let activations = || counted(&server, "leadhost_plugin_activations_total", &org);
    assert_eq!(activations(), 3);
    let rebuilt = crate::e2e::reload::variant(leadhost::builtin::BANT_QUALIFIER.bytes, 3);
    let uploaded = server
        .request(
            Method::PUT,
            &format!("/v1/orgs/{org}/plugins/lead-definition?name=acme-fit"),
            Some(&token),
        )
        .header("content-type", "application/wasm")
        .body(rebuilt)
        .send()
        .unwrap();
    assert_eq!(uploaded.status().as_u16(), 200);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(activations(), 4, "one upload, one activation");
}
