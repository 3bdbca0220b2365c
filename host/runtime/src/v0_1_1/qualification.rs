//! 0.1.1's `qualification` record, both ways: 0.1.0's plus `note`, which
//! the host's model has no place for, so an answer's note is kept as its
//! last reason and a qualification handed on carries none.

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
        note: None,
    }
}

/// A lead definition's answer, checked: `segment`, `track` and `note` are
/// absent or not blank; the note becomes the last reason.
impl TryFrom<wit::Qualification> for model::Qualification {
    type Error = String;

    fn try_from(answer: wit::Qualification) -> Result<Self, String> {
        let mut reasons = answer.reasons;
        reasons.extend(optional_non_empty(answer.note, "note")?);
        Ok(model::Qualification {
            stage: stage_from_wit(answer.stage),
            score: answer.score,
            segment: optional_non_empty(answer.segment, "segment")?,
            track: optional_non_empty(answer.track, "track")?,
            reasons,
        })
    }
}
