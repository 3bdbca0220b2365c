//! Writing to the host's log.
//!
//! Inside the host each line is tagged with the org, the plug-in and its hash.
//! Natively (unit tests, benchmarks) lines go to stderr, since there is no host.

use crate::bindings::host_log::{self, Level};

fn write(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    host_log::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = host_log::log; // the import exists only inside a component
        eprintln!("[{level:?}] {message}");
    }
}

/// Logs a detail useful when debugging the plug-in.
pub fn debug(message: &str) {
    write(Level::Debug, message);
}

/// Logs normal operation.
pub fn info(message: &str) {
    write(Level::Info, message);
}

/// Logs something that looks wrong while the call goes on.
pub fn warn(message: &str) {
    write(Level::Warn, message);
}

/// Logs an error.
pub fn error(message: &str) {
    write(Level::Error, message);
}
