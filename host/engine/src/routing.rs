//! Routing a sales-ready lead: the candidates the policy is shown, the
//! host's checks on its choice, and the reps' load. Load changes are made
//! under the org's routing lock and written in the lead's commit, so an
//! assignment, the rep's load and the decision land together or not at all.

use super::call::{call, needs_review};
use super::campaigns::{campaign_context, sees_campaigns};
use super::change::Change;
use super::inputs::latest_qualification;
use super::lifecycle::Next;
use super::{EngineError, Shared};
use super::{keep_in_touch, sla};
use crate::model::{Rep, RouteDecision, RouteInput, Time};
use crate::runtime::Slot;
use crate::store::{LeadRecord, LeadStage, OutboxKind};

mod shortlist;

pub use shortlist::{SHORTLIST_DEFAULT, Shortlist, Wanted, shortlist};

/// Takes the org's routing lock for the rest of the change, if not held.
fn hold_routing(shared: &Shared, change: &mut Change) {
    if !change.holds_routing() {
        let org = change.record.org.clone();
        change.hold_routing(shared.locks.routing(&org));
    }
}

/// The owner of the lead `record`'s duplicate rule linked it to (see
/// `matching`), while that lead is with sales.
fn linked_owner(shared: &Shared, record: &LeadRecord) -> Result<Option<String>, EngineError> {
    let Some(linked) = &record.matching.account_lead else {
        return Ok(None);
    };
    Ok(shared
        .store
        .lead(&record.org, linked)?
        .filter(|linked| linked.stage.kind().with_sales())
        .and_then(|linked| linked.owner))
}

/// Sends a sales-ready lead to the routing policy and records what it
/// chose; a lead it returns to marketing is recycled next.
pub(super) fn route(shared: &Shared, change: &mut Change) -> Result<Next, EngineError> {
    hold_routing(shared, change);
    let org = change.record.org.clone();
    let domain = super::validate::account_domain(&change.record.lead);
    let (reps, account_owner) = shared
        .rosters
        .get_with_owner(&*shared.store, &org, domain)?;
    let unowned = account_owner.is_none();
    // No owner of the domain: the owner of the lead the duplicate rule
    // linked this one to (a colleague at the account, an address at
    // another domain), while sales has that lead.
    let account_owner = match account_owner {
        Some(owner) => Some(owner),
        None => linked_owner(shared, &change.record)?,
    };
    // An owner who let this lead lapse is not offered again, as owner either.
    let account_owner = account_owner.filter(|owner| !change.record.lapsed_reps.contains(owner));
    let now = change.now;
    // Reps who let this lead's SLA lapse are not shown again; everyone else
    // is shown as they stand now, absences folded into `available`, the
    // roster narrowed to a shortlist when it is large.
    let shortlist = shortlist(
        &reps,
        &Wanted {
            country: change.record.lead.country.as_deref(),
            account_owner: account_owner.as_deref(),
            lapsed: &change.record.lapsed_reps,
            now,
            most: shared.settings.routing(&org).candidates(),
        },
    );
    let qualification = latest_qualification(change);
    let lead = change.record.lead.clone();
    let campaigns = if sees_campaigns(shared, &org, Slot::RoutingPolicy) {
        campaign_context(shared, &change.record, now)?
    } else {
        Vec::new()
    };
    let made = call(shared, change, |config| RouteInput {
        lead,
        qualification,
        candidates: shortlist.candidates,
        account_owner,
        campaigns,
        config,
        now,
    })?;
    if shortlist.narrowed.is_some() {
        change.narrowed(shortlist.narrowed);
    }
    let Some((decision, seq)) = made else {
        return Ok(Next::Rest);
    };
    match decision {
        RouteDecision::Assign { rep, .. } => {
            change.move_to(
                LeadStage::Routed { queue: None },
                &format!("routed to rep {rep}"),
            )?;
            let Some(mut chosen) = check_rep(change, &reps, &rep)? else {
                return Ok(Next::Rest);
            };
            let read = chosen.clone();
            chosen.open_leads += 1;
            chosen.last_assigned_at = Some(assigned_at(&reps, now));
            change.move_to(
                LeadStage::Assigned { rep: rep.clone() },
                "the routing policy chose this rep",
            )?;
            change.record.owner = Some(rep.clone());
            let assigned = OutboxKind::LeadAssigned {
                rep,
                rep_display_name: chosen.display_name.clone(),
                rep_email: chosen.email.clone(),
            };
            change.assign(&read, chosen, seq, unowned);
            change.outbox(assigned);
            keep_in_touch::start(shared, change);
            sla::start(shared, change);
            Ok(Next::Rest)
        }
        RouteDecision::Queue { queue, reason } => {
            change.move_to(LeadStage::Routed { queue: Some(queue) }, &reason)?;
            Ok(Next::Rest)
        }
        RouteDecision::ReturnToMarketing { reason } => Ok(Next::Recycle {
            reason,
            cause: "the routing policy returned it to marketing".into(),
        }),
    }
}

