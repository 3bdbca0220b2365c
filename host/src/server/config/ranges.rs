//! The range each numeric setting must fall in. A value outside it is
//! refused at start-up, naming the key, its `LEADHOST_*` variable and the
//! range — rather than overflowing (a MiB count shifted past `usize`, a
//! number of seconds added to a date) or quietly disabling what it sets
//! (a compile budget of 0 refuses every plug-in).

use super::{ConfigError, ServerConfig};

/// One numeric setting: its key as the file spells it, its variable, its
/// bounds (inclusive) and what the unit or bound means.
struct Range {
    key: &'static str,
    env: &'static str,
    min: u64,
    max: u64,
    why: &'static str,
}

impl Range {
    fn check(&self, value: Option<u64>) -> Result<(), ConfigError> {
        match value {
            Some(value) if value < self.min || value > self.max => Err(ConfigError::OutOfRange {
                key: self.key,
                env: self.env,
                value,
                min: self.min,
                max: self.max,
                why: self.why,
            }),
            _ => Ok(()),
        }
    }
}

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;

/// Checks every numeric setting `config` holds.
pub(super) fn check(config: &ServerConfig) -> Result<(), ConfigError> {
    let (limits, http) = (&config.limits, &config.http);
    let as_u64 = |value: Option<usize>| value.map(|value| value as u64);
    let ranges: [(Range, Option<u64>); 16] = [
        (
            range(
                "[limits] fuel",
                "LEADHOST_LIMITS_FUEL",
                1_000,
                1_000_000_000_000,
                "Wasm instructions per call, roughly; 10^12 is many minutes of CPU",
            ),
            limits.fuel,
        ),
        (
            range(
                "[limits] deadline_ms",
                "LEADHOST_LIMITS_DEADLINE_MS",
                1,
                10 * MINUTE_MS,
                "milliseconds per call",
            ),
            limits.deadline_ms,
        ),
        (
            range(
                "[limits] memory_mib",
                "LEADHOST_LIMITS_MEMORY_MIB",
                1,
                4096,
                "MiB per instance; 32-bit Wasm memories end at 4 GiB",
            ),
            as_u64(limits.memory_mib),
        ),
        (
            range(
                "[limits] output_kib",
                "LEADHOST_LIMITS_OUTPUT_KIB",
                1,
                64 * 1024,
                "KiB per answer",
            ),
            as_u64(limits.output_kib),
        ),
        (
            range(
                "[limits] org_calls",
                "LEADHOST_LIMITS_ORG_CALLS",
                1,
                1024,
                "operations of one org at once",
            ),
            limits.org_calls.map(u64::from),
        ),
        (
            range(
                "[limits] org_queue",
                "LEADHOST_LIMITS_ORG_QUEUE",
                0,
                1_000_000,
                "operations of one org waiting",
            ),
            limits.org_queue.map(u64::from),
        ),
        (
            range(
                "[limits] min_wake_s",
                "LEADHOST_LIMITS_MIN_WAKE_S",
                0,
                366 * 24 * 3600,
                "seconds; at most a year",
            ),
            limits.min_wake_s,
        ),
        (
            range(
                "[limits] max_component_mib",
                "LEADHOST_LIMITS_MAX_COMPONENT_MIB",
                1,
                1024,
                "MiB per component",
            ),
            as_u64(limits.max_component_mib),
        ),
        (
            range(
                "[limits] compile_cpu_ms",
                "LEADHOST_LIMITS_COMPILE_CPU_MS",
                100,
                HOUR_MS,
                "CPU milliseconds per compile; a small component takes ~100",
            ),
            limits.compile_cpu_ms,
        ),
        (
            range(
                "[http] body_kib",
                "LEADHOST_HTTP_BODY_KIB",
                1,
                64 * 1024,
                "KiB per body",
            ),
            as_u64(http.body_kib),
        ),
        (
            range(
                "[http] bulk_mib",
                "LEADHOST_HTTP_BULK_MIB",
                1,
                1024,
                "MiB per batch, import or upload",
            ),
            as_u64(http.bulk_mib),
        ),
        (
            range(
                "[http] timeout_ms",
                "LEADHOST_HTTP_TIMEOUT_MS",
                1,
                HOUR_MS,
                "milliseconds per request",
            ),
            http.timeout_ms,
        ),
        (
            range(
                "[http] header_read_timeout_ms",
                "LEADHOST_HTTP_HEADER_READ_TIMEOUT_MS",
                1,
                HOUR_MS,
                "milliseconds",
            ),
            http.header_read_timeout_ms.map(|ms| ms.get()),
        ),
        (
            range(
                "[http] idle_timeout_ms",
                "LEADHOST_HTTP_IDLE_TIMEOUT_MS",
                1,
                24 * HOUR_MS,
                "milliseconds",
            ),
            http.idle_timeout_ms.map(|ms| ms.get()),
        ),
        (
            range(
                "[http] max_connections",
                "LEADHOST_HTTP_MAX_CONNECTIONS",
                1,
                1_000_000,
                "connections per listener",
            ),
            as_u64(http.max_connections.map(|count| count.get())),
        ),
        (
            range(
                "[http] import_sync_rows",
                "LEADHOST_HTTP_IMPORT_SYNC_ROWS",
                0,
                100_000,
                "rows stored while the request waits; 0 makes every import a job",
            ),
            as_u64(http.import_sync_rows),
        ),
    ];
    ranges
        .iter()
        .try_for_each(|(range, value)| range.check(*value))
}

