//! Opening a data folder: the store, the compile cache and an engine whose
//! orgs have their plug-ins active.
//!
//! Layout of a data folder: `store/` (sled), `cache/` (precompiled plug-ins).
//! Until org folders arrive, every org runs the first-party plug-ins.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::engine::{Engine, EngineConfig, EngineError};
use crate::model::Rep;
use crate::plugins::Registry;
use crate::runtime::{Limits, PluginError, Runtime, RuntimeConfig, RuntimeError};
use crate::store::{Durability, SledStore, Store, StoreError};

/// The org the embedded default runs: first-party plug-ins and sample reps.
pub const DEMO_ORG: &str = "demo";

/// The demo org's reps.
const DEMO_REPS: &str = include_str!("../../examples/demo/reps.json");

/// A data folder could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The folder cannot be created.
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store cannot be opened.
    #[error("cannot open the store in {path}: {source}")]
    Store {
        /// The store's folder.
        path: PathBuf,
        /// Why.
        source: StoreError,
    },
    /// The plug-in runtime cannot start.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A first-party plug-in did not load (a broken build).
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// An org could not be created.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// How to open a data folder.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// When a write counts as done.
    pub durability: Durability,
    /// Per-call plug-in limits.
    pub limits: Limits,
    /// Engine defaults.
    pub engine: EngineConfig,
}

/// An opened data folder.
#[derive(Clone)]
pub struct Host {
    /// The engine over the folder's store.
    pub engine: Engine,
    /// The store itself (for flushing on shutdown).
    pub store: SledStore,
    /// The plug-in runtime.
    pub runtime: Runtime,
}

impl Host {
    /// Opens (or creates) the data folder at `path` with the system clock.
    pub fn open(path: &Path, options: Options) -> Result<Self, SetupError> {
        Host::open_with_clock(path, options, Arc::new(SystemClock))
    }

    /// Opens the data folder with a given clock.
    pub fn open_with_clock(
        path: &Path,
        options: Options,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, SetupError> {
        std::fs::create_dir_all(path).map_err(|source| SetupError::Folder {
            path: path.to_path_buf(),
            source,
        })?;
        let store_path = path.join("store");
        let store = SledStore::open(&store_path, options.durability).map_err(|source| {
            SetupError::Store {
                path: store_path,
                source,
            }
        })?;
        let runtime = Runtime::new(RuntimeConfig {
            limits: options.limits,
            cache_dir: Some(path.join("cache")),
        })?;
        let plugins = Registry::new();
        let now = clock.now();
        let orgs = store.orgs().map_err(EngineError::from)?;
        for org in orgs {
            plugins.activate_builtins(&org.id, &runtime, now)?;
        }
        let engine = Engine::new(Arc::new(store.clone()), plugins, clock, options.engine);
        Ok(Host {
            engine,
            store,
            runtime,
        })
    }

    /// Makes sure `org` exists, with the first-party plug-ins active.
    /// The [`DEMO_ORG`] starts with the sample reps of `examples/demo/reps.json`.
    pub fn ensure_org(&self, org: &str) -> Result<(), SetupError> {
        let store = self.engine.store();
        if store.org(org).map_err(EngineError::from)?.is_none() {
            self.engine.create_org(org, org)?;
            if org == DEMO_ORG {
                let reps: Vec<Rep> =
                    serde_json::from_str(DEMO_REPS).expect("examples/demo/reps.json is valid");
                for rep in reps {
                    self.engine.put_rep(org, rep)?;
                }
            }
        }
        if self
            .engine
            .plugins()
            .active(org, crate::runtime::Slot::LeadDefinition)
            .is_none()
        {
            self.engine
                .plugins()
                .activate_builtins(org, &self.runtime, self.engine.now())?;
        }
        Ok(())
    }
}
