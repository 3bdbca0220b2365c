//! `capacity-aware`: a routing policy that gives the lead to the available
//! rep with the most room relative to their capacity (`open / capacity`
//! smallest; ties: the longest wait, then the smaller id), so load stays
//! even across reps of different sizes.
//!
//! Config: `fallback-queue` (text, default `unassigned`).

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct CapacityAware;

impl RoutingPolicy for CapacityAware {
    fn route(input: RouteInput) -> Result<RouteDecision, String> {
        let fallback = input
            .config
            .text("fallback-queue")
            .unwrap_or("unassigned")
            .trim()
            .to_string();
        let load = |rep: &Rep| f64::from(rep.open_leads) / f64::from(rep.capacity.max(1));
        let chosen = input
            .candidates
            .iter()
            .filter(|rep| rep.available && rep.open_leads < rep.capacity)
            .min_by(|a, b| {
                load(a)
                    .total_cmp(&load(b))
                    .then_with(|| a.last_assigned_at.cmp(&b.last_assigned_at))
                    .then_with(|| a.id.cmp(&b.id))
            });
        let Some(chosen) = chosen else {
            return Ok(RouteDecision::queue(
                fallback,
                format!(
                    "every one of {} candidates is unavailable or full",
                    input.candidates.len()
                ),
            ));
        };
        Ok(Assignment::to(chosen.id.clone())
            .reason(format!(
                "least loaded: {}/{} open leads ({:.0}% of capacity)",
                chosen.open_leads,
                chosen.capacity,
                load(chosen) * 100.0
            ))
            .into())
    }
}

leadhost_sdk::export_routing_policy!(crate::CapacityAware);
