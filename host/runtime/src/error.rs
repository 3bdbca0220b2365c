//! Why a plug-in could not be loaded or called. Every error names the
//! plug-in version (`name@hash`) and keeps a guest's own refusal apart from
//! a failure of the call itself.

use std::time::Duration;

use super::{PluginId, Slot};

/// A plug-in failed to load or to answer.
#[derive(Debug, thiserror::Error)]
#[error("plug-in {plugin}: {cause}")]
pub struct PluginError {
    /// The plug-in version at fault.
    pub plugin: PluginId,
    /// What went wrong.
    pub cause: Cause,
}

/// What went wrong, loading or calling a plug-in.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not WebAssembly.
    #[error("not a WebAssembly file (no `\\0asm` header)")]
    NotWasm,
    /// A core module where a component is needed.
    #[error(
        "a core Wasm module, not a component: build for `wasm32-wasip2` or wrap it with `wasm-tools component new`"
    )]
    CoreModule,
    /// The component does not validate or compile (truncated, corrupt, ...).
    #[error("not a valid component: {0}")]
    Invalid(String),
    /// The component was not compiled: over the size limit or over its
    /// compile CPU-time budget.
    #[error("{0}")]
    Compile(String),
    /// The compile did not finish for a reason of the moment (cancelled,
    /// its worker could not run); the same bytes may compile when tried
    /// again.
    #[error("{0}")]
    CompileInterrupted(String),
    /// The component imports something the host does not grant.
    #[error(
        "imports `{0}`, which the host does not grant (plug-ins may import only `leadhost:plugin/log` and the deny-all WASI)"
    )]
    ForbiddenImport(String),
    /// The component fills another slot than the one asked for.
    #[error("implements the `{found}` world, not `{expected}`")]
    WrongWorld {
        /// The slot it was loaded for.
        expected: Slot,
        /// The slot its exports fill.
        found: Slot,
    },
    /// The component exports none of the slots' functions.
    #[error("exports none of `qualify`, `next-step` or `route` (it exports: {0})")]
    NoSlotExport(String),
    /// The component is built against a version of the contract the host
    /// does not load (or against several).
    #[error(
        "is built against a WIT version this host does not load: it uses {uses}; supported: leadhost:plugin {supported}"
    )]
    UnsupportedVersion {
        /// The contract's interfaces it imports and exports, each with its
        /// version (`leadhost:plugin/types@0.2.0`).
        uses: String,
        /// The versions the host supports, newest first.
        supported: &'static str,
    },
    /// The slot's function is there, but with a type that does not match
    /// the slot's world in the versions tried.
    #[error("exports `{export}` with a type that matches no WIT version tried ({tried}): {detail}")]
    ExportMismatch {
        /// The exported function.
        export: &'static str,
        /// The versions whose world it was checked against.
        tried: String,
        /// Wasmtime's type-check message, by version.
        detail: String,
    },
    /// The guest trapped (a panic, `unreachable`, an out-of-bounds access, ...).
    #[error("trapped: {message}{}{}", stderr_suffix(.stderr), log_suffix(.log))]
    Trap {
        /// The trap, e.g. `wasm trap: wasm 'unreachable' instruction executed`.
        /// (This and `log` are boxed slices so that the error is no larger
        /// than before `log` was added: a `Result` carries it.)
        message: Box<str>,
        /// The guest's stderr, where a panic's own message is.
        stderr: String,
        /// The guest's last `warn`/`error` log lines of the call, one line
        /// each: where a component without stderr (Python built with
        /// `--stub-wasi`) says what went wrong before it traps.
        log: Box<[String]>,
    },
    /// The call used up its fuel.
    #[error("ran out of fuel (limit {0} units)")]
    OutOfFuel(u64),
    /// The call ran past its wall-clock deadline.
    #[error("ran past its deadline of {0:?}")]
    Deadline(Duration),
    /// The guest tried to grow its memory past the limit.
    #[error("tried to grow memory to {requested} bytes, over the limit of {limit} bytes{}", stderr_suffix(.stderr))]
    MemoryLimit {
        /// The size it asked for.
        requested: usize,
        /// The limit.
        limit: usize,
        /// The guest's stderr.
        stderr: String,
    },
    /// The answer, a refusal's text or a log line is bigger than the limit.
    #[error("{}, over the limit of {limit} bytes", match size {
        Some(size) => format!("returned a {size}-byte answer"),
        None => "moved too much data to the host in one go (an answer, a refusal or a log line); refused before it was copied".into(),
    })]
    OutputTooLarge {
        /// The answer's size, when it was measured; `None` when the
        /// transfer was stopped before the copy.
        size: Option<usize>,
        /// The limit.
        limit: usize,
    },
    /// The answer breaks the contract (e.g. an empty rep id, a time out of range).
    #[error("returned an invalid answer: {0}")]
    InvalidAnswer(String),
    /// The guest answered with its own error instead of a decision.
    #[error("refused to decide: {0}")]
    Refused(String),
    /// Every instance slot is in use; the call may be retried.
    #[error("no instance slot free ({0}); retry later")]
    Busy(String),
}

