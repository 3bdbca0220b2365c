//! leadhost's own runtime: the `bant-qualifier` component (fresh and reused
//! instance) and the script host running `qualify.rhai` (kept and fresh
//! instance), loaded as `leadhost serve` loads them.

use anyhow::{Context, Result};
use leadhost_model::{Config, QualifyInput, Scalar};
use leadhost_runtime::{
    CallContext, ContentHash, Plugin, PluginId, ReusableInstance, Runtime, RuntimeConfig, Slot,
};

use crate::guests;
use crate::verdict::Verdict;

/// The runtime with both components loaded and compiled.
pub struct Leadhost {
    /// The runtime (its epoch ticker runs while it lives).
    _runtime: Runtime,
    /// `bant-qualifier`.
    component: Plugin,
    /// The script host with `qualify.rhai`, keeping its instances between calls.
    script: Plugin,
    /// The org every call is made for.
    context: CallContext,
}

impl Leadhost {
    /// Starts a runtime (the default limits: fuel, deadlines, pooling) and
    /// loads `bant-qualifier` and the script host with `script_text`.
    pub fn new(script_name: &str, script_text: &str) -> Result<Self> {
        let runtime = Runtime::new(RuntimeConfig::default()).context("start the runtime")?;
        let component = runtime
            .load(
                "bant-qualifier",
                guests::BANT_QUALIFIER,
                Some(Slot::LeadDefinition),
            )
            .context("load bant-qualifier")?;
        // As host/engine/src/plugins/script.rs loads a `.rhai` file: the
        // script host, known by the script's name and hash, with the text
        // in its fixed config, keeping instances between an org's calls.
        let runner = runtime
            .load(
                "script-runner",
                guests::SCRIPT_QUALIFY,
                Some(Slot::LeadDefinition),
            )
            .context("load the script host")?;
        let script = runner
            .with_identity(PluginId {
                name: script_name.to_string(),
                hash: ContentHash::of(script_text.as_bytes()),
            })
            .with_fixed_config(Config::from([
                ("script".to_string(), Scalar::Text(script_text.to_string())),
                (
                    "script-name".to_string(),
                    Scalar::Text(script_name.to_string()),
                ),
            ]))
            .with_instance_reuse();
        Ok(Leadhost {
            _runtime: runtime,
            component,
            script,
            context: CallContext::for_org("bench"),
        })
    }

    /// A call of the component on a fresh instance (what the host does).
    pub fn fresh(&self, input: &QualifyInput) -> Result<Verdict> {
        Ok(self.component.qualify(&self.context, input)?.value.into())
    }

    /// An instance of the component kept for many calls, as
    /// `tests/benches/qualify.rs` measures it.
    pub fn reusable(&self, input: &QualifyInput) -> Result<ReusableInstance> {
        Ok(self.component.reusable_instance(&self.context, input)?)
    }

    /// A call of the script host on an instance it kept (what the host does
    /// for scripts; the first call sets one up).
    pub fn script_kept(&self, input: &QualifyInput) -> Result<Verdict> {
        Ok(self.script.qualify(&self.context, input)?.value.into())
    }

    /// The script host without kept instances: Rhai is set up and the
    /// script compiled on every call.
    pub fn script_fresh(&self) -> Plugin {
        self.script.without_instance_reuse()
    }

    /// The org every call is made for.
    pub fn context(&self) -> &CallContext {
        &self.context
    }
}

/// A call on a reused instance.
pub fn reused(instance: &mut ReusableInstance, input: &QualifyInput) -> Result<Verdict> {
    Ok(instance.call(input)?.value.into())
}
