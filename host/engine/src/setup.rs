//! Opening a data folder: the store, the compile cache and an engine whose
//! orgs have their plug-ins active.
//!
//! Layout of a data folder: `store/` (sled, unless the store is a
//! PostgreSQL database: [`Options::database`]), `cache/` (precompiled
//! plug-ins), `components/<sha256>.wasm` (every version ever activated),
//! `orgs/<org>/` (each org's `org.toml` and components; a new org starts
//! with the first-party ones).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::NewCampaign;
use crate::clock::{Clock, SystemClock};
use crate::model::{CampaignTarget, Rep};
use crate::plugins::{FolderError, LoadError, OrgFolders, PluginLoader, Registry};
use crate::runtime::{Limits, Runtime, RuntimeConfig, RuntimeError};
use crate::store::{Activation, Durability, OrgRecord, SledOptions, SledStore, Store, StoreError};
use crate::{Engine, EngineConfig, EngineError};

/// The org the embedded default runs: first-party plug-ins and sample reps.
pub const DEMO_ORG: &str = "demo";

/// The demo org's reps.
const DEMO_REPS: &str = include_str!("../../../examples/demo/reps.json");

/// The demo org's goals, as `[[goals]]` of its `org.toml`.
const DEMO_GOALS: &str = include_str!("../../../examples/demo/goals.toml");

/// The demo org's two campaigns, dated from `now` so a newcomer sees one
/// that ran (with a budget, for the funnel's cost per lead; seeded webinar
/// leads name it) and one coming in ten days.
fn demo_campaigns(now: crate::model::Time) -> [NewCampaign; 2] {
    let days = chrono::Duration::days;
    let target = |countries: &[&str], titles: &[&str]| CampaignTarget {
        countries: countries.iter().map(|code| code.to_string()).collect(),
        titles: titles.iter().map(|title| title.to_string()).collect(),
        ..CampaignTarget::default()
    };
    [
        NewCampaign {
            id: Some(DEMO_PAST_CAMPAIGN.into()),
            name: "Autumn webinar: pipeline reviews".into(),
            channel: Some("webinar".into()),
            offer: Some("a free pipeline audit".into()),
            launch_at: now - days(30),
            end_at: Some(now - days(16)),
            owner: Some("marketing".into()),
            budget: Some(6_000.0),
            target: target(&["DE", "AT", "CH"], &[]),
        },
        NewCampaign {
            id: Some(DEMO_UPCOMING_CAMPAIGN.into()),
            name: "Spring trade show".into(),
            channel: Some("event".into()),
            offer: Some("a meeting at the booth".into()),
            launch_at: now + days(10),
            end_at: Some(now + days(12)),
            owner: Some("field marketing".into()),
            budget: Some(15_000.0),
            target: target(&["DE"], &[]),
        },
    ]
}

/// The demo campaign that ran.
pub const DEMO_PAST_CAMPAIGN: &str = "autumn-webinar";

