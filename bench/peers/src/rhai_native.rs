//! Rhai natively: `plugins/script/examples/qualify.rhai` compiled once on
//! `script-engine`'s sandboxed engine, the same code the script host
//! component runs, so each call builds the input map as the component does.

use anyhow::{Result, anyhow};
use leadhost_sdk::types as wit;
use script_engine::{Limits, Script, ScriptHost};

use crate::verdict::Verdict;

/// The engine and the compiled script.
pub struct RhaiRule {
    /// The engine with the script host's limits and packages.
    host: ScriptHost,
    /// `qualify.rhai`, compiled.
    script: Script,
}

impl RhaiRule {
    /// Compiles `text` as `name`; a script's `print` lines are dropped.
    pub fn new(name: &str, text: &str) -> Result<Self> {
        let host = ScriptHost::new(Limits::default(), std::rc::Rc::new(|_, _| {}));
        let script = host
            .compile(name, text)
            .map_err(|error| anyhow!("{error}"))?;
        Ok(RhaiRule { host, script })
    }

    /// Runs `qualify(input)`: builds the input map, calls, reads the answer.
    pub fn call(&self, input: &wit::QualifyInput) -> Result<Verdict> {
        let answer = self
            .host
            .qualify(&self.script, input)
            .map_err(|error| anyhow!("{error}"))?;
        Ok(answer.into())
    }
}
