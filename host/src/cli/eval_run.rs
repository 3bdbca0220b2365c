//! The run of `leadhost eval` (see `eval.rs`): reads the inputs, loads
//! each plug-in once, calls it on every input, and writes one line per
//! input — or, with `--compare`, one per input whose answers differ.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::eval::{EvalError, EvalOutput, EvalSummary, parse, parse_overrides};
use super::eval_compare::{Difference, decision_only, differences};
use super::eval_inputs::{Input, read_inputs};
use super::{EvalArgs, EvalSlot};
use crate::engine::{Refusal, check_assignment};
use crate::model::{Config, MatchInput, NurtureInput, QualifyInput, RouteDecision, RouteInput};
use crate::runtime::{CallContext, Called, Plugin, Runtime, RuntimeConfig, Slot, SlotInput};

/// One plug-in of the run: loaded once, on the first input that parses.
struct Side<'a> {
    /// The runtime both plug-ins share.
    runtime: &'a Runtime,
    /// The file.
    path: &'a Path,
    /// The plug-in, once loaded.
    plugin: Option<Plugin>,
}

impl Side<'_> {
    fn plugin(&mut self, slot: Slot, config: &Config) -> Result<&Plugin, EvalError> {
        if self.plugin.is_none() {
            let plugin =
                crate::plugins::load_plugin_file(self.runtime, self.path, Some(slot), config)?;
            self.plugin = Some(plugin);
        }
        Ok(self.plugin.as_ref().expect("loaded above"))
    }
}

/// Runs `eval`, writing the answer lines to `out` and the errors and the
/// summary to `err`. `Err` when the run could not go on (bad `--config`,
/// an unusable `--input`, a plug-in that does not load).
pub fn eval(
    args: &EvalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<EvalSummary, EvalError> {
    let overrides = parse_overrides(&args.config)?;
    let inputs = read_inputs(&args.input)?;
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: args.cache_dir.clone(),
        ..RuntimeConfig::default()
    })?;
    let mut first = Side {
        runtime: &runtime,
        path: &args.plugin,
        plugin: None,
    };
    let mut second = args.compare.as_deref().map(|path| Side {
        runtime: &runtime,
        path,
        plugin: None,
    });
    let mut summary = EvalSummary {
        differ: second.as_ref().map(|_| 0),
        ..EvalSummary::default()
    };
    for input in &inputs {
        summary.inputs += 1;
        let mut sides: Vec<&mut Side> =
            std::iter::once(&mut first).chain(second.as_mut()).collect();
        let answers = match args.slot {
            EvalSlot::Qualify => answer::<QualifyInput>(input, &overrides, &mut sides),
            EvalSlot::Nurture => answer::<NurtureInput>(input, &overrides, &mut sides),
            EvalSlot::Route => answer::<RouteInput>(input, &overrides, &mut sides),
            EvalSlot::Match => answer::<MatchInput>(input, &overrides, &mut sides),
        };
        let answers = match answers {
            Ok(answers) => answers,
            Err(error @ (EvalError::Input { .. } | EvalError::Unreadable(_))) => {
                summary.malformed += 1;
                writeln!(err, "error: {error}")?;
                if summary.differ.is_none() {
                    write_line(out, &error_line(&input.name, &error))?;
                }
                continue;
            }
            Err(fatal) => return Err(fatal),
        };
        for answer in &answers {
            if let Err(error) = answer {
                summary.failed += 1;
                writeln!(err, "error: {}: {error}", input.name)?;
            }
        }
        match answers.as_slice() {
            [answer] => write_line(out, &plain_line(&input.name, answer))?,
            [a, b] => {
                let found = differences(&comparable(a), &comparable(b));
                if !found.is_empty() {
                    *summary.differ.get_or_insert(0) += 1;
                    write_line(out, &compare_line(&input.name, a, b, &found))?;
                }
            }
            _ => unreachable!("one or two plug-ins"),
        }
    }
    if summary.differ.is_some() || summary.inputs != 1 {
        writeln!(err, "{summary}")?;
    }
    Ok(summary)
}

