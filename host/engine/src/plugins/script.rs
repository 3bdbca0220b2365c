//! Plug-in files of both kinds: components (`.wasm`) and admin scripts
//! (`.rhai`). A script is run by the first-party script component of its
//! slot; before it may serve, one probe call on the slot's example input
//! must answer, so a script that does not parse, lacks its function or
//! fails on an ordinary lead is refused with the engine's message (which
//! names the line) while the previous version keeps serving.

use crate::builtin;
use crate::model::{Config, NurtureInput, QualifyInput, RouteInput};
use crate::runtime::{
    CallContext, Cancel, Cause, ContentHash, Plugin, PluginError, PluginId, Runtime, Slot,
    SlotInput, is_script,
};

/// Loads a plug-in file's bytes by its name: an admin script when the name
/// ends in `.rhai`, a component otherwise. A script's slot is `expected`,
/// or else the one whose function it defines; its probe call gets `config`
/// (the org's config for the slot).
pub fn load_plugin(
    runtime: &Runtime,
    name: &str,
    bytes: &[u8],
    expected: Option<Slot>,
    config: &Config,
) -> Result<Plugin, PluginError> {
    load_plugin_with(runtime, name, bytes, expected, config, &Cancel::new())
}

/// [`load_plugin`], whose compile stops once `cancel` is cancelled.
pub fn load_plugin_with(
    runtime: &Runtime,
    name: &str,
    bytes: &[u8],
    expected: Option<Slot>,
    config: &Config,
    cancel: &Cancel,
) -> Result<Plugin, PluginError> {
    if !is_script(name) {
        return runtime.load_with(name, bytes, expected, cancel);
    }
    let slot = match expected {
        Some(slot) => slot,
        None => slot_of(bytes).ok_or_else(|| PluginError {
            plugin: PluginId {
                name: name.to_string(),
                hash: ContentHash::of(bytes),
            },
            cause: Cause::Invalid(
                "the script defines none of `fn qualify(input)`, `fn next_step(input)`, `fn route(input)`"
                    .into(),
            ),
        })?,
    };
    let plugin = runtime.load_script(name, bytes, slot, builtin::script_runner(slot).bytes)?;
    probe(&plugin, config)?;
    Ok(plugin)
}

/// Loads a plug-in file, named by its file name (a component by its stem).
pub fn load_plugin_file(
    runtime: &Runtime,
    path: &std::path::Path,
    expected: Option<Slot>,
    config: &Config,
) -> Result<Plugin, crate::runtime::LoadFileError> {
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_script(&file_name) {
        return runtime.load_file(path, expected);
    }
    let bytes = std::fs::read(path).map_err(|source| crate::runtime::LoadFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(load_plugin(runtime, &file_name, &bytes, expected, config)?)
}

/// The slot whose function a script defines, from its text.
pub fn slot_of(text: &[u8]) -> Option<Slot> {
    let text = std::str::from_utf8(text).ok()?;
    let defines = |function: &str| {
        text.lines().any(|line| {
            let line = line.trim_start();
            line.strip_prefix("fn ")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix(function))
                .is_some_and(|rest| rest.trim_start().starts_with('('))
        })
    };
    [
        ("qualify", Slot::LeadDefinition),
        ("next_step", Slot::NurtureTrack),
        ("route", Slot::RoutingPolicy),
    ]
    .into_iter()
    .find(|(function, _)| defines(function))
    .map(|(_, slot)| slot)
}

/// One call on the slot's example input with the org's `config`; its
/// failure is the refusal.
fn probe(plugin: &Plugin, config: &Config) -> Result<(), PluginError> {
    fn call<I: SlotInput + serde::de::DeserializeOwned>(
        plugin: &Plugin,
        sample: &str,
        config: &Config,
    ) -> Result<(), PluginError> {
        let mut input: I = serde_json::from_str(sample).expect("the embedded samples parse");
        input.config_mut().extend(config.clone());
        plugin
            .call(&CallContext::for_org("script-check"), &input)
            .map(drop)
    }
    match plugin.slot() {
        Slot::LeadDefinition => call::<QualifyInput>(plugin, builtin::SAMPLE_QUALIFY, config),
        Slot::NurtureTrack => call::<NurtureInput>(plugin, builtin::SAMPLE_NURTURE, config),
        Slot::RoutingPolicy => call::<RouteInput>(plugin, builtin::SAMPLE_ROUTE, config),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slot_is_read_from_the_function_a_script_defines() {
        let qualify = b"// a rule\nfn qualify(input) {\n  #{ stage: \"nurture\" }\n}\n";
        assert_eq!(slot_of(qualify), Some(Slot::LeadDefinition));
        assert_eq!(
            slot_of(b"fn helper(x) { x }\n  fn next_step (input) { () }"),
            Some(Slot::NurtureTrack)
        );
        assert_eq!(slot_of(b"fn route(input) {}"), Some(Slot::RoutingPolicy));
        assert_eq!(slot_of(b"fn qualify_all(input) {}"), None);
        assert_eq!(slot_of(b"// fn qualify(input)"), None);
    }
}
