//! `weighted`: a routing policy that shares leads among available reps with
//! room in proportion to their `weight`: the lead goes to the rep whose
//! open leads are furthest below their share, `(open + 1) / weight`
//! smallest (ties: the longest wait, then the smaller id). Open leads are
//! the host's live count, so a rep who closes deals takes new ones sooner.
//!
//! Config: `fallback-queue` (text, default `unassigned`).

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct Weighted;

impl RoutingPolicy for Weighted {
    fn route(input: RouteInput) -> Result<RouteDecision, String> {
        let fallback = input
            .config
            .text("fallback-queue")
            .unwrap_or("unassigned")
            .trim()
            .to_string();
        let pool: Vec<&Rep> = input
            .candidates
            .iter()
            .filter(|rep| rep.available && rep.open_leads < rep.capacity && rep.weight > 0)
            .collect();
        let share = |rep: &Rep| f64::from(rep.open_leads + 1) / f64::from(rep.weight);
        let Some(chosen) = pool.iter().copied().min_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then_with(|| a.last_assigned_at.cmp(&b.last_assigned_at))
                .then_with(|| a.id.cmp(&b.id))
        }) else {
            return Ok(RouteDecision::queue(
                fallback,
                format!(
                    "no rep with a weight is available with room among {} candidates",
                    input.candidates.len()
                ),
            ));
        };
        let total: u32 = pool.iter().map(|rep| rep.weight).sum();
        Ok(Assignment::to(chosen.id.clone())
            .reason(format!(
                "weight {} of {total} among {} available reps: furthest below its share",
                chosen.weight,
                pool.len()
            ))
            .reason(format!(
                "{} has {}/{} open leads",
                chosen.id, chosen.open_leads, chosen.capacity
            ))
            .into())
    }
}

leadhost_sdk::export_routing_policy!(crate::Weighted);
