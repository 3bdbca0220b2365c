//! 0.1.0's `qualification` record, both ways: what a lead definition
//! answers, and what nurture tracks and routing policies are handed.

use super::convert::{optional_non_empty, stage_from_wit, stage_to_wit};
use super::generated::types as wit;
use leadhost_model as model;

/// The qualification a nurture track or routing policy is handed.
pub(super) fn qualification_to_wit(qualification: &model::Qualification) -> wit::Qualification {
    wit::Qualification {
        stage: stage_to_wit(qualification.stage),
        score: qualification.score,
        segment: qualification.segment.clone(),
        track: qualification.track.clone(),
        reasons: qualification.reasons.clone(),
    }
}

/// A lead definition's answer, checked: `segment` and `track` are absent
/// or not blank.
impl TryFrom<wit::Qualification> for model::Qualification {
    type Error = String;

    fn try_from(answer: wit::Qualification) -> Result<Self, String> {
        Ok(model::Qualification {
            stage: stage_from_wit(answer.stage),
            score: answer.score,
            segment: optional_non_empty(answer.segment, "segment")?,
            track: optional_non_empty(answer.track, "track")?,
            reasons: answer.reasons,
        })
    }
}
