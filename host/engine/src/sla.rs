//! The routing SLA's clock (`[routing] accept_within` in `org.toml`): set
//! when a lead is assigned, run out when the rep has not accepted in time.
//! What happens then is `escalation.rs`.

use super::Shared;
use super::change::Change;
use crate::store::StageKind;

/// Starts the SLA clock of a lead just assigned, if the org has an SLA.
pub(super) fn start(shared: &Shared, change: &mut Change) {
    let Some(sla) = shared.settings.routing(&change.record.org).sla() else {
        return;
    };
    // Whole milliseconds: the precision of the schedule's keys.
    change.record.accept_by = change
        .now
        .checked_add_signed(sla)
        .and_then(|by| chrono::DateTime::from_timestamp_millis(by.timestamp_millis()));
}

/// Whether the lead's SLA has run out with the lead still unaccepted.
pub(super) fn lapsed(change: &Change) -> bool {
    change.record.stage.kind() == StageKind::Assigned
        && change.record.accept_by.is_some_and(|by| by <= change.now)
}
