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
mod tests {
    use super::*;
    use leadhost_sdk::prelude::*;

    const DAY: i64 = 86_400_000;

    fn host() -> ScriptHost {
        ScriptHost::new(Limits::default(), Rc::new(|_, _| {}))
    }

    fn lead() -> Lead {
        LeadBuilder::new("dana@northwind.example")
            .budget(60_000.0)
            .authority(Authority::DecisionMaker)
            .country("DE")
            .created_at(10 * DAY)
            .build()
    }

    fn qualify_input() -> QualifyInput {
        QualifyInput::new(
            lead(),
            vec![Activity {
                kind: ActivityKind::Webinar,
                at: 11 * DAY,
                detail: "routing".into(),
            }],
            12 * DAY,
        )
        .with_config(vec![Field::number("min-budget", 20_000.0)])
    }

    /// Compiles and runs `qualify` in `text`, as `qualify.rhai`; the error as text.
    fn qualify(text: &str) -> Result<Qualification, String> {
        let host = host();
        host.compile("qualify.rhai", text)
            .and_then(|script| host.qualify(&script, &qualify_input()))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn qualify_sees_the_lead_activities_config_and_now() {
        let answer = qualify(
            r#"
            fn qualify(input) {
                let lead = input.lead;
                let now = input.now;
                let recent = input.activities.filter(|a| now - a.at < days(7));
                #{
                    stage: if lead.budget >= input.config["min-budget"] { "sales-ready" } else { "nurture" },
                    score: 50 + recent.len(),
                    segment: lead.country,
                    track: lead.title,                       // () : no track
                    reasons: [`${lead.authority} from ${email_domain(lead.email)}`,
                              `${recent[0].kind} ${recent[0].detail}`,
                              time_text(input.now)],
                }
            }"#,
        )
        .unwrap();
        assert_eq!(
            answer,
            Qualification::sales_ready(51)
                .segment("DE")
                .reason("decision-maker from northwind.example")
                .reason("webinar routing")
                .reason("1970-01-13T00:00:00Z")
        );
    }

    #[test]
    fn next_step_gets_the_state_and_returns_actions() {
        let host = host();
        let script = host
            .compile(
                "nurture.rhai",
                r#"
                fn next_step(input) {
                    let data = input.state.data;
                    data.sent = (data.get("sent") ?? 0) + 1;
                    #{
                        actions: [#{ action: "send-touch", channel: "email", content: `touch-${data.sent}` },
                                  #{ action: "create-call-task", assignee: "ana", reason: input.qualification.reasons[0] }],
                        state: #{ track: input.state.track, step: input.state.step + 1, data: data },
                        wake_at: input.now + days(7),
                    }
                }"#,
            )
            .unwrap();
        let input = NurtureInput {
            lead: lead(),
            activities: vec![],
            qualification: Qualification::nurture(40).reason("needs a decision maker"),
            state: TrackState {
                track: "education".into(),
                step: 1,
                data: r#"{"sent":1}"#.into(),
            },
            config: vec![],
            now: DAY,
        };
        let step = host.next_step(&script, &input).unwrap();
        assert_eq!(
            step,
            NurtureStep::new(TrackState {
                track: "education".into(),
                step: 2,
                data: r#"{"sent":2}"#.into(),
            })
            .action(Touch::new("email", "touch-2"))
            .action(CallTask {
                assignee: Some("ana".into()),
                reason: "needs a decision maker".into(),
            })
            .wake_at(8 * DAY)
        );
    }

