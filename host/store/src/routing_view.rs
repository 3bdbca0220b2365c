//! What a routing policy was shown, kept on its decision: the timeline's
//! answer to "why this rep?" beside the policy's reasons and hash.

use serde::{Deserialize, Serialize};

use leadhost_model::{Rep, RouteInput};

/// Most candidates kept on one decision. An org with thousands of reps
/// would otherwise write their whole roster into every lead's timeline;
/// the chosen rep, the account owner and the least loaded are what explain
/// a choice, and the counts say how many more there were.
pub const CANDIDATES_KEPT: usize = 20;

/// The candidates a routing policy saw, with their load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoutingView {
    /// How many candidates the policy was given.
    pub total: usize,
    /// How many of them could take a lead (available and under capacity).
    pub eligible: usize,
    /// The rep who already owns the lead's domain, if one does.
    pub account_owner: Option<String>,
    /// Up to [`CANDIDATES_KEPT`]: the chosen rep, then the account owner,
    /// then the others, eligible ones first, least loaded first.
    pub candidates: Vec<CandidateLoad>,
    /// Set when the host showed the policy a shortlist of a larger roster
    /// (`[routing] candidates`): what the roster held. Absent: the policy
    /// saw every rep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrowed: Option<Narrowed>,
}

/// The roster a routing policy's shortlist was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Narrowed {
    /// Reps in the org who could be shown (all but those who let this
    /// lead's SLA lapse).
    pub reps: usize,
    /// How many of them could take the lead then (available, not away,
    /// under capacity).
    pub eligible: usize,
}

/// One candidate as the policy saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CandidateLoad {
    /// The rep's id.
    pub id: String,
    /// The rep's team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Open leads held at the time.
    pub open_leads: u32,
    /// Most open leads allowed.
    pub capacity: u32,
    /// Relative share for weighted policies.
    pub weight: u32,
    /// Whether the rep could take leads then (switched on, not away).
    pub available: bool,
}

impl From<&Rep> for CandidateLoad {
    fn from(rep: &Rep) -> Self {
        CandidateLoad {
            id: rep.id.clone(),
            team: rep.team.clone(),
            open_leads: rep.open_leads,
            capacity: rep.capacity,
            weight: rep.weight,
            available: rep.available,
        }
    }
}

fn eligible(rep: &Rep) -> bool {
    rep.available && rep.open_leads < rep.capacity
}

impl RoutingView {
    /// The view of `input`, with `chosen` (the rep the policy picked, if
    /// any) kept first.
    pub fn of(input: &RouteInput, chosen: Option<&str>) -> Self {
        let first = [chosen, input.account_owner.as_deref()];
        let rank = |rep: &Rep| match first.iter().position(|id| *id == Some(rep.id.as_str())) {
            Some(place) => (place, false, 0),
            // Load as a fraction of capacity, compared without floats.
            None => (
                first.len(),
                !eligible(rep),
                u64::from(rep.open_leads) * 1_000_000 / u64::from(rep.capacity.max(1)),
            ),
        };
        let mut shown: Vec<&Rep> = input.candidates.iter().collect();
        if shown.len() > CANDIDATES_KEPT {
            shown.select_nth_unstable_by_key(CANDIDATES_KEPT - 1, |rep| rank(rep));
            shown.truncate(CANDIDATES_KEPT);
        }
        shown.sort_by_key(|rep| (rank(rep), rep.id.clone()));
        RoutingView {
            total: input.candidates.len(),
            eligible: input.candidates.iter().filter(|rep| eligible(rep)).count(),
            account_owner: input.account_owner.clone(),
            candidates: shown.into_iter().map(CandidateLoad::from).collect(),
            narrowed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadhost_model::{Lead, Qualification, Stage};

    fn rep(id: &str, open_leads: u32, capacity: u32) -> Rep {
        serde_json::from_value(serde_json::json!({
            "id": id, "open_leads": open_leads, "capacity": capacity
        }))
        .unwrap()
    }

    fn input(candidates: Vec<Rep>, account_owner: Option<&str>) -> RouteInput {
        let lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "ld-1", "email": "a@b.example", "created_at": "2026-11-24T09:00:00Z"
        }))
        .unwrap();
        RouteInput {
            campaigns: Vec::new(),
            lead,
            qualification: Qualification {
                stage: Stage::SalesReady,
                score: 90,
                segment: None,
                track: None,
                reasons: vec![],
            },
            candidates,
            account_owner: account_owner.map(String::from),
            config: Default::default(),
            now: "2026-11-24T09:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn a_small_roster_is_kept_whole_with_the_chosen_rep_and_the_owner_first() {
        let reps = vec![rep("ana", 3, 10), rep("ben", 9, 10), rep("cho", 1, 10)];
        let view = RoutingView::of(&input(reps, Some("ben")), Some("ana"));
        let ids: Vec<_> = view.candidates.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["ana", "ben", "cho"]);
        assert_eq!((view.total, view.eligible), (3, 3));
        assert_eq!(view.candidates[1].open_leads, 9);
    }

    #[test]
    fn a_large_roster_keeps_the_chosen_rep_and_the_least_loaded_eligible() {
        let mut reps: Vec<Rep> = (0..5_000)
            .map(|n| rep(&format!("rep-{n:04}"), (n % 10) as u32, 10))
            .collect();
        reps[4_321].open_leads = 10; // full: never among the least loaded
        reps[4_321].id = "chosen".into();
        let view = RoutingView::of(&input(reps, None), Some("chosen"));
        assert_eq!(view.total, 5_000);
        assert_eq!(view.eligible, 4_999);
        assert_eq!(view.candidates.len(), CANDIDATES_KEPT);
        assert_eq!(view.candidates[0].id, "chosen");
        assert!(
            view.candidates[1..].iter().all(|c| c.open_leads == 0),
            "{:?}",
            view.candidates
        );
    }
}
