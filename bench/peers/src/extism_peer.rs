//! The BANT rule as an Extism plug-in (`extism-plugin/`, built by the build
//! script): the input goes in as JSON, serialized for every call, and the
//! answer comes back as JSON, parsed for every call.

use anyhow::{Context, Result};
use extism::{CompiledPlugin, Plugin, PluginBuilder};
use leadhost_model::QualifyInput;

use crate::guests;
use crate::input::Wire;
use crate::verdict::Verdict;

/// The plug-in compiled once (Cranelift), for fresh instances.
pub struct Extism {
    /// The compiled module and its engine.
    compiled: CompiledPlugin,
}

impl Extism {
    /// Compiles the plug-in (without WASI: it is built for
    /// `wasm32-unknown-unknown` and imports nothing but Extism's kernel),
    /// with wasmtime's disk cache off: nothing is written outside `target/`.
    pub fn new() -> Result<Self> {
        let builder = PluginBuilder::new(guests::EXTISM_BANT)
            .with_wasi(false)
            .with_cache_disabled();
        let compiled = CompiledPlugin::new(builder).context("compile the Extism plug-in")?;
        Ok(Extism { compiled })
    }

    /// A plug-in instance, to be reused for many calls.
    pub fn instance(&self) -> Result<Plugin> {
        Plugin::new_from_compiled(&self.compiled).context("instantiate the Extism plug-in")
    }

    /// A call on a new instance from the compiled module.
    pub fn fresh(&self, input: &QualifyInput) -> Result<Verdict> {
        call(&mut self.instance()?, input)
    }
}

/// Calls `qualify` on `plugin` with `input` as JSON.
pub fn call(plugin: &mut Plugin, input: &QualifyInput) -> Result<Verdict> {
    let json = serde_json::to_vec(&Wire::of(input))?;
    let answer: &[u8] = plugin.call("qualify", json.as_slice())?;
    Ok(serde_json::from_slice(answer)?)
}
