//! Bindings generated from `wit/v0.1.0`, or `wit/v0.2.0` with the
//! `wit-0-2` feature, one module per world.
//!
//! The `types` and `log` interfaces are generated once, with the first world,
//! and shared by the other two so a plug-in sees one `Lead` type. Each world's
//! export macro is public: it emits the world's type section into the
//! plug-in's own crate, so a component carries only the world it exports.
#![allow(missing_docs)]

/// The `lead-definition` world.
#[cfg(not(feature = "wit-0-2"))]
pub mod lead_definition {
    wit_bindgen::generate!({
        path: "../wit/v0.1.0",
        world: "lead-definition",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::lead_definition",
        export_macro_name: "export",
        additional_derives: [PartialEq],
    });
}

/// The `nurture-track` world.
#[cfg(not(feature = "wit-0-2"))]
pub mod nurture_track {
    wit_bindgen::generate!({
        path: "../wit/v0.1.0",
        world: "nurture-track",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::nurture_track",
        export_macro_name: "export",
        with: {
            "leadhost:plugin/types@0.1.0": crate::bindings::lead_definition::leadhost::plugin::types,
            "leadhost:plugin/log@0.1.0": crate::bindings::lead_definition::leadhost::plugin::log,
        },
    });
}

/// The `routing-policy` world.
#[cfg(not(feature = "wit-0-2"))]
pub mod routing_policy {
    wit_bindgen::generate!({
        path: "../wit/v0.1.0",
        world: "routing-policy",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::routing_policy",
        export_macro_name: "export",
        with: {
            "leadhost:plugin/types@0.1.0": crate::bindings::lead_definition::leadhost::plugin::types,
            "leadhost:plugin/log@0.1.0": crate::bindings::lead_definition::leadhost::plugin::log,
        },
    });
}

/// The `lead-definition` world.
#[cfg(feature = "wit-0-2")]
pub mod lead_definition {
    wit_bindgen::generate!({
        path: "../wit/v0.2.0",
        world: "lead-definition",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::lead_definition",
        export_macro_name: "export",
        additional_derives: [PartialEq],
    });
}

/// The `nurture-track` world.
#[cfg(feature = "wit-0-2")]
pub mod nurture_track {
    wit_bindgen::generate!({
        path: "../wit/v0.2.0",
        world: "nurture-track",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::nurture_track",
        export_macro_name: "export",
        with: {
            "leadhost:plugin/types@0.2.0": crate::bindings::lead_definition::leadhost::plugin::types,
            "leadhost:plugin/log@0.2.0": crate::bindings::lead_definition::leadhost::plugin::log,
        },
    });
}

/// The `routing-policy` world.
#[cfg(feature = "wit-0-2")]
pub mod routing_policy {
    wit_bindgen::generate!({
        path: "../wit/v0.2.0",
        world: "routing-policy",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::routing_policy",
        export_macro_name: "export",
        with: {
            "leadhost:plugin/types@0.2.0": crate::bindings::lead_definition::leadhost::plugin::types,
            "leadhost:plugin/log@0.2.0": crate::bindings::lead_definition::leadhost::plugin::log,
        },
    });
}

/// The `duplicate-rule` world (new in 0.2.0).
#[cfg(feature = "wit-0-2")]
pub mod duplicate_rule {
    wit_bindgen::generate!({
        path: "../wit/v0.2.0",
        world: "duplicate-rule",
        pub_export_macro: true,
        default_bindings_module: "leadhost_sdk::duplicate_rule",
        export_macro_name: "export",
        with: {
            "leadhost:plugin/types@0.2.0": crate::bindings::lead_definition::leadhost::plugin::types,
            "leadhost:plugin/log@0.2.0": crate::bindings::lead_definition::leadhost::plugin::log,
        },
    });
}

pub(crate) use lead_definition::leadhost::plugin::log as host_log;
pub use lead_definition::leadhost::plugin::types;
