//! The server's settings, one type per part: `[limits]` (the runtime's
//! [`Limits`] as they are, plus each org's share), `[http]`, `[scheduler]`,
//! `[delivery]`, `[reload]` and `[store]`. [`ServerConfig::load`] reads
//! them, in layers: defaults, then a TOML file, then `LEADHOST_*`
//! environment variables, then command-line flags (see `load.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize, Serializer};

use super::{Background, DeliveryConfig, SchedulerConfig};
use crate::api::{HttpLimits, MetricsToken};
use crate::runtime::{Compiler, Limits};
use crate::setup::Options;
use crate::store::Durability;

mod error;
mod load;
mod ranges;

pub use error::ConfigError;
pub use load::Flags;

/// Every setting of `leadhost serve`, each with its default (all shown in
/// `examples/serve/leadhost.toml`). A key nobody knows is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on. Default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// The data folder. Default `leadhost-data`.
    pub data_dir: PathBuf,
    /// `flush` (acknowledge after fsync) or `relaxed`. Default `flush`.
    pub durability: Durability,
    /// `[limits]`: per plug-in call, and each org's share.
    pub limits: LimitsConfig,
    /// `[http]`: per request and per connection.
    pub http: HttpConfig,
    /// `[scheduler]`: the nurture wake-ups.
    pub scheduler: SchedulerConfig,
    /// `[delivery]`: the outbox.
    pub delivery: DeliveryConfig,
    /// `[reload]`: the org folders' watcher.
    pub reload: ReloadConfig,
    /// `[store]`: sled in the data folder, or a PostgreSQL database.
    pub store: StoreConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("leadhost-data"),
            durability: Durability::default(),
            limits: LimitsConfig::default(),
            http: HttpConfig::default(),
            scheduler: SchedulerConfig::default(),
            delivery: DeliveryConfig::default(),
            reload: ReloadConfig::default(),
            store: StoreConfig::default(),
        }
    }
}

/// `[limits]`: the runtime's per-call [`Limits`] (read as they are, with
/// their own keys), each org's share of the workers, and the compiler's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Per plug-in call: `fuel`, `deadline_ms`, `memory_mib`, ...
    #[serde(flatten)]
    pub call: Limits,
    /// Operations of one org running at once (each calls its plug-ins). Default 4.
    pub org_calls: u32,
    /// Operations of one org waiting for a turn before more get 503. Default 256.
    pub org_queue: u32,
    /// Earliest a nurture track may wake a lead again, in seconds. Default 60.
    pub min_wake_s: u64,
    /// Largest component the host compiles, in MiB. Default 48.
    pub max_component_mib: usize,
    /// CPU time one compile may use, in ms. Default 60,000.
    pub compile_cpu_ms: u64,
    /// Longest admin script (`.rhai`) taken, in KiB. Default 64.
    pub max_script_kib: usize,
    /// Each org's bound on its plug-in files (its folder and the kept copy
    /// of every version in its history), in MiB; an upload or cases
    /// replacement past it is refused with 507. Default 512.
    pub org_disk_mib: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let engine = crate::engine::EngineConfig::default();
        let compiler = Compiler::default();
        LimitsConfig {
            call: Limits::default(),
            org_calls: engine.shares.calls,
            org_queue: engine.shares.queue,
            min_wake_s: engine.min_wake.num_seconds().max(0) as u64,
            max_component_mib: compiler.max_bytes >> 20,
            compile_cpu_ms: compiler.cpu.as_millis() as u64,
            max_script_kib: crate::plugins::MAX_SCRIPT_BYTES >> 10,
            org_disk_mib: crate::plugins::ORG_DISK_BYTES >> 20,
        }
    }
}

/// `[http]`: per request and per connection; the API's [`HttpLimits`] in
/// the file's units, who may read `/metrics`, and how long a stop waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest single-item JSON body, in KiB. Default 256.
    pub body_kib: usize,
    /// Largest batch, import or upload body, in MiB. Default 32.
    pub bulk_mib: usize,
    /// Longest a request may take, in ms. Default 30,000.
    pub timeout_ms: u64,
    /// Longest a client may take to send a request's headers (counted from
    /// when the server waits for them, so also between keep-alive
    /// requests), in ms. Default 10,000.
    pub header_read_timeout_ms: u64,
    /// A connection with no request in flight and no byte moving this long
    /// is closed, in ms. Default 60,000.
    pub idle_timeout_ms: u64,
    /// Most connections open at once, per listener. Default 1,024.
    pub max_connections: usize,
    /// A bearer token that reads `/metrics` only (16+ visible ASCII
    /// characters). No default.
    #[serde(serialize_with = "secret")]
    pub metrics_token: Option<MetricsToken>,
    /// An address that serves `/metrics` and nothing else; the API listener
    /// then answers 404 for it. No default.
    pub metrics_listen: Option<SocketAddr>,
    /// Most data rows a CSV import stores while the request waits; a
    /// larger file becomes an import job. Default 1,000.
    pub import_sync_rows: usize,
    /// Most items of one `/leads/batch` request (413 above). Default 1,000.
    pub batch_max: usize,
    /// How long a stop waits for requests in flight (and import jobs), in
    /// ms. Default 30,000.
    pub drain_timeout_ms: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        let http = HttpLimits::default();
        HttpConfig {
            body_kib: http.body_bytes >> 10,
            bulk_mib: http.bulk_bytes >> 20,
            timeout_ms: http.timeout.as_millis() as u64,
            header_read_timeout_ms: http.header_read_timeout.as_millis() as u64,
            idle_timeout_ms: http.idle_timeout.as_millis() as u64,
            max_connections: http.max_connections,
            metrics_token: None,
            metrics_listen: None,
            import_sync_rows: http.import_sync_rows,
            batch_max: http.batch_max,
            drain_timeout_ms: super::DRAIN_TIMEOUT.as_millis() as u64,
        }
    }
}

