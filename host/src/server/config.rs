//! The server's settings: defaults, then a TOML file, then `LEADHOST_*`
//! environment variables, then command-line flags.

use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::{HttpLimits, MetricsToken};
use crate::runtime::Limits;
use crate::setup::Options;
use crate::store::Durability;

mod env;
mod ranges;

/// A setting is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with the key and line.
        message: String,
    },
    /// A number outside the range its setting allows.
    #[error("{key} ({env}) = {value}: must be between {min} and {max} ({why})")]
    OutOfRange {
        /// The key, as the file spells it (`[limits] min_wake_s`).
        key: &'static str,
        /// Its environment variable.
        env: &'static str,
        /// The value given.
        value: u64,
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
        /// The unit, or where the bound comes from.
        why: &'static str,
    },
    /// An environment variable has a value that does not parse.
    #[error("{name}=`{value}`: {problem}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is wrong.
        problem: String,
    },
}

/// The settings as a file (or the environment) gives them; all optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:8080`).
    pub listen: Option<SocketAddr>,
    /// The data folder (`leadhost-data`).
    pub data_dir: Option<PathBuf>,
    /// `flush` (acknowledge after fsync) or `relaxed`.
    pub durability: Option<Durability>,
    /// Per-call plug-in limits.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Request limits.
    #[serde(default)]
    pub http: HttpConfig,
}

/// `[limits]`: per plug-in call.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Fuel (Wasm instructions, roughly) per call.
    pub fuel: Option<u64>,
    /// Wall-clock deadline per call, in milliseconds.
    pub deadline_ms: Option<u64>,
    /// Memory per instance, in MiB.
    pub memory_mib: Option<usize>,
    /// Largest answer, in KiB.
    pub output_kib: Option<usize>,
    /// Operations of one org running at once (each calls its plug-ins).
    pub org_calls: Option<u32>,
    /// Operations of one org waiting for a turn before more get 503.
    pub org_queue: Option<u32>,
    /// Earliest a nurture track may wake a lead again, in seconds.
    pub min_wake_s: Option<u64>,
    /// Largest component the host compiles, in MiB.
    pub max_component_mib: Option<usize>,
    /// CPU time one compile may use, in milliseconds.
    pub compile_cpu_ms: Option<u64>,
}

/// `[http]`: per request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest single-item JSON body, in KiB.
    pub body_kib: Option<usize>,
    /// Largest batch, import or upload body, in MiB.
    pub bulk_mib: Option<usize>,
    /// Longest a request may take, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Longest a client may take to send a request's headers (counted from
    /// when the server waits for them, so also between keep-alive
    /// requests), in milliseconds.
    pub header_read_timeout_ms: Option<NonZeroU64>,
    /// A connection with no request in flight and no byte moving this long
    /// is closed, in milliseconds.
    pub idle_timeout_ms: Option<NonZeroU64>,
    /// Most connections open at once, per listener.
    pub max_connections: Option<NonZeroUsize>,
    /// A bearer token that reads `/metrics` only (16+ visible ASCII characters).
    pub metrics_token: Option<MetricsToken>,
    /// An address that serves `/metrics` and nothing else; the API listener
    /// then answers 404 for it.
    pub metrics_listen: Option<SocketAddr>,
    /// Most data rows a CSV import stores while the request waits; a
    /// larger file becomes an import job.
    pub import_sync_rows: Option<usize>,
}

/// Who may read `/metrics`, and where it is served.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `[http] metrics_token`.
    pub token: Option<MetricsToken>,
    /// `[http] metrics_listen`.
    pub listen: Option<SocketAddr>,
}

/// The settings, resolved.
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
}

