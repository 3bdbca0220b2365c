//! `script-engine`: run an admin's Rhai rule as a leadhost plug-in.
//!
//! The host passes the rule's text in the config field `script` and its file
//! name in `script-name`; every other config field is the org's config for
//! the rule. A rule defines one function per slot, taking one map and
//! returning one map, with the host's JSON keys:
//!
//! | slot | function | answer |
//! |---|---|---|
//! | lead definition | `fn qualify(input)` | `#{ stage, score, segment, track, reasons }` |
//! | nurture track | `fn next_step(input)` | `#{ actions, state, wake_at }` |
//! | routing policy | `fn route(input)` | `#{ decision: "assign", rep, reasons }`, ... |
//!
//! ```
//! use leadhost_sdk::prelude::*;
//!
//! let rule = r#"
//!     fn qualify(input) {
//!         let budget = input.lead.budget ?? 0;
//!         if budget >= (input.config.get("min-budget") ?? 10000) {
//!             #{ stage: "sales-ready", score: 80, reasons: [`budget ${budget}`] }
//!         } else {
//!             #{ stage: "nurture", score: 30, track: "education" }
//!         }
//!     }
//! "#;
//! let lead = LeadBuilder::new("dana@northwind.example").budget(50_000.0).build();
//! let input = QualifyInput::new(lead, vec![], 0).with_config(vec![
//!     Field::text("script", rule),
//!     Field::text("script-name", "qualify.rhai"),
//!     Field::number("min-budget", 20_000.0),
//! ]);
//! let verdict = script_engine::qualify(input).unwrap();
//! assert_eq!((verdict.stage, verdict.reasons[0].as_str()), (Stage::SalesReady, "budget 50000"));
//! ```
//!
//! Scripts run under [`Limits`]: a loop that does not end stops after
//! `max_operations` with an error saying so, and the engine stays usable.
//! The admin's guide is the crate folder's README.

#![deny(missing_docs)]

mod answer;
mod error;
mod input;
mod json;
mod sandbox;
mod time;

use std::cell::RefCell;
use std::rc::Rc;

use leadhost_sdk::Fields;
use leadhost_sdk::types::{
    Field, NurtureInput, NurtureStep, Qualification, QualifyInput, RouteDecision, RouteInput,
};
use rhai::{AST, CallFnOptions, Dynamic, Engine, Map, Scope};

pub use error::ScriptError;
pub use sandbox::{Limits, LogLevel, LogSink, sdk_log};

use answer::Reader;

/// A compiled script: its name (for messages), its text and its AST.
#[derive(Debug, Clone)]
pub struct Script {
    /// The file name the admin knows it by, e.g. `qualify.rhai`.
    name: String,
    /// The text it was compiled from (the cache's key).
    text: String,
    /// The compiled script.
    ast: AST,
}

impl Script {
    /// The script's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A sandboxed Rhai engine that compiles and calls rules.
pub struct ScriptHost {
    /// The engine, set up by [`sandbox`].
    engine: Engine,
    /// Its limits, for messages.
    limits: Limits,
    /// The name of the script running now, for `print` lines.
    current: Rc<RefCell<String>>,
}

impl Default for ScriptHost {
    fn default() -> Self {
        Self::new(Limits::default(), sdk_log())
    }
}

impl ScriptHost {
    /// An engine with `limits`, logging `print` and `debug` lines to `log`.
    pub fn new(limits: Limits, log: LogSink) -> Self {
        let current = Rc::new(RefCell::new(String::new()));
        ScriptHost {
            engine: sandbox::engine(&limits, log, current.clone()),
            limits,
            current,
        }
    }

    /// The limits scripts run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles `text` under the name `name`; a syntax error names its line.
    pub fn compile(&self, name: &str, text: &str) -> Result<Script, ScriptError> {
        if text.len() > self.limits.max_script_bytes {
            return Err(ScriptError::TooLong {
                script: name.to_string(),
                bytes: text.len(),
                limit: self.limits.max_script_bytes,
            });
        }
        let mut ast = self
            .engine
            .compile(text)
            .map_err(|error| error::syntax(name, &error))?;
        ast.set_source(name);
        Ok(Script {
            name: name.to_string(),
            text: text.to_string(),
            ast,
        })
    }

    /// Runs `fn qualify(input)`.
    pub fn qualify(
        &self,
        script: &Script,
        input: &QualifyInput,
    ) -> Result<Qualification, ScriptError> {
        let answer = self.call(script, "qualify", input::qualify(input))?;
        reader(script, "qualify").qualification(answer)
    }