/// A secret is never written out, only whether it is set.
fn secret<S: Serializer>(token: &Option<MetricsToken>, s: S) -> Result<S::Ok, S::Error> {
    match token {
        Some(_) => s.serialize_some("<secret>"),
        None => s.serialize_none(),
    }
}

/// `[reload]`: the watcher of the org folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReloadConfig {
    /// How long an org's files must be quiet before it is reloaded, in ms.
    /// Default 20 (the engine's `DEFAULT_DEBOUNCE`).
    pub debounce_ms: u64,
    /// Recorded inputs of the slot a new version runs on before it is
    /// activated, to measure what it would change. Default 1,000; 0 turns
    /// it (and `max_change`) off.
    pub impact_sample: usize,
}

impl Default for ReloadConfig {
    fn default() -> Self {
        ReloadConfig {
            debounce_ms: crate::plugins::DEFAULT_DEBOUNCE.as_millis() as u64,
            impact_sample: crate::plugins::IMPACT_SAMPLE,
        }
    }
}

/// `[store]`: where the store is, and the sled store's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// A PostgreSQL database to keep the store in
    /// (`postgres://USER[:PASSWORD]@HOST:PORT/DB`; also `LEADHOST_STORE`
    /// and `--store`). Unset (the default): sled in the data folder.
    pub url: Option<String>,
    /// Pages sled keeps cached in memory, in MiB. Default 1,024 (sled's own).
    pub cache_mib: u64,
    /// Days the input of each plug-in call is kept for replays and
    /// backtests, counted from the call; 0 (the default) keeps them for
    /// ever. Decisions are kept whatever this says.
    pub input_retention_days: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            url: None,
            cache_mib: crate::store::CACHE_BYTES >> 20,
            input_retention_days: 0,
        }
    }
}

/// Who may read `/metrics`, and where it is served.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `[http] metrics_token`.
    pub token: Option<MetricsToken>,
    /// `[http] metrics_listen`.
    pub listen: Option<SocketAddr>,
}

/// The settings, as the parts they configure take them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The data folder.
    pub data_dir: PathBuf,
    /// How to open it.
    pub options: Options,
    /// Request and connection limits.
    pub http: HttpLimits,
    /// `/metrics` access.
    pub metrics: MetricsSettings,
    /// The scheduler, the outbox, the watcher and the stop.
    pub background: Background,
}

impl ServerConfig {
    /// Hands each part its settings (in the units it counts in).
    pub fn resolve(self) -> Settings {
        let engine = crate::engine::EngineConfig::default();
        let (limits, http) = (self.limits, self.http);
        let ms = Duration::from_millis;
        Settings {
            listen: self.listen,
            data_dir: self.data_dir,
            options: Options {
                durability: self.durability,
                cache_bytes: Some(self.store.cache_mib << 20),
                limits: limits.call,
                engine: crate::engine::EngineConfig {
                    shares: crate::engine::ShareLimits {
                        calls: limits.org_calls,
                        queue: limits.org_queue,
                    },
                    // In range (at most a year: see ranges.rs).
                    min_wake: chrono::Duration::seconds(limits.min_wake_s as i64),
                    ..engine
                },
                compiler: Compiler {
                    max_bytes: limits.max_component_mib << 20,
                    cpu: ms(limits.compile_cpu_ms),
                    worker: None,
                },
                max_script_bytes: Some(limits.max_script_kib << 10),
                org_disk_bytes: Some(limits.org_disk_mib << 20),
                impact_sample: Some(self.reload.impact_sample),
                database: self.store.url.clone(),
            },
            http: HttpLimits {
                body_bytes: http.body_kib << 10,
                bulk_bytes: http.bulk_mib << 20,
                timeout: ms(http.timeout_ms),
                header_read_timeout: ms(http.header_read_timeout_ms),
                idle_timeout: ms(http.idle_timeout_ms),
                max_connections: http.max_connections,
                import_sync_rows: http.import_sync_rows,
                batch_max: http.batch_max,
            },
            metrics: MetricsSettings {
                token: http.metrics_token,
                listen: http.metrics_listen,
            },
            background: Background {
                scheduler: self.scheduler,
                delivery: self.delivery,
                debounce: ms(self.reload.debounce_ms),
                drain_timeout: ms(http.drain_timeout_ms),
                input_retention: match self.store.input_retention_days {
                    0 => None,
                    // In range (at most a century: see ranges.rs).
                    days => Some(chrono::Duration::days(days as i64)),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests;
