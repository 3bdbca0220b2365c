//! Compiling a component within bounds. Cranelift cannot be interrupted,
//! and a big component (an interpreter with its standard library) takes
//! tens of seconds of CPU: so every component is first held to a size
//! limit, and — when a compile worker is configured (`leadhost serve` uses
//! its own binary) — compiled in a child process that runs at a lower
//! priority, is killed by the kernel once it has used its CPU-time budget,
//! and is killed by the host when whoever asked for the compile is gone
//! ([`Cancel`]). Its precompiled code comes back through a file and is
//! loaded (~0.15 ms for a rule plug-in). Without a worker (library use,
//! tests) the compile runs in-process, held to the size limit only.
//! Either way, with a functions folder (`function_cache`) Cranelift reuses
//! the functions it compiled before, and the folder is trimmed after.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use wasmtime::Engine;
use wasmtime::component::Component;

use super::Limits;
use super::function_cache::FunctionCache;

/// The hidden `leadhost` subcommand a compile worker runs.
pub const WORKER_COMMAND: &str = "compile-worker";

/// Exit code of a worker whose input is not a valid component.
const INVALID: i32 = 3;

/// Set when whoever asked for a compile is gone (a request timed out or its
/// client hung up): a compile in a worker is then killed. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token nobody has cancelled yet.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Cancels every compile waiting on this token.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that cancels the token when dropped: hold it in a request's
    /// future, so a future dropped at its deadline cancels the compile.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Cancels its token when dropped (see [`Cancel::on_drop`]).
#[derive(Debug)]
pub struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Why a component was not compiled.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// Over the size limit; not compiled at all.
    #[error(
        "the component is {size} bytes; the host compiles at most {limit} bytes (`max_component_mib`)"
    )]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Compiling it used up its CPU-time budget.
    #[error("compiling it took more than {} ms of CPU time (`compile_cpu_ms`); it was stopped", .0.as_millis())]
    CpuTime(Duration),
    /// Whoever asked for it is gone; the compile was stopped.
    #[error("the compile was cancelled: whoever asked for it is gone")]
    Cancelled,
    /// Not a valid component.
    #[error("{0}")]
    Invalid(String),
    /// The worker could not be run or failed otherwise.
    #[error("the compile worker failed: {0}")]
    Worker(String),
}

/// How components are compiled.
#[derive(Debug, Clone)]
pub struct Compiler {
    /// Largest component compiled, in bytes.
    pub max_bytes: usize,
    /// CPU time a compile in a worker may use.
    pub cpu: Duration,
    /// The `leadhost` binary to run as a worker; in-process when `None`.
    pub worker: Option<PathBuf>,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler {
            max_bytes: 48 << 20,
            cpu: Duration::from_secs(60),
            worker: None,
        }
    }
}

impl Compiler {
    /// Compiles `bytes` for `engine` (built from `limits` and, with
    /// `functions`, the per-function cache it was built with).
    pub fn compile(
        &self,
        engine: &Engine,
        limits: &Limits,
        functions: Option<&FunctionCache>,
        bytes: &[u8],
        cancel: &Cancel,
    ) -> Result<Component, CompileError> {
        if bytes.len() > self.max_bytes {
            return Err(CompileError::TooLarge {
                size: bytes.len(),
                limit: self.max_bytes,
            });
        }
        let compiled = match &self.worker {
            None => {
                if let Some(functions) = functions {
                    functions.begin_compile();
                }
                Component::new(engine, bytes)
                    .map_err(|error| CompileError::Invalid(format!("{error:#}")))
            }
            Some(worker) => {
                // The worker's new entries wait in a folder of its own
                // until its compile has succeeded.
                let staged = functions.and_then(|cache| Some((cache, cache.stage().ok()?)));
                let compiled =
                    self.in_worker(worker, engine, limits, staged.as_ref(), bytes, cancel);
                if let Some((cache, staging)) = &staged {
                    cache.merge(staging, compiled.is_ok());
                }
                compiled
            }
        };
        if let Some(functions) = functions {
            functions.trim();
        }
        compiled
    }

