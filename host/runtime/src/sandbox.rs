//! What a guest gets for one call: a deny-all, deterministic WASI context,
//! a memory limiter and a bounded log. Owned by the call's `Store`, so
//! nothing survives from one call to the next.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{
    Deterministic, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView,
    WasiView,
};

use super::wasi::pipe::CappedPipe;
use super::{Limits, PluginId};
use guest_log::GuestLog;
use leadhost_model::Time;

mod guest_log;

/// Who a call is for: the fields every log line of the call carries.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The org the call is made for.
    pub org: String,
}

impl CallContext {
    /// A call for `org`.
    pub fn for_org(org: impl Into<String>) -> Self {
        CallContext { org: org.into() }
    }
}

/// Log levels a guest may use (mirrors the WIT `log.level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestLevel {
    /// Fine detail.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something looks wrong.
    Warn,
    /// Something went wrong.
    Error,
}

/// The store data of one call.
pub struct CallState {
    /// Deny-all WASI: no files, env, args or sockets; fixed clocks; seeded random.
    wasi: WasiCtx,
    /// What the guest's wall clock reads: the call's `now`, in ms since the epoch.
    wall: Arc<AtomicI64>,
    /// WASI's resources (streams) for this call.
    table: ResourceTable,
    /// Caps the guest's memory.
    pub(super) limiter: MemoryLimiter,
    /// The guest's stdout, kept (capped) for the host's log.
    stdout: CappedPipe,
    /// The guest's stderr, kept (capped) for the log and for trap messages (panics).
    stderr: CappedPipe,
    /// Tags and caps for the guest's `log` lines.
    log: GuestLog,
    /// Fuel the call's host calls owe for the data they moved; collected
    /// when the host returns to the guest (see `wasi::charge`).
    owed: u64,
}

impl CallState {
    /// A fresh sandbox for one call of `plugin` about `lead` at `now`.
    pub fn new(
        plugin: &PluginId,
        context: &CallContext,
        lead: &str,
        now: Time,
        limits: &Limits,
    ) -> Self {
        let stdout = CappedPipe::new(limits.stdio_bytes);
        let stderr = CappedPipe::new(limits.stdio_bytes);
        // The same plug-in, lead and time always see the same "random" bytes,
        // so a decision can be replayed exactly.
        let seed: [u8; 32] = Sha256::new()
            .chain_update(plugin.hash.as_bytes())
            .chain_update(lead.as_bytes())
            .chain_update(now.timestamp_millis().to_le_bytes())
            .finalize()
            .into();
        let wall = Arc::new(AtomicI64::new(now.timestamp_millis()));
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(FixedWallClock(wall.clone()))
            .monotonic_clock(FrozenMonotonicClock)
            .secure_random(Deterministic::new(seed.to_vec()))
            .insecure_random(Deterministic::new(seed.iter().rev().copied().collect()))
            .insecure_random_seed(u128::from_le_bytes(
                seed[..16].try_into().expect("16 bytes"),
            ))
            .max_random_size(super::wasi::MAX_RANDOM_BYTES)
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .build();
        CallState {
            wasi,
            wall,
            table: ResourceTable::new(),
            limiter: MemoryLimiter {
                limit: limits.memory_bytes,
                used: 0,
                refused: None,
            },
            stdout,
            stderr,
            log: GuestLog {
                org: context.org.clone(),
                plugin: plugin.to_string(),
                lines: 0,
                max_lines: limits.log_lines,
                max_line_bytes: limits.log_line_bytes,
                problems: Default::default(),
            },
            owed: 0,
        }
    }

    /// The call's WASI resources and the fuel its host calls owe.
    pub(super) fn resources(&mut self) -> (&mut ResourceTable, &mut u64) {
        (&mut self.table, &mut self.owed)
    }

    /// The call's random sources and the fuel its host calls owe.
    pub(super) fn random_and_owed(
        &mut self,
    ) -> (&mut wasmtime_wasi::random::WasiRandomCtx, &mut u64) {
        (self.wasi.random(), &mut self.owed)
    }

    /// Takes the fuel owed so far (see `wasi::charge`).
    pub(super) fn take_owed(&mut self) -> u64 {
        std::mem::take(&mut self.owed)
    }

    /// Charges `bytes` of data a host call moved to the call's fuel.
    pub(super) fn owe(&mut self, bytes: usize) {
        self.owed = self.owed.saturating_add(bytes as u64);
    }

