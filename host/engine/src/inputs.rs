//! What a plug-in call sees of a lead besides its record: its activities
//! (stored and new in this change) and its latest qualification.

use super::change::Change;
use super::{EngineError, Shared};
use crate::model::{Activity, Qualification, Stage};

/// The lead's activities: the stored ones and this change's new ones.
pub(super) fn activities(shared: &Shared, change: &Change) -> Result<Vec<Activity>, EngineError> {
    let record = &change.record;
    // A new lead has none stored: no read (a round trip on PostgreSQL).
    let mut all = if change.is_new() {
        Vec::new()
    } else {
        shared.store.activities(&record.org, record.id())?
    };
    all.extend(change.new_activities().cloned());
    Ok(all)
}

/// The lead's latest qualification, or a "not qualified yet" nurture one.
pub(super) fn latest_qualification(change: &Change) -> Qualification {
    change
        .record
        .qualification
        .clone()
        .unwrap_or(Qualification {
            stage: Stage::Nurture,
            score: 0,
            segment: None,
            track: None,
            reasons: vec!["not qualified yet".into()],
        })
}
