//! Qualification: the lead definition's verdict on a new lead, and again
//! on a lead marketing holds after new activity. Each step says which move
//! comes next ([`Next`]); `moves.rs` makes it.

use super::call::call;
use super::campaigns::{campaign_context, sees_campaigns};
use super::change::Change;
use super::inputs::activities;
use super::lifecycle::Next;
use super::nurture::start_nurture;
use super::{EngineError, Shared};
use crate::model::{Qualification, QualifyInput, Stage};
use crate::runtime::Slot;
use crate::store::{LeadStage, StageKind};

/// Calls the lead definition; stores the qualification it returns.
fn qualify(shared: &Shared, change: &mut Change) -> Result<Option<Qualification>, EngineError> {
    let activities = activities(shared, change)?;
    let (lead, now) = (change.record.lead.clone(), change.now);
    let (campaigns, previous) = if sees_campaigns(shared, &change.record.org, Slot::LeadDefinition)
    {
        let campaigns = campaign_context(shared, &change.record, now)?;
        (campaigns, change.record.qualification.clone())
    } else {
        (Vec::new(), None)
    };
    let made = call(shared, change, |config| QualifyInput {
        lead,
        activities,
        campaigns,
        previous,
        config,
        now,
    })?;
    Ok(made.map(|(qualification, _)| {
        change.record.qualification = Some(qualification.clone());
        qualification
    }))
}

/// Qualifies a new lead (or one whose qualification is re-run) and acts on the verdict.
pub(super) fn qualify_new(shared: &Shared, change: &mut Change) -> Result<Next, EngineError> {
    let Some(qualification) = qualify(shared, change)? else {
        return Ok(Next::Rest);
    };
    change.move_to(LeadStage::Qualified, &verdict_cause(&qualification))?;
    match qualification.stage {
        Stage::SalesReady => Ok(Next::ToSales("the lead definition says sales-ready".into())),
        Stage::Nurture => start_nurture(shared, change, &qualification),
        Stage::Discard => discard(change, &qualification),
    }
}

/// Re-qualifies a lead marketing holds (nurturing or discarded) after new activity.
pub(super) fn requalify(shared: &Shared, change: &mut Change) -> Result<Next, EngineError> {
    let Some(qualification) = qualify(shared, change)? else {
        return Ok(Next::Rest);
    };
    let current = change.record.stage.kind();
    match (current, qualification.stage) {
        (_, Stage::SalesReady) => Ok(Next::ToSales("re-qualified as sales-ready".into())),
        (StageKind::Discarded, Stage::Discard) => Ok(Next::Rest),
        (_, Stage::Discard) => discard(change, &qualification),
        (StageKind::Discarded, Stage::Nurture) => start_nurture(shared, change, &qualification),
        (_, Stage::Nurture) => {
            let on = change
                .record
                .track
                .as_ref()
                .map(|state| state.track.as_str());
            match qualification.track.as_deref() {
                // The definition now suggests another track: let the track move it at once.
                Some(suggested) if Some(suggested) != on => Ok(Next::Nurture),
                _ => Ok(Next::Rest),
            }
        }
    }
}

fn verdict_cause(qualification: &Qualification) -> String {
    let stage = match qualification.stage {
        Stage::SalesReady => "sales-ready",
        Stage::Nurture => "nurture",
        Stage::Discard => "discard",
    };
    format!("qualified {stage} with score {}", qualification.score)
}

fn discard(change: &mut Change, qualification: &Qualification) -> Result<Next, EngineError> {
    let reason = qualification
        .reasons
        .first()
        .cloned()
        .unwrap_or_else(|| "the lead definition discarded it".into());
    change.wake_at(None);
    change.move_to(
        LeadStage::Discarded { reason },
        "the lead definition says discard",
    )?;
    Ok(Next::Rest)
}