/// When an assignment made at `now` counts as made: `now`, or just after
/// the latest assignment the roster shows if that is not earlier. `now`
/// is when the change began, before its plug-in calls, and other hosts'
/// clocks differ; without this an assignment that began earlier but
/// committed later would look older than the one before it, and
/// round-robin would give the next lead to the same rep again.
fn assigned_at(reps: &[Rep], now: Time) -> Time {
    match reps.iter().filter_map(|rep| rep.last_assigned_at).max() {
        Some(latest) if latest >= now => latest + chrono::Duration::milliseconds(1),
        _ => now,
    }
}

/// Why the host will not give a lead to the rep a routing policy chose.
/// The engine and `leadhost eval` both judge a choice by
/// [`check_assignment`], so a decision `eval` accepts is one the server keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No such rep among those the policy could choose from.
    #[error("rep `{0}` is not one of the candidates")]
    Unknown(String),
    /// The rep let this lead's SLA lapse before.
    #[error("rep `{0}` already let this lead's SLA lapse")]
    Lapsed(String),
    /// The rep is switched off.
    #[error("rep `{0}` is not available")]
    Unavailable(String),
    /// The rep is away at the time of the decision.
    #[error("rep `{rep}` is out of office until {}", .until.to_rfc3339())]
    OutOfOffice {
        /// The rep.
        rep: String,
        /// When the last absence covering the decision ends.
        until: Time,
    },
    /// The rep holds as many open leads as their capacity.
    #[error("rep `{rep}` is at capacity ({open}/{capacity} open leads)")]
    AtCapacity {
        /// The rep.
        rep: String,
        /// Their open leads.
        open: u32,
        /// Their capacity.
        capacity: u32,
    },
}

/// The host's checks on a routing policy's choice of rep `id` at `now`:
/// the rep, from `reps`, if they may take the lead; `lapsed` lists reps who
/// let this lead's SLA lapse.
pub fn check_assignment<'r>(
    reps: &'r [Rep],
    lapsed: &[String],
    id: &str,
    now: Time,
) -> Result<&'r Rep, Refusal> {
    let Some(rep) = reps.iter().find(|rep| rep.id == id) else {
        return Err(Refusal::Unknown(id.into()));
    };
    if lapsed.iter().any(|lapsed| lapsed == id) {
        return Err(Refusal::Lapsed(id.into()));
    }
    if !rep.available {
        return Err(Refusal::Unavailable(id.into()));
    }
    if !rep.available_at(now) {
        let until = rep
            .out_of_office
            .iter()
            .filter(|away| away.covers(now))
            .map(|away| away.until)
            .max()
            .unwrap_or(now);
        return Err(Refusal::OutOfOffice {
            rep: id.into(),
            until,
        });
    }
    if rep.open_leads >= rep.capacity {
        return Err(Refusal::AtCapacity {
            rep: id.into(),
            open: rep.open_leads,
            capacity: rep.capacity,
        });
    }
    Ok(rep)
}

/// The rep the policy chose, as stored, if the host may give them the lead
/// now; otherwise the lead goes to needs-review naming why.
fn check_rep(change: &mut Change, reps: &[Rep], id: &str) -> Result<Option<Rep>, EngineError> {
    let problem = match check_assignment(reps, &change.record.lapsed_reps, id, change.now) {
        Ok(rep) => return Ok(Some(rep.clone())),
        // The engine checks against every rep of the org, not only those shown.
        Err(Refusal::Unknown(_)) => {
            format!("rep `{id}` does not exist in org {}", change.record.org)
        }
        Err(refusal) => refusal.to_string(),
    };
    let error = format!("{REFUSED_CHOICE}: {problem}");
    change.move_to(
        needs_review(Slot::RoutingPolicy, "refused-assignment", error),
        "assignment refused",
    )?;
    Ok(None)
}

/// How a refused choice is introduced, in the lead's review and in `eval`.
pub const REFUSED_CHOICE: &str = "the routing policy's choice was refused";

/// Frees the owner's capacity: the lead no longer counts as open for them.
pub(super) fn release(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let Some(owner) = change.record.owner.clone() else {
        return Ok(());
    };
    hold_routing(shared, change);
    let reps = shared.rosters.get(&*shared.store, &change.record.org)?;
    if let Some(read) = reps.iter().find(|rep| rep.id == owner) {
        let mut rep = read.clone();
        rep.open_leads = rep.open_leads.saturating_sub(1);
        change.rep(read, rep);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