fn range(key: &'static str, env: &'static str, min: u64, max: u64, why: &'static str) -> Range {
    Range {
        key,
        env,
        min,
        max,
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(toml: &str) -> String {
        let config: ServerConfig = toml::from_str(toml).unwrap();
        check(&config).unwrap_err().to_string()
    }

    #[test]
    fn values_that_would_overflow_or_disable_a_limit_are_refused_by_name() {
        for (toml, key) in [
            (
                "[limits]\nmin_wake_s = 18446744073709551615\n",
                "[limits] min_wake_s",
            ),
            ("[limits]\norg_queue = 4294967295\n", "[limits] org_queue"),
            ("[limits]\norg_calls = 0\n", "[limits] org_calls"),
            (
                "[limits]\nmax_component_mib = 17592186044416\n",
                "[limits] max_component_mib",
            ),
            (
                "[limits]\nmemory_mib = 17592186044416\n",
                "[limits] memory_mib",
            ),
            ("[limits]\ncompile_cpu_ms = 0\n", "[limits] compile_cpu_ms"),
            ("[limits]\nfuel = 0\n", "[limits] fuel"),
            ("[http]\nbulk_mib = 17592186044416\n", "[http] bulk_mib"),
            ("[http]\ntimeout_ms = 0\n", "[http] timeout_ms"),
        ] {
            let error = refused(toml);
            assert!(error.starts_with(key), "{toml}: {error}");
            assert!(error.contains("must be between"), "{error}");
        }
    }

    #[test]
    fn variables_are_checked_too_and_say_what_they_expect() {
        let env = |value: &'static str| {
            move |name: &str| (name == "LEADHOST_LIMITS_ORG_CALLS").then(|| value.to_string())
        };
        let error = ServerConfig::default().with_env(env("-1")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("expected a whole number, 0 or more"),
            "{error}"
        );
        let error = ServerConfig::default().with_env(env("5000")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("[limits] org_calls (LEADHOST_LIMITS_ORG_CALLS) = 5000"),
            "{error}"
        );
    }

    #[test]
    fn the_defaults_and_the_bounds_themselves_pass() {
        check(&ServerConfig::default()).unwrap();
        let config: ServerConfig = toml::from_str(
            "[limits]\norg_calls = 1\norg_queue = 0\nmin_wake_s = 0\ncompile_cpu_ms = 100\n\
             [http]\nimport_sync_rows = 0\nmax_connections = 1000000\n",
        )
        .unwrap();
        check(&config).unwrap();
    }
}
