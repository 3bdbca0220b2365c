//! Routing a sales-ready lead: the candidates the policy is shown, the
//! host's checks on its choice, and the reps' load. Load changes are made
//! under the org's routing lock and written in the lead's commit, so an
//! assignment, the rep's load and the decision land together or not at all.

use super::call::{call, needs_review};
use super::change::Change;
use super::steps::{latest_qualification, recycle};
use super::{EngineError, Shared};
use super::{escalation, keep_in_touch};
use crate::model::{Rep, RouteDecision, RouteInput};
use crate::runtime::Slot;
use crate::store::{LeadStage, OutboxKind};

/// Takes the org's routing lock for the rest of the change, if not held.
fn hold_routing<'a>(shared: &'a Shared, change: &mut Change<'a>) {
    if !change.holds_routing() {
        let org = change.record.org.clone();
        change.hold_routing(shared.locks.routing(&org));
    }
}

/// Sends a sales-ready lead to the routing policy and records what it chose.
pub(super) fn route<'a>(shared: &'a Shared, change: &mut Change<'a>) -> Result<(), EngineError> {
    hold_routing(shared, change);
    let org = change.record.org.clone();
    let reps = shared.rosters.get(&*shared.store, &org)?;
    // An owner who let this lead lapse is not offered again, as owner either.
    let account_owner = match super::validate::account_domain(&change.record.lead) {
        Some(domain) => shared.store.account_owner(&org, domain)?,
        None => None,
    }
    .filter(|owner| !change.record.lapsed_reps.contains(owner));
    let now = change.now;
    // Reps who let this lead's SLA lapse are not shown again; everyone else
    // is shown as they stand now, absences folded into `available`.
    let candidates: Vec<Rep> = reps
        .iter()
        .filter(|rep| !change.record.lapsed_reps.contains(&rep.id))
        .map(|rep| rep.as_candidate(now))
        .collect();
    let qualification = latest_qualification(change);
    let lead = change.record.lead.clone();
    let made = call(shared, change, |config| RouteInput {
        lead,
        qualification,
        candidates,
        account_owner,
        config,
        now,
    })?;
    let Some((decision, seq)) = made else {
        return Ok(());
    };
    match decision {
        RouteDecision::Assign { rep, .. } => {
            change.move_to(
                LeadStage::Routed { queue: None },
                &format!("routed to rep {rep}"),
            )?;
            let Some(mut chosen) = check_rep(change, &reps, &rep)? else {
                return Ok(());
            };
            chosen.open_leads += 1;
            chosen.last_assigned_at = Some(now);
            change.move_to(
                LeadStage::Assigned { rep: rep.clone() },
                "the routing policy chose this rep",
            )?;
            change.record.owner = Some(rep.clone());
            change.assign(chosen, seq);
            change.outbox(OutboxKind::LeadAssigned { rep });
            keep_in_touch::start(shared, change);
            escalation::start(shared, change);
            Ok(())
        }
        RouteDecision::Queue { queue, reason } => {
            change.move_to(LeadStage::Routed { queue: Some(queue) }, &reason)?;
            Ok(())
        }
        RouteDecision::ReturnToMarketing { reason } => recycle(
            shared,
            change,
            reason,
            "the routing policy returned it to marketing",
        ),
    }
}

/// The rep the policy chose, as stored, if the host may give them the lead
/// now; otherwise the lead goes to needs-review naming why.
fn check_rep(change: &mut Change<'_>, reps: &[Rep], id: &str) -> Result<Option<Rep>, EngineError> {
    let now = change.now;
    let problem = match reps.iter().find(|rep| rep.id == id) {
        None => format!("rep `{id}` does not exist in org {}", change.record.org),
        Some(_) if change.record.lapsed_reps.iter().any(|lapsed| lapsed == id) => {
            format!("rep `{id}` already let this lead's SLA lapse")
        }
        Some(rep) if !rep.available => format!("rep `{id}` is not available"),
        Some(rep) if !rep.available_at(now) => {
            let back = rep
                .out_of_office
                .iter()
                .filter(|away| away.covers(now))
                .map(|away| away.until)
                .max()
                .unwrap_or(now);
            format!("rep `{id}` is out of office until {}", back.to_rfc3339())
        }
        Some(rep) if rep.open_leads >= rep.capacity => format!(
            "rep `{id}` is at capacity ({}/{} open leads)",
            rep.open_leads, rep.capacity
        ),
        Some(rep) => return Ok(Some(rep.clone())),
    };
    let error = format!("the routing policy's choice was refused: {problem}");
    change.move_to(
        needs_review(Slot::RoutingPolicy, "refused-assignment", error),
        "assignment refused",
    )?;
    Ok(None)
}

/// Frees the owner's capacity: the lead no longer counts as open for them.
pub(super) fn release<'a>(shared: &'a Shared, change: &mut Change<'a>) -> Result<(), EngineError> {
    let Some(owner) = change.record.owner.clone() else {
        return Ok(());
    };
    hold_routing(shared, change);
    let reps = shared.rosters.get(&*shared.store, &change.record.org)?;
    if let Some(rep) = reps.iter().find(|rep| rep.id == owner) {
        let mut rep = rep.clone();
        rep.open_leads = rep.open_leads.saturating_sub(1);
        change.rep(rep);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
