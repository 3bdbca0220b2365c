//! The server's settings: defaults, then a TOML file, then `LEADHOST_*`
//! environment variables, then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::HttpLimits;
use crate::runtime::Limits;
use crate::setup::Options;
use crate::store::Durability;

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
    /// Most data rows a CSV import stores while the request waits; a
    /// larger file becomes an import job.
    pub import_sync_rows: Option<usize>,
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
    /// Request limits.
    pub http: HttpLimits,
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

    /// Applies `LEADHOST_*` variables from `lookup` over the file's values.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        fn parse<T: std::str::FromStr>(
            lookup: &impl Fn(&str) -> Option<String>,
            name: &'static str,
            slot: &mut Option<T>,
        ) -> Result<(), ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            if let Some(value) = lookup(name) {
                let parsed = value
                    .trim()
                    .parse()
                    .map_err(|error: T::Err| ConfigError::Env {
                        name,
                        value: value.clone(),
                        problem: error.to_string(),
                    })?;
                *slot = Some(parsed);
            }
            Ok(())
        }
        parse(&lookup, "LEADHOST_LISTEN", &mut self.listen)?;
        parse(&lookup, "LEADHOST_DATA_DIR", &mut self.data_dir)?;
        if let Some(value) = lookup("LEADHOST_DURABILITY") {
            self.durability = Some(match value.trim() {
                "flush" => Durability::Flush,
                "relaxed" => Durability::Relaxed,
                _ => {
                    return Err(ConfigError::Env {
                        name: "LEADHOST_DURABILITY",
                        value,
                        problem: "expected `flush` or `relaxed`".into(),
                    });
                }
            });
        }
        parse(&lookup, "LEADHOST_LIMITS_FUEL", &mut self.limits.fuel)?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_DEADLINE_MS",
            &mut self.limits.deadline_ms,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_MEMORY_MIB",
            &mut self.limits.memory_mib,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_OUTPUT_KIB",
            &mut self.limits.output_kib,
        )?;
        parse(&lookup, "LEADHOST_HTTP_BODY_KIB", &mut self.http.body_kib)?;
        parse(&lookup, "LEADHOST_HTTP_BULK_MIB", &mut self.http.bulk_mib)?;
        parse(
            &lookup,
            "LEADHOST_HTTP_TIMEOUT_MS",
            &mut self.http.timeout_ms,
        )?;
        parse(
            &lookup,
            "LEADHOST_HTTP_IMPORT_SYNC_ROWS",
            &mut self.http.import_sync_rows,
        )?;
        Ok(self)
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
                ..Options::default()
            },
            http: HttpLimits {
                body_bytes: self.http.body_kib.map_or(http.body_bytes, |kib| kib << 10),
                bulk_bytes: self.http.bulk_mib.map_or(http.bulk_bytes, |mib| mib << 20),
                timeout: self
                    .http
                    .timeout_ms
                    .map_or(http.timeout, Duration::from_millis),
                import_sync_rows: self.http.import_sync_rows.unwrap_or(http.import_sync_rows),
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
        assert_eq!(example.http, defaults.http);
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
