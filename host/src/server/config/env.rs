//! `LEADHOST_*` environment variables over the file's settings: each parsed
//! as its setting's type, with an error that says what it expected.

use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;

use super::{ConfigError, ServerConfig};
use crate::api::MetricsToken;
use crate::store::Durability;

/// A value an environment variable can hold, and how to say what it must look like.
trait Setting: std::str::FromStr {
    /// `a whole number`, `an address like 127.0.0.1:8080`, ...
    const EXPECTED: &'static str;
}

macro_rules! setting {
    ($($type:ty => $expected:literal),* $(,)?) => {$(
        impl Setting for $type {
            const EXPECTED: &'static str = $expected;
        }
    )*};
}

setting! {
    u32 => "a whole number, 0 or more",
    u64 => "a whole number, 0 or more",
    usize => "a whole number, 0 or more",
    NonZeroU64 => "a whole number, 1 or more",
    NonZeroUsize => "a whole number, 1 or more",
    SocketAddr => "an address and port like 127.0.0.1:8080",
    PathBuf => "a path",
}

impl ServerConfig {
    /// Applies `LEADHOST_*` variables from `lookup` over the file's values.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        fn parse<T: Setting>(
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
                        problem: format!("expected {} ({error})", T::EXPECTED),
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
        parse(
            &lookup,
            "LEADHOST_LIMITS_ORG_CALLS",
            &mut self.limits.org_calls,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_ORG_QUEUE",
            &mut self.limits.org_queue,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_MIN_WAKE_S",
            &mut self.limits.min_wake_s,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_MAX_COMPONENT_MIB",
            &mut self.limits.max_component_mib,
        )?;
        parse(
            &lookup,
            "LEADHOST_LIMITS_COMPILE_CPU_MS",
            &mut self.limits.compile_cpu_ms,
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
            "LEADHOST_HTTP_HEADER_READ_TIMEOUT_MS",
            &mut self.http.header_read_timeout_ms,
        )?;
        parse(
            &lookup,
            "LEADHOST_HTTP_IDLE_TIMEOUT_MS",
            &mut self.http.idle_timeout_ms,
        )?;
        parse(
            &lookup,
            "LEADHOST_HTTP_MAX_CONNECTIONS",
            &mut self.http.max_connections,
        )?;
        if let Some(value) = lookup("LEADHOST_HTTP_METRICS_TOKEN") {
            // A secret: the error names the variable, not the value.
            let token = MetricsToken::new(value.trim()).map_err(|error| ConfigError::Env {
                name: "LEADHOST_HTTP_METRICS_TOKEN",
                value: "<secret>".into(),
                problem: error.to_string(),
            })?;
            self.http.metrics_token = Some(token);
        }
        parse(
            &lookup,
            "LEADHOST_HTTP_METRICS_LISTEN",
            &mut self.http.metrics_listen,
        )?;
        parse(
            &lookup,
            "LEADHOST_HTTP_IMPORT_SYNC_ROWS",
            &mut self.http.import_sync_rows,
        )?;
        self.check()?;
        Ok(self)
    }
}
