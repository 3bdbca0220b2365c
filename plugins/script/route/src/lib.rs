//! `script-route`: a routing policy that runs the org's Rhai rule.
//!
//! The host passes the rule's text in config `script` and its file name in
//! `script-name`; the rule defines `fn route(input)`. See the README of the
//! `plugins/script` folder for the script API.

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct ScriptRoute;

impl RoutingPolicy for ScriptRoute {
    fn route(input: RouteInput) -> Result<RouteDecision, String> {
        script_engine::route(input)
    }
}

leadhost_sdk::export_routing_policy!(crate::ScriptRoute);
