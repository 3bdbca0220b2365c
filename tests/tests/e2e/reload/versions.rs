//! A slot's version is its component and its config: a config-only edit is
//! a `config` entry with its changes, decisions carry the config digest,
//! and a rollback brings back exactly a recorded version (name, component
//! and config) without touching another plug-in's file or config.

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::LeadSubmission;
use leadhost::model::Scalar;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::store::{Activation, Decision, PluginVersion, TimelineItem};

use super::{Folder, variant, wait_for};

fn org_file(folder: &Folder) -> String {
    std::fs::read_to_string(folder.org_dir.join("org.toml")).unwrap()
}

fn versions(folder: &Folder) -> Vec<PluginVersion> {
    folder
        .host
        .engine
        .plugin_versions("acme", Slot::LeadDefinition)
        .unwrap()
}

/// A lead in; the lead definition's decision on it.
fn decide(folder: &Folder, n: usize) -> Decision {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": format!("v{n}@northwind.example"), "country": "DE", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30, "company_size": 300
    }))
    .unwrap();
    let ingested = folder
        .host
        .engine
        .ingest("acme", submission, "test")
        .unwrap();
    let timeline = folder
        .host
        .engine
        .timeline("acme", ingested.record.id())
        .unwrap();
    timeline
        .into_iter()
        .find_map(|entry| match entry.item {
            TimelineItem::Decision(decision) if decision.slot == Slot::LeadDefinition => {
                Some(decision)
            }
            _ => None,
        })
        .expect("a qualification decision")
}

/// Sets the lead definition's entry of `org.toml` and waits for `how`.
fn edit(folder: &Folder, entry: &str, count: usize) {
    let text = org_file(folder);
    let start = text.find("[plugins.lead-definition]").unwrap();
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |at| start + 1 + at);
    let edited = format!("{}{entry}\n{}", &text[..start], &text[end..]);
    write_whole(folder, &edited);
    wait_for("the edit's version, serving", || {
        let history = versions(folder);
        let serving = folder
            .host
            .engine
            .slot_status("acme", Slot::LeadDefinition)
            .active;
        history.len() == count
            && serving.is_some_and(|active| {
                Some(&active.config_digest) == history.last().map(|last| &last.config_digest)
            })
    });
}