    fn in_worker(
        &self,
        worker: &Path,
        engine: &Engine,
        limits: &Limits,
        functions: Option<&(&FunctionCache, PathBuf)>,
        bytes: &[u8],
        cancel: &Cancel,
    ) -> Result<Component, CompileError> {
        let failed = |error: std::io::Error| CompileError::Worker(error.to_string());
        let dir = tempfile::tempdir().map_err(failed)?;
        let (input, output) = (dir.path().join("in.wasm"), dir.path().join("out.cwasm"));
        std::fs::write(&input, bytes).map_err(failed)?;
        let limits_json = serde_json::to_string(limits).expect("limits serialize");
        let mut command = Command::new(worker);
        command
            .arg(WORKER_COMMAND)
            .arg("--limits")
            .arg(&limits_json);
        if let Some((cache, staging)) = functions {
            command
                .arg("--functions")
                .arg(cache.dir())
                .arg("--functions-staging")
                .arg(staging);
        }
        command
            .arg(&input)
            .arg(&output)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        limit_child(&mut command, self.cpu);
        let started = Instant::now();
        let mut child = command.spawn().map_err(failed)?;
        // A worker the kernel does not stop (CPU time not counted while it
        // waits on the disk) is stopped at four times its budget of wall time.
        let wall = self.cpu * 4 + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().map_err(failed)? {
                break status;
            }
            if cancel.is_cancelled() || started.elapsed() > wall {
                let _ = child.kill();
                let _ = child.wait();
                return Err(if cancel.is_cancelled() {
                    CompileError::Cancelled
                } else {
                    CompileError::CpuTime(self.cpu)
                });
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = child
            .stderr
            .take()
            .map(|mut stderr| {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
                text
            })
            .unwrap_or_default();
        match status.code() {
            Some(0) => {}
            Some(INVALID) => return Err(CompileError::Invalid(stderr.trim().to_string())),
            None => return Err(CompileError::CpuTime(self.cpu)),
            Some(code) => {
                return Err(CompileError::Worker(format!(
                    "exit {code}: {}",
                    stderr.trim()
                )));
            }
        }
        let code = std::fs::read(&output).map_err(failed)?;
        // SAFETY: the code was compiled by this very binary (the worker is
        // `leadhost` itself) from the same engine settings, into a private
        // temporary folder; wasmtime also checks its header against this
        // engine's version and settings.
        unsafe { Component::deserialize(engine, &code) }
            .map_err(|error| CompileError::Worker(format!("its code does not load: {error:#}")))
    }
}

/// Runs the child at a lower priority (serving threads come first) and has
/// the kernel stop it once it has used `cpu` of CPU time (`ITIMER_PROF`
/// counts every thread's time; its signal ends the process).
#[cfg(unix)]
fn limit_child(command: &mut Command, cpu: Duration) {
    use std::os::unix::process::CommandExt;
    let micros = cpu.as_micros().max(1);
    let timer = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: (micros / 1_000_000) as libc::time_t,
            tv_usec: (micros % 1_000_000) as libc::suseconds_t,
        },
    };
    // SAFETY: only async-signal-safe calls (nice, setitimer) run between
    // fork and exec; interval timers survive exec.
    unsafe {
        command.pre_exec(move || {
            libc::nice(10);
            if libc::setitimer(libc::ITIMER_PROF, &timer, std::ptr::null_mut()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_command: &mut Command, _cpu: Duration) {}

/// The worker's side: compiles `input` with an engine built from
/// `limits_json` (and the per-function cache `functions`, writing new
/// entries to `staging`, when given) and writes the precompiled code to
/// `output`. Exits with [`INVALID`] (message on stderr) for a component
/// that does not compile.
pub fn run_worker(
    limits_json: &str,
    functions: Option<(&Path, &Path)>,
    input: &Path,
    output: &Path,
) -> i32 {
    let limits: Limits = match serde_json::from_str(limits_json) {
        Ok(limits) => limits,
        Err(error) => {
            eprintln!("bad --limits: {error}");
            return 2;
        }
    };
    // Without its folder the worker still compiles, only all of it.
    let functions =
        functions.and_then(
            |(dir, staging)| match FunctionCache::open_staged(dir, staging) {
                Ok(cache) => Some(Arc::new(cache)),
                Err(error) => {
                    eprintln!("compiling without {}: {error}", dir.display());
                    None
                }
            },
        );
    let engine = match super::engine::build(&limits, functions) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("cannot build the engine: {error:#}");
            return 2;
        }
    };
    let bytes = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("cannot read {}: {error}", input.display());
            return 2;
        }
    };
    let code = match Component::new(&engine, &bytes).and_then(|component| component.serialize()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{error:#}");
            return INVALID;
        }
    };
    match std::fs::write(output, code) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("cannot write {}: {error}", output.display());
            2
        }
    }
}
