//! Admin scripts as plug-ins. A script (`qualify.rhai`) is run by a
//! first-party component that embeds the script engine, so it gets exactly
//! the sandbox and limits of any plug-in. The runtime loads that component
//! once; each script becomes a [`Plugin`](super::Plugin) of its own whose
//! identity is the script's name and the sha256 of its text — a script is
//! versioned by content like a component — and whose every call carries the
//! text in the config (`script`, `script-name`), where the engine reads it.

use std::sync::Arc;

use leadhost_model::{Config, Scalar};

/// Config field carrying the script's text to the script component.
pub const SCRIPT_FIELD: &str = "script";
/// Config field carrying the script's file name, for its messages.
pub const SCRIPT_NAME_FIELD: &str = "script-name";
/// The file extension of admin scripts.
pub const SCRIPT_EXTENSION: &str = ".rhai";
/// Longest script accepted. A rule is a page or two; anything near this is
/// data that belongs in config.
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;

/// Whether a plug-in file name names an admin script.
pub fn is_script(name: &str) -> bool {
    name.ends_with(SCRIPT_EXTENSION)
}

/// A script's text and name, added to every call's config.
#[derive(Debug, Clone)]
pub(super) struct ScriptSource {
    /// The file name (`qualify.rhai`).
    name: Arc<str>,
    /// The text.
    text: Arc<str>,
}

impl ScriptSource {
    /// A script named `name` with `text`.
    pub fn new(name: &str, text: &str) -> Self {
        ScriptSource {
            name: name.into(),
            text: text.into(),
        }
    }

    /// `config` with the script's fields set (over any the org set).
    pub fn apply(&self, config: &mut Config) {
        config.insert(SCRIPT_FIELD.into(), Scalar::Text(self.text.to_string()));
        config.insert(
            SCRIPT_NAME_FIELD.into(),
            Scalar::Text(self.name.to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_fields_override_what_the_org_set() {
        let mut config = Config::new();
        config.insert(SCRIPT_FIELD.into(), Scalar::Text("forged".into()));
        config.insert("min-budget".into(), Scalar::Number(20_000.0));
        ScriptSource::new("qualify.rhai", "fn qualify(input) { () }").apply(&mut config);
        assert_eq!(
            config[SCRIPT_FIELD],
            Scalar::Text("fn qualify(input) { () }".into())
        );
        assert_eq!(
            config[SCRIPT_NAME_FIELD],
            Scalar::Text("qualify.rhai".into())
        );
        assert_eq!(config["min-budget"], Scalar::Number(20_000.0));
        assert!(is_script("qualify.rhai") && !is_script("qualify.wasm"));
    }
}
