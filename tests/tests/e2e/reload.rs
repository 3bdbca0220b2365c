//! Hot reload through the org folder with the real watcher: drops, edits,
//! bad files, deletions, `org.toml` changes, rollback and restarts.

mod fairness;
mod org_file;
mod org_plan;
mod rollback_cases;
mod scripts;
mod swap;
mod transient;
mod versions;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leadhost::builtin::{BANT_QUALIFIER, ROUND_ROBIN};
use leadhost::engine::LeadSubmission;
use leadhost::plugins::{DEFAULT_DEBOUNCE, Watcher, watch};
use leadhost::runtime::{CacheSource, ContentHash, Slot};
use leadhost::setup::{Host, Options};
use leadhost::store::{Activation, TimelineItem};
use leadhost_tests::fixtures;

/// A data folder with org `acme` (first-party plug-ins) and the watcher on.
pub struct Folder {
    /// The opened host.
    pub host: Host,
    /// Keeps watching until dropped.
    pub watcher: Option<Watcher>,
    /// `<data>/orgs/acme`.
    pub org_dir: PathBuf,
    dir: tempfile::TempDir,
}

impl Folder {
    /// A new data folder with `acme`, watched.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let host = Host::open(dir.path(), Options::default()).unwrap();
        host.create_org("acme", "Acme").unwrap();
        Folder::watching(host, dir)
    }

    /// `host` (over the data folder `dir`) with the watcher on.
    pub fn watching(host: Host, dir: tempfile::TempDir) -> Self {
        let watcher = watch(host.plugins.clone(), DEFAULT_DEBOUNCE).unwrap();
        Folder {
            org_dir: host.plugins.folders().org_dir("acme"),
            host,
            watcher: Some(watcher),
            dir,
        }
    }

    /// Closes everything and opens the same folder again.
    pub fn restart(mut self) -> Self {
        self.watcher.take();
        let Folder { host, dir, .. } = self;
        drop(host);
        let host = Host::open(dir.path(), Options::default()).unwrap();
        Folder::watching(host, dir)
    }

    /// The hash active in `slot`.
    pub fn active(&self, slot: Slot) -> ContentHash {
        self.host
            .engine
            .plugins()
            .active("acme", slot)
            .expect("the slot serves")
            .plugin
            .id()
            .hash
    }

    /// `cp` to a hidden name, then `mv` into place: an atomic drop.
    pub fn drop_file(&self, name: &str, bytes: &[u8]) {
        let hidden = self.org_dir.join(format!(".{name}.tmp"));
        std::fs::write(&hidden, bytes).unwrap();
        std::fs::rename(&hidden, self.org_dir.join(name)).unwrap();
    }

    /// Waits for the lead definition's refusal of `bytes` and returns it.
    pub fn refusal_of(&self, what: &str, bytes: &[u8]) -> leadhost::plugins::Refusal {
        let hash = ContentHash::of(bytes).to_string();
        let refusal = || {
            self.host
                .engine
                .plugins()
                .last_refusal("acme", Slot::LeadDefinition)
                .filter(|refusal| refusal.hash == hash)
        };
        wait_for(what, || refusal().is_some());
        refusal().expect("refused")
    }

    /// A strong lead in; the hash of the plug-in that qualified it.
    pub fn qualify_one(&self, n: usize) -> String {
        let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
            "email": format!("lead{n}@northwind.example"), "country": "DE", "budget": 60000,
            "authority": "decision-maker", "need": "high", "timeline_days": 30
        }))
        .unwrap();
        let ingested = self.host.engine.ingest("acme", submission, "test").unwrap();
        let timeline = self
            .host
            .engine
            .timeline("acme", ingested.record.id())
            .unwrap();
        timeline
            .iter()
            .find_map(|entry| match &entry.item {
                TimelineItem::Decision(decision) if decision.slot == Slot::LeadDefinition => {
                    Some(decision.plugin_hash.to_string())
                }
                _ => None,
            })
            .expect("a qualification decision")
    }
}

