//! Sample cases: a JSON file beside a component (`<stem>.cases.json`) with
//! inputs and the answers expected for them. A component whose cases fail
//! is refused before it is activated.
//!
//! ```json
//! [
//!   {
//!     "name": "a strong lead goes to sales",
//!     "input": { "lead": { ... }, "activities": [], "now": "2026-11-24T12:00:00Z" },
//!     "expect": { "stage": "sales-ready" }
//!   }
//! ]
//! ```
//!
//! `input` is the slot's input, exactly as `leadhost eval` reads it; when it
//! has no `config`, the org's config for the slot is used. `expect` is
//! matched as a subset of the answer: every key given must be there with
//! that value (objects recursively, arrays and scalars exactly); keys left
//! out may be anything.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{Config, MatchInput, NurtureInput, QualifyInput, RouteInput};
use crate::runtime::{CallContext, Cause, Plugin, Slot, SlotInput};

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleCase {
    /// What it checks, for messages; empty when the case has no name.
    #[serde(default)]
    pub name: String,
    /// The slot's input.
    pub input: Value,
    /// A subset of the expected answer.
    pub expect: Value,
    /// Why the case itself is unusable (`expect` missing, an unknown key):
    /// such a case fails without a call.
    #[serde(skip)]
    pub malformed: Option<String>,
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case's 1-based number in its file.
    pub number: usize,
    /// The case's name; empty when it has none.
    pub name: String,
    /// The answer, or why there is none (the call's error, a bad input).
    pub answer: Result<Value, String>,
    /// `None` when it passed; else the first difference.
    pub failure: Option<String>,
    /// When the call failed: what the guest itself said before (the end of
    /// its stderr, its last `warn`/`error` log lines; see
    /// [`Cause::guest_lines`](crate::runtime::Cause::guest_lines)).
    pub guest: Vec<String>,
    /// The call failed for a cause of the moment (a wall-clock deadline
    /// under load, no instance slot free) that may pass when run again:
    /// see [`Cause::is_transient`](crate::runtime::Cause::is_transient).
    pub transient: bool,
}

impl CaseResult {
    /// `case 3 "a strong lead goes to sales"`, or `case 3` for a case
    /// without a name.
    pub fn label(&self) -> String {
        case_label(self.number, &self.name)
    }
}

/// `case N "name"` (1-based), or `case N` when `name` is empty.
pub fn case_label(number: usize, name: &str) -> String {
    if name.is_empty() {
        format!("case {number}")
    } else {
        format!("case {number} {name:?}")
    }
}

/// The cases file cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CasesError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

/// `<folder>/<stem>.cases.json` for the component `<folder>/<stem>.wasm`.
pub fn cases_path(component: &Path) -> PathBuf {
    let stem = component
        .file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    component.with_file_name(format!("{stem}.cases.json"))
}

/// Reads a cases file: a JSON array of cases. A case that is not one
/// (no `expect`, an unknown key) is kept, marked
/// [`malformed`](SampleCase::malformed), so the others still run.
pub fn read_cases(path: &Path) -> Result<Vec<SampleCase>, CasesError> {
    let text = std::fs::read(path).map_err(|error| CasesError {
        path: path.to_path_buf(),
        message: error.to_string(),
    })?;
    parse_cases(path, &text)
}

/// [`read_cases`] of a cases file's bytes already read (`path` names it in
/// errors).
pub fn parse_cases(path: &Path, text: &[u8]) -> Result<Vec<SampleCase>, CasesError> {
    let fail = |message: String| CasesError {
        path: path.to_path_buf(),
        message,
    };
    let mut json = serde_json::Deserializer::from_slice(text);
    let cases: Vec<Value> = serde_path_to_error::deserialize(&mut json)
        .map_err(|error| fail(format!("at `{}`: {}", error.path(), error.inner())))?;
    Ok(cases.into_iter().map(read_case).collect())
}

fn read_case(case: Value) -> SampleCase {
    let name = case
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    serde_path_to_error::deserialize(&case).unwrap_or_else(|error| SampleCase {
        name,
        input: Value::Null,
        expect: Value::Null,
        malformed: Some(match error.path().to_string().as_str() {
            "." => format!("the case is malformed: {}", error.inner()),
            at => format!("the case is malformed at `{at}`: {}", error.inner()),
        }),
    })
}

/// How long the sample cases of one check on the server may run in all,
/// wall-clock: a rule's cases take milliseconds, and the reload workers
/// every org shares must not be held by one org's thousand slow cases.
pub const CASES_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs every case on `plugin`, with `config` for inputs that carry none.
/// A malformed case, a bad input or a failed call fails its own case; the
/// others run all the same.
pub fn run_cases(plugin: &Plugin, cases: &[SampleCase], config: &Config) -> Vec<CaseResult> {
    run(plugin, cases, config, None)
}

/// [`run_cases`] within `budget` in all: the cases left when it is spent
/// are not run, and fail saying so.
pub fn run_cases_within(
    plugin: &Plugin,
    cases: &[SampleCase],
    config: &Config,
    budget: std::time::Duration,
) -> Vec<CaseResult> {
    run(
        plugin,
        cases,
        config,
        Some(std::time::Instant::now() + budget),
    )
}

