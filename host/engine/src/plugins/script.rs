//! Plug-in files of both kinds: components (`.wasm`) and admin scripts
//! (`.rhai`). A script is run by the first-party script component of its
//! slot; before it may serve, one probe call on the slot's example input
//! must answer, so a script that does not parse, lacks its function or
//! fails on an ordinary lead is refused with the engine's message (which
//! names the line) while the previous version keeps serving.
//!
//! The runtime knows components only: a script is the script component
//! known by the script's name and the sha256 of its text (a script is
//! versioned by content like a component), with the text fixed in its
//! config (`script`, `script-name`) over the org's, where the engine reads it.

use crate::builtin;
use crate::model::{Config, MatchInput, NurtureInput, QualifyInput, RouteInput, Scalar};
use crate::runtime::{
    CallContext, Cancel, Cause, ContentHash, Plugin, PluginError, PluginId, Runtime, Slot,
    SlotInput,
};

/// Config field carrying the script's text to the script component.
pub const SCRIPT_FIELD: &str = "script";
/// Config field carrying the script's file name, for its messages.
pub const SCRIPT_NAME_FIELD: &str = "script-name";
/// The file extension of admin scripts.
pub const SCRIPT_EXTENSION: &str = ".rhai";
/// Longest script accepted unless `leadhost serve` is given `[limits]
/// max_script_kib`, in bytes. A rule is a page or two; anything near this
/// is data that belongs in config.
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;

/// Whether a plug-in file name names an admin script.
pub fn is_script(name: &str) -> bool {
    name.ends_with(SCRIPT_EXTENSION)
}

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
    let limit = MAX_SCRIPT_BYTES;
    load_plugin_with(
        runtime,
        name,
        bytes,
        expected,
        config,
        limit,
        &Cancel::new(),
    )
}

/// [`load_plugin`], taking scripts of at most `max_script_bytes`, whose
/// compile stops once `cancel` is cancelled.
pub fn load_plugin_with(
    runtime: &Runtime,
    name: &str,
    bytes: &[u8],
    expected: Option<Slot>,
    config: &Config,
    max_script_bytes: usize,
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
    let plugin = load_script(runtime, name, bytes, slot, max_script_bytes)?;
    probe(&plugin, config)?;
    Ok(plugin)
}

/// The script `text` named `name` as a plug-in for `slot`: the slot's
/// script component, known by the script's name and hash, with the text
/// and name fixed in its config. Nothing is called.
fn load_script(
    runtime: &Runtime,
    name: &str,
    text: &[u8],
    slot: Slot,
    max_bytes: usize,
) -> Result<Plugin, PluginError> {
    let id = PluginId {
        name: name.to_string(),
        hash: ContentHash::of(text),
    };
    let fail = |cause| PluginError {
        plugin: id.clone(),
        cause,
    };
    let text = std::str::from_utf8(text).map_err(|error| {
        fail(Cause::Invalid(format!(
            "a script must be UTF-8 text: {error}"
        )))
    })?;
    if text.trim().is_empty() {
        return Err(fail(Cause::Empty));
    }
    if text.len() > max_bytes {
        return Err(fail(Cause::Invalid(format!(
            "the script is {} bytes long; the limit is {max_bytes}",
            text.len()
        ))));
    }
    let Some(runner) = builtin::script_runner(slot) else {
        return Err(fail(Cause::Invalid(format!(
            "no admin script fills the {slot} slot: give it a component"
        ))));
    };
    let runner = runtime
        .load("script-runner", runner.bytes, Some(slot))
        .map_err(|error| fail(error.cause))?;
    // The runner is first-party: keep its compiled code whatever comes of
    // the script (it takes seconds to compile).
    runtime.keep(&runner);
    Ok(runner
        .with_identity(id)
        .with_fixed_config(script_config(name, text))
        // It keeps nothing between calls but its compiled scripts and reads
        // no clock or random source (the script API has none), so its
        // instances are kept: setting the interpreter up costs ~1 ms, a call
        // tens of µs. Answers stay a fresh instance's (see the method).
        .with_instance_reuse())
}

