//! `org.toml` edits through the watcher, and rollback through the folder.

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::plugins::InstallError;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::store::Activation;

use super::{Folder, variant, wait_for};

fn org_file(folder: &Folder) -> String {
    std::fs::read_to_string(folder.org_dir.join("org.toml")).unwrap()
}

#[test]
fn config_and_tracks_from_org_toml_apply_and_a_broken_file_changes_nothing() {
    let folder = Folder::new();
    let text = org_file(&folder).replace(
        "component = \"bant-qualifier.wasm\"",
        "component = \"bant-qualifier.wasm\"\nconfig = { min-budget = 100000 }",
    ) + "\n[nurture]\ndefault_track = \"evaluation\"\n[nurture.tracks.trial-incentive]\ninterval-days = 30\n";
    std::fs::write(folder.org_dir.join("org.toml"), text).unwrap();
    let registry = folder.host.engine.plugins();
    wait_for("the config", || {
        registry
            .active("acme", Slot::LeadDefinition)
            .is_some_and(|active| !active.config.is_empty())
    });
    assert_eq!(
        folder
            .host
            .engine
            .settings()
            .nurture("acme")
            .default_track
            .as_deref(),
        Some("evaluation")
    );
    folder.qualify_one(0);
    let lead = folder
        .host
        .engine
        .lead(
            "acme",
            &folder
                .host
                .engine
                .store()
                .lead_by_email("acme", "lead0@northwind.example")
                .unwrap()
                .unwrap(),
        )
        .unwrap();
    let reasons = lead.qualification.unwrap().reasons.join("; ");
    assert!(
        reasons.contains("100000"),
        "the budget of 60000 is now short of the org's minimum: {reasons}"
    );

    // Budget without timing: the trial-incentive track, whose values from
    // org.toml go over the plug-in's own 7-day interval.
    let submission = serde_json::from_value(serde_json::json!({
        "email": "later@northwind.example", "budget": 150000, "authority": "decision-maker",
        "need": "medium", "timeline_days": 400
    }))
    .unwrap();
    let nurtured = folder
        .host
        .engine
        .ingest("acme", submission, "test")
        .unwrap()
        .record;
    assert_eq!(
        nurtured.track.as_ref().map(|state| state.track.as_str()),
        Some("trial-incentive"),
        "{:?} {:?}",
        nurtured.stage,
        nurtured.qualification
    );
    let wait = nurtured.wake_at.unwrap() - folder.host.engine.now();
    assert!(
        wait.num_days() >= 29,
        "the track's interval from org.toml: {wait}"
    );

    let version = folder.active(Slot::LeadDefinition);
    std::fs::write(folder.org_dir.join("org.toml"), "[plugins\n").unwrap();
    wait_for("the refusal", || registry.org_file_error("acme").is_some());
    let error = registry.org_file_error("acme").unwrap();
    assert!(error.contains("org.toml"), "{error}");
    assert_eq!(
        folder.active(Slot::LeadDefinition),
        version,
        "still serving"
    );
    folder.qualify_one(1);
}

#[test]
fn a_config_number_that_is_not_finite_refuses_the_file_by_its_key() {
    let folder = Folder::new();
    let registry = folder.host.engine.plugins();
    for (at, value) in ["nan", "inf", "-inf"].into_iter().enumerate() {
        let text = org_file(&folder).replace(
            "component = \"bant-qualifier.wasm\"",
            &format!("component = \"bant-qualifier.wasm\"\nconfig = {{ min-budget = {value} }}"),
        );
        std::fs::write(folder.org_dir.join("org.toml"), text).unwrap();
        // `fs::write` truncates first: the watcher may see the file empty
        // for a moment (refused for that) before it sees it whole.
        wait_for("the refusal", || {
            registry
                .org_file_error("acme")
                .is_some_and(|error| error.contains("min-budget"))
        });
        let error = registry.org_file_error("acme").unwrap();
        assert!(
            error.contains("plugins.lead-definition.config.min-budget: must be a finite number"),
            "{value}: {error}"
        );
        let active = registry.active("acme", Slot::LeadDefinition).unwrap();
        assert!(active.config.is_empty(), "{value}: {:?}", active.config);
        folder.qualify_one(at);
        // Back to the file as it was, for the next value.
        let clean =
            org_file(&folder).replace(&format!("\nconfig = {{ min-budget = {value} }}"), "");
        std::fs::write(folder.org_dir.join("org.toml"), clean).unwrap();
        wait_for("the clean file", || {
            registry.org_file_error("acme").is_none()
        });
    }
}

#[test]
fn rollback_restores_an_earlier_version_through_the_folder() {
    let folder = Folder::new();
    let original = ContentHash::of(BANT_QUALIFIER.bytes);
    let rebuilt = variant(BANT_QUALIFIER.bytes, 11);
    folder.drop_file("bant-qualifier.wasm", &rebuilt);
    wait_for("the drop", || {
        folder.active(Slot::LeadDefinition) == ContentHash::of(&rebuilt)
    });

    let loader = &folder.host.plugins;
    let unknown = loader
        .rollback("acme", Slot::LeadDefinition, "ffff")
        .unwrap_err();
    assert!(
        matches!(unknown, InstallError::UnknownVersion { .. }),
        "{unknown}"
    );
    let version = loader
        .rollback("acme", Slot::LeadDefinition, &original.short())
        .unwrap();
    assert_eq!(version.hash, original);
    assert_eq!(version.how, Activation::Rollback);
    assert_eq!(folder.active(Slot::LeadDefinition), original);
    assert_eq!(folder.qualify_one(0), original.to_string());
    let on_disk = std::fs::read(folder.org_dir.join("bant-qualifier.wasm")).unwrap();
    assert_eq!(
        on_disk, BANT_QUALIFIER.bytes,
        "the folder holds what serves"
    );
    let history = folder.host.engine.store().plugin_versions("acme").unwrap();
    let hows: Vec<Activation> = history
        .iter()
        .filter(|version| version.slot == Slot::LeadDefinition)
        .map(|version| version.how)
        .collect();
    assert_eq!(
        hows,
        [
            Activation::FirstParty,
            Activation::File,
            Activation::Rollback
        ]
    );
}

