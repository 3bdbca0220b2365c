//! The lifecycle's automatic chain in one place: each step (qualify,
//! route, nurture, recycle) returns the [`Next`] move it asks for, and
//! [`run`] makes them in turn until one rests. No step calls another, so
//! the order of moves is read here and nowhere else.

use super::call::needs_review;
use super::change::Change;
use super::lifecycle::Next;
use super::{EngineError, Shared, nurture, qualification, routing};
use crate::model::Slot;
use crate::store::LeadStage;

/// Most moves one operation makes. A lead the routing policy returns to
/// marketing and the nurture track hands straight back to sales would
/// otherwise go round for ever; past this it waits in needs-review.
pub const MAX_MOVES: usize = 12;

/// Makes `first` and every move after it.
pub(super) fn run(shared: &Shared, change: &mut Change, first: Next) -> Result<(), EngineError> {
    let mut next = first;
    for _ in 0..MAX_MOVES {
        next = match next {
            Next::Rest => return Ok(()),
            Next::ToSales(cause) => {
                change.wake_at(None);
                change.move_to(LeadStage::SalesReady, &cause)?;
                routing::route(shared, change)?
            }
            Next::Nurture => nurture::nurture(shared, change)?,
            Next::Recycle { reason, cause } => nurture::recycle(shared, change, reason, &cause)?,
        };
    }
    if next == Next::Rest {
        return Ok(());
    }
    let slot = match next {
        Next::ToSales(_) => Slot::RoutingPolicy,
        _ => Slot::NurtureTrack,
    };
    change.wake_at(None);
    change.move_to(
        needs_review(
            slot,
            "moves-exceeded",
            format!(
                "the lead went between sales and marketing {MAX_MOVES} times in one step: \
                 the routing policy and the nurture track hand it back and forth"
            ),
        ),
        "too many moves in one step",
    )?;
    Ok(())
}

/// Qualifies a new lead (or re-runs its qualification) and follows the verdict.
pub(super) fn qualify_new(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let next = qualification::qualify_new(shared, change)?;
    run(shared, change, next)
}

/// Re-qualifies a lead marketing holds and follows the verdict.
pub(super) fn requalify(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let next = qualification::requalify(shared, change)?;
    run(shared, change, next)
}

/// Routes a sales-ready lead and follows the policy's decision.
pub(super) fn route(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    let next = routing::route(shared, change)?;
    run(shared, change, next)
}

/// Takes the nurture track's next step and follows it.
pub(super) fn nurture(shared: &Shared, change: &mut Change) -> Result<(), EngineError> {
    run(shared, change, Next::Nurture)
}

/// Passes a lead back to marketing for `reason` and nurtures it.
pub(super) fn recycle(
    shared: &Shared,
    change: &mut Change,
    reason: String,
    cause: &str,
) -> Result<(), EngineError> {
    run(
        shared,
        change,
        Next::Recycle {
            reason,
            cause: cause.into(),
        },
    )
}