/// Waits (up to 20 s) for `done`.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `bytes` with a custom section appended: the same plug-in, another hash.
pub fn variant(bytes: &[u8], n: usize) -> Vec<u8> {
    fn leb(mut value: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            out.push(if value == 0 { byte } else { byte | 0x80 });
            if value == 0 {
                break;
            }
        }
    }
    let name = b"leadhost-test-variant";
    let payload = n.to_le_bytes();
    let mut body = Vec::new();
    leb(name.len(), &mut body);
    body.extend_from_slice(name);
    body.extend_from_slice(&payload);
    let mut out = bytes.to_vec();
    out.push(0);
    leb(body.len(), &mut out);
    out.extend_from_slice(&body);
    out
}

fn path(of: &str) -> &Path {
    Path::new(of)
}

#[test]
fn a_dropped_component_is_swapped_in_and_named_by_the_next_decision() {
    let folder = Folder::new();
    let first = folder.active(Slot::LeadDefinition);
    assert_eq!(first, ContentHash::of(BANT_QUALIFIER.bytes));
    assert_eq!(folder.qualify_one(0), first.to_string());

    let rebuilt = variant(BANT_QUALIFIER.bytes, 1);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);
    let new = ContentHash::of(&rebuilt);
    wait_for("the new version", || {
        folder.active(Slot::LeadDefinition) == new
    });
    assert_eq!(folder.qualify_one(1), new.to_string());
    let history = folder.host.engine.store().plugin_versions("acme").unwrap();
    let hows: Vec<(Slot, Activation)> = history.iter().map(|v| (v.slot, v.how)).collect();
    assert!(hows.contains(&(Slot::LeadDefinition, Activation::FirstParty)));
    assert_eq!(history.last().unwrap().how, Activation::File);
    assert_eq!(history.last().unwrap().hash, new);
    assert!(
        folder.host.plugins.folders().kept_path(&new).exists(),
        "kept for rollback"
    );
}

#[test]
fn a_file_dropped_between_start_up_and_the_watcher_is_not_missed() {
    // `serve` reads every org folder, announces its address, then starts
    // watching: a drop in between (an admin, or a deploy that starts the
    // server and copies plug-ins at once) raised no event, and the server
    // kept the old version until the next unrelated change.
    let dir = tempfile::tempdir().unwrap();
    let host = Host::open(dir.path(), Options::default()).unwrap();
    host.create_org("acme", "Acme").unwrap();
    let rebuilt = variant(BANT_QUALIFIER.bytes, 7);
    let org_dir = host.plugins.folders().org_dir("acme");
    std::fs::write(org_dir.join(".bant-qualifier.wasm.tmp"), &rebuilt).unwrap();
    std::fs::rename(
        org_dir.join(".bant-qualifier.wasm.tmp"),
        org_dir.join("bant-qualifier.wasm"),
    )
    .unwrap();
    let folder = Folder::watching(host, dir);
    let new = ContentHash::of(&rebuilt);
    wait_for("the version dropped before the watcher", || {
        folder.active(Slot::LeadDefinition) == new
    });
}