impl Cause {
    /// A short, stable code for metrics and API bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Cause::Empty => "empty",
            Cause::NotWasm => "not-wasm",
            Cause::CoreModule => "core-module",
            Cause::Invalid(_) => "invalid",
            Cause::Compile(_) => "compile-limit",
            Cause::CompileInterrupted(_) => "compile-interrupted",
            Cause::ForbiddenImport(_) => "forbidden-import",
            Cause::WrongWorld { .. } => "wrong-world",
            Cause::NoSlotExport(_) => "no-slot-export",
            Cause::UnsupportedVersion { .. } | Cause::ExportMismatch { .. } => {
                "unsupported-version"
            }
            Cause::Trap { .. } => "trap",
            Cause::OutOfFuel(_) => "out-of-fuel",
            Cause::Deadline(_) => "deadline",
            Cause::MemoryLimit { .. } => "memory-limit",
            Cause::OutputTooLarge { .. } => "output-too-large",
            Cause::InvalidAnswer(_) => "invalid-answer",
            Cause::Refused(_) => "refused",
            Cause::Busy(_) => "busy",
        }
    }
}

impl Cause {
    /// Whether the same call (or load) may succeed when tried again with
    /// nothing changed: it failed on the host's load at that moment (a
    /// wall-clock deadline, every instance slot busy, a compile that was
    /// stopped), not on what the component does. Fuel, memory, traps and
    /// answers are deterministic and never transient.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Cause::Deadline(_) | Cause::Busy(_) | Cause::CompileInterrupted(_)
        )
    }

    /// The cause without what the guest printed or logged (which
    /// [`Cause::guest_lines`] gives line by line): one line for a report row.
    pub fn headline(&self) -> String {
        match self {
            Cause::Trap { message, .. } => format!("trapped: {message}"),
            Cause::MemoryLimit {
                requested, limit, ..
            } => format!(
                "tried to grow memory to {requested} bytes, over the limit of {limit} bytes"
            ),
            other => other.to_string(),
        }
    }

    /// What the guest itself said before it failed, for a report row: the
    /// last [`GUEST_LINES`] lines of its stderr (a Rust panic's `panicked
    /// at src/lib.rs:12:9:` and message), then its last `warn`/`error` log
    /// lines (a Python exception with its file and line), each made one
    /// line (control characters escaped). Empty for other causes.
    pub fn guest_lines(&self) -> Vec<String> {
        let (stderr, log): (&str, &[String]) = match self {
            Cause::Trap { stderr, log, .. } => (stderr, log),
            Cause::MemoryLimit { stderr, .. } => (stderr, &[]),
            _ => return Vec::new(),
        };
        let stderr: Vec<&str> = stderr
            .lines()
            .map(str::trim_end)
            .filter(|line| !line.is_empty())
            .collect();
        stderr[stderr.len().saturating_sub(GUEST_LINES)..]
            .iter()
            .map(|line| crate::sandbox::one_line(line).into_owned())
            .chain(log.iter().cloned())
            .collect()
    }
}

/// How many of the last lines of a guest's stderr [`Cause::guest_lines`] gives.
const GUEST_LINES: usize = 5;

fn log_suffix(log: &[String]) -> String {
    if log.is_empty() {
        String::new()
    } else {
        format!("; guest log: {}", log.join(" | "))
    }
}

fn stderr_suffix(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        String::new()
    } else {
        format!("; guest stderr: {stderr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_lines_are_the_end_of_stderr_then_the_logged_problems() {
        let stderr = (1..=7).map(|n| format!("line {n}\n")).collect::<String>()
            + "\nthread '<unnamed>' panicked at src/lib.rs:12:9:\nno table for \"x\"\u{1b}[2K\n";
        let trap = Cause::Trap {
            message: "wasm trap: wasm `unreachable` instruction executed".into(),
            stderr,
            log: vec!["uncaught AttributeError: 'NoneType' object has no attribute 'lower' (app.py:166 in qualify)".into()].into(),
        };
        assert_eq!(
            trap.guest_lines(),
            [
                "line 5",
                "line 6",
                "line 7",
                "thread '<unnamed>' panicked at src/lib.rs:12:9:",
                "no table for \"x\"\\u{1b}[2K",
                "uncaught AttributeError: 'NoneType' object has no attribute 'lower' (app.py:166 in qualify)",
            ]
        );
        assert!(
            trap.to_string().ends_with(
                "; guest log: uncaught AttributeError: 'NoneType' object has no attribute 'lower' (app.py:166 in qualify)"
            ),
            "{trap}"
        );
        assert!(Cause::OutOfFuel(5).guest_lines().is_empty());
        assert_eq!(
            trap.headline(),
            "trapped: wasm trap: wasm `unreachable` instruction executed"
        );
        assert!(trap.to_string().starts_with(&trap.headline()));
        let memory = Cause::MemoryLimit {
            requested: 9,
            limit: 8,
            stderr: "memory allocation of 1 bytes failed".into(),
        };
        assert!(
            memory.to_string().starts_with(&memory.headline()),
            "{memory}"
        );
        assert_eq!(
            memory.guest_lines(),
            ["memory allocation of 1 bytes failed"]
        );
    }
}
