//! `leadhost eval`: calls a plug-in on every input `--input` holds (a JSON
//! file, an NDJSON file or a folder; see `eval_inputs.rs`) and prints one
//! JSON line per input, named by `input`: the decision with its provenance,
//! or `{"input", "error", "code"}` when the input is malformed or the call
//! failed (each error is also written to stderr). With `--compare OTHER`
//! it calls a second plug-in on the same inputs and prints only the inputs
//! whose answers differ (see `eval_compare.rs`), then a summary line on
//! stderr. Each plug-in is loaded (compiled) once, on the first input that
//! parses, and called on every input.
//!
//! Exit codes: 0 when every input was answered (with `--compare`: when no
//! answer differs); 1 when a call failed (with `--compare`: when any
//! answer differs; a failed call is then an answer like another); 2 for
//! bad usage or input — a malformed or unreadable input, a plug-in that
//! does not load — which wins over 1. A malformed input never stops the
//! others.

use std::path::PathBuf;

use clap::ValueEnum;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::engine::Refusal;
use crate::model::{Config, Scalar};
use crate::runtime::{LoadFileError, PluginError, RuntimeError, SlotInput};

pub use super::eval_run::eval;

/// Which slot's function `eval` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalSlot {
    /// `qualify` of a lead definition.
    Qualify,
    /// `next-step` of a nurture track.
    Nurture,
    /// `route` of a routing policy.
    Route,
    /// `match-lead` of a duplicate rule (WIT 0.2.0).
    Match,
}

/// Arguments of `leadhost eval`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Output: one JSON line per input on stdout, named by `input` (`FILE`, or
`FILE:LINE` for NDJSON, 1-based): the decision with `plugin`, `hash`,
`wit_version`, `duration_us` and `fuel_used`; or `{\"input\", \"error\",
\"code\"}` for a malformed input or a failed call (also on stderr). A
malformed input does not stop the others. Each plug-in is loaded once.

With --compare: only the inputs whose answers differ, each as
`{\"input\", \"a\": answer of --plugin, \"b\": answer of --compare,
\"differences\": [{\"at\": \"reasons[1]\", \"a\": ..., \"b\": ...}]}` (provenance
is not compared; a failed call is an answer `{\"error\", \"code\"}`), then
`N inputs, M differ, ...` on stderr.

Exit codes:
  0  every input answered; with --compare: no answer differs
  1  a call failed; with --compare: some answer differs
  2  bad usage or input: a malformed or unreadable input, a bad --config,
     a plug-in that does not load (wins over 1)")]
pub struct EvalArgs {
    /// The function to call.
    #[arg(value_enum)]
    pub slot: EvalSlot,
    /// The plug-in: a component (`.wasm`) or an admin script (`.rhai`).
    #[arg(long, value_name = "FILE.wasm")]
    pub plugin: PathBuf,
    /// The inputs: a JSON file (`{"lead": ..., "activities": [...],
    /// "config": {...}, "now": "..."}`), an NDJSON file (`.ndjson`, one
    /// input a line) or a folder (its `*.json` and `*.ndjson` files, in
    /// file-name order).
    #[arg(long, value_name = "FILE|DIR|FILE.ndjson")]
    pub input: PathBuf,
    /// A second plug-in to call on the same inputs: prints only the inputs
    /// whose answers differ; exit 1 when any does, 0 when none.
    #[arg(long, value_name = "OTHER.wasm")]
    pub compare: Option<PathBuf>,
    /// Overrides one config value (`true`/`false` and numbers are typed); repeatable.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Where to keep precompiled code between runs.
    #[arg(long, value_name = "DIR", env = "LEADHOST_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `eval` failed, as a whole or on one input.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// `--input` cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadInput {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--input` is a folder without `*.json` or `*.ndjson` files.
    #[error("{0}: no *.json or *.ndjson files in this folder")]
    NoInputs(PathBuf),
    /// A file inside the `--input` folder cannot be read.
    #[error("{0}")]
    Unreadable(String),
    /// The input is not valid JSON of the slot's input shape.
    #[error("{input}: invalid input at `{field}`: {message}")]
    Input {
        /// The input: `file` or `file:line` (NDJSON).
        input: String,
        /// Where in the JSON (`lead.budget`, `activities[2].kind`, ...).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A `--config` argument is not `KEY=VALUE`.
    #[error("--config `{0}`: expected KEY=VALUE")]
    ConfigArg(String),
    /// A `--config` value is a number that is not finite (`nan`, `inf`).
    #[error("--config `{0}`: must be a finite number")]
    ConfigNotFinite(String),
    /// The runtime could not start.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The plug-in could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadFileError),
    /// The call failed.
    #[error(transparent)]
    Call(#[from] PluginError),
    /// The call answered, but the host would refuse the answer (a routing
    /// policy's rep who is not a candidate, switched off, away or full):
    /// the server would put the lead in needs-review.
    #[error("{plugin}: {}: {refusal}", crate::engine::REFUSED_CHOICE)]
    Refused {
        /// `name@hash` of the plug-in.
        plugin: String,
        /// What the host's check found.
        refusal: Refusal,
    },
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Write(#[from] std::io::Error),
}

impl EvalError {
    /// 2 for bad input or a refused file, 1 for a failed call.
    pub fn exit_code(&self) -> u8 {
        match self {
            EvalError::Call(_)
            | EvalError::Runtime(_)
            | EvalError::Refused { .. }
            | EvalError::Write(_) => 1,
            _ => 2,
        }
    }

    /// A short, stable code for an error line: the runtime's cause code
    /// for a failed call, else what is wrong with the input.
    pub(super) fn code(&self) -> &'static str {
        match self {
            EvalError::Call(error) => error.cause.code(),
            EvalError::Refused { .. } => "refused-choice",
            EvalError::Input { .. } => "invalid-input",
            EvalError::Unreadable(_) | EvalError::ReadInput { .. } => "unreadable",
            _ => "error",
        }
    }

    /// The error without the plug-in's name, for comparing two plug-ins.
    pub(super) fn without_plugin(&self) -> String {
        match self {
            EvalError::Call(error) => error.cause.to_string(),
            EvalError::Refused { refusal, .. } => {
                format!("{}: {refusal}", crate::engine::REFUSED_CHOICE)
            }
            other => other.to_string(),
        }
    }
}

/// Fields of an answer line that are provenance, not the decision.
pub(super) const PROVENANCE: &[&str] = &[
    "input",
    "plugin",
    "hash",
    "wit_version",
    "duration_us",
    "fuel_used",
];

/// A decision with its provenance, as `eval` prints it.
#[derive(Debug, Serialize)]
pub struct EvalOutput {
    /// The input: `file` or `file:line` (NDJSON).
    pub input: String,
    /// The decision's own fields (`stage`, `score`, `reasons`, ...).
    #[serde(flatten)]
    pub decision: Value,
    /// `name@hash` of the plug-in.
    pub plugin: String,
    /// The component's full sha256.
    pub hash: String,
    /// The WIT version the component was built against.
    pub wit_version: &'static str,
    /// Wall-clock time of the call in microseconds.
    pub duration_us: u128,
    /// Fuel the call used.
    pub fuel_used: u64,
}

/// What an `eval` run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalSummary {
    /// Inputs read (NDJSON lines and files).
    pub inputs: usize,
    /// Inputs that were malformed or unreadable.
    pub malformed: usize,
    /// Calls that failed (or whose answer the host would refuse).
    pub failed: usize,
    /// With `--compare`: inputs whose answers differ.
    pub differ: Option<usize>,
}

impl EvalSummary {
    /// 2 when an input was malformed; else 1 when answers differ (with
    /// `--compare`) or a call failed (without); else 0.
    pub fn exit_code(&self) -> u8 {
        match self.differ {
            _ if self.malformed > 0 => 2,
            Some(differ) => u8::from(differ > 0),
            None => u8::from(self.failed > 0),
        }
    }
}

impl std::fmt::Display for EvalSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} inputs", self.inputs)?;
        if let Some(differ) = self.differ {
            write!(f, ", {differ} differ")?;
        }
        write!(
            f,
            ", {} malformed, {} failed calls",
            self.malformed, self.failed
        )
    }
}