/// The config fields that carry a script to the script component.
fn script_config(name: &str, text: &str) -> Config {
    Config::from([
        (SCRIPT_FIELD.to_string(), Scalar::Text(text.to_string())),
        (
            SCRIPT_NAME_FIELD.to_string(),
            Scalar::Text(name.to_string()),
        ),
    ])
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
        // On a fresh instance: nothing kept for a pseudo-org.
        plugin
            .without_instance_reuse()
            .call(&CallContext::for_org("script-check"), &input)
            .map(drop)
    }
    match plugin.slot() {
        Slot::LeadDefinition => call::<QualifyInput>(plugin, builtin::SAMPLE_QUALIFY, config),
        Slot::NurtureTrack => call::<NurtureInput>(plugin, builtin::SAMPLE_NURTURE, config),
        Slot::RoutingPolicy => call::<RouteInput>(plugin, builtin::SAMPLE_ROUTE, config),
        Slot::DuplicateRule => call::<MatchInput>(plugin, builtin::SAMPLE_MATCH, config),
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

    fn refusal(text: &[u8]) -> PluginError {
        let runtime = Runtime::new(Default::default()).expect("runtime");
        let slot = Some(Slot::LeadDefinition);
        load_plugin(&runtime, "qualify.rhai", text, slot, &Config::new()).unwrap_err()
    }

    #[test]
    fn scripts_not_utf8_empty_or_too_long_are_refused_by_name_and_hash() {
        let binary = b"fn qualify(input) { \xff }".to_vec();
        let error = refusal(&binary);
        assert_eq!(error.plugin.name, "qualify.rhai");
        assert_eq!(error.plugin.hash, ContentHash::of(&binary));
        assert!(
            error
                .to_string()
                .contains("a script must be UTF-8 text: invalid utf-8"),
            "{error}"
        );
        assert!(matches!(
            load_script(
                &Runtime::new(Default::default()).expect("runtime"),
                "qualify.rhai",
                b"  \n",
                Slot::LeadDefinition,
                MAX_SCRIPT_BYTES
            )
            .unwrap_err()
            .cause,
            Cause::Empty
        ));
        let long = format!(
            "fn qualify(input) {{ () }}\n{}",
            "// padding\n".repeat(6000)
        );
        let error = refusal(long.as_bytes());
        assert!(
            error.to_string().contains(&format!(
                "the script is {} bytes long; the limit is {MAX_SCRIPT_BYTES}",
                long.len()
            )),
            "{error}"
        );
        // The limit is a setting: a smaller one refuses a short script.
        let runtime = Runtime::new(Default::default()).expect("runtime");
        let short = b"fn qualify(input) {\n  #{ stage: \"nurture\", score: 1, reasons: [] }\n}\n";
        let small = load_plugin_with(
            &runtime,
            "qualify.rhai",
            short,
            Some(Slot::LeadDefinition),
            &Config::new(),
            16,
            &Cancel::new(),
        )
        .unwrap_err();
        assert!(
            small.to_string().contains(&format!(
                "the script is {} bytes long; the limit is 16",
                short.len()
            )),
            "{small}"
        );
    }

    #[test]
    fn a_script_is_the_script_component_known_by_its_name_and_hash_with_its_text_fixed() {
        let runtime = Runtime::new(Default::default()).expect("runtime");
        let text = "fn qualify(input) {\n  #{ stage: \"nurture\", score: 7, reasons: [input.config[\"greeting\"]] }\n}\n";
        let mut config = Config::new();
        config.insert("greeting".into(), Scalar::Text("hello".into()));
        config.insert(SCRIPT_FIELD.into(), Scalar::Text("forged".into()));
        let plugin = load_plugin(&runtime, "qualify.rhai", text.as_bytes(), None, &config)
            .expect("the script loads");
        assert_eq!(plugin.id().name, "qualify.rhai");
        assert_eq!(plugin.id().hash, ContentHash::of(text.as_bytes()));
        assert_eq!(plugin.slot(), Slot::LeadDefinition);
        assert_eq!(plugin.fixed_config(), &script_config("qualify.rhai", text));
        // The org's own `script` entry cannot replace the script's text.
        let mut input: QualifyInput =
            serde_json::from_str(builtin::SAMPLE_QUALIFY).expect("the sample parses");
        input.config = config;
        let verdict = plugin
            .qualify(&CallContext::for_org("acme"), &input)
            .expect("the script decides");
        assert_eq!(verdict.value.score, 7);
        assert_eq!(verdict.value.reasons, ["hello"]);
    }
}