#[test]
fn every_bad_file_is_refused_with_its_reason_while_the_old_version_serves() {
    let folder = Folder::new();
    let good = folder.active(Slot::LeadDefinition);
    let half = &BANT_QUALIFIER.bytes[..BANT_QUALIFIER.bytes.len() / 2];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage",
            b"#!/bin/sh\necho hi\n".to_vec(),
            "not a WebAssembly file",
        ),
        ("empty", Vec::new(), "the file is empty"),
        ("truncated", half.to_vec(), "not a valid component"),
        (
            "wrong world",
            ROUND_ROBIN.bytes.to_vec(),
            "implements the `routing-policy` world",
        ),
        (
            "unsupported import",
            std::fs::read(path(fixtures::FIXTURE_NET_ACCESS_PATH)).unwrap(),
            "imports `wasi:sockets/",
        ),
    ];
    for (n, (kind, bytes, reason)) in cases.into_iter().enumerate() {
        // Written in place, not renamed: the watcher sees it as it lands.
        std::fs::write(folder.org_dir.join("bant-qualifier.wasm"), &bytes).unwrap();
        let refusal = folder.refusal_of(kind, &bytes);
        assert!(
            refusal.reason.contains(reason),
            "{kind}: {}",
            refusal.reason
        );
        assert!(
            refusal.reason.contains("keeps serving"),
            "{kind}: {}",
            refusal.reason
        );
        assert_eq!(folder.active(Slot::LeadDefinition), good, "{kind}");
        assert_eq!(folder.qualify_one(n), good.to_string(), "{kind}");
    }

    // A sample case the new version fails.
    let cases = serde_json::json!([{
        "name": "a strong lead is discarded (wrongly)",
        "input": leadhost_tests::example::<serde_json::Value>("eval/qualify/strong-lead.json"),
        "expect": {"stage": "discard"}
    }]);
    std::fs::write(
        folder.org_dir.join("bant-qualifier.cases.json"),
        cases.to_string(),
    )
    .unwrap();
    let rebuilt = variant(BANT_QUALIFIER.bytes, 7);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);
    let refusal = folder.refusal_of("the failing sample case", &rebuilt);
    assert!(
        refusal.reason.contains(
            "sample case 1 \"a strong lead is discarded (wrongly)\" failed: `stage`: expected \"discard\", got \"sales-ready\""
        ),
        "{}",
        refusal.reason
    );
    assert_eq!(folder.active(Slot::LeadDefinition), good);

    // Fix the case: the same file is taken.
    let fixed = serde_json::json!([{
        "name": "a strong lead goes to sales",
        "input": leadhost_tests::example::<serde_json::Value>("eval/qualify/strong-lead.json"),
        "expect": {"stage": "sales-ready"}
    }]);
    std::fs::write(
        folder.org_dir.join("bant-qualifier.cases.json"),
        fixed.to_string(),
    )
    .unwrap();
    wait_for("the fixed sample case", || {
        folder.active(Slot::LeadDefinition) == ContentHash::of(&rebuilt)
    });
}

#[test]
fn a_deleted_component_leaves_the_last_good_version_serving_across_a_restart() {
    let folder = Folder::new();
    let rebuilt = variant(BANT_QUALIFIER.bytes, 3);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);
    let good = ContentHash::of(&rebuilt);
    wait_for("the drop", || folder.active(Slot::LeadDefinition) == good);

    std::fs::remove_file(folder.org_dir.join("bant-qualifier.wasm")).unwrap();
    wait_for("the deletion", || {
        folder
            .host
            .engine
            .plugins()
            .last_refusal("acme", Slot::LeadDefinition)
            .is_some_and(|refusal| refusal.reason.contains("bant-qualifier.wasm is missing"))
    });
    assert_eq!(folder.active(Slot::LeadDefinition), good);
    assert_eq!(folder.qualify_one(0), good.to_string());

    let folder = folder.restart();
    assert_eq!(
        folder.active(Slot::LeadDefinition),
        good,
        "the last good version, from its kept copy"
    );
    assert_eq!(folder.qualify_one(1), good.to_string());
}

#[test]
fn restart_takes_compiled_code_from_the_disk_cache_and_adds_no_history() {
    let folder = Folder::new();
    let history = folder.host.engine.store().plugin_versions("acme").unwrap();
    let since = folder
        .host
        .engine
        .plugins()
        .active("acme", Slot::RoutingPolicy)
        .unwrap()
        .since;
    let folder = folder.restart();
    assert_eq!(
        folder.host.engine.store().plugin_versions("acme").unwrap(),
        history,
        "a restart is no new version"
    );
    assert_eq!(
        folder
            .host
            .engine
            .plugins()
            .active("acme", Slot::RoutingPolicy)
            .unwrap()
            .since,
        since,
        "active since it first was"
    );
    // The duplicate-rule slot is empty: an org turns matching on.
    for slot in Slot::ALL
        .into_iter()
        .filter(|slot| *slot != Slot::DuplicateRule)
    {
        let active = folder.host.engine.plugins().active("acme", slot).unwrap();
        assert_eq!(active.plugin.cache_source(), CacheSource::Disk, "{slot}");
    }
}
