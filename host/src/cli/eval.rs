//! `leadhost eval`: one call of a plug-in on an input file.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{EvalArgs, EvalSlot};
use crate::engine::{Refusal, check_assignment};
use crate::model::{Config, NurtureInput, QualifyInput, RouteDecision, RouteInput, Scalar};
use crate::runtime::{
    CallContext, Called, LoadFileError, Plugin, PluginError, Runtime, RuntimeConfig, RuntimeError,
    Slot, SlotInput,
};

/// `eval` failed.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The input file cannot be read.
    #[error("cannot read {path}: {source}")]
    ReadInput {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The input is not valid JSON of the slot's input shape.
    #[error("{path}: invalid input at `{field}`: {message}")]
    Input {
        /// The file.
        path: PathBuf,
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
}

impl EvalError {
    /// 2 for bad input or a refused file, 1 for a failed call.
    pub fn exit_code(&self) -> u8 {
        match self {
            EvalError::Call(_) | EvalError::Runtime(_) | EvalError::Refused { .. } => 1,
            _ => 2,
        }
    }
}

/// A decision with its provenance, as `eval` prints it.
#[derive(Debug, Serialize)]
pub struct EvalOutput {
    /// The decision's own fields (`stage`, `score`, `reasons`, ...).
    #[serde(flatten)]
    pub decision: serde_json::Value,
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

/// Runs `eval`.
pub fn eval(args: &EvalArgs) -> Result<EvalOutput, EvalError> {
    let overrides = parse_overrides(&args.config)?;
    let text = std::fs::read_to_string(&args.input).map_err(|source| EvalError::ReadInput {
        path: args.input.clone(),
        source,
    })?;
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: args.cache_dir.clone(),
        ..RuntimeConfig::default()
    })?;
    let context = CallContext::for_org("eval");
    match args.slot {
        EvalSlot::Qualify => {
            let mut input: QualifyInput = parse(&args.input, &text)?;
            input.config.extend(overrides);
            let plugin = crate::plugins::load_plugin_file(
                &runtime,
                &args.plugin,
                Some(Slot::LeadDefinition),
                &input.config,
            )?;
            output(&plugin, plugin.call(&context, &input)?)
        }
        EvalSlot::Nurture => {
            let mut input: NurtureInput = parse(&args.input, &text)?;
            input.config.extend(overrides);
            let plugin = crate::plugins::load_plugin_file(
                &runtime,
                &args.plugin,
                Some(Slot::NurtureTrack),
                &input.config,
            )?;
            output(&plugin, plugin.call(&context, &input)?)
        }
        EvalSlot::Route => {
            let mut input: RouteInput = parse(&args.input, &text)?;
            input.config.extend(overrides);
            let plugin = crate::plugins::load_plugin_file(
                &runtime,
                &args.plugin,
                Some(Slot::RoutingPolicy),
                &input.config,
            )?;
            let called = plugin.call(&context, &input)?;
            // The engine's own check, on the candidates the policy was shown.
            if let RouteDecision::Assign { rep, .. } = &called.value {
                check_assignment(&input.candidates, &[], rep, input.now).map_err(|refusal| {
                    EvalError::Refused {
                        plugin: plugin.id().to_string(),
                        refusal,
                    }
                })?;
            }
            output(&plugin, called)
        }
    }
}

fn output<T: Serialize>(plugin: &Plugin, called: Called<T>) -> Result<EvalOutput, EvalError> {
    Ok(EvalOutput {
        decision: serde_json::to_value(&called.value).expect("decisions serialize"),
        plugin: plugin.id().to_string(),
        hash: plugin.id().hash.to_string(),
        wit_version: plugin.wit_version(),
        duration_us: called.duration.as_micros(),
        fuel_used: called.fuel_used,
    })
}

/// Parses `text` as `I`, naming the JSON path of the first problem.
pub fn parse<I: SlotInput + DeserializeOwned>(
    path: &std::path::Path,
    text: &str,
) -> Result<I, EvalError> {
    let mut json = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let field = error.path().to_string();
        EvalError::Input {
            path: path.to_path_buf(),
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
        let error = parse::<QualifyInput>(std::path::Path::new("in.json"), text).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("lead.budgett") && message.contains("unknown field"),
            "{message}"
        );

        let text = r#"{"lead": {"email": "a@b.co", "authority": "boss", "created_at": "2026-01-01T00:00:00Z"}, "now": "2026-01-02T00:00:00Z"}"#;
        let message = parse::<QualifyInput>(std::path::Path::new("in.json"), text)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("lead.authority") && message.contains("boss"),
            "{message}"
        );

        let text = r#"{"lead": {"email": "a@b.co", "created_at": "yesterday"}, "now": "2026-01-02T00:00:00Z"}"#;
        let message = parse::<QualifyInput>(std::path::Path::new("in.json"), text)
            .unwrap_err()
            .to_string();
        assert!(message.contains("lead.created_at"), "{message}");
    }
}
