//! `script-nurture`: a nurture track that runs the org's Rhai rule.
//!
//! The host passes the rule's text in config `script` and its file name in
//! `script-name`; the rule defines `fn next_step(input)`. See the README of
//! the `plugins/script` folder for the script API.

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct ScriptNurture;

impl NurtureTrack for ScriptNurture {
    fn next_step(input: NurtureInput) -> Result<NurtureStep, String> {
        script_engine::next_step(input)
    }
}

leadhost_sdk::export_nurture_track!(crate::ScriptNurture);
