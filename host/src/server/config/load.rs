//! The layered loader: defaults, then the TOML file, then `LEADHOST_*`
//! variables, then flags, merged by figment, which remembers which layer
//! gave each value; so every error names the key and the file or the
//! variable. A key no setting has is refused before anything is read.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};

use super::error::{ConfigError, env_name, file_key};
use super::{ServerConfig, ranges};
use crate::runtime::Limits;

/// The flags of `leadhost serve` that are settings: the last layer.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--store`: a PostgreSQL database's URL (`store.url`).
    pub store: Option<String>,
}

/// Tables whose keys a `LEADHOST_<TABLE>_<KEY>` variable sets; a variable
/// of such a table that names no key is refused, naming the variable.
const TABLES: [&str; 6] = ["limits", "http", "scheduler", "delivery", "reload", "store"];

/// Keys outside the tables that a variable sets; other `LEADHOST_*`
/// variables are not settings (`LEADHOST_ADMIN_TOKEN`, ...) and are left alone.
const TOP: [&str; 3] = ["listen", "data_dir", "durability"];

/// `LEADHOST_*` variables that are not settings but are read elsewhere
/// (`serve`'s admin token, `plugin test`'s cache, the examples' toolchains):
/// never taken for a misspelt setting.
const NOT_SETTINGS: [&str; 3] = ["ADMIN_TOKEN", "CACHE_DIR", "TOOLS"];

/// How alike (Jaro-Winkler, 0–1) a variable's name must be to a setting's
/// (or to one of [`NOT_SETTINGS`]) for it to be refused as a misspelling of it; `LIMTS_FUEL` is 0.98 from
/// `LIMITS_FUEL`, while `CACHE_DIR` is 0.73 from `DATA_DIR`.
const MISSPELT: f64 = 0.85;

/// Keys whose variable is text as it is, never read as a number.
const TEXT: [&str; 6] = [
    "store.url",
    "listen",
    "data_dir",
    "durability",
    "http.metrics_token",
    "http.metrics_listen",
];

/// The key whose value is a secret: never repeated in an error.
const SECRET: &str = "http.metrics_token";

/// The name of the variables' layer.
const ENV: &str = "LEADHOST_* environment variables";

impl ServerConfig {
    /// Reads the settings: defaults, then `file` (TOML), then the
    /// `LEADHOST_*` ones of `vars` (`std::env::vars()` in `serve`), then
    /// `flags`. Refuses a key no setting has, a value of the wrong type and
    /// a number out of its range, each naming the key and where it was given.
    pub fn load(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
        flags: &Flags,
    ) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        if let Some(path) = file {
            // figment reads it; this only tells a missing file from a bad one.
            std::fs::File::open(path).map_err(|source| ConfigError::Read {
                path: path.into(),
                source,
            })?;
            figment = figment.merge(Toml::file_exact(path));
        }
        let vars: Vec<(String, String)> = vars.into_iter().collect();
        misspelt_variables(&vars)?;
        let env = EnvVars::new(vars);
        figment = figment.merge(env.clone());
        if let Some(listen) = flags.listen {
            figment = figment.merge(Serialized::default("listen", listen));
        }
        if let Some(data_dir) = &flags.data_dir {
            figment = figment.merge(Serialized::default("data_dir", data_dir));
        }
        if let Some(url) = &flags.store {
            figment = figment.merge(Serialized::default("store.url", url));
        }
        let from = |key: &str| from(&figment, &env, key);
        let invalid = |error: figment::Error, table: Option<&str>| {
            let key = table
                .into_iter()
                .map(str::to_string)
                .chain(error.path.iter().cloned())
                .collect::<Vec<_>>()
                .join(".");
            let problem = match key.as_str() {
                // The value, or the line it is on, may be the secret.
                // A wrong type or value repeats what was given: the secret.
                SECRET => match &error.kind {
                    figment::error::Kind::InvalidType(_, expected)
                    | figment::error::Kind::InvalidValue(_, expected) => format!(
                        "must be {expected}, as in `metrics_token = \"…\"` (what was given is not repeated: it is a secret)"
                    ),
                    other => other.to_string(),
                },
                "" => without_excerpt(&error.kind.to_string()),
                _ => error.kind.to_string(),
            };
            let (key, from) = if key.is_empty() {
                let file = file.map_or("the settings".into(), |path| path.display().to_string());
                (None, file)
            } else {
                (Some(file_key(&key)), from(&key))
            };
            ConfigError::Invalid {
                key,
                from,
                problem,
                source: Box::new(error),
            }
        };
        let data = figment.data().map_err(|error| invalid(error, None))?;
        unknown_keys(&data, &from)?;
        // The runtime's limits are flattened into `[limits]`; read them on
        // their own first so that an error names the key within the table.
        figment
            .focus("limits")
            .extract::<Limits>()
            .map_err(|error| invalid(error, Some("limits")))?;
        let config: ServerConfig = figment.extract().map_err(|error| invalid(error, None))?;
        ranges::check(&config, &from)?;
        Ok(config)
    }
}

