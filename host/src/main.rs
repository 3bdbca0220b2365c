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
            eprintln!("error: {}", with_causes(&error));
            ExitCode::from(error.exit_code())
        }
    }
}

/// `error` and each cause under it that its text does not already say:
/// a driver's error often reads only "db error" or "error connecting to
/// server", and the cause names the database, the role or the refusal.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let said = next.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = next.source();
    }
    text
}
