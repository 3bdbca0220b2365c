//! A check that fails on the host's load at that moment (every instance
//! slot busy, a deadline under load) is not the component's fault: the
//! watcher's reload checks the same content again a little later, with no
//! file touched, and an upload is answered "send it again" with nothing
//! refused or changed.

use std::time::Duration;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::plugins::InstallError;
use leadhost::runtime::{CallContext, ContentHash, Limits, Slot};
use leadhost::setup::{Host, Options};
use leadhost_tests::fixtures;

use super::{Folder, variant, wait_for};
use crate::e2e::support::{load, strong_lead};

/// A folder whose runtime runs one call at a time, with the example's
/// sample cases beside the lead definition (so a check makes calls).
fn one_call_at_a_time() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        limits: Limits {
            concurrent_calls: 1,
            // The infinite loop below holds the only instance until its
            // deadline: fuel does not stop it first.
            fuel: u64::MAX / 2,
            deadline: Duration::from_secs(3),
            ..Limits::default()
        },
        ..Options::default()
    };
    let host = Host::open(dir.path(), options).unwrap();
    host.create_org("acme", "Acme").unwrap();
    let folder = Folder::watching(host, dir);
    let example = leadhost_tests::examples_dir().join("org-folder/bant-qualifier.cases.json");
    std::fs::copy(example, folder.org_dir.join("bant-qualifier.cases.json")).unwrap();
    folder
}

/// Runs the infinite loop on `folder`'s runtime in the background: the one
/// instance slot is taken until its deadline.
fn hold_the_only_instance(folder: &Folder) -> std::thread::JoinHandle<()> {
    let runtime = folder.host.runtime.clone();
    let handle = std::thread::spawn(move || {
        let plugin = load(
            &runtime,
            fixtures::FIXTURE_INFINITE_LOOP_PATH,
            Slot::LeadDefinition,
        );
        // Until it is the one that holds the slot (a probe below may hold
        // it for a moment), then until its deadline.
        loop {
            match plugin.qualify(&CallContext::for_org("other"), &strong_lead()) {
                Err(error) if error.cause.code() == "busy" => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(error) if error.cause.code() == "deadline" => break,
                other => panic!("the loop answered {other:?}"),
            }
        }
    });
    // Its compile and instantiation take a moment; the slot is held once a
    // quick call of anyone else's is answered busy (a quick one: a probe
    // that got the slot first must give it back at once).
    let probe = folder
        .host
        .runtime
        .load("probe", BANT_QUALIFIER.bytes, Some(Slot::LeadDefinition))
        .unwrap();
    wait_for("the loop to hold the instance", || {
        probe
            .qualify(&CallContext::for_org("probe"), &strong_lead())
            .is_err_and(|error| error.cause.code() == "busy")
    });
    handle
}

#[test]
fn a_check_refused_for_a_busy_host_is_checked_again_without_a_file_change() {
    let folder = one_call_at_a_time();
    let held = hold_the_only_instance(&folder);
    let rebuilt = variant(BANT_QUALIFIER.bytes, 7);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);

    let refusal = folder.refusal_of("a refusal while the host is busy", &rebuilt);
    assert!(
        refusal.reason.contains("no instance slot free")
            && refusal
                .reason
                .contains("a failure of the moment: checked again in 1 s"),
        "{}",
        refusal.reason
    );
    held.join().unwrap();
    // Nothing in the folder changes from here on.
    let new = ContentHash::of(&rebuilt);
    wait_for("the same file checked again and activated", || {
        folder.active(Slot::LeadDefinition) == new
    });
    let registry = folder.host.engine.plugins();
    assert_eq!(registry.last_refusal("acme", Slot::LeadDefinition), None);
    assert_eq!(folder.qualify_one(1), new.to_string());
}

#[test]
fn an_upload_checked_while_the_host_is_busy_is_answered_send_it_again_and_changes_nothing() {
    let folder = one_call_at_a_time();
    let before = folder.active(Slot::LeadDefinition);
    let org_file = std::fs::read(folder.org_dir.join("org.toml")).unwrap();
    let held = hold_the_only_instance(&folder);
    let rebuilt = variant(BANT_QUALIFIER.bytes, 8);
    let error = folder
        .host
        .plugins
        .install("acme", Slot::LeadDefinition, "bant-qualifier", &rebuilt)
        .unwrap_err();
    assert!(
        matches!(&error, InstallError::Interrupted(reason) if reason.contains("no instance slot free")),
        "{error}"
    );
    assert!(error.to_string().contains("send it again"), "{error}");
    let registry = folder.host.engine.plugins();
    assert_eq!(registry.last_refusal("acme", Slot::LeadDefinition), None);
    assert_eq!(folder.active(Slot::LeadDefinition), before);
    assert_eq!(
        std::fs::read(folder.org_dir.join("org.toml")).unwrap(),
        org_file
    );
    assert_eq!(
        std::fs::read(folder.org_dir.join("bant-qualifier.wasm")).unwrap(),
        BANT_QUALIFIER.bytes
    );
    held.join().unwrap();
    // Sent again once the host has room, it goes in.
    let version = folder
        .host
        .plugins
        .install("acme", Slot::LeadDefinition, "bant-qualifier", &rebuilt)
        .unwrap();
    assert_eq!(version.hash, ContentHash::of(&rebuilt));
}
