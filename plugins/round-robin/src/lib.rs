//! `round-robin`: a routing policy. The account owner gets the lead when
//! there is one who can take it; otherwise, among available reps under
//! capacity, those covering the lead's territory come first, and the one who
//! has waited longest since their last assignment wins.
//!
//! Config: `fallback-queue` (text, default `unassigned`): the queue a lead
//! goes to when no rep can take it.

use leadhost_sdk::prelude::*;

/// The plug-in.
pub struct RoundRobin;

impl RoutingPolicy for RoundRobin {
    fn route(input: RouteInput) -> Result<RouteDecision, String> {
        let fallback = input
            .config
            .text("fallback-queue")
            .unwrap_or("unassigned")
            .trim();
        if fallback.is_empty() {
            return Err(
                "config `fallback-queue` is empty: name the queue for leads no rep can take".into(),
            );
        }
        let mut notes = Vec::new();

        if let Some(owner_id) = &input.account_owner {
            let domain = input
                .lead
                .domain
                .clone()
                .or_else(|| input.lead.email_domain())
                .unwrap_or_default();
            match input.candidates.iter().find(|rep| &rep.id == owner_id) {
                Some(owner) if eligible(owner) => {
                    return Ok(Assignment::to(owner.id.clone())
                        .reason(format!("account owner of {domain}"))
                        .reason(load(owner))
                        .into());
                }
                Some(owner) => notes.push(format!(
                    "account owner {} cannot take it: {}",
                    owner.id,
                    why_not(owner)
                )),
                None => notes.push(format!(
                    "account owner {owner_id} is not among the candidates"
                )),
            }
        }

        let eligible_reps: Vec<&Rep> = input
            .candidates
            .iter()
            .filter(|rep| eligible(rep))
            .collect();
        if eligible_reps.is_empty() {
            let reason = format!(
                "no rep is available with room among {} candidates",
                input.candidates.len()
            );
            return Ok(RouteDecision::queue(fallback, reason));
        }

        let country = input.lead.country.as_deref().map(str::to_lowercase);
        let covering: Vec<&Rep> = match &country {
            Some(country) => eligible_reps
                .iter()
                .copied()
                .filter(|rep| {
                    rep.territories
                        .iter()
                        .any(|territory| territory.to_lowercase() == *country)
                })
                .collect(),
            None => Vec::new(),
        };
        let pool = if covering.is_empty() {
            notes.push(match &input.lead.country {
                Some(country) => {
                    format!("no available rep covers territory {country}; choosing among all")
                }
                None => "lead has no country; choosing among all available reps".into(),
            });
            eligible_reps
        } else {
            notes.push(format!(
                "{} available reps cover territory {}",
                covering.len(),
                input.lead.country.as_deref().unwrap_or_default()
            ));
            covering
        };

        // Never assigned sorts before any time. Assignments in the same
        // millisecond (a batch) tie on time: fewer open leads goes first,
        // then the smaller id, so bursts stay fair and the choice stable.
        let chosen = pool
            .into_iter()
            .min_by(|a, b| {
                a.last_assigned_at
                    .cmp(&b.last_assigned_at)
                    .then_with(|| a.open_leads.cmp(&b.open_leads))
                    .then_with(|| a.id.cmp(&b.id))
            })
            .expect("the pool is not empty");
        let waited = match chosen.last_assigned_at {
            Some(at) => format!(
                "longest wait since last assignment ({} hours)",
                time::whole_hours_between(at, input.now).max(0)
            ),
            None => "never assigned a lead yet".into(),
        };
        let assignment = Assignment::to(chosen.id.clone())
            .reason(waited)
            .reason(load(chosen));
        Ok(notes
            .into_iter()
            .fold(assignment, Assignment::reason)
            .into())
    }
}

fn eligible(rep: &Rep) -> bool {
    rep.available && rep.open_leads < rep.capacity
}

fn why_not(rep: &Rep) -> String {
    if !rep.available {
        "unavailable".into()
    } else {
        format!("at capacity ({}/{})", rep.open_leads, rep.capacity)
    }
}

fn load(rep: &Rep) -> String {
    format!(
        "{} has {}/{} open leads",
        rep.id, rep.open_leads, rep.capacity
    )
}

leadhost_sdk::export_routing_policy!(crate::RoundRobin);

#[cfg(test)]
mod tests {
    use super::*;
    use leadhost_sdk::time::HOUR_MS;

    const NOW: i64 = 1_000 * HOUR_MS;

