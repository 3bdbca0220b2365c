//! `{{name}}`: a routing policy (`route`).
//!
//! Gives the lead to the least-loaded rep who can take it (available and
//! under capacity), so work spreads evenly; ties go to the smaller id so
//! the choice is stable. When nobody can take it, the lead waits in the
//! queue named by `fallback-queue` (config, text; default `unassigned`)
//! instead of being forced on a full rep.

use leadhost_sdk::prelude::*;

/// The plug-in; the SDK's macro below exports it as the component's `route`.
pub struct Plugin;

impl RoutingPolicy for Plugin {
    fn route(input: RouteInput) -> Result<RouteDecision, String> {
        let queue = input
            .config
            .text_or("fallback-queue", "unassigned")
            .map_err(|error| error.within("config"))?;
        if queue.is_empty() {
            return Err("config `fallback-queue` must name a queue".into());
        }
        let open: Vec<&Rep> = input
            .candidates
            .iter()
            .filter(|rep| rep.available && rep.open_leads < rep.capacity)
            .collect();
        let chosen = open.iter().min_by(|a, b| {
            a.open_leads
                .cmp(&b.open_leads)
                .then_with(|| a.id.cmp(&b.id))
        });
        let Some(rep) = chosen else {
            return Ok(RouteDecision::queue(
                queue,
                format!(
                    "none of {} candidates is available with room",
                    input.candidates.len()
                ),
            ));
        };
        Ok(Assignment::to(rep.id.clone())
            .reason(format!(
                "fewest open leads: {} of {}",
                rep.open_leads, rep.capacity
            ))
            .reason(format!(
                "{} of {} candidates available with room",
                open.len(),
                input.candidates.len()
            ))
            .into())
    }
}

leadhost_sdk::export_routing_policy!(crate::Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(id: &str, open_leads: u32, capacity: u32) -> Rep {
        Rep {
            id: id.into(),
            team: None,
            territories: Vec::new(),
            segments: Vec::new(),
            capacity,
            open_leads,
            weight: 1,
            available: true,
            last_assigned_at: None,
        }
    }

    #[test]
    fn a_full_rep_is_skipped_and_nobody_free_means_the_queue() {
        let input = |candidates| RouteInput {
            lead: LeadBuilder::new("ada@example.com").build(),
            qualification: Qualification::sales_ready(80),
            candidates,
            account_owner: None,
            config: vec![Field::text("fallback-queue", "inside-sales")],
            now: 0,
        };
        let decision = Plugin::route(input(vec![rep("ana", 5, 5), rep("ben", 3, 10)])).unwrap();
        assert!(matches!(decision, RouteDecision::Assign(ref a) if a.rep == "ben"));
        let decision = Plugin::route(input(vec![rep("ana", 5, 5)])).unwrap();
        assert!(matches!(decision, RouteDecision::Queue(ref q) if q.name == "inside-sales"));
    }
}