/// Where the value of `key` came from: the file, the variable (with its
/// value, unless a secret), the flag, or the default.
fn from(figment: &Figment, env: &EnvVars, key: &str) -> String {
    match figment.find_metadata(key) {
        None => "the default".into(),
        Some(Metadata {
            source: Some(Source::File(path)),
            ..
        }) => path.display().to_string(),
        Some(metadata) if metadata.name == ENV => match env.value(key) {
            Some(_) if key == SECRET => format!("{}=<secret>", env_name(key)),
            // Its password, if any, is not repeated.
            Some(value) if key == "store.url" => {
                format!(
                    "{}=`{}`",
                    env_name(key),
                    leadhost_store_postgres::redact(value)
                )
            }
            Some(value) => format!("{}=`{value}`", env_name(key)),
            None => env_name(key),
        },
        Some(_) => format!("--{}", key.replace('_', "-")),
    }
}

/// A TOML parse error without the excerpt of the file it quotes (the line
/// may hold a secret, such as `metrics_token`): `TOML parse error at line
/// 2, column 28: invalid basic string`.
fn without_excerpt(message: &str) -> String {
    let quoted = |line: &&str| {
        let line = line.trim_start();
        line.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start()
            .starts_with('|')
    };
    message
        .lines()
        .filter(|line| !line.trim().is_empty() && !quoted(line))
        .collect::<Vec<_>>()
        .join(": ")
}

/// Refuses the first key in `data` that no setting has, suggesting the
/// nearest one that exists.
fn unknown_keys(
    data: &Map<Profile, Dict>,
    from: &impl Fn(&str) -> String,
) -> Result<(), ConfigError> {
    let (tables, keys) = settings();
    let mut given = Vec::new();
    for dict in data.values() {
        walk(dict, "", &tables, &mut given);
    }
    let Some(key) = given.into_iter().find(|key| !keys.contains(key)) else {
        return Ok(());
    };
    let from = from(&key);
    let by_env = from.starts_with("LEADHOST_");
    // A variable no setting reads may hold a secret (a misspelt token's):
    // name it, never repeat its value.
    let from = match from.split_once('=') {
        Some((name, _)) if by_env => name.to_string(),
        _ => from,
    };
    let suggestion = keys
        .iter()
        .map(|known| (strsim::jaro_winkler(&key, known), known))
        .filter(|(likeness, _)| *likeness >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| {
            if by_env {
                env_name(known)
            } else {
                file_key(known)
            }
        });
    Err(ConfigError::UnknownKey {
        key: file_key(&key),
        from,
        suggestion,
    })
}

