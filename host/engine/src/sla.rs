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

/// How often each rep let a lead's SLA lapse.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SlaLapses {
    /// Leads whose SLA the rep let lapse, by rep id.
    pub by_rep: std::collections::BTreeMap<String, u64>,
    /// Leads waiting for their rep's accept now, by rep id, with the
    /// earliest deadline among them.
    pub waiting: std::collections::BTreeMap<String, (u64, crate::model::Time)>,
}

impl super::Engine {
    /// The SLA lapses of `org`'s reps, and the leads waiting for an accept
    /// now: one pass over the org's leads.
    ///
    /// Errors: [`super::EngineError::UnknownOrg`]; the store's failure.
    pub fn sla_lapses(&self, org: &str) -> Result<SlaLapses, super::EngineError> {
        self.known_org(org)?;
        let mut lapses = SlaLapses::default();
        self.store().scan_lead_summaries(org, &mut |record| {
            for rep in &record.lapsed_reps {
                *lapses.by_rep.entry(rep.clone()).or_default() += 1;
            }
            if record.stage.kind() == StageKind::Assigned
                && let (Some(rep), Some(by)) = (&record.owner, record.accept_by())
            {
                let entry = lapses.waiting.entry(rep.clone()).or_insert((0, by));
                entry.0 += 1;
                entry.1 = entry.1.min(by);
            }
            std::ops::ControlFlow::Continue(())
        })?;
        Ok(lapses)
    }
}