fn run(
    plugin: &Plugin,
    cases: &[SampleCase],
    config: &Config,
    until: Option<std::time::Instant>,
) -> Vec<CaseResult> {
    let context = CallContext::for_org("sample-cases");
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let spent = until.is_some_and(|until| std::time::Instant::now() >= until);
            let called = match &case.malformed {
                _ if spent => Err(Failed::Input(format!(
                    "not run: the cases took more than their {} s on the host; keep them few and quick",
                    CASES_BUDGET.as_secs()
                ))),
                Some(problem) => Err(Failed::Input(problem.clone())),
                None => match plugin.slot() {
                    Slot::LeadDefinition => call::<QualifyInput>(plugin, &context, case, config),
                    Slot::NurtureTrack => call::<NurtureInput>(plugin, &context, case, config),
                    Slot::RoutingPolicy => call::<RouteInput>(plugin, &context, case, config),
                    Slot::DuplicateRule => call::<MatchInput>(plugin, &context, case, config),
                },
            };
            let transient = matches!(&called, Err(Failed::Call(cause)) if cause.is_transient());
            let (answer, failure, guest) = match called {
                Ok(value) => {
                    let failure = difference(&case.expect, &value, "");
                    (Ok(value), failure, Vec::new())
                }
                Err(Failed::Input(problem)) => (Err(problem.clone()), Some(problem), Vec::new()),
                Err(Failed::Call(cause)) => {
                    let failure = format!("the call failed: {}", cause.headline());
                    (Err(cause.to_string()), Some(failure), cause.guest_lines())
                }
            };
            CaseResult {
                number: index + 1,
                name: case.name.clone(),
                answer,
                failure,
                guest,
                transient,
            }
        })
        .collect()
}

/// Why a case has no answer.
enum Failed {
    /// The case or its input is malformed.
    Input(String),
    /// The call failed.
    Call(Cause),
}

/// Calls `plugin` on the case's input.
fn call<I>(
    plugin: &Plugin,
    context: &CallContext,
    case: &SampleCase,
    config: &Config,
) -> Result<Value, Failed>
where
    I: SlotInput + DeserializeOwned + WithConfig,
    I::Output: serde::Serialize,
{
    let mut input: I = serde_path_to_error::deserialize(&case.input).map_err(|error| {
        Failed::Input(format!(
            "the input is invalid at `{}`: {}",
            error.path(),
            error.inner()
        ))
    })?;
    input.default_config(config);
    plugin
        .call(context, &input)
        .map(|called| serde_json::to_value(called.value).expect("answers serialize"))
        .map_err(|error| Failed::Call(error.cause))
}

/// Inputs whose config can be filled in.
trait WithConfig {
    /// Uses `config` when the input has none.
    fn default_config(&mut self, config: &Config);
}

macro_rules! with_config {
    ($($input:ty),*) => {$(
        impl WithConfig for $input {
            fn default_config(&mut self, config: &Config) {
                if self.config.is_empty() {
                    self.config = config.clone();
                }
            }
        }
    )*};
}
with_config!(QualifyInput, NurtureInput, RouteInput, MatchInput);

/// The first place where `actual` does not match the subset `expected`.
pub fn difference(expected: &Value, actual: &Value, at: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            expected.iter().find_map(|(key, value)| {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match actual.get(key) {
                    Some(found) => difference(value, found, &path),
                    None => Some(format!("`{path}`: expected {value}, the answer has none")),
                }
            })
        }
        (Value::Array(expected), Value::Array(actual)) => list_difference(expected, actual, at),
        _ if same(expected, actual) => None,
        _ => Some(format!(
            "`{}`: expected {expected}, got {actual}",
            if at.is_empty() { "(answer)" } else { at }
        )),
    }
}

/// Where two lists first differ: the index and the two elements, with
/// both lengths when they differ — not both lists whole.
fn list_difference(expected: &[Value], actual: &[Value], at: &str) -> Option<String> {
    let index = (0..expected.len().max(actual.len())).find(|&index| {
        match (expected.get(index), actual.get(index)) {
            (Some(expected), Some(actual)) => !same(expected, actual),
            _ => true,
        }
    })?;
    let at = format!("{at}[{index}]");
    let lengths = if expected.len() == actual.len() {
        String::new()
    } else {
        format!(
            " (expected {} elements, got {})",
            expected.len(),
            actual.len()
        )
    };
    Some(match (expected.get(index), actual.get(index)) {
        (Some(expected), Some(actual)) => {
            format!("`{at}`: expected {expected}, got {actual}{lengths}")
        }
        (Some(expected), None) => {
            format!("`{at}`: expected {expected}, the answer ends before it{lengths}")
        }
        (None, Some(actual)) => format!("`{at}`: expected no more elements, got {actual}{lengths}"),
        (None, None) => unreachable!("the index is below one of the lengths"),
    })
}

/// Equal, with numbers compared by value (`40` is `40.0`).
fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(expected), Value::Number(actual)) => expected.as_f64() == actual.as_f64(),
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len() && expected.iter().zip(actual).all(|(e, a)| same(e, a))
        }
        (Value::Object(expected), Value::Object(actual)) => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .all(|(key, e)| actual.get(key).is_some_and(|a| same(e, a)))
        }
        _ => expected == actual,
    }
}

#[cfg(test)]
mod tests;
