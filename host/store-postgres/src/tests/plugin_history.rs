//! An org's plug-in history on a shared database: each version once, even
//! when several hosts record it at once.

use crate::PostgresStore;
use leadhost_model::{Config, ContentHash, Slot};
use leadhost_store::{Activation, PluginVersion, Store};

fn version(slot: Slot, name: &str, how: Activation) -> PluginVersion {
    PluginVersion {
        slot,
        name: name.into(),
        hash: ContentHash::of(name.as_bytes()),
        how,
        at: "2026-12-02T09:00:00Z".parse().unwrap(),
        config: Config::new(),
        config_digest: String::new(),
        config_changes: Vec::new(),
        cases_digest: None,
        impact: None,
    }
}

fn names(store: &PostgresStore) -> Vec<String> {
    store
        .plugin_versions("acme")
        .unwrap()
        .into_iter()
        .map(|version| format!("{:?} {}", version.slot, version.name))
        .collect()
}

/// Four hosts recording the same first-party version at once write one
/// entry; the slot's latest again (however it came) writes none; another
/// slot's, or an older version of this slot coming back, one each.
#[test]
fn a_version_equal_to_its_slots_latest_is_recorded_once() {
    let url = crate::test_server::database();
    let hosts: Vec<PostgresStore> = (0..4).map(|_| PostgresStore::open(&url).unwrap()).collect();
    std::thread::scope(|scope| {
        for host in &hosts {
            scope.spawn(|| {
                host.put_plugin_version(
                    "acme",
                    &version(Slot::LeadDefinition, "bant", Activation::FirstParty),
                )
                .unwrap()
            });
        }
    });
    let store = &hosts[0];
    assert_eq!(names(store), ["LeadDefinition bant"]);
    let marks = store.plugin_history_marks().unwrap();
    store
        .put_plugin_version(
            "acme",
            &version(Slot::LeadDefinition, "bant", Activation::File),
        )
        .unwrap();
    assert_eq!(names(store), ["LeadDefinition bant"]);
    assert_eq!(
        store.plugin_history_marks().unwrap(),
        marks,
        "no mark moved"
    );
    for (slot, name) in [
        (Slot::RoutingPolicy, "bant"),
        (Slot::LeadDefinition, "strict"),
        (Slot::LeadDefinition, "bant"),
    ] {
        store
            .put_plugin_version("acme", &version(slot, name, Activation::Upload))
            .unwrap();
    }
    assert_eq!(
        names(store),
        [
            "LeadDefinition bant",
            "RoutingPolicy bant",
            "LeadDefinition strict",
            "LeadDefinition bant"
        ]
    );
}
