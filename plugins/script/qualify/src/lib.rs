//! `script-qualify`: a lead definition that runs the org's Rhai rule.
//!
//! The host passes the rule's text in config `script` and its file name in
//! `script-name`; the rule defines `fn qualify(input)`. See the README of
//! the `plugins/script` folder for the script API.

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct ScriptQualify;

impl LeadDefinition for ScriptQualify {
    fn qualify(input: QualifyInput) -> Result<Qualification, String> {
        script_engine::qualify(input)
    }
}

leadhost_sdk::export_lead_definition!(crate::ScriptQualify);
