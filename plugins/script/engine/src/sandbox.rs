//! The Rhai engine as a rule gets it: only the packages a rule needs, hard
//! limits on work and data, no `eval`, no modules, no clock, and `print` /
//! `debug` sent to the host's log instead of stdout.

use std::cell::RefCell;
use std::rc::Rc;

use leadhost_sdk::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LanguageCorePackage, LogicPackage, MoreStringPackage,
    Package,
};
use rhai::{Engine, EvalAltResult, INT, Position};

use crate::time;

/// Hard limits on what one call of a script may do. A script that goes over
/// one stops with an error naming the limit; the instance stays usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Rhai operations per call (roughly one per expression evaluated); stops endless loops.
    pub max_operations: u64,
    /// Longest text value, in bytes.
    pub max_string_bytes: usize,
    /// Most items in one list.
    pub max_array_items: usize,
    /// Most keys in one map.
    pub max_map_entries: usize,
    /// Deepest chain of function calls; stops endless recursion before the stack runs out.
    pub max_call_levels: usize,
    /// Deepest nesting of expressions at the top level of a script.
    pub max_expr_depth: usize,
    /// Deepest nesting of expressions inside a function.
    pub max_function_expr_depth: usize,
    /// Most variables alive at once.
    pub max_variables: usize,
    /// Most functions a script may define.
    pub max_functions: usize,
    /// Longest script text, in bytes.
    pub max_script_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 25_000,
            max_string_bytes: 64 << 10,
            max_array_items: 50_000,
            max_map_entries: 10_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_variables: 1_000,
            max_functions: 200,
            max_script_bytes: 64 << 10,
        }
    }
}

/// Where a script's `print` and `debug` lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `print(...)`.
    Info,
    /// `debug(...)`.
    Debug,
}

/// Receives the lines a script logs, already prefixed with the script's name.
pub type LogSink = Rc<dyn Fn(LogLevel, &str)>;

/// The SDK's log: the host's log inside a component, stderr natively.
pub fn sdk_log() -> LogSink {
    Rc::new(|level, line| match level {
        LogLevel::Info => leadhost_sdk::log::info(line),
        LogLevel::Debug => leadhost_sdk::log::debug(line),
    })
}

/// Symbols a rule may not use: no `eval` of text built at run time, no
/// modules. (`print` and `debug` stay, and go to the log.)
const DISABLED_SYMBOLS: [&str; 3] = ["eval", "import", "export"];

/// Builds the engine. `current` holds the name of the script being run, for
/// the log lines of `print` (Rhai does not pass it to the print callback).
pub(crate) fn engine(limits: &Limits, log: LogSink, current: Rc<RefCell<String>>) -> Engine {
    let mut engine = Engine::new_raw();
    // What `Engine::new()` would register, less bit fields, blobs and time.
    for package in [
        LanguageCorePackage::new().as_shared_module(),
        ArithmeticPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicStringPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
        BasicIteratorPackage::new().as_shared_module(),
        BasicFnPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
    ] {
        engine.register_global_module(package);
    }
    for symbol in DISABLED_SYMBOLS {
        engine.disable_symbol(symbol);
    }
    engine
        .set_max_operations(limits.max_operations)
        .set_max_string_size(limits.max_string_bytes)
        .set_max_array_size(limits.max_array_items)
        .set_max_map_size(limits.max_map_entries)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions)
        .set_max_modules(0)
        // A misspelt variable is a syntax error with its line, not a surprise at run time.
        .set_strict_variables(true)
        // `lead.budgt` is an error, not a silent `()`; absent keys are read with `get`.
        .set_fail_on_invalid_map_property(true);

    let print_log = log.clone();
    engine
        .on_print(move |text| print_log(LogLevel::Info, &format!("{}: {text}", current.borrow())));
    engine.on_debug(move |text, source, position| {
        let name = source.unwrap_or("script");
        log(LogLevel::Debug, &format!("{}: {text}", at(name, position)))
    });
    register_helpers(&mut engine);
    engine
}

/// `name line N` when the position is known, else `name`.
pub(crate) fn at(name: &str, position: Position) -> String {
    match position.line() {
        Some(line) => format!("{name} line {line}"),
        None => name.to_string(),
    }
}

