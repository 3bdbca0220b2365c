//! The plug-in runtime: one wasmtime engine, a compile cache by content
//! hash, and typed calls into the three worlds of the WIT contract.
//!
//! Owns: everything Wasm — the only leadhost crate that depends on
//! wasmtime. Must not know: orgs' settings, the store, the engine's
//! lifecycle, HTTP; it depends on `leadhost-model` alone among leadhost's
//! crates.
//!
//! ```no_run
//! use leadhost_runtime::{CallContext, Runtime, RuntimeConfig, Slot};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let bytes = std::fs::read("bant_qualifier.wasm")?;
//! let plugin = runtime.load("bant-qualifier", &bytes, Some(Slot::LeadDefinition))?;
//! let input = serde_json::from_str(&std::fs::read_to_string("examples/eval/qualify/strong-lead.json")?)?;
//! let verdict = plugin.qualify(&CallContext::for_org("demo"), &input)?;
//! println!("{:?} ({} fuel)", verdict.value.stage, verdict.fuel_used);
//! # Ok(()) }
//! ```

mod answer;
mod cache;
mod compiler;
mod engine;
mod error;
mod fixed;
mod function_cache;
mod inspect;
mod limits;
mod plugin;
mod sandbox;
mod v0_1_0;
#[cfg(feature = "test-wit-0-1-1")]
mod v0_1_1;
mod v0_2_0;
mod version;
mod wasi;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::Engine;
use wasmtime::component::Linker;

pub use answer::AnswerSize;
pub use cache::CacheSource;
pub use compiler::{Cancel, CancelOnDrop, CompileError, Compiler, WORKER_COMMAND, run_worker};
pub use error::{Cause, PluginError};
pub use leadhost_model::{ContentHash, PluginId, Slot};
pub use limits::Limits;
pub use plugin::{
    CALLS_PER_INSTANCE, Called, FUEL_MARGIN, IDLE_EVICTABLE_AFTER, IDLE_PER_ORG, IdleBudget,
    KEPT_MEMORY_MAX, Plugin, ReusableInstance, SlotInput,
};
pub use sandbox::CallContext;
pub use version::{WitVersion, supported_wit_versions};

use sandbox::CallState;

/// How to build a [`Runtime`].
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Per-call limits.
    pub limits: Limits,
    /// Where precompiled code is kept across restarts; memory only if `None`.
    pub cache_dir: Option<PathBuf>,
    /// How components are compiled (size limit, CPU-time bound, worker).
    pub compiler: Compiler,
}

/// The runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The engine rejected its configuration.
    #[error("cannot build the Wasm engine: {0}")]
    Engine(String),
    /// The compile cache folder cannot be used.
    #[error("cannot use the compile cache folder {path}: {source}")]
    CacheDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The handle to the plug-in runtime. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Runtime {
    /// Engine, linker, cache and limits.
    shared: Arc<Shared>,
}

struct Shared {
    /// The one engine; all plug-ins are compiled for it.
    engine: Engine,
    /// Host interfaces of every supported WIT version, plus deny-all WASI.
    linker: Linker<CallState>,
    /// Compiled components by content hash.
    cache: cache::CompileCache,
    /// Per-call limits.
    limits: Limits,
    /// Compiles within bounds.
    compiler: Compiler,
    /// Cranelift's per-function results (`<cache dir>/functions`), shared
    /// with the compile worker; none without a cache folder.
    functions: Option<Arc<function_cache::FunctionCache>>,
    /// How many instances plug-ins may keep between calls.
    idle: Arc<plugin::IdleBudget>,
    /// Ticks the epoch for deadlines; stops when the runtime is dropped.
    _ticker: engine::EpochTicker,
}

