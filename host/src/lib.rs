//! leadhost: lead rules as sandboxed WebAssembly plug-ins.
//!
//! Each org fills three slots with components built against the WIT
//! contract in `wit/`: a lead definition, nurture tracks and a routing
//! policy. This crate is the binary's: the command line ([`cli`]) and
//! `leadhost serve` ([`server`]: listener, settings, scheduler, shutdown).
//! The layers below are crates of their own, re-exported here under their
//! short names: [`api`] (HTTP) → [`engine`] (lifecycle, plug-in registry and
//! loading, imports, delivery) → [`runtime`] (wasmtime) and [`store`]
//! (persistence), all speaking [`model`]'s types. See `docs/architecture.md`.

#![deny(missing_docs)]

pub mod cli;
pub mod server;

pub use leadhost_api as api;
pub use leadhost_engine as engine;
pub use leadhost_engine::auth;
pub use leadhost_engine::{builtin, delivery, import, jobs, plugins, setup};
pub use leadhost_model as model;
pub use leadhost_model::clock;
pub use leadhost_runtime as runtime;
pub use leadhost_store as store;