    fn rep(id: &str, territories: &[&str], open: u32, last_assigned_hours_ago: Option<i64>) -> Rep {
        Rep {
            id: id.into(),
            team: None,
            territories: territories.iter().map(|t| t.to_string()).collect(),
            segments: vec![],
            capacity: 10,
            open_leads: open,
            weight: 1,
            available: true,
            last_assigned_at: last_assigned_hours_ago.map(|hours| NOW - hours * HOUR_MS),
        }
    }

    fn route(
        country: Option<&str>,
        candidates: Vec<Rep>,
        owner: Option<&str>,
        config: Vec<Field>,
    ) -> RouteDecision {
        let mut lead = LeadBuilder::new("dana@northwind.example").domain("northwind.example");
        if let Some(country) = country {
            lead = lead.country(country);
        }
        let qualification = Qualification::sales_ready(90);
        RoundRobin::route(RouteInput {
            lead: lead.build(),
            qualification,
            candidates,
            account_owner: owner.map(String::from),
            config,
            now: NOW,
        })
        .unwrap()
    }

    fn assigned(decision: RouteDecision) -> (String, Vec<String>) {
        match decision {
            RouteDecision::Assign(Assignment { rep, reasons }) => (rep, reasons),
            other => panic!("expected an assignment, got {other:?}"),
        }
    }

    #[test]
    fn the_longest_waiting_rep_in_the_territory_wins() {
        let reps = vec![
            rep("ana", &["DE"], 1, Some(2)),
            rep("ben", &["de"], 5, Some(30)),
            rep("dev", &["US"], 0, None),
        ];
        let (chosen, reasons) = assigned(route(Some("DE"), reps, None, vec![]));
        assert_eq!(chosen, "ben");
        assert!(
            reasons
                .iter()
                .any(|reason| reason == "ben has 5/10 open leads"),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|reason| reason.contains("30 hours")),
            "{reasons:?}"
        );
    }

    #[test]
    fn never_assigned_reps_go_first_and_ties_break_by_id() {
        let reps = vec![
            rep("zed", &[], 0, None),
            rep("amy", &[], 0, None),
            rep("old", &[], 0, Some(100)),
        ];
        assert_eq!(assigned(route(None, reps, None, vec![])).0, "amy");
    }

    #[test]
    fn without_a_territory_match_every_eligible_rep_counts() {
        let reps = vec![
            rep("ana", &["DE"], 0, Some(1)),
            rep("dev", &["US"], 0, Some(9)),
        ];
        let (chosen, reasons) = assigned(route(Some("FR"), reps, None, vec![]));
        assert_eq!(chosen, "dev");
        assert!(
            reasons
                .iter()
                .any(|reason| reason.contains("no available rep covers territory FR")),
            "{reasons:?}"
        );
    }

    #[test]
    fn full_and_unavailable_reps_are_skipped() {
        let mut away = rep("away", &["DE"], 0, None);
        away.available = false;
        let full = Rep {
            capacity: 3,
            ..rep("full", &["DE"], 3, None)
        };
        let reps = vec![away, full, rep("free", &["US"], 9, Some(1))];
        assert_eq!(assigned(route(Some("DE"), reps, None, vec![])).0, "free");
    }

    #[test]
    fn the_account_owner_wins_when_they_can_take_it() {
        let reps = vec![
            rep("ana", &["DE"], 0, None),
            rep("owner", &["US"], 9, Some(1)),
        ];
        let (chosen, reasons) = assigned(route(Some("DE"), reps.clone(), Some("owner"), vec![]));
        assert_eq!(chosen, "owner");
        assert_eq!(reasons[0], "account owner of northwind.example");

        let full_owner = vec![
            rep("ana", &["DE"], 0, None),
            rep("owner", &["US"], 10, Some(1)),
        ];
        let (chosen, reasons) = assigned(route(Some("DE"), full_owner, Some("owner"), vec![]));
        assert_eq!(chosen, "ana");
        assert!(
            reasons
                .iter()
                .any(|reason| reason
                    .contains("account owner owner cannot take it: at capacity (10/10)")),
            "{reasons:?}"
        );
    }

    #[test]
    fn no_eligible_rep_sends_the_lead_to_the_fallback_queue() {
        let full = Rep {
            capacity: 1,
            ..rep("full", &["DE"], 1, None)
        };
        match route(Some("DE"), vec![full.clone()], None, vec![]) {
            RouteDecision::Queue(queued) => assert_eq!(queued.name, "unassigned"),
            other => panic!("{other:?}"),
        }
        match route(
            Some("DE"),
            vec![full],
            None,
            vec![Field::text("fallback-queue", "emea-overflow")],
        ) {
            RouteDecision::Queue(queued) => assert_eq!(queued.name, "emea-overflow"),
            other => panic!("{other:?}"),
        }
    }
}
