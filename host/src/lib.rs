//! leadhost: lead rules as sandboxed WebAssembly plug-ins.
//!
//! Each org fills three slots with components built against the WIT
//! contract in `wit/`: a lead definition, nurture tracks and a routing
//! policy. This crate is the host: [`runtime`] loads and calls plug-ins
//! inside per-call limits; [`plugins`] knows which version fills each org's
//! slots; [`engine`] moves leads through their lifecycle by calling them;
//! [`store`] keeps everything durably; [`jobs`] runs large imports
//! in the background; [`model`] holds the JSON shapes.

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod builtin;
pub mod cli;
pub mod delivery;
pub mod engine;
pub mod import;
pub mod jobs;
pub mod plugins;
pub mod server;
pub mod setup;

pub use leadhost_model as model;
pub use leadhost_model::clock;
pub use leadhost_runtime as runtime;
pub use leadhost_store as store;
