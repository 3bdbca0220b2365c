//! leadhost: lead rules as sandboxed WebAssembly plug-ins.
//!
//! Each org fills three slots with components built against the WIT
//! contract in `wit/`: a lead definition, nurture tracks and a routing
//! policy. This crate is the host: [`runtime`] loads and calls plug-ins
//! inside per-call limits; [`model`] holds the JSON shapes they speak.

#![deny(missing_docs)]

pub mod builtin;
pub mod cli;
pub mod model;
pub mod runtime;
