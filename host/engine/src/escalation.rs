//! The routing SLA (`[routing] accept_within` in `org.toml`). A rep who has
//! not accepted an assignment when the SLA runs out loses it: the lapse goes
//! on the lead's timeline, the rep's load is freed, the lead is routed again
//! without every rep who let it lapse, and the outbox announces the outcome
//! (`sla-escalation`). The check is a wake-up of its own in the schedule,
//! beside any nurture step, so it survives restarts like any other.

use super::change::Change;
use super::routing::release;
use super::{EngineError, Shared, moves};
use crate::store::{EventKind, LeadStage, OutboxKind, StageKind};

/// Takes a lapsed assignment away from its rep and routes the lead again.
pub(super) fn escalate(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let LeadStage::Assigned { rep: lapsed } = change.record.stage.clone() else {
        return Ok(());
    };
    let accept_by = change.record.accept_by.unwrap_or(change.now);
    let assigned_at = change
        .record
        .path
        .iter()
        .rev()
        .find(|entry| entry.stage == StageKind::Assigned)
        .map_or(change.now, |entry| entry.at);
    change.event(EventKind::SlaLapsed {
        rep: lapsed.clone(),
        assigned_at,
        accept_by,
    });
    release(shared, change)?;
    change.record.owner = None;
    change.record.lapsed_reps.push(lapsed.clone());
    // Keep-in-touch was the lapsed owner's; a new assignment starts it again.
    change.wake_at(None);
    change.record.track = None;
    change.move_to(
        LeadStage::SalesReady,
        &format!("rep {lapsed} did not accept it within the SLA"),
    )?;
    moves::route(shared, change)?;
    let rep = match &change.record.stage {
        LeadStage::Assigned { rep } => Some(rep.clone()),
        _ => None,
    };
    // Contact details as the roster has them now (the routing lock is held).
    let reps = shared.rosters.get(&*shared.store, &change.record.org)?;
    let contact = |id: Option<&str>| {
        reps.iter()
            .find(|known| Some(known.id.as_str()) == id)
            .map_or((None, None), |known| {
                (known.display_name.clone(), known.email.clone())
            })
    };
    let (lapsed_display_name, lapsed_email) = contact(Some(&lapsed));
    let (rep_display_name, rep_email) = contact(rep.as_deref());
    change.outbox(OutboxKind::SlaEscalation {
        lapsed,
        lapsed_display_name,
        lapsed_email,
        rep,
        rep_display_name,
        rep_email,
        stage: change.record.stage.kind().as_str().to_string(),
    });
    Ok(())
}
