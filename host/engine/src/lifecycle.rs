//! The lifecycle's legal moves. Every stage change goes through
//! [`check`], so an illegal one is refused with the same words everywhere.
//! The automatic steps (qualification, routing, nurture) never call each
//! other: each ends by naming the [`Next`] move, and `moves.rs` makes it.

use crate::store::StageKind;

use StageKind::*;

/// The move a step asks for after its own: the lifecycle's automatic
/// chain (qualified → sales-ready → routed, or → nurtured; returned to
/// marketing → nurtured; nurtured → sales-ready) spelled out as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// None: the lead rests where the step left it.
    Rest,
    /// To sales for this cause: sales-ready, then the routing policy.
    ToSales(String),
    /// The nurture track's next step (a lead on its track, or recycled).
    Nurture,
    /// Back to marketing for `reason`: recycled, then nurtured.
    Recycle {
        /// Why (the routing policy's reason, or sales').
        reason: String,
        /// What the stage change records as its cause.
        cause: String,
    },
}

/// The stages a lead may move to from `from`.
pub fn next_stages(from: StageKind) -> &'static [StageKind] {
    match from {
        // Discarded: a duplicate merged into the lead it is.
        New => &[Qualified, NeedsReview, Discarded],
        Qualified => &[SalesReady, Nurturing, Discarded],
        SalesReady => &[Routed, Recycled, NeedsReview],
        Routed => &[Assigned, Recycled, NeedsReview],
        // Back to sales-ready when the SLA lapses, to be routed again.
        Assigned => &[Accepted, Recycled, SalesReady],
        Accepted => &[Won, Lost, Recycled],
        Won | Lost => &[],
        Recycled => &[Nurturing, NeedsReview],
        Nurturing => &[Nurturing, SalesReady, Discarded, NeedsReview],
        Discarded => &[SalesReady, Nurturing, NeedsReview],
        NeedsReview => &[New, SalesReady, Nurturing, Discarded],
    }
}

/// A move the lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lead {lead} is {from}; it cannot become {to} (from {from} it can become: {})", allowed(*.from))]
pub struct IllegalTransition {
    /// The lead.
    pub lead: String,
    /// Its stage.
    pub from: StageKind,
    /// The stage asked for.
    pub to: StageKind,
}

fn allowed(from: StageKind) -> String {
    let next = next_stages(from);
    if next.is_empty() {
        "nothing, it is closed".into()
    } else {
        next.iter()
            .map(|stage| stage.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Refuses a move the lifecycle does not allow.
pub fn check(lead: &str, from: StageKind, to: StageKind) -> Result<(), IllegalTransition> {
    if next_stages(from).contains(&to) {
        Ok(())
    } else {
        Err(IllegalTransition {
            lead: lead.to_string(),
            from,
            to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sales_path_is_legal_step_by_step() {
        let path = [New, Qualified, SalesReady, Routed, Assigned, Accepted, Won];
        for pair in path.windows(2) {
            assert_eq!(check("ld-1", pair[0], pair[1]), Ok(()), "{pair:?}");
        }
    }

    #[test]
    fn skipping_a_stage_or_leaving_a_closed_lead_is_refused() {
        let error = check("ld-1", Assigned, Won).unwrap_err();
        assert_eq!(
            error.to_string(),
            "lead ld-1 is assigned; it cannot become won (from assigned it can become: accepted, recycled, sales-ready)"
        );
        assert!(
            check("ld-1", Won, Recycled)
                .unwrap_err()
                .to_string()
                .contains("nothing, it is closed")
        );
        assert!(check("ld-1", New, SalesReady).is_err());
    }

    #[test]
    fn every_stage_but_new_is_reachable_and_every_open_stage_has_a_way_out() {
        for stage in StageKind::ALL {
            let reachable = StageKind::ALL
                .iter()
                .any(|from| next_stages(*from).contains(&stage));
            assert!(stage == New || reachable, "{stage} is unreachable");
            assert!(
                matches!(stage, Won | Lost) || !next_stages(stage).is_empty(),
                "{stage} is a dead end"
            );
        }
    }
}