    #[test]
    fn route_gets_the_candidates_and_account_owner() {
        let host = host();
        let script = host
            .compile(
                "route.rhai",
                r#"
                fn route(input) {
                    if input.account_owner != () {
                        return #{ decision: "assign", rep: input.account_owner, reasons: ["owner"] };
                    }
                    let free = input.candidates.filter(|r| r.available && r.open_leads < r.capacity);
                    if free.is_empty() {
                        #{ decision: "return-to-marketing", reason: "nobody free" }
                    } else {
                        #{ decision: "queue", queue: free[0].team, reason: `${free[0].last_assigned_at ?? "never"}` }
                    }
                }"#,
            )
            .unwrap();
        let rep = Rep {
            id: "ana".into(),
            team: Some("dach".into()),
            territories: vec!["DE".into()],
            segments: vec![],
            capacity: 2,
            open_leads: 1,
            weight: 1,
            available: true,
            last_assigned_at: None,
        };
        let mut input = RouteInput {
            lead: lead(),
            qualification: Qualification::sales_ready(80),
            candidates: vec![rep.clone()],
            account_owner: None,
            config: vec![],
            now: 0,
        };
        assert_eq!(
            host.route(&script, &input).unwrap(),
            RouteDecision::queue("dach", "never")
        );
        input.candidates[0].open_leads = 2;
        assert_eq!(
            host.route(&script, &input).unwrap(),
            RouteDecision::return_to_marketing("nobody free")
        );
        input.account_owner = Some("ben".into());
        assert_eq!(
            host.route(&script, &input).unwrap(),
            RouteDecision::from(Assignment::to("ben").reason("owner"))
        );
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let error = qualify("fn qualify(input) {\n  let x = 1 +;\n}").unwrap_err();
        assert_eq!(error, "qualify.rhai line 2: Unexpected ';'");
        let error = qualify("fn qualify(input) {\n\n  #{ stage: stag }\n}").unwrap_err();
        assert!(
            error.starts_with("qualify.rhai line 3: unknown variable `stag`"),
            "{error}"
        );
        let error = qualify("fn qualify(input) {\n  eval(\"1\")\n}").unwrap_err();
        assert!(error.starts_with("qualify.rhai line 2:"), "{error}");
        assert!(error.contains("eval"), "{error}");
    }

    #[test]
    fn a_runtime_error_names_its_line_and_helper() {
        let error = qualify("fn qualify(input) {\n  let x = 1;\n  x.stage.more\n}").unwrap_err();
        assert!(error.starts_with("qualify.rhai line 3: "), "{error}");
        let error = qualify(
            "fn check(lead) {\n  lead.budgt > 0\n}\n\nfn qualify(input) {\n  check(input.lead)\n}",
        )
        .unwrap_err();
        assert_eq!(
            error,
            "qualify.rhai line 2: no key `budgt` in the map (use `.get(\"budgt\")` for a key that may be absent) (in `check`, called at line 6)"
        );
        let error =
            qualify("fn qualify(input) {\n  input.activities.filter(|a| a.at < input.now)\n}")
                .unwrap_err();
        assert!(error.contains("let now = input.now;"), "{error}");
        let error =
            qualify("fn qualify(input) {\n\n  throw \"config `x` is missing\";\n}").unwrap_err();
        assert_eq!(error, "qualify.rhai line 3: config `x` is missing");
    }

    #[test]
    fn a_missing_slot_function_is_named() {
        assert_eq!(
            qualify("let x = 1;").unwrap_err(),
            "qualify.rhai: no function `qualify`: define `fn qualify(input) { ... }`"
        );
        assert_eq!(
            qualify("fn next_step(input) { 1 }").unwrap_err(),
            "qualify.rhai: no function `qualify`: define `fn qualify(input) { ... }` (the script defines `next_step`)"
        );
        assert_eq!(
            qualify("fn qualify(lead, now) { 1 }").unwrap_err(),
            "qualify.rhai: `qualify` takes 2 parameters; it must take one: `fn qualify(input)`"
        );
    }

