//! `leadhost ingest`: leads as NDJSON (one JSON object a line) into an org,
//! each acknowledged on stdout once it is durable.

use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::IngestArgs;
use crate::engine::{EngineError, LeadSubmission};
use crate::setup::{Host, Options, SetupError};

/// `ingest` failed as a whole (a bad line only fails that line).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The data folder could not be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The input cannot be read.
    #[error("cannot read the input: {0}")]
    Read(#[from] std::io::Error),
    /// The store failed; what was acknowledged is safe.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What an `ingest` run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct IngestSummary {
    /// New leads.
    pub created: u64,
    /// Submissions merged into an existing lead, each bringing something new.
    pub merged: u64,
    /// Submissions the existing lead had received before: nothing changed.
    pub unchanged: u64,
    /// Lines refused.
    pub rejected: u64,
}

/// Reads submissions from the file (or stdin) and ingests them with
/// `--workers` threads. Each line is answered on stdout, in completion order:
/// `{"line", "id", "email", "created", "stage", "seq"}` once durable, or
/// `{"line", "error", "fields"}` when refused.
pub fn ingest(args: &IngestArgs) -> Result<IngestSummary, IngestError> {
    let options = Options {
        durability: args.durability,
        database: args.store.url.clone(),
        ..Options::default()
    };
    let host = Host::open(&args.data_dir, options)?;
    host.ensure_org(&args.org)?;
    let input: Box<dyn BufRead> = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            Box::new(std::io::BufReader::new(std::fs::File::open(path)?))
        }
        _ => Box::new(std::io::stdin().lock()),
    };
    let (send, receive) = mpsc::sync_channel::<(usize, String)>(args.workers * 4);
    let receive = Arc::new(Mutex::new(receive));
    let summary = Arc::new(Mutex::new(IngestSummary::default()));
    let workers: Vec<_> = (0..args.workers.max(1))
        .map(|_| {
            let (receive, summary, host) = (receive.clone(), summary.clone(), host.clone());
            let (org, via) = (args.org.clone(), args.via.clone());
            std::thread::spawn(move || -> Result<(), IngestError> {
                loop {
                    let next = receive.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((line, text)) = next else {
                        return Ok(());
                    };
                    let answer = ingest_line(&host, &org, &via, line, &text, &summary)?;
                    let mut stdout = std::io::stdout().lock();
                    writeln!(stdout, "{answer}")?;
                    stdout.flush()?;
                }
            })
        })
        .collect();
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        if send.send((index + 1, line)).is_err() {
            break; // a worker failed; its error is reported below
        }
    }
    drop(send);
    for worker in workers {
        worker.join().expect("an ingest worker panicked")?;
    }
    host.store.flush().map_err(EngineError::from)?;
    let summary = *summary.lock().unwrap_or_else(|p| p.into_inner());
    Ok(summary)
}

fn ingest_line(
    host: &Host,
    org: &str,
    via: &str,
    line: usize,
    text: &str,
    summary: &Mutex<IngestSummary>,
) -> Result<serde_json::Value, IngestError> {
    let refused = |fields: Vec<crate::engine::FieldError>| {
        summary.lock().unwrap_or_else(|p| p.into_inner()).rejected += 1;
        let error = fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        json!({ "line": line, "error": error, "fields": fields })
    };
    let submission = match LeadSubmission::from_json(text) {
        Ok(submission) => submission,
        Err(field) => return Ok(refused(vec![field])),
    };
    match host.engine.ingest(org, submission, via) {
        Ok(ingested) => {
            let mut counts = summary.lock().unwrap_or_else(|p| p.into_inner());
            if ingested.created {
                counts.created += 1
            } else if ingested.unchanged {
                counts.unchanged += 1
            } else {
                counts.merged += 1
            }
            let record = ingested.record;
            Ok(json!({
                "line": line,
                "id": record.id(),
                "email": record.lead.email,
                "created": ingested.created,
                "unchanged": ingested.unchanged,
                "stage": record.stage.kind(),
                "seq": record.next_seq,
            }))
        }
        Err(EngineError::Invalid(fields)) => Ok(refused(fields)),
        Err(error) => Err(error.into()),
    }
}