/// The demo campaign still to come.
pub const DEMO_UPCOMING_CAMPAIGN: &str = "spring-trade-show";

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
    /// The PostgreSQL database cannot be reached or brought to this
    /// release's schema.
    #[error("cannot open the store in the database {url}: {source}")]
    Database {
        /// The database's URL, its password hidden.
        url: String,
        /// Why (boxed: an error type stays small).
        source: Box<StoreError>,
    },
    /// The plug-in runtime cannot start.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// An org's plug-in folder could not be set up.
    #[error(transparent)]
    OrgFolder(#[from] FolderError),
    /// An org's plug-ins could not be loaded.
    #[error(transparent)]
    Plugins(#[from] LoadError),
    /// An org could not be created.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A new org's `org.toml` could not be read back to add to it.
    #[error(transparent)]
    OrgFile(#[from] crate::plugins::OrgFileError),
}

/// How to open a data folder.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// When a write counts as done.
    pub durability: Durability,
    /// The store's page cache in bytes; `None` keeps sled's default
    /// ([`crate::store::CACHE_BYTES`], 1 GiB).
    pub cache_bytes: Option<u64>,
    /// Per-call plug-in limits.
    pub limits: Limits,
    /// Engine defaults.
    pub engine: EngineConfig,
    /// How components are compiled (size limit, CPU-time bound, worker).
    pub compiler: crate::runtime::Compiler,
    /// Longest admin script taken, in bytes; `None` keeps
    /// [`crate::plugins::MAX_SCRIPT_BYTES`] (64 KiB).
    pub max_script_bytes: Option<usize>,
    /// Each org's bound on its plug-in files, in bytes; `None` keeps
    /// [`crate::plugins::ORG_DISK_BYTES`] (512 MiB).
    pub org_disk_bytes: Option<u64>,
    /// The PostgreSQL database holding the store
    /// (`postgres://USER[:PASSWORD]@HOST:PORT/DB`); `None` keeps it in
    /// sled under the data folder, which still holds the org folders and
    /// the compile cache either way.
    pub database: Option<String>,
    /// Recorded inputs a new version's impact is measured on (`[reload]
    /// impact_sample`; `None`: [`crate::plugins::IMPACT_SAMPLE`]).
    pub impact_sample: Option<usize>,
}

/// An opened data folder.
#[derive(Clone)]
pub struct Host {
    /// The engine over the folder's store.
    pub engine: Engine,
    /// The store itself (for flushing on shutdown): sled or PostgreSQL.
    pub store: Arc<dyn Store>,
    /// The plug-in runtime.
    pub runtime: Runtime,
    /// Loads and swaps the orgs' plug-ins from their folders.
    pub plugins: PluginLoader,
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
        let store: Arc<dyn Store> = match &options.database {
            Some(url) => Arc::new(leadhost_store_postgres::PostgresStore::open(url).map_err(
                |source| SetupError::Database {
                    url: leadhost_store_postgres::redact(url),
                    source: Box::new(source),
                },
            )?),
            None => {
                let store_path = path.join("store");
                let sled = SledOptions {
                    durability: options.durability,
                    cache_bytes: options.cache_bytes.unwrap_or(crate::store::CACHE_BYTES),
                    ..SledOptions::default()
                };
                Arc::new(SledStore::open_with(&store_path, sled).map_err(|source| {
                    SetupError::Store {
                        path: store_path,
                        source,
                    }
                })?)
            }
        };
        let runtime = Runtime::new(RuntimeConfig {
            limits: options.limits,
            cache_dir: Some(path.join("cache")),
            compiler: options.compiler,
        })?;
        let orgs = store.orgs().map_err(EngineError::from)?;
        let engine = Engine::new(store.clone(), Registry::new(), clock, options.engine);
        // Absolute, so the watcher's events name the same paths.
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let plugins =
            PluginLoader::new(runtime.clone(), engine.clone(), OrgFolders::new(&absolute))
                .with_max_script_bytes(
                    options
                        .max_script_bytes
                        .unwrap_or(crate::plugins::MAX_SCRIPT_BYTES),
                )
                .with_org_disk_bytes(
                    options
                        .org_disk_bytes
                        .unwrap_or(crate::plugins::ORG_DISK_BYTES),
                )
                .with_impact_sample(
                    options
                        .impact_sample
                        .unwrap_or(crate::plugins::IMPACT_SAMPLE),
                );
        for org in orgs {
            // Hosts sharing the database serve what it says is active: a
            // file left in this host's folder from before does not win, and
            // is not read while the database's versions cannot be placed
            // (it would become every host's latest). The next round of
            // `SharedVersions` tries again.
            if store.shared()
                && let Err(error) = plugins.take_up(&org.id)
            {
                tracing::error!(org = org.id, %error, "the database's plug-in versions cannot be placed here; the org's slots that were placed serve, its folder is not read");
                continue;
            }
            plugins.reload(&org.id, Activation::File)?;
        }
        Ok(Host {
            engine,
            store,
            runtime,
            plugins,
        })
    }

    /// Makes sure `org` exists, with its plug-ins active (the first-party
    /// ones for a new org). The [`DEMO_ORG`] starts with the sample reps of
    /// `examples/demo/reps.json`. Returns whether the org was created.
    pub fn ensure_org(&self, org: &str) -> Result<bool, SetupError> {
        let store = self.engine.store();
        if store.org(org).map_err(EngineError::from)?.is_some() {
            return Ok(false);
        }
        let mut created = self.create_org(org, org);
        // The caller gave the id as the org (`--org`): blame that.
        if let Err(SetupError::Engine(EngineError::Invalid(fields))) = &mut created {
            fields
                .iter_mut()
                .filter(|field| field.field == "id")
                .for_each(|field| field.field = "org".into());
        }
        created?;
        if org == DEMO_ORG {
            let reps: Vec<Rep> =
                serde_json::from_str(DEMO_REPS).expect("examples/demo/reps.json is valid");
            for rep in reps {
                self.engine.put_rep(org, rep)?;
            }
            for campaign in demo_campaigns(self.engine.now()) {
                self.engine.create_campaign(org, campaign)?;
            }
            #[derive(serde::Deserialize)]
            struct Goals {
                goals: Vec<crate::Goal>,
            }
            let goals: Goals =
                toml::from_str(DEMO_GOALS).expect("examples/demo/goals.toml is valid");
            let folders = self.plugins.folders();
            let mut file = crate::plugins::OrgFile::read(&folders.org_dir(org))?;
            file.goals = goals.goals;
            folders.write_org_file(org, &file)?;
            self.plugins.reload(org, Activation::FirstParty)?;
        }
        Ok(true)
    }

    /// Creates an org and activates its plug-ins from its folder (the
    /// first-party ones, written there, for a folder without any).
    pub fn create_org(&self, id: &str, name: &str) -> Result<OrgRecord, SetupError> {
        let org = self.engine.create_org(id, name)?;
        self.plugins.folders().init_org(id)?;
        self.plugins.reload(id, Activation::FirstParty)?;
        Ok(org)
    }
}
