//! The HTTP API end to end, on real sockets.

pub mod auth;
pub mod backtests;
pub mod bulk;
pub mod campaigns;
pub mod connections;
pub mod contract;
pub mod dashboard;
pub mod duplicates;
pub mod flow;
pub mod import_jobs;
pub mod input;
pub mod metrics;
pub mod plugin_cases;
pub mod real_input;
pub mod refusals;
pub mod replay;
pub mod reps;
pub mod server;
pub mod tenants;
