//! Plug-in versions: each org's history, oldest first, and an impact
//! written on an entry after its version became active.

use super::{Harness, at};
use crate::{Activation, PluginVersion, Store};

/// Plug-in versions read back as written, oldest first, per org; an
/// impact lands on its entry alone.
pub fn plugin_versions_read_back_oldest_first_and_take_an_impact(harness: &mut impl Harness) {
    let store = harness.fresh();
    let version = |name: &str, how, minute: u32| PluginVersion {
        slot: leadhost_model::Slot::LeadDefinition,
        name: name.into(),
        hash: leadhost_model::ContentHash::of(name.as_bytes()),
        how,
        at: at(&format!("2026-11-24T09:{minute:02}:00Z")),
        config: leadhost_model::Config::from([(
            "min-budget".to_string(),
            leadhost_model::Scalar::Number(f64::from(minute) * 1000.0),
        )]),
        config_digest: format!("{minute:064x}"),
        config_changes: vec![crate::ConfigChange {
            key: "min-budget".into(),
            before: None,
            after: Some(leadhost_model::Scalar::Number(f64::from(minute) * 1000.0)),
        }],
        cases_digest: Some(format!("{minute:064x}")),
        impact: None,
    };
    let first = version("bant-qualifier", Activation::FirstParty, 0);
    let second = version("acme-fit", Activation::Upload, 5);
    store.put_plugin_version("acme", &first).unwrap();
    store.put_plugin_version("acme", &second).unwrap();
    assert_eq!(
        store.plugin_versions("acme").unwrap(),
        [first.clone(), second.clone()],
        "oldest first"
    );
    assert!(store.plugin_versions("acme-2").unwrap().is_empty());

    // An impact measured after activation lands on that entry alone.
    let impact = crate::Impact {
        inputs: 40,
        changed: 20,
        failed: 0,
        changes: vec![crate::VerdictChange {
            from: "sales-ready".into(),
            to: "nurture".into(),
            count: 20,
        }],
        summary: "20 of 40: 20 sales-ready → nurture".into(),
    };
    let measured = PluginVersion {
        impact: Some(impact),
        ..first.clone()
    };
    assert!(store.set_plugin_version_impact("acme", &measured).unwrap());
    assert_eq!(store.plugin_versions("acme").unwrap(), [measured, second]);
    let elsewhere = PluginVersion {
        at: at("2026-11-24T10:00:00Z"),
        ..first
    };
    assert!(
        !store.set_plugin_version_impact("acme", &elsewhere).unwrap(),
        "no entry of that version and time"
    );
    assert!(
        !store
            .set_plugin_version_impact("acme-2", &elsewhere)
            .unwrap()
    );
}

/// A shared store keeps plug-in files by digest, once, for every host, and
/// marks each org's history so a host sees another's activation with one
/// query; a store one process holds keeps neither (its host's data folder
/// does).
pub fn plugin_files_and_history_marks_are_shared_only_by_a_shared_store(
    harness: &mut impl Harness,
) {
    let store = harness.fresh();
    let component = b"\0asm a component".to_vec();
    let digest = leadhost_model::ContentHash::of(&component).to_string();
    store.put_plugin_file(&digest, &component).unwrap();
    let version = |name: &str| PluginVersion {
        slot: leadhost_model::Slot::LeadDefinition,
        name: name.into(),
        hash: leadhost_model::ContentHash::of(name.as_bytes()),
        how: Activation::Upload,
        at: at("2026-11-24T09:00:00Z"),
        config: leadhost_model::Config::new(),
        config_digest: String::new(),
        config_changes: Vec::new(),
        cases_digest: None,
        impact: None,
    };
    store.put_plugin_version("acme", &version("one")).unwrap();
    if !store.shared() {
        assert_eq!(store.plugin_file(&digest).unwrap(), None);
        assert!(store.plugin_history_marks().unwrap().is_empty());
        return;
    }
    assert_eq!(store.plugin_file(&digest).unwrap(), Some(component.clone()));
    assert_eq!(store.plugin_file(&"0".repeat(64)).unwrap(), None);
    // Kept again (two hosts taking one upload): the same, no error.
    store.put_plugin_file(&digest, &component).unwrap();
    assert_eq!(store.plugin_file(&digest).unwrap(), Some(component));

    let marks = store.plugin_history_marks().unwrap();
    assert_eq!(
        marks
            .iter()
            .map(|(org, _)| org.as_str())
            .collect::<Vec<_>>(),
        ["acme"]
    );
    store.put_plugin_version("acme-2", &version("two")).unwrap();
    let unchanged = store.plugin_history_marks().unwrap();
    assert_eq!(
        unchanged[0], marks[0],
        "another org's version leaves acme's mark"
    );
    store.put_plugin_version("acme", &version("three")).unwrap();
    let moved = store.plugin_history_marks().unwrap();
    assert!(
        moved[0].1 > marks[0].1,
        "acme's mark grows: {marks:?} → {moved:?}"
    );
    assert_eq!(moved[1].0, "acme-2");
}
