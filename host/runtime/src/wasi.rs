//! The WASI a guest gets: deny-all, deterministic, and never blocking.
//!
//! Language toolchains import WASI even for pure functions (Rust's `std`
//! reaches the clocks for `sleep`, stdio for `println!`), so the host links
//! the interfaces it grants (see `inspect`) — but not wasmtime-wasi's own
//! implementations of the ones that can wait:
//!
//! - **clocks**: the wall clock reads the call's `now`; the monotonic clock
//!   never moves, and a subscription to it (a `sleep`) is ready at once. A
//!   guest that sleeps in a loop spends fuel, never wall-clock time.
//! - **poll and streams**: every operation completes on its first poll or
//!   traps ("would block"): nothing a guest can reach waits on the host, so
//!   the call's deadline and fuel bound all of it. stdin is closed; stdout
//!   and stderr keep a capped prefix and drop the rest ([`pipe`]).
//! - **host-call fees**: each return from the host costs
//!   [`HOST_CALL_FUEL`], a wait (a clock subscription, `poll`, `block`)
//!   [`WAIT_FUEL`] more, and the data a host call moves (log lines, stream
//!   writes, random bytes) a unit of fuel per byte, so a loop of host calls
//!   runs out of fuel as a loop of instructions does — the same input gets
//!   the same outcome on an idle or a loaded machine (see [`charge`]).
//!
//! Sockets and HTTP are not linked at all.

mod io;
pub mod pipe;

use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime::{Store, Trap};
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sync};
use wasmtime_wasi::random::WasiRandom;

use super::sandbox::CallState;

/// Fuel one return from the host costs, whatever the call did: about what
/// a hundred Wasm instructions cost, which is what a cheap host call (a
/// clock read, a small `memory.copy`) takes. With [`WAIT_FUEL`], a guest
/// sleeping in a loop runs out of fuel well inside the 1 s deadline, the
/// same way on every run (`tests/tests/e2e/blocking.rs` checks it).
pub const HOST_CALL_FUEL: u64 = 100;

/// Extra fuel a wait costs (a clock subscription, `poll`, `block`): a
/// sleep loop is a loop of waits, and each costs the host microseconds, so
/// it must run out of fuel in a few thousand iterations, not millions.
pub const WAIT_FUEL: u64 = 10_000;

/// Largest `get-random-bytes` a guest may ask for, in bytes: random bytes
/// are made on the host, so a bigger request is refused (it traps).
pub const MAX_RANDOM_BYTES: u64 = 64 << 10;

/// The data of the interfaces implemented here: the call's resources and
/// the fee its host calls owe.
pub(super) struct AtOnce<'a> {
    /// The call's WASI resources (streams, pollables).
    table: &'a mut ResourceTable,
    /// Fuel owed for data moved, collected on the return to the guest.
    owed: &'a mut u64,
}

/// [`HasData`] for the interfaces implemented here.
struct NonBlocking;

impl HasData for NonBlocking {
    type Data<'a> = AtOnce<'a>;
}

/// [`HasData`] for interfaces that need only the resource table.
struct Table;

impl HasData for Table {
    type Data<'a> = &'a mut ResourceTable;
}

/// Random bytes are made on the host: each byte costs a unit of fuel.
pub(super) struct ChargedRandom<'a> {
    random: &'a mut wasmtime_wasi::random::WasiRandomCtx,
    owed: &'a mut u64,
}

/// [`HasData`] for the random interfaces.
struct Charged;

impl HasData for Charged {
    type Data<'a> = ChargedRandom<'a>;
}

fn charged_random(state: &mut CallState) -> ChargedRandom<'_> {
    let (random, owed) = state.random_and_owed();
    ChargedRandom { random, owed }
}

impl random::random::Host for ChargedRandom<'_> {
    fn get_random_bytes(&mut self, len: u64) -> wasmtime::Result<Vec<u8>> {
        *self.owed = self.owed.saturating_add(len);
        random::random::Host::get_random_bytes(self.random, len)
    }

    fn get_random_u64(&mut self) -> wasmtime::Result<u64> {
        random::random::Host::get_random_u64(self.random)
    }
}

impl random::insecure::Host for ChargedRandom<'_> {
    fn get_insecure_random_bytes(&mut self, len: u64) -> wasmtime::Result<Vec<u8>> {
        *self.owed = self.owed.saturating_add(len);
        random::insecure::Host::get_insecure_random_bytes(self.random, len)
    }

    fn get_insecure_random_u64(&mut self) -> wasmtime::Result<u64> {
        random::insecure::Host::get_insecure_random_u64(self.random)
    }
}

fn at_once(state: &mut CallState) -> AtOnce<'_> {
    let (table, owed) = state.resources();
    AtOnce { table, owed }
}

/// Links every WASI interface a plug-in may import.
pub(super) fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    let l = linker;
    clocks::wall_clock::add_to_linker::<CallState, WasiClocks>(l, CallState::clocks)?;
    clocks::monotonic_clock::add_to_linker::<CallState, NonBlocking>(l, at_once)?;
    filesystem::preopens::add_to_linker::<CallState, WasiFilesystem>(l, CallState::filesystem)?;
    sync::filesystem::types::add_to_linker::<CallState, WasiFilesystem>(l, CallState::filesystem)?;
    random::random::add_to_linker::<CallState, Charged>(l, charged_random)?;
    random::insecure::add_to_linker::<CallState, Charged>(l, charged_random)?;
    random::insecure_seed::add_to_linker::<CallState, WasiRandom>(l, |s| s.random_and_owed().0)?;
    cli::exit::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::environment::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::stdin::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::stdout::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::stderr::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::terminal_input::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::terminal_output::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::terminal_stdin::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::terminal_stdout::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    cli::terminal_stderr::add_to_linker::<CallState, WasiCli>(l, CallState::cli)?;
    wasmtime_wasi_io::bindings::wasi::io::error::add_to_linker::<CallState, Table>(l, |s| {
        s.resources().0
    })?;
    sync::io::poll::add_to_linker::<CallState, NonBlocking>(l, at_once)?;
    sync::io::streams::add_to_linker::<CallState, NonBlocking>(l, at_once)?;
    Ok(())
}

/// Makes every return from the host into the guest pay its fee (see the
/// module docs). Without enough fuel left the guest traps as out of fuel,
/// exactly as if it had spent the fuel on instructions.
pub(super) fn charge(store: &mut Store<CallState>) {
    store.call_hook(|mut store, hook| {
        if !matches!(hook, wasmtime::CallHook::ReturningFromHost) {
            return Ok(());
        }
        let owed = HOST_CALL_FUEL + store.data_mut().take_owed();
        let fuel = store.get_fuel()?;
        if fuel < owed {
            store.set_fuel(0)?;
            return Err(Trap::OutOfFuel.into());
        }
        store.set_fuel(fuel - owed)
    });
}
