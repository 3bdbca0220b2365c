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

use crate::model::{Config, NurtureInput, QualifyInput, RouteInput};
use crate::runtime::{CallContext, Plugin, Slot, SlotInput};

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleCase {
    /// What it checks, for messages.
    pub name: String,
    /// The slot's input.
    pub input: Value,
    /// A subset of the expected answer.
    pub expect: Value,
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// The answer, or the call's error.
    pub answer: Result<Value, String>,
    /// `None` when it passed; else the first difference.
    pub failure: Option<String>,
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

/// Reads a cases file.
pub fn read_cases(path: &Path) -> Result<Vec<SampleCase>, CasesError> {
    let fail = |message: String| CasesError {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|error| fail(error.to_string()))?;
    let mut json = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut json)
        .map_err(|error| fail(format!("at `{}`: {}", error.path(), error.inner())))
}

/// Runs every case on `plugin`, with `config` for inputs that carry none.
pub fn run_cases(
    plugin: &Plugin,
    cases: &[SampleCase],
    config: &Config,
) -> Result<Vec<CaseResult>, CasesError> {
    let context = CallContext::for_org("sample-cases");
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let answer = match plugin.slot() {
                Slot::LeadDefinition => call::<QualifyInput>(plugin, &context, case, config),
                Slot::NurtureTrack => call::<NurtureInput>(plugin, &context, case, config),
                Slot::RoutingPolicy => call::<RouteInput>(plugin, &context, case, config),
            }
            .map_err(|message| CasesError {
                path: PathBuf::from(format!("case {index} ({})", case.name)),
                message,
            })?;
            let failure = match &answer {
                Ok(value) => difference(&case.expect, value, ""),
                Err(error) => Some(format!("the call failed: {error}")),
            };
            Ok(CaseResult {
                name: case.name.clone(),
                answer,
                failure,
            })
        })
        .collect()
}

/// Calls `plugin` on the case's input: `Err` when the input does not
/// parse, `Ok(Err)` when the call fails.
fn call<I>(
    plugin: &Plugin,
    context: &CallContext,
    case: &SampleCase,
    config: &Config,
) -> Result<Result<Value, String>, String>
where
    I: SlotInput + DeserializeOwned + WithConfig,
    I::Output: serde::Serialize,
{
    let mut input: I = serde_path_to_error::deserialize(&case.input)
        .map_err(|error| format!("input at `{}`: {}", error.path(), error.inner()))?;
    input.default_config(config);
    Ok(plugin
        .call(context, &input)
        .map(|called| serde_json::to_value(called.value).expect("answers serialize"))
        .map_err(|error| error.cause.to_string()))
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
with_config!(QualifyInput, NurtureInput, RouteInput);

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
        (Value::Number(expected), Value::Number(actual))
            if expected.as_f64() == actual.as_f64() =>
        {
            None
        }
        _ if expected == actual => None,
        _ => Some(format!(
            "`{}`: expected {expected}, got {actual}",
            if at.is_empty() { "(answer)" } else { at }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expectations_are_subsets_and_name_the_first_difference() {
        let answer = json!({"stage": "nurture", "score": 40, "reasons": ["weak"]});
        assert_eq!(difference(&json!({"stage": "nurture"}), &answer, ""), None);
        assert_eq!(difference(&json!({"score": 40.0}), &answer, ""), None);
        assert_eq!(
            difference(&json!({"stage": "sales-ready"}), &answer, "").unwrap(),
            "`stage`: expected \"sales-ready\", got \"nurture\""
        );
        assert!(
            difference(&json!({"track": "x"}), &answer, "")
                .unwrap()
                .contains("the answer has none")
        );
    }

    #[test]
    fn the_cases_file_sits_beside_the_component() {
        assert_eq!(
            cases_path(Path::new("/d/orgs/acme/bant-qualifier.wasm")),
            Path::new("/d/orgs/acme/bant-qualifier.cases.json")
        );
    }
}