/// Inputs the host checks answers of the way the server would.
trait HostCheck: SlotInput + serde::de::DeserializeOwned {
    /// `Err` when the server would refuse `answer` (a routing choice).
    fn check(&self, _answer: &Self::Output) -> Result<(), Refusal> {
        Ok(())
    }
}

impl HostCheck for QualifyInput {}
impl HostCheck for NurtureInput {}
impl HostCheck for MatchInput {}

impl HostCheck for RouteInput {
    fn check(&self, answer: &RouteDecision) -> Result<(), Refusal> {
        // The engine's own check, on the candidates the policy was shown.
        match answer {
            RouteDecision::Assign { rep, .. } => {
                check_assignment(&self.candidates, &[], rep, self.now).map(drop)
            }
            _ => Ok(()),
        }
    }
}

/// Parses one input and calls each plug-in on it: `Err` for a malformed
/// input or a plug-in that does not load, else each plug-in's answer.
fn answer<I>(
    input: &Input,
    overrides: &Config,
    sides: &mut [&mut Side],
) -> Result<Vec<Result<EvalOutput, EvalError>>, EvalError>
where
    I: HostCheck,
    I::Output: Serialize,
{
    let text = input
        .text
        .as_ref()
        .map_err(|error| EvalError::Unreadable(error.clone()))?;
    let mut parsed: I = parse(&input.name, text)?;
    parsed.config_mut().extend(overrides.clone());
    let config = parsed.config_mut().clone();
    let context = CallContext::for_org("eval");
    let mut answers = Vec::with_capacity(sides.len());
    for side in sides.iter_mut() {
        let plugin = side.plugin(I::SLOT, &config)?;
        let answer = plugin
            .call(&context, &parsed)
            .map_err(EvalError::from)
            .and_then(|called| {
                parsed
                    .check(&called.value)
                    .map_err(|refusal| EvalError::Refused {
                        plugin: plugin.id().to_string(),
                        refusal,
                    })?;
                Ok(output(&input.name, plugin, called))
            });
        answers.push(answer);
    }
    Ok(answers)
}

fn output<T: Serialize>(input: &str, plugin: &Plugin, called: Called<T>) -> EvalOutput {
    EvalOutput {
        input: input.to_string(),
        decision: serde_json::to_value(&called.value).expect("decisions serialize"),
        plugin: plugin.id().to_string(),
        hash: plugin.id().hash.to_string(),
        wit_version: plugin.wit_version(),
        duration_us: called.duration.as_micros(),
        fuel_used: called.fuel_used,
    }
}

/// `{"input", "error", "code"}`.
fn error_line(input: &str, error: &EvalError) -> Value {
    json!({"input": input, "error": error.to_string(), "code": error.code()})
}

/// The line for one plug-in's answer to an input.
fn plain_line(input: &str, answer: &Result<EvalOutput, EvalError>) -> Value {
    match answer {
        Ok(output) => serde_json::to_value(output).expect("answers serialize"),
        Err(error) => error_line(input, error),
    }
}

/// An answer as compared: the decision alone, or the error without the
/// plug-in's name.
fn comparable(answer: &Result<EvalOutput, EvalError>) -> Value {
    match answer {
        Ok(output) => match serde_json::to_value(output).expect("answers serialize") {
            Value::Object(fields) => decision_only(fields),
            other => other,
        },
        Err(error) => json!({"error": error.without_plugin(), "code": error.code()}),
    }
}

/// A difference: both answers (each with its plug-in) and the fields
/// that differ.
fn compare_line(
    input: &str,
    a: &Result<EvalOutput, EvalError>,
    b: &Result<EvalOutput, EvalError>,
    found: &[Difference],
) -> Value {
    let side = |answer: &Result<EvalOutput, EvalError>| {
        let mut fields = match plain_line(input, answer) {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        fields.remove("input");
        Value::Object(fields)
    };
    json!({"input": input, "a": side(a), "b": side(b), "differences": found})
}

fn write_line(out: &mut dyn Write, line: &Value) -> Result<(), EvalError> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
