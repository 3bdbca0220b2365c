//! `leadhost show`: one lead with its timeline — every activity, host event
//! and plug-in decision, in order — as JSON.

use serde_json::json;

use super::ShowArgs;
use crate::engine::{EngineError, normalize_email};
use crate::setup::{Host, Options, SetupError};

/// `show` failed.
#[derive(Debug, thiserror::Error)]
pub enum ShowError {
    /// The data folder could not be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// No such org or lead, or the store failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// The lead named by id or e-mail, with its stage and timeline.
pub fn show(args: &ShowArgs) -> Result<serde_json::Value, ShowError> {
    let options = Options {
        database: args.store.url.clone(),
        ..Options::default()
    };
    let host = Host::open(&args.data_dir, options)?;
    let engine = &host.engine;
    let by_email = match normalize_email(&args.lead) {
        Ok(email) => engine
            .store()
            .lead_by_email(&args.org, &email)
            .map_err(EngineError::from)?,
        Err(_) => None,
    };
    let id = by_email.unwrap_or_else(|| args.lead.clone());
    let record = engine.lead(&args.org, &id)?;
    let timeline = engine.timeline(&args.org, &id)?;
    Ok(json!({
        "lead": record.lead,
        "stage": record.stage,
        "owner": record.owner,
        "qualification": record.qualification,
        "track": record.track,
        "next_wake_at": record.wake_at,
        "accept_by": record.accept_by,
        "lapsed_reps": record.lapsed_reps,
        "timeline": timeline,
    }))
}
