//! Why a script did not give an answer, in words an admin can act on.
//!
//! Every message starts with the script's name, and with the line when one
//! is known: `qualify.rhai line 7: ...`. The host records the message as the
//! plug-in's refusal to decide.

use rhai::{EvalAltResult, ParseError, ParseErrorType, Position};

use crate::sandbox::Limits;

/// A script could not be run, or its answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// The config carries no script text.
    #[error("the config has no `script`: the host passes the rule's text there")]
    NoScript,
    /// A config field the script host reads has the wrong type.
    #[error("config `{0}` must be text")]
    ConfigNotText(&'static str),
    /// The script text is longer than the limit.
    #[error("{script}: the script is {bytes} bytes long; the limit is {limit}")]
    TooLong {
        /// The script's name.
        script: String,
        /// Its length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The script does not parse.
    #[error("{}: {message}", located(script, *line))]
    Syntax {
        /// The script's name.
        script: String,
        /// The line of the error, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The script failed while running (including a limit it went over, or a `throw`).
    #[error("{}: {message}", located(script, *line))]
    Runtime {
        /// The script's name.
        script: String,
        /// The line of the error, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// The script does not define the slot's function.
    #[error("{script}: {message}")]
    MissingFunction {
        /// The script's name.
        script: String,
        /// What is missing, and what the script defines instead.
        message: String,
    },
    /// The slot's function returned something that is not a valid answer.
    #[error("{script}: `{function}` returned {problem}")]
    Shape {
        /// The script's name.
        script: String,
        /// The slot's function.
        function: &'static str,
        /// What is wrong with the answer.
        problem: String,
    },
}

fn located(script: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{script} line {line}"),
        None => script.to_string(),
    }
}

/// A parse error of `script`.
pub(crate) fn syntax(script: &str, error: &ParseError) -> ScriptError {
    let message = match error.err_type() {
        ParseErrorType::Reserved(symbol) if is_disabled(symbol) => {
            format!("`{symbol}` is not allowed in a rule")
        }
        ParseErrorType::VariableUndefined(name) => {
            format!(
                "unknown variable `{name}` (a misspelling, or a variable from outside the function?)"
            )
        }
        other => other.to_string(),
    };
    ScriptError::Syntax {
        script: script.to_string(),
        line: error.position().line(),
        message,
    }
}

fn is_disabled(symbol: &str) -> bool {
    matches!(symbol, "eval" | "import" | "export")
}

/// A runtime error of `script`: the innermost error's line and message,
/// with the helper function it happened in when that is not the slot's own.
pub(crate) fn runtime(script: &str, error: EvalAltResult, limits: &Limits) -> ScriptError {
    let mut calls = Vec::new();
    let mut inner = error;
    while let EvalAltResult::ErrorInFunctionCall(function, _, next, position) = inner {
        calls.push((function, position));
        inner = *next;
    }
    let line = inner.position().line();
    let mut message = describe(inner, limits);
    // Rhai strips the host's call of the slot function; these are the script's own calls.
    if let Some((function, called_at)) = calls.last() {
        let function = if function.starts_with("anon$") {
            "a closure".to_string()
        } else {
            format!("`{function}`")
        };
        match called_at.line() {
            Some(line) => message.push_str(&format!(" (in {function}, called at line {line})")),
            None => message.push_str(&format!(" (in {function})")),
        }
    }
    ScriptError::Runtime {
        script: script.to_string(),
        line,
        message,
    }
}

/// The message of one error, without its position; limits in plain words.
fn describe(mut error: EvalAltResult, limits: &Limits) -> String {
    match &error {
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "the script ran too long: over {} operations (an endless loop?)",
            limits.max_operations
        ),
        EvalAltResult::ErrorStackOverflow(_) => format!(
            "functions called each other more than {} levels deep (endless recursion?)",
            limits.max_call_levels
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            let what = what.to_lowercase();
            if what.contains("string") {
                format!(
                    "a text grew past the limit of {} bytes",
                    limits.max_string_bytes
                )
            } else if what.contains("array") {
                format!(
                    "a list grew past the limit of {} items",
                    limits.max_array_items
                )
            } else if what.contains("map") {
                format!(
                    "a map grew past the limit of {} keys",
                    limits.max_map_entries
                )
            } else {
                format!("{what} is over its limit")
            }
        }
        EvalAltResult::ErrorTooManyVariables(_) => {
            format!("more than {} variables at once", limits.max_variables)
        }
        EvalAltResult::ErrorRuntime(value, _) if !value.is_unit() => {
            format!("{value}")
        }
        EvalAltResult::ErrorPropertyNotFound(key, _) => format!(
            "no key `{key}` in the map (use `.get(\"{key}\")` for a key that may be absent)"
        ),
        EvalAltResult::ErrorParsing(parse, _) => parse.to_string(),
        EvalAltResult::ErrorDataRace(what, _) => format!(
            "a closure uses the variable whose list it works on ({what}); copy what the \
             closure needs into a variable of its own first, e.g. `let now = input.now;`"
        ),
        _ => {
            error.set_position(Position::NONE);
            error.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_the_script_and_its_line() {
        let error = ScriptError::Runtime {
            script: "route.rhai".into(),
            line: Some(7),
            message: "boom".into(),
        };
        assert_eq!(error.to_string(), "route.rhai line 7: boom");
        let error = ScriptError::Syntax {
            script: "route.rhai".into(),
            line: None,
            message: "boom".into(),
        };
        assert_eq!(error.to_string(), "route.rhai: boom");
        let error = ScriptError::Shape {
            script: "qualify.rhai".into(),
            function: "qualify",
            problem: "a map without `stage`".into(),
        };
        assert_eq!(
            error.to_string(),
            "qualify.rhai: `qualify` returned a map without `stage`"
        );
    }

    #[test]
    fn limits_are_named_in_plain_words() {
        let limits = Limits::default();
        let error = runtime(
            "q.rhai",
            EvalAltResult::ErrorTooManyOperations(Position::new(3, 5)),
            &limits,
        );
        assert_eq!(
            error.to_string(),
            "q.rhai line 3: the script ran too long: over 25000 operations (an endless loop?)"
        );
        let error = runtime(
            "q.rhai",
            EvalAltResult::ErrorDataTooLarge("Length of string".into(), Position::new(2, 1)),
            &limits,
        );
        assert_eq!(
            error.to_string(),
            "q.rhai line 2: a text grew past the limit of 65536 bytes"
        );
    }
}