    /// Readies the sandbox of a kept instance for another call of `plugin`
    /// for `context` at `now`: its clock reads `now`, its output, log and
    /// memory refusal start empty. Its random sources go on from where
    /// they were: only a component that reads none may be reused (the
    /// script host), so no answer depends on them.
    pub(super) fn reuse_for(&mut self, plugin: &PluginId, context: &CallContext, now: Time) {
        self.set_now(now);
        self.stdout.clear();
        self.stderr.clear();
        self.log.org.clone_from(&context.org);
        self.log.plugin = plugin.to_string();
        self.log.lines = 0;
        self.log.problems.clear();
        self.limiter.refused = None;
        self.owed = 0;
    }

    /// The size of the instance's memories, in bytes.
    pub(super) fn memory_bytes(&self) -> usize {
        self.limiter.used
    }

    /// Moves the guest's wall clock to `now` (for an instance reused across calls).
    pub(super) fn set_now(&mut self, now: Time) {
        self.wall.store(now.timestamp_millis(), Ordering::Relaxed);
    }

    /// The longest `log` line kept, in bytes.
    pub(super) fn log_line_cap(&self) -> usize {
        self.log.max_line_bytes
    }

    /// Writes one guest `log` line to the host's log.
    pub(super) fn log(&mut self, level: GuestLevel, message: &str) {
        self.log.write(level, message);
    }

    /// The guest's last `warn` and `error` log lines (at most
    /// [`guest_log::KEPT_PROBLEM_LINES`]), one line each, for a trap's message.
    pub(super) fn logged_problems(&self) -> Vec<String> {
        self.log.problems.iter().cloned().collect()
    }

    /// The guest's stderr so far (lossy UTF-8).
    pub(super) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }

    /// Sends what the guest printed to the host's log, tagged with the org and plug-in.
    pub(super) fn flush_stdio(&self) {
        let (org, plugin) = (&self.log.org, &self.log.plugin);
        for line in String::from_utf8_lossy(&self.stdout.contents()).lines() {
            let line = one_line(line);
            tracing::info!(target: "leadhost::guest", org, plugin, stream = "stdout", "{line}");
        }
        for line in String::from_utf8_lossy(&self.stderr.contents()).lines() {
            let line = one_line(line);
            tracing::warn!(target: "leadhost::guest", org, plugin, stream = "stderr", "{line}");
        }
        for (stream, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let dropped = pipe.dropped();
            if dropped > 0 {
                tracing::warn!(target: "leadhost::guest", org, plugin, stream, dropped, "output past the cap was dropped");
            }
        }
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The guest's wall clock reads the call's `now`, always.
struct FixedWallClock(Arc<AtomicI64>);

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::Relaxed).max(0) as u64)
    }
}

/// The guest's monotonic clock never moves: elapsed time is not an input.
struct FrozenMonotonicClock;

impl HostMonotonicClock for FrozenMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        0
    }
}

/// Caps the total linear memory of one instance and remembers a refusal, so
/// the trap that usually follows can be reported as what it is.
pub(super) struct MemoryLimiter {
    /// Most bytes, summed over the instance's memories.
    pub(super) limit: usize,
    /// Bytes in use now.
    used: usize,
    /// The total the guest asked for when it was refused.
    pub(super) refused: Option<usize>,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.used - current.min(self.used) + desired;
        if total > self.limit {
            self.refused = Some(total);
            return Ok(false);
        }
        self.used = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a rule needs a few thousand at most.
        Ok(desired <= 1 << 20)
    }
}

/// A guest's text as one line of the host's log: control characters (line
/// breaks, carriage returns, terminal escapes) and the Unicode line
/// separators and direction overrides are escaped (`\n`, `\u{1b}`), so a
/// guest cannot start a line of its own that looks like the host's, or
/// another org's.
pub(crate) fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return text.into();
    }
    let mut line = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_all_memories_and_remembers_the_refusal() {
        let mut limiter = MemoryLimiter {
            limit: 100,
            used: 0,
            refused: None,
        };
        assert!(limiter.memory_growing(0, 60, None).unwrap());
        assert!(limiter.memory_growing(0, 30, None).unwrap());
        assert!(!limiter.memory_growing(30, 50, None).unwrap());
        assert_eq!(limiter.refused, Some(110));
        assert!(limiter.memory_growing(60, 70, None).unwrap());
    }

    #[test]
    fn guest_text_cannot_start_a_log_line_of_its_own() {
        assert_eq!(one_line("plain text, ünïcode"), "plain text, ünïcode");
        let forged = "ok\n2026-11-29T00:00:00Z ERROR leadhost: org=\"victim\"\r\u{1b}[2K\u{2028}x";
        let line = one_line(forged);
        assert!(
            !line.contains(|c: char| c.is_control() || c == '\u{2028}'),
            "{line}"
        );
        assert_eq!(
            line,
            "ok\\n2026-11-29T00:00:00Z ERROR leadhost: org=\"victim\"\\r\\u{1b}[2K\\u{2028}x"
        );
    }
}
