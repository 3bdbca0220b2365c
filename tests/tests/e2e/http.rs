//! The HTTP API end to end, on real sockets.

pub mod auth;
pub mod flow;
pub mod input;
pub mod real_input;
pub mod server;
