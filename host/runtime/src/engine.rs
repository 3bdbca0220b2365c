//! The one wasmtime [`Engine`] and the thread that ticks its epoch.

use std::hash::Hasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::Limits;
use super::function_cache::FunctionCache;

/// Builds the engine every plug-in runs on: component model, fuel for a
/// deterministic budget, epochs for a wall-clock deadline, and the pooling
/// allocator so a fresh instance per call costs microseconds; with
/// `functions`, Cranelift reuses the functions it compiled before.
pub fn build(limits: &Limits, functions: Option<Arc<FunctionCache>>) -> wasmtime::Result<Engine> {
    // Room for the instances kept between calls on top of the calls, so a
    // kept instance never takes a call's slot.
    let calls =
        limits.concurrent_calls.max(1) + super::plugin::idle_total(limits.concurrent_calls) as u32;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(calls)
        // Components from other toolchains hold several core instances,
        // memories and tables (adapters, shims); leave room for them.
        .total_core_instances(calls * 16)
        .total_memories(calls * 4)
        .total_tables(calls * 16)
        .max_memory_size(limits.memory_bytes)
        // Re-zeroing a small resident prefix is cheaper than faulting pages
        // back in; most rule plug-ins live within it. Not `PAGEMAP_SCAN`
        // (wasmtime 48 resets only the written pages the kernel reports as
        // present, so a page swapped out or being migrated when the
        // instance ends would reach the next tenant's instance unreset:
        // bytecodealliance/wasmtime#14357, open), though it took a third
        // off a QuickJS call (README, *The same rule in every language*).
        .linear_memory_keep_resident(128 << 10)
        .table_keep_resident(16 << 10);
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    if let Some(functions) = functions {
        config.enable_incremental_compilation(functions)?;
    }
    Engine::new(&config)
}

/// A stable fingerprint of everything that makes precompiled code loadable by
/// this engine (wasmtime version, target, settings): the compile cache keys on it.
pub fn fingerprint(engine: &Engine) -> String {
    struct Sha(Sha256);
    impl Hasher for Sha {
        fn finish(&self) -> u64 {
            unreachable!("only `write` is used")
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }
    let mut hasher = Sha(Sha256::new());
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
    hex::encode(&hasher.0.finalize()[..8])
}

/// Ticks the engine's epoch on a background thread until dropped, so a
/// call's deadline passes even while the guest spins in a loop.
pub struct EpochTicker {
    /// Tells the thread to stop.
    stop: Arc<AtomicBool>,
    /// The ticking thread, joined on drop.
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts ticking `engine`'s epoch every `limits.epoch_tick`.
    pub fn start(engine: &Engine, limits: &Limits) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let tick = limits.epoch_tick;
        let engine = engine.weak();
        let thread = std::thread::Builder::new()
            .name("leadhost-epoch".into())
            .spawn({
                let stop = stop.clone();
                move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(tick);
                        match engine.upgrade() {
                            Some(engine) => engine.increment_epoch(),
                            None => break,
                        }
                    }
                }
            })
            .expect("spawn the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
