//! One org's long plug-in operation (an upload whose sample cases take
//! seconds) holds that org's lock, never a reload worker: while two orgs'
//! uploads run (as many as there are workers), a third org's file drop is
//! still taken up at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::runtime::{ContentHash, Slot};
use leadhost_tests::fixtures;

use super::{Folder, variant, wait_for};

/// `count` cases whose calls each spin until the fuel runs out.
fn slow_cases(count: usize) -> Vec<u8> {
    let mut input: serde_json::Value = leadhost_tests::example("eval/qualify/strong-lead.json");
    input["lead"]["custom"] = serde_json::json!({"mode": "sleep-forever"});
    let case =
        serde_json::json!({"name": "slow", "input": input, "expect": {"stage": "sales-ready"}});
    serde_json::to_vec(&vec![case; count]).unwrap()
}

#[test]
fn long_uploads_of_two_orgs_do_not_hold_up_a_third_orgs_reload() {
    let folder = Folder::new();
    let host = folder.host.clone();
    let blocker = std::fs::read(fixtures::FIXTURE_BLOCKER_PATH).unwrap();
    let finished = Arc::new(AtomicUsize::new(0));
    let mut uploads = Vec::new();
    for org in ["slow-1", "slow-2"] {
        host.create_org(org, org).unwrap();
        let (host, blocker, finished) = (host.clone(), blocker.clone(), finished.clone());
        uploads.push(std::thread::spawn(move || {
            // Refused in the end (every case fails), after seconds of calls.
            let refused = host.plugins.install_with_cases(
                org,
                Slot::LeadDefinition,
                "blk",
                &blocker,
                Some(&slow_cases(800)),
                &Default::default(),
            );
            finished.fetch_add(1, Ordering::SeqCst);
            assert!(refused.is_err());
        }));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Each slow org asks for a reload now: before, each took a worker that
    // then waited on the org's lock until its upload ended.
    for org in ["slow-1", "slow-2"] {
        let dir = host.plugins.folders().org_dir(org);
        std::fs::write(dir.join("notes.txt"), "touched").unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(400));
    let rebuilt = variant(BANT_QUALIFIER.bytes, 31);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);
    wait_for("acme's new version", || {
        folder.active(Slot::LeadDefinition) == ContentHash::of(&rebuilt)
    });
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "acme's reload waited for a slow org's upload to end"
    );
    for upload in uploads {
        upload.join().unwrap();
    }
}