/// Parses `text` as `I`, naming the input and the JSON path of the first
/// problem.
pub fn parse<I: SlotInput + DeserializeOwned>(input: &str, text: &str) -> Result<I, EvalError> {
    let mut json = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let field = error.path().to_string();
        EvalError::Input {
            input: input.to_string(),
            field,
            message: error.into_inner().to_string(),
        }
    })
}

/// Parses `--config KEY=VALUE` arguments; `true`/`false` and numbers are typed.
pub(super) fn parse_overrides(arguments: &[String]) -> Result<Config, EvalError> {
    arguments
        .iter()
        .map(|argument| {
            let (key, value) = argument
                .split_once('=')
                .ok_or_else(|| EvalError::ConfigArg(argument.clone()))?;
            if key.trim().is_empty() {
                return Err(EvalError::ConfigArg(argument.clone()));
            }
            let value = match value {
                "true" => Scalar::Boolean(true),
                "false" => Scalar::Boolean(false),
                _ => value
                    .parse()
                    .map(Scalar::Number)
                    .unwrap_or_else(|_| Scalar::Text(value.to_string())),
            };
            if value.is_non_finite() {
                return Err(EvalError::ConfigNotFinite(argument.clone()));
            }
            Ok((key.trim().to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualifyInput;

    #[test]
    fn config_overrides_are_typed() {
        let config = parse_overrides(&[
            "min-budget=5000".into(),
            "strict=true".into(),
            "queue=emea".into(),
        ])
        .unwrap();
        assert_eq!(config["min-budget"], Scalar::Number(5000.0));
        assert_eq!(config["strict"], Scalar::Boolean(true));
        assert_eq!(config["queue"], Scalar::Text("emea".into()));
        assert!(matches!(
            parse_overrides(&["novalue".into()]),
            Err(EvalError::ConfigArg(_))
        ));
        for value in ["nan", "NaN", "inf", "-inf", "infinity", "+Infinity"] {
            let argument = format!("min-budget={value}");
            let error = parse_overrides(std::slice::from_ref(&argument)).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("--config `{argument}`: must be a finite number")
            );
        }
    }

    #[test]
    fn input_errors_name_the_field() {
        let text = r#"{"lead": {"email": "a@b.co", "budgett": 5, "created_at": "2026-01-01T00:00:00Z"}, "now": "2026-01-02T00:00:00Z"}"#;
        let error = parse::<QualifyInput>("in.json", text).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("lead.budgett") && message.contains("unknown field"),
            "{message}"
        );

        let text = r#"{"lead": {"email": "a@b.co", "authority": "boss", "created_at": "2026-01-01T00:00:00Z"}, "now": "2026-01-02T00:00:00Z"}"#;
        let message = parse::<QualifyInput>("in.json", text)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("lead.authority") && message.contains("boss"),
            "{message}"
        );

        let text = r#"{"lead": {"email": "a@b.co", "created_at": "yesterday"}, "now": "2026-01-02T00:00:00Z"}"#;
        let message = parse::<QualifyInput>("in.json", text)
            .unwrap_err()
            .to_string();
        assert!(message.contains("lead.created_at"), "{message}");
    }
}
