//! The `leadhost` binary: parses arguments, sets up logging, runs a command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,leadhost_engine::plugins=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = leadhost::cli::Cli::parse();
    match leadhost::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", leadhost::api::error_chain(&error));
            ExitCode::from(error.exit_code())
        }
    }
}