    /// Runs `fn next_step(input)`.
    pub fn next_step(
        &self,
        script: &Script,
        input: &NurtureInput,
    ) -> Result<NurtureStep, ScriptError> {
        let answer = self.call(script, "next_step", input::nurture(&self.engine, input))?;
        reader(script, "next_step").nurture_step(answer, &input.state)
    }

    /// Runs `fn route(input)`.
    pub fn route(&self, script: &Script, input: &RouteInput) -> Result<RouteDecision, ScriptError> {
        let answer = self.call(script, "route", input::route(input))?;
        reader(script, "route").route_decision(answer)
    }

    /// Calls `function(input)` in `script`, after its top-level statements.
    fn call(&self, script: &Script, function: &str, input: Map) -> Result<Dynamic, ScriptError> {
        check_function(script, function)?;
        self.current.replace(script.name.clone());
        let mut scope = Scope::new();
        self.engine
            .call_fn_with_options::<Dynamic>(
                CallFnOptions::new(),
                &mut scope,
                &script.ast,
                function,
                (Dynamic::from_map(input),),
            )
            .map_err(|error| error::runtime(&script.name, *error, &self.limits))
    }
}

fn reader<'a>(script: &'a Script, function: &'static str) -> Reader<'a> {
    Reader {
        script: &script.name,
        function,
    }
}

/// The script defines `function` with one parameter, or an error saying
/// what it defines instead.
fn check_function(script: &Script, function: &str) -> Result<(), ScriptError> {
    let defined: Vec<_> = script.ast.iter_functions().collect();
    if defined
        .iter()
        .any(|f| f.name == function && f.params.len() == 1)
    {
        return Ok(());
    }
    let message = match defined.iter().find(|f| f.name == function) {
        Some(found) => format!(
            "`{function}` takes {} parameters; it must take one: `fn {function}(input)`",
            found.params.len()
        ),
        None if defined.is_empty() => {
            format!("no function `{function}`: define `fn {function}(input) {{ ... }}`")
        }
        None => format!(
            "no function `{function}`: define `fn {function}(input) {{ ... }}` (the script defines {})",
            defined
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(ScriptError::MissingFunction {
        script: script.name.clone(),
        message,
    })
}

/// Compiled scripts kept by a reused instance, most recent first. Only
/// compiled code is kept between calls, never a call's data.
const CACHED_SCRIPTS: usize = 4;

thread_local! {
    /// The engine and compiled scripts of this instance (a component is single-threaded).
    static CACHE: RefCell<Option<(ScriptHost, Vec<Rc<Script>>)>> = const { RefCell::new(None) };
}

/// Runs `call` with this instance's engine and the script named in
/// `config`, compiling it unless it is cached; errors become the plug-in's
/// refusal text.
fn with_script<T>(
    config: &[Field],
    default_name: &str,
    call: impl FnOnce(&ScriptHost, &Script) -> Result<T, ScriptError>,
) -> Result<T, String> {
    let text = match config.value("script") {
        None => return Err(ScriptError::NoScript.to_string()),
        Some(_) => config
            .text("script")
            .ok_or_else(|| ScriptError::ConfigNotText("script").to_string())?,
    };
    let name = match config.value("script-name") {
        None => default_name,
        Some(_) => config
            .text("script-name")
            .ok_or_else(|| ScriptError::ConfigNotText("script-name").to_string())?,
    };
    CACHE.with_borrow_mut(|cache| {
        let (host, scripts) = cache.get_or_insert_with(|| (ScriptHost::default(), Vec::new()));
        let script = match scripts
            .iter()
            .position(|script| script.name == name && script.text == text)
        {
            Some(index) => scripts.remove(index),
            None => Rc::new(host.compile(name, text).map_err(|e| e.to_string())?),
        };
        scripts.insert(0, script.clone());
        scripts.truncate(CACHED_SCRIPTS);
        call(host, &script).map_err(|error| error.to_string())
    })
}

/// The lead definition: runs the config's script's `qualify(input)`.
pub fn qualify(input: QualifyInput) -> Result<Qualification, String> {
    with_script(&input.config, "qualify.rhai", |host, script| {
        host.qualify(script, &input)
    })
}

/// The nurture track: runs the config's script's `next_step(input)`.
pub fn next_step(input: NurtureInput) -> Result<NurtureStep, String> {
    with_script(&input.config, "nurture.rhai", |host, script| {
        host.next_step(script, &input)
    })
}

/// The routing policy: runs the config's script's `route(input)`.
pub fn route(input: RouteInput) -> Result<RouteDecision, String> {
    with_script(&input.config, "route.rhai", |host, script| {
        host.route(script, &input)
    })
}

#[cfg(test)]
mod tests;