/// The few functions a rule gets beyond Rhai's own: durations in
/// milliseconds (times are milliseconds since the epoch), times as text,
/// and an e-mail address's domain.
fn register_helpers(engine: &mut Engine) {
    for (name, unit) in [("days", DAY_MS), ("hours", HOUR_MS), ("minutes", MINUTE_MS)] {
        engine.register_fn(name, move |count: INT| -> Result<INT, Box<EvalAltResult>> {
            count
                .checked_mul(unit)
                .ok_or_else(|| format!("{name}({count}) is too large").into())
        });
        engine.register_fn(name, move |count: f64| -> Result<INT, Box<EvalAltResult>> {
            let ms = (count * unit as f64).round();
            if ms.is_finite() && ms.abs() < 9.2e18 {
                Ok(ms as INT)
            } else {
                Err(format!("{name}({count}) is too large").into())
            }
        });
    }
    engine.register_fn("time_text", time::rfc3339);
    engine.register_fn("email_domain", |email: &str| -> String {
        email
            .rsplit_once('@')
            .map(|(_, domain)| domain.trim().to_lowercase())
            .unwrap_or_default()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> Engine {
        engine(
            &Limits::default(),
            Rc::new(|_, _| {}),
            Rc::new(RefCell::new("test.rhai".into())),
        )
    }

    #[test]
    fn helpers_give_milliseconds_and_domains() {
        let engine = quiet();
        assert_eq!(engine.eval::<INT>("days(2)").unwrap(), 2 * DAY_MS);
        assert_eq!(engine.eval::<INT>("hours(1.5)").unwrap(), 90 * MINUTE_MS);
        assert_eq!(engine.eval::<INT>("minutes(1)").unwrap(), MINUTE_MS);
        assert!(engine.eval::<INT>("days(9223372036854775807)").is_err());
        assert_eq!(
            engine
                .eval::<String>(r#"email_domain("Dana@North.Example")"#)
                .unwrap(),
            "north.example"
        );
        assert_eq!(
            engine.eval::<String>(r#"email_domain("nobody")"#).unwrap(),
            ""
        );
        assert_eq!(
            engine.eval::<String>("time_text(86400000)").unwrap(),
            "1970-01-02T00:00:00Z"
        );
    }

    #[test]
    fn rhai_basics_a_rule_needs_are_there() {
        let engine = quiet();
        let script = r#"
            let xs = [3, 1, 2];
            xs.sort();
            let m = #{ a: 1 };
            let text = "A,B".to_lower().split(",");
            let total = xs.reduce(|sum, x| sum + x, 0) + max(1, 2) + 2.5.floor().to_int();
            let found = xs.filter(|x| x > 1).len() + m.keys().len() + text.len();
            `${total}/${found}/${"ab".contains("b")}/${m.get("missing") ?? "none"}`
        "#;
        assert_eq!(engine.eval::<String>(script).unwrap(), "10/5/true/none");
    }

    #[test]
    fn eval_modules_and_the_clock_are_not_there() {
        let engine = quiet();
        for script in [
            r#"eval("1 + 1")"#,
            r#"import "x" as x;"#,
            "timestamp()",
            r#"let f = Fn("eval"); f.call("1")"#,
            r#"call("eval", "1")"#,
        ] {
            assert!(
                engine.eval::<rhai::Dynamic>(script).is_err(),
                "{script} should fail"
            );
        }
    }

    #[test]
    fn print_and_debug_go_to_the_log_with_the_script_name() {
        let lines = Rc::new(RefCell::new(Vec::new()));
        let sink = lines.clone();
        let mut engine = engine(
            &Limits::default(),
            Rc::new(move |level, line: &str| sink.borrow_mut().push((level, line.to_string()))),
            Rc::new(RefCell::new("qualify.rhai".into())),
        );
        let mut ast = engine.compile("print(\"hello\");\n debug(42);").unwrap();
        ast.set_source("qualify.rhai");
        engine.run_ast(&ast).unwrap();
        engine.on_print(|_| {});
        assert_eq!(
            *lines.borrow(),
            vec![
                (LogLevel::Info, "qualify.rhai: hello".to_string()),
                (LogLevel::Debug, "qualify.rhai line 2: 42".to_string()),
            ]
        );
    }
}