    #[test]
    fn a_wrong_answer_shape_is_named() {
        assert_eq!(
            qualify("fn qualify(input) { #{ score: 10 } }").unwrap_err(),
            "qualify.rhai: `qualify` returned a map without `stage`"
        );
        assert_eq!(
            qualify(r#"fn qualify(input) { "nurture" }"#).unwrap_err(),
            "qualify.rhai: `qualify` returned \"nurture\" (text), not a map like #{ stage: \"nurture\", score: 40 }"
        );
        assert!(
            qualify(r#"fn qualify(input) { #{ stage: "nurture", score: 1, tracks: "x" } }"#)
                .unwrap_err()
                .contains("an unknown key `tracks`")
        );
    }

    #[test]
    fn an_endless_loop_stops_at_the_operations_limit_and_the_engine_goes_on() {
        let host = host();
        let endless = host
            .compile(
                "qualify.rhai",
                "fn qualify(input) {\n  let n = 0;\n  loop { n += 1; }\n}",
            )
            .unwrap();
        let started = std::time::Instant::now();
        let error = host.qualify(&endless, &qualify_input()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "qualify.rhai: the script ran too long: over 25000 operations (an endless loop?)"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let fine = host
            .compile(
                "qualify.rhai",
                r#"fn qualify(input) { #{ stage: "nurture", score: 1 } }"#,
            )
            .unwrap();
        assert!(host.qualify(&fine, &qualify_input()).is_ok());
        let error = qualify("fn f(n) { f(n + 1) }\nfn qualify(input) { f(0) }").unwrap_err();
        assert!(error.contains("more than 32 levels deep"), "{error}");
    }

    #[test]
    fn huge_data_is_refused() {
        let error =
            qualify("fn qualify(input) {\n  let s = \"x\";\n  loop { s += s; }\n}").unwrap_err();
        assert_eq!(
            error,
            "qualify.rhai: a text grew past the limit of 65536 bytes"
        );
        let error =
            qualify("fn qualify(input) {\n  let a = [];\n  loop { a.push(a); }\n}").unwrap_err();
        assert!(error.contains("grew past the limit"), "{error}");
        let long = format!(
            "fn qualify(input) {{ #{{ stage: \"nurture\", score: 1 }} }}\n// {}",
            "x".repeat(70_000)
        );
        assert_eq!(
            qualify(&long).unwrap_err(),
            "qualify.rhai: the script is 70057 bytes long; the limit is 65536"
        );
    }

    #[test]
    fn the_script_comes_from_the_config_and_is_cached() {
        let rule =
            r#"fn qualify(input) { #{ stage: "discard", score: input.config.get("s") ?? 0 } }"#;
        let input = |config: Vec<Field>| QualifyInput::new(lead(), vec![], 0).with_config(config);
        let with_script = |extra: Vec<Field>| {
            let mut config = vec![
                Field::text("script", rule),
                Field::text("script-name", "mine.rhai"),
            ];
            config.extend(extra);
            input(config)
        };
        assert_eq!(super::qualify(with_script(vec![])).unwrap().score, 0);
        assert_eq!(
            super::qualify(with_script(vec![Field::number("s", 7.0)]))
                .unwrap()
                .score,
            7
        );
        let cached = CACHE.with_borrow(|cache| cache.as_ref().unwrap().1.len());
        assert_eq!(cached, 1, "one script, compiled once");
        assert_eq!(
            super::qualify(input(vec![])).unwrap_err(),
            "the config has no `script`: the host passes the rule's text there"
        );
        assert_eq!(
            super::qualify(input(vec![Field::number("script", 1.0)])).unwrap_err(),
            "config `script` must be text"
        );
        let broken = input(vec![Field::text("script", "fn qualify(input) {")]);
        assert!(
            super::qualify(broken)
                .unwrap_err()
                .starts_with("qualify.rhai")
        );
    }

    #[test]
    fn print_and_debug_reach_the_log() {
        let lines = Rc::new(RefCell::new(Vec::new()));
        let sink = lines.clone();
        let host = ScriptHost::new(
            Limits::default(),
            Rc::new(move |level, line: &str| sink.borrow_mut().push(format!("{level:?} {line}"))),
        );
        let script = host
            .compile(
                "qualify.rhai",
                "fn qualify(input) {\n  print(`lead ${input.lead.id}`);\n  debug(input.now);\n  #{ stage: \"nurture\", score: 1 }\n}",
            )
            .unwrap();
        host.qualify(&script, &qualify_input()).unwrap();
        assert_eq!(
            *lines.borrow(),
            [
                "Info qualify.rhai: lead lead-1",
                "Debug qualify.rhai line 3: 1036800000"
            ]
        );
    }
}