impl Runtime {
    /// Starts a runtime: builds the engine and linker and starts the epoch ticker.
    pub fn new(config: RuntimeConfig) -> Result<Self, RuntimeError> {
        let functions_dir = config
            .cache_dir
            .as_ref()
            .map(|dir| dir.join(function_cache::FOLDER));
        let functions = match &functions_dir {
            Some(dir) => Some(Arc::new(function_cache::FunctionCache::open(dir).map_err(
                |source| RuntimeError::CacheDir {
                    path: dir.clone(),
                    source,
                },
            )?)),
            None => None,
        };
        let engine = engine::build(&config.limits, functions.clone())
            .map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker)
            .and_then(|()| version::add_to_linker(&mut linker))
            .map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;
        let fingerprint = engine::fingerprint(&engine);
        let cache = cache::CompileCache::new(config.cache_dir.as_deref(), &fingerprint).map_err(
            |source| RuntimeError::CacheDir {
                path: config.cache_dir.clone().unwrap_or_default(),
                source,
            },
        )?;
        let ticker = engine::EpochTicker::start(&engine, &config.limits);
        let idle = plugin::IdleBudget::new(
            plugin::idle_total(config.limits.concurrent_calls),
            plugin::IDLE_PER_ORG,
        );
        Ok(Runtime {
            shared: Arc::new(Shared {
                engine,
                linker,
                cache,
                limits: config.limits,
                compiler: config.compiler,
                functions,
                idle,
                _ticker: ticker,
            }),
        })
    }

    /// The per-call limits.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// How many instances plug-ins may keep between calls, and how many
    /// they keep now (see [`Plugin::with_instance_reuse`]).
    pub fn idle_budget(&self) -> &Arc<plugin::IdleBudget> {
        &self.shared.idle
    }

    /// The largest component this runtime compiles, in bytes: a larger
    /// file need not even be read.
    pub fn max_component_bytes(&self) -> usize {
        self.shared.compiler.max_bytes
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.shared.engine
    }

    /// Loads a component: checks it, compiles it (or takes it from the
    /// cache), and pre-links it for its slot. With `expected`, a component
    /// for another slot is refused. Nothing is called.
    pub fn load(
        &self,
        name: &str,
        bytes: &[u8],
        expected: Option<Slot>,
    ) -> Result<Plugin, PluginError> {
        self.load_with(name, bytes, expected, &Cancel::new())
    }

    /// [`Runtime::load`], whose compile (if it needs one) stops once
    /// `cancel` is cancelled.
    pub fn load_with(
        &self,
        name: &str,
        bytes: &[u8],
        expected: Option<Slot>,
        cancel: &Cancel,
    ) -> Result<Plugin, PluginError> {
        let hash = ContentHash::of(bytes);
        let id = PluginId {
            name: name.to_string(),
            hash,
        };
        let fail = |cause| PluginError {
            plugin: id.clone(),
            cause,
        };
        inspect::check_header(bytes).map_err(fail)?;
        let engine = &self.shared.engine;
        let compile = || {
            self.shared.compiler.compile(
                engine,
                &self.shared.limits,
                self.shared.functions.as_deref(),
                bytes,
                cancel,
            )
        };
        let (component, source) = self
            .shared
            .cache
            .get_or_compile(engine, hash, compile)
            .map_err(|error| {
                fail(match error {
                    CompileError::Invalid(message) => Cause::Invalid(message),
                    interrupted @ (CompileError::Cancelled | CompileError::Worker(_)) => {
                        Cause::CompileInterrupted(interrupted.to_string())
                    }
                    other => Cause::Compile(other.to_string()),
                })
            })?;
        let version = version::named_by(&component, engine).map_err(fail)?;
        inspect::check_imports(&component, engine).map_err(fail)?;
        let slot = inspect::slot_of(&component, engine).map_err(fail)?;
        if let Some(expected) = expected.filter(|expected| *expected != slot) {
            return Err(fail(Cause::WrongWorld {
                expected,
                found: slot,
            }));
        }
        let pre = self
            .shared
            .linker
            .instantiate_pre(&component)
            .map_err(|error| fail(Cause::Invalid(format!("{error:#}"))))?;
        let (version, prepared) = version::prepare(version, slot, pre).map_err(fail)?;
        tracing::debug!(plugin = %id, %slot, %version, ?source, "plug-in loaded");
        Ok(Plugin::new(id, slot, prepared, source, self.clone()))
    }

    /// Keeps `plugin`'s compiled code in the compile cache (memory and
    /// disk): call it once the host accepted the plug-in, so that a refused
    /// component leaves nothing behind.
    pub fn keep(&self, plugin: &Plugin) {
        let (hash, component) = plugin.compiled();
        self.shared.cache.keep(hash, component);
    }

    /// Everything `leadhost plugin check` reports of a component, whether
    /// or not the host would load it: compiled afresh (never from the
    /// cache) so the compile time is what a new version costs.
    pub fn inspect(&self, name: &str, bytes: &[u8]) -> Inspection {
        let engine = &self.shared.engine;
        let started = std::time::Instant::now();
        let compiled = inspect::check_header(bytes).and_then(|()| {
            wasmtime::component::Component::new(engine, bytes)
                .map_err(|error| Cause::Invalid(format!("{error:#}")))
        });
        let compile_time = started.elapsed();
        let (imports, exports) = match &compiled {
            Ok(component) => (
                inspect::imports(component, engine)
                    .into_iter()
                    .map(|name| {
                        let granted = inspect::is_granted(&name);
                        (name, granted)
                    })
                    .collect(),
                inspect::exports(component, engine),
            ),
            Err(_) => (Vec::new(), Vec::new()),
        };
        Inspection {
            size: bytes.len(),
            hash: ContentHash::of(bytes),
            imports,
            exports,
            compile_time,
            loaded: match compiled {
                Ok(_) => self.load(name, bytes, None),
                Err(cause) => Err(PluginError {
                    plugin: PluginId {
                        name: name.to_string(),
                        hash: ContentHash::of(bytes),
                    },
                    cause,
                }),
            },
        }
    }

    /// Loads a component from a file, named by its file name.
    pub fn load_file(&self, path: &Path, expected: Option<Slot>) -> Result<Plugin, LoadFileError> {
        let bytes = std::fs::read(path).map_err(|source| LoadFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.file_stem().map_or_else(
            || "plugin".into(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        Ok(self.load(&name, &bytes, expected)?)
    }
}

/// A component as `leadhost plugin check` sees it.
#[derive(Debug)]
pub struct Inspection {
    /// Its size in bytes.
    pub size: usize,
    /// Its sha256.
    pub hash: ContentHash,
    /// What it imports, each with whether the host grants it.
    pub imports: Vec<(String, bool)>,
    /// What it exports.
    pub exports: Vec<String>,
    /// How long Cranelift took to compile it (uncached).
    pub compile_time: std::time::Duration,
    /// The plug-in as the host would load it, or why it would refuse it.
    pub loaded: Result<Plugin, PluginError>,
}

/// A plug-in file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadFileError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The component was refused.
    #[error(transparent)]
    Plugin(#[from] PluginError),
}