/// Refuses a `LEADHOST_*` variable that no setting reads but that is
/// spelt almost like one (`LEADHOST_LIMTS_FUEL`): left alone, it would
/// silently leave the setting at its default. Variables unlike any setting
/// (`LEADHOST_BIN` of a test harness) are not settings and are left alone.
fn misspelt_variables(vars: &[(String, String)]) -> Result<(), ConfigError> {
    let (_, keys) = settings();
    // The variables read elsewhere are candidates too: a misspelt
    // `LEADHOST_ADMIN_TOKN` would otherwise start the server without the
    // admin token its operator meant to set.
    let settings: Vec<String> = keys
        .iter()
        .map(|key| key.replace('.', "_").to_ascii_uppercase())
        .chain(NOT_SETTINGS.iter().map(|name| name.to_string()))
        .collect();
    for (name, _) in vars {
        let Some(rest) = name.strip_prefix("LEADHOST_") else {
            continue;
        };
        let rest = rest.to_ascii_uppercase();
        if NOT_SETTINGS.contains(&rest.as_str()) || EnvVars::key(&rest).is_some() {
            continue;
        }
        let nearest = settings
            .iter()
            .map(|setting| (strsim::jaro_winkler(&rest, setting), setting))
            .filter(|(likeness, _)| *likeness >= MISSPELT)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, setting)) = nearest {
            return Err(ConfigError::UnknownVariable {
                name: name.clone(),
                suggestion: format!("LEADHOST_{setting}"),
            });
        }
    }
    Ok(())
}

/// The tables and keys of the settings, as dotted paths (`limits`,
/// `limits.fuel`).
fn settings() -> (BTreeSet<String>, BTreeSet<String>) {
    let defaults = serde_json::to_value(ServerConfig::default()).expect("settings serialize");
    let (mut tables, mut keys) = (BTreeSet::new(), BTreeSet::new());
    known(&defaults, "", &mut tables, &mut keys);
    (tables, keys)
}

/// The tables and keys under `value`, as dotted paths.
fn known(
    value: &serde_json::Value,
    prefix: &str,
    tables: &mut BTreeSet<String>,
    keys: &mut BTreeSet<String>,
) {
    let serde_json::Value::Object(fields) = value else {
        return;
    };
    for (name, value) in fields {
        let path = format!("{prefix}{name}");
        if value.is_object() {
            known(value, &format!("{path}."), tables, keys);
            tables.insert(path);
        } else {
            keys.insert(path);
        }
    }
}

/// The keys given in `dict`, as dotted paths, into the known tables only.
fn walk(dict: &Dict, prefix: &str, tables: &BTreeSet<String>, given: &mut Vec<String>) {
    for (name, value) in dict {
        let path = format!("{prefix}{name}");
        match value {
            Value::Dict(_, inner) if tables.contains(&path) => {
                walk(inner, &format!("{path}."), tables, given)
            }
            _ => given.push(path),
        }
    }
}

/// The `LEADHOST_*` variables that are settings, as a figment layer:
/// `LEADHOST_LIMITS_FUEL=2000` is `[limits] fuel = 2000`.
#[derive(Debug, Clone)]
struct EnvVars {
    /// Key path and value, in the order given.
    vars: Vec<(String, String)>,
}

impl EnvVars {
    fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let vars = vars
            .into_iter()
            .filter_map(|(name, value)| {
                let key = EnvVars::key(name.strip_prefix("LEADHOST_")?)?;
                Some((key, value))
            })
            .collect();
        EnvVars { vars }
    }

    /// The key a variable's name (without `LEADHOST_`) sets, if it is one
    /// of a setting's table or a top-level setting: `LIMITS_FUEL` is
    /// `limits.fuel`.
    fn key(name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        // `LEADHOST_STORE` names the store itself: its URL.
        if name == "store" {
            return Some("store.url".into());
        }
        match TABLES
            .iter()
            .find_map(|table| Some((table, name.strip_prefix(table)?.strip_prefix('_')?)))
        {
            Some((table, key)) => Some(format!("{table}.{key}")),
            None if TOP.contains(&name.as_str()) => Some(name),
            None => None,
        }
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

impl Provider for EnvVars {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENV)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, text) in &self.vars {
            let value = if TEXT.contains(&key.as_str()) {
                Value::from(text.trim().to_string())
            } else {
                text.trim()
                    .parse()
                    .expect("parsing a figment value is infallible")
            };
            match key.split_once('.') {
                Some((table, key)) => {
                    let table = dict
                        .entry(table.to_string())
                        .or_insert_with(|| Value::Dict(Tag::Default, Dict::new()));
                    if let Value::Dict(_, table) = table {
                        table.insert(key.to_string(), value);
                    }
                }
                None => {
                    dict.insert(key.clone(), value);
                }
            }
        }
        Ok(Profile::Default.collect(dict))
    }
}
