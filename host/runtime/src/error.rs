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
    /// The component was not compiled: over the size limit, over its
    /// compile CPU-time budget, or cancelled.
    #[error("{0}")]
    Compile(String),
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
    #[error("trapped: {message}{}", stderr_suffix(.stderr))]
    Trap {
        /// The trap, e.g. `wasm trap: wasm 'unreachable' instruction executed`.
        message: String,
        /// The guest's stderr, where a panic's own message is.
        stderr: String,
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

fn stderr_suffix(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        String::new()
    } else {
        format!("; guest stderr: {stderr}")
    }
}