/// Replaces `org.toml` as an editor does: a temporary file, renamed.
fn write_whole(folder: &Folder, text: &str) {
    let temporary = folder.org_dir.join(".org.toml.tmp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(temporary, folder.org_dir.join("org.toml")).unwrap();
}

#[test]
fn a_config_edit_is_a_version_and_a_rollback_restores_name_component_and_config() {
    let folder = Folder::new();
    let bant = ContentHash::of(BANT_QUALIFIER.bytes);
    edit(
        &folder,
        "[plugins.lead-definition]\ncomponent = \"bant-qualifier.wasm\"\nconfig = { min-budget = 20000 }",
        2,
    );
    let history = versions(&folder);
    let config_edit = &history[1];
    assert_eq!(config_edit.how, Activation::Config);
    assert_eq!(
        (config_edit.name.as_str(), config_edit.hash),
        ("bant-qualifier", bant)
    );
    assert_eq!(config_edit.config_changes.len(), 1);
    assert_eq!(config_edit.config_changes[0].key, "min-budget");
    assert_eq!(config_edit.config_changes[0].before, None);
    assert_eq!(
        config_edit.config_changes[0].after,
        Some(Scalar::Number(20000.0))
    );
    assert_ne!(config_edit.config_digest, history[0].config_digest);
    let active = folder
        .host
        .engine
        .slot_status("acme", Slot::LeadDefinition)
        .active
        .unwrap();
    assert_eq!(
        active.since, config_edit.at,
        "`since` moves with the config"
    );
    let before = decide(&folder, 1);
    assert_eq!(before.config_digest, config_edit.config_digest);

    // Another plug-in, uploaded: it does not inherit bant-qualifier's config.
    let acme_fit = variant(BANT_QUALIFIER.bytes, 7);
    let uploaded = folder
        .host
        .plugins
        .install("acme", Slot::LeadDefinition, "acme-fit", &acme_fit)
        .unwrap();
    assert_eq!(uploaded.how, Activation::Upload);
    assert!(uploaded.config.is_empty(), "{:?}", uploaded.config);
    edit(
        &folder,
        "[plugins.lead-definition]\ncomponent = \"acme-fit.wasm\"\nconfig = { industries = [\"logistics\", \"manufacturing\"], min-size = 200 }",
        4,
    );
    let fit = decide(&folder, 2);
    assert_eq!(fit.plugin, "acme-fit");
    assert_eq!(fit.config_digest, versions(&folder)[3].config_digest);

    let rolled = folder
        .host
        .plugins
        .rollback("acme", Slot::LeadDefinition, &bant.short())
        .unwrap();
    assert_eq!(rolled.how, Activation::Rollback);
    assert_eq!(
        (rolled.name.as_str(), rolled.hash),
        ("bant-qualifier", bant)
    );
    assert_eq!(
        rolled.config_digest, config_edit.config_digest,
        "its own recorded config"
    );
    let after = decide(&folder, 3);
    assert_eq!(
        (
            after.plugin.as_str(),
            after.plugin_hash,
            after.config_digest.as_str()
        ),
        ("bant-qualifier", bant, config_edit.config_digest.as_str())
    );
    let text = org_file(&folder);
    assert!(
        text.contains("component = \"bant-qualifier.wasm\""),
        "{text}"
    );
    assert!(
        text.contains("min-budget = 20000"),
        "a whole number stays one: {text}"
    );
    assert!(
        !text.contains("min-size") && !text.contains("industries"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(folder.org_dir.join("acme-fit.wasm")).unwrap(),
        acme_fit,
        "another plug-in's file is never written"
    );
    assert_eq!(
        std::fs::read(folder.org_dir.join("bant-qualifier.wasm")).unwrap(),
        BANT_QUALIFIER.bytes
    );
    let hows: Vec<Activation> = versions(&folder)
        .iter()
        .map(|version| version.how)
        .collect();
    assert_eq!(
        hows,
        [
            Activation::FirstParty,
            Activation::Config,
            Activation::Upload,
            Activation::Config,
            Activation::Rollback
        ]
    );
    // Settled: the watcher's own look at the rolled-back folder adds nothing.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(versions(&folder).len(), 5);
    assert_eq!(
        folder
            .host
            .plugins
            .folder_differs("acme", Slot::LeadDefinition),
        None
    );

    // The same component's first config (before the config-only edit) is
    // named by `HASH:CONFIG`; the hash alone names its latest config.
    let first = &versions(&folder)[0];
    let to = format!("{}:{}", bant.short(), &first.config_digest[..8]);
    let rolled = folder
        .host
        .plugins
        .rollback("acme", Slot::LeadDefinition, &to)
        .unwrap();
    assert_eq!(rolled.config_digest, first.config_digest);
    assert!(rolled.config.is_empty(), "{:?}", rolled.config);
    assert_eq!(
        decide(&folder, 4).config_digest,
        first.config_digest,
        "the next decision runs under that config"
    );
    assert!(
        !org_file(&folder).contains("min-budget"),
        "{}",
        org_file(&folder)
    );
    let latest = folder
        .host
        .plugins
        .rollback("acme", Slot::LeadDefinition, &bant.short())
        .unwrap();
    assert_eq!(
        latest.config_digest, first.config_digest,
        "its latest config"
    );
    let to = format!("{}:{}", bant.short(), &config_edit.config_digest[..8]);
    let rolled = folder
        .host
        .plugins
        .rollback("acme", Slot::LeadDefinition, &to)
        .unwrap();
    assert_eq!(rolled.config_digest, config_edit.config_digest);
}

#[test]
fn a_refused_config_edit_shows_how_the_folder_differs_from_what_serves_and_why() {
    let folder = Folder::new();
    // A sample case that holds only while min-budget is at most 60000.
    std::fs::write(
        folder.org_dir.join("bant-qualifier.cases.json"),
        serde_json::json!([{
            "name": "strong lead",
            "input": {
                "lead": {"id": "c1", "email": "c@n.example", "country": "DE", "budget": 60000,
                    "authority": "decision-maker", "need": "high", "timeline_days": 30,
                    "created_at": "2026-11-24T09:00:00Z"},
                "activities": [], "config": {}, "now": "2026-11-24T09:00:00Z"
            },
            "expect": {"stage": "sales-ready"}
        }])
        .to_string(),
    )
    .unwrap();
    edit(
        &folder,
        "[plugins.lead-definition]\ncomponent = \"bant-qualifier.wasm\"\nconfig = { min-budget = 20000 }",
        2,
    );
    let text = org_file(&folder).replace("min-budget = 20000", "min-budget = 600000");
    write_whole(&folder, &text);
    let status = || folder.host.engine.slot_status("acme", Slot::LeadDefinition);
    wait_for("the refusal", || status().last_refusal.is_some());
    let differs = folder
        .host
        .plugins
        .folder_differs("acme", Slot::LeadDefinition)
        .expect("org.toml says 600000 while 20000 serves");
    assert!(
        differs.starts_with("config min-budget: 600000.0 in org.toml, 20000.0 serving; refused: sample case 1 \"strong lead\" failed"),
        "{differs}"
    );
    assert_eq!(versions(&folder).len(), 2, "a refused config is no version");
}

#[test]
fn an_upload_under_another_slots_file_name_is_refused_and_writes_nothing() {
    let folder = Folder::new();
    let before = org_file(&folder);
    // A routing policy named as the lead definition's file would replace
    // the lead definition's component on disk.
    let error = folder
        .host
        .plugins
        .install(
            "acme",
            Slot::RoutingPolicy,
            "bant-qualifier",
            leadhost::builtin::ROUND_ROBIN.bytes,
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`bant-qualifier.wasm` is the org's lead-definition plug-in: give this one another name"
    );
    assert_eq!(
        std::fs::read(folder.org_dir.join("bant-qualifier.wasm")).unwrap(),
        BANT_QUALIFIER.bytes
    );
    assert_eq!(org_file(&folder), before);
    assert_eq!(
        folder.active(Slot::LeadDefinition),
        ContentHash::of(BANT_QUALIFIER.bytes)
    );
}

#[test]
fn the_folder_check_sees_each_change_of_the_named_file_in_place_or_renamed() {
    let folder = Folder::new();
    let differs = || {
        folder
            .host
            .plugins
            .folder_differs("acme", Slot::LeadDefinition)
    };
    assert_eq!(differs(), None);
    // Renamed into place: refused, and the folder is seen to differ.
    let broken = b"not a component at all".to_vec();
    folder.drop_file("bant-qualifier.wasm", &broken);
    folder.refusal_of("the broken file", &broken);
    let said = differs().expect("the folder differs");
    assert!(
        said.starts_with("bant-qualifier.wasm in the folder is not the version serving"),
        "{said}"
    );
    // Written in place (same file), back to what serves: seen at once.
    std::fs::write(
        folder.org_dir.join("bant-qualifier.wasm"),
        BANT_QUALIFIER.bytes,
    )
    .unwrap();
    wait_for("the folder to match what serves", || differs().is_none());
    // Quiet long enough for its hash to be kept, then changed in place to
    // other bytes of the same length.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(differs(), None);
    let mut other = BANT_QUALIFIER.bytes.to_vec();
    let last = other.len() - 1;
    other[last] ^= 0xff;
    std::fs::write(folder.org_dir.join("bant-qualifier.wasm"), &other).unwrap();
    assert!(differs().is_some(), "an edit in place of the same length");
}

#[test]
fn an_orgs_plugin_files_are_bounded_and_an_upload_past_the_bound_writes_nothing() {
    use leadhost::plugins::InstallError;

    let folder = Folder::new();
    let plugins = &folder.host.plugins;
    let used = plugins.org_disk_used("acme").unwrap();
    let folder_bytes: u64 = std::fs::read_dir(&folder.org_dir)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        used > folder_bytes,
        "the kept copies count too: {used} > {folder_bytes}"
    );
    // Room for one more build of the component, not for two.
    let size = BANT_QUALIFIER.bytes.len() as u64;
    let bounded = plugins.clone().with_org_disk_bytes(used + 2 * size + 4096);
    let first = variant(BANT_QUALIFIER.bytes, 11);
    bounded
        .install("acme", Slot::LeadDefinition, "acme-fit", &first)
        .unwrap();
    let second = variant(BANT_QUALIFIER.bytes, 12);
    let error = bounded
        .install("acme", Slot::LeadDefinition, "acme-fit-2", &second)
        .unwrap_err();
    assert!(matches!(error, InstallError::OrgDiskFull { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("(`[limits] org_disk_mib`); nothing was written"),
        "{error}"
    );
    assert!(!folder.org_dir.join("acme-fit-2.wasm").exists());
    assert_eq!(folder.active(Slot::LeadDefinition), ContentHash::of(&first));
    // Cases count too.
    let cases = vec![b' '; 2 * size as usize];
    assert!(matches!(
        bounded.replace_cases("acme", Slot::LeadDefinition, &cases),
        Err(InstallError::OrgDiskFull { .. })
    ));
    // A rollback restores what the org has already: never refused for it.
    let rolled = bounded
        .rollback(
            "acme",
            Slot::LeadDefinition,
            &ContentHash::of(BANT_QUALIFIER.bytes).short(),
        )
        .unwrap();
    assert_eq!(rolled.name, "bant-qualifier");
}

#[test]
fn a_config_the_plugin_cannot_read_is_refused_even_when_every_case_brings_its_own() {
    let folder = Folder::new();
    let input: serde_json::Value = leadhost_tests::example("eval/qualify/strong-lead.json");
    let mut input = input.as_object().unwrap().clone();
    input.insert("config".into(), serde_json::json!({"min-budget": 20000}));
    let cases = serde_json::json!([{
        "name": "strong", "input": input, "expect": {"stage": "sales-ready"}
    }]);
    std::fs::write(
        folder.org_dir.join("bant-qualifier.cases.json"),
        cases.to_string(),
    )
    .unwrap();
    let text = org_file(&folder).replace(
        "component = \"bant-qualifier.wasm\"",
        "component = \"bant-qualifier.wasm\"\nconfig = { min-budget = \"lots\" }",
    );
    write_whole(&folder, &text);
    let refusal = folder.refusal_of("the unreadable config", BANT_QUALIFIER.bytes);
    assert!(
        refusal.reason.starts_with(
            "sample case 1 \"strong\" under the org's config (not its own) does not answer:"
        ) && refusal.reason.contains("min-budget"),
        "{}",
        refusal.reason
    );
    let serving = folder
        .host
        .engine
        .plugins()
        .active("acme", Slot::LeadDefinition)
        .unwrap();
    assert!(serving.config.is_empty(), "the old config serves on");
}
