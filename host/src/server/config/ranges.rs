//! The range each numeric setting must fall in. A value outside it is
//! refused at start-up, naming the key, its `LEADHOST_*` variable, the
//! range and where the value was given — rather than overflowing (a MiB
//! count shifted past `usize`, a number of seconds added to a date) or
//! quietly disabling what it sets (a compile budget of 0 refuses every
//! plug-in, a batch of at most 0 items refuses every batch).

use super::ServerConfig;
use super::error::{ConfigError, env_name, file_key};

const SECOND_MS: u64 = 1000;
const MINUTE_MS: u64 = 60 * SECOND_MS;
const HOUR_MS: u64 = 60 * MINUTE_MS;

/// One numeric setting: its key (dotted), its value in the key's unit, its
/// bounds (inclusive) and what the unit or bound means.
type Range = (&'static str, u64, u64, u64, &'static str);

/// Checks every numeric setting of `config`; `from` says where a key's
/// value was given.
pub(super) fn check(
    config: &ServerConfig,
    from: &impl Fn(&str) -> String,
) -> Result<(), ConfigError> {
    let (limits, call, http) = (&config.limits, &config.limits.call, &config.http);
    let (scheduler, delivery) = (&config.scheduler, &config.delivery);
    let units = |bytes: usize, shift: u32| (bytes as u64).div_ceil(1 << shift);
    #[rustfmt::skip]
    let ranges: [Range; 35] = [
        ("limits.fuel", call.fuel, 1_000, 1_000_000_000_000, "Wasm instructions per call, roughly; 10^12 is many minutes of CPU"),
        ("limits.deadline_ms", call.deadline.as_millis() as u64, 1, 10 * MINUTE_MS, "milliseconds per call"),
        ("limits.epoch_tick_ms", call.epoch_tick.as_millis() as u64, 1, SECOND_MS, "milliseconds; the deadline is accurate to one tick"),
        ("limits.memory_mib", units(call.memory_bytes, 20), 1, 4096, "MiB per instance; 32-bit Wasm memories end at 4 GiB"),
        ("limits.output_kib", units(call.output_bytes, 10), 1, 64 * 1024, "KiB per answer"),
        ("limits.stdio_kib", units(call.stdio_bytes, 10), 0, 64 * 1024, "KiB of stdout and of stderr kept per call"),
        ("limits.log_lines", call.log_lines as u64, 0, 100_000, "log lines kept per call"),
        ("limits.log_line_bytes", call.log_line_bytes as u64, 1, 1 << 20, "bytes per log line"),
        ("limits.concurrent_calls", u64::from(call.concurrent_calls), 1, 10_000, "calls at once; each reserves an instance slot"),
        ("limits.org_calls", u64::from(limits.org_calls), 1, 1024, "operations of one org at once"),
        ("limits.org_queue", u64::from(limits.org_queue), 0, 1_000_000, "operations of one org waiting"),
        ("limits.min_wake_s", limits.min_wake_s, 0, 366 * 24 * 3600, "seconds; at most a year"),
        ("limits.max_component_mib", limits.max_component_mib as u64, 1, 1024, "MiB per component"),
        ("limits.org_disk_mib", limits.org_disk_mib, 1, 1 << 20, "MiB of plug-in files per org"),
        ("limits.max_script_kib", limits.max_script_kib as u64, 1, 1024, "KiB per admin script; a rule is a page or two"),
        ("limits.compile_cpu_ms", limits.compile_cpu_ms, 100, HOUR_MS, "CPU milliseconds per compile; a small component takes ~100"),
        ("http.body_kib", http.body_kib as u64, 1, 64 * 1024, "KiB per body"),
        ("http.bulk_mib", http.bulk_mib as u64, 1, 1024, "MiB per batch, import or upload"),
        ("http.timeout_ms", http.timeout_ms, 1, HOUR_MS, "milliseconds per request"),
        ("http.header_read_timeout_ms", http.header_read_timeout_ms, 1, HOUR_MS, "milliseconds"),
        ("http.idle_timeout_ms", http.idle_timeout_ms, 1, 24 * HOUR_MS, "milliseconds"),
        ("http.max_connections", http.max_connections as u64, 1, 1_000_000, "connections per listener"),
        ("http.import_sync_rows", http.import_sync_rows as u64, 0, 100_000, "rows stored while the request waits; 0 makes every import a job"),
        ("http.batch_max", http.batch_max as u64, 1, 100_000, "items per batch request"),
        ("http.drain_timeout_ms", http.drain_timeout_ms, 0, HOUR_MS, "milliseconds a stop waits for requests in flight"),
        ("scheduler.wake_interval_ms", scheduler.wake_interval_ms, 10, HOUR_MS, "milliseconds between looks for due wake-ups"),
        ("scheduler.wake_batch", scheduler.wake_batch as u64, 1, 100_000, "steps of one org before the next org's turn"),
        ("scheduler.orgs_at_once", scheduler.orgs_at_once as u64, 1, 1024, "orgs whose steps run at once"),
        ("scheduler.launch_check_ms", scheduler.launch_check_ms, 10, HOUR_MS, "milliseconds between looks for campaign launches to announce"),
        ("delivery.interval_ms", delivery.interval_ms, 10, HOUR_MS, "milliseconds between looks at the outbox"),
        ("delivery.round_size", delivery.round_size as u64, 1, 100_000, "messages per round"),
        ("reload.debounce_ms", config.reload.debounce_ms, 1, MINUTE_MS, "milliseconds an org's files must be quiet"),
        ("reload.impact_sample", config.reload.impact_sample as u64, 0, 100_000, "recorded inputs a new version runs on; 0 turns the impact check off"),
        ("store.cache_mib", config.store.cache_mib, 1, 1 << 20, "MiB of sled's page cache"),
        ("store.input_retention_days", config.store.input_retention_days, 0, 36_500, "days recorded inputs are kept; 0 keeps them for ever"),
    ];
    for (key, value, min, max, why) in ranges {
        if !(min..=max).contains(&value) {
            return Err(ConfigError::OutOfRange {
                key: file_key(key),
                env: env_name(key),
                value,
                min,
                max,
                why,
                from: from(key),
            });
        }
    }
    Ok(())
}
