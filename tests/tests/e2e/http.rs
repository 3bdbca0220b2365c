//! The HTTP API end to end, on real sockets.

pub mod auth;
pub mod flow;
pub mod import_jobs;
pub mod input;
pub mod server;