#[test]
fn the_example_org_folder_loads_with_its_cases_config_tracks_and_reps() {
    use leadhost::builtin;
    use leadhost::setup::{Host, Options};

    let dir = tempfile::tempdir().unwrap();
    let org_dir = dir.path().join("orgs/acme");
    std::fs::create_dir_all(&org_dir).unwrap();
    let example = leadhost_tests::examples_dir().join("org-folder");
    for file in ["org.toml", "bant-qualifier.cases.json"] {
        std::fs::copy(example.join(file), org_dir.join(file)).unwrap();
    }
    for plugin in builtin::ALL {
        std::fs::write(org_dir.join(format!("{}.wasm", plugin.name)), plugin.bytes).unwrap();
    }
    let host = Host::open(dir.path(), Options::default()).unwrap();
    host.create_org("acme", "Acme").unwrap();
    let registry = host.engine.plugins();
    // Every slot but the duplicate rule, which the example leaves empty.
    for slot in Slot::ALL
        .into_iter()
        .filter(|slot| *slot != Slot::DuplicateRule)
    {
        assert!(
            registry.last_refusal("acme", slot).is_none(),
            "{slot}: {:?}",
            registry.last_refusal("acme", slot)
        );
        let active = registry.active("acme", slot).expect("serving");
        assert!(!active.config.is_empty(), "{slot} has its config");
    }
    assert_eq!(
        host.engine
            .settings()
            .nurture("acme")
            .default_track
            .as_deref(),
        Some("education")
    );
    assert_eq!(host.engine.settings().nurture("acme").tracks.len(), 2);
    assert_eq!(
        host.engine.settings().routing("acme").sla(),
        Some(chrono::Duration::hours(4))
    );
    assert!(
        host.engine
            .settings()
            .webhooks("acme")
            .get("sla-escalation")
            .is_some()
    );
    let reps = host.engine.reps("acme").unwrap();
    let ids: Vec<&str> = reps.iter().map(|rep| rep.id.as_str()).collect();
    assert_eq!(ids, ["ana", "ola"]);
    assert_eq!(reps[0].out_of_office.len(), 1, "ana's absence");
    let cases = leadhost::plugins::read_cases(&org_dir.join("bant-qualifier.cases.json")).unwrap();
    assert_eq!(cases.len(), 4, "every case ran and passed at activation");
}

#[test]
fn naming_another_first_party_policy_in_org_toml_switches_routing() {
    let folder = Folder::new();
    let path = folder.org_dir.join("org.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "component = \"round-robin.wasm\"",
        "component = \"capacity-aware.wasm\"",
    );
    std::fs::write(&path, text).unwrap();
    wait_for("the switch", || {
        folder.active(Slot::RoutingPolicy)
            == ContentHash::of(leadhost::builtin::CAPACITY_AWARE.bytes)
    });
}

/// Rollback requests in an org's folder are written by whoever can write
/// the folder: a symlink to a file outside it, a FIFO or a long text must
/// neither be read, nor block the reload workers, nor be echoed anywhere;
/// a plain request is still answered after them.
#[cfg(unix)]
#[test]
fn hostile_rollback_requests_are_dropped_unread_and_a_plain_one_is_answered() {
    let folder = Folder::new();
    let secret = folder.org_dir.join("../../secret.txt");
    std::fs::write(&secret, "webhook-key=s3cr3t").unwrap();
    let request = |slot: &str| folder.org_dir.join(format!("rollback-{slot}.request"));
    std::os::unix::fs::symlink(&secret, request("lead-definition")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(request("nurture-track"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::fs::write(request("routing-policy"), "touch /tmp/pwned ".repeat(1000)).unwrap();
    folder.drop_file("touch.txt", b"wake the watcher");
    let result = |slot: &str| folder.org_dir.join(format!(".rollback-{slot}.result"));
    wait_for("the hostile requests to be dropped", || {
        ["lead-definition", "nurture-track", "routing-policy"]
            .iter()
            .all(|slot| std::fs::symlink_metadata(request(slot)).is_err())
            && result("routing-policy").exists()
    });
    assert!(!result("lead-definition").exists() && !result("nurture-track").exists());
    let answer = std::fs::read_to_string(result("routing-policy")).unwrap();
    assert!(answer.contains("1 to 64 hex digits"), "{answer}");
    assert!(
        !answer.contains("touch"),
        "the request's text is not echoed: {answer}"
    );
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "webhook-key=s3cr3t"
    );

    let original = ContentHash::of(BANT_QUALIFIER.bytes);
    std::fs::write(request("lead-definition"), original.short()).unwrap();
    wait_for("a plain request's answer", || {
        result("lead-definition").exists()
    });
    let answer = std::fs::read_to_string(result("lead-definition")).unwrap();
    assert!(answer.contains("done"), "{answer}");
}