impl ServerConfig {
    /// Reads a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path: path.into(),
            message: error.to_string(),
        })
    }

    /// Checks that every number is within its setting's range (see
    /// [`ConfigError::OutOfRange`]); [`ServerConfig::with_env`] does it once
    /// the variables are applied over the file.
    pub fn check(&self) -> Result<(), ConfigError> {
        ranges::check(self)
    }

    /// Fills in the defaults.
    pub fn resolve(self) -> Settings {
        let defaults = Limits::default();
        let limits = Limits {
            fuel: self.limits.fuel.unwrap_or(defaults.fuel),
            deadline: self
                .limits
                .deadline_ms
                .map_or(defaults.deadline, Duration::from_millis),
            memory_bytes: self
                .limits
                .memory_mib
                .map_or(defaults.memory_bytes, |mib| mib << 20),
            output_bytes: self
                .limits
                .output_kib
                .map_or(defaults.output_bytes, |kib| kib << 10),
            ..defaults
        };
        let http = HttpLimits::default();
        let engine = crate::engine::EngineConfig::default();
        let compiler = crate::runtime::Compiler::default();
        let shares = crate::engine::ShareLimits {
            calls: self.limits.org_calls.unwrap_or(engine.shares.calls),
            queue: self.limits.org_queue.unwrap_or(engine.shares.queue),
        };
        let min_wake = self.limits.min_wake_s.map_or(engine.min_wake, |seconds| {
            chrono::Duration::seconds(seconds.min(i64::MAX as u64 / 1000) as i64)
        });
        Settings {
            listen: self
                .listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: self
                .data_dir
                .unwrap_or_else(|| PathBuf::from("leadhost-data")),
            options: Options {
                durability: self.durability.unwrap_or_default(),
                limits,
                engine: crate::engine::EngineConfig {
                    shares,
                    min_wake,
                    ..engine
                },
                compiler: crate::runtime::Compiler {
                    max_bytes: self
                        .limits
                        .max_component_mib
                        .map_or(compiler.max_bytes, |mib| mib << 20),
                    cpu: self
                        .limits
                        .compile_cpu_ms
                        .map_or(compiler.cpu, Duration::from_millis),
                    worker: None,
                },
            },
            http: HttpLimits {
                body_bytes: self.http.body_kib.map_or(http.body_bytes, |kib| kib << 10),
                bulk_bytes: self.http.bulk_mib.map_or(http.bulk_bytes, |mib| mib << 20),
                timeout: self
                    .http
                    .timeout_ms
                    .map_or(http.timeout, Duration::from_millis),
                header_read_timeout: self
                    .http
                    .header_read_timeout_ms
                    .map_or(http.header_read_timeout, |ms| {
                        Duration::from_millis(ms.get())
                    }),
                idle_timeout: self
                    .http
                    .idle_timeout_ms
                    .map_or(http.idle_timeout, |ms| Duration::from_millis(ms.get())),
                max_connections: self
                    .http
                    .max_connections
                    .map_or(http.max_connections, NonZeroUsize::get),
                import_sync_rows: self.http.import_sync_rows.unwrap_or(http.import_sync_rows),
            },
            metrics: MetricsSettings {
                token: self.http.metrics_token,
                listen: self.http.metrics_listen,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file() {
        let file: ServerConfig = toml::from_str(
            "listen = \"127.0.0.1:9000\"\ndurability = \"relaxed\"\n[limits]\nfuel = 1000\n",
        )
        .unwrap();
        let env = |name: &str| (name == "LEADHOST_LIMITS_FUEL").then(|| "2000".to_string());
        let settings = file.with_env(env).unwrap().resolve();
        assert_eq!(settings.listen.port(), 9000);
        assert_eq!(settings.options.durability, Durability::Relaxed);
        assert_eq!(settings.options.limits.fuel, 2000);
        assert_eq!(settings.data_dir, PathBuf::from("leadhost-data"));
    }

    #[test]
    fn the_example_file_spells_out_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/serve/leadhost.toml");
        let example = ServerConfig::from_file(&path).unwrap().resolve();
        let defaults = ServerConfig::default().resolve();
        assert_eq!(example.listen, defaults.listen);
        assert_eq!(example.data_dir, defaults.data_dir);
        assert_eq!(example.options.durability, defaults.options.durability);
        assert_eq!(example.options.limits, defaults.options.limits);
        assert_eq!(
            example.options.engine.shares,
            defaults.options.engine.shares
        );
        assert_eq!(
            example.options.engine.min_wake,
            defaults.options.engine.min_wake
        );
        assert_eq!(
            example.options.compiler.max_bytes,
            defaults.options.compiler.max_bytes
        );
        assert_eq!(example.options.compiler.cpu, defaults.options.compiler.cpu);
        assert_eq!(example.http, defaults.http);
        assert_eq!(example.metrics, defaults.metrics);
        // The optional keys without a default are shown commented out.
        let text = std::fs::read_to_string(&path).unwrap();
        for key in ["metrics_token", "metrics_listen"] {
            assert!(text.contains(&format!("# {key} = ")), "{key}");
        }
    }

    #[test]
    fn connection_limits_and_metrics_access_are_settings() {
        let file: ServerConfig = toml::from_str(
            "[http]\nheader_read_timeout_ms = 500\nidle_timeout_ms = 700\nmax_connections = 3\n\
             metrics_listen = \"127.0.0.1:9100\"\n",
        )
        .unwrap();
        let env = |name: &str| {
            (name == "LEADHOST_HTTP_METRICS_TOKEN").then(|| "scrape-0123456789".to_string())
        };
        let settings = file.with_env(env).unwrap().resolve();
        assert_eq!(
            settings.http.header_read_timeout,
            Duration::from_millis(500)
        );
        assert_eq!(settings.http.idle_timeout, Duration::from_millis(700));
        assert_eq!(settings.http.max_connections, 3);
        assert_eq!(
            settings.metrics.listen,
            Some(SocketAddr::from(([127, 0, 0, 1], 9100)))
        );
        assert_eq!(
            settings.metrics.token,
            Some(MetricsToken::new("scrape-0123456789").unwrap())
        );

        for (toml, key) in [
            ("[http]\nmax_connections = 0\n", "max_connections"),
            ("[http]\nidle_timeout_ms = 0\n", "idle_timeout_ms"),
            ("[http]\nmetrics_token = \"short\"\n", "metrics_token"),
        ] {
            let error = toml::from_str::<ServerConfig>(toml)
                .unwrap_err()
                .to_string();
            assert!(error.contains(key), "{error}");
        }
        let env = |name: &str| (name == "LEADHOST_HTTP_METRICS_TOKEN").then(|| "short".to_string());
        let error = ServerConfig::default()
            .with_env(env)
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 16 characters"), "{error}");
        assert!(
            !error.contains("short"),
            "the secret is not echoed: {error}"
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        let error = toml::from_str::<ServerConfig>("[limits]\nfuel = \"lots\"\n").unwrap_err();
        assert!(error.to_string().contains("fuel"), "{error}");
        let error = toml::from_str::<ServerConfig>("port = 1\n").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `port`"),
            "{error}"
        );
        let env = |name: &str| (name == "LEADHOST_LISTEN").then(|| "nowhere".to_string());
        let error = ServerConfig::default().with_env(env).unwrap_err();
        assert!(
            error.to_string().starts_with("LEADHOST_LISTEN=`nowhere`"),
            "{error}"
        );
    }
}
